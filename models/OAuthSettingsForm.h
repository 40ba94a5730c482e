#pragma once

#include "ConfigForm.h"
#include "auth/OAuthConfig.h"
#include "common/Result.h"

#include <QStringList>

namespace warden {

// The OAuth panel's settings: the configuration file's auth.oauth section (issuer, resource
// identifier, JWKS URL, accepted algorithms, claim mappings) and the HS256 shared secret,
// which goes to the OS keychain under a reference the file keeps. Which scope each tool
// needs is the policy's "scopes" key, edited with the policy.
class OAuthSettingsForm : public ConfigForm
{
    Q_OBJECT
public:
    struct Values
    {
        QString issuer;
        QString resource;
        QString jwksUri;
        QStringList algorithms; // "RS256", "PS256", "ES256", "EdDSA", "HS256"
        QString userClaim;
        QString tenantClaim; // empty: tokens carry no tenant
        QString rolesClaim;
        QString scopeClaims; // comma- or space-separated claim names
        QString hs256Secret; // typed now; empty keeps the stored one

        bool operator==(const Values &) const = default;
    };

    static QStringList allAlgorithms();
    // The keychain entry a secret typed here goes to when the file names none yet.
    static QString defaultSecretReference();

    using ConfigForm::ConfigForm;

    const Values &values() const { return m_values; }
    void setValues(const Values &values);
    bool isModified() const override { return isLoaded() && m_values != m_saved; }
    // Whether the file has an auth.oauth section.
    bool isConfigured() const;
    // The HS256 secret reference the file holds (never the secret), or empty.
    QString secretReference() const;

    // The settings as entered (applied or not), read by the server's own parser, for trying
    // them before applying. ConfigInvalid when they would be refused: the message names the
    // field to fix ("Fix the JWKS URL field: ...").
    Result<auth::OAuthConfig> enteredConfig() const;
    // The field a configuration pointer ("/auth/oauth/jwks_uri") is edited in, or empty.
    static QString fieldName(const std::string &pointer);

protected:
    void readValues(const Json &document) override;
    void writeValues(Json &document) const override;
    std::vector<PendingSecret> typedSecrets(const Json &document) const override;
    void markSaved() override;
    void restoreSaved() override { m_values = m_saved; }

private:
    Values m_values;
    Values m_saved;
};

} // namespace warden
