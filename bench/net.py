#!/usr/bin/python3
"""Network benchmark (not a test): the guest on a tap device in a network
namespace of its own (removed afterwards), the host's iputils ping against
it. Prints ping RTT, echo replies per second under a flood, and the frames
per second a PF_PACKET socket in the guest (sniff -q) receives against what
the driver itself received in the same run (eth0's rx counter). Run as root.
Usage: bench/net.py [FLOOD_SECONDS]"""
import contextlib
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests/boot"))
from qemu import KERNEL, Qemu  # noqa: E402

NS = f"mipsnet-bench-{os.getpid()}"
GUEST, HOST = "10.0.9.2", "10.0.9.1"
GUEST_MAC = "52:54:00:12:34:56"   # QEMU's default for the first NIC


def inside(*cmd, check=True):
    return subprocess.run(["ip", "netns", "exec", NS, *cmd], capture_output=True, text=True,
                          check=check).stdout


def eth0_rx(q):
    line = next(l for l in q.run("cat /proc/net/dev").splitlines() if l.strip().startswith("eth0:"))
    return int(line.split(":", 1)[1].split()[1])   # packets, after bytes


def ping_stats(out):
    sent, got = map(int, re.search(r"(\d+) packets transmitted, (\d+) received", out).groups())
    rtt = re.search(r"= ([\d.]+)/([\d.]+)/([\d.]+)/([\d.]+) ms", out).groups()
    return sent, got, rtt


@contextlib.contextmanager
def guest_on_tap(kernel=KERNEL):
    """The namespace NS with tap0 (HOST/24, up), the guest booted on it with
    ip=GUEST, ARP resolved both ways; yields the Qemu. Everything is
    removed afterwards, whatever happens."""
    subprocess.run(["ip", "netns", "add", NS], check=True)
    q = None
    try:
        inside("ip", "tuntap", "add", "dev", "tap0", "mode", "tap")
        inside("sysctl", "-qw", "net.ipv6.conf.tap0.disable_ipv6=1", check=False)
        inside("ip", "addr", "add", f"{HOST}/24", "dev", "tap0")
        inside("ip", "link", "set", "tap0", "up")
        q = Qemu(f"ip={GUEST}::{HOST}:255.255.255.0::eth0:off loglevel=3", kernel=kernel,
                 wrapper=("ip", "netns", "exec", NS),
                 net=("-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                      "-device", "pcnet,netdev=n0,romfile="))
        q.expect("mipsnet> ", timeout=30)
        inside("ping", "-c", "3", "-i", "0.2", GUEST)             # ARP both ways first
        yield q
    finally:
        if q:
            q.close()
        subprocess.run(["ip", "netns", "del", NS], capture_output=True)


def main():
    SECONDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with guest_on_tap() as q:
        sent, got, rtt = ping_stats(inside("ping", "-c", "200", "-i", "0.01", "-q", GUEST))
        print(f"ping RTT (200 x 56 B): min/avg/max/mdev {'/'.join(rtt)} ms, {got}/{sent} answered")
        sent, got, rtt = ping_stats(inside("ping", "-c", "20", "-i", "0.05", "-q", "-s", "8000", GUEST))
        print(f"ping RTT (20 x 8000 B, fragmented): avg {rtt[1]} ms, {got}/{sent} answered")
        sent, got, _ = ping_stats(inside("ping", "-f", "-w", str(SECONDS), "-q", GUEST, check=False))
        print(f"flood {SECONDS} s: {got / SECONDS:.0f} echo replies/s ({got}/{sent} answered)")
        q.run(f"sniff -q -T {SECONDS + 2} -i eth0 &")
        time.sleep(0.5)
        rx0 = eth0_rx(q)
        inside("ping", "-f", "-w", str(SECONDS), "-q", GUEST, check=False)
        rx1 = eth0_rx(q)
        q.expect(r"(\d+) packets captured\n(\d+) packets received by filter\n(\d+) packets dropped",
                 timeout=SECONDS + 10)
        m = re.findall(r"(\d+) packets captured\n(\d+) packets received by filter\n(\d+) packets dropped",
                       q.output)[-1]
        captured, seen, dropped = map(int, m)
        driver = rx1 - rx0
        print(f"PF_PACKET receive: sniff captured {captured} frames ({dropped} dropped by the socket); "
              f"the driver received {driver} in the flood, {driver / SECONDS:.0f} frames/s; "
              f"sniff also sees the replies going out (ratio captured/driver rx {captured / max(driver, 1):.2f})")
        print(q.run("ifconfig eth0").strip())


if __name__ == "__main__":
    main()
