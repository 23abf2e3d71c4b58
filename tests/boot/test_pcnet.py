"""pcnet32 on the wire: QEMU's pcnet on a tap device in a network namespace
of its own, the guest's self-test responder (pcnet.selftest=1) answering a
raw AF_PACKET peer (pcnet_peer.py) inside the same namespace."""
import json
import os
import re
import shutil
import subprocess

import pytest

from tapns import tap_netns

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "pcnet_peer.py")
GUEST_MAC = "52:54:00:12:34:56"   # QEMU's default for the first NIC
RING = 128                        # PCNET32_RX_RING_ORDER = 7

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0,
                       reason="needs root: creates a network namespace and a tap device"),
    pytest.mark.skipif(shutil.which("ip") is None, reason="needs ip from iproute2 (tools/deps.sh)"),
]


def run(*cmd):
    subprocess.run(cmd, check=True, capture_output=True, text=True)


@pytest.fixture
def netns():
    with tap_netns("pcnet") as name:
        yield name


@pytest.fixture
def start_guest(netns, boot):
    def start(device_opts=""):
        q = boot("pcnet.selftest=1", wrapper=("ip", "netns", "exec", netns),
                 net=("-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                      "-device", "pcnet,netdev=n0,romfile=" + device_opts))
        q.expect(r"selftest: echoing EtherType 0x88b5", timeout=30)
        q.expect("mipsnet> ", timeout=30)
        q.netns = netns
        return q
    return start


@pytest.fixture
def guest(start_guest):
    # addr=0b: the Malta's on-board NIC slot, wired INTA -> PIRQB -> IRQ 10.
    return start_guest(",addr=0b")


def peer(q, *args, timeout=60):
    cmd = ["ip", "netns", "exec", q.netns, "/usr/bin/python3", PEER, "tap0", GUEST_MAC,
           *map(str, args)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_pci_scan_mac_and_echo_through_wrapping_rings(guest):
    log = guest.output
    assert "PCI: PIRQ A-D -> IRQ 10 10 11 11, level-triggered" in log
    assert re.search(r"pci 0000:00:0b\.0: \[1022:2000\] type 00 class 0x020000 .*irq 10 \(INTA\)",
                     log)
    io = re.search(r"pci 0000:00:0b\.0: BAR 0 \[io  0x0000([0-9a-f]{4})-0x0000([0-9a-f]{4})\]", log)
    assert io and int(io.group(1), 16) >= 0x2000 and int(io.group(2), 16) - int(io.group(1), 16) == 31
    assert re.search(r"pci 0000:00:0b\.0: BAR 1 \[mem 0x1[0-7][0-9a-f]{6}-", log)
    # The GT-64120's own function reads through its little-endian register
    # path, every other device's raw (board/malta/gt64120.cpp): on a
    # big-endian CPU a mix-up shows as [ab11:2046] or [8680:1071].
    assert re.search(r"pci 0000:00:00\.0: \[11ab:4620\] type 00 class 0x060000", log)
    assert re.search(r"pci 0000:00:0a\.0: \[8086:7110\]", log)  # PIIX4, multi-function
    assert re.search(r"pci 0000:00:0a\.3: \[8086:7113\]", log)
    assert re.search(rf"eth0: Am79C970A .* irq 10, MAC {GUEST_MAC}, rings 128/32, link up", log)
    assert "pci 0000:00:0b.0: [1022:2000]" in guest.run("dmesg")   # the lspci of this kernel

    # Every size from the minimum to the maximum frame, four times round the
    # rings; at most 8 unanswered so that nothing is missed.
    r = peer(guest, "echo", 4 * RING + 7, 8)
    assert r["errors"] == []
    assert r["replies"] == r["sent"] == 4 * RING + 7
    assert (r["first_seq"], r["last_seq"]) == (1, 4 * RING + 7)

    fast = peer(guest, "echo", 2000, 16)
    assert fast["errors"] == [] and fast["replies"] == 2000
    print(f"guest echoes {fast['rate']:.0f} frames/s (window 16, sizes 60-1514)")
    s = peer(guest, "stats")
    assert s["rx"] == s["echoed"] + 1 == 4 * RING + 7 + 2000 + 1   # + the STATS request
    assert s["miss"] == 0 and s["rx_err"] == 0 and s["tx_err"] == 0 and s["busy"] == 0


def test_burst_beyond_the_ring_counts_misses_and_recovers(guest):
    n = 20 * RING
    b = peer(guest, "burst", n)
    assert b["errors"] == []          # the replies that came are intact and in order
    s = peer(guest, "stats")
    print(f"burst of {n}: {b['replies']} echoed, MISS {s['miss']}")
    assert s["miss"] > 0
    assert s["rx"] + s["miss"] <= n + 1   # the tap may drop some before QEMU reads them
    assert s["echoed"] == b["replies"] == s["rx"] - 1
    guest.expect(rf"selftest STATS rx={s['rx']} tx=\d+ miss={s['miss']} ")
    guest.expect(rf"eth0: selftest rx {s['rx']} tx \d+ miss {s['miss']} ")

    after = peer(guest, "echo", 2 * RING, 4)   # still answering, numbering carries on
    assert after["errors"] == [] and after["replies"] == 2 * RING
    assert after["first_seq"] == s["echoed"] + 1
    assert "up 0:" in guest.run("uptime")      # and the console still works


def test_promiscuous_mode_and_multicast_filter(guest):
    other, group, other_group = "02:00:00:00:00:99", "01:00:5e:00:00:01", "01:00:5e:7f:ff:fa"
    bcast = "ff:ff:ff:ff:ff:ff"

    def answered(*dsts):
        return peer(guest, "probe", *dsts)["answered"]

    assert answered(GUEST_MAC, other, bcast, group) == {
        GUEST_MAC: True, other: False, bcast: True, group: False}
    assert peer(guest, "cmd", "PROMISC", "1")["answer"] == "OK PROMISC 1"
    assert answered(other, other_group) == {other: True, other_group: True}
    assert peer(guest, "cmd", "PROMISC", "0")["answer"] == "OK PROMISC 0"
    assert answered(other) == {other: False}
    # LADRF bits 54 and 15: the controller's hash must agree with ours.
    assert peer(guest, "cmd", "MCAST", group)["answer"] == "OK MCAST 1"
    assert answered(group, other_group) == {group: True, other_group: False}
    assert peer(guest, "cmd", "MCAST", other)["answer"] == "ERR MCAST -22"
    assert peer(guest, "cmd", "MCAST")["answer"] == "OK MCAST 0"
    assert answered(group, GUEST_MAC) == {group: False, GUEST_MAC: True}
    s = peer(guest, "stats")
    assert s["rx_err"] == 0 and s["tx_err"] == 0 and s["tx_drop"] == 0


def test_nic_in_pci_slot_1(start_guest):
    # Device 0x12 is the Malta's PCI slot 1 (where tools/boot.sh's NIC lands
    # too), whose INTA goes to PIRQA, also IRQ 10: another row of the wiring.
    q = start_guest(",addr=12")
    assert re.search(r"pci 0000:00:12\.0: \[1022:2000\] .*irq 10 \(INTA\)", q.output)
    r = peer(q, "echo", 2 * RING, 8)
    assert r["errors"] == [] and r["replies"] == 2 * RING
