#include "PolicyTreeModel.h"

#include "common/JsonPointer.h"
#include "policy/Policy.h"

#include <algorithm>

namespace warden {
namespace {

const QStringList kColumnActions { QStringLiteral("allow"), QStringLiteral("deny"),
                                   QStringLiteral("mask"), QStringLiteral("hash") };
const std::vector<std::string> kMaskKinds { "email", "phone", "partial", "card", "full" };

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

const Json *member(const Json *object, const std::string &key)
{
    if (!object || !object->is_object())
        return nullptr;
    const auto it = object->find(key);
    return it == object->end() ? nullptr : &*it;
}

std::string stringMember(const Json *object, const std::string &key)
{
    const Json *v = member(object, key);
    return v && v->is_string() ? v->get<std::string>() : std::string();
}

std::vector<std::string> tagsOf(const Json *rule)
{
    std::vector<std::string> out;
    if (const Json *tags = member(rule, "tags"); tags && tags->is_array())
        for (const Json &t : *tags)
            if (t.is_string())
                out.push_back(t.get<std::string>());
    return out;
}

QString joined(const std::vector<std::string> &items)
{
    QStringList list;
    for (const auto &i : items)
        list << q(i);
    return list.join(QStringLiteral(", "));
}

// RFC 6901 tokens of a pointer ("" is the whole document).
std::vector<std::string> pointerTokens(const QString &pointer)
{
    std::vector<std::string> out;
    const QStringList parts = pointer.split(QLatin1Char('/'));
    for (qsizetype i = 1; i < parts.size(); ++i) {
        QString token = parts[i];
        token.replace(QStringLiteral("~1"), QStringLiteral("/"))
            .replace(QStringLiteral("~0"), QStringLiteral("~"));
        out.push_back(token.toStdString());
    }
    return out;
}

} // namespace

PolicyTreeModel::PolicyTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
{
    setNodes(buildNodes());
}

PolicyTreeModel::~PolicyTreeModel() = default;

void PolicyTreeModel::setNodes(std::vector<Node> nodes)
{
    m_nodes = std::move(nodes);
    m_top.clear();
    for (std::size_t i = 0; i < m_nodes.size(); ++i)
        if (m_nodes[i].parent < 0)
            m_top.push_back(int(i));
    m_problems.clear();
}

void PolicyTreeModel::replaceNodes()
{
    std::vector<Node> nodes = buildNodes();
    const bool sameShape = nodes.size() == m_nodes.size()
        && std::equal(nodes.begin(), nodes.end(), m_nodes.begin(),
                      [](const Node &a, const Node &b) { return a.sameShape(b); });
    if (sameShape) {
        announceAllChanged();
        return;
    }
    beginResetModel();
    setNodes(std::move(nodes));
    endResetModel();
}

void PolicyTreeModel::setSchema(std::shared_ptr<const db::Schema> schema)
{
    beginResetModel();
    m_schema = std::move(schema);
    setNodes(buildNodes());
    endResetModel();
}

void PolicyTreeModel::setDocument(Json document)
{
    m_document = std::move(document);
    replaceNodes();
}

std::vector<PolicyTreeModel::Node> PolicyTreeModel::buildNodes() const
{
    std::vector<Node> nodes;
    auto add = [&nodes](Kind kind, std::string name, int parent, bool inDatabase) {
        Node n;
        n.kind = kind;
        n.name = std::move(name);
        n.parent = parent;
        n.inDatabase = inDatabase;
        nodes.push_back(std::move(n));
        const int index = int(nodes.size()) - 1;
        if (parent >= 0) {
            nodes[std::size_t(index)].row = int(nodes[std::size_t(parent)].children.size());
            nodes[std::size_t(parent)].children.push_back(index);
        }
        return index;
    };
    add(Kind::Profile, "profile", -1, true);

    const Json *tables = member(&m_document, "tables");
    auto addTable = [&](const std::string &name, const db::TableInfo *info) {
        const int t = add(Kind::Table, name, -1, info != nullptr);
        if (info)
            for (const auto &c : info->columns)
                add(Kind::Column, c.name, t, true);
        if (const Json *cols = member(member(tables, name), "columns"); cols && cols->is_object())
            for (auto it = cols->begin(); it != cols->end(); ++it)
                if (!info || !info->column(it.key()))
                    add(Kind::Column, it.key(), t, false);
    };
    if (m_schema)
        for (const auto &info : m_schema->tables)
            addTable(info.name, &info);
    if (tables && tables->is_object())
        for (auto it = tables->begin(); it != tables->end(); ++it)
            if (!m_schema || !m_schema->table(it.key()))
                addTable(it.key(), nullptr);

    const int roles = add(Kind::Roles, "roles", -1, true);
    if (const Json *r = member(&m_document, "roles"); r && r->is_object())
        for (auto it = r->begin(); it != r->end(); ++it)
            add(Kind::Role, it.key(), roles, true);

    int row = 0;
    for (auto &n : nodes)
        if (n.parent < 0)
            n.row = row++;
    return nodes;
}

void PolicyTreeModel::announceAllChanged()
{
    for (const Node &n : m_nodes) {
        if (!n.children.empty())
            Q_EMIT dataChanged(indexOf(n.children.front()),
                               indexOf(n.children.back(), ColumnCount - 1));
    }
    if (!m_top.empty())
        Q_EMIT dataChanged(indexOf(m_top.front()), indexOf(m_top.back(), ColumnCount - 1));
}

QString PolicyTreeModel::choiceLabel(const QString &value)
{
    if (value == notListed())
        return tr("not listed");
    if (value == readable())
        return tr("read");
    if (value == hidden())
        return tr("hidden");
    if (value == inheritAction())
        return tr("inherit");
    return value;
}

// --- structure ---

const PolicyTreeModel::Node &PolicyTreeModel::node(const QModelIndex &index) const
{
    return m_nodes[std::size_t(index.internalId())];
}

QModelIndex PolicyTreeModel::indexOf(int nodeIndex, int column) const
{
    if (nodeIndex < 0)
        return {};
    return createIndex(m_nodes[std::size_t(nodeIndex)].row, column, quintptr(nodeIndex));
}

QModelIndex PolicyTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount || parent.column() > 0)
        return {};
    if (!parent.isValid())
        return row < int(m_top.size()) ? createIndex(row, column, quintptr(m_top[std::size_t(row)]))
                                       : QModelIndex();
    const Node &p = node(parent);
    if (row >= int(p.children.size()))
        return {};
    return createIndex(row, column, quintptr(p.children[std::size_t(row)]));
}

