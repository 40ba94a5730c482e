#pragma once

#include "common/Json.h"

namespace warden {

struct CallRefusal;

// Where the messages belonging to one inbound request go: for stdio, the process's stdout;
// for HTTP, the POST's response (JSON, or an SSE stream once something precedes the answer).
// Also used for a session's standalone stream (HTTP GET). Main thread only.
class Outbound
{
public:
    virtual ~Outbound() = default;

    // A notification or a server-to-client request related to the request.
    virtual void send(const Json &message) = 0;
    // The final response; the channel closes afterwards.
    virtual void finish(const Json &response) = 0;
    // The final response to a request refused before it ran (CallGate). HTTP answers with
    // the matching status (403, 429) and headers; the default sends it like finish().
    virtual void refuse(const Json &response, const CallRefusal &refusal)
    {
        (void)refusal;
        finish(response);
    }
    // Close without a response (the request was cancelled).
    virtual void abandon() = 0;
    // False once the peer went away; senders may then drop messages.
    virtual bool isOpen() const = 0;
    // Ends the current connection but keeps the stream resumable (HTTP SSE polling, used by
    // the conformance fixtures only); messages sent afterwards wait in the stream's log.
    virtual void disconnectForResumption() {}
};

} // namespace warden
