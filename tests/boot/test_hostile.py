"""Hostile traffic at a guest booted with slub_debug (every cache red-zoned
and poisoned, scanned each second), on a tap device in the test's own
network namespace, while real work goes on and must come through intact
(hostile_load.py): a bulk echo stream compared by SHA-256, a chargen
stream checked byte by byte, curl in a loop comparing every body with the
file in rootfs/www, and an idle echo connection. Thrown at it meanwhile:

- nmap: a SYN scan, a UDP scan of a few ports, version detection and OS
  detection, at the guest's address only;
- hping3, each bounded by a count: SYN floods from random sources (SYN
  cookies), ACK, FIN and UDP floods, a RST flood with random sequence
  numbers at the live echo connection (RFC 5961: it must survive), an ICMP
  echo flood, TCP and ICMP cut in 8-byte fragments, and TCP, UDP and ICMP
  with bad checksums;
- scapy (hostile_peer.py): the 256 flag combinations at a listening and a
  closed port, bad data offsets, options of bad lengths, and on connections
  of its own and of the host's TCP: overlapping, out-of-order, old and
  out-of-window segments, an ACK into the middle of a segment, RSTs and a
  SYN inside the window (challenge ACKs), before the exact RST.

Afterwards the guest must answer ping and its shell, the counters the
attacks should have moved must have moved, its sockets and kernel memory
(free pages, slab) must be back where they were once the connections have
closed, and the console must show no slub_debug report, WARNING, oops or
panic. Root only; nothing leaves the namespace."""
import json
import os
import re
import shutil
import subprocess
import time

import pytest

from qemu import PROMPT
from tapns import NIC

HERE = os.path.dirname(os.path.abspath(__file__))
WWW = os.path.join(os.path.dirname(os.path.dirname(HERE)), "rootfs", "www")
HOST_IP, GUEST_IP = "10.0.10.1", "10.0.10.2"
GUEST_MAC = "52:54:00:12:34:56"          # QEMU's default for the first NIC
FAKE_IP, FAKE_MAC = "10.0.10.66", "02:00:00:0a:00:42"   # the scapy peer nobody else owns
ECHO_PORT, IDLE_PORT = 40007, 40008      # the host's ends of the live and the idle connection
MIN_BYTES = 4 << 20                      # each stream moves at least this much
CLOSED_PORT = 4444
MEMORY_PAGES = 8                         # kernel pages that may differ after the settle...
SLAB_OBJECTS = 4                         # ...and objects of a cache (the scapy peer's ARP entry)
SETTLE_S = 100                           # TIME_WAIT (60 s) and SYN-ACK retries (63 s) end in it

needs = pytest.mark.skipif(
    os.geteuid() != 0 or not all(shutil.which(t) for t in ("ip", "nmap", "hping3", "curl")),
    reason="needs root (a network namespace and a tap device), ip, nmap, hping3 and curl (tools/deps.sh)")

