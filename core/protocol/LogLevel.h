#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace warden {

// RFC 5424 severities as MCP's logging/setLevel names them, lowest first.
enum class LogLevel { Debug, Info, Notice, Warning, Error, Critical, Alert, Emergency };

inline std::optional<LogLevel> parseLogLevel(std::string_view s)
{
    static constexpr std::string_view names[] = {"debug", "info", "notice", "warning",
                                                 "error", "critical", "alert", "emergency"};
    for (int i = 0; i < 8; ++i)
        if (names[i] == s)
            return static_cast<LogLevel>(i);
    return std::nullopt;
}

inline std::string logLevelName(LogLevel l)
{
    static constexpr const char *names[] = {"debug", "info", "notice", "warning",
                                            "error", "critical", "alert", "emergency"};
    return names[static_cast<int>(l)];
}

} // namespace warden
