#pragma once

#include "common/Json.h"

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

namespace warden {

// A form for a tool's inputSchema: one field per property of an object schema, each edited
// as text and turned back into typed JSON. Strings, integers, numbers, booleans and enums get
// a field of their own; arrays of scalars are comma-separated lists; anything else (objects,
// nested arrays, oneOf...) is a field holding JSON text. A schema that is not an object with
// properties cannot be rendered: only the raw JSON editor fits it. The widgets live in ui.
class SchemaForm
{
    Q_DECLARE_TR_FUNCTIONS(SchemaForm)
public:
    enum class Kind { Text, Integer, Number, Boolean, Choice, List, Json };

    struct Field
    {
        QString name;
        Kind kind = Kind::Text;
        bool required = false;
        QStringList choices; // Choice: the allowed strings; Boolean: "true", "false"
        QString description;
        QString itemType; // List: "string", "integer" or "number"
    };

    // Replaces the fields (and clears every value). False, with no fields, when the schema
    // cannot be rendered as a form.
    bool setSchema(const warden::Json &schema);
    bool isRenderable() const { return m_renderable; }
    const QList<Field> &fields() const { return m_fields; }
    int indexOf(const QString &name) const;

    QString text(int field) const { return m_texts.value(field); }
    void setText(int field, const QString &text);
    void clear();

    // The arguments the texts stand for (empty fields left out), or an error message naming
    // the field and what to enter.
    struct Arguments
    {
        warden::Json value = warden::Json::object();
        QString error;
        bool ok() const { return error.isEmpty(); }
    };
    Arguments arguments() const;

    // Fills the texts from arguments. False (texts unchanged, `why` says what) when the form
    // cannot show them faithfully: not an object, a key without a field, a value of another type.
    bool setArguments(const warden::Json &arguments, QString *why = nullptr);

private:
    static QString textOf(const Field &field, const warden::Json &value, bool *ok);

    QList<Field> m_fields;
    QStringList m_texts;
    bool m_renderable = false;
};

} // namespace warden
