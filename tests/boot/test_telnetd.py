"""telnetd: the shell over Telnet. On a tap device in the tests' own
network namespace, the host's sockets (raw IAC bytes) and Debian's telnet
client (on a pty) log in: the options offered (WILL ECHO, WILL SGA) and
answered, commands and their output, exit and logout, IAC IAC, commands
split byte by byte, subnegotiations skipped, CR NUL / CR LF / LF, the
session limit, peers that close or reset mid-command, then a guest whose
apps= does not name telnetd, and one bound to another address."""
import os
import re
import shutil
import subprocess
import time

import pytest

from qemu import PROMPT, Qemu
from tapns import NIC, tap_netns

HOST_IP, GUEST_IP = "10.0.6.1", "10.0.6.2"

needs_wire = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("ip") is None,
    reason="needs root (a network namespace and a tap device) and ip (tools/deps.sh)")


def host(netns, *cmd, timeout=60, input=None):
    return subprocess.run(["ip", "netns", "exec", netns, *cmd], capture_output=True, text=True,
                          errors="replace", timeout=timeout, input=input)


# Helpers for the client scripts run in the namespace.
CLIENT = r'''
import socket, sys, time
IAC, WILL, WONT, DO, DONT, SB, SE, NOP = 255, 251, 252, 253, 254, 250, 240, 241
ECHO, SGA, TTYPE, NAWS = 1, 3, 24, 31
GUEST = sys.argv[1]

def connect():
    s = socket.create_connection((GUEST, 23), timeout=20)
    return s

def read_until(s, marker, timeout=20):
    got = b""
    deadline = time.monotonic() + timeout
    while marker not in got:
        s.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            b = s.recv(4096)
        except socket.timeout:
            raise AssertionError(f"no {marker!r} in {got!r}")
        if not b:
            raise AssertionError(f"EOF before {marker!r} in {got!r}")
        got += b
    return got

def login(s):
    """Agrees to the server's options; returns all bytes up to the first prompt."""
    got = read_until(s, b"mipsnet> ")
    s.sendall(bytes([IAC, DO, ECHO, IAC, DO, SGA]))
    return got

def run(s, line, end=b"\r\0"):
    s.sendall(line.encode() + end)
    out = read_until(s, b"mipsnet> ")
    return out[:-len(b"mipsnet> ")].decode("latin-1")
'''


def client(netns, code, timeout=60):
    r = host(netns, "/usr/bin/python3", "-c", CLIENT + code, GUEST_IP, timeout=timeout)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def wait_count(q, start, pattern, n, timeout=15):
    """Waits until pattern has appeared n times in q's output since start."""
    deadline = time.monotonic() + timeout
    while len(re.findall(pattern, q.output[start:])) < n:
        assert time.monotonic() < deadline, f"{pattern!r} not {n} times in:\n{q.output[start:]}"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def module_netns():
    with tap_netns("telnet", HOST_IP) as name:
        yield name


def boot_guest(netns, apps):
    return Qemu(f"ip={GUEST_IP}::{HOST_IP}:255.255.255.0::eth0:off {apps}",
                wrapper=("ip", "netns", "exec", netns), net=NIC)


@pytest.fixture(scope="module")
def guest(module_netns):
    """One guest for the session tests: telnetd -v started by apps=."""
    q = boot_guest(module_netns, "apps=shell,telnetd telnetd.args=-v")
    try:
        q.expect(r"telnetd: listening on 0\.0\.0\.0:23, at most 4 sessions, NO AUTHENTICATION", timeout=30)
        q.netns = module_netns
        q.send("\r")
        q.expect(PROMPT)
        yield q
    finally:
        q.close()


@needs_wire
def test_options_offered_and_answered(guest):
    out = client(guest.netns, r'''
s = connect()
first = read_until(s, b"mipsnet> ")
# The opening: WILL ECHO, WILL SGA, before anything else.
assert first.startswith(bytes([IAC, WILL, ECHO, IAC, WILL, SGA])), first
assert b"mipsnet shell" in first
# Our agreement gets no answer; WILL TTYPE and WILL NAWS are refused, DO
# of an unknown option is WONT; WILL SGA from us is welcome.
s.sendall(bytes([IAC, DO, ECHO, IAC, DO, SGA, IAC, WILL, TTYPE, IAC, WILL, NAWS, IAC, DO, 99, IAC, WILL, SGA]))
s.sendall(b"echo after-options\r\0")
got = read_until(s, b"after-options\r\nmipsnet> ")
want = bytes([IAC, DONT, TTYPE, IAC, DONT, NAWS, IAC, WONT, 99, IAC, DO, SGA])
assert got.startswith(want), got
assert bytes([IAC, WILL, ECHO]) not in got
s.close()
print("ok")
''')
    assert out.strip() == "ok"


