// mcp_load: a tools/call load generator for MCP servers, over Streamable HTTP (C keep-alive
// connections, one MCP session each, calls sent sequentially per connection) or over stdio
// (one spawned server, sequential calls). It prints calls/s, latency percentiles, errors and
// the server's CPU time per call. A benchmark, not a test: it asserts nothing.
//
// The HTTP client is a minimal HTTP/1.1 writer and reader on blocking POSIX sockets (one thread
// per connection): the client shares the machine's cores with the server, so it has to be
// cheap. It understands Content-Length and chunked framing and SSE bodies, which is all an MCP
// server sends for a POST.

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace warden::bench {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

constexpr std::string_view kIdToken = "%ID%";

struct Options
{
    std::string url;
    std::vector<std::string> command; // after "--": spawned (stdio: spoken to over its pipes)
    bool stdio = false;
    pid_t pid = 0; // server to read CPU time from when attached
    int concurrency = 1;
    long calls = 1000; // measured calls, all connections together
    long warmup = 200; // per connection
    std::string tool;
    std::string argumentsTemplate; // tools/call arguments with %ID% for the id
    std::vector<std::int64_t> ids;
    std::string idsDb;
    std::string idsQuery;
    std::string protocolVersion = "2025-06-18";
    std::string label = "mcp";
    std::string serverStderr = "/dev/null";
    std::string authorization; // the Authorization header's value, e.g. "Bearer wk_..."
    unsigned seed = 20251125;
    int timeoutSeconds = 30;
};

[[noreturn]] void usage(const std::string &message)
{
    if (!message.empty())
        std::cerr << "mcp_load: " << message << "\n\n";
    std::cerr
        << "Usage: mcp_load --tool NAME --arguments JSON_WITH_%ID% (--ids LIST | --ids-db FILE "
           "--ids-query SQL)\n"
           "                (--url http://HOST:PORT/PATH [--pid PID] [-- SERVER_CMD ...] |\n"
           "                 --stdio -- SERVER_CMD ...)\n"
           "                [--concurrency C] [--calls N] [--warmup W] [--protocol-version V]\n"
           "                [--label NAME] [--seed S] [--server-stderr FILE] [--timeout SECONDS]\n"
           "                [--authorization 'Bearer TOKEN']\n"
           "\n"
           "  --url       attach to a Streamable HTTP endpoint (with '-- CMD', spawn CMD first,\n"
           "              wait for the port and stop it afterwards)\n"
           "  --stdio     spawn CMD and speak newline-delimited JSON-RPC over its pipes (C=1)\n"
           "  --ids       comma-separated ids; --ids-db/--ids-query read them from SQLite\n"
           "  --calls     measured calls in total; each connection sends calls/C sequentially\n"
           "  --warmup    unmeasured calls per connection before the measured phase\n"
           "Prints a summary and one machine-readable line starting with 'RESULT'.\n";
    std::exit(2);
}

Options parseOptions(int argc, char **argv)
{
    Options o;
    auto need = [&](int &i) -> std::string {
        if (i + 1 >= argc)
            usage(std::string(argv[i]) + " needs a value");
        return argv[++i];
    };
    auto number = [&](const std::string &flag, const std::string &text) -> long {
        char *end = nullptr;
        const long v = std::strtol(text.c_str(), &end, 10);
        if (text.empty() || *end != '\0' || v < 0)
            usage(flag + " wants a non-negative integer, got '" + text + "'");
        return v;
    };
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--") {
            for (++i; i < argc; ++i)
                o.command.emplace_back(argv[i]);
            break;
        }
        if (a == "--url")
            o.url = need(i);
        else if (a == "--stdio")
            o.stdio = true;
        else if (a == "--pid")
            o.pid = static_cast<pid_t>(number(a, need(i)));
        else if (a == "--concurrency" || a == "-c")
            o.concurrency = static_cast<int>(number(a, need(i)));
        else if (a == "--calls" || a == "-n")
            o.calls = number(a, need(i));
        else if (a == "--warmup")
            o.warmup = number(a, need(i));
        else if (a == "--tool")
            o.tool = need(i);
        else if (a == "--arguments")
            o.argumentsTemplate = need(i);
        else if (a == "--ids") {
            std::stringstream list(need(i));
            for (std::string item; std::getline(list, item, ',');)
                o.ids.push_back(number(a, item));
        } else if (a == "--ids-db")
            o.idsDb = need(i);
        else if (a == "--ids-query")
            o.idsQuery = need(i);
        else if (a == "--protocol-version")
            o.protocolVersion = need(i);
        else if (a == "--label")
            o.label = need(i);
        else if (a == "--seed")
            o.seed = static_cast<unsigned>(number(a, need(i)));
        else if (a == "--server-stderr")
            o.serverStderr = need(i);
        else if (a == "--timeout")
            o.timeoutSeconds = static_cast<int>(number(a, need(i)));
        else if (a == "--authorization")
            o.authorization = need(i);
        else if (a == "--help" || a == "-h")
            usage({});
        else
            usage("unknown option " + a);
    }
    if (o.tool.empty() || o.argumentsTemplate.empty())
        usage("--tool and --arguments are required");
    if (o.argumentsTemplate.find(kIdToken) == std::string::npos)
        usage("--arguments must contain %ID%");
    if (o.stdio == !o.url.empty())
        usage("give exactly one of --url and --stdio");
    if (o.stdio && o.command.empty())
        usage("--stdio needs '-- SERVER_CMD ...'");
    if (o.stdio && o.concurrency != 1)
        usage("--stdio runs at concurrency 1");
    if (o.concurrency < 1 || o.calls < 1)
        usage("--concurrency and --calls must be at least 1");
    if (o.ids.empty() && (o.idsDb.empty() || o.idsQuery.empty()))
        usage("give --ids or --ids-db with --ids-query");
    return o;
}

