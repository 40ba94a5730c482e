#include "AuditQuery.h"

#include "SqliteRow.h"

#include "AuditStore.h"
#include "PgAuditStore.h"

#include <QFileInfo>

#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <variant>

namespace warden::audit {

namespace {

using sqlite::blob;
using sqlite::Statement;


using Value = std::variant<std::int64_t, std::string>;

// A statement's WHERE clause (and the CTE before it) with ? placeholders and the values to
// bind, in text order. Only column names from the fixed lists below ever reach the SQL text;
// every value is bound.
struct Where
{
    std::string with, sql;
    std::vector<Value> withValues, values;

    void add(const std::string &term, Value value)
    {
        sql += sql.empty() ? " WHERE " : " AND ";
        sql += term;
        values.push_back(std::move(value));
    }
    void add(const std::string &term)
    {
        sql += sql.empty() ? " WHERE " : " AND ";
        sql += term;
    }
    std::vector<Value> allValues() const
    {
        std::vector<Value> all = withValues;
        all.insert(all.end(), values.begin(), values.end());
        return all;
    }
};

// The filter columns that have a (column, seq) index, most selective first as a rule of
// thumb (a session or an error code names few records; an outcome names many). The first
// one set drives the query: walking its index yields records in seq order already, so
// SQLite stops after `limit` rows instead of sorting every match. The others get a unary +,
// which keeps SQLite from picking their index (it has no statistics to choose well: the
// store never runs ANALYZE) and compares exactly the same way.
struct IndexedField
{
    std::optional<std::string> AuditFilter::*field;
    const char *column;
};
constexpr IndexedField kIndexed[] = {
    { &AuditFilter::session, "session" },     { &AuditFilter::errorCode, "error_code" },
    { &AuditFilter::principal, "principal" }, { &AuditFilter::tool, "tool" },
    { &AuditFilter::tenant, "tenant" },       { &AuditFilter::outcome, "outcome" },
    // Last: requests and outcomes are most of a trail, though a rare kind (an auth failure, a
    // policy change) alone is found along its index as quickly as a session.
    { &AuditFilter::kind, "kind" },
};

std::string likePattern(std::string_view text)
{
    std::string pattern = "%";
    for (const char c : text) {
        if (c == '%' || c == '_' || c == '\\')
            pattern += '\\';
        pattern += c;
    }
    pattern += '%';
    return pattern;
}

// How a time range is applied.
enum class TimePlan {
    // Checked row by row during the walk along seq (unary +: the time index is not used).
    Residual,
    // The seq window first: min and max seq of the records in the range, read from the time
    // index alone, bound the walk on both sides; then checked row by row. Exact whatever the
    // clock did (a record outside the window cannot be in the range), and the walk starts
    // right at the range instead of crossing everything after (or before) it.
    Window,
    // count() without a driving index: counted on the time index directly.
    Index,
};

// PostgreSQL: one chain ($1, bound by PgAuditStore::select), plain columns (the planner has
// statistics and picks its index; unary + does not apply to text there) and TimePlan::Index.
enum class Dialect { Sqlite, Postgres };

Where whereClause(const AuditFilter &f, std::optional<std::int64_t> after, AuditQuery::Order order,
                  TimePlan time, Dialect dialect = Dialect::Sqlite)
{
    Where w;
    const bool postgres = dialect == Dialect::Postgres;
    if (postgres)
        w.add("chain = $1");
    bool driven = false;
    for (const IndexedField &i : kIndexed) {
        if (const auto &value = f.*i.field) {
            w.add(std::string(driven && !postgres ? "+" : "") + i.column + " = ?", *value);
            driven = true;
        }
    }
    const char *column = time == TimePlan::Index ? "time_ms" : "+time_ms";
    if (f.fromMs)
        w.add(std::string(column) + " >= ?", *f.fromMs);
    if (f.toMs)
        w.add(std::string(column) + " < ?", *f.toMs);
    if (time == TimePlan::Window && (f.fromMs || f.toMs)) {
        // MATERIALIZED: one scan of the range serves both bounds.
        w.with = "WITH w AS MATERIALIZED (SELECT min(seq) AS lo, max(seq) AS hi FROM audit_records "
                 "WHERE ";
        if (f.fromMs) {
            w.with += "time_ms >= ?";
            w.withValues.emplace_back(*f.fromMs);
        }
        if (f.toMs) {
            w.with += f.fromMs ? " AND time_ms < ?" : "time_ms < ?";
            w.withValues.emplace_back(*f.toMs);
        }
        w.with += ") ";
        w.add("seq >= (SELECT lo FROM w)");
        w.add("seq <= (SELECT hi FROM w)");
    }
    if (!f.text.empty())
        w.add(std::string(postgres ? "body ILIKE" : "body LIKE") + " ? ESCAPE '\\'", likePattern(f.text));
    // One bound per side: given two (a pinned range and a keyset position), SQLite walks
    // the index from one of them and merely checks the other, which can cross millions of
    // rows (a viewer paging deep into a pinned set).
    std::optional<std::int64_t> lo = f.fromSeq, hi = f.toSeq; // seq >= lo, seq < hi
    if (after && order == AuditQuery::Order::NewestFirst)
        hi = std::min(hi.value_or(*after), *after);
    else if (after)
        lo = std::max(lo.value_or(*after + 1), *after + 1);
    if (lo)
        w.add("seq >= ?", *lo);
    if (hi)
        w.add("seq < ?", *hi);
    return w;
}

constexpr const char *kColumns = "seq, body, prev_hash, hash, mac";
constexpr const char *kPgColumns = "seq, body, encode(prev_hash, 'hex'), encode(hash, 'hex'), encode(mac, 'hex')";

std::string pageSql(const Where &w, AuditQuery::Order order, Dialect dialect = Dialect::Sqlite)
{
    return w.with + "SELECT " + (dialect == Dialect::Postgres ? kPgColumns : kColumns) + " FROM audit_records"
        + w.sql + " ORDER BY seq " + (order == AuditQuery::Order::NewestFirst ? "DESC" : "ASC") + " LIMIT ?";
}

// The statement for PostgreSQL: ? becomes $2, $3, ... ($1 is the chain; no ? appears in the
// SQL text but as a placeholder, every value being bound).
std::string pgSql(const std::string &sql)
{
    std::string out;
    int next = 2;
    for (const char c : sql) {
        if (c == '?')
            out += "$" + std::to_string(next++);
        else
            out += c;
    }
    return out;
}

std::vector<Json> jsonValues(const std::vector<Value> &values)
{
    std::vector<Json> out;
    out.reserve(values.size());
    for (const Value &v : values)
        std::visit([&out](const auto &x) { out.emplace_back(x); }, v);
    return out;
}

Error readError(sqlite3 *db, const QString &path)
{
    // SQLite's message names the failure class (busy, I/O error, not a database), never
    // record content; the path is the operator's own configuration.
    return Error(ErrorCode::IoError,
                 "cannot read the audit store " + path.toStdString() + ": " + sqlite3_errmsg(db));
}

Status prepare(sqlite3 *db, const QString &path, const std::string &sql,
               const std::vector<Value> &values, Statement &s)
{
    if (sqlite3_prepare_v2(db, sql.c_str(), int(sql.size()), &s.stmt, nullptr) != SQLITE_OK)
        return readError(db, path);
    int index = 1;
    for (const Value &v : values) {
        if (const auto *n = std::get_if<std::int64_t>(&v))
            sqlite3_bind_int64(s.stmt, index, *n);
        else {
            const std::string &t = std::get<std::string>(v);
            sqlite3_bind_text(s.stmt, index, t.data(), int(t.size()), SQLITE_TRANSIENT);
        }
        ++index;
    }
    return {};
}

// Chooses how a time range is applied. Both plans give the same records; they differ in
// cost. The window costs a scan of the range's entries in the time index (~0.1 us each);
// the residual check costs the walk's crossing of every driving-index entry (a table lookup
// each, ~1 us) or row between where it starts and the range. seq and time_ms ascend
// together (the writer stamps both under one lock, barring a clock step), so O(log n)
// probes give the range's seq span, and a count on the driving index alone, capped, tells
// how much a walk would cross. Estimates only choose: a stepped clock makes a page slower,
// never wrong. (A page whose matches in the range run out before `limit` still walks on
// past the range's far end; its cost is then bounded by the driving column's matches there.)
enum class Purpose { Page, Count };

// A crossed entry costs about this many window scan entries (measured ~11 on a 10M-record
// store with a warm cache; kept lower, as a cold table lookup is dearer still but so is a
// cold index scan).
constexpr std::int64_t kCrossingCost = 8;

std::optional<IndexedField> drivingField(const AuditFilter &f)
{
    for (const IndexedField &i : kIndexed)
        if (f.*i.field)
            return i;
    return std::nullopt;
}

// Entries of the driving index in seq [from, to), counted up to `cap`.
Result<std::int64_t> crossing(sqlite3 *db, const QString &path, const AuditFilter &f,
                              const std::optional<IndexedField> &driving, std::int64_t from,
                              std::int64_t to, std::int64_t cap)
{
    if (to <= from)
        return std::int64_t(0);
    if (!driving)
        return to - from; // a walk along the table crosses every row
    Statement s;
    if (auto p = prepare(db, path,
                         std::string("SELECT count(*) FROM (SELECT 1 FROM audit_records WHERE ")
                             + driving->column + " = ? AND seq >= ? AND seq < ? LIMIT ?)",
                         { *(f.*driving->field), from, to, cap }, s);
        !p)
        return p.takeError();
    if (sqlite3_step(s.stmt) != SQLITE_ROW)
        return readError(db, path);
    return std::int64_t(sqlite3_column_int64(s.stmt, 0));
}

Result<TimePlan> chooseTimePlan(sqlite3 *db, const QString &path, const AuditFilter &f,
                                std::optional<std::int64_t> after, AuditQuery::Order order,
                                Purpose purpose)
{
    if (!f.fromMs && !f.toMs)
        return TimePlan::Residual;
    const auto driving = drivingField(f);
    if (purpose == Purpose::Count && !driving)
        return TimePlan::Index;
    Statement s;
    if (auto p = prepare(
            db, path,
            "SELECT (SELECT min(seq) FROM audit_records), (SELECT max(seq) FROM audit_records), "
            "(SELECT seq FROM audit_records WHERE time_ms >= ? ORDER BY time_ms, seq LIMIT 1), "
            "(SELECT seq FROM audit_records WHERE time_ms >= ? ORDER BY time_ms, seq LIMIT 1)",
            { f.fromMs.value_or(std::numeric_limits<std::int64_t>::min()),
              f.toMs.value_or(std::numeric_limits<std::int64_t>::max()) },
            s);
        !p)
        return p.takeError();
    if (sqlite3_step(s.stmt) != SQLITE_ROW)
        return readError(db, path);
    if (sqlite3_column_type(s.stmt, 0) == SQLITE_NULL)
        return TimePlan::Residual; // an empty store
    const std::int64_t first = sqlite3_column_int64(s.stmt, 0);
    const std::int64_t end = sqlite3_column_int64(s.stmt, 1) + 1;
    auto seqAt = [&](int column) {
        return sqlite3_column_type(s.stmt, column) == SQLITE_NULL
            ? end
            : sqlite3_column_int64(s.stmt, column);
    };
    const std::int64_t rangeFirst = seqAt(2), rangeEnd = seqAt(3);
    const std::int64_t inside = std::max<std::int64_t>(0, rangeEnd - rangeFirst);
    // Only whether the crossing reaches inside / kCrossingCost matters: count no further.
    const std::int64_t cap = inside / kCrossingCost + 1;
    std::int64_t crossed = 0;
    if (purpose == Purpose::Count) {
        auto before = crossing(db, path, f, driving, first, rangeFirst, cap);
        if (!before)
            return before.takeError();
        auto behind = crossing(db, path, f, driving, rangeEnd, end, cap);
        if (!behind)
            return behind.takeError();
        crossed = *before + *behind;
    } else {
        const bool newest = order == AuditQuery::Order::NewestFirst;
        const std::int64_t from = newest ? rangeEnd : std::max(first, after ? *after + 1 : first);
        const std::int64_t to = newest ? std::min(end, after.value_or(end)) : rangeFirst;
        auto c = crossing(db, path, f, driving, from, to, cap);
        if (!c)
            return c.takeError();
        crossed = *c;
    }
    return inside <= crossed * kCrossingCost ? TimePlan::Window : TimePlan::Residual;
}


Status parseBody(AuditRecord &r, std::string_view bodyText, const QString &store)
{
    r.body = Json::parse(bodyText.begin(), bodyText.end(), nullptr, false);
    if (r.body.is_discarded() || !r.body.is_object())
        return Error(ErrorCode::IoError,
                     "record " + std::to_string(r.seq) + " in " + store.toStdString()
                         + " is not a JSON object: the store is damaged; run "
                           "`warden-server audit verify` on it");
    return {};
}

// A row of kColumns.
Result<AuditRecord> readRecord(sqlite3_stmt *stmt, const QString &path)
{
    AuditRecord r;
    r.seq = sqlite3_column_int64(stmt, 0);
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(stmt, 1));
    if (auto s = parseBody(r, std::string_view(text ? text : "", std::size_t(sqlite3_column_bytes(stmt, 1))),
                           QStringLiteral("the audit store ") + path);
        !s)
        return s.takeError();
    r.prevHash = blob(stmt, 2);
    r.hash = blob(stmt, 3);
    r.mac = blob(stmt, 4);
    return r;
}

// A row of kPgColumns.
Result<AuditRecord> readRecord(const std::vector<Json> &row, const QString &name)
{
    auto hex = [](const Json &v) {
        return v.is_string() ? QByteArray::fromHex(QByteArray::fromStdString(v.get<std::string>())).toStdString()
                             : std::string();
    };
    AuditRecord r;
    r.seq = row[0].is_number_integer() ? row[0].get<std::int64_t>() : 0;
    if (auto s = parseBody(r, row[1].is_string() ? row[1].get_ref<const std::string &>() : std::string_view(), name);
        !s)
        return s.takeError();
    r.prevHash = hex(row[2]);
    r.hash = hex(row[3]);
    r.mac = hex(row[4]);
    return r;
}

Status checkLimit(int limit)
{
    if (limit < 1 || limit > AuditQuery::kMaxPageSize)
        return Error(ErrorCode::InvalidArgument,
                     "a page holds 1 to " + std::to_string(AuditQuery::kMaxPageSize)
                         + " records, not " + std::to_string(limit));
    return {};
}

// A filter that selects a plain seq range: its matches are counted and indexed by arithmetic,
// as a chain's seqs are gap-free (a store with a gap is damaged, and verify says where).
bool onlySeqRange(const AuditFilter &f)
{
    return !drivingField(f) && f.text.empty() && !f.fromMs && !f.toMs;
}

using Span = std::optional<std::pair<std::int64_t, std::int64_t>>;

// The bounds seqSpan() looks between.
std::pair<std::int64_t, std::int64_t> seqBounds(const AuditFilter &f)
{
    return { f.fromSeq.value_or(std::numeric_limits<std::int64_t>::min()),
             f.toSeq.value_or(std::numeric_limits<std::int64_t>::max()) };
}

// The first and last seq inside the filter's seq range, in O(log n); nullopt when none.
Result<Span> sqliteSeqSpan(sqlite3 *db, const QString &path, const AuditFilter &f)
{
    const auto [lo, hi] = seqBounds(f);
    Statement s;
    if (auto p = prepare(db, path,
                         "SELECT (SELECT min(seq) FROM audit_records WHERE seq >= ?), "
                         "(SELECT max(seq) FROM audit_records WHERE seq < ?)",
                         { lo, hi }, s);
        !p)
        return p.takeError();
    if (sqlite3_step(s.stmt) != SQLITE_ROW)
        return readError(db, path);
    if (sqlite3_column_type(s.stmt, 0) == SQLITE_NULL || sqlite3_column_type(s.stmt, 1) == SQLITE_NULL)
        return Span();
    const std::int64_t first = sqlite3_column_int64(s.stmt, 0), last = sqlite3_column_int64(s.stmt, 1);
    return last < first ? Span() : Span(std::make_pair(first, last));
}

} // namespace

