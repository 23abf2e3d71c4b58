"""IPv4 at boot: ip= configures the address and routes (or says why not),
/proc/net shows the state, and with QEMU's pcnet on a tap device in a
network namespace of its own, the host pings the guest (small and
fragmented echoes) and gets ICMP unreachable for a protocol the guest does
not have."""
import json
import os
import re
import shutil
import subprocess

import pytest

from qemu import PROMPT

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "ipv4_peer.py")
GUEST_MAC = "52:54:00:12:34:56"
IP_STATIC = "ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off"


def test_ip_config_waits_for_a_missing_device(boot):
    q = boot(IP_STATIC)
    q.expect(r"IPv4: lo: address 127\.0\.0\.1/8")
    q.expect(r"IPv4: ARP, ICMP, reassembly \(256 KiB, 30 s\), routing ready")
    q.expect(r"IP-Config: Pending: device=eth0, ipaddr=10\.0\.2\.15, mask=255\.255\.255\.0, gw=10\.0\.2\.2")
    q.expect(r"IP-Config: device eth0 not found; it is configured when it registers")
    q.expect(PROMPT, timeout=30)
    route = q.run("cat /proc/net/route")
    assert route.splitlines()[0].startswith("Iface\tDestination\tGateway")
    assert len(route.splitlines()) == 1          # nothing without eth0
    snmp = q.run("cat /proc/net/snmp")
    assert re.search(r"^Ip: 2 64 0 ", snmp, re.M)
    assert "#PROTO: MANUAL" in q.run("cat /proc/net/pnp")


@pytest.mark.parametrize("value,message", [
    ("off", r"IP-Config: off"),
    ("bootp", r"IP-Config: bootp is not supported \(no BOOTP or RARP client\); use ip=dhcp or a static ip="),
    ("rarp", r"IP-Config: rarp is not supported \(no BOOTP or RARP client\)"),
    ("10.0.2.300::10.0.2.2", r"IP-Config: ip=10\.0\.2\.300::10\.0\.2\.2: bad client address; nothing configured"),
    ("10.0.2.15::10.0.3.1:255.255.255.0", r"gateway not on directly connected network; nothing configured"),
])
def test_ip_config_refusals_are_said(boot, value, message):
    q = boot("ip=" + value)
    q.expect(message)
    q.expect(PROMPT, timeout=30)


