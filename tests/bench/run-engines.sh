#!/usr/bin/env bash
# End-to-end tools/call figures per engine: the same demo data in SQLite and in PostgreSQL 15,
# one warden-server on each, and the read tools an agent uses most (db_query by key, a
# customer's recent orders, db_get, db_aggregate) driven by mcp_load over Streamable HTTP at
# concurrency 1 and 8. Every call goes the whole way: HTTP, JSON-RPC, policy, compiled SQL on
# the worker pool, redaction, the durable audit record, the answer. Prints figures; asserts
# nothing and builds nothing (build first: cmake --build BUILD_DIR --target warden-server mcp_load).
#
# Usage: tests/bench/run-engines.sh [BUILD_DIR] [--quick]
#   BUILD_DIR   default build/bench (configure it with -DCMAKE_BUILD_TYPE=Release)
#   --quick     a tenth of the calls, to check the set-up
#   --only CALL one of query_by_key, query_recent_orders, get, aggregate
#
# PostgreSQL runs as a throwaway cluster on 127.0.0.1 (tests/scripts/pg-fixture.sh); Warden
# connects to it as the fixture's least-privilege reader role over TCP with scram.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build="$repo/build/bench"
scale=1
only=""
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) scale=10; shift ;;
    --only) only=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "run-engines.sh: unknown option $1" >&2; exit 2 ;;
    *) build=$(cd "$1" && pwd); shift ;;
    esac
done

# shellcheck source=bench-common.sh
. "$repo/tests/bench/bench-common.sh"
require_binaries run-engines.sh "$build"

c1_calls=$((4000 / scale))
c8_calls=$((12000 / scale))
warmup=$((300 / scale))

work=$(mktemp -d "${TMPDIR:-/tmp}/warden-engines.XXXXXX")
chmod 700 "$work"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    sh "$repo/tests/scripts/pg-fixture.sh" stop "$work/pg" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# --- the same demo data in both engines ----------------------------------------------------
mkdir -p "$work/sqlite" "$work/postgres"
"$server" demo create "$work/sqlite/shop.db" >"$work/demo-sqlite.log" 2>&1 || {
    cat "$work/demo-sqlite.log" >&2
    exit 1
}
sh "$repo/tests/scripts/pg-fixture.sh" start "$work/pg" >/dev/null
# shellcheck disable=SC1091
. "$work/pg/pg.env"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
psql_su() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$WARDEN_PG_SOCKET_DIR" \
            -p "$WARDEN_PG_PORT" -U postgres "$@"
    else
        "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$WARDEN_PG_SOCKET_DIR" -p "$WARDEN_PG_PORT" -U postgres "$@"
    fi
}
psql_su -d postgres -c "CREATE DATABASE warden_demo" \
    -c "GRANT CONNECT ON DATABASE warden_demo TO $WARDEN_PG_READER"
"$server" demo create "$work/postgres" --reader-role "$WARDEN_PG_READER" \
    --postgres "host=$WARDEN_PG_SOCKET_DIR port=$WARDEN_PG_PORT dbname=warden_demo user=postgres" \
    >"$work/demo-postgres.log" 2>&1 || {
    cat "$work/demo-postgres.log" >&2
    exit 1
}

# Both servers: audit trail in the work folder, limits off (this measures the call path, not the
# rate limiter), PostgreSQL reached as the reader role over TCP.
python3 - "$work" "$WARDEN_PG_HOST" "$WARDEN_PG_PORT" "$WARDEN_PG_READER" <<'PY'
import json, sys
work, host, port, reader = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
for engine in ("sqlite", "postgres"):
    path = f"{work}/{engine}/warden.json"
    with open(path) as f:
        config = json.load(f)
    config["audit"] = {"path": f"{work}/{engine}/audit.db"}
    config["limits"] = {"principal": {"per_minute": 0}, "tenant": {"per_minute": 0},
                        "max_in_flight_per_principal": 0, "max_in_flight": 0}
    if engine == "postgres":
        config["database"].update({"host": host, "port": port, "user": reader,
                                   "password": "env:WARDEN_DB_PASSWORD"})
    with open(path, "w") as f:
        json.dump(config, f, indent=2)
PY