AuditQuery::AuditQuery(std::unique_ptr<AuditStore> store)
    : m_store(std::move(store))
    , m_name(m_store->path())
{
}

AuditQuery::AuditQuery(std::unique_ptr<PgAuditStore> store)
    : m_pg(std::move(store))
    , m_name(QString::fromStdString(m_pg->name()))
{
}

AuditQuery::~AuditQuery() = default;

Result<std::unique_ptr<AuditQuery>> AuditQuery::open(const QString &path)
{
    // Read-only, a missing file is not created: say what is wrong in the reader's words.
    if (!QFileInfo(path).isFile())
        return Error(ErrorCode::IoError,
                     "cannot read the audit store " + path.toStdString()
                         + ": there is no such file (check audit.path)");
    auto store = AuditStore::open(path, AuditStore::Mode::Reader);
    if (!store)
        return store.takeError();
    // An empty or foreign file opens fine read-only; say so now rather than on the first page.
    sqlite3 *db = (*store)->handle();
    Statement s;
    if (sqlite3_prepare_v2(
            db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_records'", -1,
            &s.stmt, nullptr)
        != SQLITE_OK)
        return readError(db, path);
    const int rc = sqlite3_step(s.stmt);
    if (rc == SQLITE_DONE)
        return Error(ErrorCode::IoError,
                     "cannot read the audit store " + path.toStdString()
                         + ": it has no audit records table (is it a Warden audit store?)");
    if (rc != SQLITE_ROW)
        return readError(db, path);
    return std::unique_ptr<AuditQuery>(new AuditQuery(std::move(*store)));
}

