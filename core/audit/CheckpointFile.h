#pragma once

#include "AuditStore.h"
#include "common/Result.h"

#include <QIODevice>

#include <vector>

namespace warden::audit {

// Signed checkpoints exported to a second place (a file an operator keeps elsewhere, a
// ticket, a WORM bucket). `audit verify --checkpoints FILE` then checks the store against
// them: someone who can rewrite the store can delete its tail together with the checkpoints
// inside it, but not the copies kept outside. One JSON object per line:
//   {"seq": N, "time_ms": T, "hash": "<hex>", "reason": "periodic|stop|purge|head", "signature": "<hex>"}
class CheckpointFile
{
public:
    static Status write(const std::vector<Checkpoint> &checkpoints, QIODevice &out);
    static Result<std::vector<Checkpoint>> read(QIODevice &in);
};

} // namespace warden::audit
