#pragma once

#include <QString>

namespace warden::clients {

// A unified diff (`diff -u` style, three lines of context) of two texts, line by line, for a
// reviewer to read before a file is rewritten. Empty when the texts are equal. Meant for
// configuration files (a few hundred lines): beyond a few thousand lines each, it shows the
// whole old text removed and the new one added instead of the smallest change.
QString unifiedDiff(const QString &oldText, const QString &newText, const QString &oldName,
                    const QString &newName);

} // namespace warden::clients
