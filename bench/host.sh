#!/bin/sh
# Host timings of the allocator and the net core's hot paths (x86-64, the
# portable code as the unit tests build it). Usage: bench/host.sh
set -eu
cd "$(dirname "$0")/.."
cmake --preset host >/dev/null
cmake --build --preset host --target host_bench -j"$(nproc)" >/dev/null
exec build/host/bench/host/host_bench -v
