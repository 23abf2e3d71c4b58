#!/bin/sh
# Builds the Linux peer the benchmarks compare mipsnet against, on the same
# QEMU Malta board: Debian 12's mipsel 4kc-malta kernel and a small
# initramfs (busybox-static, the pcnet32 and mii modules, bench/linux-peer/init).
# Debian packages only, fetched with apt-get download through a private apt
# configuration under OUT/apt (its own sources list for mipsel, package lists
# and cache), so the system's apt state and architectures are not touched.
# Cached: the .debs are kept in OUT/debs, a second run downloads nothing.
# Writes OUT/vmlinux, OUT/initramfs.cpio.gz and OUT/release.
# usage: bench/linux-peer/build.sh [OUT]   (default build/linux-peer)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/build/linux-peer}
mkdir -p "$out/debs"
out=$(cd "$out" && pwd)
for tool in apt-get dpkg-deb cpio gzip mipsel-linux-gnu-gcc; do   # tools/deps.sh bench
  command -v $tool >/dev/null || { echo "linux-peer: $tool is needed" >&2; exit 1; }
done

# The Debian mirror of the system's bookworm stanza, else the default one.
mirror=$(awk '/^URIs:/ { uri = $2 } /^Suites:/ && / bookworm( |$)/ { print uri; exit }' \
         /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

fetch() {   # apt-get download PACKAGE... into OUT/debs, once
  apt="$out/apt"
  if [ ! -f "$apt/.updated" ]; then
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
    echo "deb [signed-by=$keyring] $mirror bookworm main" >"$apt/sources.list"
    : >"$apt/status"
  fi
  set -- -q -o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null \
         -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" \
         -o Dir::State::status="$apt/status" \
         -o APT::Architecture=mipsel -o APT::Architectures=mipsel "$@"
  # apt drops to the _apt user for downloads, which cannot write into the build tree.
  [ "$(id -u)" -eq 0 ] && set -- -o APT::Sandbox::User=root "$@"
  if [ ! -f "$apt/.updated" ]; then
    apt-get "$@" update >"$apt/update.log" 2>&1 || { cat "$apt/update.log" >&2; exit 1; }
    touch "$apt/.updated"
  fi
  case ${FETCH_WHAT:-} in
    kernel) # linux-image-4kc-malta depends on the newest ABI's image
      apt-cache "$@" depends linux-image-4kc-malta |
        awk '/Depends: linux-image-[0-9]/ { print $2; exit }' ;;
    *) (cd "$out/debs" && apt-get "$@" download $FETCH_WHAT >"$apt/download.log" 2>&1) ||
         { cat "$apt/download.log" >&2; exit 1; } ;;
  esac
}

kdeb=$(ls "$out"/debs/linux-image-*-4kc-malta_*_mipsel.deb 2>/dev/null | head -1 || true)
if [ -z "$kdeb" ]; then
  kpkg=$(FETCH_WHAT=kernel fetch)
  [ -n "$kpkg" ] || { echo "linux-peer: no linux-image-*-4kc-malta for mipsel" >&2; exit 1; }
  FETCH_WHAT=$kpkg fetch
  kdeb=$(ls "$out"/debs/linux-image-*-4kc-malta_*_mipsel.deb | head -1)
fi
bdeb=$(ls "$out"/debs/busybox-static_*_mipsel.deb 2>/dev/null | head -1 || true)
if [ -z "$bdeb" ]; then
  FETCH_WHAT=busybox-static fetch
  bdeb=$(ls "$out"/debs/busybox-static_*_mipsel.deb | head -1)
fi

# iperf3's server, linked statically (bench/linux-peer/iperf3s.c) from the
# static libraries of libiperf-dev, libssl-dev (libcrypto) and libsctp-dev.
for dev in libiperf-dev libssl-dev libsctp-dev; do
  ls "$out"/debs/${dev}_*_mipsel.deb >/dev/null 2>&1 || FETCH_WHAT=$dev fetch
done

