#!/bin/sh
# Installs what is missing, builds both presets, and runs every test: host
# unit tests (CppUTest), target tests and boot/integration tests under QEMU.
set -eu
cd "$(dirname "$0")/.."
tools/deps.sh test
jobs=$(nproc)
cmake --preset host >/dev/null
cmake --build --preset host -j"$jobs"
cmake --preset malta >/dev/null
cmake --build --preset malta -j"$jobs"
status=0
ctest --preset host || status=1
ctest --preset malta || status=1
exit $status
