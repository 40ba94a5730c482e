#include "StateIndicator.h"

#include "ServerStatusController.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPixmap>

namespace warden {

StateIndicator::StateIndicator(ServerStatusController *status, QWidget *parent)
    : QWidget(parent)
    , m_status(status)
    , m_dot(new QLabel(this))
    , m_text(new QLabel(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(m_dot);
    layout->addWidget(m_text);
    m_text->setObjectName(QStringLiteral("stateText"));
    connect(status, &ServerStatusController::stateChanged, this, &StateIndicator::refresh);
    refresh();
}

QString StateIndicator::text() const
{
    return m_text->text();
}

QColor StateIndicator::stateColor(ServerInterface::State state, const QPalette &palette)
{
    const bool dark = palette.color(QPalette::Window).lightness() < 128;
    switch (state) {
    case ServerInterface::State::Running:
        return dark ? QColor(0x66, 0xbb, 0x6a) : QColor(0x2e, 0x7d, 0x32);
    case ServerInterface::State::Starting:
    case ServerInterface::State::Stopping:
        return dark ? QColor(0xff, 0xca, 0x28) : QColor(0xe0, 0x8e, 0x00);
    case ServerInterface::State::Failed:
        return dark ? QColor(0xef, 0x53, 0x50) : QColor(0xc6, 0x28, 0x28);
    case ServerInterface::State::Stopped:
        break;
    }
    return palette.color(QPalette::Disabled, QPalette::WindowText);
}

void StateIndicator::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        refresh();
}

void StateIndicator::refresh()
{
    const int size = m_text->fontMetrics().height() * 2 / 3;
    const qreal ratio = devicePixelRatioF();
    QPixmap dot(QSize(size, size) * ratio);
    dot.setDevicePixelRatio(ratio);
    dot.fill(Qt::transparent);
    QPainter painter(&dot);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(stateColor(m_status->state(), palette()));
    painter.drawEllipse(QRectF(0.5, 0.5, size - 1.0, size - 1.0));
    painter.end();
    m_dot->setPixmap(dot);
    m_text->setText(m_status->stateText());
    setToolTip(tr("Server state: %1").arg(m_status->stateText()));
}

} // namespace warden
