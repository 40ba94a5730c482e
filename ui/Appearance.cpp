#include "Appearance.h"

#include <QApplication>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusVariant>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace warden {

namespace {

const QString SchemeKey = QStringLiteral("Appearance/scheme");
const QString PortalService = QStringLiteral("org.freedesktop.portal.Desktop");
const QString PortalPath = QStringLiteral("/org/freedesktop/portal/desktop");
const QString PortalSettings = QStringLiteral("org.freedesktop.portal.Settings");
const QString AppearanceGroup = QStringLiteral("org.freedesktop.appearance");
const QString ColorSchemeKey = QStringLiteral("color-scheme");

QString schemeName(Appearance::Scheme scheme)
{
    switch (scheme) {
    case Appearance::Scheme::Light:
        return QStringLiteral("light");
    case Appearance::Scheme::Dark:
        return QStringLiteral("dark");
    case Appearance::Scheme::System:
        break;
    }
    return QStringLiteral("system");
}

Appearance::Scheme schemeFromName(const QString &name)
{
    if (name == QLatin1String("light"))
        return Appearance::Scheme::Light;
    if (name == QLatin1String("dark"))
        return Appearance::Scheme::Dark;
    return Appearance::Scheme::System;
}

bool paletteIsDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

// The portal wraps the value in one variant (ReadOne, Read on new portals) or two (Read).
QVariant unwrap(QVariant value)
{
    while (value.canConvert<QDBusVariant>() && value.metaType() == QMetaType::fromType<QDBusVariant>())
        value = value.value<QDBusVariant>().variant();
    return value;
}

} // namespace

Appearance::Appearance(QObject *parent)
    : QObject(parent)
    , m_platformPalette(QApplication::palette())
    , m_platformStyle(QApplication::style() ? QApplication::style()->name() : QString())
{
    m_scheme = schemeFromName(QSettings().value(SchemeKey).toString());
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (bus.isConnected()) {
        bus.connect(PortalService, PortalPath, PortalSettings, QStringLiteral("SettingChanged"), this,
                    SLOT(onPortalSettingChanged(QString, QString, QDBusVariant)));
        queryPortal();
    }
    apply();
}

std::optional<bool> Appearance::prefersDarkFromPortal(uint value)
{
    switch (value) {
    case 1:
        return true;
    case 2:
        return false;
    default:
        return std::nullopt;
    }
}

void Appearance::setScheme(Scheme scheme)
{
    QSettings().setValue(SchemeKey, schemeName(scheme));
    if (scheme == m_scheme)
        return;
    m_scheme = scheme;
    apply();
}

bool Appearance::isDark() const
{
    switch (m_scheme) {
    case Scheme::Light:
        return false;
    case Scheme::Dark:
        return true;
    case Scheme::System:
        break;
    }
    return m_systemDark.value_or(paletteIsDark(m_platformPalette));
}

void Appearance::queryPortal()
{
    QDBusMessage call = QDBusMessage::createMethodCall(PortalService, PortalPath, PortalSettings,
                                                       QStringLiteral("Read"));
    call << AppearanceGroup << ColorSchemeKey;
    // Asynchronous: a desktop without a portal must not delay the first paint.
    auto *watcher = new QDBusPendingCallWatcher(QDBusConnection::sessionBus().asyncCall(call, 2000), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *w) {
        w->deleteLater();
        const QDBusPendingReply<QVariant> reply = *w;
        if (reply.isError())
            return; // no portal: keep the platform's palette
        bool ok = false;
        const uint value = unwrap(reply.value()).toUInt(&ok);
        if (ok)
            setSystemPreference(prefersDarkFromPortal(value));
    });
}

void Appearance::onPortalSettingChanged(const QString &group, const QString &key, const QDBusVariant &value)
{
    if (group != AppearanceGroup || key != ColorSchemeKey)
        return;
    bool ok = false;
    const uint scheme = unwrap(value.variant()).toUInt(&ok);
    if (ok)
        setSystemPreference(prefersDarkFromPortal(scheme));
}

void Appearance::setSystemPreference(std::optional<bool> dark)
{
    if (dark == m_systemDark)
        return;
    m_systemDark = dark;
    if (m_scheme == Scheme::System)
        apply();
}

void Appearance::apply()
{
    // The platform's own look when it already matches what is wanted; Fusion with a full
    // palette otherwise (native styles may ignore a palette they did not make).
    const bool dark = isDark();
    const bool platformFits = m_scheme == Scheme::System && paletteIsDark(m_platformPalette) == dark;
    if (platformFits) {
        if (!m_platformStyle.isEmpty() && QApplication::style()->name() != m_platformStyle)
            QApplication::setStyle(QStyleFactory::create(m_platformStyle));
        QApplication::setPalette(m_platformPalette);
    } else {
        if (QApplication::style()->name() != QLatin1String("fusion"))
            QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(dark ? darkPalette() : lightPalette());
    }
    Q_EMIT changed();
}

QPalette Appearance::lightPalette()
{
    QStyle *fusion = QStyleFactory::create(QStringLiteral("Fusion"));
    QPalette palette = fusion ? fusion->standardPalette() : QPalette();
    delete fusion;
    return palette;
}

QPalette Appearance::darkPalette()
{
    // Contrast checked against WCAG AA for text (Text on Base, WindowText on Window, links).
    const QColor window(0x2b, 0x2d, 0x30);
    const QColor base(0x1f, 0x20, 0x22);
    const QColor text(0xe8, 0xea, 0xed);
    const QColor disabled(0x8a, 0x8d, 0x91);
    const QColor highlight(0x3d, 0x7e, 0xd6);
    QPalette p;
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x27, 0x29, 0x2c));
    p.setColor(QPalette::ToolTipBase, QColor(0x3a, 0x3d, 0x41));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3b));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x8a, 0x80));
    p.setColor(QPalette::Light, QColor(0x45, 0x48, 0x4d));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3d, 0x41));
    p.setColor(QPalette::Mid, QColor(0x25, 0x27, 0x2a));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x8a, 0xb4, 0xf8));
    p.setColor(QPalette::LinkVisited, QColor(0xc5, 0x8a, 0xf9));
    for (const auto role : { QPalette::WindowText, QPalette::Text, QPalette::ButtonText }) {
        p.setColor(QPalette::Disabled, role, disabled);
    }
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x45, 0x48, 0x4d));
    return p;
}

} // namespace warden
