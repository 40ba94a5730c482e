// HttpAuthenticator: RFC 6750 header rules, the dispatch between API keys and OAuth tokens,
// anonymous development callers, and what makes two requests the same caller.
#include "auth/HttpAuthenticator.h"

#include <QTest>

using namespace warden;
using namespace warden::auth;

class TestHttpAuthenticator : public QObject
{
    Q_OBJECT

    static AuthResult run(HttpAuthenticator &a, const QList<QByteArray> &headers, bool query = false)
    {
        std::optional<AuthResult> out;
        a.authenticate(headers, query, [&](const AuthResult &r) { out = r; });
        if (!out)
            qFatal("authenticate did not answer synchronously");
        return *out;
    }

    static HttpAuthenticator::Options withTokens(std::vector<std::string> *seen)
    {
        HttpAuthenticator::Options o;
        o.tokens = [seen](const std::string &token, HttpAuthenticator::Done done) {
            seen->push_back(token);
            if (token == "good.jwt.sig") {
                Principal p;
                p.userId = "alice";
                p.authMethod = "oauth";
                return done(p);
            }
            done(AuthFailure { 401, "invalid_token", "the token has expired", "expired", "bearer-jwt" });
        };
        return o;
    }

private Q_SLOTS:
    void headerRules_data()
    {
        QTest::addColumn<QList<QByteArray>>("headers");
        QTest::addColumn<bool>("query");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("reason");
        using L = QList<QByteArray>;
        QTest::newRow("none") << L {} << false << 401 << QString() << QStringLiteral("missing");
        QTest::newRow("basic") << L { "Basic YWxhZGRpbjpvcGVuc2VzYW1l" } << false << 401 << QString()
                               << QStringLiteral("unsupported_scheme");
        QTest::newRow("bearer alone") << L { "Bearer" } << false << 400 << QStringLiteral("invalid_request")
                                      << QStringLiteral("malformed_header");
        QTest::newRow("two spaces") << L { "Bearer  abc" } << false << 400 << QStringLiteral("invalid_request")
                                    << QStringLiteral("malformed_header");
        QTest::newRow("comma") << L { "Bearer a,b" } << false << 400 << QStringLiteral("invalid_request")
                               << QStringLiteral("malformed_header");
        QTest::newRow("two headers") << L { "Bearer a", "Bearer b" } << false << 400 << QStringLiteral("invalid_request")
                                     << QStringLiteral("repeated_header");
        QTest::newRow("query token") << L {} << true << 400 << QStringLiteral("invalid_request")
                                     << QStringLiteral("token_in_query");
        QTest::newRow("huge") << L { "Bearer " + QByteArray(20000, 'a') } << false << 401 << QStringLiteral("invalid_token")
                              << QStringLiteral("too_large");
        QTest::newRow("api key when off") << L { "Bearer wk_0123456789abcdef_" + QByteArray(43, 'A') } << false << 401
                                          << QStringLiteral("invalid_token") << QStringLiteral("api_keys_disabled");
        QTest::newRow("jwt rejected") << L { "Bearer bad.jwt.sig" } << false << 401 << QStringLiteral("invalid_token")
                                      << QStringLiteral("expired");
    }

    void headerRules()
    {
        QFETCH(QList<QByteArray>, headers);
        QFETCH(bool, query);
        QFETCH(int, status);
        QFETCH(QString, error);
        QFETCH(QString, reason);
        std::vector<std::string> seen;
        HttpAuthenticator a(withTokens(&seen));
        QVERIFY(a.required());
        const AuthResult r = run(a, headers, query);
        const auto *f = std::get_if<AuthFailure>(&r);
        QVERIFY(f);
        QCOMPARE(f->status, status);
        QCOMPARE(QString::fromStdString(f->error), error);
        QCOMPARE(QString::fromStdString(f->reason), reason);
        QVERIFY(!f->description.empty());
        // The credential never comes back in the description.
        for (const QByteArray &h : headers)
            if (h.size() > 16)
                QVERIFY(!QByteArray::fromStdString(f->description).contains(h.mid(7)));
    }

    void bearerTokensGoToTheTokenCheck()
    {
        std::vector<std::string> seen;
        HttpAuthenticator a(withTokens(&seen));
        QVERIFY(a.oauthEnabled());
        const AuthResult r = run(a, { "bearer good.jwt.sig" }); // the scheme is case-insensitive
        QVERIFY(std::holds_alternative<Principal>(r));
        QCOMPARE(std::get<Principal>(r).userId, std::string("alice"));
        QCOMPARE(seen, std::vector<std::string>{ "good.jwt.sig" });
    }

    void anonymousDevelopmentCallers()
    {
        HttpAuthenticator::Options o;
        o.anonymous = true;
        o.anonymousPrincipal.userId = "local";
        o.anonymousPrincipal.tenantId = "1";
        HttpAuthenticator a(o);
        QVERIFY(!a.required());
        const AuthResult r = run(a, {});
        QVERIFY(std::holds_alternative<Principal>(r));
        QCOMPARE(std::get<Principal>(r).authMethod, std::string("anonymous-dev"));
        QCOMPARE(std::get<Principal>(r).tenantId, std::string("1"));
        // Credentials that are sent are still checked, never ignored.
        const AuthResult withToken = run(a, { "Bearer some.jwt.token" });
        QVERIFY(std::holds_alternative<AuthFailure>(withToken));
        QCOMPARE(std::get<AuthFailure>(withToken).reason, std::string("oauth_disabled"));
    }

    void sameCaller()
    {
        Principal a;
        a.userId = "u";
        a.tenantId = "t";
        a.authMethod = "oauth";
        a.scopes = { "x" };
        Principal b = a;
        b.scopes = { "y" }; // a fresh token with other scopes is the same caller
        QVERIFY(HttpAuthenticator::sameCaller(a, b));
        b.tenantId = "t2";
        QVERIFY(!HttpAuthenticator::sameCaller(a, b));
        b = a;
        b.authMethod = "api-key";
        QVERIFY(!HttpAuthenticator::sameCaller(a, b));
        b = a;
        b.userId = "v";
        QVERIFY(!HttpAuthenticator::sameCaller(a, b));
    }
};

QTEST_GUILESS_MAIN(TestHttpAuthenticator)
#include "TestHttpAuthenticator.moc"
