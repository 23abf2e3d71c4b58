"""A 10-second flood from the host at the guest's pcnet32 (iputils' ping -f
and a raw 64-byte frame blast, both on the tap device in the test's network
namespace; the blast's frames are IPv4 with a bad header checksum, so that
the guest counts them in Ip: InHdrErrors and not in eth0's drop column,
which then holds only what the driver missed) while shell commands are
typed at the serial console: each must answer within a second, the guest
must still answer ping afterwards, its counters must account for every
frame QEMU took off the tap (received, or counted as missed/dropped when
the ring overflowed), and nothing may panic.
Root only; nothing leaves the namespace.

The raw blast runs at BLAST_RATE frames a second: far more than the guest
takes (its ring overflows, which the test checks: about 40% of the frames
were missed at 30,000/s already) and over three times the 10 Mbit/s line
rate of the Am79C970A (14,880 frames/s), but below the rate at which
QEMU itself falls behind. Sent back to back (over 100,000 frames/s here), the tap keeps QEMU's one main
loop so busy that the guest's timer interrupts come late (254 instead of
about 780 in 7.8 s, measured) and the console's input waits, whatever the
guest does; the shell then stalls for seconds on the old driver and the new
one alike."""
import json
import os
import re
import shutil
import subprocess
import time

import pytest

from qemu import PROMPT

HERE = os.path.dirname(os.path.abspath(__file__))
BLAST = os.path.join(HERE, "frame_blast.py")
HOST_IP, GUEST_IP = "10.0.4.1", "10.0.4.2"
GUEST_MAC = "52:54:00:12:34:56"   # QEMU's default for the first NIC
FLOOD_SECONDS = 10
ANSWER_WITHIN = 1.0   # seconds, from typing a command to the next prompt
BLAST_RATE = 50000    # 64-byte frames a second, see above

needs_wire = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("ip") is None or shutil.which("ping") is None,
    reason="needs root (a network namespace and a tap device), ip and ping (tools/deps.sh)")


def inside(netns, *cmd, check=False, timeout=60):
    return subprocess.run(["ip", "netns", "exec", netns, *cmd], capture_output=True, text=True,
                          check=check, timeout=timeout)


