"""netfault= on the wire: the guest boots with faults injected on eth0,
the host pings it from the tests' own network namespace, and the loss (or
the duplicates) ping sees and /proc/net/netfault's counts agree with what
was asked. A bad token is named on the console and boot goes on. Nothing
leaves the namespace."""
import os
import re
import shutil
import subprocess

import pytest

from qemu import PROMPT

HOST_IP, GUEST_IP = "10.0.7.1", "10.0.7.2"
GUEST_MAC = "52:54:00:12:34:56"

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("ip") is None or shutil.which("ping") is None,
    reason="needs root (a network namespace and a tap device), ip and ping (tools/deps.sh)")


def inside(netns, *cmd, timeout=60):
    return subprocess.run(["ip", "netns", "exec", netns, *cmd], capture_output=True, text=True, timeout=timeout)


def start_guest(netns, boot, faults):
    inside(netns, "ip", "addr", "add", f"{HOST_IP}/24", "dev", "tap0")
    # The host knows the guest's MAC: its ARP requests are not what is measured.
    inside(netns, "ip", "neigh", "replace", GUEST_IP, "lladdr", GUEST_MAC, "dev", "tap0")
    q = boot(f"ip={GUEST_IP}::{HOST_IP}:255.255.255.0::eth0:off {faults}", wrapper=("ip", "netns", "exec", netns),
             net=("-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                  "-device", "pcnet,netdev=n0,addr=0b,romfile="))
    q.expect(PROMPT, timeout=30)
    return q


def netfault_counts(q, dev="eth0"):
    """/proc/net/netfault's line for dev: {"rx": {...}, "tx": {...}}."""
    text = q.run("cat /proc/net/netfault")
    lines = text.splitlines()
    head = next(i for i, l in enumerate(lines) if l.startswith("Inter-|"))
    names = lines[head + 1].split("|")[1].split()
    assert names == ["frames", "drops", "dups", "reorders", "corrupts", "delayed"], text
    row = next(l for l in lines[head + 2:] if l.strip().startswith(dev + ":"))
    rx, tx = row.split(":", 1)[1].split("|")
    return {"rx": dict(zip(names, map(int, rx.split()))), "tx": dict(zip(names, map(int, tx.split())))}


def ping(netns, count, interval):
    r = inside(netns, "ping", "-n", "-c", str(count), "-i", str(interval), "-W", "1", GUEST_IP, timeout=120)
    m = re.search(r"(\d+) packets transmitted, (\d+) received", r.stdout)
    assert m, r.stdout + r.stderr
    return int(m.group(1)), int(m.group(2)), r.stdout


def test_drop_both_ways_loss_and_counts(netns, boot):
    q = start_guest(netns, boot, "netfault=eth0:drop=20%,seed=1,bogus=7")
    assert re.search(r"netfault: eth0: bad token 'bogus=7'; ignored", q.output), q.output[-2000:]
    sent, received, _ = ping(netns, 200, 0.01)
    loss = 1 - received / sent
    # A request survives rx with 0.8, its reply tx with 0.8: 36% lost.
    assert 0.22 < loss < 0.50, (sent, received)
    c = netfault_counts(q)
    for d in ("rx", "tx"):
        s = c[d]
        assert s["frames"] >= 150 and 0.10 < s["drops"] / s["frames"] < 0.30, c
        assert s["dups"] == s["reorders"] == s["corrupts"] == s["delayed"] == 0, c
    # Every request that reached the stack was answered: ping's losses are
    # exactly the requests dropped on the way in and the replies on the way out.
    assert sent - received <= c["rx"]["drops"] + c["tx"]["drops"], (sent, received, c)
    assert c["rx"]["frames"] >= sent


def test_duplicates_seen_by_ping(netns, boot):
    q = start_guest(netns, boot, "netfault=eth0:dup=50%,seed=2,dir=tx")
    sent, received, out = ping(netns, 40, 0.02)
    assert received == sent, out
    assert "DUP!" in out, out
    m = re.search(r"\+(\d+) duplicates", out)
    assert m, out
    c = netfault_counts(q)
    assert c["rx"]["frames"] == 0 and c["rx"]["dups"] == 0, c   # dir=tx only
    assert 8 <= c["tx"]["dups"] <= 32, c
    assert int(m.group(1)) <= c["tx"]["dups"], (out, c)
