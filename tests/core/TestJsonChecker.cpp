#include "common/JsonChecker.h"
#include "common/StrictJson.h"

#include <QTest>

using namespace warden;

namespace {

Json parse(const char *text)
{
    auto r = StrictJson::parse(text);
    if (!r.ok())
        qFatal("test document does not parse: %s", r.error().message.c_str());
    return *r;
}

QString q(const std::string &text)
{
    return QString::fromStdString(text);
}

} // namespace

class TestJsonChecker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void validDocumentHasNoProblems()
    {
        const Json doc =
            parse(R"({"name":"x","port":80,"on":true,"tags":["a","b"],"mode":"fast"})");
        JsonChecker c(doc);
        QVERIFY(c.checkObject(doc, "", { "name", "port", "on", "tags", "mode", "extra" }));
        QCOMPARE(c.string(doc, "", "name", JsonChecker::Presence::Required).value(),
                 std::string("x"));
        QCOMPARE(c.integer(doc, "", "port", 0, 65535).value(), std::int64_t(80));
        QCOMPARE(c.boolean(doc, "", "on").value(), true);
        QCOMPARE(c.stringArray(doc, "", "tags")->size(), std::size_t(2));
        QCOMPARE(c.enumString(doc, "", "mode", { "fast", "slow" }).value(), std::string("fast"));
        // absent optional members are not problems and return nullopt
        QVERIFY(!c.string(doc, "", "extra").has_value());
        QVERIFY(c.ok());
        QCOMPARE(c.report(), std::string());
    }

    void unknownKeyListsAllowedKeysAndSuggests()
    {
        const Json doc =
            parse(R"({"database":{"driver":"sqlite","paswd":"x","pasword":"y","zzz":1}})");
        JsonChecker c(doc);
        const std::vector<std::string_view> keys = { "driver", "path", "password" };
        QVERIFY(c.checkObject(doc["database"], "/database", keys));
        const auto problems = c.problems();
        QCOMPARE(problems.size(), std::size_t(3));
        QCOMPARE(q(problems[0].pointer), QStringLiteral("/database/paswd"));
        QCOMPARE(
            q(problems[0].message),
            QStringLiteral(
                "unknown key; did you mean \"password\"? allowed keys are driver, path, password"));
        QCOMPARE(q(problems[1].pointer), QStringLiteral("/database/pasword"));
        QVERIFY(q(problems[1].message).contains(QStringLiteral("did you mean \"password\"?")));
        QCOMPARE(q(problems[2].pointer), QStringLiteral("/database/zzz"));
        QVERIFY(!q(problems[2].message).contains(QStringLiteral("did you mean")));
        QVERIFY(q(problems[2].message)
                    .contains(QStringLiteral("allowed keys are driver, path, password")));
    }

    void notAnObject()
    {
        const Json doc = parse(R"({"a":[1]})");
        JsonChecker c(doc);
        QVERIFY(!c.objectMember(doc, "", "a", { "x" }));
        QCOMPARE(c.report(), std::string("/a: must be an object, got an array"));
        const Json five(5);
        JsonChecker root(five);
        QVERIFY(!root.checkObject(root.root(), "", {}));
        QCOMPARE(root.report(), std::string("(root): must be an object, got 5"));
    }

    void integerRangeAndType_data()
    {
        QTest::addColumn<QByteArray>("doc");
        QTest::addColumn<QString>("expected");
        QTest::newRow("string") << QByteArray(R"({"port":"abc"})")
                                << QStringLiteral(
                                       "/port: must be an integer from 0 to 65535, got \"abc\"");
        QTest::newRow("too big") << QByteArray(R"({"port":65536})")
                                 << QStringLiteral(
                                        "/port: must be an integer from 0 to 65535, got 65536");
        QTest::newRow("negative") << QByteArray(R"({"port":-1})")
                                  << QStringLiteral(
                                         "/port: must be an integer from 0 to 65535, got -1");
        QTest::newRow("float") << QByteArray(R"({"port":80.5})")
                               << QStringLiteral(
                                      "/port: must be an integer from 0 to 65535, got 80.5");
        QTest::newRow("huge unsigned")
            << QByteArray(R"({"port":18446744073709551615})")
            << QStringLiteral(
                   "/port: must be an integer from 0 to 65535, got 18446744073709551615");
        QTest::newRow("bool") << QByteArray(R"({"port":true})")
                              << QStringLiteral(
                                     "/port: must be an integer from 0 to 65535, got true");
        QTest::newRow("null") << QByteArray(R"({"port":null})")
                              << QStringLiteral(
                                     "/port: must be an integer from 0 to 65535, got null");
    }

    void integerRangeAndType()
    {
        QFETCH(QByteArray, doc);
        QFETCH(QString, expected);
        const Json d = parse(doc.constData());
        JsonChecker c(d);
        QVERIFY(!c.integer(d, "", "port", 0, 65535).has_value());
        QCOMPARE(q(c.report()), expected);
    }

    void integerUnitAndExactValue()
    {
        const Json d = parse(R"({"t":5,"v":2})");
        JsonChecker c(d);
        QVERIFY(
            !c.integer(d, "", "t", 100, 3600000, JsonChecker::Presence::Optional, "milliseconds"));
        QVERIFY(!c.integer(d, "", "v", 1, 1));
        const auto p = c.problems();
        QCOMPARE(q(p[0].message),
                 QStringLiteral("must be an integer from 100 to 3600000 (milliseconds), got 5"));
        QCOMPARE(q(p[1].message), QStringLiteral("must be 1, got 2"));
    }

    void requiredMissing()
    {
        const Json d = parse(R"({})");
        JsonChecker c(d);
        QVERIFY(!c.string(d, "", "name", JsonChecker::Presence::Required));
        QVERIFY(!c.integer(d, "", "n", 1, 9, JsonChecker::Presence::Required));
        QVERIFY(!c.requireKey(d, "", "custom", "required when x; add it"));
        const auto p = c.problems();
        QCOMPARE(p.size(), std::size_t(3));
        QCOMPARE(q(p[0].toString()),
                 QStringLiteral("/name: required key is missing; add it as a non-empty string"));
        QCOMPARE(q(p[1].toString()),
                 QStringLiteral("/n: required key is missing; add it as an integer from 1 to 9"));
        QCOMPARE(q(p[2].toString()), QStringLiteral("/custom: required when x; add it"));
    }

    void stringRules()
    {
        const Json d = parse(R"({"a":"","b":5,"c":"toolong","d":"","secret":12345})");
        JsonChecker c(d);
        QVERIFY(!c.string(d, "", "a"));
        QVERIFY(!c.string(d, "", "b"));
        JsonChecker::StringRule shortRule;
        shortRule.maxLength = 3;
        QVERIFY(!c.string(d, "", "c", JsonChecker::Presence::Optional, shortRule));
        JsonChecker::StringRule emptyOk;
        emptyOk.allowEmpty = true;
        QCOMPARE(c.string(d, "", "d", JsonChecker::Presence::Optional, emptyOk).value(),
                 std::string());
        JsonChecker::StringRule sensitive;
        sensitive.sensitive = true;
        QVERIFY(!c.string(d, "", "secret", JsonChecker::Presence::Optional, sensitive));
        const auto p = c.problems();
        QCOMPARE(p.size(), std::size_t(4));
        QCOMPARE(q(p[0].toString()),
                 QStringLiteral("/a: must be a non-empty string; give a value or remove the key"));
        QCOMPARE(q(p[1].toString()), QStringLiteral("/b: must be a non-empty string, got 5"));
        QCOMPARE(q(p[2].toString()),
                 QStringLiteral("/c: must be at most 3 bytes long, got 7 bytes"));
        QCOMPARE(q(p[3].toString()),
                 QStringLiteral("/secret: must be a non-empty string, got an integer"));
        QVERIFY(!q(c.report()).contains(QStringLiteral("12345")));
    }

    void enumSuggests()
    {
        const Json d = parse(R"({"mode":"prodution","other":"zzz","n":3})");
        JsonChecker c(d);
        QVERIFY(!c.enumString(d, "", "mode", { "production", "development" }));
        QVERIFY(!c.enumString(d, "", "other", { "production", "development" }));
        QVERIFY(!c.enumString(d, "", "n", { "a", "b", "c" }));
        const auto p = c.problems();
        QCOMPARE(q(p[0].toString()),
                 QStringLiteral("/mode: must be one of \"production\" or \"development\", got "
                                "\"prodution\"; did you mean \"production\"?"));
        QCOMPARE(q(p[1].toString()),
                 QStringLiteral(
                     "/other: must be one of \"production\" or \"development\", got \"zzz\""));
        QCOMPARE(q(p[2].toString()),
                 QStringLiteral("/n: must be one of \"a\", \"b\" or \"c\", got 3"));
    }

    void booleans()
    {
        const Json d = parse(R"({"a":"yes","b":false})");
        JsonChecker c(d);
        QVERIFY(!c.boolean(d, "", "a"));
        QCOMPARE(c.boolean(d, "", "b").value(), false);
        QCOMPARE(c.report(), std::string("/a: must be true or false, got \"yes\""));
    }

    void stringArrays()
    {
        const Json d = parse(R"({"a":"x","b":["ok",5,"","ok"],"c":[],"d":["1","2","3"]})");
        JsonChecker c(d);
        QVERIFY(!c.stringArray(d, "", "a"));
        QVERIFY(!c.stringArray(d, "", "b"));
        JsonChecker::ArrayRule nonEmpty;
        nonEmpty.minItems = 1;
        QVERIFY(!c.stringArray(d, "", "c", JsonChecker::Presence::Optional, nonEmpty));
        JsonChecker::ArrayRule two;
        two.maxItems = 2;
        QVERIFY(!c.stringArray(d, "", "d", JsonChecker::Presence::Optional, two));
        const auto p = c.problems();
        QCOMPARE(p.size(), std::size_t(6));
        QCOMPARE(q(p[0].toString()), QStringLiteral("/a: must be an array of strings, got \"x\""));
        QCOMPARE(q(p[1].toString()), QStringLiteral("/b/1: must be a string, got 5"));
        QCOMPARE(q(p[2].toString()),
                 QStringLiteral("/b/2: must be a non-empty string; remove the empty entry"));
        QCOMPARE(q(p[3].toString()),
                 QStringLiteral("/b/3: duplicates /b/0 (\"ok\"); remove one of them"));
        QCOMPARE(q(p[4].toString()), QStringLiteral("/c: must list at least 1 item, got 0"));
        QCOMPARE(q(p[5].toString()), QStringLiteral("/d: must list at most 2 items, got 3"));
    }

    // Problems come back in the order their values appear in the file, whatever order the
    // checks ran in; missing keys sort after the present keys of their object.
    void problemsInDocumentOrder()
    {
        const Json d = parse(R"({"z":"bad","a":{"y":1,"x":"bad"},"list":[1,{"k":"bad"}]})");
        JsonChecker c(d);
        c.addProblem("/list/1/k", "list");
        c.addProblem("/missing", "missing");
        c.addProblem("/a/x", "ax");
        c.addProblem("/a", "a");
        c.addProblem("/a/y", "ay");
        c.addProblem("/z", "z");
        c.addProblem("", "root");
        c.addProblem("/a/y", "ay-second");
        QStringList order;
        for (const auto &p : c.problems())
            order << q(p.message);
        QCOMPARE(
            order,
            (QStringList { QStringLiteral("root"), QStringLiteral("z"), QStringLiteral("a"),
                           QStringLiteral("ay"), QStringLiteral("ay-second"), QStringLiteral("ax"),
                           QStringLiteral("list"), QStringLiteral("missing") }));
    }

    void pointersAreEscaped()
    {
        const Json d = parse(R"({"o":{"a/b":1,"m~n":2}})");
        JsonChecker c(d);
        c.checkObject(d["o"], "/o", { "x" });
        const auto p = c.problems();
        QCOMPARE(q(p[0].pointer), QStringLiteral("/o/a~1b"));
        QCOMPARE(q(p[1].pointer), QStringLiteral("/o/m~0n"));
    }

    void describeShortensLongStrings()
    {
        const std::string longText(100, 'x');
        const std::string shown = JsonChecker::describe(Json(longText));
        QCOMPARE(q(shown), QStringLiteral("\"") + QString(40, u'x') + QStringLiteral("...\""));
        // never splits a UTF-8 sequence
        std::string utf8(39, 'a');
        utf8 += "\xC3\xA9\xC3\xA9";
        const QString s = q(JsonChecker::describe(Json(utf8)));
        QVERIFY(!s.contains(QChar(QChar::ReplacementCharacter)));
        QVERIFY(s.endsWith(QStringLiteral("a...\"")));
        QCOMPARE(q(JsonChecker::describe(Json("abc"), true)), QStringLiteral("a string"));
        QCOMPARE(q(JsonChecker::describe(Json::object())), QStringLiteral("an object"));
    }

    void editDistanceAndSuggestions()
    {
        QCOMPARE(JsonChecker::editDistance("kitten", "sitting"), std::size_t(3));
        QCOMPARE(JsonChecker::editDistance("", "abc"), std::size_t(3));
        QCOMPARE(JsonChecker::editDistance("ab", "ba"), std::size_t(1)); // transposition
        QCOMPARE(JsonChecker::editDistance("Port", "port"), std::size_t(0));
        const std::vector<std::string_view> keys = {
            "driver", "path",     "host",    "port",      "dbname",
            "user",   "password", "sslmode", "pool_size", "connect_timeout_ms"
        };
        QCOMPARE(JsonChecker::suggest("paswd", keys).value(), std::string("password"));
        QCOMPARE(JsonChecker::suggest("prot", keys).value(), std::string("port"));
        QCOMPARE(JsonChecker::suggest("poolsize", keys).value(), std::string("pool_size"));
        QCOMPARE(JsonChecker::suggest("db_name", keys).value(), std::string("dbname"));
        QCOMPARE(JsonChecker::suggest("conn", keys).value(), std::string("connect_timeout_ms"));
        QCOMPARE(JsonChecker::suggest("prod", { "production", "development" }).value(),
                 std::string("production"));
        QVERIFY(!JsonChecker::suggest("tls", keys).has_value());
        QVERIFY(!JsonChecker::suggest("completely_unrelated", keys).has_value());
    }

    void joinList()
    {
        QCOMPARE(JsonChecker::joinList({}, " or ", true), std::string());
        QCOMPARE(JsonChecker::joinList({ "a" }, " or ", true), std::string("\"a\""));
        QCOMPARE(JsonChecker::joinList({ "a", "b" }, " or ", false), std::string("a or b"));
        QCOMPARE(JsonChecker::joinList({ "a", "b", "c" }, " and ", false),
                 std::string("a, b and c"));
    }
};

QTEST_GUILESS_MAIN(TestJsonChecker)
#include "TestJsonChecker.moc"