std::vector<std::int64_t> loadIds(const std::string &file, const std::string &query)
{
    std::vector<std::int64_t> ids;
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        std::cerr << "mcp_load: cannot open " << file << "\n";
        sqlite3_close(db);
        std::exit(2);
    }
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v2(db, query.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
        std::cerr << "mcp_load: --ids-query failed: " << sqlite3_errmsg(db) << "\n";
        sqlite3_close(db);
        std::exit(2);
    }
    while (sqlite3_step(stmt) == SQLITE_ROW)
        ids.push_back(sqlite3_column_int64(stmt, 0));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return ids;
}

// --- CPU time of a process -------------------------------------------------------------------

// utime + stime of a process in seconds, from /proc/<pid>/stat (fields 14 and 15).
std::optional<double> processCpuSeconds(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!in || !std::getline(in, line))
        return std::nullopt;
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const auto close = line.rfind(')');
    if (close == std::string::npos)
        return std::nullopt;
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    unsigned long long utime = 0;
    unsigned long long stime = 0;
    for (int n = 3; rest >> field; ++n) {
        if (n == 14)
            utime = std::stoull(field);
        if (n == 15) {
            stime = std::stoull(field);
            return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
        }
    }
    return std::nullopt;
}

double selfCpuSeconds()
{
    rusage u {};
    getrusage(RUSAGE_SELF, &u);
    auto seconds = [](const timeval &t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(u.ru_utime) + seconds(u.ru_stime);
}

// --- outcome of one call ---------------------------------------------------------------------

enum class Outcome { Ok, RpcError, ToolError, NoRows, Transport };

struct Tally
{
    long ok = 0;
    long rpcError = 0;
    long toolError = 0;
    long noRows = 0;
    long transport = 0;
    std::string firstProblem;

    void add(Outcome o, const std::string &detail)
    {
        switch (o) {
        case Outcome::Ok:
            ++ok;
            return;
        case Outcome::RpcError:
            ++rpcError;
            break;
        case Outcome::ToolError:
            ++toolError;
            break;
        case Outcome::NoRows:
            ++noRows;
            break;
        case Outcome::Transport:
            ++transport;
            break;
        }
        if (firstProblem.empty())
            firstProblem = detail.substr(0, 400);
    }
    void merge(const Tally &other)
    {
        ok += other.ok;
        rpcError += other.rpcError;
        toolError += other.toolError;
        noRows += other.noRows;
        transport += other.transport;
        if (firstProblem.empty())
            firstProblem = other.firstProblem;
    }
    long errors() const { return rpcError + toolError + noRows + transport; }
};

// Rows in a tools/call result: structuredContent.rows when the server gives it (Warden);
// otherwise one text block per row (Toolbox answers a row per content item, none for no row).
Outcome classify(const std::string &message, std::string &detail)
{
    const Json j = Json::parse(message, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        detail = "unparsable response: " + message;
        return Outcome::RpcError;
    }
    if (j.contains("error")) {
        detail = "JSON-RPC error: " + j["error"].dump();
        return Outcome::RpcError;
    }
    const auto result = j.find("result");
    if (result == j.end() || !result->is_object()) {
        detail = "no result: " + message;
        return Outcome::RpcError;
    }
    if (const auto e = result->find("isError");
        e != result->end() && e->is_boolean() && e->get<bool>()) {
        detail = "isError: " + message;
        return Outcome::ToolError;
    }
    std::size_t rows = 0;
    const auto structured = result->find("structuredContent");
    if (structured != result->end() && structured->is_object() && structured->contains("rows")
        && (*structured)["rows"].is_array()) {
        rows = (*structured)["rows"].size();
    } else if (const auto content = result->find("content");
               content != result->end() && content->is_array()) {
        for (const auto &block : *content)
            if (block.is_object() && block.value("type", "") == "text")
                ++rows;
    }
    if (rows == 0) {
        detail = "zero rows: " + message;
        return Outcome::NoRows;
    }
    return Outcome::Ok;
}

std::string callRequest(const Options &o, long requestId, std::int64_t id)
{
    std::string arguments = o.argumentsTemplate;
    arguments.replace(arguments.find(kIdToken), kIdToken.size(), std::to_string(id));
    std::string body = R"({"jsonrpc":"2.0","id":)";
    body += std::to_string(requestId);
    body += R"(,"method":"tools/call","params":{"name":)";
    body += Json(o.tool).dump();
    body += R"(,"arguments":)";
    body += arguments;
    body += "}}";
    return body;
}

std::string initializeRequest(const Options &o)
{
    return Json {
        { "jsonrpc", "2.0" },
        { "id", 0 },
        { "method", "initialize" },
        { "params",
          { { "protocolVersion", o.protocolVersion },
            { "capabilities", Json::object() },
            { "clientInfo", { { "name", "mcp_load" }, { "version", "1" } } } } }
    }.dump();
}

const std::string kInitialized = R"({"jsonrpc":"2.0","method":"notifications/initialized"})";

// Picks the JSON-RPC response with the given id out of an SSE body ("data:" lines per event).
std::string responseFromSse(const std::string &body, long requestId)
{
    std::string event;
    std::string last;
    auto finish = [&]() -> bool {
        if (event.empty())
            return false;
        const Json j = Json::parse(event, nullptr, false);
        const bool match = !j.is_discarded() && j.is_object() && j.contains("id")
            && j["id"].is_number_integer() && j["id"].get<long>() == requestId;
        if (match)
            last = event;
        event.clear();
        return match;
    };
    std::size_t pos = 0;
    while (pos < body.size()) {
        std::size_t end = body.find('\n', pos);
        if (end == std::string::npos)
            end = body.size();
        std::string_view line(body.data() + pos, end - pos);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.empty()) {
            if (finish())
                return last;
        } else if (line.substr(0, 5) == "data:") {
            line.remove_prefix(5);
            if (!line.empty() && line.front() == ' ')
                line.remove_prefix(1);
            if (!event.empty())
                event += '\n';
            event += line;
        }
        pos = end + 1;
    }
    finish();
    return last;
}

