#!/usr/bin/python3
"""mipsnet beside Linux on the same QEMU Malta board, one command, one run
(a benchmark, not a test): each image boots in turn in a namespace of its
own (tap, pcnet, 128 MiB, the same address; bench/linux_peer.py) and this
prints, and writes as Markdown to build/bench/compare.md, a table of
  - QEMU start to the first ping reply and to the first HTTP response
    (GET /small.html every 10 ms from before QEMU starts),
  - RAM in use once booted (128 MiB less what the guest reports free),
  - host CPU an idle guest costs (QEMU's utime+stime over 10 s),
  - requests/s of wrk -t2 -c10 and -c100 on a ~100-byte page (mipsnet's
    httpd, keep-alive; busybox httpd, which forks per connection and closes
    each), and MB/s of a 1 MiB file at -c10 and -c100 (mipsnet's from an
    initrd, build/bench/www-1m.cpio),
  - iperf3 both ways against each one's iperf3 server (Debian's iperf3 -c),
    with the sender's retransmissions,
  - bench/peer_boot.py's figures: ICMP and UDP RTT, TCP throughput both
    ways with the sender's retransmissions, connections/s, 1-byte RTT and
    memory per held connection,
  - the images' sizes (mipsnet's loaded bytes with its root filesystem;
    Linux's vmlinux loaded bytes plus the gzipped initramfs),
with the machine it ran on. Run as root.
Usage: bench/compare.py [--boots N] [--seconds S] [--kernel KERNEL.elf]"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import linux_peer as lp  # noqa: E402
import peer_boot  # noqa: E402

RAM_KB = 128 * 1024
WWW_1M = 1 << 20
OUT = os.path.join(os.path.dirname(HERE), "build/bench")
CLK_TCK = os.sysconf("SC_CLK_TCK")

# GET /small.html every INTERVAL s from the namespace; prints the
# CLOCK_MONOTONIC time of the first HTTP status line. "go" when ready.
FIRST_HTTP = r'''
import socket, sys, time
addr, limit, interval = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
print("go", flush=True)
end = time.monotonic() + limit
while time.monotonic() < end:
    nxt = time.monotonic() + interval
    try:
        with socket.create_connection((addr, 80), timeout=interval * 5) as s:
            s.sendall(b"GET /small.html HTTP/1.0\r\nHost: bench\r\n\r\n")
            s.settimeout(1)
            if s.recv(64).startswith(b"HTTP/1."):
                print("%.6f" % time.monotonic(), flush=True)
                sys.exit(0)
    except OSError:
        pass
    time.sleep(max(0, nxt - time.monotonic()))
print("none", flush=True)
'''


def first_ping_and_http(ns, start, limit=120, interval=0.01):
    """Seconds from QEMU's start to the first echo reply and to the first
    HTTP response, both probed from before the start; and the Qemu."""
    http = subprocess.Popen(ns.cmd("/usr/bin/python3", "-c", FIRST_HTTP, lp.GUEST, str(limit), str(interval)),
                            stdout=subprocess.PIPE, text=True)
    try:
        if http.stdout.readline().strip() != "go":
            raise RuntimeError("first-HTTP prober did not start")
        holder = {}
        t_ping, q = lp.time_to_first_ping(ns, lambda: holder.setdefault("t0", time.monotonic()) and start())
        line = http.stdout.readline().strip()
        http.wait(10)
    finally:
        if http.poll() is None:
            http.kill()
            http.wait()
    if line in ("", "none"):
        raise RuntimeError(f"no HTTP response in {limit} s; console:\n{q.output[-2000:]}")
    return t_ping, float(line) - holder["t0"], q


def idle_cpu_percent(q, seconds=10):
    """Host CPU the guest's QEMU used while idle, in % of one core."""
    def ticks():
        with open(f"/proc/{q.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])   # utime, stime
    a, t0 = ticks(), time.monotonic()
    time.sleep(seconds)
    return (ticks() - a) / CLK_TCK / (time.monotonic() - t0) * 100


def wrk_rate(ns, conns, seconds, path="/small.html"):
    """Requests/s of wrk -t2 -cCONNS; errors (socket errors, non-2xx) too."""
    out = ns.run("wrk", "-t2", f"-c{conns}", f"-d{seconds:g}s", f"http://{lp.GUEST}{path}",
                 timeout=seconds + 60)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, errors + (int(m.group(1)) if m else 0)


def http_1m_rate(ns, conns, seconds):
    """MB/s of GET /1m.bin with wrk -t2 -cCONNS: the same 1 MiB file on
    both, Linux's in its initramfs, mipsnet's in an initrd."""
    out = ns.run("wrk", "-t2", f"-c{conns}", f"-d{seconds:g}s", f"http://{lp.GUEST}/1m.bin", timeout=seconds + 60)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)) * WWW_1M / 1e6


