#include "LabelTint.h"

#include "OutcomeDelegate.h"

#include <QEvent>
#include <QLabel>
#include <QPointer>

namespace warden {

namespace {

// Lives on the label; re-applies the tint when the inherited palette changes.
class TintKeeper : public QObject
{
public:
    explicit TintKeeper(QLabel *label)
        : QObject(label)
        , m_label(label)
    {
        setObjectName(name());
        label->installEventFilter(this);
    }

    // How tintLabel() finds the keeper among the label's children (there is no Q_OBJECT
    // here, so qobject_cast cannot tell it apart).
    static QString name() { return QStringLiteral("warden_tint_keeper"); }

    void apply(Tint tint)
    {
        m_tint = tint;
        apply();
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (watched == m_label && event->type() == QEvent::PaletteChange && !m_applying)
            apply();
        return QObject::eventFilter(watched, event);
    }

private:
    void apply()
    {
        m_applying = true;
        // Start from the inherited palette so only the text colour is the label's own.
        m_label->setPalette(QPalette());
        if (m_tint != Tint::None) {
            QPalette pal = m_label->palette();
            pal.setColor(QPalette::WindowText, m_tint == Tint::Ok ? OutcomeDelegate::okColor(pal)
                                                                  : OutcomeDelegate::errorColor(pal));
            m_label->setPalette(pal);
        }
        m_applying = false;
    }

    QPointer<QLabel> m_label;
    Tint m_tint = Tint::None;
    bool m_applying = false;
};

} // namespace

void tintLabel(QLabel *label, Tint tint)
{
    auto *found = label->findChild<QObject *>(TintKeeper::name(), Qt::FindDirectChildrenOnly);
    auto *keeper = found ? static_cast<TintKeeper *>(found) : new TintKeeper(label);
    keeper->apply(tint);
}

} // namespace warden