Result<std::unique_ptr<AuditQuery>> AuditQuery::open(std::unique_ptr<PgAuditStore> store)
{
    auto layout = store->layoutProblem();
    if (!layout)
        return layout.takeError();
    if (!layout->empty())
        return Error(ErrorCode::IoError, "cannot read " + store->name() + ": " + *layout);
    return std::unique_ptr<AuditQuery>(new AuditQuery(std::move(store)));
}

const QString &AuditQuery::path() const
{
    return m_name;
}

Result<std::int64_t> AuditQuery::pgNumber(const std::string &sql, const std::vector<Json> &params) const
{
    auto rows = m_pg->select(sql, params);
    if (!rows)
        return rows.takeError();
    const Json &n = rows->rows.at(0).at(0);
    return n.is_number_integer() ? n.get<std::int64_t>() : std::int64_t(0);
}

Result<std::vector<AuditRecord>> AuditQuery::pgRecords(const std::string &sql, const std::vector<Json> &params) const
{
    auto rows = m_pg->select(sql, params);
    if (!rows)
        return rows.takeError();
    std::vector<AuditRecord> out;
    out.reserve(rows->rows.size());
    for (const auto &row : rows->rows) {
        auto r = readRecord(row, m_name);
        if (!r)
            return r.takeError();
        out.push_back(std::move(*r));
    }
    return out;
}