// --- HTTP ----------------------------------------------------------------------------------

struct Url
{
    std::string host;
    std::string port;
    std::string path;
};

Url parseUrl(const std::string &url)
{
    const std::string scheme = "http://";
    if (url.rfind(scheme, 0) != 0)
        usage("only http:// URLs are supported: " + url);
    const std::string rest = url.substr(scheme.size());
    const auto slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    Url u;
    u.path = slash == std::string::npos ? "/" : rest.substr(slash);
    const auto colon = authority.rfind(':');
    if (colon == std::string::npos) {
        u.host = authority;
        u.port = "80";
    } else {
        u.host = authority.substr(0, colon);
        u.port = authority.substr(colon + 1);
    }
    if (u.host.size() > 2 && u.host.front() == '[')
        u.host = u.host.substr(1, u.host.size() - 2);
    return u;
}

struct HttpResponse
{
    int status = 0;
    std::string contentType;
    std::string sessionId;
    bool close = false;
    std::string body;
};

class HttpConnection
{
public:
    HttpConnection(const Url &url, int timeoutSeconds, const std::string &authorization = {})
        : m_url(url)
        , m_timeoutSeconds(timeoutSeconds)
    {
        m_hostHeader = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
        m_hostHeader += ":" + url.port;
        if (!authorization.empty())
            m_extraHeaders = "Authorization: " + authorization + "\r\n";
    }
    ~HttpConnection() { disconnect(); }
    HttpConnection(const HttpConnection &) = delete;
    HttpConnection &operator=(const HttpConnection &) = delete;

