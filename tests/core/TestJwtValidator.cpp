#include "JwtTestKit.h"

#include "auth/JwtValidator.h"
#include "auth/KeySet.h"
#include "secrets/SecretValue.h"

#include <QTest>

#include <jwt.h>

#include <algorithm>
#include <cstdlib>

using namespace warden;
using namespace warden::auth;
using warden::test::TestKey;
using Reason = TokenError::Reason;

namespace {

constexpr std::int64_t kNow = 1800000000;
const std::string kIssuer = "https://idp.example.com/";
const std::string kResource = "https://mcp.example.com/mcp";
const std::string kSecret = "0123456789abcdef0123456789abcdef-hs256"; // 38 bytes

// Which rules a row is checked under.
enum class Rules { Default, WithHs256, AcceptJwtType, Rs256Only, WithTenant, Libjwt };
// Which key set a row is checked against.
enum class Keys { Main, TwoRsa, None };

QString q(const std::string &text)
{
    return QString::fromStdString(text);
}

Json claims()
{
    return Json { { "iss", kIssuer },    { "aud", kResource },           { "sub", "alice" },
                  { "exp", kNow + 300 }, { "iat", kNow - 10 },           { "client_id", "agent-1" },
                  { "jti", "token-1" },  { "scope", "db.read db.write" } };
}

Json with(Json object, const std::string &key, Json value)
{
    object[key] = std::move(value);
    return object;
}

Json without(Json object, const std::string &key)
{
    object.erase(key);
    return object;
}

// A token minted by libjwt 1.10 (an independent JWS implementation) with a PEM key or an HMAC
// secret. libjwt 1.10 overwrites any typ with "JWT", so these tokens need Rules::Libjwt.
std::string libjwtMint(jwt_alg_t alg, const std::string &key, const std::string &kid,
                       const Json &grants)
{
    jwt_t *jwt = nullptr;
    if (jwt_new(&jwt) != 0)
        qFatal("jwt_new failed");
    const std::string json = grants.dump();
    bool ok = jwt_add_grants_json(jwt, json.c_str()) == 0
        && jwt_add_header(jwt, "typ", "at+jwt") == 0
        && (kid.empty() || jwt_add_header(jwt, "kid", kid.c_str()) == 0)
        && jwt_set_alg(jwt, alg, reinterpret_cast<const unsigned char *>(key.data()),
                       static_cast<int>(key.size()))
            == 0;
    char *encoded = ok ? jwt_encode_str(jwt) : nullptr;
    jwt_free(jwt);
    if (!encoded)
        qFatal("libjwt could not encode a token");
    std::string token(encoded);
    std::free(encoded);
    return token;
}

std::vector<std::string> segments(const std::string &token)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = token.find('.', start);
        parts.push_back(
            token.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos)
            return parts;
        start = dot + 1;
    }
}

} // namespace

Q_DECLARE_METATYPE(Rules)
Q_DECLARE_METATYPE(Keys)

class TestJwtValidator : public QObject
{
    Q_OBJECT
private:
    TestKey m_rsa; // RS256, kid rsa-1
    TestKey m_rsaPss; // PS256, kid rsa-pss
    TestKey m_ec; // ES256, kid ec-1
    TestKey m_ed; // EdDSA, kid ed-1
    TestKey m_stranger; // RS256, claims kid rsa-1 but is not in the set
    KeySet m_keys;
    KeySet m_twoRsa;

    JwtRules rules(Rules which) const
    {
        JwtRules r;
        r.issuer = kIssuer;
        r.audience = kResource;
        switch (which) {
        case Rules::Default:
            break;
        case Rules::WithHs256:
            r.algorithms.push_back(JwsAlgorithm::HS256);
            break;
        case Rules::AcceptJwtType:
            r.tokenTypes.push_back("JWT");
            break;
        case Rules::Rs256Only:
            r.algorithms = { JwsAlgorithm::RS256 };
            break;
        case Rules::WithTenant:
            r.claims.tenant = "tenant_id";
            r.claims.roles = "roles";
            break;
        case Rules::Libjwt: // libjwt 1.10 always writes typ "JWT", like many identity providers
            r.tokenTypes.push_back("JWT");
            r.algorithms.push_back(JwsAlgorithm::HS256);
            break;
        }
        return r;
    }

    JwtValidator validator(Rules which) const
    {
        return JwtValidator(rules(which), std::make_shared<const SecretValue>(kSecret));
    }