def iperf3_rate(ns, seconds, reverse=False):
    """Mbit/s the receiver counted, and the sender's retransmissions, in
    Debian's iperf3 -c against the guest's iperf3 server (mipsnet's iperf3d,
    Linux's libiperf server), one stream."""
    out = ns.run("iperf3", "-c", lp.GUEST, "-t", f"{max(1, round(seconds))}", "-J", *(["-R"] if reverse else []),
                 timeout=seconds + 60)
    end = json.loads(out)["end"]
    return end["sum_received"]["bits_per_second"] / 1e6, end["sum_sent"].get("retransmits", float("nan"))


def www_1m_initrd():
    """build/bench/www-1m.cpio: /www/1m.bin (1 MiB of 'x', as the peer's) for
    mipsnet's -initrd, packed by the built-in root filesystem's packer."""
    src, out = os.path.join(OUT, "www-1m"), os.path.join(OUT, "www-1m.cpio")
    os.makedirs(os.path.join(src, "www"), exist_ok=True)
    with open(os.path.join(src, "www", "1m.bin"), "wb") as f:
        f.write(b"x" * WWW_1M)
    subprocess.run(["/usr/bin/python3", os.path.join(lp.ROOT, "tools/gen_initramfs.py"), src, out], check=True)
    return out


def served_files_kib(kind):
    """KiB of files the benchmarks added to the root filesystem (held in RAM):
    mipsnet's initrd; the peer's /www and its servers in /bin."""
    if kind == "mipsnet":
        return os.path.getsize(os.path.join(OUT, "www-1m.cpio")) / 1024
    root = os.path.join(lp.OUT, "rootfs")
    names = [os.path.join(root, "www", n) for n in os.listdir(os.path.join(root, "www"))]
    names += [os.path.join(root, "bin", n) for n in ("iperf3s", "udpecho", "tcpecho", "discard", "source")]
    return sum(os.path.getsize(n) for n in names) / 1024


def loaded_bytes(elf):
    out = subprocess.run(["mipsel-linux-gnu-readelf", "-lW", elf], capture_output=True, text=True,
                         check=True).stdout
    return sum(int(l.split()[4], 16) for l in out.splitlines() if l.split()[:1] == ["LOAD"])