QModelIndex PolicyTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    return indexOf(node(child).parent);
}

int PolicyTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    if (!parent.isValid())
        return int(m_top.size());
    return int(node(parent).children.size());
}

int PolicyTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

int PolicyTreeModel::findChild(int parent, Kind kind, const std::string &name) const
{
    for (std::size_t i = 0; i < m_nodes.size(); ++i)
        if (m_nodes[i].parent == parent && m_nodes[i].kind == kind && m_nodes[i].name == name)
            return int(i);
    return -1;
}

QModelIndex PolicyTreeModel::tableIndex(const QString &table) const
{
    return indexOf(findChild(-1, Kind::Table, table.toStdString()));
}

int PolicyTreeModel::nodeForPointer(const QString &pointer) const
{
    const auto tokens = pointerTokens(pointer);
    if (tokens.empty())
        return -1;
    if (tokens[0] == "extends")
        return findChild(-1, Kind::Profile, "profile");
    if (tokens[0] == "roles") {
        const int roles = findChild(-1, Kind::Roles, "roles");
        const int role = tokens.size() > 1 ? findChild(roles, Kind::Role, tokens[1]) : -1;
        return role >= 0 ? role : roles;
    }
    if (tokens[0] != "tables" || tokens.size() < 2)
        return -1;
    const int table = findChild(-1, Kind::Table, tokens[1]);
    if (table >= 0 && tokens.size() >= 4 && tokens[2] == "columns")
        if (const int column = findChild(table, Kind::Column, tokens[3]); column >= 0)
            return column;
    return table;
}