# hping3 runs, each bounded by its count: (name, arguments). SYNs first, so
# the half-open connections they leave have timed out by the settle.
HPING = [
    ("syn flood, random sources", ["-S", "-p", "80", "--rand-source", "-i", "u100", "-c", "10000"]),
    ("syn flood at echo", ["-S", "-p", "7", "-i", "u100", "-c", "5000"]),
    ("ack flood", ["-A", "-p", "80", "-i", "u100", "-c", "10000"]),
    ("fin flood", ["-F", "-p", "7", "-i", "u100", "-c", "10000"]),
    ("rst flood at the live echo connection", ["-R", "-s", str(ECHO_PORT), "-k", "-p", "7", "-i", "u100",
                                               "-c", "10000"]),
    ("udp flood", ["-2", "-p", "5353", "-i", "u100", "-c", "10000"]),
    ("icmp echo flood", ["-1", "-i", "u100", "-c", "10000"]),
    ("icmp in fragments", ["-1", "-f", "-d", "200", "-i", "u1000", "-c", "1000"]),
    ("tcp syn in fragments", ["-S", "-f", "-p", "80", "-d", "64", "-i", "u1000", "-c", "1000"]),
    ("tcp bad checksums", ["-S", "-p", "80", "--badcksum", "-i", "u100", "-c", "5000"]),
    ("udp bad checksums", ["-2", "-p", "7", "--badcksum", "-i", "u100", "-c", "5000"]),
    ("icmp bad checksums", ["-1", "--badcksum", "-i", "u100", "-c", "5000"]),
]
NMAP = [
    ("syn scan", ["-sS", "-p", "1-1024,5201", "-T4"]),
    ("udp scan", ["-sU", "-p", "7,9,19,53,67,68,69,123,161,5201", "-T4"]),
    ("version detection", ["-sV", "--version-intensity", "0", "-p", "7,9,19,80"]),
    ("os detection", ["-O", "-p", f"7,80,{CLOSED_PORT}"]),
]
# (table, counter, why it must have moved)
MUST_MOVE = [
    ("Tcp", "InErrs", "bad data offsets and checksums"),
    ("Tcp", "InCsumErrors", "hping3 --badcksum and scapy's bad sum"),
    ("Tcp", "OutRsts", "the SYN scan's closed ports, the ACK flood"),
    ("TcpExt", "SyncookiesSent", "the SYN flood from random sources"),
    ("TcpExt", "TCPChallengeACK", "in-window RSTs and SYNs (RFC 5961)"),
    ("Ip", "ReasmReqds", "hping3 -f"),
    ("Ip", "ReasmOKs", "hping3 -f"),
    ("Icmp", "InEchos", "the echo flood"),
    ("Icmp", "InCsumErrors", "ICMP with bad checksums"),
    ("Icmp", "OutDestUnreachs", "the UDP scan and flood"),
    ("Icmp", "OutRateLimitGlobal", "the UDP flood past ICMP's 1000/s"),
    ("Udp", "NoPorts", "the UDP scan and flood"),
    ("Udp", "InCsumErrors", "UDP with bad checksums"),
]
# What the kernel prints when something went wrong: slub_debug's reports,
# WARN_ON, a DMA-unsafe buffer, an exception or a panic.
BAD_CONSOLE = re.compile(r"\bBUG |Redzone|Poison overwritten|corrupted|WARNING:|not DMA-safe|Kernel panic|"
                         r"Unhandled kernel exception|\bOops")


def console_trouble(q, text=None):
    """The first line of q's console (or text) that reports trouble."""
    text = q.output if text is None else text
    return next((l for l in text.splitlines() if BAD_CONSOLE.search(l)), None)


def host(netns, *cmd, timeout=60):
    return subprocess.run(["ip", "netns", "exec", netns, *cmd], capture_output=True, text=True, timeout=timeout)


def table(text):
    """Linux's /proc/net/snmp and netstat layout: a line of names, then one
    of values, under the same prefix."""
    rows = {}
    lines = [l.split() for l in text.splitlines() if l.split() and l.split()[0].endswith(":")]
    number = re.compile(r"-?\d+$")
    for names, values in zip(lines, lines[1:]):
        if names[0] == values[0] and not number.match(names[1]) and all(map(number.match, values[1:])):
            rows[names[0].rstrip(":")] = dict(zip(names[1:], map(int, values[1:])))
    return rows


def counters(q):
    return table(q.run("cat /proc/net/snmp") + q.run("cat /proc/net/netstat"))


def memory(q):
    info = dict(re.findall(r"^(\w+):\s+(\d+)", q.run("cat /proc/meminfo"), re.M))
    return {"kernel_free_kb": int(info["KernelFree"]), "slab_kb": int(info["Slab"])}


def slabs(q):
    """{cache: (objects in use, pages, pages a slab)} from /proc/slabinfo."""
    out = {}
    for line in q.run("cat /proc/slabinfo").splitlines()[2:]:
        f = line.split()
        if len(f) > 14:
            out[f[0]] = (int(f[1]), int(f[14]) * int(f[5]), int(f[5]))
    return out


