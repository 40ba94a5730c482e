#include "UnavailablePanel.h"

#include <QFrame>
#include <QLabel>
#include <QVBoxLayout>

namespace warden {

UnavailablePanel::UnavailablePanel(const QString &title, const QString &purpose, QWidget *parent)
    : QWidget(parent)
    , m_title(title)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 20);
    layout->setSpacing(6);

    auto *heading = new QLabel(title, this);
    heading->setObjectName(QStringLiteral("panelTitle"));
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.5);
    headingFont.setBold(true);
    heading->setFont(headingFont);
    heading->setAccessibleName(title);
    layout->addWidget(heading);

    auto *purposeLabel = new QLabel(purpose, this);
    purposeLabel->setObjectName(QStringLiteral("panelPurpose"));
    purposeLabel->setWordWrap(true);
    purposeLabel->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(purposeLabel);
    layout->addSpacing(12);

    // A neutral notice in the place where the panel's content would be.
    auto *notice = new QFrame(this);
    notice->setObjectName(QStringLiteral("unavailableNotice"));
    const QPalette pal = palette();
    const QColor window = pal.color(QPalette::Window);
    const QColor accent = pal.color(QPalette::Highlight);
    const auto mix = [&](qreal t) {
        return QColor::fromRgbF(window.redF() + (accent.redF() - window.redF()) * t,
                                window.greenF() + (accent.greenF() - window.greenF()) * t,
                                window.blueF() + (accent.blueF() - window.blueF()) * t);
    };
    notice->setStyleSheet(QStringLiteral("#unavailableNotice { background-color: %1; border: 1px "
                                         "solid %2; border-radius: 4px; }")
                              .arg(mix(0.08).name(), mix(0.35).name()));
    auto *noticeLayout = new QVBoxLayout(notice);
    noticeLayout->setContentsMargins(16, 12, 16, 12);
    noticeLayout->setSpacing(4);
    auto *noticeTitle = new QLabel(tr("Not available yet"), notice);
    QFont noticeTitleFont = noticeTitle->font();
    noticeTitleFont.setBold(true);
    noticeTitle->setFont(noticeTitleFont);
    noticeLayout->addWidget(noticeTitle);
    auto *message = new QLabel(this->message(), notice);
    message->setObjectName(QStringLiteral("unavailableMessage"));
    message->setWordWrap(true);
    message->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    noticeLayout->addWidget(message);
    layout->addWidget(notice);
    layout->addStretch(1);

    setAccessibleName(title);
}

QString UnavailablePanel::message() const
{
    return tr("The %1 panel is not available in this version of Warden yet.").arg(m_title);
}

} // namespace warden
