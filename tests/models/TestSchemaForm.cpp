// The form built from a tool's inputSchema: which fields it makes, how their texts become
// typed arguments and back, and what it leaves to the raw JSON editor.

#include "SchemaForm.h"

#include <QTest>

using warden::Json;
using warden::SchemaForm;

namespace {

Json querySchema()
{
    return Json {
        { "type", "object" },
        { "required", Json::array({ "table" }) },
        { "properties",
          Json {
              { "table", Json { { "type", "string" }, { "description", "The table" } } },
              { "select",
                Json { { "type", "array" }, { "items", Json { { "type", "string" } } } } },
              { "take", Json { { "type", "integer" } } },
              { "ratio", Json { { "type", "number" } } },
              { "distinct", Json { { "type", "boolean" } } },
              { "direction",
                Json { { "type", "string" }, { "enum", Json::array({ "asc", "desc" }) } } },
              { "ids", Json { { "type", "array" }, { "items", Json { { "type", "integer" } } } } },
              { "where",
                Json { { "oneOf",
                         Json::array(
                             { Json { { "type", "object" } }, Json { { "type", "array" } } }) } } },
              { "include",
                Json { { "type", "array" }, { "items", Json { { "type", "object" } } } } },
              { "options", Json { { "type", "object" } } } } }
    };
}

} // namespace

