#!/bin/sh
# Boots the image with the bench app and prints its measurements (guest
# clock; QEMU TCG on this host, so compare numbers only within one run).
# Usage: bench/run.sh [syscall|yield|sleep|all]
set -eu
cd "$(dirname "$0")/.."
[ -f build/malta/kernel.elf ] || { cmake --preset malta >/dev/null && cmake --build build/malta -j"$(nproc)" >/dev/null; }
timeout 120 qemu-system-mipsel -M malta -m 128 -nographic -vga none -no-reboot -nic none \
  -kernel build/malta/kernel.elf -append "loglevel=3 apps=bench bench.args=${1:-all}:poweroff" </dev/null 2>&1 |
  tr -d '\r' | sed -n 's/^bench: //p' | grep -v '^done$'
