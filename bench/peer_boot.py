#!/usr/bin/python3
"""mipsnet against Linux on the same QEMU Malta board, in one run (a
benchmark, not a test). Each image boots in turn (alternating, BOOTS times
each) in a namespace of its own with the same tap, pcnet NIC, 128 MiB and
address, and for each boot it measures:
  - QEMU start to the first ICMP echo reply (pings every 10 ms from the
    namespace from before QEMU starts; a permanent neighbour entry on the
    host side, so ARP retries do not quantise it),
  - ICMP echo RTT (100 iputils pings, 10 ms apart),
  - UDP request/response RTT against a UDP echo (mipsnet's udpecho app,
    the peer's /bin/udpecho; 100 x 64 octets, one in flight),
  - TCP throughput host->guest and guest->host (discard port 9, source
    port 19), where the guest listens on them, with the sender's
    retransmitted segments (RetransSegs) in each,
  - against the TCP echo on port 7 (mipsnet's inetd, the peer's tcpecho,
    both one epoll loop): connections per second (connect, 1 byte each
    way, close), the RTT of a 1-byte request and its answer, and the
    memory each of 1000 idle established connections holds (free memory
    before and while they are held).
Prints medians over all boots and the ratio mipsnet/Linux (time: below 1
is mipsnet faster; throughput: above 1 is). Run as root.
Usage: bench/peer_boot.py [--boots N] [--tcp-seconds S] [--kernel KERNEL.elf]"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linux_peer as lp  # noqa: E402


def one_boot(kind, images, kernel, tcp_seconds):
    with lp.Netns() as ns:
        if kind == "linux":
            t, q = lp.time_to_first_ping(ns, lambda: lp.boot_linux(ns, images, wait=False))
            lp.wait_linux(q)
        else:
            t, q = lp.time_to_first_ping(ns, lambda: lp.boot_mipsnet(ns, kernel, wait=False))
            q.expect(r"udpecho: listening on port 7", 30)
        r = {"first ping (s)": [t]}
        r.update(measure(ns, q, kind, tcp_seconds))
        return r


def measure(ns, q, kind, tcp_seconds):
    """The figures of a booted guest q ("linux" or "mipsnet") in ns."""
    r = {"ICMP RTT (ms)": lp.ping_rtts(ns)}
    rtts, lost = lp.udp_rtts(ns)
    r["UDP RTT 64 B (ms)"] = rtts
    r["UDP lost"] = [lost]
    # Each direction runs when the guest listens on its port (mipsnet:
    # once it serves discard and chargen over TCP).
    for key, direction, port in (("TCP host->guest (MB/s)", "send", lp.DISCARD_PORT),
                                 ("TCP guest->host (MB/s)", "recv", lp.SOURCE_PORT)):
        if lp.tcp_listening(ns, port=port):
            # Retransmissions are the sender's: the host's for host->guest,
            # the guest's for guest->host.
            sender = (lambda: lp.netns_retrans(ns)) if direction == "send" else (lambda: lp.guest_retrans(q, kind))
            before = sender()
            r[key] = [lp.tcp_rate(ns, direction, seconds=tcp_seconds) / 1e6]
            r[key.replace("(MB/s)", "retrans")] = [sender() - before]
    if lp.tcp_listening(ns, port=lp.ECHO_PORT):
        r["TCP connections/s"] = [lp.tcp_cps(ns, seconds=tcp_seconds)]
        r["TCP RTT 1 B (ms)"] = lp.tcp_rtts(ns)
        r["memory/connection (B)"] = [lp.memory_per_connection(ns, q, kind)]
    return r


def alternate(boots, boot, say=("first ping (s)",)):
    """boot(kind) for mipsnet then Linux, boots times: each figure's samples
    by kind, and a line per boot with the figures named in say."""
    results = {"mipsnet": {}, "linux": {}}
    for i in range(boots):
        for kind in ("mipsnet", "linux"):
            r = boot(kind)
            for k, v in r.items():
                results[kind].setdefault(k, []).extend(v)
            shown = ", ".join(f"{k} {r[k][0]:.3f}" for k in say)
            print(f"boot {i + 1}/{boots} {kind}: {shown}", flush=True)
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--boots", type=int, default=3)
    ap.add_argument("--tcp-seconds", type=float, default=5)
    ap.add_argument("--kernel", default=lp.KERNEL)
    a = ap.parse_args()
    images = lp.build()
    results = alternate(a.boots, lambda kind: one_boot(kind, images, a.kernel, a.tcp_seconds))

    release = open(os.path.join(lp.OUT, "release")).read().strip()
    print(f"\nmipsnet {os.path.relpath(a.kernel, lp.ROOT)} vs Linux {release}, QEMU Malta TCG, "
          f"-m 128, pcnet on a tap; medians over {a.boots} boots each")
    rows = [k for k in results["linux"] if k != "UDP lost"]
    print(f"{'':24} {'mipsnet':>10} {'Linux':>10} {'mipsnet/Linux':>14}")
    for k in rows:
        ours, theirs = results["mipsnet"].get(k), results["linux"][k]
        o = lp.median(ours) if ours else None
        l_ = lp.median(theirs)
        ratio = f"{o / l_:14.3f}" if o is not None and l_ else f"{'-':>14}"
        print(f"{k:24} {(f'{o:10.3f}' if o is not None else f'{chr(45):>10}')} {l_:10.3f} {ratio}")
    lost = {k: sum(results[k].get("UDP lost", [0])) for k in results}
    print(f"(samples: first ping {a.boots} a side, ICMP {len(results['mipsnet']['ICMP RTT (ms)'])}/"
          f"{len(results['linux']['ICMP RTT (ms)'])} replies, UDP lost mipsnet {lost['mipsnet']} "
          f"Linux {lost['linux']}; TCP \"-\": nothing listening on port 9 or 19)")


if __name__ == "__main__":
    main()
