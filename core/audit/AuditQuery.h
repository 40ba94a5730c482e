#pragma once

#include "AuditRecord.h"
#include "common/Result.h"

#include <QString>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace warden::audit {

class AuditStore;
class PgAuditStore;

// Which records to read. Every set field must match (AND); an unset field matches anything.
// The string fields compare exactly against the store's filter columns (AuditStore.h).
struct AuditFilter
{
    std::optional<std::int64_t> fromMs, toMs; // time_ms >= fromMs, time_ms < toMs
    std::optional<std::int64_t> fromSeq,
        toSeq; // seq >= fromSeq, seq < toSeq (an export pins toSeq)
    std::optional<std::string> principal, tenant, tool, outcome, errorCode, session, kind;
    // A substring of the canonical body (AuditRecord.h), so it matches the text as stored: a
    // quote in a value is stored as \" and a newline as \n. Case-insensitive for ASCII letters
    // only (SQLite LIKE); % and _ in it match themselves.
    std::string text;
};

struct AuditPage
{
    std::vector<AuditRecord> records;
    std::optional<std::int64_t> next; // pass as `after` for the next page; nullopt when done
};

// The audit trail's read side for the console's viewer, `warden-server audit export` and a
// live tail. Opens the store read-only (no lock; the writer keeps writing) and filters, orders
// and pages in SQL, so a viewer over millions of records holds only the page it shows.
// Paging is keyset on seq: a page never repeats or skips a record while records are appended.
// Not thread-safe: use one AuditQuery per thread.
class AuditQuery
{
public:
    enum class Order { NewestFirst, OldestFirst };

    static constexpr int kMaxPageSize = 10000;

    ~AuditQuery();
    AuditQuery(const AuditQuery &) = delete;
    AuditQuery &operator=(const AuditQuery &) = delete;

    static Result<std::unique_ptr<AuditQuery>> open(const QString &path);
    // One chain of the PostgreSQL store, opened as a reader. The same filters and paging;
    // PostgreSQL's planner picks the (chain, column, seq) indexes, and text matches with
    // ILIKE (case-insensitive beyond ASCII).
    static Result<std::unique_ptr<AuditQuery>> open(std::unique_ptr<PgAuditStore> store);

    const QString &path() const;

    // Up to `limit` (1..kMaxPageSize) records matching `filter` in `order`, starting after seq
    // `after` (exclusive; nullopt for the first page).
    Result<AuditPage> page(const AuditFilter &filter, std::optional<std::int64_t> after, int limit,
                           Order order) const;
    Result<std::optional<AuditRecord>> record(std::int64_t seq) const;
    // With no filter but a seq range it is the range's span, in O(log n): a chain's
    // seqs are gap-free (a store with a gap is damaged; verify says where).
    Result<std::int64_t> count(const AuditFilter &filter) const;
    // The seq of the record `offset` places into `filter`'s matches in `order` (0: the first
    // match), nullopt past the last one. A viewer jumps to any row with it, then pages on by
    // keyset. With no filter but a seq range it is computed from the range in O(log n) (a
    // chain's seqs are gap-free); otherwise SQL skips `offset` matches along the index page()
    // walks, reading index entries only unless the filter needs the body (text).
    Result<std::optional<std::int64_t>> seqAt(const AuditFilter &filter, std::int64_t offset,
                                              Order order) const;
    // Makes the statement running on this query's connection fail soon with an error, from
    // any thread (a viewer drops a count or a text search the user no longer wants). On
    // PostgreSQL the server is sent a cancel request; an interrupt that arrives after the
    // statement ended would fail the next one, so the caller clears it once the work it meant
    // to stop is over.
    void interrupt() const;
    void clearInterrupt() const;
    // The newest record's seq (0 when empty). A live tail polls page() with this as `after`
    // in OldestFirst order.
    Result<std::int64_t> lastSeq() const;

    // SQLite's EXPLAIN QUERY PLAN (PostgreSQL's EXPLAIN) for the statement page() runs, one
    // line per step, for diagnostics and for tests that pin which index a filter uses.
    Result<std::vector<std::string>> pagePlan(const AuditFilter &filter,
                                              std::optional<std::int64_t> after, int limit,
                                              Order order) const;

private:
    explicit AuditQuery(std::unique_ptr<AuditStore> store);
    explicit AuditQuery(std::unique_ptr<PgAuditStore> store);
    Result<std::vector<AuditRecord>> pgRecords(const std::string &sql, const std::vector<Json> &params) const;
    Result<std::int64_t> pgNumber(const std::string &sql, const std::vector<Json> &params) const;
    // The first and last seq inside the filter's seq range, in O(log n); nullopt when none.
    Result<std::optional<std::pair<std::int64_t, std::int64_t>>> seqSpan(const AuditFilter &filter) const;

    std::unique_ptr<AuditStore> m_store; // SQLite, or
    std::unique_ptr<PgAuditStore> m_pg;
    QString m_name;
};

} // namespace warden::audit
