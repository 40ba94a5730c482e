#!/bin/sh
# Runs a command against a real but private OS keychain: a temporary HOME and runtime dir,
# a private D-Bus session, and a gnome-keyring unlocked with a throwaway password. The
# user's own keyring and session bus are never touched.
#   usage: with-keychain.sh COMMAND [ARGS...]
set -eu
sandbox=$(mktemp -d "${TMPDIR:-/tmp}/warden-keychain.XXXXXX")
trap 'rm -rf "$sandbox"' EXIT INT TERM
mkdir -m 700 "$sandbox/home" "$sandbox/run"
export HOME="$sandbox/home" XDG_RUNTIME_DIR="$sandbox/run" WARDEN_KEYCHAIN_SANDBOX=1
unset XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME GNOME_KEYRING_CONTROL DISPLAY
# The daemon's output goes to /dev/null so it cannot hold the caller's pipes open.
status=0
dbus-run-session -- sh -c 'echo pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' sh "$@" || status=$?
exit $status
