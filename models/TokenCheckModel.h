#pragma once

#include "RequestLogModel.h"
#include "auth/TokenResult.h"

#include <QAbstractTableModel>
#include <QList>
#include <QString>

namespace warden {

// The checks of one tested token (JwtValidator::diagnose), one row per step: what was
// checked, passed / failed / not checked, and the sentence saying why. The outcome is also
// a semantic role (OutcomeRole, and IsErrorRole like the request log) for the view to colour.
class TokenCheckModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { CheckColumn, ResultColumn, DetailColumn, ColumnCount };
    enum Role {
        OutcomeRole = Qt::UserRole + 100, // "ok", "error" or "skipped"
        IsErrorRole = RequestLogModel::IsErrorRole, // bool, as OutcomeDelegate reads it
    };

    using QAbstractTableModel::QAbstractTableModel;

    void setDiagnosis(const auth::TokenDiagnosis &diagnosis);
    void clear();

    // What the step checks, in words ("Signature", "Audience (aud)"...).
    static QString stepTitle(auth::TokenCheck::Step step);
    static QString outcomeText(auth::TokenCheck::Outcome outcome);

    // The outcome of a step in the current diagnosis; NotChecked when there is none.
    auth::TokenCheck::Outcome outcome(auth::TokenCheck::Step step) const;
    QString detail(auth::TokenCheck::Step step) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<auth::TokenCheck> m_checks;
};

} // namespace warden
