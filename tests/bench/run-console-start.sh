#!/usr/bin/env bash
# Console start-up: wall-clock time from launching `warden` on the demo database to its first
# paint of the main window, and the process's peak memory at that moment. The console quits
# right after its first paint when WARDEN_BENCH_FIRST_PAINT is set (app/console/main.cpp);
# nothing else changes, so the server starts as it does for a user. Prints figures; asserts
# nothing and builds nothing (cmake --preset bench && cmake --build build/bench --target warden
# warden-server).
#
# Usage: tests/bench/run-console-start.sh [BUILD_DIR] [--runs N]
#   BUILD_DIR   default build/bench
#   --runs N    warm starts to time (default 15)
# The first start after dropping the page cache is reported as "cold" when this runs as root
# (echo 3 > /proc/sys/vm/drop_caches); otherwise only warm starts are measured.
# QT_QPA_PLATFORM defaults to offscreen (no display needed); set it to xcb to time a real one.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build="$repo/build/bench"
runs=15
while [ $# -gt 0 ]; do
    case "$1" in
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "run-console-start.sh: unknown option $1" >&2; exit 2 ;;
    *) build=$(cd "$1" && pwd); shift ;;
    esac
done
console="$build/bin/warden"
server="$build/bin/warden-server"
for f in "$console" "$server"; do
    if [ ! -x "$f" ]; then
        echo "run-console-start.sh: $f is missing; build the targets warden and warden-server first" >&2
        exit 2
    fi
done
# shellcheck source=bench-common.sh
. "$repo/tests/bench/bench-common.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/warden-start.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$server" demo create "$work/shop.db" >"$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; exit 1; }
python3 - "$work/warden.json" "$work/audit.db" <<'PY'
import json, sys
path, trail = sys.argv[1], sys.argv[2]
config = json.load(open(path))
config["audit"] = {"path": trail}
json.dump(config, open(path, "w"), indent=2)
PY

# Settings, caches and keychain of the run stay in the work folder.
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache"
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
export WARDEN_BENCH_FIRST_PAINT=1

start_once() { # prints "MS KB"
    local before after line
    before=$(date +%s%N)
    line=$("$console" --config "$work/warden.json" --port 0 2>&1 >/dev/null | grep '^FIRST_PAINT' || true)
    if [ -z "$line" ]; then
        echo "run-console-start.sh: the console did not report a first paint" >&2
        exit 1
    fi
    after=$(sed -E 's/.*realtime_ns=([0-9]+).*/\1/' <<<"$line")
    echo "$(((after - before) / 1000)) $(sed -E 's/.*vmhwm="([0-9]+) kB".*/\1/' <<<"$line")"
}

echo "$("$server" --version 2>&1 | head -1) (build dir $(basename "$build"), commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')), QPA $QT_QPA_PLATFORM"
machine_line
if [ "$(id -u)" = 0 ] && sync && echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then
    read -r us kb < <(start_once)
    printf 'cold start (page cache dropped): %.1f ms to first paint, peak RSS %d MB\n' "$(bc -l <<<"$us/1000")" $((kb / 1024))
fi
start_once >/dev/null # warm the cache
: >"$work/times"
for _ in $(seq 1 "$runs"); do start_once >>"$work/times"; done
python3 - "$work/times" <<'PY'
import statistics, sys
rows = [tuple(map(int, l.split())) for l in open(sys.argv[1]) if l.strip()]
ms = sorted(r[0] / 1000 for r in rows)
kb = [r[1] for r in rows]
p90 = ms[min(len(ms) - 1, int(round(0.9 * (len(ms) - 1))))]
print(f"warm start, {len(ms)} runs: median {statistics.median(ms):.1f} ms to first paint, "
      f"p90 {p90:.1f} ms, min {ms[0]:.1f} ms; peak RSS median {statistics.median(kb) / 1024:.0f} MB")
PY
