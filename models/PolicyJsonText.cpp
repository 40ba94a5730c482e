#include "PolicyJsonText.h"

#include "common/StrictJson.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace warden {

PolicyJsonText::Parsed PolicyJsonText::parse(const QString &text)
{
    Parsed out;
    const QByteArray utf8 = text.toUtf8();
    auto parsed = StrictJson::parse(std::string_view(utf8.constData(), std::size_t(utf8.size())));
    if (parsed) {
        out.document = std::move(parsed).value();
        return out;
    }
    out.error = QString::fromStdString(parsed.error().message);
    // A syntax error reads "parse error at line 3, column 5: syntax error while parsing object -
    // unexpected '}'; expected string literal": say it the editor's way, position first.
    static const QRegularExpression position(
        QStringLiteral("at line (\\d+), column (\\d+): (.*)$"));
    if (const auto m = position.match(out.error); m.hasMatch()) {
        out.line = m.captured(1).toInt();
        out.column = m.captured(2).toInt();
        out.error = QCoreApplication::translate("PolicyJsonText", "Line %1, column %2: %3")
                        .arg(out.line)
                        .arg(out.column)
                        .arg(m.captured(3));
    }
    return out;
}

QString PolicyJsonText::format(const Json &document)
{
    return QString::fromStdString(document.dump(2, ' ', false, Json::error_handler_t::replace))
        + QLatin1Char('\n');
}

qsizetype PolicyJsonText::offsetOf(const QString &text, const QString &pointer)
{
    if (pointer.isEmpty())
        return 0;
    qsizetype at = 0;
    const QStringList tokens = pointer.mid(1).split(QLatin1Char('/'));
    for (QString token : tokens) {
        bool isIndex = false;
        token.toUInt(&isIndex);
        if (isIndex)
            continue;
        token.replace(QStringLiteral("~1"), QStringLiteral("/"))
            .replace(QStringLiteral("~0"), QStringLiteral("~"));
        const QString key =
            QString::fromStdString(Json(token.toStdString()).dump()) + QLatin1Char(':');
        const qsizetype found = text.indexOf(key, at);
        if (found < 0)
            return at > 0 ? at : -1;
        at = found;
    }
    return at;
}

} // namespace warden
