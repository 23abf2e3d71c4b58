#!/bin/sh
# Prints the QEMU system emulator for a MIPS ELF image by its byte order
# (ELF header e_ident[EI_DATA]: 1 little-endian, 2 big-endian):
# qemu-system-mipsel or qemu-system-mips (both in Debian's qemu-system-mips).
# usage: tools/qemu-system.sh KERNEL.elf
set -eu
elf=$1
[ -r "$elf" ] || { echo "qemu-system.sh: cannot read $elf" >&2; exit 1; }
magic=$(od -An -c -N4 "$elf" | tr -d ' ')
data=$(od -An -tu1 -j5 -N1 "$elf" | tr -d ' ')
machine=$(od -An -tx1 -j18 -N2 "$elf" | tr -d ' ')
[ "$magic" = "177ELF" ] || { echo "qemu-system.sh: $elf is not an ELF file" >&2; exit 1; }
case "$machine" in
  0008|0800) ;;   # EM_MIPS in either byte order
  *) echo "qemu-system.sh: $elf is not a MIPS ELF image" >&2; exit 1 ;;
esac
case "$data" in
  1) echo qemu-system-mipsel ;;
  2) echo qemu-system-mips ;;
  *) echo "qemu-system.sh: $elf has no known byte order (EI_DATA $data)" >&2; exit 1 ;;
esac
