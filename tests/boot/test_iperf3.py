"""iperf3d in the guest against Debian's unmodified iperf3 3.12 client, run
from the tests' own network namespace over a tap device: TCP both ways,
--bidir, 8 parallel streams with -w and -l, UDP with loss and jitter and,
reversed, paced at the asked rate; every run's -J output parsed. Then the
server's defences: a second client while one runs is denied, and clients
that send a bad cookie, an oversized or garbage parameters JSON, or vanish
mid-test are answered or closed and counted, the next client served and
the apps' heap back where it was. Throughput is printed (-s shows it), as
a measurement, never asserted."""
import json
import os
import re
import shutil
import signal
import subprocess
import time

import pytest

from qemu import PROMPT, Qemu
from tapns import NIC, tap_netns

HOST_IP, GUEST_IP = "10.0.6.1", "10.0.6.2"

needs_iperf3 = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("ip") is None or shutil.which("iperf3") is None,
    reason="needs root (a network namespace and a tap device), ip and iperf3 (tools/deps.sh)")


@pytest.fixture(scope="module")
def module_netns():
    with tap_netns("iperf3", HOST_IP) as name:
        yield name


@pytest.fixture(scope="module")
def guest(module_netns):
    """One guest for the whole file, iperf3d -v started at boot by apps=."""
    q = Qemu(f"ip={GUEST_IP}::{HOST_IP}:255.255.255.0::eth0:off apps=shell,iperf3d iperf3d.args=-v",
             wrapper=("ip", "netns", "exec", module_netns),
             net=NIC)
    try:
        q.expect("iperf3d: listening on port 5201", timeout=30)
        q.netns = module_netns
        q.send("\r")
        q.expect(PROMPT)
        yield q
    finally:
        q.close()


def inside(q, *cmd):
    return ["ip", "netns", "exec", q.netns, *cmd]


def iperf3(q, *args, timeout=60):
    """The client with -J; its parsed output (an "error" key when it failed:
    3.12 then exits 0 for some errors, busy among them)."""
    r = subprocess.run(inside(q, "iperf3", "-c", GUEST_IP, "-J", *args), capture_output=True, text=True,
                       timeout=timeout)
    out = json.loads(r.stdout)
    assert r.returncode == 0 or "error" in out, (r.returncode, r.stdout[-2000:], r.stderr)
    return out


def good_run(q, *args, streams):
    out = iperf3(q, *args)
    assert "error" not in out, out["error"]
    end = out["end"]
    assert len(end["streams"]) == streams, end["streams"]
    assert len(out["start"]["connected"]) == streams
    q.expect(r"iperf3d: 10\.0\.6\.1: (tcp|udp) %d stream\(s\)" % streams, timeout=10)
    q.counts = dict(zip(COUNTS, map(int, q.expect(COUNTS_RX, timeout=10).groups())))
    return end


# The line iperf3d prints after every test, good or bad.
COUNTS_RX = (r"iperf3d: tests (\d+), denied (\d+), bad cookie (\d+), bad parameters (\d+), bad message (\d+), "
             r"vanished (\d+), timed out (\d+), stray datagrams (\d+); heap in use (\d+)")
COUNTS = ("tests", "denied", "bad cookie", "bad parameters", "bad message", "vanished", "timed out", "stray", "heap")


def mbit(summary):
    return summary["bits_per_second"] / 1e6


def show(label, **rates):
    print(f"\n{label}: " + ", ".join(f"{k} {v:.1f} Mbit/s" for k, v in rates.items()))


@needs_iperf3
def test_tcp_client_sends(guest):
    end = good_run(guest, "-t", "2", streams=1)
    assert end["sum_sent"]["bytes"] > 0
    assert end["sum_received"]["bytes"] > 0
    # The receiver's count is the server's, from the results exchange.
    assert end["streams"][0]["receiver"]["bytes"] <= end["streams"][0]["sender"]["bytes"]
    show("tcp", sent=mbit(end["sum_sent"]), received=mbit(end["sum_received"]))


@needs_iperf3
def test_tcp_reverse_four_streams(guest):
    end = good_run(guest, "-t", "2", "-R", "-P", "4", streams=4)
    assert all(s["receiver"]["bytes"] > 0 for s in end["streams"])
    assert all(s["sender"]["bytes"] >= s["receiver"]["bytes"] for s in end["streams"])
    # The server sends, so its TCP_INFO counts the retransmits.
    assert end["sum_sent"]["retransmits"] >= 0
    show("tcp -R -P 4", received=mbit(end["sum_received"]))


