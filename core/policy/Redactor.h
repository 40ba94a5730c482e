#pragma once

#include "Policy.h"
#include "common/Json.h"

#include <string>

namespace warden {

// Turns a column's raw value into what a caller may see: masked text or a keyed hash.
// The hash is HMAC-SHA256 under a secret key, so a dictionary of likely values (emails,
// national ids) cannot be hashed offline and matched.
class Redactor
{
public:
    explicit Redactor(std::string hashKey) : m_hashKey(std::move(hashKey)) {}

    Json apply(const ColumnView &column, const Json &value) const;

    static std::string mask(const MaskSpec &spec, const std::string &value);
    std::string hash(const std::string &value) const;

private:
    std::string m_hashKey;
};

} // namespace warden
