#pragma once

#include "common/Json.h"

#include <QString>

#include <optional>

namespace warden {

// The policy editor's JSON text: how a document is written into the text view, and how the
// text is read back, with the line and column of the first syntax error so the editor can
// point at it. Reading is as strict as the server's (duplicate keys and deep nesting refused).
class PolicyJsonText
{
public:
    struct Parsed
    {
        std::optional<Json> document; // set when the text is valid JSON
        QString error; // what is wrong, when it is not
        int line = 0; // 1-based line of the error, 0 when unknown
        int column = 0; // 1-based column of the error, 0 when unknown
    };

    static Parsed parse(const QString &text);
    // Two-space indentation, the author's key order, a final newline.
    static QString format(const Json &document);
    // Where the value a JSON pointer names starts in formatted text, as a character offset
    // (best effort: keys are looked for in order; array indexes are skipped), or -1.
    static qsizetype offsetOf(const QString &text, const QString &pointer);
};

} // namespace warden