QModelIndex PolicyTreeModel::indexForPointer(const QString &pointer) const
{
    return indexOf(nodeForPointer(pointer));
}

std::string PolicyTreeModel::pointerOf(const Node &n) const
{
    switch (n.kind) {
    case Kind::Profile:
        return "/extends";
    case Kind::Roles:
        return "/roles";
    case Kind::Role:
        return jsonPointerJoin(std::string("/roles"), n.name);
    case Kind::Table:
        return jsonPointerJoin(std::string("/tables"), n.name);
    case Kind::Column:
        return jsonPointerJoin(jsonPointerJoin(jsonPointerJoin(std::string("/tables"),
                                                               m_nodes[std::size_t(n.parent)].name),
                                               "columns"),
                               n.name);
    }
    return {};
}

// --- document access ---

std::optional<Json> PolicyTreeModel::value(const std::string &pointer) const
{
    const Json *at = &m_document;
    for (const std::string &token : pointerTokens(q(pointer))) {
        if (at->is_object()) {
            at = member(at, token);
        } else if (at->is_array() && !token.empty() && token.size() < 10
                   && std::all_of(token.begin(), token.end(),
                                  [](char c) { return c >= '0' && c <= '9'; })
                   && std::stoul(token) < at->size()) {
            at = &(*at)[std::stoul(token)];
        } else {
            at = nullptr;
        }
        if (!at)
            return std::nullopt;
    }
    return *at;
}

void PolicyTreeModel::setValue(const std::string &pointer, const std::optional<Json> &value)
{
    const auto tokens = pointerTokens(q(pointer));
    if (tokens.empty() || (!value && !this->value(pointer)))
        return;
    // Only objects are walked (and created where absent): a pointer through an array or a
    // scalar changes nothing rather than replacing what the author wrote.
    for (std::size_t i = 1; i < tokens.size(); ++i) {
        std::string prefix;
        for (std::size_t k = 0; k < i; ++k)
            prefix = jsonPointerJoin(prefix, tokens[k]);
        const auto existing = this->value(prefix);
        if (existing && !existing->is_object() && !existing->is_null())
            return;
    }
    Json *at = &m_document;
    std::vector<Json *> path;
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
        if (!at->is_object())
            *at = Json::object();
        path.push_back(at);
        at = &(*at)[tokens[i]];
    }
    if (!at->is_object())
        *at = Json::object();
    if (value) {
        (*at)[tokens.back()] = *value;
    } else {
        at->erase(tokens.back());
        // An emptied budget, writes or relations object means "the defaults", and an emptied
        // override of a role "as for everyone": drop it.
        const auto droppable = [&tokens](std::size_t i) {
            const bool roleTables = tokens[0] == "roles" && tokens.size() > 2
                && tokens[2] == "tables" && (i == 2 || i == 3);
            return roleTables || tokens[i] == "budget" || tokens[i] == "writes"
                || tokens[i] == "relations";
        };
        for (std::size_t i = tokens.size() - 1; i-- > 0;) {
            Json *container = i < path.size() ? path[i] : nullptr;
            Json *child = i + 1 < path.size() ? path[i + 1] : at;
            if (!container || !child->empty() || !droppable(i))
                break;
            container->erase(tokens[i]);
        }
    }
    replaceNodes();
    Q_EMIT documentChanged();
}

bool PolicyTreeModel::renameKey(const std::string &objectPointer, const std::string &from,
                                const std::string &to)
{
    const auto object = value(objectPointer);
    if (to.empty() || !object || !object->is_object() || !object->contains(from)
        || object->contains(to))
        return false;
    Json renamed = Json::object();
    for (auto it = object->begin(); it != object->end(); ++it)
        renamed[it.key() == from ? to : it.key()] = it.value();
    setValue(objectPointer, renamed);
    return true;
}

const Json *PolicyTreeModel::tableJson(const std::string &table) const
{
    const Json *t = member(member(&m_document, "tables"), table);
    return t && t->is_object() ? t : nullptr;
}

