#pragma once

#include "RequestLogModel.h"
#include "server/AuditService.h"

#include <QAbstractTableModel>
#include <QPointer>

#include <map>
#include <optional>
#include <vector>

namespace warden {

// The audit trail as a table, read lazily through an AuditService: filtering and ordering
// happen in the store, rows are fetched a page at a time around what the view asks for, and
// at most MaxCachedPages pages of light rows are kept, so ten million records cost the same
// memory as a thousand. The row count comes from a count in the store; until it arrives the
// first pages show as a growing list (canFetchMore). Everything it shows is pinned to the
// trail as it was when the filter was set; the live tail then adds the newer records (at the
// top, newest first) a few times a second. Read-only.
class AuditTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        SeqColumn,
        TimeColumn,
        KindColumn,
        PrincipalColumn,
        TenantColumn,
        ToolColumn,
        OutcomeColumn,
        ErrorCodeColumn,
        DurationColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        OutcomeRole = RequestLogModel::OutcomeRole, // QString, on every column ("" when none)
        IsErrorRole = RequestLogModel::IsErrorRole, // bool: the outcome is an error
        SeqRole = Qt::UserRole + 10, // qint64; 0 while the row is not loaded
        LoadedRole, // bool
    };
    Q_ENUM(Role)

    static constexpr int PageSize = 256;
    static constexpr int MaxCachedPages = 32;

    explicit AuditTableModel(AuditService *service, QObject *parent = nullptr);
    ~AuditTableModel() override;

    const audit::AuditFilter &filter() const { return m_filter; }
    void setFilter(const audit::AuditFilter &filter);
    audit::AuditQuery::Order order() const { return m_order; }
    void setOrder(audit::AuditQuery::Order order);
    bool liveTail() const { return m_live; }
    void setLiveTail(bool on);
    // Reads everything again (the store changed, or the operator asked).
    void refresh();

    // The number of records the filter selects; nullopt while it is being counted.
    std::optional<std::int64_t> totalCount() const { return m_total; }
    // The newest record the rows include (the pin; grows with the live tail).
    std::int64_t pinnedSeq() const { return m_pinned; }
    // What went wrong reading the store, in words, or empty.
    QString errorText() const { return m_error; }
    // Whether a page or count is on its way.
    bool isLoading() const;
    // The record behind a row, 0 while it is not loaded.
    std::int64_t seqAt(int row) const;
    // How many rows are held in memory now (at most MaxCachedPages * PageSize).
    int cachedRowCount() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    // Seq and time sort (newest or oldest first); the other columns do not.
    void sort(int column, Qt::SortOrder order) override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    void countChanged();
    void errorChanged();
    void loadingChanged();
    // Rows were filled in (tests and the panel's status wait on it).
    void rowsLoaded();

private:
    struct Row
    {
        std::int64_t seq = 0;
        std::int64_t timeMs = 0;
        std::int64_t durationUs = -1;
        QString kind, principal, tenant, tool, outcome, errorCode;
    };
    struct Page
    {
        std::vector<Row> rows;
    };
    struct PageFetch
    {
        AuditService::RequestId id = 0;
        std::int64_t start = 0; // the first row the reply fills, as of `shift`
        std::int64_t shift = 0;
        int limit = 0;
        bool reversed = false;
    };

    static Row rowOf(const audit::AuditRecord &record);
    audit::AuditFilter pinnedFilter() const;
    const Row *rowAt(std::int64_t row) const;
    // The cached page holding `row`, or end().
    std::map<std::int64_t, Page>::const_iterator pageAt(std::int64_t row) const;
    void requestRow(std::int64_t row) const;
    void fetchWanted();
    void startPageFetch(AuditService::PageRequest request, std::int64_t start, bool reversed);
    void onPage(const PageFetch &fetch, const Result<audit::AuditPage> &page);
    void onCount(const Result<std::int64_t> &count);
    void onRecordsAppended(qint64 lastSeq);
    void countTail();
    void evict();
    void setError(const QString &error);
    void cancelAll();

    QPointer<AuditService> m_service;
    audit::AuditFilter m_filter;
    audit::AuditQuery::Order m_order = audit::AuditQuery::Order::NewestFirst;
    bool m_live = true;

    int m_generation = 0;
    std::int64_t m_pinned = 0; // records with seq <= m_pinned are shown
    bool m_pinKnown = false;
    std::optional<std::int64_t> m_total;
    int m_rows = 0; // rowCount(): the total once counted, the loaded prefix before
    bool m_moreBeforeCount = false; // before the count: whether the prefix goes on
    std::map<std::int64_t, Page> m_pages; // first row -> page, never overlapping
    std::int64_t m_shift = 0; // rows the tail has put before the existing ones so far
    mutable std::int64_t m_wanted = -1;
    mutable bool m_fetchScheduled = false;
    std::optional<PageFetch> m_pageFetch;
    AuditService::RequestId m_pinId = 0, m_countId = 0, m_tailId = 0;
    std::int64_t m_tailTarget = 0; // the newest seq announced, not yet counted in
    QString m_error;
};

} // namespace warden
