"""IPv4 on the wire, driven by real host tools: the guest's eth0 (pcnet32) on a
tap device inside a network namespace this test creates and removes; the
host side is iputils ping and arping, tshark and scapy, all inside the
namespace. Nothing is sent anywhere else."""
import os
import re
import shutil
import subprocess
import time

import pytest

import capture
from qemu import PROMPT

HERE = os.path.dirname(os.path.abspath(__file__))
GUEST = "10.0.2.15"
HOST = "10.0.2.2"
GUEST_MAC = "52:54:00:12:34:56"
IP_ARG = f"ip={GUEST}::{HOST}:255.255.255.0::eth0:off"

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0,
                       reason="needs root: creates a network namespace and a tap device"),
    pytest.mark.skipif(shutil.which("ping") is None or shutil.which("tshark") is None,
                       reason="needs iputils-ping, arping, tshark (tools/deps.sh)"),
]


def sh(netns, *cmd, timeout=120, check=True):
    out = subprocess.run(["ip", "netns", "exec", netns, *cmd], capture_output=True, text=True,
                         timeout=timeout)
    if check:
        assert out.returncode == 0, f"{cmd}: {out.stdout}\n{out.stderr}"
    return out.stdout


@pytest.fixture
def guest(netns, boot):
    sh(netns, "ip", "addr", "add", f"{HOST}/24", "dev", "tap0")
    q = boot(f"{IP_ARG} loglevel=4", wrapper=("ip", "netns", "exec", netns),
             net=("-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                  "-device", "pcnet,netdev=n0,romfile="))
    q.expect(PROMPT, timeout=30)
    q.netns = netns
    return q


def loss(ping_output):
    m = re.search(r"(\d+) packets transmitted, (\d+) received", ping_output)
    assert m, ping_output
    return int(m.group(1)), int(m.group(2))


def test_host_pings_guest_1000_times_without_loss(guest):
    sent, got = loss(sh(guest.netns, "ping", "-c", "1000", "-i", "0.002", "-q", GUEST))
    assert sent == 1000 and got == 1000


def test_fragmented_8000_byte_pings_both_ways_of_reassembly(guest):
    # The request arrives in 6 fragments the guest reassembles; the reply
    # leaves in 6 fragments the host reassembles.
    sent, got = loss(sh(guest.netns, "ping", "-c", "5", "-s", "8000", GUEST))
    assert got == sent == 5


def test_largest_datagram_65507_bytes(guest):
    # 45 fragments back to back: the receive ring must hold them all.
    sent, got = loss(sh(guest.netns, "ping", "-c", "2", "-s", "65507", GUEST))
    assert got == sent == 2


def test_flood_for_10_s_then_guest_still_answers(guest):
    sent, got = loss(sh(guest.netns, "ping", "-f", "-w", "10", GUEST, timeout=60))
    assert sent > 1000 and got > 0.9 * sent
    sent, got = loss(sh(guest.netns, "ping", "-c", "3", "-i", "0.2", GUEST))
    assert got == 3
    assert "mipsnet" in guest.run("uname")


def test_arping_gets_the_guest_mac(guest):
    out = sh(guest.netns, "arping", "-c", "3", "-I", "tap0", GUEST)
    # Debian's arping (Habets): "60 bytes from MAC (IP): index=0 ..."; iputils':
    # "Unicast reply from IP [MAC] ..."
    replies = re.findall(r"bytes from ([0-9a-f:]{17}) \(10\.0\.2\.15\)", out, re.I) or \
        re.findall(r"reply from 10\.0\.2\.15 \[([0-9A-F:]+)\]", out, re.I)
    assert len(replies) == 3 and all(r.lower() == GUEST_MAC for r in replies), out


def test_capture_has_no_malformed_packets_or_bad_checksums(guest, tmp_path):
    pcap = tmp_path / "wire.pcap"
    cap = capture.start(guest.netns, "tap0", pcap, "arp or icmp or ip")
    try:
        sh(guest.netns, "ping", "-c", "10", "-i", "0.1", GUEST)
        sh(guest.netns, "ping", "-c", "3", "-s", "3000", GUEST)
        sh(guest.netns, "ip", "neigh", "flush", "dev", "tap0")
        sh(guest.netns, "ping", "-c", "2", GUEST)
        time.sleep(1)
    finally:
        cap.terminate()
        cap.wait(10)
    prefs = ["-o", "ip.check_checksum:TRUE"]   # ICMP checksums are always verified
    total = sh(guest.netns, "tshark", "-r", str(pcap), *prefs, "-Y", "eth.src == " + GUEST_MAC)
    assert len(total.splitlines()) >= 15, total
    bad = sh(guest.netns, "tshark", "-r", str(pcap), *prefs, "-Y",
             "_ws.malformed or ip.checksum.status == \"Bad\" or icmp.checksum.status == \"Bad\"")
    assert bad.strip() == "", bad


SCAPY_BAD_FRAMES = r'''
import sys
from scapy.all import Ether, IP, ICMP, ARP, Raw, sendp, fragment
g, mac = sys.argv[1], sys.argv[2]
eth = Ether(dst=mac, src="02:00:00:00:00:02")
frames = [
    Ether(dst=mac, src="02:00:00:00:00:02", type=0x0800) / Raw(b"\x45\x00"),          # short IP
    eth / IP(dst=g, src="10.0.2.2", chksum=0x1234) / ICMP(),                           # bad checksum
    eth / IP(dst=g, src="10.0.2.2", ihl=3) / ICMP(),                                   # IHL < 5
    eth / IP(dst=g, src="10.0.2.2", len=2000) / ICMP(),                                # length > frame
    eth / IP(dst=g, src="10.0.2.2", len=10) / ICMP(),                                  # length < header
    eth / IP(dst=g, src="10.0.2.2", version=6) / ICMP(),                               # not version 4
    eth / IP(dst=g, src="10.0.2.2") / ICMP(chksum=0x4321),                             # bad ICMP checksum
    eth / ARP(op=7, psrc="10.0.2.2", pdst=g),                                          # bad ARP opcode
    eth / ARP(hwlen=4, psrc="10.0.2.2", pdst=g),                                       # bad ARP lengths
    Ether(dst=mac, src="02:00:00:00:00:02", type=0x0806) / Raw(b"\x00\x01"),           # short ARP
]
# Overlapping fragments with different data (RFC 5722): the datagram must die.
a = eth / IP(dst=g, src="10.0.2.2", id=777, flags="MF", frag=0, proto=1) / Raw(b"\x08\x00" + b"A" * 30)
b = eth / IP(dst=g, src="10.0.2.2", id=777, frag=2, proto=1) / Raw(b"B" * 24)
frames += [a, b]
sendp(frames, iface="tap0", verbose=False)
print(len(frames))
'''


def snmp(q):
    text = q.run("cat /proc/net/snmp")
    rows = [l.split() for l in text.splitlines() if l.startswith(("Ip:", "Icmp:"))]
    out = {}
    for head, vals in zip(rows[::2], rows[1::2]):
        for k, v in zip(head[1:], vals[1:]):
            out[head[0] + k] = int(v)
    return out


def test_bad_frames_are_counted_and_dropped_and_guest_keeps_answering(guest):
    before = snmp(guest)
    sent = int(sh(guest.netns, "/usr/bin/python3", "-c", SCAPY_BAD_FRAMES, GUEST, GUEST_MAC))
    assert sent == 12
    time.sleep(1)
    after = snmp(guest)
    assert after["Ip:InHdrErrors"] >= before["Ip:InHdrErrors"] + 5   # short, csum, IHL, len x2, version
    assert after["Icmp:InErrors"] >= before["Icmp:InErrors"] + 1 or \
        after["Icmp:InCsumErrors"] >= before["Icmp:InCsumErrors"] + 1
    sent_p, got = loss(sh(guest.netns, "ping", "-c", "3", "-i", "0.2", GUEST))
    assert got == 3
