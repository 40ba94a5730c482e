#include "JwtTestKit.h"

#include "auth/Jwk.h"
#include "auth/KeySet.h"
#include "common/StrictJson.h"

#include <QTest>

using namespace warden;
using namespace warden::auth;
using warden::test::TestKey;

namespace {

QString q(const std::string &text)
{
    return QString::fromStdString(text);
}

} // namespace

class TestJwk : public QObject
{
    Q_OBJECT
private:
    TestKey m_rsa;
    TestKey m_ec;
    TestKey m_ed;

private Q_SLOTS:
    void initTestCase()
    {
        m_rsa = TestKey::rsa("rsa-1");
        m_ec = TestKey::ec("ec-1");
        m_ed = TestKey::ed25519("ed-1");
    }

    void rsaKey()
    {
        auto key = Jwk::fromJson(m_rsa.jwk(false));
        QVERIFY2(key.ok(), key.ok() ? "" : key.error().message.c_str());
        QCOMPARE(key->kid(), std::string("rsa-1"));
        QCOMPARE(key->keyType(), Jwk::KeyType::Rsa);
        QCOMPARE(key->algorithm(), JwsAlgorithm::RS256); // the default for RSA without "alg"
        QCOMPARE(key->bits(), 2048);
        const std::string input = "header.payload";
        QVERIFY(key->verify(input, m_rsa.sign(input, JwsAlgorithm::RS256)));
        QVERIFY(!key->verify("header.payloaX", m_rsa.sign(input, JwsAlgorithm::RS256)));
        // Pinned to RS256: a PSS signature by the same key does not verify under it.
        QVERIFY(!key->verify(input, m_rsa.sign(input, JwsAlgorithm::PS256)));
    }

    void rsaPssKey()
    {
        Json jwk = m_rsa.jwk(false);
        jwk["alg"] = "PS256";
        auto key = Jwk::fromJson(jwk);
        QVERIFY(key.ok());
        QCOMPARE(key->algorithm(), JwsAlgorithm::PS256);
        const std::string input = "a.b";
        QVERIFY(key->verify(input, m_rsa.sign(input, JwsAlgorithm::PS256)));
        QVERIFY(!key->verify(input, m_rsa.sign(input, JwsAlgorithm::RS256)));
    }

    void ecKey()
    {
        auto key = Jwk::fromJson(m_ec.jwk(false));
        QVERIFY2(key.ok(), key.ok() ? "" : key.error().message.c_str());
        QCOMPARE(key->keyType(), Jwk::KeyType::Ec);
        QCOMPARE(key->algorithm(), JwsAlgorithm::ES256);
        QCOMPARE(key->keyTypeName(), std::string_view("EC"));
        const std::string input = "x.y";
        const std::string raw = m_ec.sign(input, JwsAlgorithm::ES256);
        QCOMPARE(raw.size(), std::size_t(64));
        QVERIFY(key->verify(input, raw));
        // JWS wants r || s: the DER form of the same signature is refused.
        QVERIFY(!key->verify(input, m_ec.sign(input, JwsAlgorithm::ES256, true)));
        QVERIFY(!key->verify(input, raw.substr(0, 63)));
        QVERIFY(!key->verify(input, std::string(64, '\0'))); // r = s = 0
    }

    void ed25519Key()
    {
        auto key = Jwk::fromJson(m_ed.jwk(false));
        QVERIFY2(key.ok(), key.ok() ? "" : key.error().message.c_str());
        QCOMPARE(key->keyType(), Jwk::KeyType::Okp);
        QCOMPARE(key->algorithm(), JwsAlgorithm::EdDSA);
        const std::string input = "p.q";
        const std::string sig = m_ed.sign(input, JwsAlgorithm::EdDSA);
        QVERIFY(key->verify(input, sig));
        std::string flipped = sig;
        flipped[10] = static_cast<char>(flipped[10] ^ 1);
        QVERIFY(!key->verify(input, flipped));
    }

    // RFC 7638 section 3.1's example key and its thumbprint; "use" is kept for the console.
    void thumbprintAndUse()
    {
        const Json jwk = {
            { "kty", "RSA" },
            { "n", "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCi"
                   "FV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnY"
                   "b9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqb"
                   "w0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw" },
            { "e", "AQAB" },
            { "alg", "RS256" },
            { "kid", "2011-04-29" },
            { "use", "sig" },
        };
        auto key = Jwk::fromJson(jwk);
        QVERIFY2(key.ok(), key.ok() ? "" : key.error().message.c_str());
        QCOMPARE(key->thumbprint(), std::string("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"));
        QCOMPARE(key->use(), std::string("sig"));
        Json ecJwk = m_ec.jwk(false);
        ecJwk.erase("use");
        auto ec = Jwk::fromJson(ecJwk);
        QVERIFY(ec.ok());
        QVERIFY(ec->use().empty());
        QCOMPARE(ec->thumbprint().size(), std::size_t(43));
        QVERIFY(ec->thumbprint() != key->thumbprint());
    }