const Json *PolicyTreeModel::columnJson(const std::string &table, const std::string &column) const
{
    const Json *c = member(member(tableJson(table), "columns"), column);
    return c && c->is_object() ? c : nullptr;
}

PolicyTreeModel::ColumnState PolicyTreeModel::columnState(const std::string &table,
                                                          const std::string &column) const
{
    ColumnState s;
    s.action = "allow";
    s.source = tr("default");
    const Json *rule = nullptr;
    for (const auto &glob : Policy::builtinDenyGlobs()) {
        if (Policy::globMatch(glob, column)) {
            s.action = "deny";
            s.builtin = true;
            s.source = tr("built-in deny (%1)").arg(q(glob));
            return s;
        }
    }
    if (const Json *own = columnJson(table, column)) {
        rule = own;
        s.own = true;
        s.source = tr("policy");
    } else if (const Json *rules = member(&m_document, "column_rules");
               rules && rules->is_array()) {
        for (const Json &r : *rules) {
            const std::string match = stringMember(&r, "match");
            if (!match.empty() && Policy::globMatch(match, column)) {
                rule = &r;
                s.source = tr("rule %1").arg(q(match));
                break;
            }
        }
    }
    if (rule) {
        if (const std::string a = stringMember(rule, "action"); !a.empty())
            s.action = a;
        s.mask = stringMember(rule, "pattern");
        if (s.mask.empty())
            s.mask = stringMember(rule, "mask");
        s.tags = tagsOf(rule);
    }
    // Tag switches (PHI mode): the most hiding switched tag wins.
    const Json *switches = member(&m_document, "tags");
    const auto rank = [](const std::string &a) {
        return a == "deny" ? 3 : a == "hash" ? 2 : a == "mask" ? 1 : 0;
    };
    std::string switched, switchedTag;
    for (const auto &tag : s.tags) {
        const std::string a = stringMember(switches, tag);
        if (!a.empty() && (switched.empty() || rank(a) > rank(switched))) {
            switched = a;
            switchedTag = tag;
        }
    }
    if (!switched.empty() && switched != s.action) {
        s.action = switched;
        s.mask = switched == "mask" ? "full" : "";
        s.source = tr("tag switch %1").arg(q(switchedTag));
    }
    if (s.action == "mask" && s.mask.empty())
        s.mask = "full";
    if (s.action != "mask")
        s.mask.clear();
    return s;
}

QString PolicyTreeModel::tableNote(const std::string &table) const
{
    const Json *t = tableJson(table);
    if (!t)
        return tr("not listed: agents do not see this table");
    const Json *defaults = member(&m_document, "defaults");
    QStringList parts;
    const auto scope = [&](const char *key, const QString &label) {
        const Json *v = member(t, key);
        if (v && v->is_null())
            return;
        const std::string col =
            v && v->is_string() ? v->get<std::string>() : stringMember(defaults, key);
        if (!col.empty())
            parts << label.arg(q(col));
    };
    scope("tenant_column", tr("tenant: %1"));
    scope("owner_column", tr("owner: %1"));
    scope("soft_delete_column", tr("soft delete: %1"));
    if (const Json *w = member(t, "write"); w && w->is_boolean() && w->get<bool>())
        parts << tr("writable");
    if (member(t, "budget"))
        parts << tr("own budget");
    return parts.join(QStringLiteral(" · "));
}

// --- data ---

QVariant PolicyTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node &n = node(index);
    switch (role) {
    case KindRole:
        return QVariant::fromValue(n.kind);
    case PointerRole:
        return q(pointerOf(n));
    case InDatabaseRole:
        return n.inDatabase;
    case ProblemRole: {
        const auto it = m_problems.find(int(index.internalId()));
        return it == m_problems.end() ? QString() : it->second.join(QLatin1Char('\n'));
    }
    case TableRole:
        if (n.kind == Kind::Table)
            return q(n.name);
        if (n.kind == Kind::Column)
            return q(m_nodes[std::size_t(n.parent)].name);
        return {};
    case Qt::ToolTipRole: {
        const auto it = m_problems.find(int(index.internalId()));
        if (it != m_problems.end())
            return it->second.join(QLatin1Char('\n'));
        break;
    }
    default:
        break;
    }
    if (n.kind == Kind::Table)
        return tableData(n, index.column(), role);
    if (n.kind == Kind::Column)
        return columnData(n, index.column(), role);
    return otherData(n, index.column(), role);
}

