#include "SchemaForm.h"

#include "common/StrictJson.h"

#include <cmath>

namespace warden {
namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

std::string typeOf(const Json &schema)
{
    const auto it = schema.find("type");
    return it != schema.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The string values of an enum, or empty when it has none or holds other values.
QStringList stringEnum(const Json &schema)
{
    QStringList values;
    const auto it = schema.find("enum");
    if (it == schema.end() || !it->is_array())
        return values;
    for (const Json &v : *it) {
        if (!v.is_string())
            return {};
        values.append(q(v.get<std::string>()));
    }
    return values;
}

SchemaForm::Field fieldFor(const QString &name, const Json &schema, bool required)
{
    SchemaForm::Field f;
    f.name = name;
    f.required = required;
    f.description = schema.is_object() ? q(schema.value("description", std::string())) : QString();
    f.kind = SchemaForm::Kind::Json;
    if (!schema.is_object() || schema.contains("oneOf") || schema.contains("anyOf")
        || schema.contains("allOf"))
        return f;
    const std::string type = typeOf(schema);
    const QStringList choices = stringEnum(schema);
    if (schema.contains("enum")) {
        if (!choices.isEmpty() && (type.empty() || type == "string")) {
            f.kind = SchemaForm::Kind::Choice;
            f.choices = choices;
        }
        return f;
    }
    if (type == "string") {
        f.kind = SchemaForm::Kind::Text;
    } else if (type == "integer") {
        f.kind = SchemaForm::Kind::Integer;
    } else if (type == "number") {
        f.kind = SchemaForm::Kind::Number;
    } else if (type == "boolean") {
        f.kind = SchemaForm::Kind::Boolean;
        f.choices = { QStringLiteral("true"), QStringLiteral("false") };
    } else if (type == "array") {
        const Json items = schema.value("items", Json());
        const std::string itemType = items.is_object() ? typeOf(items) : std::string();
        const bool scalarItems = items.is_object() && !items.contains("oneOf")
            && !items.contains("anyOf")
            && (itemType == "string" || itemType == "integer" || itemType == "number");
        if (scalarItems) {
            f.kind = SchemaForm::Kind::List;
            f.itemType = q(itemType);
        }
    }
    return f;
}

} // namespace

bool SchemaForm::setSchema(const Json &schema)
{
    m_fields.clear();
    m_texts.clear();
    m_renderable = false;
    if (!schema.is_object() || typeOf(schema) != "object")
        return false;
    const Json properties = schema.value("properties", Json::object());
    if (!properties.is_object() || properties.empty())
        return false;
    QStringList required;
    for (const Json &r : schema.value("required", Json::array()))
        if (r.is_string())
            required.append(q(r.get<std::string>()));
    for (auto it = properties.begin(); it != properties.end(); ++it) {
        const QString name = q(it.key());
        m_fields.append(fieldFor(name, it.value(), required.contains(name)));
        m_texts.append(QString());
    }
    m_renderable = true;
    return true;
}

int SchemaForm::indexOf(const QString &name) const
{
    for (int i = 0; i < m_fields.size(); ++i)
        if (m_fields[i].name == name)
            return i;
    return -1;
}

void SchemaForm::setText(int field, const QString &text)
{
    if (field >= 0 && field < m_texts.size())
        m_texts[field] = text;
}

void SchemaForm::clear()
{
    for (QString &t : m_texts)
        t.clear();
}

SchemaForm::Arguments SchemaForm::arguments() const
{
    Arguments out;
    for (int i = 0; i < m_fields.size(); ++i) {
        const Field &f = m_fields[i];
        const QString text = m_texts[i].trimmed();
        if (text.isEmpty()) {
            if (f.required) {
                out.error = tr("%1: fill in this field; it is required.").arg(f.name);
                return out;
            }
            continue;
        }
        const std::string key = f.name.toStdString();
        bool ok = true;
        switch (f.kind) {
        case Kind::Text:
            out.value[key] = m_texts[i].toStdString(); // as typed: spaces may matter
            break;
        case Kind::Integer: {
            const qlonglong n = text.toLongLong(&ok);
            if (!ok) {
                out.error = tr("%1: enter a whole number, such as 10.").arg(f.name);
                return out;
            }
            out.value[key] = std::int64_t(n);
            break;
        }
        case Kind::Number: {
            const double d = text.toDouble(&ok);
            if (!ok || !std::isfinite(d)) {
                out.error = tr("%1: enter a number, such as 2.5.").arg(f.name);
                return out;
            }
            out.value[key] = d;
            break;
        }
        case Kind::Boolean:
        case Kind::Choice:
            if (!f.choices.contains(text)) {
                out.error =
                    tr("%1: choose one of %2.").arg(f.name, f.choices.join(QStringLiteral(", ")));
                return out;
            }
            if (f.kind == Kind::Boolean)
                out.value[key] = text == QLatin1String("true");
            else
                out.value[key] = text.toStdString();
            break;
        case Kind::List: {
            Json items = Json::array();
            for (const QString &part : text.split(QLatin1Char(','))) {
                const QString item = part.trimmed();
                if (item.isEmpty())
                    continue;
                if (f.itemType == QLatin1String("string")) {
                    items.push_back(item.toStdString());
                } else if (f.itemType == QLatin1String("integer")) {
                    const qlonglong n = item.toLongLong(&ok);
                    if (!ok) {
                        out.error =
                            tr("%1: \"%2\" is not a whole number; separate numbers with commas.")
                                .arg(f.name, item);
                        return out;
                    }
                    items.push_back(std::int64_t(n));
                } else {
                    const double d = item.toDouble(&ok);
                    if (!ok || !std::isfinite(d)) {
                        out.error = tr("%1: \"%2\" is not a number; separate numbers with commas.")
                                        .arg(f.name, item);
                        return out;
                    }
                    items.push_back(d);
                }
            }
            out.value[key] = std::move(items);
            break;
        }
        case Kind::Json: {
            auto parsed = StrictJson::parse(text.toStdString());
            if (!parsed) {
                out.error =
                    tr("%1: this is not valid JSON (%2).").arg(f.name, q(parsed.error().message));
                return out;
            }
            out.value[key] = std::move(*parsed);
            break;
        }
        }
    }
    return out;
}

QString SchemaForm::textOf(const Field &field, const Json &value, bool *ok)
{
    *ok = true;
    switch (field.kind) {
    case Kind::Text:
        if (value.is_string())
            return q(value.get<std::string>());
        break;
    case Kind::Integer:
        if (value.is_number_integer())
            return q(value.dump());
        break;
    case Kind::Number:
        if (value.is_number())
            return q(value.dump());
        break;
    case Kind::Boolean:
        if (value.is_boolean())
            return value.get<bool>() ? QStringLiteral("true") : QStringLiteral("false");
        break;
    case Kind::Choice:
        if (value.is_string() && field.choices.contains(q(value.get<std::string>())))
            return q(value.get<std::string>());
        break;
    case Kind::List: {
        if (!value.is_array())
            break;
        QStringList parts;
        for (const Json &item : value) {
            const bool fits = field.itemType == QLatin1String("string")
                ? item.is_string() && !q(item.get<std::string>()).contains(QLatin1Char(','))
                    && q(item.get<std::string>()).trimmed() == q(item.get<std::string>())
                    && !item.get<std::string>().empty()
                : field.itemType == QLatin1String("integer") ? item.is_number_integer()
                                                             : item.is_number();
            if (!fits) {
                *ok = false;
                return {};
            }
            parts.append(item.is_string() ? q(item.get<std::string>()) : q(item.dump()));
        }
        if (parts.isEmpty())
            break; // an empty list would read back as "left out"
        return parts.join(QStringLiteral(", "));
    }
    case Kind::Json:
        return q(StrictJson::dump(value));
    }
    *ok = false;
    return {};
}

bool SchemaForm::setArguments(const Json &arguments, QString *why)
{
    auto refuse = [why](const QString &message) {
        if (why)
            *why = message;
        return false;
    };
    if (!m_renderable)
        return refuse(tr("This tool's input cannot be shown as a form."));
    if (!arguments.is_object())
        return refuse(tr("The arguments must be a JSON object."));
    QStringList texts(m_fields.size(), QString());
    for (auto it = arguments.begin(); it != arguments.end(); ++it) {
        const int i = indexOf(q(it.key()));
        if (i < 0)
            return refuse(
                tr("The form has no field \"%1\"; keep editing the raw JSON.").arg(q(it.key())));
        bool ok = true;
        texts[i] = textOf(m_fields[i], it.value(), &ok);
        // An empty field means "left out": a value that would show as one cannot be shown.
        if (!ok || texts[i].trimmed().isEmpty())
            return refuse(
                tr("The form cannot show the value of \"%1\" as it is; keep editing the raw JSON.")
                    .arg(q(it.key())));
    }
    m_texts = texts;
    return true;
}

} // namespace warden