root_only = [
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root: creates a network namespace and a tap device"),
    pytest.mark.skipif(shutil.which("ip") is None, reason="needs ip from iproute2 (tools/deps.sh)"),
]


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def guest(netns, boot):
    # The host end is the guest's gateway, 10.0.2.2 (QEMU user networking's).
    run("ip", "netns", "exec", netns, "ip", "addr", "add", "10.0.2.2/24", "dev", "tap0")
    q = boot(IP_STATIC, wrapper=("ip", "netns", "exec", netns),
             net=("-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                  "-device", "pcnet,netdev=n0,romfile=,addr=0b"))
    q.expect(r"IP-Config: Complete: device=eth0, ipaddr=10\.0\.2\.15, mask=255\.255\.255\.0, gw=10\.0\.2\.2",
             timeout=30)
    q.expect(PROMPT, timeout=30)
    q.netns = netns
    return q


def peer(q, *args, timeout=60):
    out = subprocess.run(["ip", "netns", "exec", q.netns, "/usr/bin/python3", PEER, *map(str, args)],
                         capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def counters(q, group):
    """A /proc/net/snmp or netstat group as a dict."""
    text = q.run("cat /proc/net/snmp") + q.run("cat /proc/net/netstat")
    lines = [l.split() for l in text.splitlines() if l.startswith(group + ":")]
    return dict(zip(lines[0][1:], map(int, lines[1][1:])))


@root_only[0]
@root_only[1]
def test_the_host_pings_the_guest_over_the_wire(guest):
    small = peer(guest, "ping", "10.0.2.15", 56, 3)
    assert small["errors"] == [] and small["replies"] == 3 and small["ttl"] == 64
    # 8000 octets: the host fragments the request, the guest reassembles
    # it and fragments the reply at eth0's MTU, the host reassembles that.
    big = peer(guest, "ping", "10.0.2.15", 8000, 2)
    assert big["errors"] == [] and big["replies"] == 2
    print(f"guest echo RTT: 56 B {small['rtt_ms']} ms, 8000 B {big['rtt_ms']} ms")
    ip = counters(guest, "Ip")
    assert ip["ReasmOKs"] == 2 and ip["ReasmFails"] == 0
    assert ip["FragOKs"] == 2 and ip["FragCreates"] == 12
    assert ip["InHdrErrors"] == 0 and ip["InAddrErrors"] == 0
    icmp = counters(guest, "Icmp")
    assert icmp["InEchos"] == 5 and icmp["OutEchoReps"] == 5
    arp = counters(guest, "Arp")
    assert arp["InRequests"] >= 1 and arp["OutReplies"] >= 1 and arp["OutGratuitous"] == 1
    # Each side knows the other's link address now.
    host_neigh = run("ip", "netns", "exec", guest.netns, "ip", "neigh", "show", "10.0.2.15")
    assert GUEST_MAC in host_neigh
    arp_table = guest.run("cat /proc/net/arp")
    assert re.search(r"^10\.0\.2\.2\s+0x1\s+0x2\s+[0-9a-f:]{17}\s+\*\s+eth0$", arp_table, re.M)


@root_only[0]
@root_only[1]
def test_a_port_nobody_serves_is_refused(guest):
    # UDP to a closed port: port unreachable, which the host's UDP socket
    # reports as ECONNREFUSED (Linux's icmp_err_convert): its kernel took
    # our ICMP and matched the quoted header to the socket. (A protocol the
    # guest lacks gets protocol unreachable: ip_input_test.cpp.)
    assert peer(guest, "udp", "10.0.2.15", 9)["error"] == "ECONNREFUSED"
    assert counters(guest, "Ip")["InUnknownProtos"] == 0
    assert counters(guest, "Udp")["NoPorts"] == 1
    assert counters(guest, "Icmp")["OutDestUnreachs"] == 1


@root_only[0]
@root_only[1]
def test_the_guest_resolves_an_address_itself(guest):
    # The host knows the guest statically and speaks from a second address:
    # to answer, the guest must ask who has 10.0.2.3 (RFC 826) and wait.
    inside = ("ip", "netns", "exec", guest.netns)
    run(*inside, "ip", "addr", "add", "10.0.2.3/24", "dev", "tap0")
    run(*inside, "ip", "neigh", "replace", "10.0.2.15", "lladdr", GUEST_MAC, "dev", "tap0", "nud", "permanent")
    assert peer(guest, "udp", "10.0.2.15", 9, "10.0.2.3")["error"] == "ECONNREFUSED"
    arp = counters(guest, "Arp")
    assert arp["OutRequests"] == 1 and arp["InReplies"] == 1 and arp["UnresDiscards"] == 0
    assert re.search(r"^10\.0\.2\.3\s+0x1\s+0x2\s", guest.run("cat /proc/net/arp"), re.M)


@root_only[0]
@root_only[1]
@pytest.mark.skipif(shutil.which("ping") is None or shutil.which("arping") is None,
                    reason="needs ping and arping (tools/deps.sh)")
def test_iputils_ping_and_arping(guest):
    inside = ("ip", "netns", "exec", guest.netns)
    out = subprocess.run([*inside, "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.0.2.15"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "3 received, 0% packet loss" in out.stdout
    out = subprocess.run([*inside, "ping", "-c", "2", "-s", "8000", "-W", "2", "10.0.2.15"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and "8008 bytes from 10.0.2.15" in out.stdout, out.stdout + out.stderr
    out = subprocess.run([*inside, "arping", "-c", "2", "-w", "5", "-I", "tap0", "10.0.2.15"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stdout + out.stderr
    # iputils' arping or Habets' (Debian's "arping" package) say it differently.
    assert re.search(r"reply from 10\.0\.2\.15 \[52:54:00:12:34:56\]|"
                     r"bytes from 52:54:00:12:34:56 \(10\.0\.2\.15\)", out.stdout, re.I), out.stdout


@root_only[0]
@root_only[1]
@pytest.mark.skipif(shutil.which("tshark") is None, reason="needs tshark (tools/deps.sh)")
def test_the_address_is_announced_at_boot(netns, boot):
    run("ip", "netns", "exec", netns, "ip", "addr", "add", "10.0.2.2/24", "dev", "tap0")
    cap = subprocess.Popen(["ip", "netns", "exec", netns, "tshark", "-l", "-n", "-i", "tap0", "-f", "arp",
                            "-T", "fields", "-e", "arp.opcode", "-e", "arp.src.proto_ipv4",
                            "-e", "arp.dst.proto_ipv4", "-e", "arp.dst.hw_mac", "-e", "eth.dst"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(5):   # "Capturing on 'tap0'" once it listens, after a warning or so
            started = cap.stderr.readline()
            if "Capturing on" in started or not started:
                break
        assert "Capturing on" in started, started
        q = boot(IP_STATIC, wrapper=("ip", "netns", "exec", netns),
                 net=("-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                      "-device", "pcnet,netdev=n0,romfile=,addr=0b"))
        q.expect(r"IP-Config: Complete", timeout=30)
        q.expect(PROMPT, timeout=30)
        line = cap.stdout.readline().split()
        # RFC 5227 2.3: a broadcast request with sender and target both ours.
        assert line == ["1", "10.0.2.15", "10.0.2.15", "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"]
    finally:
        cap.terminate()
        cap.wait(10)
