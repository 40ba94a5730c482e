#include "audit/ArgumentSanitizer.h"

#include <QTest>

using namespace warden;
using namespace warden::audit;

namespace {

const AuditKeys &keys()
{
    static const AuditKeys k("argument-sanitizer-test-key-012345");
    return k;
}

const ArgumentSanitizer::ClearField onlyName = [](const std::string &field) { return field == "name"; };

QString q(const Json &j)
{
    return QString::fromStdString(j.is_string() ? j.get<std::string>() : j.dump());
}

} // namespace

class TestArgumentSanitizer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void conditionValuesFollowTheColumnRule()
    {
        const Json args{{"table", "people"},
                        {"where", Json::array({Json{{"field", "name"}, {"op", "eq"}, {"value", "Ada"}},
                                               Json{{"field", "email"}, {"op", "eq"}, {"value", "ada@example.com"}},
                                               Json{{"field", "age"}, {"op", "in"}, {"values", Json::array({41, 42})}}})}};
        const Json out = ArgumentSanitizer::sanitize(args, onlyName, keys());
        QCOMPARE(q(out["table"]), QStringLiteral("people"));
        QCOMPARE(q(out["where"][0]["value"]), QStringLiteral("Ada"));
        QCOMPARE(q(out["where"][1]["value"]), QString::fromStdString(keys().valueHmac("ada@example.com")));
        QCOMPARE(q(out["where"][1]["field"]), QStringLiteral("email")); // the structure stays readable
        QCOMPARE(q(out["where"][2]["values"][1]), QString::fromStdString(keys().valueHmac("42")));
        QVERIFY(!QString::fromStdString(out.dump()).contains(QStringLiteral("ada@example.com")));
    }

    // The write tools' values: {column: value}, each one under its column's rule.
    void writeValuesFollowTheColumnRule()
    {
        const Json args{{"table", "people"}, {"values", Json{{"name", "Ada"}, {"email", "ada@example.com"}, {"age", 42}}},
                        {"reason", "moved"}};
        const Json out = ArgumentSanitizer::sanitize(args, onlyName, keys());
        QCOMPARE(q(out["values"]["name"]), QStringLiteral("Ada"));
        QCOMPARE(q(out["values"]["email"]), QString::fromStdString(keys().valueHmac("ada@example.com")));
        QCOMPARE(q(out["values"]["age"]), QString::fromStdString(keys().valueHmac("42")));
        QCOMPARE(q(out["reason"]), QStringLiteral("moved"));
        QVERIFY(!QString::fromStdString(out.dump()).contains(QStringLiteral("ada@example.com")));
        // Below the top level "values" is only a condition's key, as before.
        const Json nested = ArgumentSanitizer::sanitize(Json{{"where", Json{{"values", Json{{"email", "x@y"}}}}}}, onlyName, keys());
        QCOMPARE(q(nested["where"]["values"]["email"]), QStringLiteral("x@y"));
    }

    void nestedGroupsAndIncludesAreCovered()
    {
        const Json args{{"table", "people"},
                        {"where", Json{{"or", Json::array({Json{{"not", Json{{"field", "ssn"}, {"op", "eq"}, {"value", "1-2"}}}}})}}},
                        {"include", Json::array({Json{{"relation", "orders"},
                                                      {"where", Json{{"field", "name"}, {"op", "eq"}, {"value", "x"}}}}})}};
        const Json out = ArgumentSanitizer::sanitize(args, onlyName, keys());
        QCOMPARE(q(out["where"]["or"][0]["not"]["value"]), QString::fromStdString(keys().valueHmac("1-2")));
        // An include's conditions name another table's columns: never in clear.
        QCOMPARE(q(out["include"][0]["where"]["value"]), QString::fromStdString(keys().valueHmac("x")));
        QCOMPARE(q(out["include"][0]["relation"]), QStringLiteral("orders"));
    }

    void credentialsAreAlwaysHidden()
    {
        const Json args{{"cursor", "opaque-token"}, {"api_key", "k"}, {"Authorization", "Bearer abc"},
                        {"nested", Json{{"refresh_token", Json::array({"t1"})}}}};
        const Json out = ArgumentSanitizer::sanitize(args, [](const std::string &) { return true; }, keys());
        QCOMPARE(q(out["cursor"]), QString::fromStdString(keys().valueHmac("opaque-token")));
        QCOMPARE(q(out["api_key"]), QString::fromStdString(keys().valueHmac("k")));
        QCOMPARE(q(out["Authorization"]), QString::fromStdString(keys().valueHmac("Bearer abc")));
        QCOMPARE(q(out["nested"]["refresh_token"][0]), QString::fromStdString(keys().valueHmac("t1")));
    }

    void getKeyFollowsTheHook()
    {
        const Json args{{"table", "people"}, {"id", 7}};
        QCOMPARE(ArgumentSanitizer::sanitize(args, [](const std::string &f) { return f == "id"; }, keys())["id"].get<int>(), 7);
        QCOMPARE(q(ArgumentSanitizer::sanitize(args, onlyName, keys())["id"]), QString::fromStdString(keys().valueHmac("7")));
    }

    void sizesAreBounded()
    {
        Json big = Json::array();
        for (int i = 0; i < 500; ++i)
            big.push_back(i);
        Json deep = "bottom";
        for (int i = 0; i < 40; ++i)
            deep = Json{{"d", deep}};
        const Json args{{"text", std::string(5000, 'x')}, {"list", big}, {"deep", deep}, {"ctl", "a\x01\nb"}};
        const Json out = ArgumentSanitizer::sanitize(args, onlyName, keys());
        QVERIFY(out["text"].get<std::string>().size() < 600);
        QVERIFY(out["text"].get<std::string>().find("truncated 4488 bytes") != std::string::npos);
        QCOMPARE(out["list"].size(), std::size_t(ArgumentSanitizer::kMaxArray + 1));
        QVERIFY(out.dump().find("nested too deeply") != std::string::npos);
        QCOMPARE(q(out["ctl"]), QStringLiteral("a\x01\nb")); // kept; the canonical form escapes it
    }

    void numbersAndStringsHashAlike()
    {
        QCOMPARE(ArgumentSanitizer::hmacOf(Json(42), keys()), ArgumentSanitizer::hmacOf(Json("42"), keys()));
        QVERIFY(ArgumentSanitizer::hmacOf(Json("a"), keys()) != ArgumentSanitizer::hmacOf(Json("b"), keys()));
        QVERIFY(ArgumentSanitizer::hmacOf(Json("a"), keys()) != ArgumentSanitizer::hmacOf(Json("a"), AuditKeys("another-key-0123456789abcdef")));
    }
};

QTEST_GUILESS_MAIN(TestArgumentSanitizer)
#include "TestArgumentSanitizer.moc"
