#!/bin/sh
# Validates the desktop entry and AppStream metadata the packages install.
set -eu
dir=$1
desktop-file-validate "$dir/io.github.warden.Warden.desktop"
appstreamcli validate --no-net "$dir/io.github.warden.Warden.metainfo.xml"