def one_boot(kind, images, kernel, seconds, initrd):
    with lp.Netns() as ns:
        if kind == "linux":
            t_ping, t_http, q = first_ping_and_http(ns, lambda: lp.boot_linux(ns, images, wait=False))
            lp.wait_linux(q)
        else:
            # httpd -c 256: room for wrk -c100 (its default limit is 64). The
            # initrd is made before: the clock runs from this call.
            start = lambda: ns.qemu(lp.mipsnet_append(apps="shell,udpecho,inetd,httpd,iperf3d")  # noqa: E731
                                    + " httpd.args=-c:256", kernel, extra=("-initrd", initrd))
            t_ping, t_http, q = first_ping_and_http(ns, start)
            q.expect(re.escape(lp.PROMPT), 30)
        time.sleep(1)
        r = {"first ping (s)": [t_ping], "first HTTP response (s)": [t_http],
             "RAM in use after boot (KiB)": [RAM_KB - lp.free_kb(q, kind)],
             "of which the benchmarks' files (KiB)": [served_files_kib(kind)],
             "idle host CPU (% of a core)": [idle_cpu_percent(q)]}
        for conns in (10, 100):
            rate, errors = wrk_rate(ns, conns, seconds)
            r[f"wrk -c{conns} 84-97 B page (req/s)"] = [rate]
            r[f"wrk -c{conns} errors"] = [errors]
        for conns in (10, 100):
            r[f"wrk -c{conns} 1 MiB file (MB/s)"] = [http_1m_rate(ns, conns, seconds)]
        for reverse, way in ((False, "host->guest"), (True, "guest->host (-R)")):
            rate, retrans = iperf3_rate(ns, seconds, reverse)
            r[f"iperf3 {way} (Mbit/s)"] = [rate]
            r[f"iperf3 {way} retrans"] = [retrans]
        r.update(peer_boot.measure(ns, q, kind, seconds))
        return r


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    qemu = subprocess.run(["qemu-system-mipsel", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    return (f"{datetime.date.today().isoformat()}, {platform.node() or 'host'}: {os.cpu_count()} CPUs "
            f"({cpu}), {qemu}, TCG")


def table(results, sizes, release, boots, kernel):
    rows = [f"mipsnet {os.path.relpath(kernel, lp.ROOT)} vs Linux {release} on QEMU Malta, -m 128, pcnet on a tap;"
            f" medians over {boots} boot(s) each. {machine()}", "",
            "| figure | mipsnet | Linux | mipsnet/Linux |", "|---|---:|---:|---:|"]
    for k in results["linux"]:
        if k == "UDP lost":
            continue
        o, l_ = lp.median(results["mipsnet"].get(k, [])), lp.median(results["linux"][k])
        ratio = f"{o / l_:.3f}" if l_ and o == o else "-"
        rows.append(f"| {k} | {o:.3f} | {l_:.3f} | {ratio} |")
    (om, ol), (lm, ll) = sizes
    rows.append(f"| image (KiB loaded) | {om / 1024:.0f} | {lm / 1024:.0f} + {ll / 1024:.0f} initramfs | "
                f"{om / (lm + ll):.3f} |")
    rows += ["", "busybox httpd forks a process per connection and closes it after each response (no keep-alive);"
             " mipsnet's httpd keeps connections open on one epoll loop. Time rows: below 1 is mipsnet faster;"
             " rate rows: above 1 is. Linux's initramfs carries the benchmarks' servers (bin/iperf3s, a static"
             " libiperf with libcrypto, and the echo, discard and source programs) and /www/1m.bin, all in its RAM"
             " figure; mipsnet's 1m.bin comes in an initrd, in its RAM figure but not in its image."]
    return "\n".join(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--boots", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--kernel", default=lp.KERNEL)
    a = ap.parse_args()
    images = lp.build()
    initrd = www_1m_initrd()
    results = peer_boot.alternate(a.boots, lambda kind: one_boot(kind, images, a.kernel, a.seconds, initrd),
                                  say=("first ping (s)", "first HTTP response (s)"))
    vmlinux, initramfs = images
    sizes = ((loaded_bytes(a.kernel), 0), (loaded_bytes(vmlinux), os.path.getsize(initramfs)))
    release = open(os.path.join(lp.OUT, "release")).read().strip()
    text = table(results, sizes, release, a.boots, a.kernel)
    print("\n" + text)
    out = os.path.join(lp.ROOT, "build/bench")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "compare.md"), "w") as f:
        f.write(text + "\n")
    print(f"\n(written to {os.path.relpath(os.path.join(out, 'compare.md'), lp.ROOT)})")


if __name__ == "__main__":
    main()