@needs_iperf3
def test_tcp_bidir(guest):
    end = good_run(guest, "-t", "2", "--bidir", streams=2)
    assert end["sum_received"]["bytes"] > 0
    assert end["sum_received_bidir_reverse"]["bytes"] > 0
    show("tcp --bidir", client_to_server=mbit(end["sum_received"]),
         server_to_client=mbit(end["sum_received_bidir_reverse"]))


@needs_iperf3
def test_tcp_eight_streams_window_and_length(guest):
    end = good_run(guest, "-t", "2", "-P", "8", "-w", "64K", "-l", "16K", streams=8)
    assert all(s["receiver"]["bytes"] > 0 for s in end["streams"])
    show("tcp -P 8 -w 64K -l 16K", received=mbit(end["sum_received"]))


@needs_iperf3
def test_udp_loss_and_jitter(guest):
    end = good_run(guest, "-u", "-b", "10M", "-t", "2", "-l", "1200", streams=1)
    s = end["sum"]
    assert s["bytes"] > 0 and s["packets"] > 0
    assert 0 <= s["lost_packets"] <= s["packets"]
    assert s["jitter_ms"] >= 0
    udp = end["streams"][0]["udp"]
    assert udp["packets"] == s["packets"]
    print(f"\nudp -b 10M: {mbit(s):.1f} Mbit/s, jitter {s['jitter_ms']:.3f} ms, "
          f"lost {s['lost_packets']}/{s['packets']}")


@needs_iperf3
def test_udp_reverse_is_paced(guest):
    end = good_run(guest, "-u", "-R", "-b", "4M", "-t", "2", streams=1)
    s = end["sum"]
    assert s["bytes"] > 0 and s["packets"] > 0
    # Paced at the asked 4 Mbit/s (iperf_check_throttle's average), not flat out.
    assert mbit(s) < 4 * 1.5, s
    print(f"\nudp -R -b 4M: {mbit(s):.2f} Mbit/s, jitter {s['jitter_ms']:.3f} ms, "
          f"lost {s['lost_packets']}/{s['packets']}")


@needs_iperf3
def test_udp_bidir_two_streams_64bit_counters(guest):
    end = good_run(guest, "-u", "--bidir", "-P", "2", "-b", "2M", "-t", "2", "--udp-counters-64bit", streams=4)
    assert end["sum"]["packets"] > 0 and end["sum"]["bytes"] > 0
    assert end["sum_bidir_reverse"]["packets"] > 0 and end["sum_bidir_reverse"]["bytes"] > 0
    print(f"\nudp --bidir -P 2 -b 2M: client to server {mbit(end['sum']):.2f} Mbit/s, "
          f"server to client {mbit(end['sum_bidir_reverse']):.2f} Mbit/s")


SILENT = r'''
import socket, sys, time
s = socket.create_connection((sys.argv[1], 5201), timeout=30)
t = time.monotonic()
try:
    got = s.recv(1)
except ConnectionResetError:
    got = b""
print(repr(got), round(time.monotonic() - t, 1))
'''


@needs_iperf3
def test_silent_client_times_out(guest):
    # Connects and says nothing: the cookie's deadline (10 s) closes it.
    r = subprocess.run(inside(guest, "/usr/bin/python3", "-c", SILENT, GUEST_IP), capture_output=True, text=True,
                       timeout=60)
    got, took = r.stdout.split()
    assert got == "b''", r.stdout + r.stderr
    assert 8 <= float(took) <= 15, took
    guest.expect(r"test ended in cookie: timed out", timeout=10)
    good_run(guest, "-t", "1", streams=1)


@needs_iperf3
def test_second_client_is_denied_while_busy(guest):
    first = subprocess.Popen(inside(guest, "iperf3", "-c", GUEST_IP, "-J", "-t", "3"),
                             stdout=subprocess.PIPE, text=True)
    try:
        guest.expect(r"iperf3d: control connection from", timeout=10)
        time.sleep(1)
        second = iperf3(guest, "-t", "1")
        assert "busy" in second["error"], second["error"]
        out, _ = first.communicate(timeout=30)
    finally:
        first.kill()
    assert "error" not in json.loads(out)
    guest.expect(r"iperf3d: tests \d+, denied [1-9]", timeout=10)