@needs_wire
def test_commands_and_their_output(guest):
    out = client(guest.netns, r'''
s = connect()
login(s)
uname = run(s, "uname -a")
assert "echo" not in uname
assert "\r\nmipsnet malta 0.1.0 #1 " in uname and uname.endswith("mips\r\n"), repr(uname)
help = run(s, "help")
for word in ("uname", "cat", "exit", "telnetd", "httpd", "inetd", "ping"):
    assert word in help, (word, help)
# The shell echoes what is typed (the client left ECHO to the server).
assert run(s, "echo typed").startswith("echo typed\r\n")
# CR LF and a bare LF end a line too.
assert "\r\nlf-ends\r\n" in run(s, "echo lf-ends", b"\n")
assert "\r\ncrlf-ends\r\n" in run(s, "echo crlf-ends", b"\r\n")
assert "ifconfig" in help
print(run(s, "ifconfig eth0"))
s.sendall(b"exit 3\r\0")
rest = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    rest += b
print("closed after exit")
''')
    assert "10.0.6.2" in out and "closed after exit" in out
    guest.expect(r"telnetd: 10\.0\.6\.1:\d+ shell exited with status 3", timeout=10)


@needs_wire
def test_nvt_split_iac_iac_sb_and_garbage(guest):
    out = client(guest.netns, r'''
s = connect()
login(s)
# "echo split" typed with a subnegotiation (IAC IAC and SE inside), a NOP
# and an IAC IAC (a byte 255 the shell drops) in the middle, one byte per send.
line = (b"ec" + bytes([IAC, SB, TTYPE, 0]) + b"xterm" + bytes([IAC, IAC, SE, IAC, SE]) + b"ho sp"
        + bytes([IAC, NOP]) + b"l" + bytes([IAC, IAC]) + b"it\r\0")
for b in line:
    s.sendall(bytes([b]))
    time.sleep(0.01)
out = read_until(s, b"mipsnet> ")
assert b"\r\nsplit\r\n" in out, out
# Garbage: undefined commands, an unterminated subnegotiation, control bytes.
s.sendall(bytes([IAC, 17, IAC, SE, 1, 2, 200, IAC, SB, 5, 6, 7]) + bytes(range(256)))
# range(256) left an IAC open inside the subnegotiation: a NUL after it is
# no command (the subnegotiation ends there), SE alone is none either,
# and ^C abandons the shell's line.
s.sendall(bytes([0, IAC, SE, 3]) + b"\r\0")
read_until(s, b"mipsnet> ")
assert "\r\nstill-here\r\n" in run(s, "echo still-here")
# An output byte 255 goes out doubled: the shell's echo of "\xff" is dropped,
# but cat of a file holding one is not: none here, so check the AYT answer.
s.sendall(bytes([IAC, 246]))
assert b"[mipsnet: yes]" in read_until(s, b"yes]")
s.close()
print("ok")
''')
    assert out.strip() == "ok"


@needs_wire
def test_session_limit(guest):
    start = len(guest.output)
    out = client(guest.netns, r'''
held = []
for i in range(4):
    s = connect()
    login(s)
    assert f"\r\nheld-{i}\r\n" in run(s, f"echo held-{i}")
    held.append(s)
extra = connect()
got = b""
while True:
    b = extra.recv(4096)
    if not b:
        break
    got += b
assert got == b"telnetd: too many sessions, try again later\r\n", got
held[0].sendall(b"logout\r\0")
while held[0].recv(4096):
    pass
# The slot is free once that shell is reaped.
deadline = time.monotonic() + 10
while True:
    s = connect()
    first = s.recv(4096)
    if b"too many" not in first:
        break
    assert time.monotonic() < deadline, "no slot came free"
    s.close()
    time.sleep(0.3)
if b"mipsnet> " not in first:   # the opening, banner and prompt may come in one read
    read_until(s, b"mipsnet> ")
assert "\r\nfifth\r\n" in run(s, "echo fifth")
for h in held[1:] + [s]:
    h.close()
print("ok")
''')
    assert out.strip() == "ok"
    guest.expect(r"telnetd: refused a session: 4 of 4 in use", timeout=5)
    wait_count(guest, start, r"session ended", 5)
    assert "BUG" not in guest.output[start:] and "panic" not in guest.output[start:]


@needs_wire
def test_peer_gone_mid_command(guest):
    start = len(guest.output)
    out = client(guest.netns, r'''
import struct
# One closes (FIN) during "sleep 2", one resets (RST) during endless output.
a = connect()
login(a)
a.sendall(b"sleep 2\r\0")
time.sleep(0.3)
a.shutdown(socket.SHUT_WR)
time.sleep(0.2)
a.close()
b = connect()
login(b)
b.sendall(b"cat /dev/zero\r\0")
b.recv(4096)
b.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
b.close()
# The next session works at once, and so does one after both have ended.
c = connect()
login(c)
assert "\r\nnext\r\n" in run(c, "echo next")
c.close()
time.sleep(3)
d = connect()
login(d)
assert "shell" in run(d, "ps")
d.close()
print("ok")
''')
    assert out.strip() == "ok"
    log = lambda: guest.output[start:]
    wait_count(guest, start, r"session ended", 4)
    assert "closed by the peer" in log() and "Connection reset by peer" in log(), log()
    # Every session's shell is gone: the console shell is the only one left.
    ps = guest.run("ps")
    assert len(re.findall(r" shell$", ps, re.M)) == 1, ps
    assert "BUG" not in log() and "panic" not in log()


