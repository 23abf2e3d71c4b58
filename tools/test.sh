#!/bin/sh
# Installs what is missing, builds every preset, and runs every test: host
# unit tests (CppUTest), target tests and boot/integration tests under QEMU,
# little-endian; on the big-endian build (malta-be) the target tests, the
# labgrid suite and the boot tests of the byte-order-sensitive paths
# (BE_TESTS below: boot, the NIC, wire, IPv4/ICMP, UDP, DHCP, TCP, HTTP,
# iperf3).
set -eu
cd "$(dirname "$0")/.."
tools/deps.sh test
jobs=$(nproc)
# One seed for every random choice of the run (unit tests, boot tests,
# libFuzzer), new each run; MIPSNET_SEED=N tools/test.sh replays one.
MIPSNET_SEED=${MIPSNET_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
export MIPSNET_SEED
echo "test seed: MIPSNET_SEED=$MIPSNET_SEED"
cmake --preset host >/dev/null
cmake --build --preset host -j"$jobs"
# The same unit tests under AddressSanitizer and UndefinedBehaviorSanitizer.
cmake --preset host-asan >/dev/null
cmake --build --preset host-asan -j"$jobs"
cmake --preset malta >/dev/null
cmake --build --preset malta -j"$jobs"
cmake --preset malta-be >/dev/null
cmake --build --preset malta-be -j"$jobs"
cmake --preset fuzz -DMIPSNET_FUZZ_SEED="$MIPSNET_SEED" >/dev/null
cmake --build --preset fuzz -j"$jobs"
status=0
ctest --preset host || status=1
ctest --preset host-asan || status=1
ctest --preset malta || status=1
# Big-endian: what differs with the byte order (registers, descriptors,
# headers, checksums, /proc formats) in some five minutes; the rest of its
# boot tests pass too (ctest --preset malta-be runs them all) but repeat
# the little-endian run's paths.
BE_TESTS='^(target_unit_tests|hil/qemu|boot/test_(boot|pcnet|net|wire|tcp_wire|udp|dhcp|httpd|iperf3))$'
ctest --preset malta-be -R "$BE_TESTS" || status=1
# libFuzzer: each target's regressions, then 25 s of fuzzing each from the
# run's seed.
ctest --preset fuzz || status=1
# What ran, from the runners' own closing lines (CppUTest's "OK (N tests",
# pytest's "N passed"), which ctest keeps in its logs.
echo "Test counts:"
for preset in host host-asan malta malta-be fuzz; do
  log=build/$preset/Testing/Temporary/LastTest.log
  [ -f "$log" ] || continue
  echo "$preset:"
  # A test's name, then its runner's count lines; a test whose runner
  # prints none (a compile-only check, a regression replay) only in
  # ctest's own summary above.
  sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
    /^"[^"]*" start time/ { name = $1; gsub(/"/, "", name); next }
    /^(OK|Errors) \(|^(=+ )?[0-9]+ (passed|failed|skipped|error)|^stat::number_of_executed_units/ {
      if (name != "") { print "  " name ":"; name = "" }
      line = $0; gsub(/^=+ | =+$/, "", line); print "    " line
    }'
done
echo "test seed: MIPSNET_SEED=$MIPSNET_SEED"
exit $status
