#include "JsonCompare.h"

#include "auth/OAuthConfig.h"
#include "common/StrictJson.h"

#include <QFile>
#include <QTest>

using namespace warden;
using namespace warden::auth;

namespace {

const char *const kPointer = "/auth/oauth";

Json minimal()
{
    return Json { { "issuer", "https://idp.example.com/realms/shop" },
                  { "resource", "https://mcp.example.com/mcp" },
                  { "jwks_uri",
                    "https://idp.example.com/realms/shop/protocol/openid-connect/certs" } };
}

Json parse(const QByteArray &text)
{
    auto r = StrictJson::parse(text.toStdString());
    if (!r.ok())
        qFatal("test document does not parse: %s", r.error().message.c_str());
    return *r;
}

QStringList pointersOf(const Error &error)
{
    QStringList out;
    for (const auto &p : error.details.value("problems", Json::array()))
        out << QString::fromStdString(p.at("pointer").get<std::string>());
    return out;
}

} // namespace

class TestOAuthConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaults()
    {
        auto config = OAuthConfig::fromJson(minimal(), kPointer);
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QCOMPARE(config->issuer, std::string("https://idp.example.com/realms/shop"));
        QCOMPARE(config->algorithms, defaultAlgorithms());
        QCOMPARE(config->tokenTypes, (std::vector<std::string> { "at+jwt", "application/at+jwt" }));
        QCOMPARE(config->leewaySeconds, std::int64_t(60));
        QCOMPARE(config->maxTokenBytes, std::int64_t(8192));
        QVERIFY(config->hs256SecretRef.empty());
        QCOMPARE(config->claims, ClaimMapping());
        QCOMPARE(config->claims.user, std::string("sub"));
        QCOMPARE(config->claims.scopes, (std::vector<std::string> { "scope", "scp" }));
        QCOMPARE(config->jwks, OAuthConfig::Jwks());
        QCOMPARE(config->jwks.refreshIntervalS, std::int64_t(600));
        QCOMPARE(config->jwks.cooldownS, std::int64_t(30));
        QCOMPARE(config->jwks.maxStalenessS, std::int64_t(86400));
        QCOMPARE(config->jwks.timeoutMs, std::int64_t(5000));
        QCOMPARE(config->jwks.maxBytes, std::int64_t(262144));
        QVERIFY(config->scopesSupported.empty());
        QCOMPARE(config->authorizationServers, std::vector<std::string> { config->issuer });

        const JwtRules rules = config->jwtRules();
        QCOMPARE(rules.issuer, config->issuer);
        QCOMPARE(rules.audience, config->resource);
        QCOMPARE(rules.leewaySeconds, std::int64_t(60));
        const JwksOptions options = config->jwksOptions();
        QCOMPARE(options.url.toString().toStdString(), config->jwksUri);
        QCOMPARE(options.refreshInterval, std::chrono::milliseconds(600000));
        QCOMPARE(options.cooldown, std::chrono::milliseconds(30000));
        QVERIFY(JwksCache::checkOptions(options).ok());
    }

    void roundTrip()
    {
        // Every key set to a value other than its default (a fixture: moc 6.4 misreads "//"
        // inside raw strings, so none of these tests has a raw string with a URL).
        QFile file(QStringLiteral(WARDEN_TEST_DATA_DIR "/auth/oauth-full.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const Json full = parse(file.readAll());
        auto config = OAuthConfig::fromJson(full, kPointer);
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QCOMPARE(config->algorithms,
                 (std::vector<JwsAlgorithm> { JwsAlgorithm::RS256, JwsAlgorithm::HS256 }));
        QCOMPARE(config->claims.tenant, std::string("org.id"));
        QCOMPARE(config->jwks.cooldownS, std::int64_t(10));
        QCOMPARE(config->hs256SecretRef, std::string("keychain:warden/oauth-hs256"));
        JCOMPARE(config->toJson(), full); // every key, in the documented order
        auto again = OAuthConfig::fromJson(config->toJson(), kPointer);
        QVERIFY(again.ok());
        QVERIFY(*again == *config);

        auto defaults = OAuthConfig::fromJson(minimal(), kPointer);
        auto defaultsAgain = OAuthConfig::fromJson(defaults->toJson(), kPointer);
        QVERIFY(defaultsAgain.ok());
        QVERIFY(*defaultsAgain == *defaults);
    }

    void relativeCaFileResolves()
    {
        Json doc = minimal();
        doc["jwks_ca_file"] = "certs/idp.pem";
        auto config = OAuthConfig::fromJson(doc, kPointer, QStringLiteral("/etc/warden"));
        QVERIFY(config.ok());
        QCOMPARE(config->jwksCaFile, std::string("/etc/warden/certs/idp.pem"));
        QCOMPARE(config->jwksOptions().caFile, QStringLiteral("/etc/warden/certs/idp.pem"));
    }

    void hs256Only()
    {
        auto config = OAuthConfig::fromJson(Json { { "issuer", "https://idp.example.com" },
                                                   { "resource", "https://mcp.example.com/mcp" },
                                                   { "algorithms", Json::array({ "HS256" }) },
                                                   { "hs256_secret", "env:WARDEN_HS256" } },
                                            kPointer);
        QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
        QVERIFY(!config->usesJwks());
        QVERIFY(config->jwksUri.empty());
        QVERIFY(!config->toJson().contains("jwks_uri"));
    }

    void badValues_data()
    {
        QTest::addColumn<QByteArray>("patch"); // merged into the minimal document (null removes)
        QTest::addColumn<QString>("pointer"); // the one problem expected
        QTest::addColumn<QString>("fragment"); // expected in its message

        const auto row = [](const char *name, const char *patch, const char *pointer,
                            const char *fragment) {
            QTest::newRow(name) << QByteArray(patch) << QString::fromLatin1(pointer)
                                << QString::fromLatin1(fragment);
        };
        row("unknown key", R"({"isuer": "x"})", "/auth/oauth/isuer", "did you mean \"issuer\"");
        row("issuer missing", R"({"issuer": null})", "/auth/oauth/issuer", "required");
        row("issuer not a URL", R"({"issuer": "idp"})", "/auth/oauth/issuer",
            "absolute http:// or https:// URL");
        row("issuer a number", R"({"issuer": 5})", "/auth/oauth/issuer", "non-empty string");
        row("resource missing", R"({"resource": null})", "/auth/oauth/resource", "required");
        row("resource with fragment", "{\"resource\": \"https://mcp.example.com/mcp#x\"}",
            "/auth/oauth/resource", "fragment");
        row("jwks_uri missing", R"({"jwks_uri": null})", "/auth/oauth/jwks_uri", "required");
        row("jwks_uri http", "{\"jwks_uri\": \"http://idp.example.com/jwks\"}",
            "/auth/oauth/jwks_uri", "https");
        row("jwks_uri with credentials", "{\"jwks_uri\": \"https://u:p@idp.example.com/jwks\"}",
            "/auth/oauth/jwks_uri", "user name or password");
        row("jwks_ca_file empty", R"({"jwks_ca_file": ""})", "/auth/oauth/jwks_ca_file",
            "non-empty");
        row("algorithm unknown", R"({"algorithms": ["RS256", "ES384"]})",
            "/auth/oauth/algorithms/1",
            "must be one of \"RS256\", \"PS256\", \"ES256\", \"EdDSA\" or \"HS256\"");
        row("algorithm none", R"({"algorithms": ["none"]})", "/auth/oauth/algorithms/0",
            "must be one of");
        row("algorithm typo", R"({"algorithms": ["RS265"]})", "/auth/oauth/algorithms/0",
            "did you mean \"RS256\"");
        row("algorithms empty", R"({"algorithms": []})", "/auth/oauth/algorithms", "at least 1");
        row("algorithms duplicate", R"({"algorithms": ["RS256", "RS256"]})",
            "/auth/oauth/algorithms/1", "duplicates");
        row("HS256 without secret", R"({"algorithms": ["RS256", "HS256"]})",
            "/auth/oauth/hs256_secret", "required when algorithms lists \"HS256\"");
        row("secret without HS256", R"({"hs256_secret": "env:X"})", "/auth/oauth/hs256_secret",
            "does not list \"HS256\"");
        row("secret pasted in", R"({"algorithms": ["HS256"], "hs256_secret": "s3cr3t-value"})",
            "/auth/oauth/hs256_secret", "not the secret itself");
        row("secret ref malformed", R"({"algorithms": ["HS256"], "hs256_secret": "env:lower"})",
            "/auth/oauth/hs256_secret", "not a valid secret reference");
        row("secret a number", R"({"algorithms": ["HS256"], "hs256_secret": 123456})",
            "/auth/oauth/hs256_secret", "secret reference");
        row("token_types empty", R"({"token_types": []})", "/auth/oauth/token_types", "at least 1");
        row("token_types not strings", R"({"token_types": [1]})", "/auth/oauth/token_types/0",
            "must be a string");
        row("leeway too big", R"({"leeway_seconds": 301})", "/auth/oauth/leeway_seconds",
            "0 to 300 (seconds)");
        row("leeway negative", R"({"leeway_seconds": -1})", "/auth/oauth/leeway_seconds",
            "0 to 300");
        row("leeway fractional", R"({"leeway_seconds": 1.5})", "/auth/oauth/leeway_seconds",
            "0 to 300");
        row("max_token_bytes too small", R"({"max_token_bytes": 100})",
            "/auth/oauth/max_token_bytes", "1024 to 65536 (bytes)");
        row("claims not an object", R"({"claims": "sub"})", "/auth/oauth/claims",
            "must be an object");
        row("claims unknown key", R"({"claims": {"group": "g"}})", "/auth/oauth/claims/group",
            "unknown key");
        row("claims user empty", R"({"claims": {"user": ""}})", "/auth/oauth/claims/user",
            "non-empty");
        row("claims roles array", R"({"claims": {"roles": ["a"]}})", "/auth/oauth/claims/roles",
            "non-empty string");
        row("claims scopes string", R"({"claims": {"scopes": "scope"}})",
            "/auth/oauth/claims/scopes", "array of strings");
        row("jwks unknown key", R"({"jwks": {"ttl": 1}})", "/auth/oauth/jwks/ttl",
            "allowed keys are");
        row("jwks refresh too short", R"({"jwks": {"refresh_interval_s": 5}})",
            "/auth/oauth/jwks/refresh_interval_s", "60 to 86400");
        row("jwks cooldown too short", R"({"jwks": {"cooldown_s": 1}})",
            "/auth/oauth/jwks/cooldown_s", "6 to 3600");
        row("jwks staleness under refresh",
            R"({"jwks": {"refresh_interval_s": 3600, "max_staleness_s": 600}})",
            "/auth/oauth/jwks/max_staleness_s", "at least refresh_interval_s");
        row("jwks timeout a string", R"({"jwks": {"timeout_ms": "5s"}})",
            "/auth/oauth/jwks/timeout_ms", "100 to 60000 (milliseconds)");
        row("jwks max_bytes too big", R"({"jwks": {"max_bytes": 99999999}})",
            "/auth/oauth/jwks/max_bytes", "1024 to 4194304 (bytes)");
        row("scopes_supported not array", R"({"scopes_supported": "db.read"})",
            "/auth/oauth/scopes_supported", "array of strings");
        row("authorization_servers empty", R"({"authorization_servers": []})",
            "/auth/oauth/authorization_servers", "at least 1");
        row("authorization_servers not URL", R"({"authorization_servers": ["idp"]})",
            "/auth/oauth/authorization_servers/0", "URL");
    }

    void badValues()
    {
        QFETCH(QByteArray, patch);
        QFETCH(QString, pointer);
        QFETCH(QString, fragment);
        Json doc = minimal();
        doc.merge_patch(parse(patch));
        auto config = OAuthConfig::fromJson(doc, kPointer);
        QVERIFY(!config.ok());
        QCOMPARE(config.error().code, ErrorCode::ConfigInvalid);
        QCOMPARE(pointersOf(config.error()), QStringList { pointer });
        const QString message = QString::fromStdString(config.error().message);
        QVERIFY2(message.startsWith(pointer + QLatin1String(": ")), qPrintable(message));
        QVERIFY2(message.contains(fragment), qPrintable(message));
        QVERIFY2(!message.contains(QLatin1String("s3cr3t")), qPrintable(message));
    }

    void notAnObject()
    {
        auto config = OAuthConfig::fromJson(Json::array(), kPointer);
        QVERIFY(!config.ok());
        QCOMPARE(pointersOf(config.error()), QStringList { QString::fromLatin1(kPointer) });
    }

    void everyProblemAtOnceInDocumentOrder()
    {
        const Json doc = { { "issuer", "x" },
                           { "resource", "y" },
                           { "jwks_uri", "http://a" },
                           { "leeway_seconds", 900 },
                           { "jwks", { { "cooldown_s", 0 } } } };
        auto config = OAuthConfig::fromJson(doc, kPointer);
        QVERIFY(!config.ok());
        QCOMPARE(pointersOf(config.error()),
                 QStringLiteral("/auth/oauth/issuer /auth/oauth/resource /auth/oauth/jwks_uri "
                                "/auth/oauth/leeway_seconds /auth/oauth/jwks/cooldown_s")
                     .split(u' '));
    }
};

QTEST_GUILESS_MAIN(TestOAuthConfig)
#include "TestOAuthConfig.moc"
