# Shared by the benchmark scripts (sourced, not run): binaries, waiting, and how idle the
# machine was, which every printed figure depends on.

# require_binaries SCRIPT BUILD_DIR: sets $server and $load, or exits 2 saying what to build.
require_binaries() {
    server="$2/bin/warden-server"
    load="$2/bin/mcp_load"
    local f
    for f in "$server" "$load"; do
        if [ ! -x "$f" ]; then
            echo "$1: $f is missing; build the targets warden-server and mcp_load first" >&2
            exit 2
        fi
    done
}

# wait_until SECONDS COMMAND...: true once COMMAND succeeds, false after SECONDS.
wait_until() {
    local limit=$(($1 * 10))
    shift
    for _ in $(seq 1 "$limit"); do
        if "$@"; then return 0; fi
        sleep 0.1
    done
    return 1
}

# Percent of CPU time idle over two seconds.
cpu_idle_percent() {
    local a b
    read -ra a < <(head -1 /proc/stat)
    sleep 2
    read -ra b < <(head -1 /proc/stat)
    local total=0 i
    for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
    echo $((100 * (b[4] + b[5] - a[4] - a[5]) / (total > 0 ? total : 1)))
}

# One line about the machine, for the top of a report.
machine_line() {
    echo "machine: $(nproc) cores, $(uname -r); CPU idle before the runs: $(cpu_idle_percent)%," \
        "load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
