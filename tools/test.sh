#!/bin/sh
# Installs what is missing, builds both presets, and runs every test: host
# unit tests (CppUTest), target tests and boot/integration tests under QEMU.
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
cmake --preset fuzz -DMIPSNET_FUZZ_SEED="$MIPSNET_SEED" >/dev/null
cmake --build --preset fuzz -j"$jobs"
status=0
ctest --preset host || status=1
ctest --preset host-asan || status=1
ctest --preset malta || status=1
# libFuzzer: each target's regressions, then 25 s of fuzzing each from the
# run's seed.
ctest --preset fuzz || status=1
# What ran, from the runners' own closing lines (CppUTest's "OK (N tests",
# pytest's "N passed"), which ctest keeps in its logs.
echo "Test counts:"
for preset in host host-asan malta fuzz; do
  log=build/$preset/Testing/Temporary/LastTest.log
  [ -f "$log" ] || continue
  sed 's/\x1b\[[0-9;]*m//g' "$log" |
    grep -E '^(OK|Errors) \(|^"[^"]*" start time|^=*.*[0-9]+ (passed|failed|skipped|error)|^stat::number_of_executed_units' |
    sed -E 's/^=+ (.*) =+$/    \1/; s/^([0-9]+ (passed|failed|skipped|error))/    \1/; s/^(OK|Errors) /    \1 /; s/^"([^"]*)" start time.*/  \1:/'
done
echo "test seed: MIPSNET_SEED=$MIPSNET_SEED"
exit $status