    std::string rs(const Json &c) const { return test::mint(c, m_rsa); }
    std::string rsHeader(const Json &header, const Json &c = claims()) const
    {
        return test::mint(header, c, m_rsa, JwsAlgorithm::RS256);
    }
    Json rsHead() const { return test::headerFor(m_rsa, JwsAlgorithm::RS256); }

private Q_SLOTS:
    void initTestCase()
    {
        m_rsa = TestKey::rsa("rsa-1");
        m_rsaPss = TestKey::rsa("rsa-pss", JwsAlgorithm::PS256);
        m_ec = TestKey::ec("ec-1");
        m_ed = TestKey::ed25519("ed-1");
        m_stranger = TestKey::rsa("rsa-1");
        m_keys = *KeySet::fromJson(test::jwks({ &m_rsa, &m_rsaPss, &m_ec, &m_ed }));
        const TestKey second = TestKey::rsa("rsa-2");
        m_twoRsa = *KeySet::fromJson(test::jwks({ &m_rsa, &second }));
    }

    // Every attack, and the valid tokens they are variations of. An empty reason means valid.
    void validate_data()
    {
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<Rules>("rules");
        QTest::addColumn<Keys>("keys");
        QTest::addColumn<QString>("reason");

        const auto row = [](const char *name, const std::string &token, const char *reason,
                            Rules r = Rules::Default, Keys k = Keys::Main) {
            QTest::newRow(name) << QByteArray::fromStdString(token) << r << k
                                << QString::fromLatin1(reason);
        };
        const Json c = claims();
        const std::string b64Claims = test::b64(c.dump());

        // --- valid tokens: libjwt mints RS256, ES256 and HS256; OpenSSL PS256 and EdDSA ---
        const std::string libjwtRs = libjwtMint(JWT_ALG_RS256, m_rsa.privatePem(), "rsa-1", c);
        row("valid RS256 (libjwt)", libjwtRs, "", Rules::Libjwt);
        row("valid ES256 (libjwt)", libjwtMint(JWT_ALG_ES256, m_ec.privatePem(), "ec-1", c), "",
            Rules::Libjwt);
        row("valid HS256 (libjwt)", libjwtMint(JWT_ALG_HS256, kSecret, "", c), "", Rules::Libjwt);
        row("libjwt typ JWT, strict rules", libjwtRs, "wrong_type");
        row("valid PS256", test::mint(c, m_rsaPss), "");
        row("valid EdDSA", test::mint(c, m_ed), "");
        row("valid ES256", test::mint(c, m_ec), "");
        row("valid RS256 without kid, sole RS256 key",
            test::mint(without(rsHead(), "kid"), c, m_rsa, JwsAlgorithm::RS256), "");

        // --- alg none ---
        for (const char *none : { "none", "None", "NONE" }) {
            const std::string header =
                test::b64(Json { { "alg", none }, { "typ", "at+jwt" } }.dump());
            row(("alg " + std::string(none)).c_str(), header + "." + b64Claims + ".",
                "algorithm_not_allowed", Rules::WithHs256);
        }
        row("alg none with a signature",
            test::b64(R"({"alg":"none","typ":"at+jwt","kid":"rsa-1"})") + "." + b64Claims + "."
                + test::b64(std::string(256, 'x')),
            "algorithm_not_allowed");

        // --- algorithm confusion: HS256 "signed" with the RSA public key as the secret ---
        const Json hsHeader = { { "alg", "HS256" }, { "typ", "at+jwt" }, { "kid", "rsa-1" } };
        const std::string pemConfused =
            test::hs256Text(hsHeader.dump(), c.dump(), m_rsa.publicPem());
        const std::string derConfused =
            test::hs256Text(hsHeader.dump(), c.dump(), m_rsa.publicDer());
        row("HS256 with RSA PEM as secret", pemConfused, "algorithm_not_allowed");
        row("HS256 with RSA DER as secret", derConfused, "algorithm_not_allowed");
        row("HS256 with RSA PEM as secret, HS256 configured", pemConfused, "bad_signature",
            Rules::WithHs256);
        row("HS256 with RSA DER as secret, HS256 configured", derConfused, "bad_signature",
            Rules::WithHs256);
        row("HS256 with the JWK n as secret, HS256 configured",
            test::hs256Text(hsHeader.dump(), c.dump(), m_rsa.jwk()["n"].get<std::string>()),
            "bad_signature", Rules::WithHs256);

        // --- keys supplied by the token ---
        row("jku", rsHeader(with(rsHead(), "jku", "https://evil.example/jwks.json")),
            "token_supplied_key");
        row("x5u", rsHeader(with(rsHead(), "x5u", "https://evil.example/cert.pem")),
            "token_supplied_key");
        row("jwk", rsHeader(with(rsHead(), "jwk", m_stranger.jwk())), "token_supplied_key");
        row("x5c",
            rsHeader(with(rsHead(), "x5c", Json::array({ test::b64(m_stranger.publicDer()) }))),
            "token_supplied_key");
        row("jwk signed by the embedded key",
            test::mint(with(rsHead(), "jwk", m_stranger.jwk()), c, m_stranger, JwsAlgorithm::RS256),
            "token_supplied_key");

        // --- crit and friends ---
        row("crit unknown",
            rsHeader(with(with(rsHead(), "crit", Json::array({ "exp" })), "exp", 1)),
            "unknown_critical_header");
        row("crit not an array", rsHeader(with(rsHead(), "crit", "exp")), "malformed");
        row("crit empty", rsHeader(with(rsHead(), "crit", Json::array())), "malformed");
        row("crit with a number", rsHeader(with(rsHead(), "crit", Json::array({ 1 }))),
            "malformed");
        row("b64 false", rsHeader(with(rsHead(), "b64", false)), "unknown_critical_header");

        // --- key selection ---
        row("kid unknown", rsHeader(with(rsHead(), "kid", "rsa-9")), "unknown_key");
        row("kid not a string", rsHeader(with(rsHead(), "kid", 1)), "malformed");
        row("kid empty", rsHeader(with(rsHead(), "kid", "")), "malformed");
        row("no kid, two RS256 keys",
            test::mint(without(rsHead(), "kid"), c, m_rsa, JwsAlgorithm::RS256), "unknown_key",
            Rules::Default, Keys::TwoRsa);
        row("no key set", rs(c), "keys_unavailable", Rules::Default, Keys::None);
        row("PS256 header on the RS256-pinned key",
            test::mint(with(rsHead(), "alg", "PS256"), c, m_rsa, JwsAlgorithm::PS256),
            "key_algorithm_mismatch");
        row("RS256 header on the PS256-pinned key",
            test::mint(test::headerFor(m_rsaPss, JwsAlgorithm::RS256), c, m_rsaPss,
                       JwsAlgorithm::RS256),
            "key_algorithm_mismatch");
        row("ES256 header on the RSA key",
            test::mint(with(rsHead(), "alg", "ES256"), c, m_ec, JwsAlgorithm::ES256),
            "key_algorithm_mismatch");
        row("ES256 not accepted", test::mint(c, m_ec), "algorithm_not_allowed", Rules::Rs256Only);
        row("HS256 not configured", test::hs256Text(hsHeader.dump(), c.dump(), kSecret),
            "algorithm_not_allowed");
        row("alg RS512", rsHeader(with(rsHead(), "alg", "RS512")), "algorithm_not_allowed");
        row("alg rs256", rsHeader(with(rsHead(), "alg", "rs256")), "algorithm_not_allowed");
        row("alg missing", rsHeader(without(rsHead(), "alg")), "malformed");
        row("alg a number", rsHeader(with(rsHead(), "alg", 256)), "malformed");

        // --- typ ---
        row("typ JWT, strict", rsHeader(with(rsHead(), "typ", "JWT")), "wrong_type");
        row("typ JWT, configured", rsHeader(with(rsHead(), "typ", "JWT")), "",
            Rules::AcceptJwtType);
        row("typ missing", rsHeader(without(rsHead(), "typ")), "wrong_type");
        row("typ missing, JWT configured", rsHeader(without(rsHead(), "typ")), "wrong_type",
            Rules::AcceptJwtType);
        row("typ application/at+jwt", rsHeader(with(rsHead(), "typ", "application/at+jwt")), "");
        row("typ AT+JWT", rsHeader(with(rsHead(), "typ", "AT+JWT")), "");
        row("typ id token", rsHeader(with(rsHead(), "typ", "id_token+jwt")), "wrong_type");
        row("typ a number", rsHeader(with(rsHead(), "typ", 1)), "wrong_type");

        // --- iss ---
        row("iss wrong", rs(with(c, "iss", "https://evil.example/")), "wrong_issuer");
        row("iss missing", rs(without(c, "iss")), "missing_claim");
        row("iss prefix", rs(with(c, "iss", "https://idp.example.com")), "wrong_issuer");
        row("iss longer", rs(with(c, "iss", kIssuer + "x")), "wrong_issuer");
        row("iss case", rs(with(c, "iss", "https://IDP.example.com/")), "wrong_issuer");
        row("iss a number", rs(with(c, "iss", 1)), "invalid_claim");

        // --- aud ---
        row("aud missing", rs(without(c, "aud")), "missing_claim");
        row("aud wrong", rs(with(c, "aud", "https://other.example.com/mcp")), "wrong_audience");
        row("aud prefix", rs(with(c, "aud", "https://mcp.example.com")), "wrong_audience");
        row("aud array without ours", rs(with(c, "aud", Json::array({ "a", "b" }))),
            "wrong_audience");
        row("aud array with ours", rs(with(c, "aud", Json::array({ "a", kResource }))), "");
        row("aud empty array", rs(with(c, "aud", Json::array())), "wrong_audience");
        row("aud array with a number", rs(with(c, "aud", Json::array({ kResource, 1 }))),
            "invalid_claim");
        row("aud an object", rs(with(c, "aud", Json::object())), "invalid_claim");

        // --- times (leeway 60 s) ---
        row("exp missing", rs(without(c, "exp")), "missing_claim");
        row("exp past beyond leeway", rs(with(c, "exp", kNow - 61)), "expired");
        row("exp exactly at leeway", rs(with(c, "exp", kNow - 60)), "expired");
        row("exp past within leeway", rs(with(c, "exp", kNow - 30)), "");
        row("exp a string", rs(with(c, "exp", std::to_string(kNow + 300))), "invalid_claim");
        row("exp true", rs(with(c, "exp", true)), "invalid_claim");
        row("exp fractional", rs(with(c, "exp", double(kNow) + 300.5)), "");
        row("exp huge", rs(with(c, "exp", 1e300)), "");
        row("nbf future beyond leeway", rs(with(c, "nbf", kNow + 61)), "not_yet_valid");
        row("nbf future within leeway", rs(with(c, "nbf", kNow + 30)), "");
        row("nbf a string", rs(with(c, "nbf", "soon")), "invalid_claim");
        row("iat future beyond leeway", rs(with(c, "iat", kNow + 120)), "issued_in_future");
        row("iat future within leeway", rs(with(c, "iat", kNow + 60)), "");
        row("iat null", rs(with(c, "iat", nullptr)), "invalid_claim");

        // --- principal claims ---
        row("sub missing", rs(without(c, "sub")), "missing_claim");
        row("sub empty", rs(with(c, "sub", "")), "invalid_claim");
        row("sub a number", rs(with(c, "sub", 42)), "invalid_claim");
        row("tenant missing", rs(with(c, "roles", "a")), "missing_claim", Rules::WithTenant);
        row("tenant an object", rs(with(c, "tenant_id", Json::object())), "invalid_claim",
            Rules::WithTenant);
        row("roles a number", rs(with(with(c, "tenant_id", "t"), "roles", 5)), "invalid_claim",
            Rules::WithTenant);
        row("scope an object", rs(with(c, "scope", Json::object())), "invalid_claim");
        row("scp with a number", rs(with(c, "scp", Json::array({ "a", 1 }))), "invalid_claim");
        row("client_id a number", rs(with(c, "client_id", 1)), "invalid_claim");
        row("jti a number", rs(with(c, "jti", 1)), "invalid_claim");

        // --- size and shape ---
        row("oversize", rs(with(c, "pad", std::string(8 * 1024, 'a'))), "too_large");
        const std::string good = rs(c);
        const auto parts = segments(good);
        row("empty", "", "malformed");
        row("two segments", parts[0] + "." + parts[1], "malformed");
        row("four segments", good + "." + parts[2], "malformed");
        row("five segments (JWE)", parts[0] + ".a.b.c." + parts[2], "malformed");
        row("only dots", "..", "malformed");
        row("empty header", "." + parts[1] + "." + parts[2], "malformed");
        row("empty payload", test::signSegments(parts[0], "", m_rsa, JwsAlgorithm::RS256),
            "malformed");

        // --- base64url strictness ---
        row("header padded", parts[0] + "=." + parts[1] + "." + parts[2], "malformed");
        row("header with +", "+" + parts[0].substr(1) + "." + parts[1] + "." + parts[2],
            "malformed");
        row("header with a space", " " + parts[0] + "." + parts[1] + "." + parts[2], "malformed");
        row("payload with / (signed)",
            test::signSegments(parts[0], "/" + parts[1].substr(1), m_rsa, JwsAlgorithm::RS256),
            "malformed");
        row("payload padded (signed)",
            test::signSegments(parts[0], test::b64(c.dump() + " ") + "=", m_rsa,
                               JwsAlgorithm::RS256),
            "malformed");
        std::string plusSig = parts[2];
        plusSig[0] = '+';
        row("signature with +", parts[0] + "." + parts[1] + "." + plusSig, "malformed");
        std::string slashSig = parts[2];
        slashSig[1] = '/';
        row("signature with /", parts[0] + "." + parts[1] + "." + slashSig, "malformed");
        row("signature padded", good + "==", "malformed");
        std::string standardHeader =
            test::b64(R"({"alg":"RS256","typ":"at+jwt","kid":"rsa-1","x":"??>~~~"})");
        std::replace(standardHeader.begin(), standardHeader.end(), '-', '+');
        std::replace(standardHeader.begin(), standardHeader.end(), '_', '/');
        row("header in standard base64", standardHeader + "." + parts[1] + "." + parts[2],
            "malformed");
        std::string nonCanonical = parts[2];
        nonCanonical.back() =
            nonCanonical.back() == 'A' ? 'B' : static_cast<char>(nonCanonical.back() + 1);
        row("signature with non-zero trailing bits", parts[0] + "." + parts[1] + "." + nonCanonical,
            "malformed");

        // --- duplicate members (parser differentials) ---
        row("duplicate alg in header",
            test::signText(R"({"alg":"RS256","typ":"at+jwt","kid":"rsa-1","alg":"RS256"})",
                           c.dump(), m_rsa, JwsAlgorithm::RS256),
            "malformed");
        row("duplicate kid in header",
            test::signText(R"({"alg":"RS256","typ":"at+jwt","kid":"rsa-1","kid":"rsa-2"})",
                           c.dump(), m_rsa, JwsAlgorithm::RS256),
            "malformed");
        const std::string dupClaims =
            c.dump().substr(0, c.dump().size() - 1) + R"(,"sub":"admin"})";
        row("duplicate sub in claims",
            test::signText(rsHead().dump(), dupClaims, m_rsa, JwsAlgorithm::RS256), "malformed");
        const std::string dupAud =
            c.dump().substr(0, c.dump().size() - 1) + ",\"aud\":\"https://other\"}";
        row("duplicate aud in claims",
            test::signText(rsHead().dump(), dupAud, m_rsa, JwsAlgorithm::RS256), "malformed");

        // --- signatures ---
        const auto other = segments(rs(with(c, "sub", "mallory")));
        row("signature of another token spliced in", parts[0] + "." + parts[1] + "." + other[2],
            "bad_signature");
        row("claims of another token spliced in", parts[0] + "." + other[1] + "." + parts[2],
            "bad_signature");
        std::string rsSig;
        crypto::base64UrlDecode(parts[2], rsSig);
        row("signature truncated",
            parts[0] + "." + parts[1] + "." + test::b64(rsSig.substr(0, rsSig.size() - 3)),
            "bad_signature");
        row("empty signature", parts[0] + "." + parts[1] + ".", "bad_signature");
        row("signed by a key not in the set", test::mint(c, m_stranger), "bad_signature");
        const std::string ecHeader = test::b64(test::headerFor(m_ec, JwsAlgorithm::ES256).dump());
        row("ES256 signature in DER form",
            test::signSegments(ecHeader, b64Claims, m_ec, JwsAlgorithm::ES256, true),
            "bad_signature");
        const auto esParts = segments(test::mint(c, m_ec));
        std::string esSig;
        crypto::base64UrlDecode(esParts[2], esSig);
        row("ES256 signature with a byte more",
            esParts[0] + "." + esParts[1] + "." + test::b64(esSig + '\0'), "bad_signature");
        row(
            "EdDSA signature flipped",
            [&] {
                auto p = segments(test::mint(c, m_ed));
                std::string sig;
                crypto::base64UrlDecode(p[2], sig);
                sig[0] = static_cast<char>(sig[0] ^ 0x80);
                return p[0] + "." + p[1] + "." + test::b64(sig);
            }(),
            "bad_signature");
        row("HS256 with the wrong secret",
            test::hs256Text(R"({"alg":"HS256","typ":"at+jwt"})", c.dump(),
                            "another secret of more than 32 bytes"),
            "bad_signature", Rules::WithHs256);
        row(
            "HS256 truncated MAC",
            [&] {
                auto p = segments(
                    test::hs256Text(R"({"alg":"HS256","typ":"at+jwt"})", c.dump(), kSecret));
                return p[0] + "." + p[1] + "." + p[2].substr(0, 40);
            }(),
            "bad_signature", Rules::WithHs256);

        // --- claims not an object, header not an object ---
        row("claims an array", test::signText(rsHead().dump(), "[1,2]", m_rsa, JwsAlgorithm::RS256),
            "malformed");
        row("claims a string",
            test::signText(rsHead().dump(), "\"alice\"", m_rsa, JwsAlgorithm::RS256), "malformed");
        row("claims not JSON",
            test::signText(rsHead().dump(), "{sub:alice}", m_rsa, JwsAlgorithm::RS256),
            "malformed");
        row("header an array", test::signText("[\"RS256\"]", c.dump(), m_rsa, JwsAlgorithm::RS256),
            "malformed");
        row("header with trailing garbage",
            test::signText(rsHead().dump() + "x", c.dump(), m_rsa, JwsAlgorithm::RS256),
            "malformed");
    }