Result<AuditPage> AuditQuery::page(const AuditFilter &filter, std::optional<std::int64_t> after,
                                   int limit, Order order) const
{
    if (auto s = checkLimit(limit); !s)
        return s.takeError();
    if (m_pg) {
        Where w = whereClause(filter, after, order, TimePlan::Index, Dialect::Postgres);
        w.values.emplace_back(std::int64_t(limit) + 1);
        auto records = pgRecords(pgSql(pageSql(w, order, Dialect::Postgres)), jsonValues(w.allValues()));
        if (!records)
            return records.takeError();
        AuditPage page;
        page.records = std::move(*records);
        if (int(page.records.size()) > limit) {
            page.records.resize(std::size_t(limit));
            page.next = page.records.back().seq;
        }
        return page;
    }
    sqlite3 *db = m_store->handle();
    const auto time = chooseTimePlan(db, path(), filter, after, order, Purpose::Page);
    if (!time)
        return time.error();
    Where w = whereClause(filter, after, order, *time);
    // One row more than asked tells whether another page exists, so `next` is nullopt exactly
    // when the filter is exhausted (a viewer needs no empty last page).
    w.values.emplace_back(std::int64_t(limit) + 1);
    Statement s;
    if (auto p = prepare(db, path(), pageSql(w, order), w.allValues(), s); !p)
        return p.takeError();
    AuditPage page;
    page.records.reserve(std::size_t(std::min(limit, 1000)));
    int rc;
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
        if (int(page.records.size()) == limit) {
            page.next = page.records.back().seq;
            return page;
        }
        auto r = readRecord(s.stmt, path());
        if (!r)
            return r.takeError();
        page.records.push_back(std::move(*r));
    }
    if (rc != SQLITE_DONE)
        return readError(db, path());
    return page;
}

