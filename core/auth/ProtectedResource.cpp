#include "ProtectedResource.h"

#include <QUrl>

namespace warden::auth {

std::string ProtectedResource::metadataUrl() const
{
    const QUrl url(QString::fromStdString(resource));
    QUrl metadata = url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment);
    QString path = url.path();
    if (path == QLatin1String("/"))
        path.clear();
    metadata.setPath(QStringLiteral("/.well-known/oauth-protected-resource") + path);
    return metadata.toString(QUrl::FullyEncoded).toStdString();
}

Json ProtectedResource::document() const
{
    Json doc = Json::object();
    doc["resource"] = resource;
    doc["authorization_servers"] = authorizationServers;
    doc["scopes_supported"] = scopes;
    doc["bearer_methods_supported"] = Json::array({ "header" });
    doc["resource_name"] = "Warden";
    return doc;
}

} // namespace warden::auth
