#!/usr/bin/env bash
# tools/call throughput of warden-server against Google's MCP Toolbox for Databases on the same
# demo SQLite file, in the same run: HTTP at concurrency 1 and 8, and stdio. Prints figures; it
# builds nothing (build first: cmake --build BUILD_DIR --target warden-server mcp_load).
#
# Usage: tests/bench/run-bench.sh [BUILD_DIR] [--toolbox PATH] [--tenant-id ID] [--quick]
#   BUILD_DIR     default build/bench (configure it with -DCMAKE_BUILD_TYPE=Release)
#   --toolbox     the toolbox binary; default: the one npm installs under tests/clients
#                 (cd tests/clients && npm ci), or $TOOLBOX
#   --tenant-id   run Warden with local_principal.tenant_id set to ID (in a copy of warden.json)
#   --quick       a tenth of the calls, to check the set-up
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build="$repo/build/bench"
toolbox=${TOOLBOX:-"$repo/tests/clients/node_modules/@toolbox-sdk/server-linux-x64/bin/toolbox"}
tenant_override=""
scale=1
while [ $# -gt 0 ]; do
    case "$1" in
    --toolbox) toolbox=$2; shift 2 ;;
    --tenant-id) tenant_override=$2; shift 2 ;;
    --quick) scale=10; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "run-bench.sh: unknown option $1" >&2; exit 2 ;;
    *) build=$(cd "$1" && pwd); shift ;;
    esac
done

# shellcheck source=bench-common.sh
. "$repo/tests/bench/bench-common.sh"
require_binaries run-bench.sh "$build"
have_toolbox=1
if [ ! -x "$toolbox" ]; then
    have_toolbox=0
    echo "run-bench.sh: no Toolbox binary at $toolbox (cd tests/clients && npm ci); Warden only" >&2
fi

c1_calls=$((10000 / scale))
c8_calls=$((40000 / scale))
stdio_calls=$((10000 / scale))
warmup=$((500 / scale))