    void validate()
    {
        QFETCH(QByteArray, token);
        QFETCH(Rules, rules);
        QFETCH(Keys, keys);
        QFETCH(QString, reason);

        const JwtValidator v = validator(rules);
        const KeySet *set = keys == Keys::Main ? &m_keys
            : keys == Keys::TwoRsa             ? &m_twoRsa
                                               : nullptr;
        const std::string_view text(token.constData(), static_cast<std::size_t>(token.size()));
        const TokenResult result = v.validate(text, set, kNow);
        // The console's diagnosis gives the same verdict, every step once, and a failed step
        // exactly when the token is refused.
        const TokenDiagnosis diagnosis = v.diagnose(text, set, kNow);
        QCOMPARE(diagnosis.ok(), result.ok());
        QCOMPARE(diagnosis.checks.size(), TokenCheck::allSteps().size());
        const auto failed = std::count_if(diagnosis.checks.begin(), diagnosis.checks.end(), [](const TokenCheck &c) {
            return c.outcome == TokenCheck::Outcome::Failed;
        });
        QCOMPARE(failed > 0, !result.ok());
        if (!result.ok())
            QCOMPARE(diagnosis.error->reason, result.error().reason);
        if (reason.isEmpty()) {
            QVERIFY2(result.ok(),
                     result.ok()
                         ? ""
                         : (std::string(result.error().name()) + ": " + result.error().description)
                               .c_str());
            QCOMPARE(result.token().subject, std::string("alice"));
            return;
        }
        QVERIFY2(!result.ok(), "the token was accepted");
        QCOMPARE(q(std::string(result.error().name())), reason);
        // The description is a sentence for the caller that never echoes the token.
        const std::string &description = result.error().description;
        QVERIFY(description.size() > 10);
        QVERIFY(description.back() == '.');
        for (const std::string &part : segments(token.toStdString())) {
            if (part.size() >= 8)
                QVERIFY2(description.find(part) == std::string::npos, description.c_str());
        }
        QVERIFY(description.find("alice") == std::string::npos);
    }