Result<std::optional<AuditRecord>> AuditQuery::record(std::int64_t seq) const
{
    if (m_pg) {
        auto found = pgRecords(std::string("SELECT ") + kPgColumns + " FROM audit_records WHERE chain = $1 AND seq = $2",
                               { seq });
        if (!found)
            return found.takeError();
        if (found->empty())
            return std::optional<AuditRecord>();
        return std::optional<AuditRecord>(std::move(found->front()));
    }
    sqlite3 *db = m_store->handle();
    Statement s;
    if (auto p = prepare(db, path(),
                         std::string("SELECT ") + kColumns + " FROM audit_records WHERE seq = ?",
                         { seq }, s);
        !p)
        return p.takeError();
    const int rc = sqlite3_step(s.stmt);
    if (rc == SQLITE_DONE)
        return std::optional<AuditRecord>();
    if (rc != SQLITE_ROW)
        return readError(db, path());
    auto r = readRecord(s.stmt, path());
    if (!r)
        return r.takeError();
    return std::optional<AuditRecord>(std::move(*r));
}

Result<std::optional<std::pair<std::int64_t, std::int64_t>>> AuditQuery::seqSpan(const AuditFilter &filter) const
{
    if (!m_pg)
        return sqliteSeqSpan(m_store->handle(), path(), filter);
    const auto [lo, hi] = seqBounds(filter);
    auto rows = m_pg->select("SELECT (SELECT min(seq) FROM audit_records WHERE chain = $1 AND seq >= $2), "
                             "(SELECT max(seq) FROM audit_records WHERE chain = $1 AND seq < $3)",
                             { lo, hi });
    if (!rows)
        return rows.takeError();
    const auto &row = rows->rows.at(0);
    if (!row.at(0).is_number_integer() || !row.at(1).is_number_integer())
        return Span();
    const auto first = row[0].get<std::int64_t>(), last = row[1].get<std::int64_t>();
    return last < first ? Span() : Span(std::make_pair(first, last));
}

