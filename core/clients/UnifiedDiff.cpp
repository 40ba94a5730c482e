#include "UnifiedDiff.h"

#include <QStringList>

#include <algorithm>
#include <vector>

namespace warden::clients {
namespace {

constexpr int kContext = 3;
constexpr qsizetype kMaxCells = 4'000'000; // the LCS table; larger inputs get the plain diff

struct Op
{
    char kind; // ' ', '-', '+'
    qsizetype oldLine;
    qsizetype newLine;
};

QStringList splitLines(const QString &text)
{
    if (text.isEmpty())
        return {};
    QStringList lines = text.split(QLatin1Char('\n'));
    if (text.endsWith(QLatin1Char('\n')))
        lines.removeLast();
    return lines;
}

// The edit script: a longest common subsequence by dynamic programming.
std::vector<Op> editScript(const QStringList &a, const QStringList &b)
{
    std::vector<Op> ops;
    const qsizetype n = a.size(), m = b.size();
    if ((n + 1) * (m + 1) > kMaxCells) {
        for (qsizetype i = 0; i < n; ++i)
            ops.push_back({ '-', i, 0 });
        for (qsizetype j = 0; j < m; ++j)
            ops.push_back({ '+', n, j });
        return ops;
    }
    // lcs[i][j]: the common length of a[i..] and b[j..]
    std::vector<int> lcs(std::size_t((n + 1) * (m + 1)), 0);
    auto at = [m, &lcs](qsizetype i, qsizetype j) -> int & { return lcs[std::size_t(i * (m + 1) + j)]; };
    for (qsizetype i = n - 1; i >= 0; --i)
        for (qsizetype j = m - 1; j >= 0; --j)
            at(i, j) = a[i] == b[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    qsizetype i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j]) {
            ops.push_back({ ' ', i++, j++ });
        } else if (j < m && (i == n || at(i, j + 1) > at(i + 1, j))) {
            ops.push_back({ '+', i, j++ });
        } else {
            ops.push_back({ '-', i++, j });
        }
    }
    return ops;
}

QString range(qsizetype start, qsizetype count)
{
    // diff -u numbers lines from 1; an empty range names the line before it.
    const qsizetype first = count == 0 ? start : start + 1;
    return count == 1 ? QString::number(first)
                      : QString::number(first) + QLatin1Char(',') + QString::number(count);
}

} // namespace

QString unifiedDiff(const QString &oldText, const QString &newText, const QString &oldName,
                    const QString &newName)
{
    if (oldText == newText)
        return {};
    const QStringList a = splitLines(oldText), b = splitLines(newText);
    const std::vector<Op> ops = editScript(a, b);

    QString out = QStringLiteral("--- ") + oldName + QStringLiteral("\n+++ ") + newName
        + QLatin1Char('\n');
    const auto count = qsizetype(ops.size());
    qsizetype k = 0;
    while (k < count) {
        // The next change, and the hunk around it: changes closer than twice the context join.
        while (k < count && ops[std::size_t(k)].kind == ' ')
            ++k;
        if (k == count)
            break;
        const qsizetype begin = std::max<qsizetype>(0, k - kContext);
        qsizetype end = k;
        qsizetype quiet = 0;
        while (end < count && quiet <= 2 * kContext) {
            quiet = ops[std::size_t(end)].kind == ' ' ? quiet + 1 : 0;
            ++end;
        }
        end = std::min(count, end - quiet + std::min<qsizetype>(quiet, kContext));

        qsizetype oldCount = 0, newCount = 0;
        QString body;
        for (qsizetype h = begin; h < end; ++h) {
            const Op &op = ops[std::size_t(h)];
            const QString &line = op.kind == '+' ? b[op.newLine] : a[op.oldLine];
            body += QLatin1Char(op.kind) + line + QLatin1Char('\n');
            if (op.kind != '+')
                ++oldCount;
            if (op.kind != '-')
                ++newCount;
        }
        const Op &first = ops[std::size_t(begin)];
        out += QStringLiteral("@@ -") + range(first.oldLine, oldCount) + QStringLiteral(" +")
            + range(first.newLine, newCount) + QStringLiteral(" @@\n") + body;
        k = end;
    }
    return out;
}

} // namespace warden::clients
