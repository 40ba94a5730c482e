#pragma once

// Test helper shared by TestDemoDataset and TestDemoDatasetPostgres: a SHA-256 per demo table
// over its rows in id order, in a form both engines produce alike (every value as text, NULL
// as a marker byte, timestamps as YYYY-MM-DDTHH:MM:SSZ). Equal hashes mean equal data.

#include <openssl/evp.h>
#include <sqlite3.h>

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden::test {

class DemoContentHasher
{
public:
    DemoContentHasher()
        : m_ctx(EVP_MD_CTX_new())
    {
        EVP_DigestInit_ex(m_ctx.get(), EVP_sha256(), nullptr);
    }

    void addValue(const std::optional<std::string_view> &value)
    {
        if (value) {
            EVP_DigestUpdate(m_ctx.get(), "V", 1);
            EVP_DigestUpdate(m_ctx.get(), value->data(), value->size());
        } else {
            EVP_DigestUpdate(m_ctx.get(), "\x01N", 2);
        }
        EVP_DigestUpdate(m_ctx.get(), "\x1f", 1);
    }

    void endRow() { EVP_DigestUpdate(m_ctx.get(), "\x1e", 1); }

    std::string hex()
    {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        EVP_DigestFinal_ex(m_ctx.get(), digest, &length);
        std::string out;
        char byte[3];
        for (unsigned int i = 0; i < length; ++i) {
            std::snprintf(byte, sizeof byte, "%02x", digest[i]);
            out += byte;
        }
        return out;
    }

private:
    struct Free
    {
        void operator()(EVP_MD_CTX *ctx) const { EVP_MD_CTX_free(ctx); }
    };
    std::unique_ptr<EVP_MD_CTX, Free> m_ctx;
};

using TableHashes = std::map<std::string, std::string>;

// Hashes every table of a SQLite demo database. Returns an empty map if it cannot be read.
inline TableHashes sqliteDemoHashes(const std::string &path, const std::vector<std::string> &tables)
{
    TableHashes hashes;
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        return {};
    }
    for (const std::string &table : tables) {
        sqlite3_stmt *stmt = nullptr;
        const std::string sql = "SELECT * FROM " + table + " ORDER BY id";
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
            sqlite3_close(db);
            return {};
        }
        DemoContentHasher hasher;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
                if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
                    hasher.addValue(std::nullopt);
                } else {
                    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(stmt, c));
                    hasher.addValue(std::string_view(
                        text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, c))));
                }
            }
            hasher.endRow();
        }
        sqlite3_finalize(stmt);
        hashes[table] = hasher.hex();
    }
    sqlite3_close(db);
    return hashes;
}

} // namespace warden::test
