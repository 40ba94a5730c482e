#pragma once

#include "Error.h"

#include <cassert>
#include <optional>
#include <utility>
#include <variant>

namespace warden {

// A value or an Error. Core functions that can fail return this instead of throwing, so no
// exception crosses a slot, a thread or the event loop.
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_data(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { assert(ok()); return std::get<0>(m_data); }
    const T &value() const & { assert(ok()); return std::get<0>(m_data); }
    T &&value() && { assert(ok()); return std::get<0>(std::move(m_data)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { assert(!ok()); return std::get<1>(m_data); }
    Error &&takeError() { assert(!ok()); return std::get<1>(std::move(m_data)); }

private:
    std::variant<T, Error> m_data;
};

// Result<void>: success or an Error.
template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { assert(!ok()); return *m_error; }
    Error &&takeError() { assert(!ok()); return std::move(*m_error); }

private:
    std::optional<Error> m_error;
};

using Status = Result<void>;

} // namespace warden
