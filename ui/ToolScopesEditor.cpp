#include "ToolScopesEditor.h"

#include "ConfirmChangesDialog.h"
#include "LabelTint.h"
#include "OutcomeDelegate.h"
#include "ToolScopeModel.h"
#include "policy/PolicyDiff.h"
#include "server/PolicyService.h"
#include "server/ToolTesterService.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace warden {
namespace {

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

// Edited rows in bold, rows with a problem in the palette's error colour (as tintLabel does).
class ScopeDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.data(ToolScopeModel::ModifiedRole).toBool())
            option->font.setBold(true);
        if (!index.data(ToolScopeModel::ProblemRole).toString().isEmpty())
            option->palette.setColor(QPalette::Text, OutcomeDelegate::errorColor(option->palette));
    }
};

} // namespace

ToolScopesEditor::ToolScopesEditor(PolicyService *policies, ToolTesterService *tools,
                                   QWidget *parent)
    : QWidget(parent)
    , m_policies(policies)
    , m_tools(tools)
    , m_model(new ToolScopeModel(this))
{
    setObjectName(QStringLiteral("toolScopesEditor"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *intro = new QLabel(tr("Which OAuth scope a caller's token (or API key) must hold to call "
                                "each tool. Part of the policy: applying puts a new policy "
                                "version in force. An empty scope means none is needed."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("toolScopesTable"));
    m_table->setAccessibleName(tr("Scopes to tools"));
    m_table->setModel(m_model);
    m_table->setItemDelegate(new ScopeDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                             | QAbstractItemView::AnyKeyPressed);
    m_table->setTabKeyNavigation(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(ToolScopeModel::Tool,
                                                      QHeaderView::ResizeToContents);
    m_table->setMinimumHeight(160);
    layout->addWidget(m_table, 1);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("toolScopesStatus"));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    layout->addWidget(m_status);

    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    m_discardButton = new QPushButton(tr("Discard scope chan&ges"), this);
    m_discardButton->setObjectName(QStringLiteral("toolScopesDiscard"));
    m_applyButton = new QPushButton(tr("Apply scope &map…"), this);
    m_applyButton->setObjectName(QStringLiteral("toolScopesApply"));
    buttons->addWidget(m_discardButton);
    buttons->addWidget(m_applyButton);
    layout->addLayout(buttons);
    setTabOrder(m_table, m_discardButton);
    setTabOrder(m_discardButton, m_applyButton);

    m_checkTimer = new QTimer(this);
    m_checkTimer->setSingleShot(true);
    m_checkTimer->setInterval(300);
    connect(m_checkTimer, &QTimer::timeout, this, &ToolScopesEditor::check);
    connect(m_model, &ToolScopeModel::scopesEdited, this, &ToolScopesEditor::onEdited);
    connect(m_discardButton, &QPushButton::clicked, m_model, &ToolScopeModel::discard);
    connect(m_applyButton, &QPushButton::clicked, this, &ToolScopesEditor::confirmAndApply);

    if (m_policies) {
        connect(m_policies, &PolicyService::availabilityChanged, this,
                &ToolScopesEditor::onAvailabilityChanged);
        // Edits in progress are kept, on top of the new version (which is what Apply then
        // changes, so nothing applied elsewhere meanwhile is undone).
        connect(m_policies, &PolicyService::policyChanged, this, &ToolScopesEditor::loadRunning);
    }
    if (m_tools)
        connect(m_tools, &ToolTesterService::catalogueChanged, this,
                &ToolScopesEditor::onAvailabilityChanged);
    onAvailabilityChanged();
}

void ToolScopesEditor::onAvailabilityChanged()
{
    if (m_tools && m_tools->isAvailable()) {
        m_tools->fetchCatalogue(this, [this](const ToolCatalogue &catalogue) {
            QStringList names;
            for (const ToolDescription &tool : catalogue.tools)
                names.append(tool.name);
            m_model->setTools(names);
        });
    }
    if (m_policies && m_policies->isAvailable() && m_running.is_null())
        loadRunning();
    if (m_policies && !m_policies->isAvailable())
        m_running = Json();
    updateState();
}

void ToolScopesEditor::loadRunning()
{
    m_policies->fetchCurrent(this, [this](const Result<PolicySnapshot> &snapshot) {
        if (!snapshot) {
            m_message = q(snapshot.error().message);
            updateState();
            return;
        }
        m_running = snapshot->document;
        m_model->setRunning(m_running.value("scopes", Json::object()),
                            m_model->isModified() ? ToolScopeModel::Edits::Keep
                                                  : ToolScopeModel::Edits::Drop);
    });
}

void ToolScopesEditor::onEdited()
{
    m_valid = true;
    if (m_model->isModified()) {
        m_message.clear();
        m_checking = true;
        m_checkTimer->start();
    } else {
        m_checking = false;
        m_checkTimer->stop();
        m_model->setProblems({});
    }
    updateState();
}

void ToolScopesEditor::check()
{
    if (!m_policies || m_running.is_null())
        return;
    const quint64 serial = ++m_checkSerial;
    m_policies->validate(m_model->applyTo(m_running), this, [this, serial](const PolicyCheck &result) {
        if (serial != m_checkSerial)
            return; // an edit made since asks again
        m_checking = false;
        m_valid = result.valid;
        const QList<PolicyProblem> elsewhere = m_model->setProblems(result.problems);
        QStringList messages;
        for (const PolicyProblem &p : elsewhere)
            messages.append(p.pointer.isEmpty() ? p.message
                                                : tr("%1: %2").arg(p.pointer, p.message));
        m_message = messages.join(QLatin1Char('\n'));
        updateState();
    });
}

void ToolScopesEditor::confirmAndApply()
{
    if (!m_applyButton->isEnabled())
        return;
    const Json document = m_model->applyTo(m_running);
    confirmChanges(
        this, QStringLiteral("toolScopesConfirmDialog"), tr("Apply the scopes"),
        tr("Put these scopes in force? New calls need them at once, and the policy file is "
           "rewritten as a new version."),
        q(PolicyDiff::render(PolicyDiff::compare(m_running, document))), tr("&Apply"),
        [this, document] {
            if (!m_policies)
                return;
            m_policies->apply(document, this, [this](const Result<QString> &applied) {
                if (!applied) {
                    m_message = tr("The scopes were not applied: %1").arg(q(applied.error().message));
                    updateState();
                    return;
                }
                m_message = tr("Policy version %1 is in force with these scopes.")
                                .arg(applied->left(12));
                updateState(); // the new version itself arrives with policyChanged()
            });
        });
}

void ToolScopesEditor::updateState()
{
    const bool available = m_policies && m_policies->isAvailable() && !m_running.is_null();
    m_table->setEnabled(available);
    const bool modified = m_model->isModified();
    m_discardButton->setEnabled(available && modified);
    m_applyButton->setEnabled(available && modified && m_valid && !m_checking);
    QString text;
    Tint tint = Tint::None;
    QStringList problems; // "tool: what to fix", as on the rows
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QModelIndex scope = m_model->index(row, ToolScopeModel::Scope);
        const QString problem = scope.data(ToolScopeModel::ProblemRole).toString();
        if (!problem.isEmpty())
            problems.append(tr("%1: %2").arg(m_model->index(row, ToolScopeModel::Tool).data().toString(), problem));
    }
    if (!m_policies || !m_policies->isAvailable()) {
        text = tr("Scopes are part of the policy in force: start the server to see and edit them.");
    } else if (!problems.isEmpty() || !m_valid) {
        tint = Tint::Error;
        text = !problems.isEmpty()
            ? tr("%n scope(s) cannot be used; the row says what to fix:", nullptr, int(problems.size()))
                + QLatin1Char('\n') + problems.join(QLatin1Char('\n'))
            : tr("These scopes cannot be applied.");
        if (!m_message.isEmpty())
            text += QLatin1Char('\n') + m_message;
    } else if (!m_message.isEmpty()) {
        text = m_message;
    } else {
        const int needing = int(m_model->scopes().size());
        text = needing == 0 ? tr("No tool needs a scope: any authenticated caller may call every tool the policy allows.")
                            : tr("%n tool(s) need a scope.", nullptr, needing);
        if (modified)
            text += QLatin1Char(' ') + tr("Changes not applied yet.");
    }
    m_status->setText(text);
    tintLabel(m_status, tint);
}

} // namespace warden
