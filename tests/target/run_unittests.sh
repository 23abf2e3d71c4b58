#!/bin/sh
# Boots the target test image in QEMU with apps=unittest and passes only when
# QEMU exits with status 0 (the runner's failure count, through semihosting)
# and CppUTest's "OK (N tests...)" summary is in the output: a reboot (as
# after a panic), a power-off or a test's own exit also end QEMU with 0, and
# must not read as success.
# usage: run_unittests.sh IMAGE.elf [SECONDS] [CppUTest options, colon-separated]
set -u
image=$1 seconds=${2:-120} args=${3:-}
# panic=-1: a crash reboots at once, which -no-reboot turns into QEMU's exit,
# rather than halting until the timeout.
append="apps=unittest panic=-1"
[ -n "$args" ] && append="$append unittest.args=$args"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# qemu-system-mipsel or qemu-system-mips, by the image's byte order.
qemu=$(sh "$(dirname "$0")/../../tools/qemu-system.sh" "$image") || exit 1
timeout -k 5 "$seconds" "$qemu" -M malta -m 128 -nographic -vga none -no-reboot \
  -semihosting -nic none -kernel "$image" -append "$append" </dev/null >"$out" 2>&1
status=$?
tr -d '\r' <"$out"
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "run_unittests: QEMU killed after $seconds s (hung or crashed before the summary)"
  exit 1
fi
if [ "$status" -ne 0 ]; then
  echo "run_unittests: QEMU exit status $status: $status failed test(s), or QEMU itself failed"
  exit 1
fi
if grep -q 'Kernel panic' "$out"; then
  echo "run_unittests: the kernel panicked during the tests"
  exit 1
fi
if ! grep -Eq '^OK \([0-9]+ tests' "$out"; then
  echo "run_unittests: QEMU exited 0 without CppUTest's OK summary"
  exit 1
fi
