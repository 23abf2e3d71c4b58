"""Debugging a target: gdb-multiarch on QEMU's gdb stub with tools/gdbinit
(a breakpoint on inet_create whose backtrace is the socket path from the
app's syscall, then tools/gdb/mipsnet.py's mn-threads, mn-socket and mn-rxq
at sys_listen, and the guest running on after detach), and a packet
capture of the guest's NIC by QEMU's filter-dump, as tools/boot.sh --pcap
takes it, read back by tshark. The network is QEMU's user mode with
restrict=on: nothing leaves QEMU."""
import os
import re
import shutil
import socket
import subprocess
import time

import pytest

from qemu import KERNEL, PROMPT, ROOT, Qemu


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


GDB_SCRIPT = r"""
break inet_create
continue
bt
delete
break sys_listen
continue
mn-threads
python gdb.execute("mn-socket %d" % int(gdb.parse_and_eval("fd")))
mn-rxq
mn-rxq lo
delete
detach
"""


@pytest.mark.skipif(not shutil.which("gdb-multiarch"), reason="gdb-multiarch not installed")
def test_gdb_follows_the_socket_path_and_reads_the_kernel(tmp_path):
    port = free_port()
    q = Qemu(append="apps=shell,httpd", extra=("-gdb", f"tcp:127.0.0.1:{port}", "-S"))
    try:
        script = tmp_path / "session.gdb"
        script.write_text(GDB_SCRIPT)
        env = dict(os.environ, MIPSNET_GDB=f"127.0.0.1:{port}", MIPSNET_KERNEL=KERNEL)
        r = subprocess.run(["gdb-multiarch", "-nx", "-batch", "-x", "tools/gdbinit", "-x", str(script)],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        out = r.stdout + r.stderr
        assert r.returncode == 0, out
        # The backtrace at inet_create: Linux's socket path (net/socket.c
        # __sys_socket -> sock_create, net/ipv4/af_inet.c inet_create) from
        # the app's socket() through the exception vector and syscall table.
        bt = out[out.index("Breakpoint 1, "):]
        chain = ["inet_create", "__sock_create", "sock_create", "sys_socket", "do_trap", "handle_exception", "httpd"]
        at = [bt.find(name) for name in chain]
        assert -1 not in at and at == sorted(at), f"backtrace out of order {dict(zip(chain, at))}:\n{bt[:1500]}"
        # mn-threads: every thread, httpd the running one.
        assert re.search(r"\*\s+\d+ httpd\s+running", out), out
        for name in ("swapper", "ksoftirqd", "init", "shell"):
            assert re.search(rf"\n\s+\d+ {name}\s", out), f"{name} missing:\n{out}"
        # mn-socket on the fd sys_listen got: httpd's TCP socket on port 80.
        assert re.search(r"fd \d+ of httpd .*\n.*<inet_stream_ops>\n.*<tcp_prot>", out), out
        assert "inet: 0.0.0.0:80 -> 0.0.0.0:0 state CLOSE" in out, out
        # mn-rxq: the interfaces and the backlog.
        assert re.search(r"\nlo: rx \d+ packets", out) and "input_pkt_queue: 0 frames" in out, out
        # Detached, the guest runs on.
        q.expect(re.escape(PROMPT))
        assert "httpd" in q.run("ps")
    finally:
        q.close()


@pytest.mark.skipif(not shutil.which("tshark"), reason="tshark not installed")
def test_a_pcap_of_the_nic_reads_back_in_tshark(tmp_path):
    pcap = tmp_path / "guest.pcap"
    q = Qemu(append="ip=dhcp apps=shell",
             net=("-netdev", "user,id=n0,restrict=on", "-device", "pcnet,netdev=n0,romfile=",
                  "-object", f"filter-dump,id=dump0,netdev=n0,file={pcap}"))
    try:
        q.expect(r"IP-Config: Got DHCP answer", 30)
        q.expect(re.escape(PROMPT))
        out = q.run("ping -c 2 10.0.2.2", timeout=30)
        assert "2 received" in out or "2 packets received" in out, out
    finally:
        q.close()
    r = subprocess.run(["tshark", "-r", str(pcap), "-T", "fields", "-e", "dhcp.option.dhcp", "-e", "icmp.type"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    fields = [line.split("\t") for line in r.stdout.splitlines()]
    dhcp = [f[0] for f in fields if f[0]]
    icmp = [f[1] for f in fields if len(f) > 1 and f[1]]
    assert dhcp[:4] == ["1", "2", "3", "5"], dhcp   # DISCOVER, OFFER, REQUEST, ACK
    assert icmp.count("8") == 2 and icmp.count("0") == 2, icmp


def listen_once(path):
    """A TCP listener on the loopback that writes one connection to path;
    returns its port and the thread."""
    import threading
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(60)

    def take():
        conn, _ = srv.accept()
        with conn, open(path, "wb") as f:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                f.write(data)
        srv.close()

    t = threading.Thread(target=take, daemon=True)
    t.start()
    return srv.getsockname()[1], t


@pytest.mark.skipif(not shutil.which("tshark"), reason="tshark not installed")
def test_sniff_streams_a_pcap_over_tcp(tmp_path):
    """The guest's sniff -w tcp:HOST:PORT to a listener on the host's
    loopback (QEMU's guestfwd, the network otherwise restricted; its host
    side ends with QEMU, not with the guest's connection): tshark
    reads the stream back as a pcap with the pings, and none of the
    stream's own segments."""
    pcap = tmp_path / "stream.pcap"
    port, taker = listen_once(pcap)
    q = Qemu(append="ip=10.0.2.15::10.0.2.2:255.255.255.0 apps=shell",
             net=("-netdev", f"user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:9999-tcp:127.0.0.1:{port}",
                  "-device", "pcnet,netdev=n0,romfile="))
    try:
        q.expect(re.escape(PROMPT), 30)
        assert "want tcp:ADDRESS:PORT" in q.run("sniff -c 1 -w tcp:10.0.2.100")
        q.run("run sniff -c 4 -w tcp:10.0.2.100:9999 ip &")
        q.expect(r"listening on any", 10)
        q.run("ping -c 2 10.0.2.2", timeout=30)
        deadline = time.monotonic() + 20
        while "run: sniff (pid" not in q.output and time.monotonic() < deadline:
            time.sleep(0.1)
        assert re.search(r"4 packets captured", q.output), q.output[-2000:]
    finally:
        q.close()   # guestfwd's host connection lasts as long as QEMU
    taker.join(20)
    assert not taker.is_alive()
    r = subprocess.run(["tshark", "-r", str(pcap), "-T", "fields", "-e", "icmp.type", "-e", "tcp.port"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    rows = [line.split("\t") for line in r.stdout.splitlines()]
    assert [row[0] for row in rows] == ["8", "0", "8", "0"], rows   # two requests, two replies
    assert not any(len(row) > 1 and row[1] for row in rows), rows   # no TCP: the stream left itself out