    void copiesShareTheKey()
    {
        auto key = Jwk::fromJson(m_ed.jwk());
        QVERIFY(key.ok());
        const Jwk copy = *key;
        const std::string input = "s.t";
        QVERIFY(copy.verify(input, m_ed.sign(input, JwsAlgorithm::EdDSA)));
    }

    void badKeys_data()
    {
        QTest::addColumn<QByteArray>("jwk");
        QTest::addColumn<QString>("fragment"); // expected in the message

        const auto row = [](const char *name, const Json &jwk, const char *fragment) {
            QTest::newRow(name) << QByteArray::fromStdString(jwk.dump())
                                << QString::fromLatin1(fragment);
        };
        const TestKey shortRsa = TestKey::rsa("short", JwsAlgorithm::RS256, 1024);
        const TestKey p384 = TestKey::ec("p384", "P-384");
        const Json rsa = m_rsa.jwk();
        const Json ec = m_ec.jwk();
        const Json ed = m_ed.jwk();

        row("short RSA", shortRsa.jwk(), "1024 bits; at least 2048");
        row("wrong curve", p384.jwk(), "P-384");
        Json offCurve = ec;
        std::string y;
        crypto::base64UrlDecode(ec["y"].get<std::string>(), y);
        y[31] = static_cast<char>(y[31] ^ 1);
        offCurve["y"] = test::b64(y);
        row("point not on curve", offCurve, "not a valid point");
        Json shortX = ec;
        shortX["x"] = test::b64(std::string(31, 'a'));
        row("short coordinate", shortX, "32 bytes");
        row("oct", Json { { "kty", "oct" }, { "k", test::b64(std::string(32, 'k')) } }, "oct");
        Json enc = rsa;
        enc["use"] = "enc";
        row("use enc", enc, "\"use\"");
        Json rsaEs = rsa;
        rsaEs["alg"] = "ES256";
        row("RSA with ES256", rsaEs, "does not fit");
        Json ecRs = ec;
        ecRs["alg"] = "RS256";
        row("EC with RS256", ecRs, "does not fit");
        Json edPs = ed;
        edPs["alg"] = "PS256";
        row("OKP with PS256", edPs, "does not fit");
        Json rsaHs = rsa;
        rsaHs["alg"] = "HS256";
        row("RSA with HS256", rsaHs, "not supported");
        Json rsa512 = rsa;
        rsa512["alg"] = "RS512";
        row("RS512", rsa512, "not supported");
        Json lowerAlg = rsa;
        lowerAlg["alg"] = "rs256";
        row("alg in lower case", lowerAlg, "not supported");
        Json padded = rsa;
        padded["e"] = "AQAB=";
        row("padding in e", padded, "base64url");
        Json plus = rsa;
        std::string n = rsa["n"].get<std::string>();
        n[5] = '+';
        plus["n"] = n;
        row("'+' in n", plus, "base64url");
        Json slash = ed;
        std::string x = ed["x"].get<std::string>();
        x[3] = '/';
        slash["x"] = x;
        row("'/' in x", slash, "base64url");
        Json space = ec;
        space["x"] = " " + ec["x"].get<std::string>();
        row("space in x", space, "base64url");
        Json noKty = rsa;
        noKty.erase("kty");
        row("no kty", noKty, "\"kty\" is missing");
        Json unknownKty = rsa;
        unknownKty["kty"] = "DSA";
        row("kty DSA", unknownKty, "not supported");
        Json priv = ec;
        priv["d"] = test::b64(std::string(32, 'd'));
        row("private member d", priv, "private key material");
        Json ops = rsa;
        ops["key_ops"] = Json::array({ "encrypt" });
        row("key_ops without verify", ops, "key_ops");
        Json kidNumber = rsa;
        kidNumber["kid"] = 7;
        row("kid not a string", kidNumber, "\"kid\" must be a string");
        Json noN = rsa;
        noN.erase("n");
        row("no n", noN, "\"n\" is missing");
        Json x25519 = ed;
        x25519["crv"] = "X25519";
        row("X25519", x25519, "X25519");
        row("not an object", Json::array({ 1 }), "JSON object");
    }

