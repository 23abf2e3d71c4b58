"""TCP applications in the guest: inetd (echo, discard, chargen), httpd and
nc over TCP. On a tap device in the tests' own network namespace the host's
sockets, curl and nc talk to them: a 1 MB echo compared exactly, 20 echo
clients at once, 10 MB discarded and counted, the RFC 864 chargen pattern,
half-close on echo, a refused port, HTTP answers, and the guest's nc as a
client, a listener and a scanner. Then httpd over QEMU's user-mode network
(the README's boot command) with a loopback-only port forward."""
import os
import re
import shutil
import socket
import subprocess
import time

import pytest

from qemu import PROMPT, Qemu
from tapns import NIC, tap_netns

HOST_IP, GUEST_IP = "10.0.5.1", "10.0.5.2"

needs_wire = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("ip") is None or shutil.which("curl") is None,
    reason="needs root (a network namespace and a tap device), ip and curl (tools/deps.sh)")


def host(q, *cmd, timeout=120, input=None):
    return subprocess.run(["ip", "netns", "exec", q.netns, *cmd], capture_output=True, text=True,
                          timeout=timeout, input=input)


def host_py(q, code, *args, timeout=120):
    r = host(q, "/usr/bin/python3", "-c", code, *args, timeout=timeout)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


@pytest.fixture(scope="module")
def module_netns():
    with tap_netns("tcp", HOST_IP) as name:
        yield name


@pytest.fixture(scope="module")
def guest(module_netns):
    """One guest for the wire tests (a boot per test would cost more than
    the tests): inetd -v and httpd started at boot by apps=."""
    q = Qemu(f"ip={GUEST_IP}::{HOST_IP}:255.255.255.0::eth0:off apps=shell,inetd,httpd inetd.args=-v",
             wrapper=("ip", "netns", "exec", module_netns),
             net=NIC)
    try:
        q.expect("chargen on port 19", timeout=30)
        q.expect("httpd: listening on port 80", timeout=10)
        q.netns = module_netns
        q.send("\r")
        q.expect(PROMPT)
        yield q
    finally:
        q.close()


ECHO = r'''
import os, socket, sys, threading
guest, clients, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
bad = []
def one(i):
    data = os.urandom(size)
    s = socket.create_connection((guest, 7), timeout=30)
    got = []
    def reader():
        while True:
            b = s.recv(65536)
            if not b:
                return
            got.append(b)
    t = threading.Thread(target=reader)
    t.start()
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)   # half-close: the echo still comes back, then EOF
    t.join(60)
    s.close()
    if b"".join(got) != data:
        bad.append((i, len(b"".join(got))))
threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
for t in threads: t.start()
for t in threads: t.join(120)
print("bad", bad)
'''


@needs_wire
def test_echo_one_megabyte_exactly(guest):
    out = host_py(guest, ECHO, GUEST_IP, "1", str(1 << 20))
    assert out.strip() == "bad []", out
    guest.expect(r"inetd: echo 10\.0\.5\.1:\d+ closed, in 1048576 out 1048576", timeout=10)


@needs_wire
def test_twenty_echo_clients_at_once(guest):
    out = host_py(guest, ECHO, GUEST_IP, "20", str(100 * 1024))
    assert out.strip() == "bad []", out
    for _ in range(20):
        guest.expect(r"inetd: echo 10\.0\.5\.1:\d+ closed, in 102400 out 102400", timeout=10)


@needs_wire
def test_echo_backpressure_from_a_reader_that_waits(guest):
    # The client sends 32 MB before it reads anything, more than every
    # buffer on the way holds (the guest's are bounded by tcp_mem, about
    # 11 MB in 128 MiB; the host's send buffer by tcp_wmem, 4 MB): inetd's
    # buffer and both windows fill, inetd stops reading, the sender blocks;
    # then the reader drains it all, byte for byte.
    out = host_py(guest, r'''
import os, socket, sys, threading, time
data = os.urandom(32 << 20)
s = socket.create_connection((sys.argv[1], 7), timeout=30)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
t = threading.Thread(target=lambda: (s.sendall(data), s.shutdown(socket.SHUT_WR)))
t.start()
time.sleep(1.5)
assert t.is_alive(), "32 MB went out with nobody reading: no backpressure?"
got = []
while True:
    b = s.recv(65536)
    if not b:
        break
    got.append(b)
t.join(60)
print("same" if b"".join(got) == data else f"differ {len(b''.join(got))}")
''', GUEST_IP)
    assert out.strip() == "same", out


@needs_wire
def test_reset_clients_do_not_stop_inetd(guest):
    start = len(guest.output)
    host_py(guest, r'''
import socket, struct, sys
for port in (7, 9, 19):
    for _ in range(3):
        s = socket.create_connection((sys.argv[1], port), timeout=10)
        s.sendall(b"x" * 5000)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()   # a RST, with the echo or the pattern maybe still in flight
''', GUEST_IP)
    closed = []
    for _ in range(30):   # inetd sees a reset as ECONNRESET from recv or send
        closed = re.findall(r"inetd: (?:echo|discard|chargen) 10\.0\.5\.1:\d+ closed.*", guest.output[start:])
        if any("Connection reset by peer" in c for c in closed):
            break
        time.sleep(0.1)
    assert any("Connection reset by peer" in c for c in closed), closed
    out = host_py(guest, ECHO, GUEST_IP, "2", "10000")
    assert out.strip() == "bad []", out


