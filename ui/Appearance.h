#pragma once

#include <QObject>
#include <QPalette>
#include <QString>

#include <optional>

class QDBusVariant;

namespace warden {

// Light or dark, as the operator chose or as the desktop prefers. "Follow the system" asks the
// XDG desktop portal (org.freedesktop.appearance color-scheme, which GNOME and KDE publish) and
// follows its changes while the console runs; without a portal it keeps the platform's own
// palette. A forced light or dark scheme uses the Fusion style with a complete palette, so every
// widget and the panels' palette-derived colours agree. The choice is kept in QSettings.
class Appearance : public QObject
{
    Q_OBJECT
public:
    enum class Scheme { System, Light, Dark };
    Q_ENUM(Scheme)

    // Reads the saved choice and applies it. One per application.
    explicit Appearance(QObject *parent = nullptr);

    Scheme scheme() const { return m_scheme; }
    // Applies and saves the choice.
    void setScheme(Scheme scheme);

    // What the desktop prefers: true dark, false light, nullopt when no portal said.
    std::optional<bool> systemPrefersDark() const { return m_systemDark; }
    // Whether the console is dark now.
    bool isDark() const;

    static QPalette lightPalette();
    static QPalette darkPalette();
    // The portal's color-scheme value (0 no preference, 1 dark, 2 light) as a preference.
    static std::optional<bool> prefersDarkFromPortal(uint value);

Q_SIGNALS:
    void changed();

private Q_SLOTS:
    void onPortalSettingChanged(const QString &group, const QString &key, const QDBusVariant &value);

private:
    void apply();
    void queryPortal();
    void setSystemPreference(std::optional<bool> dark);

    Scheme m_scheme = Scheme::System;
    std::optional<bool> m_systemDark;
    QPalette m_platformPalette;
    QString m_platformStyle;
};

} // namespace warden