    // Once the signature verifies, every claim check runs, so one test shows every problem;
    // the steps before it passed, and a bad signature leaves the claims unchecked.
    void diagnosisReportsEveryClaimProblem()
    {
        const JwtValidator v = validator(Rules::Default);
        Json c = with(with(claims(), "exp", kNow - 3600), "aud", "https://other.example.com/");
        const TokenDiagnosis d = v.diagnose(test::mint(c, m_rsa), &m_keys, kNow);
        QVERIFY(!d.ok());
        QCOMPARE(d.error->reason, Reason::Expired); // what validate() reports first
        const auto outcomeIn = [](const TokenDiagnosis &diagnosis, TokenCheck::Step step) {
            return std::find_if(diagnosis.checks.begin(), diagnosis.checks.end(),
                                [step](const TokenCheck &check) { return check.step == step; })
                ->outcome;
        };
        const auto outcome = [&](TokenCheck::Step step) { return outcomeIn(d, step); };
        using Step = TokenCheck::Step;
        using Outcome = TokenCheck::Outcome;
        for (const Step step : { Step::Size, Step::Format, Step::Header, Step::Type, Step::Algorithm, Step::Key,
                                 Step::Signature, Step::NotBefore, Step::IssuedAt, Step::Issuer, Step::Principal })
            QCOMPARE(outcome(step), Outcome::Passed);
        QCOMPARE(outcome(Step::Expiry), Outcome::Failed);
        QCOMPARE(outcome(Step::Audience), Outcome::Failed);
        QVERIFY(d.checks.back().detail.find("alice") != std::string::npos); // the principal

        std::string tampered = test::mint(claims(), m_rsa);
        tampered[tampered.rfind('.') - 2] ^= 1; // a claims character: still base64url
        const TokenDiagnosis t = v.diagnose(tampered, &m_keys, kNow);
        QVERIFY(!t.ok());
        QCOMPARE(outcomeIn(t, Step::Key), Outcome::Passed);
        QCOMPARE(outcomeIn(t, Step::Signature), Outcome::Failed);
        QCOMPARE(t.checks.back().outcome, Outcome::NotChecked);
    }

