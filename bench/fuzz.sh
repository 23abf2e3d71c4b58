#!/bin/sh
# Runs every libFuzzer target for a long time (default an hour each), one
# after the other, new inputs kept in build/fuzz/tests/fuzz/work/NAME/corpus
# and crashes in .../artifacts. A crash found: copy the input into
# tests/fuzz/regressions/NAME/ with a name saying what it was, then fix it.
# Usage: bench/fuzz.sh [SECONDS_EACH] [TARGET...]
set -eu
cd "$(dirname "$0")/.."
secs=${1:-3600}
[ $# -gt 0 ] && shift
tools/deps.sh test
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$(nproc)" >/dev/null
dir=build/fuzz/tests/fuzz
targets=${*:-$(cd tests/fuzz && ls fuzz_*.cpp | sed 's/\.cpp$//')}
for t in $targets; do
  work=$dir/work/$t
  mkdir -p "$work/corpus" "$work/artifacts"
  echo "== $t: $secs s"
  "$dir/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" "tests/fuzz/corpus/$t" 2>&1 |
    grep -E '^stat::|ERROR|SUMMARY|Test unit written' || true
done
