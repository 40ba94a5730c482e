#pragma once

// Waits (in the event loop) for the one answer of a service call that reports through a
// callback and a context object, as the console's service interfaces do.

#include <QObject>
#include <QTest>

#include <functional>
#include <optional>

namespace warden::test {

// Calls `call(context, done)` and returns what `done` got, or nothing after 30 s. The context
// lives only for the wait: an answer arriving later is dropped by the service.
template<typename T>
std::optional<T> await(const std::function<void(QObject *, std::function<void(T)>)> &call)
{
    std::optional<T> result;
    QObject context;
    call(&context, [&result](T value) { result.emplace(std::move(value)); });
    if (!QTest::qWaitFor([&result] { return result.has_value(); }, 30000))
        return std::nullopt;
    return result;
}

} // namespace warden::test