    void verifiedTokenFields()
    {
        const Json c = with(
            with(with(claims(), "tenant_id", "t-42"), "roles", Json::array({ "analyst", "admin" })),
            "nbf", kNow - 5);
        const TokenResult result =
            validator(Rules::WithTenant).validate(test::mint(c, m_ec), m_keys, kNow);
        QVERIFY(result.ok());
        const VerifiedToken &t = result.token();
        QCOMPARE(t.subject, std::string("alice"));
        QCOMPARE(t.tenant, std::string("t-42"));
        QCOMPARE(t.roles, (std::vector<std::string> { "analyst", "admin" }));
        QCOMPARE(t.scopes, (std::vector<std::string> { "db.read", "db.write" }));
        QCOMPARE(t.clientId, std::string("agent-1"));
        QCOMPARE(t.jti, std::string("token-1"));
        QCOMPARE(t.issuer, kIssuer);
        QCOMPARE(t.keyId, std::string("ec-1"));
        QCOMPARE(t.algorithm, JwsAlgorithm::ES256);
        QCOMPARE(t.expiresAt, kNow + 300);
        QCOMPARE(t.issuedAt, std::optional<std::int64_t>(kNow - 10));
        QCOMPARE(q(t.claims.at("tenant_id").get<std::string>()), QStringLiteral("t-42"));
    }