Result<std::int64_t> AuditQuery::count(const AuditFilter &filter) const
{
    if (onlySeqRange(filter)) { // ten million records counted in microseconds, in either store
        auto span = seqSpan(filter);
        if (!span)
            return span.takeError();
        return *span ? (*span)->second - (*span)->first + 1 : std::int64_t(0);
    }
    if (m_pg) {
        const Where w = whereClause(filter, std::nullopt, Order::OldestFirst, TimePlan::Index, Dialect::Postgres);
        return pgNumber(pgSql("SELECT count(*) FROM audit_records" + w.sql), jsonValues(w.allValues()));
    }
    sqlite3 *db = m_store->handle();
    const auto time =
        chooseTimePlan(db, path(), filter, std::nullopt, Order::OldestFirst, Purpose::Count);
    if (!time)
        return time.error();
    const Where w = whereClause(filter, std::nullopt, Order::OldestFirst, *time);
    Statement s;
    if (auto p = prepare(db, path(), w.with + "SELECT count(*) FROM audit_records" + w.sql,
                         w.allValues(), s);
        !p)
        return p.takeError();
    if (sqlite3_step(s.stmt) != SQLITE_ROW)
        return readError(db, path());
    return std::int64_t(sqlite3_column_int64(s.stmt, 0));
}

