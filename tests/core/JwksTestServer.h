#pragma once

// A real HTTPS server on 127.0.0.1 for the JWKS tests: a throwaway CA and a server
// certificate (SAN IP:127.0.0.1) made with the OpenSSL C API at test time, a QSslServer, and
// just enough HTTP/1.1 to answer GET with what the test asks for. It counts requests, so
// tests can prove how often a client fetched.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace warden::test {

// A certificate authority and a certificate it issued, as PEM.
struct TlsIdentity
{
    QByteArray caPem;
    QByteArray certPem;
    QByteArray keyPem;

    // A CA named `caName` and a server certificate for 127.0.0.1 and localhost.
    static TlsIdentity make(const char *caName = "Warden Test CA")
    {
        const auto fail = [](const char *what) {
            throw std::runtime_error(std::string("test TLS: ") + what);
        };
        std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> caKey(
            EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free);
        std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
            EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free);
        if (!caKey || !key)
            fail("key generation");
        std::unique_ptr<X509, decltype(&X509_free)> ca(X509_new(), X509_free);
        std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
        const auto fill = [&](X509 *x, EVP_PKEY *subjectKey, const char *cn, long serial) {
            X509_set_version(x, 2);
            ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
            X509_gmtime_adj(X509_getm_notBefore(x), -3600);
            X509_gmtime_adj(X509_getm_notAfter(x), 2 * 24 * 3600);
            X509_set_pubkey(x, subjectKey);
            X509_NAME *name = X509_get_subject_name(x);
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                       reinterpret_cast<const unsigned char *>(cn), -1, -1, 0);
        };
        const auto extend = [&](X509 *x, X509 *issuer, int nid, const char *value) {
            X509V3_CTX ctx;
            X509V3_set_ctx_nodb(&ctx);
            X509V3_set_ctx(&ctx, issuer, x, nullptr, nullptr, 0);
            X509_EXTENSION *ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
            if (!ext || X509_add_ext(x, ext, -1) != 1)
                fail("extension");
            X509_EXTENSION_free(ext);
        };
        fill(ca.get(), caKey.get(), caName, 1);
        X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get()));
        extend(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
        extend(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
        extend(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
        if (X509_sign(ca.get(), caKey.get(), EVP_sha256()) <= 0)
            fail("CA signature");

        fill(cert.get(), key.get(), "127.0.0.1", 2);
        X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get()));
        extend(cert.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
        extend(cert.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
        extend(cert.get(), ca.get(), NID_ext_key_usage, "serverAuth");
        extend(cert.get(), ca.get(), NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
        extend(cert.get(), ca.get(), NID_authority_key_identifier, "keyid");
        if (X509_sign(cert.get(), caKey.get(), EVP_sha256()) <= 0)
            fail("certificate signature");

        const auto pem = [](auto write) {
            BIO *bio = BIO_new(BIO_s_mem());
            write(bio);
            char *data = nullptr;
            const long length = BIO_get_mem_data(bio, &data);
            QByteArray out(data, static_cast<qsizetype>(length));
            BIO_free(bio);
            return out;
        };
        TlsIdentity id;
        id.caPem = pem([&](BIO *b) { PEM_write_bio_X509(b, ca.get()); });
        id.certPem = pem([&](BIO *b) { PEM_write_bio_X509(b, cert.get()); });
        id.keyPem = pem([&](BIO *b) {
            PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
        });
        return id;
    }

    // Writes the CA certificate to `dir`/`name` and returns the path.
    QString writeCa(const QString &dir, const QString &name = QStringLiteral("ca.pem")) const
    {
        const QString path = QDir(dir).filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || file.write(caPem) != caPem.size())
            throw std::runtime_error("test TLS: cannot write the CA file");
        return path;
    }
};

// The HTTPS server. Behaviour is switched between requests with setMode().
class JwksTestServer
{
public:
    enum class Mode {
        Serve, // 200 with body()
        Status, // status() with a short body
        Redirect, // 302 to another path on the same server
        Hang, // read the request, never answer
        Oversize, // 200 announcing and sending oversizeBytes()
        OversizeStream, // 200 without Content-Length: send oversizeBytes(), then hold the
                        // connection
    };

    explicit JwksTestServer(const TlsIdentity &identity)
    {
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setLocalCertificate(QSslCertificate(identity.certPem, QSsl::Pem));
        config.setPrivateKey(QSslKey(identity.keyPem, QSsl::Ec, QSsl::Pem));
        config.setPeerVerifyMode(QSslSocket::VerifyNone);
        m_server.setSslConfiguration(config);
        QObject::connect(&m_server, &QTcpServer::pendingConnectionAvailable, &m_server,
                         [this] { accept(); });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    QUrl url(const QString &path = QStringLiteral("/jwks.json")) const
    {
        return QUrl(QStringLiteral("https://127.0.0.1:%1%2").arg(port()).arg(path));
    }

    void setMode(Mode mode) { m_mode = mode; }
    void setBody(const QByteArray &body) { m_body = body; }
    void setStatus(int status) { m_status = status; }
    void setOversizeBytes(qint64 bytes) { m_oversize = bytes; }
    // Requests whose headers arrived whole (a refused TLS handshake is not one).
    int requests() const { return m_requests; }
    // Connections that completed the TLS handshake.
    int handshakes() const { return m_handshakes; }

private:
    void accept()
    {
        while (m_server.hasPendingConnections()) {
            auto *socket = qobject_cast<QSslSocket *>(m_server.nextPendingConnection());
            if (!socket)
                continue;
            socket->setParent(&m_server);
            if (socket->isEncrypted())
                ++m_handshakes;
            else
                QObject::connect(socket, &QSslSocket::encrypted, socket,
                                 [this] { ++m_handshakes; });
            QObject::connect(socket, &QSslSocket::readyRead, socket,
                             [this, socket] { onReadyRead(socket); });
            QObject::connect(socket, &QSslSocket::disconnected, socket, [this, socket] {
                m_buffers.remove(socket);
                socket->deleteLater();
            });
            if (socket->bytesAvailable() > 0)
                onReadyRead(socket);
        }
    }

    void onReadyRead(QSslSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        if (!buffer.contains("\r\n\r\n"))
            return;
        m_buffers.remove(socket);
        ++m_requests;
        switch (m_mode) {
        case Mode::Serve:
            answer(socket, 200, "OK", m_body);
            break;
        case Mode::Status:
            answer(socket, m_status, "Status", QByteArray("{\"error\":\"unavailable\"}"));
            break;
        case Mode::Redirect:
            socket->write("HTTP/1.1 302 Found\r\nLocation: "
                          + url(QStringLiteral("/moved.json")).toEncoded()
                          + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            socket->disconnectFromHost();
            break;
        case Mode::Hang:
            break;
        case Mode::Oversize:
            answer(socket, 200, "OK", QByteArray(m_oversize, ' '));
            break;
        case Mode::OversizeStream:
            socket->write(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n");
            socket->write(QByteArray(m_oversize, ' '));
            break; // and never finish: only the client's size cap ends this response early
        }
    }

    static void answer(QSslSocket *socket, int status, const char *text, const QByteArray &body)
    {
        socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + text
                      + "\r\nContent-Type: application/json\r\nContent-Length: "
                      + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        socket->disconnectFromHost();
    }

    QSslServer m_server;
    QHash<QSslSocket *, QByteArray> m_buffers;
    Mode m_mode = Mode::Serve;
    QByteArray m_body;
    int m_status = 503;
    qint64 m_oversize = 0;
    int m_requests = 0;
    int m_handshakes = 0;
};

} // namespace warden::test
