#include "AuditTableModel.h"

#include <QDateTime>

#include <algorithm>
#include <limits>

namespace warden {

namespace {

QString stringField(const Json &object, const char *key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? QString::fromStdString(it->get<std::string>())
                                                 : QString();
}

audit::AuditQuery::Order opposite(audit::AuditQuery::Order order)
{
    return order == audit::AuditQuery::Order::NewestFirst ? audit::AuditQuery::Order::OldestFirst
                                                          : audit::AuditQuery::Order::NewestFirst;
}

constexpr std::int64_t kNoLimit = std::numeric_limits<std::int64_t>::max();

} // namespace

AuditTableModel::AuditTableModel(AuditService *service, QObject *parent)
    : QAbstractTableModel(parent)
    , m_service(service)
{
    if (service) {
        connect(service, &AuditService::recordsAppended, this, &AuditTableModel::onRecordsAppended);
        connect(service, &AuditService::storeChanged, this, &AuditTableModel::refresh);
        service->setLiveUpdates(m_live);
    }
    refresh();
}

AuditTableModel::~AuditTableModel()
{
    cancelAll();
}

void AuditTableModel::setFilter(const audit::AuditFilter &filter)
{
    m_filter = filter;
    refresh();
}

void AuditTableModel::setOrder(audit::AuditQuery::Order order)
{
    if (order == m_order)
        return;
    m_order = order;
    refresh();
}

void AuditTableModel::setLiveTail(bool on)
{
    m_live = on;
    if (m_service)
        m_service->setLiveUpdates(on);
    if (on)
        countTail();
}

void AuditTableModel::cancelAll()
{
    if (!m_service)
        return;
    for (AuditService::RequestId id :
         { m_pinId, m_countId, m_tailId, m_pageFetch ? m_pageFetch->id : 0 })
        if (id)
            m_service->cancel(id);
    m_pinId = m_countId = m_tailId = 0;
    m_pageFetch.reset();
}

void AuditTableModel::refresh()
{
    cancelAll();
    const int generation = ++m_generation;
    beginResetModel();
    m_pages.clear();
    m_total.reset();
    m_rows = 0;
    m_moreBeforeCount = false;
    m_pinKnown = false;
    m_shift = 0;
    m_wanted = -1;
    m_tailTarget = 0;
    endResetModel();
    Q_EMIT countChanged();
    if (!m_service) {
        setError(tr("This server offers no audit trail to read."));
        return;
    }
    // Pin the trail as it is now: every later answer is about records up to this one.
    AuditService::PageRequest newest;
    newest.limit = 1;
    m_pinId = m_service->fetchPage(
        newest, this, [this, generation](const Result<audit::AuditPage> &page) {
            if (generation != m_generation)
                return;
            m_pinId = 0;
            if (!page) {
                setError(QString::fromStdString(page.error().message));
                Q_EMIT loadingChanged();
                return;
            }
            m_pinned = page->records.empty() ? 0 : page->records.front().seq;
            m_pinKnown = true;
            m_countId = m_service->fetchCount(pinnedFilter(), this,
                                              [this, generation](const Result<std::int64_t> &n) {
                                                  if (generation == m_generation)
                                                      onCount(n);
                                              });
            AuditService::PageRequest first;
            first.filter = pinnedFilter();
            first.order = m_order;
            first.limit = PageSize;
            startPageFetch(first, 0, false);
        });
    Q_EMIT loadingChanged();
}

audit::AuditFilter AuditTableModel::pinnedFilter() const
{
    audit::AuditFilter f = m_filter;
    f.toSeq = std::min(f.toSeq.value_or(kNoLimit), m_pinned + 1);
    return f;
}

bool AuditTableModel::isLoading() const
{
    return m_pinId || m_countId || m_pageFetch;
}

std::map<std::int64_t, AuditTableModel::Page>::const_iterator
AuditTableModel::pageAt(std::int64_t row) const
{
    auto it = m_pages.upper_bound(row);
    if (it == m_pages.begin())
        return m_pages.end();
    --it;
    return row < it->first + std::int64_t(it->second.rows.size()) ? it : m_pages.end();
}

const AuditTableModel::Row *AuditTableModel::rowAt(std::int64_t row) const
{
    const auto it = pageAt(row);
    return it == m_pages.end() ? nullptr : &it->second.rows[std::size_t(row - it->first)];
}

std::int64_t AuditTableModel::seqAt(int row) const
{
    const Row *r = rowAt(row);
    return r ? r->seq : 0;
}

int AuditTableModel::cachedRowCount() const
{
    std::size_t n = 0;
    for (const auto &[start, page] : m_pages)
        n += page.rows.size();
    return int(n);
}

void AuditTableModel::requestRow(std::int64_t row) const
{
    m_wanted = row;
    if (m_fetchScheduled)
        return;
    m_fetchScheduled = true;
    // data() is const and may run inside a paint: ask the store once control returns.
    auto *self = const_cast<AuditTableModel *>(this);
    QMetaObject::invokeMethod(
        self, [self] { self->fetchWanted(); }, Qt::QueuedConnection);
}

void AuditTableModel::fetchWanted()
{
    m_fetchScheduled = false;
    if (m_pageFetch || !m_pinKnown || m_wanted < 0 || m_wanted >= m_rows || !m_service)
        return;
    const std::int64_t r = m_wanted;
    if (rowAt(r)) {
        m_wanted = -1;
        return;
    }
    // The loaded pages around the row: a page is fetched up to them, never over them.
    const auto next = m_pages.upper_bound(r);
    const auto prev = next == m_pages.begin() ? m_pages.end() : std::prev(next);
    const std::int64_t prevEnd =
        prev == m_pages.end() ? 0 : prev->first + std::int64_t(prev->second.rows.size());
    const std::int64_t nextStart = next == m_pages.end() ? m_rows : next->first;

    AuditService::PageRequest request;
    request.filter = pinnedFilter();
    if (prev != m_pages.end() && r - prevEnd < PageSize) {
        // On from the page above, by keyset: no matter how deep, as cheap as the first page.
        request.order = m_order;
        request.after = prev->second.rows.back().seq;
        request.limit = int(std::min<std::int64_t>(PageSize, nextStart - prevEnd));
        startPageFetch(request, prevEnd, false);
    } else if (next != m_pages.end() && nextStart - r <= PageSize) {
        // Back from the page below.
        request.order = opposite(m_order);
        request.after = next->second.rows.front().seq;
        request.limit = int(std::min<std::int64_t>(PageSize, nextStart - prevEnd));
        startPageFetch(request, nextStart - request.limit, true);
    } else {
        // A jump: skip to it from whichever end of the set is nearer.
        const std::int64_t start = std::max(prevEnd, r - r % PageSize);
        request.limit = int(std::min<std::int64_t>(PageSize, nextStart - start));
        const std::int64_t fromEnd = m_total ? m_rows - (start + request.limit) : kNoLimit;
        if (fromEnd < start) {
            request.order = opposite(m_order);
            request.skip = fromEnd;
            startPageFetch(request, start, true);
        } else {
            request.order = m_order;
            request.skip = start;
            startPageFetch(request, start, false);
        }
    }
}

void AuditTableModel::startPageFetch(AuditService::PageRequest request, std::int64_t start,
                                     bool reversed)
{
    const int generation = m_generation;
    PageFetch fetch;
    fetch.start = start;
    fetch.shift = m_shift;
    fetch.reversed = reversed;
    fetch.limit = request.limit;
    fetch.id = m_service->fetchPage(request, this,
                                    [this, generation](const Result<audit::AuditPage> &page) {
                                        if (generation != m_generation || !m_pageFetch)
                                            return;
                                        const PageFetch done = *m_pageFetch;
                                        m_pageFetch.reset();
                                        onPage(done, page);
                                    });
    m_pageFetch = fetch;
    Q_EMIT loadingChanged();
}

void AuditTableModel::onPage(const PageFetch &fetch, const Result<audit::AuditPage> &page)
{
    if (!page) {
        setError(QString::fromStdString(page.error().message));
        Q_EMIT loadingChanged();
        return;
    }
    setError({});
    Page loaded;
    loaded.rows.reserve(page->records.size());
    for (const audit::AuditRecord &record : page->records)
        loaded.rows.push_back(rowOf(record));
    if (fetch.reversed)
        std::reverse(loaded.rows.begin(), loaded.rows.end());
    const std::int64_t start = fetch.start + (m_shift - fetch.shift);
    auto n = std::int64_t(loaded.rows.size());
    if (!m_total && start == m_rows) {
        // Before the count: the list grows as pages arrive.
        m_moreBeforeCount = page->next.has_value();
        if (n > 0) {
            beginInsertRows({}, m_rows, int(m_rows + n - 1));
            m_pages.emplace(start, std::move(loaded));
            m_rows += int(n);
            endInsertRows();
        }
    } else {
        n = std::clamp<std::int64_t>(m_rows - start, 0, n);
        loaded.rows.resize(std::size_t(n));
        if (n > 0 && pageAt(start) == m_pages.end()) {
            m_pages.emplace(start, std::move(loaded));
            Q_EMIT dataChanged(index(int(start), 0), index(int(start + n - 1), ColumnCount - 1));
        }
    }
    // A short answer (records gone since the pin) must not be asked for again and again.
    if (n < fetch.limit && m_wanted >= start + n && m_wanted < start + fetch.limit)
        m_wanted = -1;
    evict();
    Q_EMIT rowsLoaded();
    Q_EMIT loadingChanged();
    if (m_wanted >= 0)
        fetchWanted();
}

void AuditTableModel::evict()
{
    // Keep the pages nearest to what the view asked for last.
    const std::int64_t focus = std::max<std::int64_t>(m_wanted, 0);
    while (int(m_pages.size()) > MaxCachedPages) {
        auto farthest = m_pages.begin();
        std::int64_t distance = -1;
        for (auto it = m_pages.begin(); it != m_pages.end(); ++it) {
            const std::int64_t middle = it->first + std::int64_t(it->second.rows.size()) / 2;
            const std::int64_t d = middle > focus ? middle - focus : focus - middle;
            if (d > distance) {
                distance = d;
                farthest = it;
            }
        }
        m_pages.erase(farthest);
    }
}

void AuditTableModel::onCount(const Result<std::int64_t> &count)
{
    m_countId = 0;
    if (!count) {
        setError(QString::fromStdString(count.error().message));
        Q_EMIT loadingChanged();
        return;
    }
    const auto total = int(std::min<std::int64_t>(*count, std::numeric_limits<int>::max()));
    if (total > m_rows) {
        beginInsertRows({}, m_rows, total - 1);
        m_rows = total;
        m_total = total;
        endInsertRows();
    } else if (total < m_rows) { // records purged since the pin
        beginRemoveRows({}, total, m_rows - 1);
        m_rows = total;
        m_total = total;
        m_pages.erase(m_pages.lower_bound(total), m_pages.end());
        endRemoveRows();
    }
    m_total = total;
    Q_EMIT countChanged();
    Q_EMIT loadingChanged();
    countTail();
}

void AuditTableModel::onRecordsAppended(qint64 lastSeq)
{
    if (!m_live || lastSeq <= m_pinned)
        return;
    m_tailTarget = std::max<std::int64_t>(m_tailTarget, lastSeq);
    countTail();
}

void AuditTableModel::countTail()
{
    if (!m_live || !m_total || m_tailId || m_tailTarget <= m_pinned || !m_service)
        return;
    const std::int64_t target = m_tailTarget;
    audit::AuditFilter f = m_filter;
    f.fromSeq = std::max(f.fromSeq.value_or(0), m_pinned + 1);
    f.toSeq = std::min(f.toSeq.value_or(kNoLimit), target + 1);
    const int generation = m_generation;
    m_tailId = m_service->fetchCount(
        f, this, [this, generation, target](const Result<std::int64_t> &count) {
            if (generation != m_generation)
                return;
            m_tailId = 0;
            if (!count) {
                setError(QString::fromStdString(count.error().message));
                return;
            }
            const auto n =
                int(std::min<std::int64_t>(*count, std::numeric_limits<int>::max() - m_rows));
            if (n > 0) {
                if (m_order == audit::AuditQuery::Order::NewestFirst) {
                    // The newest rows go on top: every loaded row moves down by n.
                    beginInsertRows({}, 0, n - 1);
                    std::map<std::int64_t, Page> shifted;
                    for (auto &[start, page] : m_pages)
                        shifted.emplace(start + n, std::move(page));
                    m_pages = std::move(shifted);
                    m_shift += n;
                    if (m_wanted >= 0)
                        m_wanted += n;
                } else {
                    beginInsertRows({}, m_rows, m_rows + n - 1);
                }
                m_rows += n;
                m_total = m_rows;
                endInsertRows();
            }
            m_pinned = target;
            Q_EMIT countChanged();
            countTail();
        });
}

void AuditTableModel::setError(const QString &error)
{
    if (error == m_error)
        return;
    m_error = error;
    Q_EMIT errorChanged();
}

AuditTableModel::Row AuditTableModel::rowOf(const audit::AuditRecord &record)
{
    const Json &b = record.body;
    const Json principal =
        b.contains("principal") && b["principal"].is_object() ? b["principal"] : Json::object();
    Row row;
    row.seq = record.seq;
    row.timeMs = record.timeMs();
    row.kind = stringField(b, "kind");
    row.principal = stringField(principal, "user");
    row.tenant = stringField(principal, "tenant");
    row.tool = stringField(b, "target");
    row.outcome = stringField(b, "outcome");
    row.errorCode = stringField(b, "error_code");
    if (const auto it = b.find("duration_us"); it != b.end() && it->is_number_integer())
        row.durationUs = it->get<std::int64_t>();
    return row;
}

int AuditTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int AuditTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row *row = rowAt(index.row());
    if (!row) {
        switch (role) {
        case Qt::DisplayRole:
            requestRow(index.row());
            return index.column() == SeqColumn ? tr("…") : QVariant();
        case SeqRole:
            return qint64(0);
        case LoadedRole:
        case IsErrorRole:
            return false;
        default:
            return {};
        }
    }
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case SeqColumn:
            return qint64(row->seq);
        case TimeColumn:
            return QDateTime::fromMSecsSinceEpoch(row->timeMs)
                .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
        case KindColumn:
            return row->kind;
        case PrincipalColumn:
            return row->principal;
        case TenantColumn:
            return row->tenant;
        case ToolColumn:
            return row->tool;
        case OutcomeColumn:
            return row->outcome;
        case ErrorCodeColumn:
            return row->errorCode;
        case DurationColumn:
            return row->durationUs < 0 ? QString()
                                       : RequestLogModel::formatDuration(row->durationUs);
        case ColumnCount:
            break;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == SeqColumn || index.column() == DurationColumn)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    case OutcomeRole:
        return row->errorCode.isEmpty() ? row->outcome : row->errorCode;
    case IsErrorRole:
        return row->outcome == QLatin1String("error") || !row->errorCode.isEmpty();
    case SeqRole:
        return qint64(row->seq);
    case LoadedRole:
        return true;
    default:
        return {};
    }
}

