#!/bin/sh
# Builds the Malta image and boots it in QEMU with the serial console on this
# terminal (Ctrl-A x quits) and user-mode networking: host port 8080 is
# forwarded to the guest's port 80. The guest asks slirp's DHCP server for
# its address (ip=dhcp: 10.0.2.15, gateway 10.0.2.2, DNS 10.0.2.3) unless
# an ip= argument says otherwise. Unless an apps= argument says otherwise,
# the shell, httpd (port 80, so http://127.0.0.1:8080/ on the host),
# inetd (echo, discard, chargen) and iperf3d (port 5201, forwarded as
# 5201) start at boot. Extra arguments go to the
# kernel command line, e.g. tools/boot.sh loglevel=4. Only when an apps=
# argument names telnetd (a shell with NO authentication) is host port
# 2323 (on 127.0.0.1) forwarded to the guest's 23: telnet 127.0.0.1 2323.
#   --be         the big-endian image (preset malta-be, build/malta-be,
#                qemu-system-mips) instead of the little-endian one
#   --gdb        QEMU waits, halted, for gdb on port 1234:
#                gdb-multiarch -x tools/gdbinit (in another terminal)
#   --pcap FILE  every frame of the guest's NIC into FILE (QEMU's
#                filter-dump), for Wireshark or tshark
#   --initrd CPIO  files over the built-in root filesystem (an uncompressed
#                newc archive, e.g. from tools/gen_initramfs.py DIR CPIO)
set -eu
cd "$(dirname "$0")/.."
debug=""
gdb=""
preset=malta
while [ $# -gt 0 ]; do
  case "$1" in
    --be) preset=malta-be; shift ;;
    --gdb) debug="$debug -s -S"; gdb=1; shift ;;
    --pcap) [ $# -ge 2 ] || { echo "--pcap needs a file" >&2; exit 2; }
      debug="$debug -object filter-dump,id=dump0,netdev=n0,file=$2"; shift 2 ;;
    --initrd) [ $# -ge 2 ] || { echo "--initrd needs a file" >&2; exit 2; }
      debug="$debug -initrd $2"; shift 2 ;;
    *) break ;;
  esac
done
tools/deps.sh boot
[ -f "build/$preset/CMakeCache.txt" ] || cmake --preset "$preset" >/dev/null
cmake --build "build/$preset" -j"$(nproc)" >/dev/null
kernel=build/$preset/kernel.elf
qemu=$(tools/qemu-system.sh "$kernel")
[ -z "$gdb" ] || echo "QEMU halted for gdb on :1234: MIPSNET_KERNEL=$kernel gdb-multiarch -x tools/gdbinit" >&2
case " $* " in
  *" ip="*) ;;
  *) set -- "ip=dhcp" "$@" ;;
esac
case " $* " in
  *" apps="*) ;;
  *) set -- "apps=shell,httpd,inetd,iperf3d" "$@" ;;
esac
fwd="hostfwd=tcp::8080-:80,hostfwd=tcp::5201-:5201"
for a in "$@"; do
  case "$a" in
    apps=*) case ",${a#apps=}," in *,telnetd,*) fwd="$fwd,hostfwd=tcp:127.0.0.1:2323-:23" ;; esac ;;
  esac
done
# shellcheck disable=SC2086
exec "$qemu" -M malta -m 128 -nographic -vga none -no-reboot -semihosting $debug \
  -netdev "user,id=n0,$fwd" -device pcnet,netdev=n0,romfile= \
  -kernel "$kernel" -append "$*"