    void badKeys()
    {
        QFETCH(QByteArray, jwk);
        QFETCH(QString, fragment);
        auto key = Jwk::fromJson(*StrictJson::parse(jwk.toStdString()));
        QVERIFY(!key.ok());
        QCOMPARE(key.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(q(key.error().message).contains(fragment), key.error().message.c_str());
    }

    void keySetLooksUpByKid()
    {
        TestKey second = TestKey::rsa("rsa-2", JwsAlgorithm::PS256);
        auto set = KeySet::fromJson(test::jwks({ &m_rsa, &second, &m_ec, &m_ed }));
        QVERIFY(set.ok());
        QCOMPARE(set->keys().size(), std::size_t(4));
        QVERIFY(set->find("rsa-2"));
        QCOMPARE(set->find("rsa-2")->algorithm(), JwsAlgorithm::PS256);
        QVERIFY(!set->find("nope"));
        QVERIFY(!set->find(""));
        QCOMPARE(set->soleKeyFor(JwsAlgorithm::ES256)->kid(), std::string("ec-1"));
        QCOMPARE(set->countFor(JwsAlgorithm::RS256), std::size_t(1));
        QVERIFY(!set->soleKeyFor(JwsAlgorithm::HS256));
    }

    void keySetSkipsUnusableKeys()
    {
        const TestKey shortRsa = TestKey::rsa("short", JwsAlgorithm::RS256, 1024);
        Json doc = test::jwks({ &m_rsa, &shortRsa });
        doc["keys"].push_back(Json { { "kty", "oct" }, { "kid", "hmac" }, { "k", "c2VjcmV0" } });
        Json enc = m_ec.jwk();
        enc["use"] = "enc";
        doc["keys"].push_back(enc); // same kid as no usable key: not a duplicate
        auto set = KeySet::fromJson(doc);
        QVERIFY2(set.ok(), set.ok() ? "" : set.error().message.c_str());
        QCOMPARE(set->keys().size(), std::size_t(1));
        QCOMPARE(set->skipped().size(), std::size_t(3));
        QCOMPARE(set->skipped()[0].index, std::size_t(1));
        QCOMPARE(set->skipped()[0].kid, std::string("short"));
        QCOMPARE(set->skipped()[1].kid, std::string("hmac"));
        QVERIFY(q(set->skipped()[2].reason).contains(QLatin1String("use")));
    }

    void keySetRefusals_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("fragment");
        const TestKey other = TestKey::ec("rsa-1"); // same kid as m_rsa
        QTest::newRow("duplicate kid")
            << QByteArray::fromStdString(test::jwks({ &m_rsa, &other }).dump())
            << QStringLiteral("same \"kid\"");
        QTest::newRow("duplicate member")
            << QByteArray(R"({"keys":[],"keys":[]})") << QStringLiteral("duplicate key");
        QTest::newRow("not JSON") << QByteArray("{\"keys\": [") << QStringLiteral("not valid JSON");
        QTest::newRow("array") << QByteArray("[]") << QStringLiteral("not a JSON object");
        QTest::newRow("no keys") << QByteArray("{}") << QStringLiteral("no \"keys\" array");
        QTest::newRow("keys not array")
            << QByteArray(R"({"keys":{}})") << QStringLiteral("no \"keys\" array");
        QTest::newRow("empty") << QByteArray(R"({"keys":[]})")
                               << QStringLiteral("no usable signing key");
        QTest::newRow("only oct") << QByteArray(R"({"keys":[{"kty":"oct","k":"c2VjcmV0"}]})")
                                  << QStringLiteral("first refusal: symmetric keys");
    }

    void keySetRefusals()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, fragment);
        auto set = KeySet::parse(
            std::string_view(text.constData(), static_cast<std::size_t>(text.size())));
        QVERIFY(!set.ok());
        QVERIFY2(q(set.error().message).contains(fragment), set.error().message.c_str());
    }

    void keySetSizeCap()
    {
        const std::string text = test::jwks({ &m_rsa }).dump();
        QVERIFY(KeySet::parse(text, text.size()).ok());
        QVERIFY(!KeySet::parse(text, text.size() - 1).ok());
    }

    void keysWithoutKid()
    {
        Json a = m_rsa.jwk();
        a.erase("kid");
        Json b = TestKey::rsa("").jwk();
        auto set = KeySet::fromJson(Json { { "keys", Json::array({ a, b }) } });
        QVERIFY(set.ok()); // several keys without kid are allowed...
        QVERIFY(!set->soleKeyFor(JwsAlgorithm::RS256)); // ...but then none is the sole RS256 key
    }
};

QTEST_GUILESS_MAIN(TestJwk)
#include "TestJwk.moc"
