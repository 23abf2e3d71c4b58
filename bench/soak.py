#!/usr/bin/python3
"""Soak benchmark (not a test): the guest on a tap device in a network
namespace of its own (removed afterwards) under connection churn and UDP
load for a set time, its memory and sockets sampled all along; exits
non-zero, loudly, when they are not back at the baseline afterwards.

- churn: --clients concurrent clients, each in a loop: connect, move a
  random size (up to --max-kib) through inetd's echo (the bytes compared),
  into discard, or fetch a file of rootfs/www or /status.json from httpd
  (HTTP/1.1 closed by the client, or HTTP/1.0 closed by the server, so
  both ends' closes and the guest's TIME_WAIT are in it), then close;
- UDP: bursts of datagrams of random sizes through udpecho (answers
  counted) and one-second floods into udpecho -D;
- every --interval seconds the guest's shell is asked for /proc/meminfo
  (kernel pages in use: total less KernelFree; slab) and /proc/net/sockstat
  (sockets, TCP in use, TIME_WAIT); the samples go to build/bench/soak.csv
  and a plot to build/bench/soak.png.

The baseline is taken after a short warm-up of the same load and a settle;
the end after the load, a settle of up to --settle seconds (TIME_WAIT is 60
s) and, both times, 300 full-size pings that renew the receive ring's
buffers (they sit wherever kmalloc had room when the last frames came, and
under load that is spread over many slabs). Printed: the least-squares
slope of memory in use (bytes/min) and of sockets (per min) during the
load, baseline against end. A leak: memory in use more than --tolerance-kb
above the baseline, sockets not back, a socket in TIME_WAIT, a byte that
came back wrong or the console reporting trouble. Run as root.
Usage: bench/soak.py [--minutes 30] [--interval 10] [--clients 32] [--settle 150]"""
import argparse
import csv
import hashlib
import json
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests/boot"))
from qemu import KERNEL, PROMPT, Qemu  # noqa: E402
from tapns import NIC, tap_netns  # noqa: E402

GUEST, HOST = "10.0.11.2", "10.0.11.1"
WWW = os.path.join(ROOT, "rootfs", "www")
OUT = os.path.join(ROOT, "build", "bench")
TIME_WAIT_S = 60   # Linux's TCP_TIMEWAIT_LEN, the guest's too
BAD_CONSOLE = re.compile(r"\bBUG |Redzone|Poison overwritten|corrupted|WARNING:|not DMA-safe|Kernel panic|"
                         r"Unhandled kernel exception|\bOops")


# The load: run inside the namespace as "soak.py --load SECONDS CLIENTS MAX_KIB",
# prints one JSON object of counts when done.

class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.c = {}

    def add(self, key, n=1):
        with self.lock:
            self.c[key] = self.c.get(key, 0) + n


def recv_all(s):
    data = bytearray()
    while True:
        b = s.recv(1 << 16)
        if not b:
            return bytes(data)
        data += b


def echo_once(rng, max_bytes, counts):
    n = rng.randrange(1, max_bytes)
    data = rng.randbytes(n)
    with socket.create_connection((GUEST, 7), timeout=30) as s:
        t = threading.Thread(target=lambda: (s.sendall(data), s.shutdown(socket.SHUT_WR)), daemon=True)
        t.start()
        back = recv_all(s)
        t.join(30)
    counts.add("echo_bytes", n)
    if hashlib.sha256(back).digest() != hashlib.sha256(data).digest():
        counts.add("mismatch")


def discard_once(rng, max_bytes, counts):
    n = rng.randrange(1, max_bytes)
    with socket.create_connection((GUEST, 9), timeout=30) as s:
        s.sendall(rng.randbytes(n))
        s.shutdown(socket.SHUT_WR)
        recv_all(s)   # discard closes on our EOF
    counts.add("discard_bytes", n)


def http_once(rng, files, counts):
    name = rng.choice(list(files) + ["status.json"])
    server_closes = rng.random() < 0.5
    req = f"GET /{name} HTTP/1.{0 if server_closes else 1}\r\nHost: {GUEST}\r\n\r\n".encode()
    with socket.create_connection((GUEST, 80), timeout=30) as s:
        s.sendall(req)
        head = b""
        while b"\r\n\r\n" not in head:
            b = s.recv(4096)
            if not b:
                break
            head += b
        head, _, body = head.partition(b"\r\n\r\n")
        m = re.search(rb"Content-Length: (\d+)", head)
        length = int(m.group(1)) if m else None
        while length is None or len(body) < length:
            b = s.recv(1 << 16)
            if not b:
                break
            body += b
    counts.add("http_requests")
    ok = head.startswith(b"HTTP/1.1 200") and (name == "status.json" or body == files[name])
    if not ok:
        counts.add("mismatch")


