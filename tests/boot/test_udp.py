"""UDP in the guest: the echo server (RFC 862), nc -u, /proc/net/udp and
netstat -u over lo; then on a tap device in the tests' own network
namespace: host sockets, socat and nc -u against the guest's echo server
(sizes up to 65507, fragmented both ways), the guest's nc -u to a host
listener and as a listener, port unreachable seen by the host, and bad UDP
made by scapy counted in Udp: and dropped. Nothing leaves the namespace."""
import os
import re
import shutil
import subprocess
import time

import pytest

import capture
from qemu import PROMPT, proc_addr

HOST_IP, GUEST_IP = "10.0.4.1", "10.0.4.2"
GUEST_MAC = "52:54:00:12:34:56"


def udp_counters(q):
    text = q.run("cat /proc/net/snmp")
    rows = [l.split() for l in text.splitlines() if l.startswith("Udp:")]
    assert len(rows) == 2, text
    return {k: int(v) for k, v in zip(rows[0][1:], rows[1][1:])}


@pytest.mark.parametrize("append", ["", "lo.verify_csum=1"])
def test_echo_server_and_nc_over_loopback(boot, append):
    q = boot(append)
    q.expect(PROMPT, timeout=30)
    q.run("run udpecho -v &")
    q.expect("udpecho: listening on port 7")
    proc = q.run("cat /proc/net/udp")
    assert proc.splitlines()[0].startswith("   sl  local_address rem_address   st tx_queue rx_queue"), proc
    assert re.search(r"^\s+\d+: 00000000:0007 00000000:0000 07 00000000:00000000 ", proc, re.M), proc
    out = q.run("netstat -ua")
    assert re.search(r"^udp\s+0\s+0 0\.0\.0\.0:7\s+0\.0\.0\.0:\*", out, re.M), out
    assert "0.0.0.0:7" not in q.run("netstat -u")   # servers only with -a
    q.send("nc -u -w 2 127.0.0.1 7\r")
    q.expect(r"nc -u -w 2 127\.0\.0\.1 7\n")
    time.sleep(0.5)
    q.send("hello over lo\r")
    # The console hands nc what has arrived, maybe the first key alone: one
    # or more datagrams, echoed in order.
    q.expect(r"udpecho: \d+ bytes from 127\.0\.0\.1:\d+")
    q.expect(r"run: nc \(pid \d+\) exited with status 0", timeout=10)
    # udpecho -v's line may land between two echoed pieces on the console.
    echoed = re.sub(r"udpecho: \d+ bytes from 127\.0\.0\.1:\d+\n", "", q.output)
    assert "hello over lo" in echoed, q.output[-500:]
    c = udp_counters(q)
    # Each datagram is read twice (udpecho, then nc) and sent twice.
    assert c["InDatagrams"] >= 2 and c["InDatagrams"] == c["OutDatagrams"] and c["InErrors"] == 0, c
    assert c["InCsumErrors"] == 0, c   # with lo.verify_csum=1 both sums were checked
    # The unprivileged shell may not take a port below 1024 (EACCES = 13),
    # and without -u nc is TCP: nobody listens on TCP port 7 (a RST back).
    out = q.run("nc -u -l 9")
    assert "nc: bind: Permission denied" in out, out
    out = q.run("nc -w 5 127.0.0.1 7")
    assert "nc: connect to 127.0.0.1 port 7 (tcp) failed: Connection refused" in out, out


# ---------------------------------------------------------------------------
# On the wire (root only).

needs_wire = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("ip") is None,
    reason="needs root (a network namespace and a tap device) and ip (tools/deps.sh)")


def host(q, *cmd, timeout=300, check=False, input=None):
    return subprocess.run(["ip", "netns", "exec", q.netns, *cmd], check=check, capture_output=True, text=True,
                          timeout=timeout, input=input)