class TestSchemaForm : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void makesOneFieldPerProperty()
    {
        SchemaForm form;
        QVERIFY(form.setSchema(querySchema()));
        QVERIFY(form.isRenderable());
        QCOMPARE(form.fields().size(), 10);
        auto kind = [&](const char *name) {
            return form.fields()[form.indexOf(QString::fromLatin1(name))].kind;
        };
        QCOMPARE(kind("table"), SchemaForm::Kind::Text);
        QCOMPARE(kind("select"), SchemaForm::Kind::List);
        QCOMPARE(kind("take"), SchemaForm::Kind::Integer);
        QCOMPARE(kind("ratio"), SchemaForm::Kind::Number);
        QCOMPARE(kind("distinct"), SchemaForm::Kind::Boolean);
        QCOMPARE(kind("direction"), SchemaForm::Kind::Choice);
        QCOMPARE(kind("ids"), SchemaForm::Kind::List);
        QCOMPARE(kind("where"), SchemaForm::Kind::Json);
        QCOMPARE(kind("include"), SchemaForm::Kind::Json);
        QCOMPARE(kind("options"), SchemaForm::Kind::Json);
        const SchemaForm::Field &table = form.fields()[form.indexOf(QStringLiteral("table"))];
        QVERIFY(table.required);
        QCOMPARE(table.description, QStringLiteral("The table"));
        QVERIFY(!form.fields()[form.indexOf(QStringLiteral("take"))].required);
        QCOMPARE(form.fields()[form.indexOf(QStringLiteral("direction"))].choices,
                 QStringList({ QStringLiteral("asc"), QStringLiteral("desc") }));
        QCOMPARE(form.indexOf(QStringLiteral("nope")), -1);
    }

    void refusesWhatIsNotAnObjectForm()
    {
        SchemaForm form;
        QVERIFY(!form.setSchema(Json { { "type", "array" } }));
        QVERIFY(!form.isRenderable());
        QVERIFY(form.fields().isEmpty());
        QVERIFY(!form.setSchema(Json { { "type", "object" } })); // no properties to show
        QVERIFY(!form.setSchema(Json::array()));
        QString why;
        QVERIFY(!form.setArguments(Json::object(), &why));
        QVERIFY(!why.isEmpty());
    }

    void turnsTextsIntoTypedArguments()
    {
        SchemaForm form;
        QVERIFY(form.setSchema(querySchema()));
        auto set = [&](const char *name, const char *text) {
            form.setText(form.indexOf(QString::fromLatin1(name)), QString::fromUtf8(text));
        };
        set("table", "customers");
        set("select", "id, name ,, email");
        set("take", " 5 ");
        set("ratio", "2.5");
        set("distinct", "true");
        set("direction", "desc");
        set("ids", "1,2");
        set("where", "{\"field\":\"id\",\"op\":\"gt\",\"value\":3}");
        const SchemaForm::Arguments args = form.arguments();
        QVERIFY2(args.ok(), qPrintable(args.error));
        const Json expected { { "table", "customers" },
                              { "select", Json::array({ "id", "name", "email" }) },
                              { "take", 5 },
                              { "ratio", 2.5 },
                              { "distinct", true },
                              { "direction", "desc" },
                              { "ids", Json::array({ 1, 2 }) },
                              { "where",
                                Json { { "field", "id" }, { "op", "gt" }, { "value", 3 } } } };
        QVERIFY2(args.value == expected, args.value.dump().c_str());
    }

    void saysWhichFieldIsWrong_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("required") << QStringLiteral("table") << QString()
                                  << QStringLiteral("table: fill in");
        QTest::newRow("integer") << QStringLiteral("take") << QStringLiteral("ten")
                                 << QStringLiteral("take: enter a whole number");
        QTest::newRow("number") << QStringLiteral("ratio") << QStringLiteral("x")
                                << QStringLiteral("ratio: enter a number");
        QTest::newRow("boolean") << QStringLiteral("distinct") << QStringLiteral("yes")
                                 << QStringLiteral("distinct: choose one of true, false");
        QTest::newRow("choice") << QStringLiteral("direction") << QStringLiteral("up")
                                << QStringLiteral("direction: choose one of asc, desc");
        QTest::newRow("list") << QStringLiteral("ids") << QStringLiteral("1, two")
                              << QStringLiteral("ids: \"two\" is not a whole number");
        QTest::newRow("json") << QStringLiteral("where") << QStringLiteral("{field:")
                              << QStringLiteral("where: this is not valid JSON");
    }

    void saysWhichFieldIsWrong()
    {
        QFETCH(QString, field);
        QFETCH(QString, text);
        QFETCH(QString, message);
        SchemaForm form;
        QVERIFY(form.setSchema(querySchema()));
        form.setText(form.indexOf(QStringLiteral("table")), QStringLiteral("customers"));
        form.setText(form.indexOf(field), text);
        const SchemaForm::Arguments args = form.arguments();
        QVERIFY(!args.ok());
        QVERIFY2(args.error.startsWith(message), qPrintable(args.error));
    }

    // Raw JSON → form → JSON gives back the same arguments.
    void showsArgumentsAndReadsThemBack()
    {
        SchemaForm form;
        QVERIFY(form.setSchema(querySchema()));
        const Json args {
            { "table", "orders" },
            { "select", Json::array({ "id", "total" }) },
            { "take", 7 },
            { "distinct", false },
            { "direction", "asc" },
            { "where",
              Json::array({ Json { { "field", "status" }, { "op", "eq" }, { "value", "paid" } } }) }
        };
        QString why;
        QVERIFY2(form.setArguments(args, &why), qPrintable(why));
        QCOMPARE(form.text(form.indexOf(QStringLiteral("select"))), QStringLiteral("id, total"));
        QCOMPARE(form.text(form.indexOf(QStringLiteral("take"))), QStringLiteral("7"));
        QCOMPARE(form.text(form.indexOf(QStringLiteral("distinct"))), QStringLiteral("false"));
        QVERIFY(form.text(form.indexOf(QStringLiteral("ratio"))).isEmpty());
        const SchemaForm::Arguments back = form.arguments();
        QVERIFY2(back.ok(), qPrintable(back.error));
        QVERIFY2(back.value == args, back.value.dump().c_str());
    }

    void leavesToTheRawEditorWhatItCannotShow_data()
    {
        QTest::addColumn<QString>("arguments");
        QTest::newRow("unknown key") << QStringLiteral("{\"table\":\"t\",\"extra\":1}");
        QTest::newRow("string for an integer")
            << QStringLiteral("{\"table\":\"t\",\"take\":\"5\"}");
        QTest::newRow("empty string") << QStringLiteral("{\"table\":\"\"}");
        QTest::newRow("empty list") << QStringLiteral("{\"table\":\"t\",\"select\":[]}");
        QTest::newRow("comma in a list item")
            << QStringLiteral("{\"table\":\"t\",\"select\":[\"a,b\"]}");
        QTest::newRow("unknown enum value")
            << QStringLiteral("{\"table\":\"t\",\"direction\":\"up\"}");
        QTest::newRow("not an object") << QStringLiteral("[1]");
    }

    void leavesToTheRawEditorWhatItCannotShow()
    {
        QFETCH(QString, arguments);
        SchemaForm form;
        QVERIFY(form.setSchema(querySchema()));
        form.setText(form.indexOf(QStringLiteral("table")), QStringLiteral("before"));
        QString why;
        QVERIFY(!form.setArguments(Json::parse(arguments.toStdString()), &why));
        QVERIFY(!why.isEmpty());
        // Nothing changed.
        QCOMPARE(form.text(form.indexOf(QStringLiteral("table"))), QStringLiteral("before"));
    }

    void clearEmptiesEveryField()
    {
        SchemaForm form;
        QVERIFY(form.setSchema(querySchema()));
        form.setText(0, QStringLiteral("x"));
        form.clear();
        QVERIFY(form.text(0).isEmpty());
        QVERIFY(!form.arguments().ok()); // table is required again
    }
};

QTEST_GUILESS_MAIN(TestSchemaForm)
#include "TestSchemaForm.moc"