    bool connect()
    {
        disconnect();
        addrinfo hints {};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        addrinfo *found = nullptr;
        if (getaddrinfo(m_url.host.c_str(), m_url.port.c_str(), &hints, &found) != 0)
            return false;
        for (addrinfo *a = found; a && m_fd < 0; a = a->ai_next) {
            const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
            if (fd < 0)
                continue;
            if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0)
                m_fd = fd;
            else
                ::close(fd);
        }
        freeaddrinfo(found);
        if (m_fd < 0)
            return false;
        const int one = 1;
        setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        timeval tv {};
        tv.tv_sec = m_timeoutSeconds;
        setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        m_in.clear();
        m_pos = 0;
        return true;
    }

    void disconnect()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

    bool connected() const { return m_fd >= 0; }

    // One POST with keep-alive; reconnects first if the server closed the last exchange.
    std::optional<HttpResponse> post(const std::string &body, const std::string &sessionId,
                                     const std::string &protocolVersion)
    {
        if (m_fd < 0 && !connect())
            return std::nullopt;
        std::string request;
        request.reserve(body.size() + 320);
        request += "POST " + m_url.path + " HTTP/1.1\r\nHost: " + m_hostHeader
            + "\r\nContent-Type: application/json\r\n"
              "Accept: application/json, text/event-stream\r\n";
        request += m_extraHeaders;
        if (!protocolVersion.empty())
            request += "MCP-Protocol-Version: " + protocolVersion + "\r\n";
        if (!sessionId.empty())
            request += "Mcp-Session-Id: " + sessionId + "\r\n";
        request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
        request += body;
        if (!sendAll(request)) {
            disconnect();
            return std::nullopt;
        }
        auto response = readResponse();
        if (!response || response->close)
            disconnect();
        return response;
    }

private:
    bool sendAll(const std::string &data)
    {
        std::size_t sent = 0;
        while (sent < data.size()) {
            const ssize_t n = ::send(m_fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return false;
            sent += static_cast<std::size_t>(n);
        }
        return true;
    }

    bool fill()
    {
        if (m_pos > 0 && m_pos == m_in.size()) {
            m_in.clear();
            m_pos = 0;
        }
        char buffer[16384];
        for (;;) {
            const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return false;
            m_in.append(buffer, static_cast<std::size_t>(n));
            return true;
        }
    }

    bool readLine(std::string &line)
    {
        for (;;) {
            const auto end = m_in.find("\r\n", m_pos);
            if (end != std::string::npos) {
                line.assign(m_in, m_pos, end - m_pos);
                m_pos = end + 2;
                return true;
            }
            if (!fill())
                return false;
        }
    }

    bool readExact(std::size_t count, std::string &out)
    {
        while (m_in.size() - m_pos < count)
            if (!fill())
                return false;
        out.append(m_in, m_pos, count);
        m_pos += count;
        return true;
    }

    static std::string lower(std::string s)
    {
        for (char &c : s)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }

    std::optional<HttpResponse> readResponse()
    {
        HttpResponse r;
        std::string line;
        if (!readLine(line) || line.rfind("HTTP/1.", 0) != 0 || line.size() < 12)
            return std::nullopt;
        r.status = std::atoi(line.c_str() + 9);
        long long contentLength = -1;
        bool chunked = false;
        for (;;) {
            if (!readLine(line))
                return std::nullopt;
            if (line.empty())
                break;
            const auto colon = line.find(':');
            if (colon == std::string::npos)
                continue;
            const std::string name = lower(line.substr(0, colon));
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(" \t"));
            if (name == "content-length")
                contentLength = std::atoll(value.c_str());
            else if (name == "transfer-encoding")
                chunked = lower(value).find("chunked") != std::string::npos;
            else if (name == "content-type")
                r.contentType = lower(value);
            else if (name == "mcp-session-id")
                r.sessionId = value;
            else if (name == "connection")
                r.close = lower(value).find("close") != std::string::npos;
        }
        if (chunked) {
            for (;;) {
                if (!readLine(line))
                    return std::nullopt;
                const std::size_t size = std::strtoul(line.c_str(), nullptr, 16);
                if (size == 0) {
                    do { // trailers, then the empty line
                        if (!readLine(line))
                            return std::nullopt;
                    } while (!line.empty());
                    break;
                }
                if (!readExact(size, r.body) || !readLine(line))
                    return std::nullopt;
            }
        } else if (contentLength >= 0) {
            if (!readExact(static_cast<std::size_t>(contentLength), r.body))
                return std::nullopt;
        } else {
            // No framing: the body runs to the end of the connection.
            while (fill()) { }
            r.body.assign(m_in, m_pos, std::string::npos);
            m_pos = m_in.size();
            r.close = true;
        }
        return r;
    }

    Url m_url;
    int m_timeoutSeconds;
    std::string m_hostHeader;
    std::string m_extraHeaders;
    int m_fd = -1;
    std::string m_in;
    std::size_t m_pos = 0;
};