Result<std::optional<std::int64_t>> AuditQuery::seqAt(const AuditFilter &filter, std::int64_t offset,
                                                      Order order) const
{
    if (offset < 0)
        return std::optional<std::int64_t>();
    const bool newest = order == Order::NewestFirst;
    if (onlySeqRange(filter)) { // a jump deep into the whole trail costs two index probes
        auto span = seqSpan(filter);
        if (!span)
            return span.takeError();
        if (!*span || offset > (*span)->second - (*span)->first)
            return std::optional<std::int64_t>();
        const auto [lo, hi] = **span;
        return std::optional<std::int64_t>(newest ? hi - offset : lo + offset);
    }
    if (m_pg) {
        const Where w = whereClause(filter, std::nullopt, order, TimePlan::Index, Dialect::Postgres);
        auto rows = m_pg->select(pgSql("SELECT seq FROM audit_records" + w.sql + " ORDER BY seq "
                                       + (newest ? "DESC" : "ASC") + " LIMIT 1 OFFSET ?"),
                                 [&] {
                                     auto values = jsonValues(w.allValues());
                                     values.emplace_back(offset);
                                     return values;
                                 }());
        if (!rows)
            return rows.takeError();
        if (rows->rows.empty() || !rows->rows[0].at(0).is_number_integer())
            return std::optional<std::int64_t>();
        return std::optional<std::int64_t>(rows->rows[0][0].get<std::int64_t>());
    }
    sqlite3 *db = m_store->handle();
    const auto time = chooseTimePlan(db, path(), filter, std::nullopt, order, Purpose::Page);
    if (!time)
        return time.error();
    Where w = whereClause(filter, std::nullopt, order, *time);
    w.values.emplace_back(offset);
    Statement s;
    if (auto p = prepare(db, path(),
                         w.with + "SELECT seq FROM audit_records" + w.sql + " ORDER BY seq "
                             + (newest ? "DESC" : "ASC") + " LIMIT 1 OFFSET ?",
                         w.allValues(), s);
        !p)
        return p.takeError();
    const int rc = sqlite3_step(s.stmt);
    if (rc == SQLITE_DONE)
        return std::optional<std::int64_t>();
    if (rc != SQLITE_ROW)
        return readError(db, path());
    return std::optional<std::int64_t>(sqlite3_column_int64(s.stmt, 0));
}

void AuditQuery::interrupt() const
{
    if (m_store)
        sqlite3_interrupt(m_store->handle());
    else
        m_pg->interrupt();
}

void AuditQuery::clearInterrupt() const
{
    if (m_pg)
        m_pg->clearInterrupt();
}

Result<std::int64_t> AuditQuery::lastSeq() const
{
    if (m_pg)
        return pgNumber("SELECT coalesce(max(seq), 0) FROM audit_records WHERE chain = $1", {});
    sqlite3 *db = m_store->handle();
    Statement s;
    if (auto p = prepare(db, path(), "SELECT coalesce(max(seq), 0) FROM audit_records", {}, s); !p)
        return p.takeError();
    if (sqlite3_step(s.stmt) != SQLITE_ROW)
        return readError(db, path());
    return std::int64_t(sqlite3_column_int64(s.stmt, 0));
}

Result<std::vector<std::string>> AuditQuery::pagePlan(const AuditFilter &filter,
                                                      std::optional<std::int64_t> after, int limit,
                                                      Order order) const
{
    if (auto s = checkLimit(limit); !s)
        return s.takeError();
    if (m_pg) {
        Where w = whereClause(filter, after, order, TimePlan::Index, Dialect::Postgres);
        w.values.emplace_back(std::int64_t(limit) + 1);
        auto plan = m_pg->select(pgSql("EXPLAIN " + pageSql(w, order, Dialect::Postgres)), jsonValues(w.allValues()));
        if (!plan)
            return plan.takeError();
        std::vector<std::string> lines;
        for (const auto &row : plan->rows)
            lines.push_back(row.at(0).is_string() ? row[0].get<std::string>() : std::string());
        return lines;
    }
    sqlite3 *db = m_store->handle();
    const auto time = chooseTimePlan(db, path(), filter, after, order, Purpose::Page);
    if (!time)
        return time.error();
    Where w = whereClause(filter, after, order, *time);
    w.values.emplace_back(std::int64_t(limit) + 1);
    Statement s;
    if (auto p = prepare(db, path(), "EXPLAIN QUERY PLAN " + pageSql(w, order), w.allValues(), s);
        !p)
        return p.takeError();
    std::vector<std::string> lines;
    int rc;
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
        const auto *detail = reinterpret_cast<const char *>(sqlite3_column_text(s.stmt, 3));
        lines.emplace_back(detail ? detail : "");
    }
    if (rc != SQLITE_DONE)
        return readError(db, path());
    return lines;
}

} // namespace warden::audit
