#!/usr/bin/python3
"""Frame-rate ceiling of the pcnet32 path (a benchmark, not a test): the
guest on a tap device in a network namespace of its own (bench/net.py's
guest_on_tap), each kernel image booted in turn.

  receive  the host blasts SIZE-byte frames from a raw AF_PACKET socket on
           tap0 for SECONDS (tests/boot/frame_blast.py, EtherType 0x88B5,
           to the guest's MAC); in the guest `sniff -q` (PF_PACKET,
           ETH_P_ALL) counts them. Reported: frames/s the driver received
           (eth0's rx_packets), the socket captured, the socket dropped
           (PACKET_STATISTICS), the driver missed (eth0's drop column: the
           frames go to the socket, so nothing else lands there), against
           what the host sent and what QEMU took off the tap.
  send     the guest's pktgen sends SIZE-byte frames through a PF_PACKET
           socket as fast as the ring takes them for SECONDS; the host
           counts them with a raw socket on tap0 (and tap0's rx_packets).
  cpu      host CPU seconds (user + system) of the QEMU process per
           million frames, from /proc/PID/stat around each phase.

Run as root. Usage:
  bench/pcnet_rate.py [--seconds S] [--sizes 60,1514] [KERNEL.elf]
  bench/pcnet_rate.py --before A.elf --after B.elf
SIZE is the frame without its FCS (60 is a 64-byte frame on the wire).
An image without the pktgen app gets no send figures."""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import net  # noqa: E402  bench/net.py: the namespace, the tap, the guest
from qemu import KERNEL  # noqa: E402