// --- workers -------------------------------------------------------------------------------

struct WorkerResult
{
    std::vector<std::int64_t> latenciesNs;
    Tally tally;
    std::string fatal;
};

// One MCP session over one keep-alive HTTP connection.
class HttpSession
{
public:
    HttpSession(const Options &o, const Url &url)
        : m_options(o)
        , m_connection(url, o.timeoutSeconds, o.authorization)
    {
    }

    bool initialize(std::string &problem)
    {
        auto init = m_connection.post(initializeRequest(m_options), {}, {});
        if (!init || init->status != 200) {
            problem = init ? "initialize answered HTTP " + std::to_string(init->status) + ": "
                    + init->body.substr(0, 300)
                           : "initialize: no HTTP response (is the server listening?)";
            return false;
        }
        std::string message = init->body;
        if (init->contentType.rfind("text/event-stream", 0) == 0)
            message = responseFromSse(init->body, 0);
        const Json j = Json::parse(message, nullptr, false);
        if (j.is_discarded() || !j.contains("result")) {
            problem = "initialize failed: " + message.substr(0, 300);
            return false;
        }
        m_sessionId = init->sessionId;
        m_protocolVersion = j["result"].value("protocolVersion", m_options.protocolVersion);
        auto ack = m_connection.post(kInitialized, m_sessionId, m_protocolVersion);
        if (!ack || (ack->status != 202 && ack->status != 200)) {
            problem = ack ? "notifications/initialized answered HTTP " + std::to_string(ack->status)
                          : "notifications/initialized: no HTTP response";
            return false;
        }
        return true;
    }

    Outcome call(long requestId, std::int64_t id, std::string &detail)
    {
        auto response = m_connection.post(callRequest(m_options, requestId, id), m_sessionId,
                                          m_protocolVersion);
        if (!response) {
            detail = "transport: no HTTP response";
            return Outcome::Transport;
        }
        if (response->status != 200) {
            detail = "HTTP " + std::to_string(response->status) + ": " + response->body;
            return Outcome::Transport;
        }
        if (response->contentType.rfind("text/event-stream", 0) == 0)
            return classify(responseFromSse(response->body, requestId), detail);
        return classify(response->body, detail);
    }

private:
    const Options &m_options;
    HttpConnection m_connection;
    std::string m_sessionId;
    std::string m_protocolVersion;
};

// A spawned server spoken to over its stdin/stdout, one JSON-RPC message per line.
class StdioSession
{
public:
    explicit StdioSession(const Options &o)
        : m_options(o)
    {
    }
    ~StdioSession() { stop(); }
    StdioSession(const StdioSession &) = delete;
    StdioSession &operator=(const StdioSession &) = delete;