def spawn(netns, *cmd):
    return subprocess.Popen(["ip", "netns", "exec", netns, *cmd], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def guest_eth0(q):
    """eth0's /proc/net/dev receive columns: packets, errs, drop (dropped +
    missed), fifo, frame."""
    line = next(l for l in q.run("cat /proc/net/dev").splitlines() if l.strip().startswith("eth0:"))
    f = [int(x) for x in line.split(":", 1)[1].split()]
    return {"packets": f[1], "errs": f[2], "drop": f[3], "fifo": f[4], "frame": f[5]}


def in_hdr_errors(q):
    snmp = q.run("cat /proc/net/snmp").splitlines()
    names, values = [l.split()[1:] for l in snmp if l.startswith("Ip:")][:2]
    return int(values[names.index("InHdrErrors")])


def tap_tx(netns):
    """Frames the host handed to QEMU through tap0, and those tap0 dropped
    itself because QEMU did not read them in time."""
    read = lambda n: int(inside(netns, "cat", f"/sys/class/net/tap0/statistics/{n}", check=True).stdout)
    return read("tx_packets"), read("tx_dropped")


@needs_wire
def test_the_shell_answers_within_a_second_during_a_flood(netns, boot):
    inside(netns, "ip", "addr", "add", f"{HOST_IP}/24", "dev", "tap0", check=True)
    q = boot(f"ip={GUEST_IP}::{HOST_IP}:255.255.255.0::eth0:off loglevel=4",
             wrapper=("ip", "netns", "exec", netns),
             net=("-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                  "-device", "pcnet,netdev=n0,addr=0b,romfile="))
    q.expect(PROMPT, timeout=30)
    assert "1 received" in q.run(f"ping -c 1 -W 5 {HOST_IP}", timeout=30)   # ARP both ways
    rx0, (tap0, tapdrop0), hdr0 = guest_eth0(q), tap_tx(netns), in_hdr_errors(q)

    ping = spawn(netns, "ping", "-f", "-q", "-w", str(FLOOD_SECONDS), GUEST_IP)
    # The blaster at the lowest priority: it still fills the tap's queue
    # (QEMU takes a small part of what it sends), but QEMU's own threads get
    # the host's CPU first, so that a stall measured is the guest's.
    blast = spawn(netns, "nice", "-n", "19", "/usr/bin/python3", BLAST, "send", "tap0", GUEST_MAC, "60", str(FLOOD_SECONDS),
                  "badcsum", str(BLAST_RATE))
    answers = []
    try:
        time.sleep(0.5)   # both floods under way
        start = time.monotonic()
        while time.monotonic() - start < FLOOD_SECONDS - 1.5:
            # sleep needs the tick: a stalled timer shows here first.
            command, want = (("uptime", r"up "), ("free", r"Mem:"), ("sleep 0.1", r"^$"))[len(answers) % 3]
            t0 = time.monotonic()
            out = q.run(command, timeout=30)
            took = time.monotonic() - t0
            assert re.search(want, out), out
            answers.append((took, command))
            time.sleep(max(0.0, 1.0 - took))
    finally:
        ping_out = ping.communicate(timeout=FLOOD_SECONDS + 30)[0]
        blast_out = blast.communicate(timeout=FLOOD_SECONDS + 30)[0]
    sent = json.loads(blast_out.strip().splitlines()[-1])
    m = re.search(r"(\d+) packets transmitted, (\d+) received", ping_out)
    assert m, ping_out
    worst = max(answers)
    print(f"\nflood {FLOOD_SECONDS} s: ping -f {m.group(1)} sent, {m.group(2)} answered; "
          f"raw blast {sent['sent']} x 64 B sent; {len(answers)} shell commands, "
          f"worst answer {worst[0] * 1000:.0f} ms ({worst[1]}), "
          f"all: {', '.join(f'{t * 1000:.0f}' for t, _ in answers)} ms")
    assert len(answers) >= 6, answers
    assert worst[0] <= ANSWER_WITHIN, \
        f"'{worst[1]}' took {worst[0]:.2f} s to answer during the flood; all: {answers}"
    assert int(m.group(2)) > 0, ping_out   # the flood did reach the guest's stack

    # Afterwards: the guest still answers, and its counters show the flood.
    # (The host may have to resolve it again: its ARP entry can have failed
    # while the guest's ring was overflowing.)
    r = inside(netns, "ping", "-c", "3", "-i", "0.2", "-w", "10", GUEST_IP)
    assert "3 received" in r.stdout, r.stdout
    rx1, (tap1, tapdrop1), hdr1 = guest_eth0(q), tap_tx(netns), in_hdr_errors(q)
    taken = tap1 - tap0
    d = {k: rx1[k] - rx0[k] for k in rx0}
    print(f"tap0 handed QEMU {taken} frames ({tapdrop1 - tapdrop0} dropped at the tap); guest eth0: "
          f"{d['packets']} received, {d['drop']} dropped/missed, {d['fifo']} fifo, {d['errs']} errors; "
          f"Ip InHdrErrors +{hdr1 - hdr0}")
    assert taken >= sent["sent"] // 100, "the blast hardly reached QEMU"
    # Every frame QEMU took is received or counted as lost (the chip's
    # 16-bit missed-frame counter, CSR112, must not have wrapped unseen),
    # none twice.
    accounted = d["packets"] + d["drop"] + d["fifo"] + d["errs"]
    assert taken * 0.99 <= accounted <= taken + 5, \
        f"QEMU took {taken} frames off the tap, eth0 accounts for {accounted}: {d}"
    assert d["drop"] > 0, f"the blast did not overflow the guest's ring: {d}"   # a flood, not a load
    assert 0 < hdr1 - hdr0 <= d["packets"]   # the blast's frames reached IP and were refused there
    assert "Kernel panic" not in q.output
    assert re.search(r"up ", q.run("uptime"))
