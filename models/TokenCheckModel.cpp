#include "TokenCheckModel.h"

namespace warden {

using Step = auth::TokenCheck::Step;
using Outcome = auth::TokenCheck::Outcome;

void TokenCheckModel::setDiagnosis(const auth::TokenDiagnosis &diagnosis)
{
    beginResetModel();
    m_checks = QList<auth::TokenCheck>(diagnosis.checks.begin(), diagnosis.checks.end());
    endResetModel();
}

void TokenCheckModel::clear()
{
    if (m_checks.isEmpty())
        return;
    beginResetModel();
    m_checks.clear();
    endResetModel();
}

QString TokenCheckModel::stepTitle(Step step)
{
    switch (step) {
    case Step::Size:
        return tr("Size");
    case Step::Format:
        return tr("Format (signed JWT)");
    case Step::Header:
        return tr("Header");
    case Step::Type:
        return tr("Token type (typ)");
    case Step::Algorithm:
        return tr("Algorithm (alg)");
    case Step::Key:
        return tr("Signing key found (kid)");
    case Step::Signature:
        return tr("Signature");
    case Step::Expiry:
        return tr("Not expired (exp)");
    case Step::NotBefore:
        return tr("Already valid (nbf)");
    case Step::IssuedAt:
        return tr("Issued in the past (iat)");
    case Step::Issuer:
        return tr("Issuer (iss)");
    case Step::Audience:
        return tr("Audience (aud)");
    case Step::Principal:
        return tr("Claims mapped to a principal");
    }
    return {};
}

QString TokenCheckModel::outcomeText(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Passed:
        return tr("Passed");
    case Outcome::Failed:
        return tr("Failed");
    case Outcome::NotChecked:
        return tr("Not checked");
    }
    return {};
}

Outcome TokenCheckModel::outcome(Step step) const
{
    for (const auth::TokenCheck &check : m_checks)
        if (check.step == step)
            return check.outcome;
    return Outcome::NotChecked;
}

QString TokenCheckModel::detail(Step step) const
{
    for (const auth::TokenCheck &check : m_checks)
        if (check.step == step)
            return QString::fromStdString(check.detail);
    return {};
}

int TokenCheckModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_checks.size());
}

int TokenCheckModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TokenCheckModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auth::TokenCheck &check = m_checks.at(index.row());
    if (role == IsErrorRole) // none for a step that was not checked: shown uncoloured
        return check.outcome == Outcome::NotChecked ? QVariant() : QVariant(check.outcome == Outcome::Failed);
    if (role == OutcomeRole)
        return check.outcome == Outcome::Passed ? QStringLiteral("ok")
            : check.outcome == Outcome::Failed  ? QStringLiteral("error")
                                                : QStringLiteral("skipped");
    if (role == Qt::ToolTipRole && index.column() == DetailColumn)
        return QString::fromStdString(check.detail);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case CheckColumn:
        return stepTitle(check.step);
    case ResultColumn:
        return outcomeText(check.outcome);
    case DetailColumn:
        return QString::fromStdString(check.detail);
    }
    return {};
}

QVariant TokenCheckModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case CheckColumn:
        return tr("Check");
    case ResultColumn:
        return tr("Result");
    case DetailColumn:
        return tr("Details");
    }
    return {};
}

} // namespace warden