    void claimMapping_data()
    {
        QTest::addColumn<QByteArray>("claims"); // merged into the standard claims
        QTest::addColumn<QByteArray>("mapping"); // {user, tenant, roles, scopes}
        QTest::addColumn<QString>("subject");
        QTest::addColumn<QString>("tenant");
        QTest::addColumn<QStringList>("roles");
        QTest::addColumn<QStringList>("scopes");

        QTest::newRow("tenant path")
            << QByteArray(R"({"org":{"id":"acme","name":"Acme"}})")
            << QByteArray(R"({"tenant":"org.id"})") << QStringLiteral("alice")
            << QStringLiteral("acme") << QStringList()
            << QStringList { QStringLiteral("db.read"), QStringLiteral("db.write") };
        QTest::newRow("deep tenant path")
            << QByteArray(R"({"a":{"b":{"c":"deep"}}})") << QByteArray(R"({"tenant":"a.b.c"})")
            << QStringLiteral("alice") << QStringLiteral("deep") << QStringList()
            << QStringList { QStringLiteral("db.read"), QStringLiteral("db.write") };
        QTest::newRow("integer tenant")
            << QByteArray(R"({"tid":1234})") << QByteArray(R"({"tenant":"tid"})")
            << QStringLiteral("alice") << QStringLiteral("1234") << QStringList()
            << QStringList { QStringLiteral("db.read"), QStringLiteral("db.write") };
        QTest::newRow("exact name wins over a path")
            << QByteArray(R"({"org.id":"flat","org":{"id":"nested"}})")
            << QByteArray(R"({"tenant":"org.id"})") << QStringLiteral("alice")
            << QStringLiteral("flat") << QStringList()
            << QStringList { QStringLiteral("db.read"), QStringLiteral("db.write") };
        QTest::newRow("roles array")
            << QByteArray(R"({"roles":["a","b","a"]})") << QByteArray(R"({"roles":"roles"})")
            << QStringLiteral("alice") << QStringLiteral("")
            << QStringList { QStringLiteral("a"), QStringLiteral("b") }
            << QStringList { QStringLiteral("db.read"), QStringLiteral("db.write") };
        QTest::newRow("roles string")
            << QByteArray(R"({"groups":"a  b c"})") << QByteArray(R"({"roles":"groups"})")
            << QStringLiteral("alice") << QStringLiteral("")
            << QStringList { QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c") }
            << QStringList { QStringLiteral("db.read"), QStringLiteral("db.write") };
        QTest::newRow("roles nested (Keycloak)")
            << QByteArray(R"({"realm_access":{"roles":["admin"]}})")
            << QByteArray(R"({"roles":"realm_access.roles"})") << QStringLiteral("alice")
            << QStringLiteral("") << QStringList { QStringLiteral("admin") }
            << QStringList { QStringLiteral("db.read"), QStringLiteral("db.write") };
        QTest::newRow("roles absent")
            << QByteArray("{}") << QByteArray(R"({"roles":"roles"})") << QStringLiteral("alice")
            << QStringLiteral("") << QStringList()
            << QStringList { QStringLiteral("db.read"), QStringLiteral("db.write") };
        QTest::newRow("Auth0 namespaced roles")
            << QByteArray("{\"https://example.com/roles\":[\"x\"]}")
            << QByteArray("{\"roles\":\"https://example.com/roles\"}") /* moc 6.4 misreads // in raw
                                                                          strings */
            << QStringLiteral("alice") << QStringLiteral("") << QStringList { QStringLiteral("x") }
            << QStringList { QStringLiteral("db.read"), QStringLiteral("db.write") };
        QTest::newRow("scope and scp merged")
            << QByteArray(R"({"scp":["db.write","admin"]})") << QByteArray("{}")
            << QStringLiteral("alice") << QStringLiteral("") << QStringList()
            << QStringList { QStringLiteral("db.read"), QStringLiteral("db.write"),
                             QStringLiteral("admin") };
        QTest::newRow("scp only") << QByteArray(R"({"scope":null,"scp":["x"]})")
                                  << QByteArray(R"({"scopes":["scp"]})") << QStringLiteral("alice")
                                  << QStringLiteral("") << QStringList()
                                  << QStringList { QStringLiteral("x") };
        QTest::newRow("no scopes mapped")
            << QByteArray("{}") << QByteArray(R"({"scopes":[]})") << QStringLiteral("alice")
            << QStringLiteral("") << QStringList() << QStringList();
        QTest::newRow("user claim")
            << QByteArray(R"({"preferred_username":"bob"})")
            << QByteArray(R"({"user":"preferred_username"})") << QStringLiteral("bob")
            << QStringLiteral("") << QStringList()
            << QStringList { QStringLiteral("db.read"), QStringLiteral("db.write") };
    }

    void claimMapping()
    {
        QFETCH(QByteArray, claims);
        QFETCH(QByteArray, mapping);
        QFETCH(QString, subject);
        QFETCH(QString, tenant);
        QFETCH(QStringList, roles);
        QFETCH(QStringList, scopes);

        Json c = ::claims();
        c.update(Json::parse(claims.toStdString()));
        JwtRules r = rules(Rules::Default);
        const Json m = Json::parse(mapping.toStdString());
        r.claims.user = m.value("user", r.claims.user);
        r.claims.tenant = m.value("tenant", r.claims.tenant);
        r.claims.roles = m.value("roles", r.claims.roles);
        r.claims.scopes = m.value("scopes", r.claims.scopes);
        const TokenResult result = JwtValidator(r).validate(test::mint(c, m_rsa), m_keys, kNow);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().description.c_str());
        const auto list = [](const std::vector<std::string> &items) {
            QStringList out;
            for (const auto &item : items)
                out << q(item);
            return out;
        };
        QCOMPARE(q(result.token().subject), subject);
        QCOMPARE(q(result.token().tenant), tenant);
        QCOMPARE(list(result.token().roles), roles);
        QCOMPARE(list(result.token().scopes), scopes);
    }

