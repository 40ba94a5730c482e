#!/usr/bin/env bash
# What CI runs (.ci/run), in legs, each timed:
#   setup     tools/setup.sh (Debian packages, npm ci in tests/clients)
#   ci        configure + build with preset "ci", then `ctest --preset ci` (everything)
#   asan      preset "asan": AddressSanitizer + UndefinedBehaviorSanitizer, and BUILD_CONSOLE=OFF.
#             One build proves both: core, server and their tests build without Qt Widgets/Gui
#             (no binary links them), and the core + integration tests pass under the
#             sanitizers. When the time budget (WARDEN_CI_BUDGET_S, default 1800 s) has too
#             little left for it, the headless leg runs instead.
#   headless  preset "ci-headless" (BUILD_CONSOLE=OFF, no sanitizers): the same headless proof,
#             quicker; only when asked for or as the asan leg's stand-in
# Exits non-zero if any leg failed.
#
#   tools/run-tests.sh [--no-setup] [--legs "ci asan"]
# Environment: WARDEN_TEST_JOBS (ctest -j, default 2), WARDEN_CI_BUDGET_S, WARDEN_ASAN_MIN_S
# (time the asan leg needs, default 900), WARDEN_BUILD_LOCK (a file to flock around each
# configure/build, for machines shared with other builds), CCACHE_MAXSIZE (default 12G when
# ccache's own setting is its 5 GB default: three build trees do not fit in 5 GB).
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

setup=1
legs="ci asan"
while [ $# -gt 0 ]; do
    case "$1" in
    --no-setup) setup=0 ;;
    --legs)
        legs=$2
        shift
        ;;
    -h | --help)
        sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "run-tests.sh: unknown option $1 (try --help)" >&2
        exit 2
        ;;
    esac
    shift
done

jobs=${WARDEN_TEST_JOBS:-2}
budget=${WARDEN_CI_BUDGET_S:-1800}
asan_min=${WARDEN_ASAN_MIN_S:-900}
# One compiler cache for every build directory: paths are rewritten relative to the checkout,
# so the ci and ci-headless trees share objects.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
if [ -z "${CCACHE_MAXSIZE:-}" ] && command -v ccache >/dev/null \
    && [ "$(ccache -k max_size 2>/dev/null)" = "5.0G" ]; then
    export CCACHE_MAXSIZE=12G
fi
export QT_QPA_PLATFORM=offscreen
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

started=$(date +%s)
failed=0
timings=()
summaries=()

now() { date +%s; }
elapsed() { echo $(($(now) - started)); }
banner() { printf '\n=== %s (t+%ss) ===\n' "$*" "$(elapsed)"; }

locked() {
    if [ -n "${WARDEN_BUILD_LOCK:-}" ]; then
        flock "$WARDEN_BUILD_LOCK" "$@"
    else
        "$@"
    fi
}

# leg NAME STATUS SECONDS
record() {
    timings+=("$(printf '%-15s %-8s %6ss' "$1" "$2" "$3")")
    [ "$2" = ok ] || [ "$2" = skipped ] || failed=1
}

# ctest_leg PRESET [ctest args...]: runs ctest, keeps its summary line.
ctest_leg() {
    local preset=$1
    shift
    local log="build/$preset/ctest-output.log"
    ctest --preset "$preset" --output-on-failure --no-tests=error -j "$jobs" "$@" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    local line
    line=$(grep -E 'tests passed|No tests were found' "$log" | tail -1)
    summaries+=("$(printf '%-12s %s' "$preset" "${line:-ctest printed no summary (exit $rc)}")")
    return "$rc"
}

# gui_free PRESET: true when no binary of the tree links Qt Widgets, Gui or Charts.
gui_free() {
    local widgets
    widgets=$(for f in "build/$1"/bin/*; do ldd "$f" 2>/dev/null | grep -E 'libQt6(Widgets|Gui|Charts)' | sed "s|^|$f: |"; done)
    [ -z "$widgets" ] && return 0
    echo "headless binaries link GUI libraries:"
    echo "$widgets"
    return 1
}

# build_leg PRESET: configure and build.
build_leg() {
    locked cmake --preset "$1" && locked cmake --build --preset "$1"
}

# The headless proof without sanitizers: preset ci-headless, core + integration tests.
headless_leg() {
    banner "headless: build (BUILD_CONSOLE=OFF)"
    local t0
    t0=$(now)
    if build_leg ci-headless && gui_free ci-headless; then
        record headless-build ok $(($(now) - t0))
        banner "headless: ctest core + integration"
        t0=$(now)
        if ctest_leg ci-headless -L '^(core|integration)$'; then
            record headless-test ok $(($(now) - t0))
        else
            record headless-test FAILED $(($(now) - t0))
        fi
    else
        record headless-build FAILED $(($(now) - t0))
    fi
}

if [ "$setup" -eq 1 ]; then
    banner setup
    t0=$(now)
    if tools/setup.sh; then record setup ok $(($(now) - t0)); else record setup FAILED $(($(now) - t0)); fi
fi

for leg in $legs; do
    case "$leg" in
    ci)
        banner "ci: build"
        t0=$(now)
        if build_leg ci; then
            record ci-build ok $(($(now) - t0))
            banner "ci: ctest"
            t0=$(now)
            if ctest_leg ci; then record ci-test ok $(($(now) - t0)); else record ci-test FAILED $(($(now) - t0)); fi
        else
            record ci-build FAILED $(($(now) - t0))
        fi
        ;;
    headless)
        headless_leg
        ;;
    asan)
        left=$((budget - $(elapsed)))
        if [ "$left" -lt "$asan_min" ]; then
            echo "asan: skipped, ${left}s of the ${budget}s budget left (needs ${asan_min}s); the headless leg runs instead"
            record asan skipped 0
            case " $legs " in *" headless "*) ;; *) headless_leg ;; esac
            continue
        fi
        banner "asan: build (AddressSanitizer + UBSan, BUILD_CONSOLE=OFF)"
        t0=$(now)
        if build_leg asan && gui_free asan; then
            record asan-build ok $(($(now) - t0))
            banner "asan: ctest core + integration"
            t0=$(now)
            if ctest_leg asan -L '^(core|integration)$'; then
                record asan-test ok $(($(now) - t0))
            else
                record asan-test FAILED $(($(now) - t0))
            fi
        else
            record asan-build FAILED $(($(now) - t0))
        fi
        ;;
    *)
        echo "run-tests.sh: unknown leg $leg" >&2
        record "$leg" FAILED 0
        ;;
    esac
done

banner summary
printf '%s\n' "${timings[@]}"
printf 'total                    %6ss\n' "$(elapsed)"
echo
if [ ${#summaries[@]} -gt 0 ]; then printf '%s\n' "${summaries[@]}"; else echo "no ctest run completed"; fi
if [ "$failed" -ne 0 ]; then
    echo "run-tests.sh: FAILED"
    exit 1
fi
echo "run-tests.sh: all legs passed"
