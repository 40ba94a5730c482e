#pragma once

#include <QSyntaxHighlighter>

namespace warden {

// Colours a unified diff in a text view: added lines green, removed lines red, hunk headers
// dimmed, from the widget's palette so dark themes stay readable.
class DiffHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit DiffHighlighter(QTextDocument *document);

protected:
    void highlightBlock(const QString &text) override;
};

} // namespace warden
