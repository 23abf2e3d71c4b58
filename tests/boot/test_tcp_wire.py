"""TCP against Linux's own TCP on the host, over a tap device in the tests'
own network namespace: bulk data both ways through the guest's echo
server compared by SHA-256, the same under the guest's fault injection
(netfault=: loss, reordering, duplication, corruption), many concurrent
connections, half-close, connection refused, a paused host reader forcing a
zero window the guest probes, and a tshark capture with no malformed
segment and no bad checksum. Nothing leaves the namespace."""
import os
import re
import shutil
import subprocess
import time

import pytest

import capture
from qemu import PROMPT

HOST_IP, GUEST_IP = "10.0.6.1", "10.0.6.2"

needs_wire = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("ip"),
    reason="needs root (a network namespace and a tap device) and ip (tools/deps.sh)")


def host(q, *cmd, timeout=300, check=False, input=None):
    return subprocess.run(["ip", "netns", "exec", q.netns, *cmd], check=check, capture_output=True, text=True,
                          timeout=timeout, input=input)


def py(q, script, *args, timeout=300):
    r = host(q, "/usr/bin/python3", "-c", script, *map(str, args), timeout=timeout)
    assert r.returncode == 0, (r.stdout, r.stderr, q.output[-3000:])
    return r.stdout


