#pragma once

#include "common/Json.h"
#include "server/PolicyService.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <functional>
#include <optional>
#include <utility>
#include <vector>

class QCheckBox;
class QComboBox;
class QDialog;
class QGroupBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTreeView;

namespace warden {

class PolicyHistoryModel;
class PolicyProblemModel;
class PolicyRelationModel;
class PolicyTreeModel;
class ServerStatusController;

// The policy editor: the tables and columns of the database as a tree with what the policy
// does to each, detail editors for the selected table (row scopes, budget, writes,
// relations; for everyone or for one role) and for the roles, the document as JSON kept in sync
// both ways, validation as you type with each problem next to its item, the diff against the
// version in force, apply with confirmation, and the version history with revert. Everything goes
// through PolicyService; only a document the server has just validated can be applied, and the
// server checks it again.
//
// Without a running server there is no schema to check against: the panel says so and
// offers to start the server.
class PolicyPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int ValidateDelayMs = 250;
    static constexpr int ParseDelayMs = 300;

    PolicyPanel(ServerStatusController *status, PolicyService *service, QWidget *parent = nullptr);
    ~PolicyPanel() override;

    PolicyTreeModel *treeModel() const { return m_tree; }
    PolicyProblemModel *problemModel() const { return m_problems; }
    PolicyHistoryModel *historyModel() const { return m_history; }
    PolicyRelationModel *relationModel() const { return m_relations; }
    // The hash of the version in force as the panel last saw it.
    QString runningHash() const { return m_running ? m_running->hash : QString(); }
    // Whether the document differs from the version in force.
    bool hasChanges() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QWidget *createUnavailablePage();
    QWidget *createEditorPage();
    QWidget *createDetails();
    QWidget *createTableDetails();
    QWidget *createRelationsBox(QWidget *parent);
    QWidget *createRoleDetails();
    QWidget *createJsonView();
    QWidget *createDiffView();
    QWidget *createHistoryView();

    void onAvailabilityChanged();
    void expandListedTables();
    void loadRunning(bool keepEdits);
    void onDocumentEdited();
    void onJsonTextChanged();
    void parseJsonText();
    void documentChanged(bool fromText);
    void validateNow();
    // Undo (from = undo stack) or redo (from = redo stack) one document edit.
    void stepHistory(std::vector<Json> &from, std::vector<Json> &to);
    void updateActions();
    void updateDiff();
    void updateDetails();
    void updateTableDetails(const QString &table);
    void updateRelationForm();
    void updateRelationProblem();
    void updateRoleDetails(const QString &role);
    void updateRoleProblem();
    // The selected relation's entry changed by `edit`, as one edit.
    void editRelation(const std::function<void(Json &)> &edit);
    void addRelation();
    void removeRelation();
    void renameRelation();
    void addRole();
    void removeRole();
    void renameRole();
    void editRoleTable();
    // Selects a role's item in the tree (the Roles item for an empty name).
    void selectRole(const QString &role);
    QString selectedRole() const;
    QString selectedRelation() const;
    // Where the selected table's rules live: /tables/<t>, or the role's override of it.
    std::string tablePointer() const;
    void refreshHistory();
    void showBanner(const QString &text);
    void selectProblem(const QModelIndex &index);
    void confirmAndApply();
    void confirmAndRevert();
    void viewSelectedVersion();
    void diffSelectedVersion();
    // A window-modal dialog showing `changes` with `acceptText` on its default button; `accepted`
    // runs when the operator confirms.
    void confirm(const QString &title, const QString &question, const QString &changes,
                 const QString &acceptText, std::function<void()> accepted);
    QString selectedTable() const;
    QString selectedVersionHash() const;
    void setTableValue(const char *key, const std::optional<Json> &value);
    void restoreLayout();
    void saveLayout();