def client(i, deadline, max_bytes, files, counts):
    rng = random.Random(f"{os.environ.get('MIPSNET_SEED', '0')}-{i}")
    while time.monotonic() < deadline:
        kind = rng.choice(("echo", "discard", "http"))
        try:
            if kind == "echo":
                echo_once(rng, max_bytes, counts)
            elif kind == "discard":
                discard_once(rng, max_bytes, counts)
            else:
                http_once(rng, files, counts)
            counts.add("connections")
        except OSError as e:
            counts.add(f"error_{kind}_{type(e).__name__}")


def udp_load(deadline, counts):
    rng = random.Random("udp")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.5)
    flood = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    flood.connect((GUEST, 9))
    burst = 0
    while time.monotonic() < deadline:
        burst += 1
        for _ in range(100):
            s.sendto(rng.randbytes(rng.randrange(1, 1473)), (GUEST, 7))
        counts.add("udp_sent", 100)
        try:
            while True:
                s.recvfrom(2048)
                counts.add("udp_echoed")
        except socket.timeout:
            pass
        if burst % 5 == 0:   # a one-second flood into discard
            end = time.monotonic() + 1
            data = b"f" * 1472
            while time.monotonic() < end:
                try:
                    flood.send(data)
                    counts.add("udp_flooded")
                except OSError:
                    pass
        time.sleep(1)


