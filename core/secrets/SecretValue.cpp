#include "SecretValue.h"

#include <openssl/crypto.h>

namespace warden {

SecretValue::SecretValue(std::string_view bytes)
{
    // Reserve exactly once so the vector never reallocates and leaves an unwiped copy.
    m_bytes.reserve(bytes.size() + 1);
    m_bytes.assign(bytes.begin(), bytes.end());
    m_bytes.push_back('\0');
}

SecretValue::~SecretValue()
{
    clear();
}

SecretValue::SecretValue(SecretValue &&other) noexcept
    : m_bytes(std::move(other.m_bytes))
{
    other.m_bytes.clear();
}

SecretValue &SecretValue::operator=(SecretValue &&other) noexcept
{
    if (this != &other) {
        clear();
        m_bytes = std::move(other.m_bytes);
        other.m_bytes.clear();
    }
    return *this;
}

std::string_view SecretValue::view() const
{
    return m_bytes.empty() ? std::string_view()
                           : std::string_view(m_bytes.data(), m_bytes.size() - 1);
}

const char *SecretValue::c_str() const
{
    return m_bytes.empty() ? "" : m_bytes.data();
}

std::size_t SecretValue::size() const
{
    return m_bytes.empty() ? 0 : m_bytes.size() - 1;
}

void SecretValue::clear()
{
    if (!m_bytes.empty())
        wipe(m_bytes.data(), m_bytes.size());
    m_bytes.clear();
    m_bytes.shrink_to_fit();
}

void SecretValue::wipe(void *data, std::size_t size)
{
    if (data && size > 0)
        OPENSSL_cleanse(data, size);
}

void SecretValue::wipe(QByteArray &bytes)
{
    // Static data (literals, fromRawData) has no header and may be read-only: skip it.
    if (!bytes.isEmpty() && bytes.data_ptr().isMutable())
        wipe(const_cast<char *>(bytes.constData()), static_cast<std::size_t>(bytes.size()));
    bytes.clear();
}

void SecretValue::wipe(QString &text)
{
    if (!text.isEmpty() && text.data_ptr().isMutable())
        wipe(const_cast<QChar *>(text.constData()),
             static_cast<std::size_t>(text.size()) * sizeof(QChar));
    text.clear();
}

void SecretValue::wipe(std::string &text)
{
    if (!text.empty())
        wipe(text.data(), text.size());
    text.clear();
}

} // namespace warden
