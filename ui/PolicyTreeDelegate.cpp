#include "PolicyTreeDelegate.h"

#include "PolicyTreeModel.h"

#include <QApplication>
#include <QComboBox>
#include <QStyle>

namespace warden {

QWidget *PolicyTreeDelegate::createEditor(QWidget *parent, const QStyleOptionViewItem &option,
                                          const QModelIndex &index) const
{
    const QStringList choices = index.data(PolicyTreeModel::ChoicesRole).toStringList();
    if (choices.isEmpty())
        return QStyledItemDelegate::createEditor(parent, option, index);
    auto *combo = new QComboBox(parent);
    for (const QString &choice : choices)
        combo->addItem(PolicyTreeModel::choiceLabel(choice), choice);
    // A mask is one of the kinds or a pattern such as "{first2}***{last4}".
    combo->setEditable(index.column() == PolicyTreeModel::MaskColumn);
    combo->setAccessibleName(index.model()->headerData(index.column(), Qt::Horizontal).toString());
    return combo;
}

void PolicyTreeDelegate::setEditorData(QWidget *editor, const QModelIndex &index) const
{
    if (auto *combo = qobject_cast<QComboBox *>(editor)) {
        const QString value = index.data(Qt::EditRole).toString();
        const int at = combo->findData(value);
        if (at >= 0)
            combo->setCurrentIndex(at);
        else if (combo->isEditable())
            combo->setEditText(value);
        return;
    }
    QStyledItemDelegate::setEditorData(editor, index);
}

void PolicyTreeDelegate::setModelData(QWidget *editor, QAbstractItemModel *model,
                                      const QModelIndex &index) const
{
    if (auto *combo = qobject_cast<QComboBox *>(editor)) {
        // A typed mask pattern is taken as typed; a listed choice by its value.
        const int at = combo->currentIndex();
        const bool listed = at >= 0 && combo->itemText(at) == combo->currentText();
        model->setData(index, listed ? combo->itemData(at).toString() : combo->currentText(),
                       Qt::EditRole);
        return;
    }
    QStyledItemDelegate::setModelData(editor, model, index);
}

void PolicyTreeDelegate::initStyleOption(QStyleOptionViewItem *option,
                                         const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const auto kind = index.data(PolicyTreeModel::KindRole).value<PolicyTreeModel::Kind>();
    if (index.column() == PolicyTreeModel::NameColumn
        && !index.data(PolicyTreeModel::ProblemRole).toString().isEmpty()) {
        const QStyle *style = option->widget ? option->widget->style() : QApplication::style();
        option->icon = style->standardIcon(QStyle::SP_MessageBoxWarning);
        option->features |= QStyleOptionViewItem::HasDecoration;
    }
    bool unseen = !index.data(PolicyTreeModel::InDatabaseRole).toBool();
    if (kind == PolicyTreeModel::Kind::Table)
        unseen = unseen || !index.data(PolicyTreeModel::InPolicyRole).toBool();
    else if (kind == PolicyTreeModel::Kind::Column)
        unseen = unseen || !index.parent().data(PolicyTreeModel::InPolicyRole).toBool()
            || index.siblingAtColumn(PolicyTreeModel::ActionColumn).data().toString()
                == QLatin1String("deny");
    if (unseen)
        option->palette.setColor(QPalette::Text,
                                 option->palette.color(QPalette::Disabled, QPalette::Text));
    if (kind == PolicyTreeModel::Kind::Column && index.data(PolicyTreeModel::InPolicyRole).toBool()
        && index.column() == PolicyTreeModel::ActionColumn)
        option->font.setBold(true); // the table's own rule, not an inherited one
}

} // namespace warden