@needs_wire
def test_half_close_echo_of_a_few_bytes(guest):
    out = host_py(guest, r'''
import socket, sys
s = socket.create_connection((sys.argv[1], 7), timeout=10)
s.sendall(b"half-closed\n")
s.shutdown(socket.SHUT_WR)
data = b""
while True:
    b = s.recv(100)
    if not b:
        break
    data += b
print(repr(data))
''', GUEST_IP)
    assert out.strip() == repr(b"half-closed\n"), out


@needs_wire
def test_discard_ten_megabytes_counted(guest):
    host_py(guest, r'''
import socket, sys
s = socket.create_connection((sys.argv[1], 9), timeout=30)
block = b"d" * 65536
for _ in range(160):
    s.sendall(block)
s.shutdown(socket.SHUT_WR)
assert s.recv(10) == b""   # discard closes on our EOF, having sent nothing
''', GUEST_IP)
    guest.expect(r"inetd: discard 10\.0\.5\.1:\d+ closed, in 10485760 out 0", timeout=20)


@needs_wire
def test_chargen_pattern(guest):
    out = host_py(guest, r'''
import socket, sys
s = socket.create_connection((sys.argv[1], 19), timeout=30)
data = b""
while len(data) < 1 << 20:
    b = s.recv(65536)
    assert b, "chargen closed"
    data += b
s.close()
chars = bytes(range(32, 127))
lines = data[:(len(data) // 74) * 74]
for i in range(len(lines) // 74):
    line = lines[i * 74:(i + 1) * 74]
    want = bytes(chars[(i + k) % 95] for k in range(72)) + b"\r\n"
    assert line == want, (i, line, want)
print("ok", len(lines) // 74)
''', GUEST_IP)
    assert out.startswith("ok "), out
    guest.expect(r"inetd: chargen 10\.0\.5\.1:\d+ closed", timeout=20)


@needs_wire
def test_closed_port_is_refused(guest):
    out = host_py(guest, r'''
import socket, sys
try:
    socket.create_connection((sys.argv[1], 1234), timeout=5)
    print("connected")
except ConnectionRefusedError:
    print("refused")
except socket.timeout:
    print("timeout")
''', GUEST_IP)
    assert out.strip() == "refused", out


@needs_wire
def test_http_answers(guest):
    url = f"http://{GUEST_IP}/"
    r = host(guest, "curl", "-si", "-m", "10", url)
    assert r.returncode == 0, r.stderr
    head, _, body = r.stdout.partition("\n\n")   # text mode: CR LF read as LF
    assert head.startswith("HTTP/1.1 200 OK"), r.stdout
    assert "<h1>mipsnet</h1>" in body and "up " in body, body
    m = re.search(r"Content-Length: (\d+)", head)
    assert m and int(m.group(1)) == len(body.encode()), r.stdout
    r = host(guest, "curl", "-sI", "-m", "10", url)
    assert r.stdout.startswith("HTTP/1.1 200 OK") and "Content-Length: " in r.stdout, r.stdout
    r = host(guest, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "10", url + "missing")
    assert r.stdout == "404", r
    r = host(guest, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "10", "-X", "DELETE", url)
    assert r.stdout == "405", r
    # Two requests on one connection (keep-alive), then malformed ones.
    r = host(guest, "curl", "-s", "-o", "/dev/null", "-o", "/dev/null", "-w", "%{http_code} %{num_connects}\n",
             "-m", "10", url, url)
    assert r.stdout.split("\n")[:2] == ["200 1", "200 0"], r
    out = host_py(guest, r'''
import socket, sys
def ask(raw):
    s = socket.create_connection((sys.argv[1], 80), timeout=10)
    s.sendall(raw)
    data = b""
    while True:
        b = s.recv(4096)
        if not b:
            break
        data += b
    s.close()
    return data.split(b"\r\n", 1)[0].decode()
print(ask(b"GARBAGE\r\n\r\n"))
print(ask(b"GET / HTTP/1.1\r\n\r\n"))                    # no Host
print(ask(b"GET / HTTP/1.1\r\nHost x\r\n\r\n"))          # no colon
print(ask(b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Long: " + b"a" * 5000 + b"\r\n\r\n"))
print(ask(b"GET / HTTP/1.0\r\n\r\n"))                    # 1.0 needs no Host, closes
''', GUEST_IP)
    assert out.split("\n")[:5] == ["HTTP/1.1 400 Bad Request"] * 3 + [
        "HTTP/1.1 431 Request Header Fields Too Large", "HTTP/1.1 200 OK"], out
    # Random bytes on a few connections, some closed at once: never a crash.
    host_py(guest, r'''
import os, random, socket, sys
rng = random.Random(9110)
for i in range(20):
    s = socket.create_connection((sys.argv[1], 80), timeout=10)
    s.sendall(rng.choice([os.urandom(rng.randint(1, 6000)), b"GET /" + os.urandom(300) + b"\r\n\r\n",
                          b"GET / HTTP/1.1\r\nHost: x\r\n" + os.urandom(200) + b"\r\n\r\n"]))
    if i % 2:
        s.shutdown(socket.SHUT_WR)   # the server sees EOF after what it got
        s.settimeout(5)
        try:
            while s.recv(4096):
                pass
        except (ConnectionResetError, socket.timeout):
            pass
    s.close()
''', GUEST_IP)
    # Still serving.
    r = host(guest, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "10", url)
    assert r.stdout == "200", r


