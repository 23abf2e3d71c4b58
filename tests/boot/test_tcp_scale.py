"""10,000 TCP connections held by a guest booted with 64 MiB: Linux's TCP on
the host opens them to the guest's discard service (inetd, one epoll loop)
over a tap device in the test's own namespace, moves a byte on each, and
holds them while the guest's tables, memory and a fresh connection are
checked; then all close and the guest's TCP memory and sockets come back.
The guest's memory is printed (a measure, not an assertion)."""
import os
import re
import shutil
import subprocess
import time

import pytest

from qemu import PROMPT

HOST_IP, GUEST_IP = "10.0.7.1", "10.0.7.2"
CONNECTIONS = 10000

needs_wire = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("ip"),
    reason="needs root (a network namespace and a tap device) and ip (tools/deps.sh)")

# Opens N connections to the guest's discard port in batches (non-blocking
# connects, then a wait for each batch), sends one byte on each, prints
# "held N", then waits for a line on stdin before closing them all.
HOLDER = r'''
import resource, selectors, socket, sys, time
guest, n = sys.argv[1], int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_NOFILE, (n + 1000, n + 1000))
socks, t0 = [], time.time()
for start in range(0, n, 250):
    batch = []
    for _ in range(min(250, n - start)):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex((guest, 9))
        batch.append(s)
    sel = selectors.DefaultSelector()
    for s in batch:
        sel.register(s, selectors.EVENT_WRITE)
    pending, end = len(batch), time.time() + 60
    while pending and time.time() < end:
        for key, _ in sel.select(timeout=1):
            sel.unregister(key.fileobj)
            pending -= 1
    sel.close()
    for s in batch:
        err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err or pending:
            print("connect failed", err, "after", len(socks), flush=True)
            sys.exit(1)
        s.setblocking(True)
        s.sendall(b"x")
    socks.extend(batch)
print(f"held {len(socks)} in {time.time() - t0:.1f} s", flush=True)
sys.stdin.readline()
# Closed in batches, as they were opened: 10,000 FINs at once would only
# overrun the NIC's receive ring and wait on the host's FIN retransmissions.
for start in range(0, len(socks), 250):
    for s in socks[start:start + 250]:
        s.close()
    time.sleep(0.2)
print("closed", flush=True)
'''


def meminfo(q):
    text = q.run("cat /proc/meminfo")
    return {k: int(v) for k, v in re.findall(r"^(\w+): +(\d+)", text, re.M)}


def sockstat(q):
    text = q.run("cat /proc/net/sockstat")
    m = re.search(r"^TCP: inuse (\d+) orphan (\d+) tw (\d+) alloc (\d+) mem (\d+)$", text, re.M)
    assert m, f"no TCP line in /proc/net/sockstat: {text!r}"
    return dict(zip(("inuse", "orphan", "tw", "alloc", "mem"), map(int, m.groups())))


@needs_wire
def test_ten_thousand_connections_held_in_64_mib(netns, boot):
    subprocess.run(["ip", "netns", "exec", netns, "ip", "addr", "add", f"{HOST_IP}/24", "dev", "tap0"],
                   check=True, capture_output=True)
    q = boot(f"ip={GUEST_IP}::{HOST_IP}:255.255.255.0::eth0:off", mem="64",
             wrapper=("ip", "netns", "exec", netns),
             net=("-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                  "-device", "pcnet,netdev=n0,addr=0b,romfile="))
    q.expect(PROMPT, timeout=30)
    assert re.search(r"^MemTotal: +65536 kB$", q.run("cat /proc/meminfo"), re.M)
    q.run(f"run inetd -c {CONNECTIONS + 100} &")
    q.expect(r"inetd: discard on port 9", timeout=10)
    before = meminfo(q)
    holder = subprocess.Popen(["ip", "netns", "exec", netns, "/usr/bin/python3", "-c", HOLDER, GUEST_IP,
                               str(CONNECTIONS)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        line = holder.stdout.readline()
        assert line.startswith(f"held {CONNECTIONS}"), line + q.output[-2000:]
        # The last bytes are in: every connection is accepted and served.
        deadline = time.time() + 60
        while True:
            st = sockstat(q)
            if st["inuse"] >= CONNECTIONS + 3 or time.time() > deadline:
                break
            time.sleep(1)
        held = meminfo(q)
        assert st["inuse"] >= CONNECTIONS + 3, st   # the connections and inetd's 3 listeners
        assert held["OpenFiles"] >= CONNECTIONS, held
        per_conn = (before["KernelFree"] - held["KernelFree"]) * 1024 / CONNECTIONS
        print(f"\n{line.strip()}; guest before: {before}; holding: {held}; sockstat {st}; "
              f"kernel memory per connection {per_conn:.0f} B")
        # A new client is still served while they are held.
        r = subprocess.run(["ip", "netns", "exec", netns, "/usr/bin/python3", "-c",
                            "import socket,sys; s=socket.create_connection((sys.argv[1],7),timeout=10); "
                            "s.sendall(b'ping'); print(s.recv(10).decode())", GUEST_IP],
                           capture_output=True, text=True, timeout=30)
        assert r.stdout.strip() == "ping", (r.stdout, r.stderr)
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "closed"
    finally:
        holder.kill()
        holder.wait()
    # All closed by the host: the guest's side goes (no TIME_WAIT there:
    # the host closed first), and its TCP memory with it.
    deadline = time.time() + 90
    while True:
        st = sockstat(q)
        if st["inuse"] <= 3 or time.time() > deadline:
            break
        time.sleep(1)
    if st["inuse"] > 3:
        states = {}
        for l in q.run("cat /proc/net/tcp", timeout=60).splitlines()[1:]:
            f = l.split()
            if len(f) > 3:
                states[f[3]] = states.get(f[3], 0) + 1
        pytest.fail(f"still held after the host closed: {st}, states {states}")
    assert st["mem"] == 0 and st["alloc"] == st["inuse"] + st["tw"], st
    after = meminfo(q)
    assert after["OpenFiles"] < 20, after
    print(f"after closing: {after}; sockstat {st}")