def load_main(seconds, clients, max_kib):
    files = {n: open(os.path.join(WWW, n), "rb").read() for n in sorted(os.listdir(WWW))}
    deadline = time.monotonic() + seconds
    counts = Counts()
    threads = [threading.Thread(target=client, args=(i, deadline, max_kib << 10, files, counts))
               for i in range(clients)]
    threads.append(threading.Thread(target=udp_load, args=(deadline, counts)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps(counts.c), flush=True)


# The benchmark.

def inside(ns, *cmd, check=True, timeout=120):
    return subprocess.run(["ip", "netns", "exec", ns, *cmd], capture_output=True, text=True, check=check,
                          timeout=timeout)


def sample(q, kernel_total_kb):
    mi = dict(re.findall(r"^(\w+):\s+(\d+)", q.run("cat /proc/meminfo", timeout=60), re.M))
    ss = q.run("cat /proc/net/sockstat", timeout=60)
    tcp = dict((k, int(v)) for k, v in re.findall(r"(\w+) (\d+)", ss.split("TCP:", 1)[1]))
    return {"used_kb": kernel_total_kb - int(mi["KernelFree"]), "slab_kb": int(mi["Slab"]),
            "app_heap_kb": int(mi["AppHeap"]), "sockets": int(re.search(r"sockets: used (\d+)", ss).group(1)),
            "tcp_inuse": tcp["inuse"], "tcp_tw": tcp["tw"], "tcp_alloc": tcp["alloc"]}


def quiet(s, idle):
    """As many sockets as the idle guest had (its listeners and UDP
    servers), as many TCP ones, none in TIME_WAIT."""
    return s["sockets"] == idle["sockets"] and s["tcp_alloc"] == idle["tcp_alloc"] and s["tcp_tw"] == 0


def renew_rx_ring(ns):
    inside(ns, "ping", "-q", "-c", "300", "-i", "0.005", "-s", "1400", "-W", "5", GUEST, check=False)


def slope(points):
    """Least-squares slope of (x, y) points; 0 for fewer than two."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0


class Recorder:
    def __init__(self, q, kernel_total_kb, path):
        self.q, self.total, self.t0 = q, kernel_total_kb, time.monotonic()
        self.rows = []
        self.file = open(path, "w", newline="")
        self.csv = csv.writer(self.file)
        self.csv.writerow(["seconds", "phase", "kernel_used_kb", "slab_kb", "app_heap_kb", "sockets", "tcp_inuse",
                           "tcp_tw", "tcp_alloc"])

    def take(self, phase):
        s = sample(self.q, self.total)
        row = dict(seconds=round(time.monotonic() - self.t0, 1), phase=phase, **s)
        self.rows.append(row)
        self.csv.writerow([row["seconds"], phase, s["used_kb"], s["slab_kb"], s["app_heap_kb"], s["sockets"],
                           s["tcp_inuse"], s["tcp_tw"], s["tcp_alloc"]])
        self.file.flush()
        return s


def settle(rec, listeners, seconds, interval):
    end = time.monotonic() + seconds
    while True:
        s = rec.take("settle")
        if quiet(s, listeners) or time.monotonic() > end:
            return s
        time.sleep(min(interval, 5))


def plot(rows, base, path):
    """Draws the curve; False (and the CSV is all there is) without matplotlib."""
    try:
        import matplotlib
    except ImportError:
        print(f"no matplotlib (tools/deps.sh bench installs it): {path} not drawn", file=sys.stderr)
        return False
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    t = [r["seconds"] / 60 for r in rows]
    fig, (a, b) = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    a.plot(t, [r["used_kb"] for r in rows], label="kernel in use (KiB)")
    a.plot(t, [r["slab_kb"] for r in rows], label="slab (KiB)")
    a.axhline(base["used_kb"], color="grey", linestyle=":", label="baseline in use")
    a.set_ylabel("KiB")
    a.legend(loc="upper left")
    b.plot(t, [r["sockets"] for r in rows], label="sockets")
    b.plot(t, [r["tcp_alloc"] for r in rows], label="TCP (all states)")
    b.plot(t, [r["tcp_tw"] for r in rows], label="TIME_WAIT")
    b.set_ylabel("sockets")
    b.set_xlabel("minutes")
    b.legend(loc="upper left")
    for r0, r1 in zip([None] + rows, rows):
        if r0 is None or r0["phase"] != r1["phase"]:
            for ax in (a, b):
                ax.axvline(r1["seconds"] / 60, color="black", linewidth=0.5)
            a.annotate(r1["phase"], (r1["seconds"] / 60, 1), xycoords=("data", "axes fraction"),
                       xytext=(2, -12), textcoords="offset points", fontsize=8)
    fig.suptitle("mipsnet soak: memory and sockets")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return True


def boot(ns, kernel, append):
    q = Qemu(f"ip={GUEST}::{HOST}:255.255.255.0::eth0:off apps=shell,httpd,inetd loglevel=4 {append}",
             kernel=kernel, wrapper=("ip", "netns", "exec", ns), net=NIC)
    q.expect(PROMPT, timeout=30)
    q.run("run udpecho &")
    q.expect("udpecho: listening on port 7")
    q.run("run udpecho -D &")
    q.expect("udpecho: discarding on port 9")
    inside(ns, "ping", "-c", "2", "-i", "0.2", GUEST)
    return q


def run_load(ns, seconds, args):
    r = inside(ns, "/usr/bin/python3", os.path.abspath(__file__), "--load", str(int(seconds)), str(args.clients),
               str(args.max_kib), timeout=seconds + 300)
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=30, help="how long the load runs (30)")
    ap.add_argument("--interval", type=float, default=10, help="seconds between samples (10)")
    ap.add_argument("--clients", type=int, default=32, help="concurrent TCP clients (32)")
    ap.add_argument("--max-kib", type=int, default=256, help="largest transfer of one connection (256 KiB)")
    ap.add_argument("--settle", type=float, default=150, help="most seconds to wait after the load (150)")
    ap.add_argument("--tolerance-kb", type=int, default=128, help="memory in use allowed above baseline (128)")
    ap.add_argument("--kernel", default=KERNEL, help="the image (build/malta/kernel.elf)")
    ap.add_argument("--append", default="", help="more kernel command line, e.g. 'slub_debug'")
    ap.add_argument("--load", nargs=3, type=int, metavar=("SECONDS", "CLIENTS", "MAX_KIB"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.load:
        return load_main(*args.load)
    subprocess.run([os.path.join(ROOT, "tools", "deps.sh"), "bench"], check=True)
    os.makedirs(OUT, exist_ok=True)
    with tap_netns("soak", HOST) as ns:
        return soak(ns, args)


def soak(ns, args):
    q = None
    try:
        q = boot(ns, args.kernel, args.append)
        total = int(re.search(r"^Kernel:\s+(\d+)", q.run("free"), re.M).group(1))
        rec = Recorder(q, total, os.path.join(OUT, "soak.csv"))
        listeners = rec.take("idle")
        # Warm-up: the same load briefly, so that what it fills for good
        # (first slabs, neighbour entries, the apps' buffers) is in the baseline.
        warm = run_load(ns, 15, args)
        settle(rec, listeners, args.settle, args.interval)
        renew_rx_ring(ns)
        base = rec.take("baseline")
        print(f"baseline: kernel in use {base['used_kb']} KiB, slab {base['slab_kb']} KiB, "
              f"sockets {base['sockets']} (warm-up: {warm.get('connections', 0)} connections)", flush=True)

        seconds = args.minutes * 60
        result = {}
        def load():
            try:
                result.update(run_load(ns, seconds, args))
            except (subprocess.SubprocessError, ValueError, IndexError) as e:
                result["load_failed"] = str(e)[-500:]

        loader = threading.Thread(target=load)
        t_load = time.monotonic()
        loader.start()
        while loader.is_alive():
            s = rec.take("load")
            print(f"  {time.monotonic() - t_load:7.0f} s: in use {s['used_kb']} KiB, slab {s['slab_kb']} KiB, "
                  f"sockets {s['sockets']} (TIME_WAIT {s['tcp_tw']})", flush=True)
            loader.join(args.interval)
        load_rows = [r for r in rec.rows if r["phase"] == "load"]
        # The first minute ramps up from the baseline while TIME_WAIT fills
        # (60 s); a leak shows as a slope after it.
        steady = [r for r in load_rows if r["seconds"] - load_rows[0]["seconds"] >= TIME_WAIT_S]

        def slopes(rows):
            return {k: slope([(r["seconds"] / 60, r[k] * (1024 if k.endswith("_kb") else 1)) for r in rows])
                    for k in ("used_kb", "slab_kb", "sockets", "tcp_alloc")}
        whole, after_ramp = slopes(load_rows), slopes(steady)
        peak = max(load_rows, key=lambda r: r["used_kb"]) if load_rows else base

        settled = settle(rec, listeners, args.settle, args.interval)
        renew_rx_ring(ns)
        end = rec.take("end")
        drawn = plot(rec.rows, base, os.path.join(OUT, "soak.png"))
        rec.file.close()
        dmesg = q.run("dmesg", timeout=60)
        trouble = [l for l in (q.output + dmesg).splitlines() if BAD_CONSOLE.search(l)]

        print(f"load: {args.minutes:g} min, {args.clients} clients: {json.dumps(result, sort_keys=True)}")
        for what, sl, rows in (("whole load", whole, load_rows), (f"after the first {TIME_WAIT_S} s", after_ramp,
                                                                  steady)):
            print(f"slope, {what} ({len(rows)} samples): memory in use {sl['used_kb']:+.0f} bytes/min "
                  f"(slab {sl['slab_kb']:+.0f} bytes/min), sockets {sl['sockets']:+.2f}/min, "
                  f"TCP sockets with TIME_WAIT {sl['tcp_alloc']:+.2f}/min")
        print(f"peak in use {peak['used_kb']} KiB")
        print(f"baseline vs end: kernel in use {base['used_kb']} -> {end['used_kb']} KiB "
              f"({end['used_kb'] - base['used_kb']:+d}), slab {base['slab_kb']} -> {end['slab_kb']} KiB, "
              f"sockets {base['sockets']} -> {end['sockets']}, TIME_WAIT {end['tcp_tw']}, "
              f"app heap {base['app_heap_kb']} -> {end['app_heap_kb']} KiB")
        print(f"samples: {os.path.join(OUT, 'soak.csv')}" + (f", plot: {os.path.join(OUT, 'soak.png')}" if drawn else ""))
        problems = []
        if end["used_kb"] - base["used_kb"] > args.tolerance_kb:
            problems.append(f"kernel memory in use {end['used_kb'] - base['used_kb']} KiB above the baseline "
                            f"(tolerance {args.tolerance_kb} KiB)")
        if not quiet(settled, listeners) or end["sockets"] != base["sockets"]:
            problems.append(f"sockets not back after {args.settle:g} s: {settled}")
        if result.get("mismatch"):
            problems.append(f"{result['mismatch']} transfers came back wrong")
        if result.get("load_failed"):
            problems.append(f"the load failed: {result['load_failed']}")
        if not result.get("connections"):
            problems.append("the load made no connection")
        if trouble:
            problems.append(f"the console reports trouble: {trouble[:3]}")
        if problems:
            # What is left, for the one who reads the failure: the guest's
            # sockets with their states, queues and timers, and the host's.
            print("guest /proc/net/tcp:\n" + q.run("cat /proc/net/tcp", timeout=60))
            print("guest /proc/net/sockstat:\n" + q.run("cat /proc/net/sockstat", timeout=60))
            print("host ss -tanoi:\n" + inside(ns, "ss", "-tanoi", check=False).stdout)
            print("\n*** SOAK FAILED: LEAK OR DAMAGE ***", file=sys.stderr)
            for p in problems:
                print(f"*** {p}", file=sys.stderr)
            return 1
        print("soak: memory and sockets back at the baseline")
        return 0
    finally:
        if q:
            q.close()


if __name__ == "__main__":
    sys.exit(main())
