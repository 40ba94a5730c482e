#pragma once

#include <QStyledItemDelegate>

namespace warden {

// Draws and edits PolicyTreeModel cells: a combo box of the cell's choices (ChoicesRole;
// editable for the mask, which also takes a pattern), a warning icon on an item with problems,
// and greyed text for what agents do not see (tables not listed, columns of such tables) and
// for what the database lacks.
class PolicyTreeDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option,
                          const QModelIndex &index) const override;
    void setEditorData(QWidget *editor, const QModelIndex &index) const override;
    void setModelData(QWidget *editor, QAbstractItemModel *model,
                      const QModelIndex &index) const override;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

} // namespace warden
