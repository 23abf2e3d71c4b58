#!/bin/sh
# Installs the Debian packages this project needs, when missing (as root with
# apt-get; otherwise it only says what is missing). Usage: tools/deps.sh [boot|test|bench]
# (bench: the test packages and what bench/linux-peer/build.sh needs)
set -eu
want="cmake make g++ pkg-config xz-utils python3 g++-mipsel-linux-gnu qemu-system-mips newlib-source u-boot-tools"
if [ "${1:-test}" != boot ]; then
  want="$want libcpputest-dev libcjson-dev python3-pytest dpkg-dev iputils-ping arping tshark python3-scapy iproute2 dnsmasq-base socat netcat-openbsd clang libclang-rt-dev hping3 nmap curl iperf3 gdb-multiarch python3-labgrid lava-common telnet wrk chromium"
fi
if [ "${1:-test}" = bench ]; then
  want="$want cpio wrk python3-matplotlib"
fi
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "missing Debian packages:$missing (run as root, or install them)" >&2
  exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
