#!/bin/sh
# kernel.elf -> the images a boot loader takes, written next to it:
#   kernel.srec    Motorola S-records, the entry point in the S7 record
#                  (YAMON: load tftp://SERVER/kernel.srec, then go)
#   kernel.bin     the loaded bytes from the load address (objcopy -O binary)
#   kernel.uImage  kernel.bin as a U-Boot legacy image (mkimage) carrying the
#                  load address and entry point (tftpboot ADDR kernel.uImage;
#                  bootm ADDR)
# Addresses come from the ELF's program header: one PT_LOAD segment.
set -eu
elf=$1
base=${elf%.elf}
if ! command -v mkimage >/dev/null; then
  echo "bootimages.sh: mkimage not found (Debian's u-boot-tools; tools/deps.sh installs it)" >&2
  exit 1
fi
loads=$(mipsel-linux-gnu-readelf -lW "$elf" | awk '$1 == "LOAD"' | wc -l)
if [ "$loads" -ne 1 ]; then
  echo "bootimages.sh: $elf has $loads loadable segments; a raw image needs exactly one" >&2
  exit 1
fi
load=$(mipsel-linux-gnu-readelf -lW "$elf" | awk '$1 == "LOAD" { print $3 }')
entry=$(mipsel-linux-gnu-readelf -hW "$elf" | awk '/Entry point address/ { print $4 }')
mipsel-linux-gnu-objcopy -O srec --srec-forceS3 "$elf" "$base.srec"
mipsel-linux-gnu-objcopy -O binary "$elf" "$base.bin"
mkimage -A mips -O linux -T kernel -C none -a "$load" -e "$entry" -n mipsnet -d "$base.bin" "$base.uImage" >/dev/null
echo "boot images: $base.srec $base.bin $base.uImage (load $load, entry $entry)"