    bool start(std::string &problem)
    {
        int toChild[2];
        int fromChild[2];
        if (pipe2(toChild, O_CLOEXEC) != 0 || pipe2(fromChild, O_CLOEXEC) != 0) {
            problem = "pipe failed";
            return false;
        }
        m_pid = fork();
        if (m_pid < 0) {
            problem = "fork failed";
            return false;
        }
        if (m_pid == 0) {
            dup2(toChild[0], STDIN_FILENO);
            dup2(fromChild[1], STDOUT_FILENO);
            const int err =
                ::open(m_options.serverStderr.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (err >= 0)
                dup2(err, STDERR_FILENO);
            std::vector<char *> argv;
            for (const auto &a : m_options.command)
                argv.push_back(const_cast<char *>(a.c_str()));
            argv.push_back(nullptr);
            execvp(argv[0], argv.data());
            _exit(127);
        }
        ::close(toChild[0]);
        ::close(fromChild[1]);
        m_in = toChild[1];
        m_out = fromChild[0];
        if (!writeLine(initializeRequest(m_options))) {
            problem = "cannot write to the server";
            return false;
        }
        std::string line;
        if (!readResponse(0, line)) {
            problem = "no answer to initialize (does the command start a stdio server?)";
            return false;
        }
        const Json j = Json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.contains("result")) {
            problem = "initialize failed: " + line.substr(0, 300);
            return false;
        }
        return writeLine(kInitialized);
    }

    pid_t pid() const { return m_pid; }

    Outcome call(long requestId, std::int64_t id, std::string &detail)
    {
        std::string line;
        if (!writeLine(callRequest(m_options, requestId, id)) || !readResponse(requestId, line)) {
            detail = "transport: the server's stdout closed";
            return Outcome::Transport;
        }
        return classify(line, detail);
    }

    // Closes stdin (a stdio server exits on EOF), then waits up to 2 s before SIGTERM.
    void stop()
    {
        if (m_in >= 0)
            ::close(m_in);
        m_in = -1;
        if (m_pid > 0) {
            int status = 0;
            bool gone = false;
            for (int i = 0; i < 200 && !gone; ++i) {
                gone = waitpid(m_pid, &status, WNOHANG) == m_pid;
                if (!gone)
                    usleep(10000);
            }
            if (!gone) {
                kill(m_pid, SIGTERM);
                waitpid(m_pid, &status, 0);
            }
            m_pid = -1;
        }
        if (m_out >= 0)
            ::close(m_out);
        m_out = -1;
    }

private:
    bool writeLine(const std::string &message)
    {
        std::string data = message;
        data += '\n';
        std::size_t sent = 0;
        while (sent < data.size()) {
            const ssize_t n = ::write(m_in, data.data() + sent, data.size() - sent);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return false;
            sent += static_cast<std::size_t>(n);
        }
        return true;
    }

    // Reads lines until the response with this id; notifications in between are skipped.
    bool readResponse(long requestId, std::string &line)
    {
        const std::string idMarker = "\"id\":" + std::to_string(requestId);
        for (;;) {
            const auto end = m_buffer.find('\n', m_pos);
            if (end == std::string::npos) {
                if (m_pos > 0) {
                    m_buffer.erase(0, m_pos);
                    m_pos = 0;
                }
                char chunk[16384];
                const ssize_t n = ::read(m_out, chunk, sizeof chunk);
                if (n < 0 && errno == EINTR)
                    continue;
                if (n <= 0)
                    return false;
                m_buffer.append(chunk, static_cast<std::size_t>(n));
                continue;
            }
            line.assign(m_buffer, m_pos, end - m_pos);
            m_pos = end + 1;
            if (line.find(idMarker) == std::string::npos)
                continue; // a notification or a server request: not ours
            const Json j = Json::parse(line, nullptr, false);
            if (!j.is_discarded() && j.is_object() && j.contains("id")
                && j["id"].is_number_integer() && j["id"].get<long>() == requestId
                && !j.contains("method"))
                return true;
        }
    }

    const Options &m_options;
    pid_t m_pid = -1;
    int m_in = -1;
    int m_out = -1;
    std::string m_buffer;
    std::size_t m_pos = 0;
};

// --- spawning an HTTP server -----------------------------------------------------------------

pid_t spawnServer(const Options &o)
{
    const pid_t pid = fork();
    if (pid == 0) {
        const int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, STDIN_FILENO);
        const int err = ::open(o.serverStderr.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (err >= 0) {
            dup2(err, STDOUT_FILENO);
            dup2(err, STDERR_FILENO);
        }
        std::vector<char *> argv;
        for (const auto &a : o.command)
            argv.push_back(const_cast<char *>(a.c_str()));
        argv.push_back(nullptr);
        execvp(argv[0], argv.data());
        _exit(127);
    }
    return pid;
}

bool waitForPort(const Url &url, pid_t pid, std::chrono::seconds limit)
{
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) == pid)
            return false;
        HttpConnection probe(url, 1);
        if (probe.connect())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

