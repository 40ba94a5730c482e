#pragma once

#include <QWidget>

namespace warden {

// The page for a panel this version does not have yet. It says so plainly and offers no
// controls, so nothing on it pretends to work.
class UnavailablePanel : public QWidget
{
    Q_OBJECT
public:
    UnavailablePanel(const QString &title, const QString &purpose, QWidget *parent = nullptr);

    QString title() const { return m_title; }
    QString message() const;

private:
    QString m_title;
};

} // namespace warden