QVariant AuditTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case SeqColumn:
        return tr("Seq");
    case TimeColumn:
        return tr("Time");
    case KindColumn:
        return tr("Kind");
    case PrincipalColumn:
        return tr("Principal");
    case TenantColumn:
        return tr("Tenant");
    case ToolColumn:
        return tr("Tool");
    case OutcomeColumn:
        return tr("Outcome");
    case ErrorCodeColumn:
        return tr("Error code");
    case DurationColumn:
        return tr("Duration");
    case ColumnCount:
        break;
    }
    return {};
}

Qt::ItemFlags AuditTableModel::flags(const QModelIndex &index) const
{
    // Read-only: nothing here edits or deletes a record.
    return index.isValid() ? Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemNeverHasChildren
                           : Qt::NoItemFlags;
}

void AuditTableModel::sort(int column, Qt::SortOrder order)
{
    if (column != SeqColumn && column != TimeColumn)
        return;
    setOrder(order == Qt::DescendingOrder ? audit::AuditQuery::Order::NewestFirst
                                          : audit::AuditQuery::Order::OldestFirst);
}

bool AuditTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_pinKnown && !m_total && m_moreBeforeCount && !m_pageFetch;
}

void AuditTableModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    AuditService::PageRequest request;
    request.filter = pinnedFilter();
    request.order = m_order;
    request.limit = PageSize;
    if (const Row *last = rowAt(m_rows - 1))
        request.after = last->seq;
    else
        request.skip = m_rows;
    startPageFetch(request, m_rows, false);
}

} // namespace warden