def renew_rx_ring(netns):
    """The receive ring's 128 buffers are whatever kmalloc-2048 objects
    were free when its last frames came: under load, spread over every slab
    the load filled, each slab kept for the one or two still in it. 300
    full-size frames renew them all, packed into as few slabs as they need,
    so that both measurements see the ring, not the moment it was last
    refilled. A reply may be missing: after the attacks the guest has been
    seen to leave 128 requests unanswered for 640 ms, so that the ring was
    full and the next frame missed; well over 128 replies still mean every
    buffer was renewed. Liveness is the separate ping that must lose none."""
    r = host(netns, "ping", "-q", "-c", "300", "-i", "0.005", "-s", "1400", "-W", "5", GUEST_IP)
    m = re.search(r"(\d+) received", r.stdout)
    assert m and int(m.group(1)) >= 290, r.stdout


def slab_changes(before, after):
    """Caches whose objects in use moved by more than a few, or whose slabs
    grew by more than the one empty slab the allocator keeps for the next
    allocation (as Linux's min_partial); and the pages those kept slabs
    explain."""
    bad, kept = {}, 0
    for name, (objs, pages, per) in after.items():
        objs0, pages0, _ = before.get(name, (0, 0, per))
        if abs(objs - objs0) > SLAB_OBJECTS or pages - pages0 > per:
            bad[name] = ((objs0, pages0), (objs, pages))
        kept += min(max(pages - pages0, 0), per)
    return bad, kept


def sockets(q):
    text = q.run("cat /proc/net/sockstat")
    used = int(re.search(r"sockets: used (\d+)", text).group(1))
    tcp = dict((k, int(v)) for k, v in re.findall(r"(\w+) (\d+)", text.split("TCP:", 1)[1]))
    return {"used": used, "tcp_alloc": tcp["alloc"], "tw": tcp["tw"], "orphan": tcp["orphan"]}


def quiet(q):
    """Only listeners left: every TCP socket of /proc/net/tcp in LISTEN
    (0A), as many as TCP has allocated, none in TIME_WAIT."""
    states = re.findall(r"^\s*\d+: \S+ \S+ ([0-9A-F]{2}) ", q.run("cat /proc/net/tcp"), re.M)
    s = sockets(q)
    return set(states) == {"0A"} and s["tcp_alloc"] == len(states) and not s["tw"] and not s["orphan"], s


def settle(q, seconds):
    """Waits until quiet(q) (TIME_WAIT lasts 60 s, a half-open connection's
    SYN-ACK retries 63 s); returns the sockets it last saw."""
    end = time.monotonic() + seconds
    while True:
        done, s = quiet(q)
        if done or time.monotonic() > end:
            return s
        time.sleep(2)


def start_guest(netns, boot):
    subprocess.run(["ip", "netns", "exec", netns, "ip", "addr", "add", f"{HOST_IP}/24", "dev", "tap0"],
                   check=True, capture_output=True)
    q = boot(f"ip={GUEST_IP}::{HOST_IP}:255.255.255.0::eth0:off apps=shell,httpd,inetd "
             "slub_debug slub_debug_scan=1",
             wrapper=("ip", "netns", "exec", netns), net=NIC)
    q.expect(r"slub_debug: FZP; every slab checked each 1 s", timeout=30)
    q.expect(PROMPT, timeout=30)
    q.expect(r"inetd: chargen on port 19", timeout=30)
    assert "1 received" in host(netns, "ping", "-c", "1", "-W", "5", GUEST_IP).stdout
    return q