// --- report --------------------------------------------------------------------------------

double percentileMs(const std::vector<std::int64_t> &sorted, double p)
{
    if (sorted.empty())
        return 0;
    // Nearest rank: the smallest value with at least p of the samples at or below it.
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
    const std::size_t index = std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1);
    return static_cast<double>(sorted[index]) / 1e6;
}

struct Measurement
{
    std::vector<std::int64_t> latenciesNs;
    Tally tally;
    double seconds = 0;
    std::optional<double> serverCpuSeconds;
    double clientCpuSeconds = 0;
};

void report(const Options &o, Measurement &m, long connections)
{
    std::sort(m.latenciesNs.begin(), m.latenciesNs.end());
    const long calls = static_cast<long>(m.latenciesNs.size());
    const double cps = m.seconds > 0 ? static_cast<double>(calls) / m.seconds : 0;
    const double p50 = percentileMs(m.latenciesNs, 0.50);
    const double p90 = percentileMs(m.latenciesNs, 0.90);
    const double p99 = percentileMs(m.latenciesNs, 0.99);
    const double max = m.latenciesNs.empty() ? 0 : static_cast<double>(m.latenciesNs.back()) / 1e6;
    const double serverCpuUs = m.serverCpuSeconds && calls > 0
        ? *m.serverCpuSeconds * 1e6 / static_cast<double>(calls)
        : -1;
    const double clientCpuUs =
        calls > 0 ? m.clientCpuSeconds * 1e6 / static_cast<double>(calls) : 0;

    char line[1024];
    std::snprintf(
        line, sizeof line,
        "%s: %ld calls over %ld connection(s) in %.2f s = %.0f calls/s\n"
        "  latency ms: p50 %.3f  p90 %.3f  p99 %.3f  max %.3f\n"
        "  errors %ld (JSON-RPC %ld, isError %ld, zero rows %ld, transport %ld)\n"
        "  server CPU per call: %s   client CPU per call: %.1f us\n",
        o.label.c_str(), calls, connections, m.seconds, cps, p50, p90, p99, max, m.tally.errors(),
        m.tally.rpcError, m.tally.toolError, m.tally.noRows, m.tally.transport,
        serverCpuUs >= 0
            ? (std::to_string(static_cast<long>(std::lround(serverCpuUs))) + " us").c_str()
            : "n/a (no --pid)",
        clientCpuUs);
    std::cout << line;
    if (!m.tally.firstProblem.empty())
        std::cout << "  first error: " << m.tally.firstProblem << "\n";
    std::snprintf(line, sizeof line,
                  "RESULT label=%s calls=%ld errors=%ld seconds=%.3f cps=%.1f p50_ms=%.3f "
                  "p90_ms=%.3f p99_ms=%.3f max_ms=%.3f server_cpu_us=%.1f client_cpu_us=%.1f\n",
                  o.label.c_str(), calls, m.tally.errors(), m.seconds, cps, p50, p90, p99, max,
                  serverCpuUs, clientCpuUs);
    std::cout << line << std::flush;
}

std::int64_t pick(std::mt19937_64 &rng, const std::vector<std::int64_t> &ids)
{
    return ids[std::uniform_int_distribution<std::size_t>(0, ids.size() - 1)(rng)];
}