# Unpack (again only when a .deb is newer than the last unpack).
pkg="$out/pkg"
if [ ! -f "$pkg/.unpacked" ] || [ ! -d "$pkg/dev" ] || [ "$kdeb" -nt "$pkg/.unpacked" ] || [ "$bdeb" -nt "$pkg/.unpacked" ]; then
  rm -rf "$pkg"
  mkdir -p "$pkg"
  dpkg-deb -x "$kdeb" "$pkg"
  dpkg-deb -x "$bdeb" "$pkg"
  for d in "$out"/debs/libiperf-dev_*.deb "$out"/debs/libssl-dev_*.deb "$out"/debs/libsctp-dev_*.deb; do
    dpkg-deb -x "$d" "$pkg/dev"
  done
  touch "$pkg/.unpacked"
fi
release=$(ls "$pkg/lib/modules" | head -1)
# Debian's malta image is a plain MIPS ELF (vmlinux or, despite the name, vmlinuz).
image=$(ls "$pkg"/boot/vmlinux-"$release" "$pkg"/boot/vmlinuz-"$release" 2>/dev/null | head -1)
[ -n "$image" ] || { echo "linux-peer: no kernel image in $kdeb" >&2; exit 1; }
cp "$image" "$out/vmlinux"
echo "$release" >"$out/release"

# The initramfs tree.
rootfs="$out/rootfs"
rm -rf "$rootfs"
mkdir -p "$rootfs/bin" "$rootfs/sbin" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" \
         "$rootfs/tmp" "$rootfs/www" "$rootfs/lib/modules"
cp "$pkg/bin/busybox" "$rootfs/bin/busybox"
ln -s busybox "$rootfs/bin/sh"
cp "$here/init" "$rootfs/init"
cp "$here/discard" "$here/source" "$rootfs/bin/"
chmod 755 "$rootfs/init" "$rootfs/bin/discard" "$rootfs/bin/source"
# busybox has no UDP echo: a small static one from Debian's cross compiler.
mipsel-linux-gnu-gcc -static -Os -s -Wall -o "$rootfs/bin/udpecho" "$here/udpecho.c"
# Nor a TCP echo that serves many connections from one process.
mipsel-linux-gnu-gcc -static -Os -s -Wall -o "$rootfs/bin/tcpecho" "$here/tcpecho.c"
lib="$pkg/dev/usr/lib/mipsel-linux-gnu"
mipsel-linux-gnu-gcc -static -Os -s -Wall -I"$pkg/dev/usr/include" -o "$rootfs/bin/iperf3s" "$here/iperf3s.c" \
  "$lib/libiperf.a" "$lib/libcrypto.a" "$lib/libsctp.a" -lm -lpthread -latomic 2>"$out/iperf3s.log" ||
  { cat "$out/iperf3s.log" >&2; exit 1; }
# CONFIG_PCNET32=m and CONFIG_MII=m: both modules go in, mii first (pcnet32's
# depends=mii). busybox insmod takes no compressed modules.
kmod="$pkg/lib/modules/$release/kernel/drivers/net"
for m in mii.ko ethernet/amd/pcnet32.ko; do
  name=$(basename "$m")
  if [ -f "$kmod/$m" ]; then
    cp "$kmod/$m" "$rootfs/lib/modules/$name"
  elif [ -f "$kmod/$m.xz" ]; then
    xz -dc "$kmod/$m.xz" >"$rootfs/lib/modules/$name"
  elif grep -q "^kernel/drivers/net/$m" "$pkg/lib/modules/$release/modules.builtin" 2>/dev/null; then
    :   # built in
  else
    echo "linux-peer: $m is neither a module nor built into $release" >&2; exit 1
  fi
done
# httpd's files: a small page and 1 MiB.
printf '<html><body><p>mipsnet linux peer: a small page for request-rate benchmarks.</p></body></html>\n' \
  >"$rootfs/www/small.html"
head -c 1048576 /dev/zero | tr '\0' 'x' >"$rootfs/www/1m.bin"

(cd "$rootfs" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9 >"$out/initramfs.cpio.gz"
echo "linux-peer: $release, $(du -k "$out/vmlinux" | cut -f1) KiB kernel," \
     "$(du -k "$out/initramfs.cpio.gz" | cut -f1) KiB initramfs in $out"
