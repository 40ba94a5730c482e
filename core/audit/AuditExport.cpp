#include "AuditExport.h"

#include "crypto/Crypto.h"

#include <QFileDevice>
#include <QIODevice>

#include <algorithm>

namespace warden::audit {

namespace {

// A body field as cell text: strings as they are, numbers and booleans as JSON writes them,
// absent or null as an empty cell, objects and arrays as compact canonical JSON.
std::string fieldText(const Json &value)
{
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_null())
        return {};
    if (value.is_structured())
        return canonicalForm(value);
    return value.dump();
}

std::string field(const Json &object, const char *key)
{
    if (!object.is_object())
        return {};
    const auto it = object.find(key);
    return it == object.end() ? std::string() : fieldText(*it);
}

// Roles are identifiers; a spreadsheet reader wants "analyst;auditor", not a JSON array.
std::string roles(const Json &principal)
{
    if (!principal.is_object())
        return {};
    const auto it = principal.find("roles");
    if (it == principal.end() || !it->is_array())
        return it == principal.end() ? std::string() : fieldText(*it);
    std::string out;
    for (const auto &role : *it) {
        if (!out.empty())
            out += ';';
        out += fieldText(role);
    }
    return out;
}

void appendCsvRow(std::string &out, const AuditRecord &r)
{
    const Json &b = r.body;
    const Json principal = b.contains("principal") ? b["principal"] : Json();
    const std::string cells[] = {
        std::to_string(r.seq),   field(b, "time"),           field(b, "kind"),
        field(b, "instance"),    field(b, "session"),        field(b, "transport"),
        field(b, "client"),      field(principal, "user"),   field(principal, "tenant"),
        roles(principal),        field(b, "method"),         field(b, "target"),
        field(b, "outcome"),     field(b, "error_code"),     field(b, "rows"),
        field(b, "duration_us"), field(b, "policy_version"), field(b, "sql_fingerprint"),
        field(b, "arguments"),   crypto::toHex(r.hash),
    };
    static_assert(std::size(cells) == 20);
    bool first = true;
    for (const std::string &cell : cells) {
        if (!first)
            out += ',';
        first = false;
        out += AuditExport::csvCell(cell);
    }
    out += "\r\n";
}

void appendJsonLine(std::string &out, const AuditRecord &r)
{
    // Spliced by hand so that "record" is exactly the canonical text the hash covers.
    out += "{\"seq\":" + std::to_string(r.seq) + ",\"hash\":\"" + crypto::toHex(r.hash)
        + "\",\"prev_hash\":\"" + crypto::toHex(r.prevHash) + "\",\"mac\":\"" + crypto::toHex(r.mac)
        + "\",\"record\":";
    out += canonicalForm(r.body);
    out += "}\n";
}

std::string deviceName(const QIODevice &out)
{
    if (const auto *file = qobject_cast<const QFileDevice *>(&out);
        file && !file->fileName().isEmpty())
        return " " + file->fileName().toStdString();
    return {};
}

Error writeError(const QIODevice &out)
{
    const QString why = out.errorString();
    return Error(
        ErrorCode::IoError,
        "cannot write the audit export" + deviceName(out) + ": "
            + (why.isEmpty() ? std::string("the device refused the data") : why.toStdString())
            + "; check the free space and permissions of the target and try again");
}

Status writeAll(QIODevice &out, const std::string &data)
{
    if (data.empty())
        return {};
    if (out.write(data.data(), qint64(data.size())) != qint64(data.size()))
        return writeError(out);
    return {};
}

} // namespace

const std::vector<std::string_view> &AuditExport::csvColumns()
{
    static const std::vector<std::string_view> columns = {
        "seq",       "time",       "kind",   "instance",    "session",        "transport",
        "client",    "principal",  "tenant", "roles",       "method",         "target",
        "outcome",   "error_code", "rows",   "duration_us", "policy_version", "sql_fingerprint",
        "arguments", "hash",
    };
    return columns;
}

std::string AuditExport::csvCell(std::string_view value)
{
    std::string cell;
    cell.reserve(value.size() + 3);
    if (!value.empty()) {
        switch (value.front()) {
        case '=':
        case '+':
        case '-':
        case '@':
        case '\t':
        case '\r':
            cell += '\'';
            break;
        default:
            break;
        }
    }
    cell += value;
    if (cell.find_first_of("\",;\t\r\n") == std::string::npos)
        return cell;
    std::string quoted = "\"";
    for (const char c : cell) {
        if (c == '"')
            quoted += '"';
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

Result<std::int64_t> AuditExport::write(const AuditQuery &query, const AuditFilter &filter,
                                        Format format, QIODevice &out, const Progress &progress)
{
    if (!out.isOpen() || !out.isWritable())
        return Error(ErrorCode::IoError,
                     "cannot write the audit export" + deviceName(out)
                         + ": it is not open for writing");
    // Pin the set: with the writer still appending, count and pages would otherwise disagree.
    const auto last = query.lastSeq();
    if (!last)
        return last.error();
    AuditFilter pinned = filter;
    pinned.toSeq = std::min(filter.toSeq.value_or(*last + 1), *last + 1);
    const auto total = query.count(pinned);
    if (!total)
        return total.error();
    std::int64_t done = 0;
    auto cancelled = [&] {
        return Error(ErrorCode::Cancelled,
                     "the audit export was cancelled after " + std::to_string(done) + " of "
                         + std::to_string(*total) + " records");
    };
    if (progress && !progress(0, *total))
        return cancelled();

    std::string buffer;
    if (format == Format::Csv) {
        for (const std::string_view column : csvColumns()) {
            if (!buffer.empty())
                buffer += ',';
            buffer += column;
        }
        buffer += "\r\n";
    }
    std::optional<std::int64_t> after;
    for (;;) {
        auto page = query.page(pinned, after, kPageSize, AuditQuery::Order::OldestFirst);
        if (!page)
            return page.takeError();
        for (const AuditRecord &r : page->records) {
            if (format == Format::Csv)
                appendCsvRow(buffer, r);
            else
                appendJsonLine(buffer, r);
        }
        if (auto s = writeAll(out, buffer); !s)
            return s.takeError();
        buffer.clear();
        done += std::int64_t(page->records.size());
        if (!page->next)
            break;
        if (progress && !progress(done, *total))
            return cancelled();
        after = page->next;
    }
    // A QFile buffers: a full disk may only show when the buffer is flushed.
    if (auto *file = qobject_cast<QFileDevice *>(&out); file && !file->flush())
        return writeError(out);
    if (progress)
        progress(done, *total);
    return done;
}

} // namespace warden::audit