    ServerStatusController *m_status;
    QPointer<PolicyService> m_service;
    PolicyTreeModel *m_tree;
    PolicyProblemModel *m_problems;
    PolicyHistoryModel *m_history;
    PolicyRelationModel *m_relations;
    QString m_ruleRole; // the table details edit this role's overrides; empty: for everyone
    QString m_relationSelected; // kept across resets of the relation list
    QString m_currentPointer; // the tree's current item across a reset
    int m_currentColumn = 0;
    std::optional<PolicySnapshot> m_running;
    PolicyCheck m_check;
    bool m_checked = false; // m_check is about the current document
    bool m_jsonBroken = false;
    bool m_writingText = false;
    quint64 m_generation = 0; // bumped by every document change; stale answers are dropped
    Json m_shown; // the document as last shown: what an undo goes back to
    std::vector<Json> m_undo, m_redo;
    QTimer m_validateTimer;
    QTimer m_parseTimer;

    QStackedWidget *m_pages = nullptr;
    QLabel *m_unavailableLabel = nullptr;
    QPushButton *m_startButton = nullptr;
    QLabel *m_statusLabel = nullptr;
    QLabel *m_banner = nullptr;
    QPushButton *m_applyButton = nullptr;
    QPushButton *m_discardButton = nullptr;
    QSplitter *m_splitter = nullptr;
    QSplitter *m_leftSplitter = nullptr;
    QTreeView *m_treeView = nullptr;
    QTreeView *m_problemView = nullptr;
    QTabWidget *m_tabs = nullptr;

    QStackedWidget *m_detailPages = nullptr;
    QLabel *m_tableTitle = nullptr;
    QComboBox *m_ruleForCombo = nullptr;
    QGroupBox *m_scopeBox = nullptr;
    QComboBox *m_tenantCombo = nullptr;
    QComboBox *m_ownerCombo = nullptr;
    QComboBox *m_softDeleteCombo = nullptr;
    QGroupBox *m_budgetBox = nullptr;
    QSpinBox *m_maxRowsSpin = nullptr;
    QSpinBox *m_timeoutSpin = nullptr;
    QGroupBox *m_writesBox = nullptr;
    QCheckBox *m_writeCheck = nullptr;
    QCheckBox *m_reasonCheck = nullptr;
    QComboBox *m_approvalCombo = nullptr;
    QSpinBox *m_maxAffectedSpin = nullptr;
    QGroupBox *m_relationsBox = nullptr;
    QTreeView *m_relationView = nullptr;
    QWidget *m_relationForm = nullptr;
    QLineEdit *m_relationName = nullptr;
    QComboBox *m_relationKind = nullptr;
    QComboBox *m_relationVia = nullptr;
    QComboBox *m_relationTarget = nullptr;
    QComboBox *m_relationTargetColumn = nullptr;
    QPushButton *m_addRelationButton = nullptr;
    QPushButton *m_removeRelationButton = nullptr;
    QLabel *m_relationProblem = nullptr;

    QLabel *m_roleTitle = nullptr;
    QLineEdit *m_newRoleName = nullptr;
    QPushButton *m_addRoleButton = nullptr;
    QLabel *m_roleMessage = nullptr;
    QGroupBox *m_roleBox = nullptr;
    QLineEdit *m_roleName = nullptr;
    QLineEdit *m_roleDescription = nullptr;
    QGroupBox *m_roleTagsBox = nullptr;
    QFormLayout *m_roleTagsLayout = nullptr;
    std::vector<std::pair<QString, QComboBox *>> m_roleTagCombos;
    QLabel *m_roleTables = nullptr;
    QComboBox *m_roleTableCombo = nullptr;
    QPushButton *m_roleTableButton = nullptr;
    QPushButton *m_removeRoleButton = nullptr;
    QLabel *m_roleProblem = nullptr;

    QPlainTextEdit *m_jsonEdit = nullptr;
    QLabel *m_jsonError = nullptr;
    QLabel *m_diffTitle = nullptr;
    QPlainTextEdit *m_diffView = nullptr;
    QTreeView *m_historyView = nullptr;
    QPlainTextEdit *m_historyText = nullptr;
    QPushButton *m_viewVersionButton = nullptr;
    QPushButton *m_diffVersionButton = nullptr;
    QPushButton *m_revertButton = nullptr;

    bool m_layoutChanged = false;
};

} // namespace warden