int runHttp(const Options &o)
{
    const Url url = parseUrl(o.url);
    pid_t serverPid = o.pid;
    bool spawned = false;
    if (!o.command.empty()) {
        serverPid = spawnServer(o);
        spawned = true;
        if (serverPid < 0 || !waitForPort(url, serverPid, std::chrono::seconds(30))) {
            std::cerr << "mcp_load: the server did not start listening on " << o.url << "\n";
            if (serverPid > 0) {
                kill(serverPid, SIGTERM);
                waitpid(serverPid, nullptr, 0);
            }
            return 1;
        }
    }

    const int c = o.concurrency;
    std::vector<WorkerResult> results(static_cast<std::size_t>(c));
    // Phase 1: every connection is set up and warm; phase 2: main has taken the start readings.
    std::barrier ready(c + 1);
    std::barrier go(c + 1);
    std::vector<std::thread> threads;
    for (int w = 0; w < c; ++w) {
        const long share = o.calls / c + (w < o.calls % c ? 1 : 0);
        threads.emplace_back([&, w, share] {
            WorkerResult &r = results[static_cast<std::size_t>(w)];
            std::mt19937_64 rng(o.seed + static_cast<unsigned>(w) * 7919u);
            HttpSession session(o, url);
            std::string detail;
            bool usable = session.initialize(r.fatal);
            long requestId = 1;
            for (long i = 0; usable && i < o.warmup; ++i)
                session.call(requestId++, pick(rng, o.ids), detail);
            ready.arrive_and_wait();
            go.arrive_and_wait();
            if (!usable)
                return;
            r.latenciesNs.reserve(static_cast<std::size_t>(share));
            for (long i = 0; i < share; ++i) {
                const std::int64_t id = pick(rng, o.ids);
                const auto start = Clock::now();
                const Outcome outcome = session.call(requestId++, id, detail);
                const auto end = Clock::now();
                r.latenciesNs.push_back(
                    std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
                r.tally.add(outcome, detail);
            }
        });
    }
    ready.arrive_and_wait();
    const auto cpuBefore = serverPid > 0 ? processCpuSeconds(serverPid) : std::nullopt;
    const double clientBefore = selfCpuSeconds();
    const auto t0 = Clock::now();
    go.arrive_and_wait();
    for (auto &t : threads)
        t.join();
    const auto t1 = Clock::now();
    const double clientAfter = selfCpuSeconds();
    const auto cpuAfter = serverPid > 0 ? processCpuSeconds(serverPid) : std::nullopt;

    Measurement m;
    m.seconds = std::chrono::duration<double>(t1 - t0).count();
    m.clientCpuSeconds = clientAfter - clientBefore;
    if (cpuBefore && cpuAfter)
        m.serverCpuSeconds = *cpuAfter - *cpuBefore;
    int fatal = 0;
    for (auto &r : results) {
        if (!r.fatal.empty()) {
            std::cerr << "mcp_load: " << o.label << ": " << r.fatal << "\n";
            ++fatal;
        }
        m.latenciesNs.insert(m.latenciesNs.end(), r.latenciesNs.begin(), r.latenciesNs.end());
        m.tally.merge(r.tally);
    }
    if (spawned) {
        kill(serverPid, SIGTERM);
        waitpid(serverPid, nullptr, 0);
    }
    if (fatal == c)
        return 1;
    report(o, m, c);
    return 0;
}

int runStdio(const Options &o)
{
    StdioSession session(o);
    std::string problem;
    if (!session.start(problem)) {
        std::cerr << "mcp_load: " << o.label << ": " << problem << "\n";
        return 1;
    }
    std::mt19937_64 rng(o.seed);
    std::string detail;
    long requestId = 1;
    for (long i = 0; i < o.warmup; ++i)
        session.call(requestId++, pick(rng, o.ids), detail);

    Measurement m;
    m.latenciesNs.reserve(static_cast<std::size_t>(o.calls));
    const auto cpuBefore = processCpuSeconds(session.pid());
    const double clientBefore = selfCpuSeconds();
    const auto t0 = Clock::now();
    for (long i = 0; i < o.calls; ++i) {
        const std::int64_t id = pick(rng, o.ids);
        const auto start = Clock::now();
        const Outcome outcome = session.call(requestId++, id, detail);
        const auto end = Clock::now();
        m.latenciesNs.push_back(
            std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
        m.tally.add(outcome, detail);
        if (outcome == Outcome::Transport)
            break;
    }
    const auto t1 = Clock::now();
    const double clientAfter = selfCpuSeconds();
    const auto cpuAfter = processCpuSeconds(session.pid());
    session.stop();

    m.seconds = std::chrono::duration<double>(t1 - t0).count();
    m.clientCpuSeconds = clientAfter - clientBefore;
    if (cpuBefore && cpuAfter)
        m.serverCpuSeconds = *cpuAfter - *cpuBefore;
    report(o, m, 1);
    return 0;
}

} // namespace
} // namespace warden::bench

int main(int argc, char **argv)
{
    using namespace warden::bench;
    std::signal(SIGPIPE, SIG_IGN);
    Options o = parseOptions(argc, argv);
    if (o.ids.empty())
        o.ids = loadIds(o.idsDb, o.idsQuery);
    if (o.ids.empty()) {
        std::cerr << "mcp_load: no ids to look up (check --ids-query)\n";
        return 2;
    }
    return o.stdio ? runStdio(o) : runHttp(o);
}