BAD_CLIENTS = r'''
import socket, struct, sys, time
guest = sys.argv[1]
COOKIE = b"abcdefghijklmnopqrstuvwxyz2345672345\0"
def conn():
    return socket.create_connection((guest, 5201), timeout=15)
def until_closed(s):
    got = b""
    try:
        while True:
            b = s.recv(4096)
            if not b:
                return got
            got += b
    except ConnectionResetError:
        return got
# 1. Not a cookie: closed without a word.
s = conn(); s.sendall(b"GET / HTTP/1.0\r\n\r\n" + b"x" * 40)
print("bad cookie", until_closed(s).hex())
# 2. A cookie, then a JSON length of 4 GiB: SERVER_ERROR, IERECVPARAMS (114), EMSGSIZE.
s = conn(); s.sendall(COOKIE); assert s.recv(1) == b"\x09"
s.sendall(struct.pack("!I", 0xffffffff))
print("oversized", until_closed(s).hex())
# 3. A cookie and a JSON that is not: SERVER_ERROR, IERECVPARAMS, EINVAL.
s = conn(); s.sendall(COOKIE); assert s.recv(1) == b"\x09"
body = b'{"tcp":true,"time":'
s.sendall(struct.pack("!I", len(body)) + body)
print("garbage", until_closed(s).hex())
# 4. Parameters asking for 64 streams: SERVER_ERROR, IENUMSTREAMS (6).
s = conn(); s.sendall(COOKIE); assert s.recv(1) == b"\x09"
body = b'{"tcp":true,"time":1,"parallel":64}'
s.sendall(struct.pack("!I", len(body)) + body)
print("too many streams", until_closed(s).hex())
# 5. Good parameters, then gone while the server waits for the streams.
s = conn(); s.sendall(COOKIE); assert s.recv(1) == b"\x09"
body = b'{"tcp":true,"time":1,"parallel":1}'
s.sendall(struct.pack("!I", len(body)) + body)
assert s.recv(1) == b"\x0a"
# A stream with the wrong cookie is denied meanwhile.
t = conn(); t.sendall(b"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\0")
print("wrong stream cookie", until_closed(t).hex())
s.close()
'''


@needs_iperf3
def test_bad_clients_then_a_good_one(guest):
    good_run(guest, "-t", "1", streams=1)
    before = guest.counts
    sockets = sockets_in_use(guest)
    r = subprocess.run(inside(guest, "/usr/bin/python3", "-c", BAD_CLIENTS, GUEST_IP), capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    out = dict(line.rsplit(" ", 1) for line in r.stdout.split("\n") if line)
    assert out["bad cookie"] == "", out
    assert out["oversized"] == "fe" + "00000072" + "%08x" % 90, out          # EMSGSIZE
    assert out["garbage"] == "fe" + "00000072" + "%08x" % 22, out            # EINVAL
    assert out["too many streams"] == "fe" + "00000006" + "%08x" % 22, out
    assert out["wrong stream cookie"] == "ff", out
    # A real client killed mid-test: its control connection's end ends the test.
    victim = subprocess.Popen(inside(guest, "iperf3", "-c", GUEST_IP, "-t", "10"), stdout=subprocess.DEVNULL)
    guest.expect(r"iperf3d: control connection from", timeout=10)
    time.sleep(1.5)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    guest.expect(r"test ended in running: ", timeout=15)
    end = good_run(guest, "-t", "1", streams=1)
    assert end["sum_received"]["bytes"] > 0
    after = guest.counts
    assert after["bad cookie"] >= before["bad cookie"] + 2     # the control one and the stream one
    assert after["bad parameters"] >= before["bad parameters"] + 3
    assert after["vanished"] >= before["vanished"] + 2         # after CREATE_STREAMS, and mid-test
    assert after["denied"] >= before["denied"]
    assert after["tests"] == before["tests"] + 1, (before, after, guest.output[-4000:])
    # Every test's memory went back: the heap in use is where it was.
    assert after["heap"] == before["heap"], (before, after)
    # And every socket: the listener is iperf3d's only one between tests.
    assert sockets_in_use(guest) == sockets == 1


def sockets_in_use(q):
    return int(re.search(r"sockets: used (\d+)", q.run("cat /proc/net/sockstat")).group(1))