QVariant PolicyTreeModel::tableData(const Node &n, int column, int role) const
{
    const Json *t = tableJson(n.name);
    if (role == InPolicyRole)
        return t != nullptr;
    if (column == ActionColumn && role == ChoicesRole)
        return QStringList { notListed(), readable(), hidden() };
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    switch (column) {
    case NameColumn:
        return q(n.name);
    case ActionColumn: {
        if (!t)
            return role == Qt::EditRole ? notListed() : choiceLabel(notListed());
        const Json *read = member(t, "read");
        const QString action =
            read && read->is_boolean() && !read->get<bool>() ? hidden() : readable();
        return role == Qt::EditRole ? action : choiceLabel(action);
    }
    case NoteColumn:
        return n.inDatabase ? tableNote(n.name) : tr("not in the database");
    default:
        return {};
    }
}

QVariant PolicyTreeModel::columnData(const Node &n, int column, int role) const
{
    const std::string &table = m_nodes[std::size_t(n.parent)].name;
    const ColumnState s = columnState(table, n.name);
    if (role == InPolicyRole)
        return s.own;
    if (role == ChoicesRole) {
        if (column == ActionColumn)
            return QStringList { inheritAction() } + kColumnActions;
        if (column == MaskColumn) {
            QStringList kinds;
            for (const auto &k : kMaskKinds)
                kinds << q(k);
            return kinds;
        }
        return {};
    }
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    switch (column) {
    case NameColumn:
        return q(n.name);
    case ActionColumn:
        if (role == Qt::EditRole && !s.own)
            return inheritAction();
        return q(s.action);
    case MaskColumn:
        return q(s.mask);
    case TagsColumn:
        return joined(s.tags);
    case NoteColumn:
        if (!n.inDatabase)
            return tr("not in the database");
        if (!tableJson(table))
            return tr("table not listed");
        return s.source;
    default:
        return {};
    }
}

QVariant PolicyTreeModel::otherData(const Node &n, int column, int role) const
{
    if (role == InPolicyRole)
        return n.kind == Kind::Role
            || member(&m_document, n.kind == Kind::Profile ? "extends" : "roles") != nullptr;
    if (n.kind == Kind::Profile && column == ActionColumn && role == ChoicesRole) {
        QStringList profiles;
        for (const auto &p : Policy::profiles())
            profiles << q(p);
        return profiles;
    }
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    switch (n.kind) {
    case Kind::Profile:
        if (column == NameColumn)
            return tr("Profile");
        if (column == ActionColumn) {
            const std::string extends = stringMember(&m_document, "extends");
            return extends.empty() ? QStringLiteral("prod") : q(extends);
        }
        if (column == NoteColumn)
            return tr("budgets start from this profile");
        return {};
    case Kind::Roles:
        if (column == NameColumn)
            return tr("Roles");
        if (column == NoteColumn)
            return n.children.empty() ? tr("none; add them in the details")
                                      : tr("%n role(s)", nullptr, int(n.children.size()));
        return {};
    case Kind::Role:
        if (column == NameColumn)
            return q(n.name);
        if (column == NoteColumn)
            return q(stringMember(member(member(&m_document, "roles"), n.name), "description"));
        return {};
    default:
        return {};
    }
}