HOST_SERVER = r'''
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(1)
s.settimeout(30)
print("ready", flush=True)
c, peer = s.accept()
c.settimeout(30)
c.sendall(b"from the host\n")
data = b""
while True:
    b = c.recv(4096)
    if not b:
        break
    data += b
print(repr(data), peer[0], flush=True)
c.close()
'''


@needs_wire
def test_guest_nc_client_to_a_host_listener(guest):
    p = subprocess.Popen(["ip", "netns", "exec", guest.netns, "/usr/bin/python3", "-c", HOST_SERVER, HOST_IP, "9999"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "ready"
    guest.send(f"nc {HOST_IP} 9999\r")
    guest.expect("from the host", timeout=10)
    guest.send("typed in the guest\r\x04")   # ^D: EOF, nc half-closes and the host's read ends
    out, err = p.communicate(timeout=30)
    assert out.strip() == f"b'typed in the guest\\r' {GUEST_IP}", (out, err)
    guest.expect(r"run: nc \(pid \d+\) exited with status 0", timeout=10)
    guest.expect(PROMPT)


@needs_wire
def test_guest_nc_listener_with_a_host_client(guest):
    guest.send("nc -l 5000\r")
    guest.expect(r"nc -l 5000\n")
    time.sleep(1)
    p = subprocess.Popen(["ip", "netns", "exec", guest.netns, "/usr/bin/python3", "-c", r'''
import socket, sys
s = socket.create_connection((sys.argv[1], 5000), timeout=20)
s.sendall(b"to the guest listener\n")
data = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    data += b
print(repr(data))
''', GUEST_IP], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    guest.expect("to the guest listener", timeout=10)
    guest.send("answer\r\x04")
    out, err = p.communicate(timeout=30)
    assert out.strip() == repr(b"answer\r"), (out, err)
    guest.expect(r"run: nc \(pid \d+\) exited with status 0", timeout=10)
    guest.expect(PROMPT)
    # -d -k in the background: two host clients one after the other.
    guest.run("run nc -d -k -l 5001 &")
    time.sleep(1)
    for word in ("first", "second"):
        r = host(guest, "nc", "-N", "-w", "5", GUEST_IP, "5001", input=f"{word} client\n", timeout=30)
        assert r.returncode == 0, r
        guest.expect(f"{word} client", timeout=10)


@needs_wire
def test_guest_nc_scan(guest):
    out = guest.run(f"nc -z -v -w 3 {GUEST_IP} 7", timeout=20)
    assert f"Connection to {GUEST_IP} 7 port [tcp/*] succeeded!" in out and "status 0" in out, out
    subprocess.Popen(["ip", "netns", "exec", guest.netns, "/usr/bin/python3", "-c", HOST_SERVER, HOST_IP, "9998"],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    out = guest.run(f"nc -z -v -w 3 {HOST_IP} 9997-9998", timeout=20)
    assert f"nc: connect to {HOST_IP} port 9997 (tcp) failed: Connection refused" in out, out
    assert f"Connection to {HOST_IP} 9998 port [tcp/*] succeeded!" in out and "status 0" in out, out
    out = guest.run(f"nc -z -w 3 {HOST_IP} 9997", timeout=20)
    assert "status 1" in out, out
    # Over lo, the guest's own RST refuses it.
    out = guest.run("nc -z -v -w 3 127.0.0.1 8", timeout=20)
    assert "nc: connect to 127.0.0.1 port 8 (tcp) failed: Connection refused" in out, out


# ---------------------------------------------------------------------------
# QEMU's user-mode network, as tools/boot.sh runs it (no root needed).

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl (tools/deps.sh)")
def test_httpd_over_slirp_port_forward(boot):
    port = free_port()
    q = boot("ip=dhcp apps=shell,httpd,inetd",
             net=("-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:80", "-device", "pcnet,netdev=n0,romfile="))
    q.expect("httpd: listening on port 80", timeout=30)
    r = subprocess.run(["curl", "-si", "-m", "10", f"http://127.0.0.1:{port}/"], capture_output=True, text=True,
                       timeout=30)
    assert r.stdout.startswith("HTTP/1.1 200 OK") and "<h1>mipsnet</h1>" in r.stdout, r
