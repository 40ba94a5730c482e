#include "CheckpointFile.h"

#include "common/StrictJson.h"
#include "crypto/Crypto.h"

#include <QByteArray>

namespace warden::audit {

Status CheckpointFile::write(const std::vector<Checkpoint> &checkpoints, QIODevice &out)
{
    for (const Checkpoint &c : checkpoints) {
        Json line = Json::object();
        line["seq"] = c.seq;
        line["time_ms"] = c.timeMs;
        line["hash"] = crypto::toHex(c.hash);
        line["reason"] = c.reason;
        line["signature"] = crypto::toHex(c.signature);
        const QByteArray bytes = QByteArray::fromStdString(line.dump() + "\n");
        if (out.write(bytes) != bytes.size())
            return Error(ErrorCode::IoError, "cannot write the checkpoints: " + out.errorString().toStdString());
    }
    return {};
}

Result<std::vector<Checkpoint>> CheckpointFile::read(QIODevice &in)
{
    std::vector<Checkpoint> out;
    int lineNumber = 0;
    while (!in.atEnd()) {
        const QByteArray line = in.readLine(64 * 1024).trimmed();
        ++lineNumber;
        if (line.isEmpty())
            continue;
        auto json = StrictJson::parse(line.toStdString());
        auto bad = [&](const char *what) {
            return Error(ErrorCode::InvalidArgument,
                         "checkpoint file line " + std::to_string(lineNumber) + ": " + what
                             + "; expected {\"seq\", \"time_ms\", \"hash\", \"reason\", \"signature\"} as "
                               "`warden-server audit checkpoints` writes it");
        };
        if (!json || !json->is_object())
            return bad("not a JSON object");
        const Json &j = *json;
        if (!j.contains("seq") || !j["seq"].is_number_integer() || !j.contains("time_ms")
            || !j["time_ms"].is_number_integer() || !j.contains("hash") || !j["hash"].is_string()
            || !j.contains("reason") || !j["reason"].is_string() || !j.contains("signature")
            || !j["signature"].is_string())
            return bad("a field is missing or has the wrong type");
        Checkpoint c;
        c.seq = j["seq"].get<std::int64_t>();
        c.timeMs = j["time_ms"].get<std::int64_t>();
        c.reason = j["reason"].get<std::string>();
        c.hash = QByteArray::fromHex(QByteArray::fromStdString(j["hash"].get<std::string>())).toStdString();
        c.signature = QByteArray::fromHex(QByteArray::fromStdString(j["signature"].get<std::string>())).toStdString();
        if (c.hash.size() != 32 || c.signature.size() != 32)
            return bad("hash and signature must be 64 hex digits");
        out.push_back(std::move(c));
    }
    return out;
}

} // namespace warden::audit