def start_guest(netns, boot, extra=""):
    subprocess.run(["ip", "netns", "exec", netns, "ip", "addr", "add", f"{HOST_IP}/24", "dev", "tap0"],
                   check=True, capture_output=True)
    q = boot(f"ip={GUEST_IP}::{HOST_IP}:255.255.255.0::eth0:off {extra}", wrapper=("ip", "netns", "exec", netns),
             net=("-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                  "-device", "pcnet,netdev=n0,addr=0b,romfile="))
    q.expect(PROMPT, timeout=30)
    q.netns = netns
    return q


@pytest.fixture
def wire(netns, boot):
    q = start_guest(netns, boot)
    q.run("run udpecho &")
    q.expect("udpecho: listening on port 7")
    return q


ECHO_CLIENT = r'''
import os, random, socket, sys
guest, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(862)
sizes = [0, 1, 1472, 1473, 8000, 65507] + [rng.choice((rng.randint(1, 1472), rng.randint(1, 65507)))
                                           for _ in range(count - 6)]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.settimeout(3)
s.connect((guest, 7))
retries = bad = 0
for i, n in enumerate(sizes):
    data = os.urandom(n)
    for attempt in range(4):
        s.send(data)
        try:
            while True:
                got = s.recv(65535)
                if got == data:
                    break
                if len(got) != len(data):
                    continue   # a late echo of an earlier try
                bad += 1
                break
            break
        except socket.timeout:
            retries += 1
    else:
        print(f"lost {i} size {n}")
        sys.exit(1)
print(f"ok {len(sizes)} bad {bad} retries {retries} bytes {sum(sizes)}")
'''


@needs_wire
def test_host_sockets_against_the_guests_echo_server(wire):
    before = udp_counters(wire)
    r = host(wire, "/usr/bin/python3", "-c", ECHO_CLIENT, GUEST_IP, "1000", timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    m = re.match(r"ok 1000 bad (\d+) retries (\d+) bytes (\d+)", r.stdout)
    assert m and m.group(1) == "0", r.stdout
    assert int(m.group(2)) <= 20, r.stdout   # a few lost frames are UDP's right, not many
    after = udp_counters(wire)
    assert after["InDatagrams"] - before["InDatagrams"] >= 1000
    assert after["InErrors"] == before["InErrors"], (before, after)


@needs_wire
@pytest.mark.skipif(shutil.which("socat") is None or shutil.which("nc") is None,
                    reason="needs socat and netcat-openbsd (tools/deps.sh)")
def test_socat_and_nc_against_the_guests_echo_server(wire):
    r = host(wire, "socat", "-t", "2", "-", f"UDP:{GUEST_IP}:7", input="socat says hello\n", timeout=30)
    assert r.stdout == "socat says hello\n", r
    r = host(wire, "nc", "-u", "-w", "2", GUEST_IP, "7", input="nc says hello\n", timeout=30)
    assert r.stdout == "nc says hello\n", r


@needs_wire
def test_guest_nc_to_a_host_listener_and_as_a_listener(wire):
    listener = subprocess.Popen(
        ["ip", "netns", "exec", wire.netns, "/usr/bin/python3", "-c",
         "import socket\n"
         "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
         f"s.bind(('{HOST_IP}', 9999))\n"
         "s.settimeout(20)\n"
         "data = b''\n"
         "while not data.endswith((b'\\r', b'\\n')):\n"   # the console may hand nc a key at a time
         "    part, peer = s.recvfrom(2048)\n"
         "    data += part\n"
         "print(repr(data), peer[0], flush=True)\n"
         "s.sendto(b'reply from the host\\n', peer)\n"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1)
    wire.send(f"nc -u -w 3 {HOST_IP} 9999\r")
    wire.expect(rf"nc -u -w 3 {re.escape(HOST_IP)} 9999\n")
    time.sleep(0.5)
    wire.send("hello from the guest\r")
    out, err = listener.communicate(timeout=30)
    assert out.startswith("b'hello from the guest") and out.strip().endswith(GUEST_IP), (out, err)
    wire.expect("reply from the host", timeout=10)
    wire.expect(r"run: nc \(pid \d+\) exited with status 0", timeout=15)
    wire.expect(PROMPT)
    # The guest listens; the host's datagram is printed by nc.
    wire.run("run nc -d -u -l -w 5 5000 &")   # -d: the console stays the shell's
    for _ in range(50):   # bound yet?
        if ":1388 " in wire.run("cat /proc/net/udp"):
            break
        time.sleep(0.1)
    host(wire, "socat", "-u", "-", f"UDP:{GUEST_IP}:5000", input="to the guest's listener\n", timeout=30)
    wire.expect("to the guest's listener", timeout=10)
    time.sleep(6)           # -w 5 of quiet ends it; the shell reports it before its next prompt
    wire.send("\r")
    wire.expect(r"run: nc \(pid \d+\) exited with status 0", timeout=15)


@needs_wire
def test_port_unreachable_reaches_the_host(wire):
    before = udp_counters(wire)
    r = host(wire, "/usr/bin/python3", "-c",
             "import socket\n"
             "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
             "s.settimeout(3)\n"
             f"s.connect(('{GUEST_IP}', 9))\n"
             "s.send(b'anyone?')\n"
             "try:\n"
             "    s.recv(100)\n"
             "    print('answered')\n"
             "except ConnectionRefusedError:\n"
             "    print('refused')\n"
             "except socket.timeout:\n"
             "    print('timeout')\n", timeout=30)
    assert r.stdout.strip() == "refused", r
    after = udp_counters(wire)
    assert after["NoPorts"] == before["NoPorts"] + 1, (before, after)


def _has_scapy():
    r = subprocess.run(["/usr/bin/python3", "-c", "import scapy"], capture_output=True)
    return r.returncode == 0


SCAPY_BAD_UDP = r'''
import sys
from scapy.all import Ether, IP, UDP, Raw, sendp
g, mac, src = sys.argv[1], sys.argv[2], sys.argv[3]
eth = Ether(dst=mac)
ip = IP(dst=g, src=src, proto=17)
frames = [
    eth / ip / Raw(b"\x30\x39\x00"),                                        # 3 octets: no whole header
    eth / ip / UDP(sport=12345, dport=7, len=200) / Raw(b"x" * 20),          # length past the datagram
    eth / ip / UDP(sport=12345, dport=7, len=5) / Raw(b"x" * 20),            # length under a header
    eth / ip / UDP(sport=12345, dport=7, chksum=0x1234) / Raw(b"y" * 20),    # bad checksum
]
sendp(frames, iface="tap0", verbose=False)
print(len(frames))
'''


@needs_wire
@pytest.mark.skipif(not _has_scapy(), reason="needs python3-scapy (tools/deps.sh)")
def test_bad_udp_is_counted_and_dropped(wire):
    before = udp_counters(wire)
    r = host(wire, "/usr/bin/python3", "-c", SCAPY_BAD_UDP, GUEST_IP, GUEST_MAC, HOST_IP, timeout=60)
    assert r.stdout.strip() == "4", r
    time.sleep(1)
    after = udp_counters(wire)
    assert after["InErrors"] == before["InErrors"] + 4, (before, after)
    assert after["InCsumErrors"] == before["InCsumErrors"] + 1, (before, after)
    assert after["InDatagrams"] == before["InDatagrams"], (before, after)   # nothing reached the echo server
    r = host(wire, "socat", "-t", "2", "-", f"UDP:{GUEST_IP}:7", input="still there?\n", timeout=30)
    assert r.stdout == "still there?\n", r


SCAPY_QUERY = r'''
import sys
from scapy.all import Ether, IP, Raw, sendp
from scapy.contrib.igmp import IGMP
# A general query from the "router" (the host), 1 s to answer (RFC 2236 2).
q = Ether(dst="01:00:5e:00:00:01") / IP(src=sys.argv[1], dst="224.0.0.1", ttl=1) / IGMP(type=0x11, mrcode=10, gaddr="0.0.0.0")
sendp(q, iface="tap0", verbose=False)
'''


@needs_wire
@pytest.mark.skipif(shutil.which("tshark") is None or not _has_scapy(),
                    reason="needs tshark and python3-scapy (tools/deps.sh)")
def test_multicast_group_joined_reported_answered_and_left(wire, tmp_path):
    pcap = tmp_path / "igmp.pcap"
    cap = capture.start(wire.netns, "tap0", pcap, "igmp or udp")
    try:
        wire.run("run udpecho -p 5000 -j 239.1.2.3 -c 2 &")
        wire.expect("udpecho: listening on port 5000 and group 239.1.2.3")
        igmp = wire.run("cat /proc/net/igmp")
        assert re.search(r"^\d+\teth0      :     2      V2$", igmp, re.M), igmp
        assert f"\t\t\t\t{proc_addr('239.1.2.3')}     1 " in igmp, igmp
        # The host's datagram to the group is echoed back (unicast, from the guest).
        r = host(wire, "/usr/bin/python3", "-c",
                 "import socket, sys\n"
                 "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                 f"s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('{HOST_IP}'))\n"
                 "s.settimeout(3)\n"
                 "s.sendto(b'to the group', ('239.1.2.3', 5000))\n"
                 "data, peer = s.recvfrom(100)\n"
                 "print(data.decode(), peer[0])\n", timeout=30)
        assert r.stdout.strip() == f"to the group {GUEST_IP}", r
        r = host(wire, "/usr/bin/python3", "-c", SCAPY_QUERY, HOST_IP, timeout=60)
        assert r.returncode == 0, r.stderr
        time.sleep(2)   # the answer comes within the query's 1 s
        # The second datagram ends udpecho (-c 2): the close leaves the group.
        host(wire, "/usr/bin/python3", "-c",
             "import socket\n"
             "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
             f"s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('{HOST_IP}'))\n"
             "s.sendto(b'bye', ('239.1.2.3', 5000))\n", timeout=30)
        wire.expect(r"udpecho: 2 echoed", timeout=10)
        time.sleep(1)
    finally:
        cap.terminate()
        cap.wait(10)
    queries = host(wire, "tshark", "-r", str(pcap), "-Y", "igmp.type == 0x11", "-T", "fields",
                   "-e", "frame.time_relative", timeout=60).stdout.split()
    assert len(queries) == 1, queries
    out = host(wire, "tshark", "-r", str(pcap), "-Y", f"igmp and ip.src == {GUEST_IP}", "-T", "fields",
               "-e", "frame.time_relative", "-e", "igmp.type", "-e", "igmp.maddr", "-e", "ip.dst", "-e", "ip.ttl",
               "-e", "ip.opt.type", timeout=60).stdout
    rows = [l.split("\t") for l in out.splitlines() if l.strip()]
    reports = [r for r in rows if r[1] == "0x16" and r[2] == "239.1.2.3"]
    leaves = [r for r in rows if r[1] == "0x17" and r[2] == "239.1.2.3"]
    assert len(reports) >= 2, out   # the join's report and the query's answer (maybe the join's repeat)
    t_query = float(queries[0])
    assert any(t_query < float(r[0]) <= t_query + 1.2 for r in reports), (t_query, out)   # within 1 s
    assert all(r[3] == "239.1.2.3" and r[4] == "1" for r in reports), out
    assert "148" in reports[0][5] or "20" in reports[0][5], out   # Router Alert (0x94)
    assert len(leaves) == 1 and leaves[0][3] == "224.0.0.2", out
    bad = host(wire, "tshark", "-r", str(pcap), "-Y", "_ws.malformed or igmp.checksum.status == \"Bad\"",
               timeout=60).stdout
    assert bad.strip() == "", bad


SNTP_SERVER = r'''
import socket, struct, sys, time
host, kind = sys.argv[1], sys.argv[2]
FIXED = 1893456000   # 2030-01-01 00:00:00 UTC: the time this server gives
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((host, 123))
s.settimeout(30)
print("ready", flush=True)
base = time.monotonic()
def ntp(t):
    return struct.pack("!II", int(t) + 2208988800, int((t - int(t)) * 2**32))
data, peer = s.recvfrom(100)
t2 = FIXED + (time.monotonic() - base)
stratum, refid = (0, b"RATE") if kind == "kod" else (2, b"GPS\0")
head = struct.pack("!BBbbII4s", (4 << 3) | 4, stratum, 6, -20, 0, 0, refid)
s.sendto(head + ntp(FIXED) + data[40:48] + ntp(t2) + ntp(FIXED + (time.monotonic() - base)), peer)
print("answered", flush=True)
'''


@needs_wire
def test_sntp_sets_the_wall_clock_from_the_ntp_server(netns, boot):
    q = start_guest(netns, boot, f"ntp={HOST_IP}")

    def serve(kind):
        p = subprocess.Popen(["ip", "netns", "exec", netns, "/usr/bin/python3", "-c", SNTP_SERVER, HOST_IP, kind],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert p.stdout.readline().strip() == "ready", p.stderr.read()
        return p

    assert "2030" not in q.run("date")
    p = serve("good")
    out = q.run("sntp", timeout=30)
    assert p.wait(10) == 0 and p.stdout.read().strip() == "answered"
    assert re.search(rf"sntp: {re.escape(HOST_IP)} stratum 2 offset \+\d+\.\d+ s delay \d+\.\d+ s", out), out
    assert "sntp: clock set to 2030-01-01 00:00:" in out, out
    assert re.search(r"Jan  1 00:00:\d\d UTC 2030", q.run("date")), q.output[-500:]
    # A kiss-o'-death (stratum 0) is refused and the clock left alone.
    p = serve("kod")
    out = q.run("sntp", timeout=30)
    p.wait(10)
    assert "sntp: 10.0.4.1: kiss-o'-death RATE" in out and "exited with status 1" in out, out
    assert "2030" in q.run("date")
    # Nobody on the port: the host's port unreachable ends it (ECONNREFUSED).
    out = q.run("sntp -t 2", timeout=30)
    assert "sntp: 10.0.4.1: Connection refused" in out, out
