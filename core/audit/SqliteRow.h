#pragma once

// Small helpers the audit store, verifier and query share for reading SQLite rows.

#include <sqlite3.h>

#include <optional>
#include <string>

namespace warden::audit::sqlite {

// Finalizes its statement when it goes out of scope.
struct Statement
{
    sqlite3_stmt *stmt = nullptr;
    Statement() = default;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    ~Statement() { sqlite3_finalize(stmt); }
};

inline std::string blob(sqlite3_stmt *stmt, int column)
{
    const void *data = sqlite3_column_blob(stmt, column);
    return data ? std::string(static_cast<const char *>(data), std::size_t(sqlite3_column_bytes(stmt, column)))
                : std::string();
}

// NULL stays distinct from the empty string.
inline std::optional<std::string> text(sqlite3_stmt *stmt, int column)
{
    if (sqlite3_column_type(stmt, column) == SQLITE_NULL)
        return std::nullopt;
    return std::string(reinterpret_cast<const char *>(sqlite3_column_text(stmt, column)),
                       std::size_t(sqlite3_column_bytes(stmt, column)));
}

} // namespace warden::audit::sqlite