declare -A url pid
for engine in sqlite postgres; do
    WARDEN_DB_PASSWORD="$WARDEN_PG_READER_PASSWORD" "$server" --config "$work/$engine/warden.json" \
        --http 127.0.0.1:0 --dev --allow-anonymous 2>"$work/$engine/server.log" &
    pid[$engine]=$!
    pids+=("$!")
    if ! wait_until 30 grep -q "listening on http://" "$work/$engine/server.log"; then
        echo "run-engines.sh: warden-server on $engine did not start:" >&2
        cat "$work/$engine/server.log" >&2
        exit 1
    fi
    url[$engine]=$(grep -o "http://[^ ]*/mcp" "$work/$engine/server.log" | head -1)
done

# --- the calls ------------------------------------------------------------------------------
# Ids drawn at random from the demo principal's tenant (1), read from the SQLite copy (both
# engines hold the same rows); the order calls use customers that have orders, so every call
# answers rows (mcp_load counts an empty answer as an error).
customer_ids="SELECT id FROM customers WHERE tenant_id = 1 AND deleted_at IS NULL ORDER BY id"
buyer_ids="SELECT DISTINCT customer_id FROM orders WHERE tenant_id = 1 AND deleted_at IS NULL ORDER BY 1"
order_ids="SELECT id FROM orders WHERE tenant_id = 1 AND deleted_at IS NULL ORDER BY id"
declare -A args ids
args[query_by_key]='{"table":"customers","select":["id","first_name","last_name","email","city"],"where":{"field":"id","op":"eq","value":%ID%},"take":1}'
ids[query_by_key]=$customer_ids
args[query_recent_orders]='{"table":"orders","select":["id","status","total_cents","placed_at"],"where":{"field":"customer_id","op":"eq","value":%ID%},"order_by":[{"field":"placed_at","direction":"desc"}],"take":20}'
ids[query_recent_orders]=$buyer_ids
args[get]='{"table":"orders","id":%ID%}'
ids[get]=$order_ids
args[aggregate]='{"table":"orders","metrics":[{"op":"count"},{"op":"sum","field":"total_cents"}],"where":{"field":"customer_id","op":"eq","value":%ID%},"group_by":["status"]}'
ids[aggregate]=$buyer_ids
calls=(query_by_key query_recent_orders get aggregate)
if [ -n "$only" ]; then
    [ -n "${args[$only]:-}" ] || { echo "run-engines.sh: --only takes one of ${calls[*]}" >&2; exit 2; }
    calls=("$only")
fi

results="$work/results"
: >"$results"
run() { # ENGINE CALL CONCURRENCY COUNT
    local engine=$1 call=$2 c=$3 n=$4 tool
    case "$call" in
    query_*) tool=db_query ;;
    get) tool=db_get ;;
    aggregate) tool=db_aggregate ;;
    esac
    local label="$engine-$call-c$c"
    if ! "$load" --label "$label" --url "${url[$engine]}" --pid "${pid[$engine]}" --tool "$tool" \
        --arguments "${args[$call]}" --ids-db "$work/sqlite/shop.db" --ids-query "${ids[$call]}" \
        -c "$c" -n "$n" --warmup "$warmup" >"$work/out" 2>&1; then
        echo "($label failed)"
        cat "$work/out"
    fi
    grep "first error" "$work/out" | sed "s/^/$label: /" || true
    grep '^RESULT ' "$work/out" >>"$results" || true
}

echo "$("$server" --version 2>&1 | head -1) (build dir $(basename "$build"), commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') (throwaway cluster, fsync off), SQLite $(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)') (library of python3; Warden links the system libsqlite3)"
machine_line
echo "every call: HTTP + JSON-RPC + policy + SQL + redaction + durable audit record (2 fsyncs)"
echo

for call in "${calls[@]}"; do
    for engine in sqlite postgres; do
        run "$engine" "$call" 1 "$c1_calls"
        run "$engine" "$call" 8 "$c8_calls"
    done
done

# --- the table ------------------------------------------------------------------------------
python3 - "$results" <<'PY'
import sys
rows = []
for line in open(sys.argv[1]):
    fields = dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
    rows.append(fields)
if not rows:
    print("no results"); sys.exit(1)
cols = [("label", "run"), ("cps", "calls/s"), ("p50_ms", "p50 ms"), ("p99_ms", "p99 ms"),
        ("errors", "errors"), ("server_cpu_us", "server CPU µs/call")]
cols = [(k, h) for k, h in cols if any(k in r for r in rows)]
width = {k: max(len(h), *(len(r.get(k, "")) for r in rows)) for k, h in cols}
print("  ".join(h.ljust(width[k]) for k, h in cols))
for r in rows:
    print("  ".join(r.get(k, "").ljust(width[k]) for k, _ in cols))
PY