work=$(mktemp -d "${TMPDIR:-/tmp}/warden-bench.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the demo database, and one point lookup for both servers -----------------------------
"$server" demo create "$work/shop.db" >"$work/demo.log" 2>&1 || {
    cat "$work/demo.log" >&2
    exit 1
}
config="$work/warden.json"
# Warden audits every call (two durable commits each); keep the trail in the work folder. Limits
# off, as in run-engines.sh: the demo's default rate (600 per minute) would make this measure
# how fast Warden refuses, not the call path.
python3 - "$config" "$work/audit.db" <<'PY'
import json, sys
path, trail = sys.argv[1], sys.argv[2]
with open(path) as f:
    config = json.load(f)
config["audit"] = {"path": trail}
config["limits"] = {"principal": {"per_minute": 0}, "tenant": {"per_minute": 0},
                    "max_in_flight_per_principal": 0, "max_in_flight": 0}
with open(path, "w") as f:
    json.dump(config, f, indent=2)
PY
if [ -n "$tenant_override" ]; then
    sed -i -E "s/(\"tenant_id\"[[:space:]]*:[[:space:]]*)\"[^\"]*\"/\1\"$tenant_override\"/" "$config"
fi

# Live customers of the demo principal's tenant (acme), so that both servers return a row for
# every call; the join works whether the tenant key is the integer id or the slug.
ids_query="SELECT c.id FROM customers c JOIN tenants t ON c.tenant_id = t.id OR c.tenant_id = t.slug
           WHERE t.slug = 'acme' AND c.deleted_at IS NULL ORDER BY c.id"
columns='"id","tenant_id","first_name","last_name","email","city"'
warden_args="{\"table\":\"customers\",\"select\":[$columns],\"where\":{\"field\":\"id\",\"op\":\"eq\",\"value\":%ID%},\"take\":1}"
toolbox_args='{"id":%ID%}'

cat >"$work/tools.yaml" <<EOF
kind: source
name: shop
type: sqlite
database: $work/shop.db
---
kind: tool
name: customer_by_id
type: sqlite-sql
source: shop
description: One customer by id.
parameters:
  - name: id
    type: integer
    description: Customer id
statement: SELECT id, tenant_id, first_name, last_name, email, city FROM customers WHERE id = ?
EOF

# --- servers on free loopback ports --------------------------------------------------------
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$((20000 + RANDOM % 40000))
        if ! port_in_use "$p"; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

"$server" --config "$config" --http 127.0.0.1:0 --dev --allow-anonymous 2>"$work/warden.log" &
warden_pid=$!
pids+=("$warden_pid")
if ! wait_until 30 grep -q "listening on http://" "$work/warden.log"; then
    echo "run-bench.sh: warden-server did not start:" >&2
    cat "$work/warden.log" >&2
    exit 1
fi
warden_url=$(grep -o "http://[^ ]*/mcp" "$work/warden.log" | head -1)

if [ "$have_toolbox" = 1 ]; then
    toolbox_port=$(free_port)
    "$toolbox" --config "$work/tools.yaml" --address 127.0.0.1 --port "$toolbox_port" \
        --disable-version-check --disable-reload >"$work/toolbox.log" 2>&1 &
    toolbox_pid=$!
    pids+=("$toolbox_pid")
    if ! wait_until 30 port_in_use "$toolbox_port"; then
        echo "run-bench.sh: Toolbox did not start:" >&2
        cat "$work/toolbox.log" >&2
        exit 1
    fi
    toolbox_url="http://127.0.0.1:$toolbox_port/mcp"
    toolbox_version=$("$toolbox" --version 2>/dev/null | awk '{print $3}')
fi

# --- runs ----------------------------------------------------------------------------------
results="$work/results"
: >"$results"
run() { # LABEL mcp_load-arguments...
    local label=$1
    shift
    echo "--- $label"
    if ! "$load" --label "$label" --ids-db "$work/shop.db" --ids-query "$ids_query" "$@" >"$work/out"; then
        echo "($label failed)"
    fi
    grep -v "^RESULT " "$work/out" || true
    grep '^RESULT ' "$work/out" >>"$results" || true
}
warden_http() { run "$1" --url "$warden_url" --pid "$warden_pid" --tool db_query --arguments "$warden_args" "${@:2}"; }
toolbox_http() { run "$1" --url "$toolbox_url" --pid "$toolbox_pid" --tool customer_by_id --arguments "$toolbox_args" "${@:2}"; }

echo "$("$server" --version 2>&1 | head -1) (build dir $(basename "$build"), commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?'))"
[ "$have_toolbox" = 1 ] && echo "MCP Toolbox for Databases $toolbox_version"
# Other work on the machine skews every figure: say how idle it was just before the runs.
machine_line
echo "lookup: one customer by primary key, ids drawn at random from tenant acme's live customers"
[ -n "$tenant_override" ] && echo "note: Warden runs with local_principal.tenant_id = \"$tenant_override\" (--tenant-id)"
echo

warden_http warden-http-c1 -c 1 -n "$c1_calls" --warmup "$warmup"
[ "$have_toolbox" = 1 ] && toolbox_http toolbox-http-c1 -c 1 -n "$c1_calls" --warmup "$warmup"
warden_http warden-http-c8 -c 8 -n "$c8_calls" --warmup $((warmup / 4))
# The same with an API key on every request (the first use costs one scrypt run, in warmup).
api_key=$("$server" keys create --config "$config" --user bench --tenant "${tenant_override:-1}" --role analyst \
    --scope warden.read --name bench 2>/dev/null)
warden_http warden-http-c8-key -c 8 -n "$c8_calls" --warmup $((warmup / 4)) --authorization "Bearer $api_key"
[ "$have_toolbox" = 1 ] && toolbox_http toolbox-http-c8 -c 8 -n "$c8_calls" --warmup $((warmup / 4))
run warden-stdio --stdio -n "$stdio_calls" --warmup "$warmup" --tool db_query --arguments "$warden_args" \
    --server-stderr "$work/warden-stdio.log" -- "$server" --config "$config" --stdio
if [ "$have_toolbox" = 1 ]; then
    run toolbox-stdio --stdio -n "$stdio_calls" --warmup "$warmup" --tool customer_by_id \
        --arguments "$toolbox_args" --server-stderr "$work/toolbox-stdio.log" \
        -- "$toolbox" --config "$work/tools.yaml" --stdio --disable-version-check --disable-reload
fi

# --- comparison ----------------------------------------------------------------------------
echo
echo "CPU idle after the runs: $(cpu_idle_percent)%"
awk -v have_toolbox="$have_toolbox" '
function field(line, key,   n, i, kv) {
    n = split(line, kv, " ")
    for (i = 1; i <= n; i++)
        if (index(kv[i], key "=") == 1)
            return substr(kv[i], length(key) + 2)
    return ""
}
{
    label = field($0, "label")
    order[++count] = label
    # +0: compare as numbers, not as strings
    cps[label] = field($0, "cps") + 0; p50[label] = field($0, "p50_ms") + 0
    p90[label] = field($0, "p90_ms") + 0; p99[label] = field($0, "p99_ms") + 0
    mx[label] = field($0, "max_ms") + 0; err[label] = field($0, "errors") + 0
    scpu[label] = field($0, "server_cpu_us") + 0; ccpu[label] = field($0, "client_cpu_us") + 0
}
END {
    printf "\n%-16s %10s %9s %9s %9s %9s %7s %12s %12s\n", "run", "calls/s", "p50 ms", "p90 ms",
        "p99 ms", "max ms", "errors", "srv CPU/call", "cli CPU/call"
    for (i = 1; i <= count; i++) {
        l = order[i]
        printf "%-16s %10.0f %9.3f %9.3f %9.3f %9.3f %7d %10.0f us %10.0f us\n", l, cps[l], p50[l],
            p90[l], p99[l], mx[l], err[l], scpu[l], ccpu[l]
    }
    if (have_toolbox != 1)
        exit
    printf "\n%-10s %22s %22s %22s\n", "", "calls/s Warden/Toolbox", "p99 Warden vs Toolbox", "CPU/call Warden/Toolbox"
    n = split("http-c1 http-c8 stdio", kinds, " ")
    for (i = 1; i <= n; i++) {
        w = "warden-" kinds[i]; t = "toolbox-" kinds[i]
        if (!(w in cps) || !(t in cps) || cps[t] == 0 || scpu[t] <= 0)
            continue
        printf "%-10s %21.2fx %10.3f vs %7.3f %21.2fx\n", kinds[i], cps[w] / cps[t], p99[w], p99[t],
            scpu[w] / scpu[t]
    }
    w = "warden-http-c8"; t = "toolbox-http-c8"
    if ((w in cps) && (t in cps)) {
        met = (cps[w] >= 3 * cps[t] && p99[w] < p99[t] && err[w] == 0 && err[t] == 0)
        printf "\ntarget at concurrency 8 (>= 3x Toolbox calls/s and a lower p99, no errors): %s\n",
            met ? "MET" : "MISSED"
    }
}' "$results"
cat <<'EOF'

Notes: Warden writes two durable audit records per call (request, outcome; group commit).
The client shares the machine's cores with the server (its CPU per call is shown).
Toolbox runs a bare parameterised SELECT; Warden applies the demo policy on every call: tenant
scoping, soft-delete filter, column masks (last_name, email), row cap, and returns the rows both
as structuredContent and as a text block. Toolbox applies no policy, masking or tenant scoping.
EOF
