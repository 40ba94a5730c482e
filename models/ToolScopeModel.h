#pragma once

#include "common/Json.h"
#include "server/PolicyService.h"

#include <QAbstractTableModel>
#include <QMap>
#include <QStringList>

namespace warden {

// The policy's "scopes" map (tool name → the OAuth scope a caller needs to call it) as a table
// to edit: one row per tool the server offers, plus any tool the map names that it does not.
// An empty scope means the tool needs none. Edits stay here until scopes() is put into a
// policy document and applied; the server's problems for "/scopes/<tool>" are shown on their
// row.
class ToolScopeModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Tool, Scope, ColumnCount };
    enum Role { ProblemRole = Qt::UserRole + 1, ModifiedRole };

    explicit ToolScopeModel(QObject *parent = nullptr);

    // The tools the server offers (its catalogue).
    void setTools(const QStringList &tools);
    enum class Edits { Drop, Keep };
    // The "scopes" object of the policy in force (null or missing: none). Edits::Keep keeps
    // the edits made so far on top of it (the policy changed elsewhere meanwhile).
    void setRunning(const Json &scopes, Edits edits = Edits::Drop);
    // The edited map, tools without a scope left out; an object, possibly empty.
    Json scopes() const;
    // A policy `document` with its "scopes" replaced by the edited map (dropped when empty).
    Json applyTo(Json document) const;
    bool isModified() const;
    // Drops the edits, back to the map in force.
    void discard();
    // The problems of a check of the edited document; those at "/scopes/<tool>" go to their
    // row, the rest are returned for showing elsewhere.
    QList<PolicyProblem> setProblems(const QList<PolicyProblem> &problems);
    int rowOf(const QString &tool) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

Q_SIGNALS:
    // The edited map changed (an edit, discard() or a new map in force).
    void scopesEdited();

private:
    void rebuild();

    QStringList m_tools; // the catalogue
    QMap<QString, QString> m_running; // tool → scope in force
    QMap<QString, QString> m_edited; // tool → scope as edited
    QMap<QString, QString> m_problems; // tool → what to fix
    QStringList m_rows; // sorted union of catalogue and both maps
};

} // namespace warden