def run_load(netns, stop_file, min_bytes):
    return subprocess.Popen(["ip", "netns", "exec", netns, "/usr/bin/python3", os.path.join(HERE, "hostile_load.py"),
                             GUEST_IP, HOST_IP, str(ECHO_PORT), str(IDLE_PORT), WWW, str(stop_file),
                             str(min_bytes)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def load_result(p, timeout, ready_read=False):
    out, err = p.communicate(timeout=timeout)
    lines = out.strip().splitlines()
    assert p.returncode == 0 and lines and (ready_read or lines[0] == "ready"), (out, err)
    return json.loads(lines[-1])


def check_load(r):
    assert not r["errors"], r
    assert r["echo"]["same"] and r["echo"]["received"] == r["echo"]["sent"] >= 1, r["echo"]
    assert r["chargen"]["bad_at"] is None and r["chargen"]["received"] >= 1, r["chargen"]
    assert r["http"]["ok"] == r["http"]["requests"] >= 10 and not r["http"]["failures"], r["http"]
    assert r["idle"] == {"first": "hello", "last": "still alive"}, r["idle"]


def peer(netns, *args, timeout=120):
    r = host(netns, "/usr/bin/python3", os.path.join(HERE, "hostile_peer.py"), *map(str, args), timeout=timeout)
    assert r.returncode == 0, (r.stdout, r.stderr)
    return json.loads(r.stdout.strip().splitlines()[-1])


def want_listen(flags):
    """RFC 9293 3.10.7.2 as Linux: a RST is dropped, an ACK reset, a SYN
    (without FIN) answered, anything else dropped."""
    if "R" in flags:
        return lambda a: a is None
    if "A" in flags:
        return lambda a: a == "R"
    if "S" in flags and "F" not in flags:
        return lambda a: a is not None and "S" in a and "A" in a and "R" not in a
    return lambda a: a is None


def want_closed(flags):
    """RFC 9293 3.10.7.1: every segment but a RST is reset."""
    if "R" in flags:
        return lambda a: a is None
    return lambda a: a == ("R" if "A" in flags else "RA")


def check_fake_peer(r):
    assert r["announced"], r
    wrong = {f: a for f, a in r["listen_sweep"].items() if not want_listen(f)(a)}
    assert not wrong, f"listening port answered wrongly: {wrong}"
    wrong = {f: a for f, a in r["closed_sweep"].items() if not want_closed(f)(a)}
    assert not wrong, f"closed port answered wrongly: {wrong}"
    assert r["bad_headers"]["answered_bad_offsets"] == [], r["bad_headers"]
    assert all(a == "SA" for a in r["bad_headers"]["bad_option_synacks"].values()), r["bad_headers"]
    e = r["echo"]
    assert e["connected"] and e["echo_whole"] and e["echo_extra_bytes"] == 0, e
    assert all(e["dup_acks"].values()) and e["partial_ack_resent"] and all(e["challenge_acks"].values()), e
    assert e["echo_after_rsts"] and e["after_exact_rst"] == "R", e


@needs
def test_hostile_traffic_while_transfers_go_on(netns, boot, tmp_path):
    q = start_guest(netns, boot)
    # Warm-up: every path the attacks take once, so that the caches and
    # tables they fill for good (the first slab of a cache, the neighbour
    # entry) are in the baseline, not in the difference.
    warm = tmp_path / "warm-stop"
    warm.touch()
    check_load(load_result(run_load(netns, warm, 256 << 10), 120))
    host(netns, "ping", "-c", "2", "-s", "3000", GUEST_IP)
    host(netns, "hping3", "-q", "-2", "-p", "5353", "-c", "5", "-i", "u1000", GUEST_IP)
    settle(q, SETTLE_S)
    assert quiet(q)[0], q.run("cat /proc/net/tcp")
    renew_rx_ring(netns)
    mem0, socks0, c0, slab0 = memory(q), sockets(q), counters(q), slabs(q)
    print(f"\nbaseline: {mem0}, sockets {socks0}")

    stop = tmp_path / "stop"
    load = run_load(netns, stop, MIN_BYTES)
    assert load.stdout.readline().strip() == "ready", load.stderr.read()
    log = []
    try:
        for name, args in NMAP:
            t0 = time.monotonic()
            r = host(netns, "nmap", "-n", "-Pn", "--max-retries", "2", *args, GUEST_IP, timeout=120)
            log.append(f"nmap {name}: {time.monotonic() - t0:.1f} s")
            assert r.returncode == 0 and "1 host up" in r.stdout, (name, r.stdout, r.stderr)
            if name == "syn scan":
                for port in ("7/tcp", "9/tcp", "19/tcp", "80/tcp"):
                    assert re.search(rf"^{port}\s+open", r.stdout, re.M), r.stdout
        for name, args in HPING:
            t0 = time.monotonic()
            r = host(netns, "hping3", "-q", *args, GUEST_IP, timeout=60)
            m = re.search(r"(\d+) packets transmitted", r.stdout + r.stderr)
            assert m and int(m.group(1)) > 0, (name, r.stdout, r.stderr)
            log.append(f"hping3 {name}: {m.group(1)} sent, {time.monotonic() - t0:.1f} s")
        t0 = time.monotonic()
        fake = peer(netns, "fake", "tap0", GUEST_IP, GUEST_MAC, FAKE_IP, FAKE_MAC, 7, CLOSED_PORT)
        log.append(f"scapy fake peer: {time.monotonic() - t0:.1f} s")
        live = peer(netns, "live", "tap0", GUEST_IP, GUEST_MAC, ECHO_PORT, 7)
        idle = peer(netns, "live", "tap0", GUEST_IP, GUEST_MAC, IDLE_PORT, 7, "exact")
    finally:
        stop.touch()
        if console_trouble(q):
            load.kill()   # its streams would only wait out their timeouts
        assert not console_trouble(q), q.output[-4000:]
        result = load_result(load, 300, ready_read=True)
    print("\n".join(log))
    print(f"load: {json.dumps(result)}")
    check_fake_peer(fake)
    assert live["learnt"] and live["junk_sent"] > 0, live
    assert idle["learnt"] and all(idle["challenge_acks"].values()), idle
    check_load(result)
    assert result["echo"]["sent"] >= MIN_BYTES and result["chargen"]["received"] >= MIN_BYTES, result

    # The guest still answers, and its counters saw the attacks.
    r = host(netns, "ping", "-c", "3", "-i", "0.2", "-W", "5", GUEST_IP)
    assert "3 received" in r.stdout, r.stdout
    assert re.search(r"up ", q.run("uptime"))
    c1 = counters(q)
    moved = {f"{t}.{n}": c1[t][n] - c0[t][n] for t, n, _ in MUST_MOVE}
    print(f"counters moved: {moved}")
    still = [f"{t}.{n} ({why})" for t, n, why in MUST_MOVE if c1[t][n] <= c0[t][n]]
    assert not still, f"did not move: {still}"

    # Everything closed and timed out: sockets and memory back.
    socks1 = settle(q, SETTLE_S)
    renew_rx_ring(netns)
    q.run("sleep 2")   # two more slub_debug scans over what is left
    mem1, slab1 = memory(q), slabs(q)
    changed = {k: (slab0.get(k), v) for k, v in slab1.items() if slab0.get(k) != v}
    pages = (mem0["kernel_free_kb"] - mem1["kernel_free_kb"]) // 4
    print(f"after: {mem1}, sockets {socks1}; kernel pages in use {pages:+d}; "
          f"slab caches that changed (objects, pages, pages a slab): {changed}")
    assert socks1 == socks0 and quiet(q)[0], (socks0, socks1, q.run("cat /proc/net/tcp"))
    bad, kept = slab_changes(slab0, slab1)
    assert not bad, f"slab caches not back: {bad}"
    assert abs(pages) <= MEMORY_PAGES + kept, \
        f"kernel pages in use moved by {pages} ({kept} in kept empty slabs): {mem0} -> {mem1}, {changed}"
    dmesg = q.run("dmesg", timeout=30)
    assert not console_trouble(q) and not console_trouble(q, dmesg), q.output[-4000:]