    void clientIdFallsBackToAzp()
    {
        const Json c = with(without(claims(), "client_id"), "azp", "spa");
        const TokenResult result =
            validator(Rules::Default).validate(test::mint(c, m_rsa), m_keys, kNow);
        QVERIFY(result.ok());
        QCOMPARE(result.token().clientId, std::string("spa"));
    }

    void leewayIsCapped()
    {
        JwtRules r = rules(Rules::Default);
        r.leewaySeconds = 100000;
        const JwtValidator v(r);
        QCOMPARE(v.rules().leewaySeconds, JwtValidator::kMaxLeewaySeconds);
        QCOMPARE(
            v.validate(test::mint(with(claims(), "exp", kNow - 299), m_rsa), m_keys, kNow).ok(),
            true);
        QCOMPARE(v.validate(test::mint(with(claims(), "exp", kNow - 301), m_rsa), m_keys, kNow)
                     .error()
                     .reason,
                 Reason::Expired);
    }

    void sizeCapIsConfigurable()
    {
        JwtRules r = rules(Rules::Default);
        const std::string token = test::mint(claims(), m_rsa);
        r.maxTokenBytes = token.size();
        QVERIFY(JwtValidator(r).validate(token, m_keys, kNow).ok());
        r.maxTokenBytes = token.size() - 1;
        QCOMPARE(JwtValidator(r).validate(token, m_keys, kNow).error().reason, Reason::TooLarge);
    }

