#!/usr/bin/python3
"""The Linux peer (Debian 12's 4kc-malta kernel and busybox, built by
bench/linux-peer/build.sh into build/linux-peer/) on the same QEMU Malta
board and tap-in-a-namespace setup as mipsnet's own images, for benchmarks
that put the two side by side. Import it from bench/ (sys.path) or run it:
bench/linux_peer.py [SECONDS] boots the peer, prints its address and
measures TCP host->peer and peer->host throughput against its busybox nc
discard (port 9) and source (port 19). Run as root.

Everything on the network stays in a namespace created here and deleted
afterwards (Netns); the helpers that talk to a guest run inside it."""
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "build/linux-peer")
sys.path.insert(0, os.path.join(ROOT, "tests/boot"))
from qemu import KERNEL, PROMPT, Qemu  # noqa: E402,F401

HOST, GUEST = "10.0.9.1", "10.0.9.2"
GUEST_MAC = "52:54:00:12:34:56"   # QEMU's default for the first NIC
READY = "linux-peer: ready"
DISCARD_PORT, SOURCE_PORT, ECHO_PORT = 9, 19, 7


def build():
    """Run bench/linux-peer/build.sh (cached: downloads once); return
    (vmlinux, initramfs)."""
    subprocess.run(["sh", os.path.join(ROOT, "bench/linux-peer/build.sh"), OUT], check=True,
                   stdout=subprocess.DEVNULL)
    return os.path.join(OUT, "vmlinux"), os.path.join(OUT, "initramfs.cpio.gz")


