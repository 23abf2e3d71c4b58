#!/bin/sh
# Fetches and unpacks Debian 12's cpputest source package (CppUTest 4.0) into
# WORK_DIR/cpputest-4.0 with apt-get source, through a private apt
# configuration under WORK_DIR/apt: its own sources list (a deb-src line for
# the mirror the system already uses), package lists and cache, so the
# system's apt state is not touched. Called once per build tree by
# cmake/cpputest-target.cmake. usage: cpputest-fetch.sh WORK_DIR
set -eu
work=$1
version=4.0
src="$work/cpputest-$version"
[ -f "$src/.unpacked" ] && exit 0
command -v dpkg-source >/dev/null || { echo "cpputest-fetch: dpkg-dev is needed (tools/deps.sh test)" >&2; exit 1; }

# The Debian mirror of the system's bookworm stanza, else the default one.
mirror=$(awk '/^URIs:/ { uri = $2 } /^Suites:/ && / bookworm( |$)/ { print uri; exit }' \
         /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

apt="$work/apt"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
echo "deb-src [signed-by=$keyring] $mirror bookworm main" >"$apt/sources.list"
set -- -q -o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null \
       -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache"
# apt drops to the _apt user for downloads, which cannot write into the build tree.
[ "$(id -u)" -eq 0 ] && set -- "$@" -o APT::Sandbox::User=root

apt-get "$@" update >"$apt/update.log" 2>&1 || { cat "$apt/update.log" >&2; exit 1; }
rm -rf "$src"
(cd "$work" && apt-get "$@" source cpputest >"$apt/source.log" 2>&1) ||
  { cat "$apt/source.log" >&2; exit 1; }
[ -d "$src/src/CppUTest" ] || { echo "cpputest-fetch: no $src (not CppUTest $version?)" >&2; exit 1; }
touch "$src/.unpacked"
