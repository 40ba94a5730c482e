#!/usr/bin/env bash
# Sets the machine up (tools/setup.sh), builds the console (preset "dev", in
# build/dev-console) and starts `warden`. Arguments after the options go to warden.
#
#   tools/run-console.sh [--no-setup] [warden arguments...]
# Without a display, run it under `xvfb-run -a` or set QT_QPA_PLATFORM=offscreen.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

setup=1
if [ "${1:-}" = "--no-setup" ]; then
    setup=0
    shift
fi
[ "$setup" -eq 0 ] || tools/setup.sh --no-npm

lock() {
    if [ -n "${WARDEN_BUILD_LOCK:-}" ]; then flock "$WARDEN_BUILD_LOCK" "$@"; else "$@"; fi
}
# The "dev" preset's settings in a directory of its own: build/dev may be configured headless.
build=build/dev-console
[ -f "$build/CMakeCache.txt" ] || lock cmake --preset dev -B "$build" -DBUILD_CONSOLE=ON
lock cmake --build "$build" --target warden

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
    echo "run-console.sh: no display; run under xvfb-run -a or set QT_QPA_PLATFORM=offscreen" >&2
    exit 1
fi
exec "$build/bin/warden" "$@"
