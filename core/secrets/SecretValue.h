#pragma once

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

// Secret bytes (a password, an HMAC key) that are wiped when the holder lets go. Move-only,
// so a secret has one owner and no stray copy outlives it; moving never leaves the bytes
// behind (the storage is a heap buffer that changes hands, there is no small-string copy).
// Keep it short-lived: resolve, use, drop.
class SecretValue
{
public:
    SecretValue() = default;
    explicit SecretValue(std::string_view bytes);
    SecretValue(const char *data, std::size_t size)
        : SecretValue(std::string_view(data, size))
    {
    }
    ~SecretValue();

    SecretValue(SecretValue &&other) noexcept;
    SecretValue &operator=(SecretValue &&other) noexcept;
    SecretValue(const SecretValue &) = delete;
    SecretValue &operator=(const SecretValue &) = delete;

    std::string_view view() const;
    // NUL-terminated for C APIs such as libpq; a secret with embedded NULs is cut there.
    const char *c_str() const;
    std::size_t size() const;
    bool isEmpty() const { return size() == 0; }
    void clear();

    // Overwrites memory in a way the optimiser cannot drop.
    static void wipe(void *data, std::size_t size);
    // Overwrite the characters in place and empty the container. For Qt containers this
    // deliberately writes through constData(), so an implicitly shared copy (for example
    // one QtKeychain still holds) is wiped too. Literals and fromRawData data are left alone.
    static void wipe(QByteArray &bytes);
    static void wipe(QString &text);
    static void wipe(std::string &text);

private:
    std::vector<char> m_bytes; // the secret followed by one NUL; empty when there is none
};

} // namespace warden