def start_guest(netns, boot, extra=""):
    subprocess.run(["ip", "netns", "exec", netns, "ip", "addr", "add", f"{HOST_IP}/24", "dev", "tap0"],
                   check=True, capture_output=True)
    q = boot(f"ip={GUEST_IP}::{HOST_IP}:255.255.255.0::eth0:off {extra}", wrapper=("ip", "netns", "exec", netns),
             net=("-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                  "-device", "pcnet,netdev=n0,addr=0b,romfile="))
    q.expect(PROMPT, timeout=30)
    q.netns = netns
    q.run("run inetd &")
    wait_port(q, 7)
    return q


WAIT_PORT = r'''
import socket, sys, time
end = time.time() + 20
while time.time() < end:
    try:
        socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit(1)
'''


def wait_port(q, port):
    py(q, WAIT_PORT, GUEST_IP, port, timeout=30)


# Sends N pseudo-random bytes to the echo server from one thread while the
# main thread reads them back; both SHA-256s printed with the time taken.
ECHO = r'''
import hashlib, random, socket, sys, threading, time
guest, total, conns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def one(i, results):
    rng = random.Random(1000 + i)
    s = socket.create_connection((guest, 7), timeout=180)
    sent, got = hashlib.sha256(), hashlib.sha256()
    def writer():
        left = total
        while left:
            n = min(left, 65536)
            chunk = rng.randbytes(n)
            sent.update(chunk)
            s.sendall(chunk)
            left -= n
        s.shutdown(socket.SHUT_WR)   # half-close: the echo still comes back
    t = threading.Thread(target=writer)
    t.start()
    n = 0
    while True:
        b = s.recv(1 << 16)
        if not b:
            break
        got.update(b)
        n += len(b)
    t.join()
    s.close()
    results[i] = (n, sent.hexdigest(), got.hexdigest())
t0 = time.time()
results = {}
threads = [threading.Thread(target=one, args=(i, results)) for i in range(conns)]
for t in threads: t.start()
for t in threads: t.join()
dt = time.time() - t0
bad = [i for i, (n, a, b) in results.items() if n != total or a != b]
print(f"conns {len(results)} bad {bad} bytes {total} seconds {dt:.2f}")
sys.exit(1 if bad or len(results) != conns else 0)
'''


def tcp_counters(q):
    text = q.run("cat /proc/net/snmp")
    rows = [l.split() for l in text.splitlines() if l.startswith("Tcp:")]
    assert len(rows) == 2, text
    return {k: int(v) for k, v in zip(rows[0][1:], rows[1][1:])}


def start_capture(q, pcap, bpf):
    """tshark on tap0 into pcap, returned once it says it is capturing."""
    return capture.start(q.netns, "tap0", pcap, bpf)


def stop_capture(cap):
    time.sleep(0.5)
    cap.terminate()
    cap.wait(timeout=10)


@pytest.fixture
def wire(netns, boot):
    return start_guest(netns, boot)


@needs_wire
def test_bulk_echo_both_ways_matches_by_sha256(wire):
    out = py(wire, ECHO, GUEST_IP, 50 * 1024 * 1024, 1, timeout=900)
    assert "bad []" in out, out
    c = tcp_counters(wire)
    assert c["InErrs"] == 0 and c["InCsumErrors"] == 0, c
    assert c["PassiveOpens"] >= 2, c   # the port probe and the transfer


@needs_wire
def test_many_concurrent_connections_each_move_data(wire):
    out = py(wire, ECHO, GUEST_IP, 64 * 1024, 200, timeout=600)
    assert "conns 200 bad []" in out, out


REFUSED = r'''
import errno, socket, sys
s = socket.socket()
s.settimeout(5)
try:
    s.connect((sys.argv[1], 4444))
except ConnectionRefusedError:
    print("refused")
'''


@needs_wire
def test_connection_refused_by_a_reset(wire):
    assert "refused" in py(wire, REFUSED, GUEST_IP)
    assert tcp_counters(wire)["OutRsts"] >= 1


# Connects to chargen and reads nothing for a while: the host's receive
# buffer fills, it advertises a zero window, and the guest must probe it;
# then everything read afterwards is still the RFC 864 pattern.
ZERO_WINDOW = r'''
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect((sys.argv[1], 19))
time.sleep(float(sys.argv[2]))
data = b""
while len(data) < 200000:
    b = s.recv(65536)
    if not b:
        break
    data += b
s.close()
print("read", len(data))
'''


@needs_wire
def test_zero_window_is_probed_by_the_guest(wire, tmp_path):
    pcap = tmp_path / "zw.pcap"
    cap = start_capture(wire, pcap, "tcp port 19")
    try:
        out = py(wire, ZERO_WINDOW, GUEST_IP, 3.0)
        assert re.search(r"read (\d{6,})", out), out
    finally:
        stop_capture(cap)
    r = subprocess.run(["tshark", "-r", str(pcap), "-Y", "tcp.analysis.zero_window", "-T", "fields",
                        "-e", "frame.number"], capture_output=True, text=True, timeout=60)
    assert r.stdout.split(), "the host never advertised a zero window"
    r = subprocess.run(["tshark", "-r", str(pcap), "-Y",
                        f"ip.src=={GUEST_IP} && (tcp.analysis.zero_window_probe || tcp.analysis.keep_alive)",
                        "-T", "fields", "-e", "frame.number"], capture_output=True, text=True, timeout=60)
    assert r.stdout.split(), "the guest sent no zero-window probe"


# A host listener that takes one connection and holds it silent for S
# seconds; prints how many bytes came (keepalive probes carry none new).
HOLD = r'''
import socket, sys, time
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((sys.argv[1], int(sys.argv[2])))
ls.listen(1)
print("listening", flush=True)
c, _ = ls.accept()
c.settimeout(float(sys.argv[3]))
try:
    data = c.recv(100)
    print("got", len(data), "early")
except socket.timeout:
    print("held")
c.close()
'''


@needs_wire
def test_keepalive_probes_are_seen_on_the_wire(wire, tmp_path):
    pcap = tmp_path / "ka.pcap"
    cap = start_capture(wire, pcap, "tcp port 5050")
    try:
        hold = subprocess.Popen(["ip", "netns", "exec", wire.netns, "/usr/bin/python3", "-c", HOLD, HOST_IP, "5050",
                                 "5"], stdout=subprocess.PIPE, text=True)
        assert hold.stdout.readline().strip() == "listening"
        wire.run(f"nc -d -K 1 {HOST_IP} 5050 &")
        out, _ = hold.communicate(timeout=30)
        assert "held" in out, out
    finally:
        stop_capture(cap)
    fields = ["-T", "fields", "-e", "frame.time_relative"]
    probes = subprocess.run(["tshark", "-r", str(pcap), "-Y", f"ip.src=={GUEST_IP} && tcp.analysis.keep_alive",
                             *fields], capture_output=True, text=True, timeout=60).stdout.split()
    acks = subprocess.run(["tshark", "-r", str(pcap), "-Y", f"ip.src=={HOST_IP} && tcp.analysis.keep_alive_ack",
                           *fields], capture_output=True, text=True, timeout=60).stdout.split()
    # TCP_KEEPIDLE 1 and TCP_KEEPINTVL 1 over 5 s held: a probe a second,
    # each answered by the host's TCP (RFC 9293 3.8.4: one octet before snd_una).
    assert len(probes) >= 3, probes
    assert len(acks) >= 3, acks
    gaps = [float(b) - float(a) for a, b in zip(probes, probes[1:])]
    assert all(0.5 < g < 2.5 for g in gaps), gaps


@needs_wire
def test_capture_has_no_malformed_segment_or_bad_checksum(wire, tmp_path):
    pcap = tmp_path / "tcp.pcap"
    cap = start_capture(wire, pcap, "tcp")
    try:
        py(wire, ECHO, GUEST_IP, 2 * 1024 * 1024, 4)
    finally:
        stop_capture(cap)
    r = subprocess.run(["tshark", "-r", str(pcap), "-o", "tcp.check_checksum:TRUE", "-Y",
                        f"ip.src=={GUEST_IP} && (_ws.malformed || tcp.checksum.status == 0 || _ws.expert.severity >= error)",
                        "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert not r.stdout.strip(), r.stdout[:2000]
    n = subprocess.run(["tshark", "-r", str(pcap), "-Y", f"ip.src=={GUEST_IP} && tcp", "-T", "fields",
                        "-e", "frame.number"], capture_output=True, text=True, timeout=120)
    assert len(n.stdout.split()) > 1000, "too few guest segments captured"


@needs_wire
@pytest.mark.parametrize("fault", ["drop=1%", "drop=5%", "reorder=5%", "dup=5%", "corrupt=2%"])
def test_bulk_echo_under_injected_faults(netns, boot, fault):
    q = start_guest(netns, boot, f"netfault=eth0:{fault},seed=7")
    # Both directions lose: data and ACKs, ours and the host's.
    out = py(q, ECHO, GUEST_IP, 1024 * 1024, 2, timeout=600)
    assert "bad []" in out, out
    faults = q.run("cat /proc/net/netfault")
    assert "eth0" in faults, faults
    c = tcp_counters(q)
    if fault.startswith("drop") or fault.startswith("corrupt"):
        assert c["RetransSegs"] > 0, c
    if fault.startswith("corrupt"):
        assert c["InCsumErrors"] > 0, c


@needs_wire
@pytest.mark.skipif(not shutil.which("hping3"), reason="hping3 (tools/deps.sh)")
def test_syn_flood_from_random_sources_then_a_connection_still_works(wire):
    flood = subprocess.Popen(["ip", "netns", "exec", wire.netns, "timeout", "5", "hping3", "-S", "-p", "7",
                              "--flood", "--rand-source", "-q", GUEST_IP],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    flood.wait(timeout=30)
    out = py(wire, ECHO, GUEST_IP, 256 * 1024, 4)
    assert "bad []" in out, out
    snmp = wire.run("cat /proc/net/netstat")
    rows = [l.split() for l in snmp.splitlines() if l.startswith("TcpExt:")]
    ext = {k: int(v) for k, v in zip(rows[0][1:], rows[1][1:])}
    assert ext["SyncookiesSent"] > 0 or ext["ListenDrops"] > 0, ext
