#!/usr/bin/python3
"""UDP benchmark (not a test): the guest on a tap device in a network
namespace of its own (removed afterwards). In one run: echo round trips per
second between a host socket and the guest's udpecho (one datagram in
flight, 64 and 1472 octets), then 1472-octet datagrams blasted from the
host for SECONDS into the guest's discard socket (udpecho -D), counting
what the socket read against what the driver received (eth0's rx counter)
and what the socket had to drop (Udp: RcvbufErrors). Run as root.
Usage: bench/udp.py [SECONDS]"""
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests/boot"))
from qemu import Qemu  # noqa: E402

NS = f"mipsnet-bench-{os.getpid()}"
GUEST, HOST = "10.0.9.2", "10.0.9.1"
SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5

ECHO = r'''
import socket, sys, time
guest, size, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
s.connect((guest, 7))
data = b"e" * size
n = lost = 0
end = time.monotonic() + secs
while time.monotonic() < end:
    s.send(data)
    try:
        while s.recv(65535) != data:
            pass
        n += 1
    except socket.timeout:
        lost += 1
print(n, lost)
'''

BLAST = r'''
import socket, sys, time
guest, secs = sys.argv[1], float(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect((guest, 9))
data = b"d" * 1472
n = 0
end = time.monotonic() + secs
while time.monotonic() < end:
    for _ in range(64):
        try:
            s.send(data)
            n += 1
        except OSError:
            pass   # the host's own queue full, or an ICMP error: keep going
print(n)
'''


def inside(*cmd, check=True):
    return subprocess.run(["ip", "netns", "exec", NS, *cmd], capture_output=True, text=True,
                          check=check).stdout


def eth0_rx(q):
    line = next(l for l in q.run("cat /proc/net/dev").splitlines() if l.strip().startswith("eth0:"))
    return int(line.split(":", 1)[1].split()[1])   # packets, after bytes


def udp_mib(q):
    rows = [l.split() for l in q.run("cat /proc/net/snmp").splitlines() if l.startswith("Udp:")]
    return dict(zip(rows[0][1:], map(int, rows[1][1:])))


def main():
    subprocess.run(["ip", "netns", "add", NS], check=True)
    q = None
    try:
        inside("ip", "tuntap", "add", "dev", "tap0", "mode", "tap")
        inside("sysctl", "-qw", "net.ipv6.conf.tap0.disable_ipv6=1", check=False)
        inside("ip", "addr", "add", f"{HOST}/24", "dev", "tap0")
        inside("ip", "link", "set", "tap0", "up")
        q = Qemu(f"ip={GUEST}::{HOST}:255.255.255.0::eth0:off loglevel=3",
                 wrapper=("ip", "netns", "exec", NS),
                 net=("-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                      "-device", "pcnet,netdev=n0,romfile="))
        q.expect("mipsnet> ", timeout=30)
        q.run("run udpecho &")
        q.expect("udpecho: listening on port 7")
        inside("ping", "-c", "2", "-i", "0.2", GUEST)   # ARP both ways first
        for size in (64, 1472):
            n, lost = map(int, inside("/usr/bin/python3", "-c", ECHO, GUEST, str(size), str(SECONDS)).split())
            print(f"UDP echo {size} B: {n / SECONDS:.0f} round trips/s ({n} in {SECONDS} s, {lost} timed out)")
        q.run(f"run udpecho -D -t 2 &")
        q.expect("udpecho: discarding on port 9")
        before, rx0 = udp_mib(q), eth0_rx(q)
        sent = int(inside("/usr/bin/python3", "-c", BLAST, GUEST, str(SECONDS)))
        m = q.expect(r"udpecho: (\d+) datagrams \((\d+) octets\) discarded", timeout=SECONDS + 20)
        read = int(m.group(1))
        after, rx1 = udp_mib(q), eth0_rx(q)
        driver = rx1 - rx0
        print(f"UDP receive 1472 B for {SECONDS} s: host sent {sent}, driver received {driver} frames "
              f"({driver / SECONDS:.0f}/s), socket read {read} ({read / SECONDS:.0f}/s, "
              f"{read * 1472 * 8 / SECONDS / 1e6:.1f} Mbit/s of payload), "
              f"RcvbufErrors {after['RcvbufErrors'] - before['RcvbufErrors']}, "
              f"ratio read/driver {read / max(driver, 1):.2f}")
    finally:
        if q:
            q.close()
        subprocess.run(["ip", "netns", "del", NS], capture_output=True)


if __name__ == "__main__":
    main()