Qt::ItemFlags PolicyTreeModel::flags(const QModelIndex &index) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    const Node &n = node(index);
    const int column = index.column();
    bool editable = false;
    if (n.kind == Kind::Profile)
        editable = column == ActionColumn;
    else if (n.kind == Kind::Table)
        editable = column == ActionColumn;
    else if (n.kind == Kind::Role)
        editable = column == NameColumn;
    else if (n.kind == Kind::Column) {
        const std::string &table = m_nodes[std::size_t(n.parent)].name;
        const ColumnState s = columnState(table, n.name);
        // A column is edited once its table is listed; a built-in deny cannot be lifted.
        editable = tableJson(table) && !s.builtin
            && (column == ActionColumn || column == TagsColumn
                || (column == MaskColumn && s.action == "mask"));
    }
    return editable ? f | Qt::ItemIsEditable : f;
}

QVariant PolicyTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case ActionColumn:
        return tr("Action");
    case MaskColumn:
        return tr("Mask");
    case TagsColumn:
        return tr("Tags");
    case NoteColumn:
        return tr("Where it comes from");
    default:
        return {};
    }
}

// --- editing ---

bool PolicyTreeModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !(flags(index) & Qt::ItemIsEditable))
        return false;
    const Node n = node(index);
    const QString text = value.toString().trimmed();
    switch (n.kind) {
    case Kind::Profile: {
        if (!data(index, ChoicesRole).toStringList().contains(text))
            return false;
        setValue("/extends", Json(text.toStdString()));
        return true;
    }
    case Kind::Table:
        return setTableAction(n.name, text);
    case Kind::Column:
        return setColumnValue(n, index.column(), text);
    case Kind::Role:
        return renameKey("/roles", n.name, text.toStdString());
    default:
        return false;
    }
}

bool PolicyTreeModel::setTableAction(const std::string &table, const QString &action)
{
    const std::string ptr = jsonPointerJoin(std::string("/tables"), table);
    if (action == notListed()) {
        setValue(ptr, std::nullopt);
    } else if (action == readable() || action == hidden()) {
        if (tableJson(table))
            setValue(jsonPointerJoin(ptr, "read"), Json(action == readable()));
        else
            setValue(ptr, Json { { "read", action == readable() } });
    } else {
        return false;
    }
    return true;
}

bool PolicyTreeModel::setColumnValue(const Node &n, int column, const QString &value)
{
    const std::string &table = m_nodes[std::size_t(n.parent)].name;
    const std::string ptr = pointerOf(n);
    const ColumnState s = columnState(table, n.name);
    const Json *own = columnJson(table, n.name);
    Json rule = own ? *own : Json { { "action", s.action } };
    if (!own && !s.tags.empty())
        rule["tags"] = s.tags;
    switch (column) {
    case ActionColumn:
        if (value == inheritAction()) {
            setValue(ptr, std::nullopt);
            return true;
        }
        if (!kColumnActions.contains(value))
            return false;
        rule["action"] = value.toStdString();
        if (value != QLatin1String("mask")) {
            rule.erase("mask");
            rule.erase("pattern");
        }
        if (value == QLatin1String("deny"))
            rule.erase("filterable");
        break;
    case MaskColumn: {
        const std::string v = value.toStdString();
        rule.erase("mask");
        rule.erase("pattern");
        rule["action"] = "mask";
        if (std::find(kMaskKinds.begin(), kMaskKinds.end(), v) != kMaskKinds.end())
            rule["mask"] = v;
        else if (!v.empty())
            rule["pattern"] = v;
        break;
    }
    case TagsColumn: {
        Json tags = Json::array();
        for (const QString &t : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
            if (!t.trimmed().isEmpty())
                tags.push_back(t.trimmed().toStdString());
        if (tags.empty())
            rule.erase("tags");
        else
            rule["tags"] = tags;
        break;
    }
    default:
        return false;
    }
    setValue(ptr, rule);
    return true;
}

void PolicyTreeModel::setProblems(const QList<PolicyProblem> &problems)
{
    m_problems.clear();
    m_orphanProblems.clear();
    for (const PolicyProblem &p : problems) {
        const int n = nodeForPointer(p.pointer);
        if (n >= 0)
            m_problems[n] << p.message;
        else
            m_orphanProblems << p.message;
    }
    announceAllChanged();
}

} // namespace warden