BLAST = os.path.join(net.ROOT, "tests/boot/frame_blast.py")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def qemu_cpu(q):
    """utime + stime of the QEMU process, in seconds (proc(5) fields 14, 15)."""
    with open(f"/proc/{q.proc.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def guest_eth0(q):
    line = next(l for l in q.run("cat /proc/net/dev").splitlines() if l.strip().startswith("eth0:"))
    f = [int(x) for x in line.split(":", 1)[1].split()]
    return {"rx": f[1], "rx_drop": f[3], "rx_fifo": f[4], "tx": f[9], "tx_drop": f[11]}


def tap0(name):
    return int(net.inside("cat", f"/sys/class/net/tap0/statistics/{name}").strip())


def host_json(*args):
    return json.loads(net.inside("/usr/bin/python3", BLAST, *args).strip().splitlines()[-1])


def receive(q, size, seconds):
    q.run(f"sniff -q -T {seconds + 3} -i eth0 &")
    time.sleep(0.5)   # until it listens
    g0, cpu0, took0 = guest_eth0(q), qemu_cpu(q), tap0("tx_packets")
    sent = host_json("send", "tap0", net.GUEST_MAC, str(size), str(seconds))
    time.sleep(0.3)   # what QEMU holds reaches the ring
    g1, cpu1, took1 = guest_eth0(q), qemu_cpu(q), tap0("tx_packets")
    pattern = r"(\d+) packets captured\n(\d+) packets received by filter\n(\d+) packets dropped by kernel"
    try:
        q.expect(pattern, timeout=seconds + 15)
        captured, _, sock_drops = map(int, re.findall(pattern, q.output)[-1])
    except AssertionError:   # the guest's state, for whoever reads the numbers
        print(f"sniff did not end; the guest says:\n{q.run('uptime')}{q.run('ps')}"
              f"{q.run('cat /proc/interrupts')}", file=sys.stderr)
        captured = sock_drops = -1
    driver = g1["rx"] - g0["rx"]
    return {"sent": sent["sent"], "taken": took1 - took0, "driver": driver, "socket": captured,
            "socket_drops": sock_drops, "missed": g1["rx_drop"] - g0["rx_drop"],
            "fifo": g1["rx_fifo"] - g0["rx_fifo"], "seconds": sent["seconds"],
            "cpu": cpu1 - cpu0, "frames": driver}


def send(q, size, seconds):
    counter = subprocess.Popen(["ip", "netns", "exec", net.NS, "/usr/bin/python3", BLAST, "count", "tap0",
                                net.GUEST_MAC, str(seconds + 3)], stdout=subprocess.PIPE, text=True)
    time.sleep(0.5)   # until it listens
    host_mac = net.inside("cat", "/sys/class/net/tap0/address").strip()
    g0, cpu0, tap_rx0 = guest_eth0(q), qemu_cpu(q), tap0("rx_packets")
    out = q.run(f"pktgen -s {size} -t {seconds} -d {host_mac}", timeout=seconds + 20)
    g1, cpu1 = guest_eth0(q), qemu_cpu(q)
    counted = json.loads(counter.communicate(timeout=seconds + 20)[0].strip().splitlines()[-1])
    m = re.search(r"pktgen: (\d+) frames of \d+ bytes sent in ([\d.]+) s, \d+ frames/s, (\d+) refused", out)
    if not m:
        return None
    return {"app": int(m.group(1)), "seconds": float(m.group(2)), "refused": int(m.group(3)),
            "driver": g1["tx"] - g0["tx"], "tx_drop": g1["tx_drop"] - g0["tx_drop"],
            "host": counted["frames"], "tap_rx": tap0("rx_packets") - tap_rx0,
            "cpu": cpu1 - cpu0, "frames": counted["frames"]}


def per_s(n, s):
    return f"{n / s:.0f}" if s and n >= 0 else "n/a"


def cpu_per_m(r):
    return f"{r['cpu'] / r['frames'] * 1e6:.1f}" if r["frames"] else "-"


def measure(kernel, sizes, seconds):
    rows = []
    with net.guest_on_tap(kernel) as q:
        has_pktgen = "pktgen" in q.run("apps")
        for size in sizes:
            rows.append(("receive", size, receive(q, size, seconds)))
        for size in sizes:
            rows.append(("send", size, send(q, size, seconds) if has_pktgen else None))
        assert "Kernel panic" not in q.output, q.output[-3000:]
    return rows


def print_table(results):
    print("receive (frames/s over the blast; missed = eth0's drop column, sock drop = PACKET_STATISTICS)")
    print(f"{'image':<28} {'size':>5} {'host sent':>10} {'qemu took':>10} {'driver':>9} {'socket':>9} "
          f"{'sock drop':>9} {'missed':>9} {'cpu s/Mframe':>12}")
    for name, rows in results:
        for direction, size, r in rows:
            if direction == "receive":
                s = r["seconds"]
                print(f"{name:<28} {size:>5} {per_s(r['sent'], s):>10} {per_s(r['taken'], s):>10} "
                      f"{per_s(r['driver'], s):>9} {per_s(r['socket'], s):>9} {per_s(r['socket_drops'], s):>9} "
                      f"{per_s(r['missed'], s):>9} {cpu_per_m(r):>12}")
    print("send (frames/s over pktgen's run; refused = sends the queue turned away, retried)")
    print(f"{'image':<28} {'size':>5} {'pktgen':>10} {'driver':>10} {'host got':>9} {'tap0 rx':>9} "
          f"{'refused':>9} {'tx drop':>9} {'cpu s/Mframe':>12}")
    for name, rows in results:
        for direction, size, r in rows:
            if direction != "send":
                continue
            if r is None:
                print(f"{name:<28} {size:>5}  (no pktgen app in this image)")
                continue
            s = r["seconds"]
            print(f"{name:<28} {size:>5} {per_s(r['app'], s):>10} {per_s(r['driver'], s):>10} "
                  f"{per_s(r['host'], s):>9} {per_s(r['tap_rx'], s):>9} {per_s(r['refused'], s):>9} "
                  f"{r['tx_drop']:>9} {cpu_per_m(r):>12}")
    print("cpu s/Mframe: QEMU's utime+stime per million frames the driver received (receive) or the host "
          "counted (send).")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("kernels", nargs="*")
    p.add_argument("--before")
    p.add_argument("--after")
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--sizes", default="60,1514")
    a = p.parse_args()
    images = [("before " + a.before, a.before)] if a.before else []
    images += [("after " + a.after, a.after)] if a.after else []
    images += [(k, k) for k in a.kernels]
    images = images or [(KERNEL, KERNEL)]
    sizes = [int(s) for s in a.sizes.split(",")]
    results = []
    for name, kernel in images:
        start = time.monotonic()
        results.append((os.path.basename(name) if len(name) > 28 else name, measure(kernel, sizes, a.seconds)))
        print(f"{kernel}: measured in {time.monotonic() - start:.0f} s", file=sys.stderr)
    print_table(results)


if __name__ == "__main__":
    main()