class Netns:
    """A network namespace with tap0 (HOST/24, up, no IPv6 chatter) and a
    permanent neighbour entry for the guest's MAC, so that start to first
    ping is not quantised by ARP retries. Use with `with`: deleted at the end
    whatever happens, after the QEMUs started through it are killed."""

    def __init__(self, host=HOST, guest=GUEST, guest_mac=GUEST_MAC):
        self.name = f"mipsnet-peer-{os.getpid()}"
        self.host, self.guest, self.guest_mac = host, guest, guest_mac
        self.qemus = []

    def __enter__(self):
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)
        subprocess.run(["ip", "netns", "add", self.name], check=True)
        try:
            self.run("ip", "tuntap", "add", "dev", "tap0", "mode", "tap")
            self.run("sysctl", "-qw", "net.ipv6.conf.tap0.disable_ipv6=1", check=False)
            self.run("ip", "addr", "add", f"{self.host}/24", "dev", "tap0")
            self.run("ip", "link", "set", "tap0", "up")
            self.run("ip", "link", "set", "lo", "up")
            self.run("ip", "neigh", "replace", self.guest, "lladdr", self.guest_mac, "dev", "tap0",
                     "nud", "permanent")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        for q in self.qemus:
            q.close()
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)

    def cmd(self, *argv):
        return ["ip", "netns", "exec", self.name, *argv]

    def run(self, *argv, check=True, timeout=120):
        return subprocess.run(self.cmd(*argv), capture_output=True, text=True, check=check,
                              timeout=timeout).stdout

    def python(self, script, *args, timeout=120):
        """Run a /usr/bin/python3 script inside the namespace; its stdout."""
        return self.run("/usr/bin/python3", "-c", script, *map(str, args), timeout=timeout)

    def popen_python(self, script, *args):
        """The same, started: a Popen with text pipes to its stdin and stdout."""
        return subprocess.Popen(self.cmd("/usr/bin/python3", "-c", script, *map(str, args)),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def qemu(self, append, kernel, **kw):
        """Start a QEMU Malta on tap0 (pcnet, no option ROM) inside the
        namespace; killed when the namespace goes."""
        q = Qemu(append, kernel=kernel, wrapper=("ip", "netns", "exec", self.name),
                 net=("-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                      "-device", "pcnet,netdev=n0,romfile="), **kw)
        self.qemus.append(q)
        return q

    def stop(self, q):
        q.close()
        self.qemus.remove(q)


def linux_append(ip=GUEST, prefix=24):
    return f"console=ttyS0 rdinit=/init panic=1 loglevel=3 peer.ip={ip}/{prefix}"


def mipsnet_append(ip=GUEST, gw=HOST, apps="shell,udpecho,inetd"):
    return f"ip={ip}::{gw}:255.255.255.0::eth0:off loglevel=3 apps={apps}"


def boot_linux(ns, images=None, ip=GUEST, wait=True):
    """Boot the Linux peer in ns; with wait, until its ready marker. Returns
    the Qemu (its .address is the guest's address)."""
    vmlinux, initramfs = images or build()
    q = ns.qemu(linux_append(ip), vmlinux, extra=("-initrd", initramfs), semihosting=False)
    q.address = ip
    if wait:
        wait_linux(q)
    return q


def wait_linux(q, timeout=120):
    m = q.expect(r"linux-peer: eth0 (\S+) mac (\S+)", timeout)
    q.mac = m.group(2)
    q.expect(re.escape(READY), timeout)


def boot_mipsnet(ns, kernel=KERNEL, ip=GUEST, wait=True):
    q = ns.qemu(mipsnet_append(ip), kernel)
    q.address = ip
    if wait:
        q.expect(re.escape(PROMPT), 30)
    return q


# Sends ICMP echo requests every INTERVAL s from the namespace and prints the
# CLOCK_MONOTONIC time of the first reply (the same clock as the caller's
# time.monotonic()). Send errors (no carrier before QEMU opens the tap) are
# ignored. Prints "go" once the socket is ready.
FIRST_REPLY = r'''
import os, select, socket, struct, sys, time
addr, limit, interval = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
ident = os.getpid() & 0xffff
def csum(b):
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    t = (t >> 16) + (t & 0xffff)
    return ~(t + (t >> 16)) & 0xffff
print("go", flush=True)
end = time.monotonic() + limit
seq = 0
while time.monotonic() < end:
    seq += 1
    body = struct.pack("!BBHHH", 8, 0, 0, ident, seq & 0xffff) + b"mipsnet-first-ping" * 2
    pkt = body[:2] + struct.pack("!H", csum(body)) + body[4:]
    try:
        s.sendto(pkt, (addr, 0))
    except OSError:
        pass
    next_send = time.monotonic() + interval
    while True:
        left = next_send - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            break
        data, src = s.recvfrom(2048)
        ihl = (data[0] & 15) * 4
        typ, _, _, rid, _ = struct.unpack("!BBHHH", data[ihl:ihl + 8])
        if src[0] == addr and typ == 0 and rid == ident:
            print("%.6f %d" % (time.monotonic(), seq), flush=True)
            sys.exit(0)
print("none", flush=True)
'''


def time_to_first_ping(ns, start, address=GUEST, limit=120, interval=0.01):
    """Start the guest with start() (returns the Qemu) while pinging
    address every interval s; seconds from just before QEMU's start to the
    first echo reply, and the Qemu."""
    prober = subprocess.Popen(ns.cmd("/usr/bin/python3", "-c", FIRST_REPLY, address, str(limit),
                                     str(interval)), stdout=subprocess.PIPE, text=True)
    try:
        if prober.stdout.readline().strip() != "go":
            raise RuntimeError("first-ping prober did not start")
        t0 = time.monotonic()
        q = start()
        line = prober.stdout.readline().split()
        prober.wait(10)
    finally:
        if prober.poll() is None:
            prober.kill()
            prober.wait()
    if not line or line[0] == "none":
        raise RuntimeError(f"no echo reply from {address} in {limit} s; console:\n{q.output[-2000:]}")
    return float(line[0]) - t0, q


def ping_rtts(ns, address=GUEST, count=100, interval=0.01, size=56):
    """Round trip times in ms of count iputils pings from the namespace."""
    out = ns.run("ping", "-c", str(count), "-i", str(interval), "-s", str(size), "-W", "2", address,
                 check=False)
    return [float(t) for t in re.findall(r"time=([\d.]+) ms", out)]


UDP_RTT = r'''
import json, socket, sys, time
addr, port, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
s.connect((addr, port))
data = b"u" * size
rtts, lost = [], 0
for i in range(count + 5):          # the first 5 warm up (ARP, caches)
    t = time.perf_counter()
    s.send(data)
    try:
        while s.recv(65536) != data:
            pass
    except socket.timeout:
        lost += 1
        continue
    if i >= 5:
        rtts.append((time.perf_counter() - t) * 1000)
print(json.dumps({"rtts": rtts, "lost": lost}))
'''


def udp_rtts(ns, address=GUEST, port=ECHO_PORT, count=100, size=64):
    """Request/response round trips (ms) to a UDP echo server, one in
    flight; returns (rtts, lost)."""
    r = json.loads(ns.python(UDP_RTT, address, port, count, size))
    return r["rtts"], r["lost"]


# Host side of a TCP transfer. send: connect to a discard sink, write for
# SECONDS, shut down the sending side and wait for the sink to close, so
# the time covers every byte delivered. recv: connect to a source, read for
# SECONDS. Prints {"bytes": N, "seconds": S}.
TCP_XFER = r'''
import json, socket, sys, time
direction, addr, port, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
s = socket.create_connection((addr, port), timeout=30)
n = 0
t0 = time.monotonic()
if direction == "send":
    data = b"\0" * 65536
    end = t0 + secs
    while time.monotonic() < end:
        n += s.send(data)
    s.shutdown(socket.SHUT_WR)
    while s.recv(65536):
        pass
else:
    end = t0 + secs
    while time.monotonic() < end:
        b = s.recv(262144)
        if not b:
            break
        n += len(b)
t = time.monotonic() - t0
s.close()
print(json.dumps({"bytes": n, "seconds": t}))
'''


TCP_PROBE = r'''
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3).close()
    print("open")
except OSError as e:
    print(e)
'''


def tcp_listening(ns, address=GUEST, port=DISCARD_PORT):
    """Whether something accepts TCP connections on address:port."""
    return ns.python(TCP_PROBE, address, port).strip() == "open"


def tcp_rate(ns, direction, address=GUEST, port=None, seconds=5):
    """Bytes per second of one TCP connection from the namespace's host
    side: direction "send" (host -> guest, into a discard sink, port 9 by
    default) or "recv" (guest -> host, from a source, port 19). The same
    ports as mipsnet's discard/chargen services, so one call serves both."""
    if direction not in ("send", "recv"):
        raise ValueError(direction)
    port = port or (DISCARD_PORT if direction == "send" else SOURCE_PORT)
    r = json.loads(ns.python(TCP_XFER, direction, address, port, seconds, timeout=seconds + 60))
    return r["bytes"] / r["seconds"]


# Connections per second to an echo server: connect, one byte each way,
# close, one after another for SECONDS. Prints {"conns": N, "seconds": S}.
TCP_CPS = r'''
import json, socket, sys, time
addr, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
n, t0 = 0, time.monotonic()
while time.monotonic() - t0 < secs:
    s = socket.create_connection((addr, port), timeout=10)
    s.sendall(b"x")
    assert s.recv(1) == b"x"
    s.close()
    n += 1
print(json.dumps({"conns": n, "seconds": time.monotonic() - t0}))
'''

# One connection to an echo server, TCP_NODELAY: COUNT one-byte requests,
# each waiting for its answer. Prints {"rtts": [ms, ...]} after 10 warm-ups.
TCP_RTT = r'''
import json, socket, sys, time
addr, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection((addr, port), timeout=10)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
rtts = []
for i in range(count + 10):
    t = time.perf_counter()
    s.sendall(b"x")
    assert s.recv(1) == b"x"
    if i >= 10:
        rtts.append((time.perf_counter() - t) * 1000)
s.close()
print(json.dumps({"rtts": rtts}))
'''

# Opens N connections to PORT (all accepted: the server's accept loop took
# them), prints "held", holds them until a line on stdin, closes them.
TCP_HOLD = r'''
import resource, socket, sys, time
addr, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_NOFILE, (n + 100, n + 100))
socks = []
for i in range(n):
    socks.append(socket.create_connection((addr, port), timeout=30))
    if i % 100 == 99:
        time.sleep(0.05)
print("held", flush=True)
sys.stdin.readline()
for s in socks:
    s.close()
'''


def tcp_cps(ns, address=GUEST, port=ECHO_PORT, seconds=5):
    """Connections a second, each: connect, 1 byte each way, close."""
    r = json.loads(ns.python(TCP_CPS, address, port, seconds, timeout=seconds + 60))
    return r["conns"] / r["seconds"]


def tcp_rtts(ns, address=GUEST, port=ECHO_PORT, count=200):
    """Round trips (ms) of a 1-byte request and its answer on one connection."""
    return json.loads(ns.python(TCP_RTT, address, port, count, timeout=120))["rtts"]


def free_kb(q, kind):
    """The guest's free memory in kB from its console: Linux's MemFree;
    mipsnet's kernel pages free plus the apps' heap room."""
    if kind == "linux":
        q.send("grep MemFree: /proc/meminfo\n")
        return int(q.expect(r"MemFree: +(\d+) kB", 20).group(1))
    text = q.run("cat /proc/meminfo")
    kernel = int(re.search(r"^KernelFree: +(\d+) kB", text, re.M).group(1))
    heap = int(re.search(r"^MemFree: +(\d+) kB", text, re.M).group(1))
    return kernel + heap


def memory_per_connection(ns, q, kind, address=GUEST, port=ECHO_PORT, n=1000):
    """Bytes of guest memory each of N idle established connections (to the
    echo server, accepted, nothing sent) holds, from free memory before and
    while they are held."""
    before = free_kb(q, kind)
    holder = ns.popen_python(TCP_HOLD, address, port, n)
    try:
        line = holder.stdout.readline()
        if line.strip() != "held":
            raise RuntimeError(f"holding {n} connections: {line!r}")
        time.sleep(2)   # the server's accept loop catches up
        during = free_kb(q, kind)
        holder.stdin.write("\n")
        holder.stdin.flush()
    finally:
        holder.wait(timeout=120)
    return (before - during) * 1024 / n


def netns_retrans(ns):
    """RetransSegs of the namespace's own TCP (the host side; /proc/net/snmp
    is per network namespace)."""
    return snmp_retrans(ns.run("cat", "/proc/net/snmp"))


def snmp_retrans(text):
    rows = [l.split() for l in text.splitlines() if l.startswith("Tcp:")]
    return int(dict(zip(rows[0][1:], rows[1][1:]))["RetransSegs"]) if len(rows) >= 2 else 0


def guest_retrans(q, kind):
    """The guest's RetransSegs, from its console."""
    if kind == "linux":
        q.send("grep Tcp: /proc/net/snmp | tail -1\n")
        m = q.expect(r"Tcp: 1 200 120000 -1 (?:\d+ ){7}(\d+) ", 20)
        return int(m.group(1))
    return snmp_retrans(q.run("cat /proc/net/snmp"))


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5
    images = build()
    with Netns() as ns:
        t, q = time_to_first_ping(ns, lambda: boot_linux(ns, images, wait=False))
        wait_linux(q)
        print(f"linux peer {open(os.path.join(OUT, 'release')).read().strip()} at {q.address} "
              f"(mac {q.mac}): first ping reply {t:.2f} s after QEMU start")
        print(f"ICMP RTT median {median(ping_rtts(ns)):.3f} ms; "
              f"UDP echo RTT median {median(udp_rtts(ns)[0]):.3f} ms")
        for direction, what in (("send", "host->peer (port 9 discard)"),
                                ("recv", "peer->host (port 19 source)")):
            rate = tcp_rate(ns, direction, seconds=seconds)
            print(f"TCP {what}: {rate / 1e6:.2f} MB/s ({rate * 8 / 1e6:.0f} Mbit/s) over {seconds:g} s")


if __name__ == "__main__":
    main()