@needs_wire
@pytest.mark.skipif(shutil.which("telnet") is None, reason="needs Debian's telnet client (tools/deps.sh)")
def test_debian_telnet_client(guest):
    # The real client on a pty: it goes to character mode on WILL ECHO and
    # WILL SGA, sends CR NUL for Enter, and exits when the session ends.
    out = host(guest.netns, "/usr/bin/python3", "-c", r'''
import os, pty, select, subprocess, sys, time
master, slave = pty.openpty()
p = subprocess.Popen(["telnet", sys.argv[1]], stdin=slave, stdout=slave, stderr=slave, close_fds=True)
os.close(slave)
got = b""
def until(marker, timeout=20):
    global got
    deadline = time.monotonic() + timeout
    while marker not in got:
        r, _, _ = select.select([master], [], [], max(0, deadline - time.monotonic()))
        if not r:
            raise AssertionError(f"no {marker!r} in {got!r}")
        try:
            b = os.read(master, 4096)
        except OSError:
            raise AssertionError(f"EOF before {marker!r} in {got!r}")
        got += b
until(b"mipsnet> ")
for c in b"echo from-telnet\r":
    os.write(master, bytes([c]))
    time.sleep(0.02)
until(b"from-telnet\r\nmipsnet> ")
os.write(master, b"uptime\r")
until(b"threads\r\nmipsnet> ")
os.write(master, b"logout\r")
until(b"Connection closed by foreign host.")
p.wait(10)
sys.stdout.write(got.decode("latin-1"))
''', GUEST_IP, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    # Typed one key at a time, echoed once each by the shell (not twice:
    # the client left the echo to the server). The pty's and the text
    # mode's line ends are not the wire's, so CRs are not compared.
    text = out.stdout.replace("\r", "")
    assert "mipsnet> echo from-telnet\nfrom-telnet\n" in text, out.stdout
    assert re.search(r"up 0:\d\d:\d\d \(\d+\.\d{3} s\), \d+ threads", out.stdout)


@needs_wire
@pytest.mark.skipif(shutil.which("nc") is None, reason="needs netcat-openbsd (tools/deps.sh)")
def test_nc_as_a_dumb_client(guest):
    # No options answered at all, LF line ends, and the last line sent
    # just before the FIN: the shell still runs it.
    r = host(guest.netns, "sh", "-c", f"(sleep 1; echo 'echo via-nc'; sleep 1; echo exit) | nc -q 5 {GUEST_IP} 23",
             timeout=30)
    # The line ends are the text mode's here, not the wire's.
    assert "\nvia-nc\n" in r.stdout, r.stdout + r.stderr
    assert "mipsnet> exit" in r.stdout, r.stdout + r.stderr


@needs_wire
def test_off_unless_named_and_bind_address(module_netns, guest):
    # The module's guest is stopped first: these boots take its address.
    guest.close()
    q = boot_guest(module_netns, "apps=shell")
    try:
        q.expect(PROMPT, timeout=30)
        r = host(module_netns, "/usr/bin/python3", "-c", r'''
import socket, sys
try:
    socket.create_connection((sys.argv[1], 23), timeout=10)
    print("connected")
except ConnectionRefusedError:
    print("refused")
''', GUEST_IP)
        assert r.stdout.strip() == "refused", r.stdout + r.stderr
        assert "telnetd" not in q.run("ps")
    finally:
        q.close()
    # Bound to loopback: the guest itself reaches it, the network does not.
    q = boot_guest(module_netns, "apps=shell,telnetd telnetd.args=-b:127.0.0.1:-p:2323")
    try:
        q.expect(r"telnetd: listening on 127\.0\.0\.1:2323", timeout=30)
        q.send("\r")
        q.expect(PROMPT)
        r = host(module_netns, "/usr/bin/python3", "-c", r'''
import socket, sys
for port in (23, 2323):
    try:
        socket.create_connection((sys.argv[1], port), timeout=10)
        print("connected")
    except ConnectionRefusedError:
        print("refused")
''', GUEST_IP)
        assert r.stdout.split() == ["refused", "refused"], r.stdout + r.stderr
        assert "succeeded" in q.run("nc -v -z 127.0.0.1 2323", timeout=20)
    finally:
        q.close()
