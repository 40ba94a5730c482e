#pragma once

class QCoreApplication;

namespace warden {

// warden-server's command line (DESIGN.md "Command line of warden-server").
// Exit codes: 0 success, 2 bad usage or configuration, 1 anything else.
class ServerCommandLine
{
public:
    static int run(QCoreApplication &app);
};

} // namespace warden
