#!/bin/sh
# Fetches and unpacks Debian 12's cjson source package (cJSON 1.7.15) into
# WORK_DIR/cjson-1.7.15 with apt-get source, through a private apt
# configuration under WORK_DIR/apt, as cmake/cpputest-fetch.sh does for
# CppUTest: the system's apt state is not touched. Called once per build
# tree by cmake/cjson-target.cmake. usage: cjson-fetch.sh WORK_DIR
set -eu
work=$1
version=1.7.15
src="$work/cjson-$version"
[ -f "$src/.unpacked" ] && exit 0
command -v dpkg-source >/dev/null || { echo "cjson-fetch: dpkg-dev is needed (tools/deps.sh test)" >&2; exit 1; }

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
(cd "$work" && apt-get "$@" source cjson >"$apt/source.log" 2>&1) ||
  { cat "$apt/source.log" >&2; exit 1; }
[ -f "$src/cJSON.c" ] || { echo "cjson-fetch: no $src/cJSON.c (not cJSON $version?)" >&2; exit 1; }
touch "$src/.unpacked"
