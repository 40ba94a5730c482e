#pragma once

#include <QMetaObject>
#include <QObject>

#include <functional>
#include <memory>
#include <mutex>

namespace warden {

class McpSession;

// A thread-safe handle on a session that may be destroyed while worker threads still hold
// requests of it. post() queues a call onto the session's thread, or drops it once the
// session is gone: the destructor clears the pointer under the same lock, and Qt discards
// events queued for a deleted receiver.
class SessionLink
{
public:
    // `context` is the session itself, seen as a QObject (the type is incomplete here).
    SessionLink(QObject *context, McpSession *session) : m_context(context), m_session(session) {}

    template<typename Fn>
    void post(Fn &&fn)
    {
        std::lock_guard lock(m_mutex);
        if (!m_session)
            return;
        McpSession *s = m_session;
        QMetaObject::invokeMethod(
            m_context, [s, f = std::forward<Fn>(fn)]() mutable { f(*s); }, Qt::QueuedConnection);
    }

    void clear()
    {
        std::lock_guard lock(m_mutex);
        m_session = nullptr;
        m_context = nullptr;
    }

private:
    std::mutex m_mutex;
    QObject *m_context;
    McpSession *m_session;
};

} // namespace warden
