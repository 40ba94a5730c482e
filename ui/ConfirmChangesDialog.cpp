#include "ConfirmChangesDialog.h"

#include "PanelLayout.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace warden {

void confirmChanges(QWidget *parent, const QString &objectName, const QString &title,
                    const QString &question, const QString &changes, const QString &acceptText,
                    std::function<void()> accepted)
{
    auto *dialog = new QDialog(parent);
    dialog->setObjectName(objectName);
    dialog->setWindowTitle(title);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    auto *layout = new QVBoxLayout(dialog);
    auto *label = new QLabel(question, dialog);
    label->setWordWrap(true);
    layout->addWidget(label);
    auto *view = monospaceView(dialog, QStringLiteral("changesView"));
    view->setPlainText(changes);
    layout->addWidget(view, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, dialog);
    QPushButton *ok = buttons->addButton(acceptText, QDialogButtonBox::AcceptRole);
    ok->setDefault(true);
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    QObject::connect(dialog, &QDialog::accepted, parent, std::move(accepted));
    layout->addWidget(buttons);
    dialog->resize(640, 420);
    ok->setFocus();
    dialog->open();
}

} // namespace warden