    void hs256NeedsASecret()
    {
        JwtRules r = rules(Rules::WithHs256);
        const std::string token =
            test::hs256Text(R"({"alg":"HS256","typ":"at+jwt"})", claims().dump(), kSecret);
        QVERIFY(JwtValidator(r, std::make_shared<const SecretValue>(kSecret))
                    .validate(token, nullptr, kNow)
                    .ok());
        QCOMPARE(JwtValidator(r).validate(token, &m_keys, kNow).error().reason,
                 Reason::AlgorithmNotAllowed);
        QCOMPARE(JwtValidator(r, std::make_shared<const SecretValue>())
                     .validate(token, &m_keys, kNow)
                     .error()
                     .reason,
                 Reason::AlgorithmNotAllowed);
        QVERIFY(!JwtValidator::checkHs256Secret(SecretValue(std::string(31, 'k'))).ok());
        QVERIFY(JwtValidator::checkHs256Secret(SecretValue(std::string(32, 'k'))).ok());
        QVERIFY(JwtValidator::checkHs256Secret(SecretValue(std::string(31, 'k')))
                    .error()
                    .message.find(std::string(31, 'k'))
                == std::string::npos);
    }

    void unknownKeyCarriesTheKid()
    {
        const TokenResult result =
            validator(Rules::Default)
                .validate(rsHeader(with(rsHead(), "kid", "rotated")), m_keys, kNow);
        QCOMPARE(result.error().reason, Reason::UnknownKey);
        QCOMPARE(result.error().keyId, std::string("rotated"));
    }

    void reasonNamesAreStable()
    {
        std::vector<std::string_view> names;
        for (const Reason reason : TokenError::allReasons()) {
            names.push_back(TokenError::reasonName(reason));
            QCOMPARE(TokenError::reasonFromName(TokenError::reasonName(reason)),
                     std::optional<Reason>(reason));
        }
        QCOMPARE(names,
                 (std::vector<std::string_view> {
                     "malformed", "too_large", "algorithm_not_allowed", "token_supplied_key",
                     "unknown_critical_header", "wrong_type", "keys_unavailable", "unknown_key",
                     "key_algorithm_mismatch", "bad_signature", "expired", "not_yet_valid",
                     "issued_in_future", "wrong_issuer", "wrong_audience", "missing_claim",
                     "invalid_claim" }));
        QVERIFY(!TokenError::reasonFromName("nope"));
    }
};

QTEST_GUILESS_MAIN(TestJwtValidator)
#include "TestJwtValidator.moc"
