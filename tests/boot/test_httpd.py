"""httpd against real clients: curl and Python sockets on the host side of a
tap device in the test's own network namespace. The guest serves /proc as
its document root (files of unknown length: chunked answers) and the
built-in dashboard for /, with short timeouts and a small connection limit
so the 408 and 503 paths are reached quickly: keep-alive reuse, HEAD,
Range (206, 416), If-None-Match and If-Modified-Since (304), 404, 405, 501,
505, 400 for malformed requests and path traversal, 413, 414, 431,
pipelining, POST /echo with both framings, a slowloris client while other
clients are served, the connection limit, /status.json parsed as JSON and
the access log on the console."""
import json
import os
import re
import shutil
import subprocess
import threading
import time

import pytest

from qemu import PROMPT, Qemu
from tapns import NIC, tap_netns

HOST_IP, GUEST_IP = "10.0.6.1", "10.0.6.2"
URL = f"http://{GUEST_IP}"
MAX_CONNS, HEADER_TIMEOUT = 4, 3

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("ip") is None or shutil.which("curl") is None,
    reason="needs root (a network namespace and a tap device), ip and curl (tools/deps.sh)")


def host(q, *cmd, timeout=60, input=None):
    return subprocess.run(["ip", "netns", "exec", q.netns, *cmd], capture_output=True, timeout=timeout, input=input)


def curl(q, *args, timeout=30):
    r = host(q, "curl", "-s", "-m", "20", *args, timeout=timeout)
    assert r.returncode == 0, (args, r.returncode, r.stderr)
    return r.stdout


def code(q, *args):
    return curl(q, "-o", "/dev/null", "-w", "%{http_code}", *args).decode()


def head_fields(raw):
    """The status line and fields of curl -i output (bytes) -> (status, {name: value}, body)."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    fields = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        fields[k.strip().lower()] = v.strip()
    return int(lines[0].split()[1]), fields, body


def raw_exchange(q, data, read_timeout=10):
    """Sends data on one connection from the host side; returns all it got back."""
    code_ = r'''
import socket, sys
s = socket.create_connection((sys.argv[1], 80), timeout=float(sys.argv[2]))
s.sendall(sys.stdin.buffer.read())
out = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
except socket.timeout:
    pass
sys.stdout.buffer.write(out)
'''
    r = host(q, "/usr/bin/python3", "-c", code_, GUEST_IP, str(read_timeout), input=data, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.fixture(scope="module")
def module_netns():
    with tap_netns("httpd", HOST_IP) as name:
        yield name


@pytest.fixture(scope="module")
def guest(module_netns):
    args = f"-v:-t:{HEADER_TIMEOUT}:-k:30:-c:{MAX_CONNS}:/proc"
    q = Qemu(f"ip={GUEST_IP}::{HOST_IP}:255.255.255.0::eth0:off apps=shell,httpd httpd.args={args}",
             wrapper=("ip", "netns", "exec", module_netns),
             net=NIC)
    try:
        q.expect(r"httpd: listening on port 80, docroot /proc/", timeout=30)
        q.netns = module_netns
        q.send("\r")
        q.expect(PROMPT)
        yield q
    finally:
        q.close()


def test_dashboard_keep_alive_and_access_log(guest):
    out = curl(guest, "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
               "-w", "%{http_code} %{num_connects}\n", URL + "/", URL + "/status.json", URL + "/index.html")
    assert out.decode().split("\n")[:3] == ["200 1", "200 0", "200 0"], out
    status, f, body = head_fields(curl(guest, "-i", URL + "/"))
    assert status == 200 and f["content-type"] == "text/html; charset=utf-8", f
    assert int(f["content-length"]) == len(body) and b"<canvas" in body and b"/status.json" in body
    assert b"https://" not in body and b"<script src" not in body   # self-contained, no CDN
    guest.expect(r'httpd: 10\.0\.6\.1:\d+ "GET / HTTP/1\.1" 200', timeout=10)
    guest.expect(r'httpd: 10\.0\.6\.1:\d+ "GET /status\.json HTTP/1\.1" 200', timeout=10)


def test_head_matches_get(guest):
    _, get_f, get_body = head_fields(curl(guest, "-i", URL + "/"))
    r = curl(guest, "-I", URL + "/")
    status, f, body = head_fields(r)
    assert status == 200 and body == b"", r
    assert f["content-length"] == get_f["content-length"] == str(len(get_body))
    assert f["etag"] == get_f["etag"]


def test_range(guest):
    full = curl(guest, URL + "/")
    status, f, body = head_fields(curl(guest, "-i", "-r", "10-109", URL + "/"))
    assert status == 206 and body == full[10:110], f
    assert f["content-range"] == f"bytes 10-109/{len(full)}" and f["content-length"] == "100"
    status, f, body = head_fields(curl(guest, "-i", "-r", "-20", URL + "/"))
    assert status == 206 and body == full[-20:], f
    status, f, _ = head_fields(curl(guest, "-i", "-r", f"{len(full)}-", URL + "/"))
    assert status == 416 and f["content-range"] == f"bytes */{len(full)}", f
    # Two ranges: the whole page (no multipart here).
    status, _, body = head_fields(curl(guest, "-i", "-r", "0-1,5-6", URL + "/"))
    assert status == 200 and body == full


def test_conditional_requests(guest):
    _, f, _ = head_fields(curl(guest, "-i", URL + "/"))
    etag, modified = f["etag"], f["last-modified"]
    status, g, body = head_fields(curl(guest, "-i", "-H", f"If-None-Match: {etag}", URL + "/"))
    assert status == 304 and body == b"" and g["etag"] == etag, g
    assert code(guest, "-H", 'If-None-Match: "other"', URL + "/") == "200"
    assert code(guest, "-H", f"If-Modified-Since: {modified}", URL + "/") == "304"
    assert code(guest, "-H", "If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT", URL + "/") == "200"
    # If-Range with a stale validator: the whole page instead of the range.
    assert code(guest, "-r", "0-9", "-H", 'If-Range: "stale"', URL + "/") == "200"
    assert code(guest, "-r", "0-9", "-H", f"If-Range: {etag}", URL + "/") == "206"


def test_proc_file_chunked(guest):
    status, f, body = head_fields(curl(guest, "-i", "--raw", URL + "/version"))
    assert status == 200 and f.get("transfer-encoding") == "chunked" and "content-length" not in f, f
    assert re.match(rb"[0-9a-f]+\r\nmipsnet version ", body), body[:80]
    assert body.endswith(b"0\r\n\r\n")
    text = curl(guest, URL + "/version")   # curl decodes it
    assert text.startswith(b"mipsnet version ") and text.endswith(b"\n"), text
    # HTTP/1.0 has no chunked coding: the end of the connection ends the body.
    status, f, body = head_fields(curl(guest, "-i", "-0", URL + "/version"))
    assert status == 200 and "transfer-encoding" not in f and f["connection"] == "close"
    assert body == text


def test_errors(guest):
    assert code(guest, URL + "/missing") == "404"
    assert code(guest, URL + "/net/nothing") == "404"
    r = curl(guest, "-i", "-X", "DELETE", URL + "/")
    status, f, _ = head_fields(r)
    assert status == 405 and f["allow"] == "GET, HEAD, OPTIONS", r
    status, f, _ = head_fields(curl(guest, "-i", "-X", "GET", URL + "/echo"))
    assert status == 405 and f["allow"] == "POST, OPTIONS", f
    assert code(guest, "-X", "POST", "-d", "x", URL + "/status.json") == "405"
    status, f, body = head_fields(curl(guest, "-i", "-X", "OPTIONS", URL + "/echo"))
    assert status == 204 and f["allow"] == "POST, OPTIONS" and body == b"", f
    assert raw_exchange(guest, b"OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").startswith(
        b"HTTP/1.1 204 No Content\r\n")
    assert code(guest, "-X", "BREW", URL + "/") == "501"
    assert code(guest, URL + "/" + "a" * 3000) == "414"
    assert code(guest, "-H", "X-Big: " + "b" * 5000, URL + "/") == "431"
    guest.expect(r'httpd: 10\.0\.6\.1:\d+ "GET /a{70,}" 414', timeout=10)   # refused: its first line, cut
    guest.expect(r'httpd: 10\.0\.6\.1:\d+ "GET / HTTP/1\.1" 431', timeout=10)
    assert code(guest, "--path-as-is", URL + "/../cmdline") == "400"
    assert code(guest, URL + "/%2e%2e/cmdline") == "400"
    assert code(guest, URL + "/a%00b") == "400"
    # A directory: redirected to its slash form, then no listing.
    status, f, _ = head_fields(curl(guest, "-i", URL + "/net"))
    assert status == 301 and f["location"] == "/net/", f
    assert code(guest, URL + "/net/") == "403"
    assert code(guest, URL + "/net/dev") == "200"
    first = lambda raw: raw.split(b"\r\n", 1)[0].decode()
    assert first(raw_exchange(guest, b"GET / HTTP/2.0\r\nHost: x\r\n\r\n")) == "HTTP/1.1 505 HTTP Version Not Supported"
    assert first(raw_exchange(guest, b"GET / HTTP/1.1\r\n\r\n")) == "HTTP/1.1 400 Bad Request"
    assert first(raw_exchange(guest, b"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n")) == "HTTP/1.1 400 Bad Request"
    assert first(raw_exchange(guest, b"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n")) == "HTTP/1.1 400 Bad Request"
    assert first(raw_exchange(guest, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                                     b"Transfer-Encoding: chunked\r\n\r\nabc")) == "HTTP/1.1 400 Bad Request"
    assert first(raw_exchange(guest, b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n")) == \
        "HTTP/1.1 501 Not Implemented"


def test_echo_both_framings_and_413(guest):
    data = os.urandom(10000)
    r = host(guest, "curl", "-s", "-m", "20", "--data-binary", "@-", "-H", "Content-Type: application/x-test",
             "-w", "\n%{http_code} %{content_type}", URL + "/echo", input=data)
    body, _, tail = r.stdout.rpartition(b"\n")
    assert tail == b"200 application/x-test" and body == data, tail
    r = host(guest, "curl", "-s", "-m", "20", "--data-binary", "@-", "-H", "Transfer-Encoding: chunked",
             URL + "/echo", input=data)
    assert r.stdout == data
    r = host(guest, "curl", "-s", "-m", "20", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@-",
             URL + "/echo", input=os.urandom(20000))
    assert r.stdout == b"413", r


def test_pipelining(guest):
    reqs = (b"GET /version HTTP/1.1\r\nHost: x\r\n\r\n"
            b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
            b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    out = raw_exchange(guest, reqs)
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", out)
    assert statuses == [b"200", b"200", b"200", b"404"], out[:2000]
    assert b"\r\n\r\nhello" in out and out.index(b"mipsnet version") < out.index(b"hello")


def test_slowloris_does_not_block_others(guest):
    slow = r'''
import socket, sys, time
s = socket.create_connection((sys.argv[1], 80), timeout=30)
req = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 40 + b"\r\n\r\n"
t0 = time.monotonic()
got = b""
try:
    for b in req:
        s.send(bytes([b]))
        time.sleep(1)
        s.settimeout(0.01)
        try:
            got += s.recv(4096)
        except (socket.timeout, BlockingIOError):
            pass
        s.settimeout(30)
        if got:
            break
    while b"\r\n\r\n" not in got:
        b = s.recv(4096)
        if not b:
            break
        got += b
except (ConnectionResetError, BrokenPipeError):
    pass
print(got.split(b"\r\n", 1)[0].decode(), round(time.monotonic() - t0))
'''
    result = {}

    def run_slow():
        result["out"] = host(guest, "/usr/bin/python3", "-c", slow, GUEST_IP, timeout=60).stdout.decode()

    t = threading.Thread(target=run_slow)
    t.start()
    time.sleep(1.5)
    t0 = time.monotonic()
    for _ in range(5):
        assert code(guest, URL + "/status.json") == "200"
    assert time.monotonic() - t0 < 10
    t.join(60)
    line, seconds = result["out"].strip().rsplit(" ", 1)
    assert line == "HTTP/1.1 408 Request Timeout", result
    assert HEADER_TIMEOUT <= int(seconds) <= HEADER_TIMEOUT + 3, result
    st = json.loads(curl(guest, URL + "/status.json"))
    assert st["httpd"]["timeouts"] >= 1 and st["httpd"]["status"]["408"] >= 1, st["httpd"]


def test_connection_limit_503(guest):
    code_ = r'''
import socket, sys, time
held = [socket.create_connection((sys.argv[1], 80), timeout=10) for _ in range(int(sys.argv[2]))]
time.sleep(0.5)
s = socket.create_connection((sys.argv[1], 80), timeout=10)
got = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    got += b
print(got.split(b"\r\n", 1)[0].decode())
for h in held:
    h.close()
'''
    r = host(guest, "/usr/bin/python3", "-c", code_, GUEST_IP, str(MAX_CONNS), timeout=60)
    assert r.stdout.decode().strip() == "HTTP/1.1 503 Service Unavailable", r
    time.sleep(0.5)
    assert code(guest, URL + "/") == "200"


def test_status_json(guest):
    code(guest, URL + "/missing-for-the-counter")
    raw = curl(guest, "-i", URL + "/status.json")
    status, f, body = head_fields(raw)
    assert status == 200 and f["content-type"] == "application/json" and f["cache-control"] == "no-store"
    st = json.loads(body)
    assert st["uptime"] > 0 and st["memory"]["mem_total_kb"] > 0 and st["memory"]["total_ram"] > 0
    eth0 = [i for i in st["interfaces"] if i["name"] == "eth0"]
    assert eth0 and eth0[0]["rx_bytes"] > 0 and eth0[0]["tx_packets"] > 0, st["interfaces"]
    assert st["tcp_states"]["LISTEN"] >= 1 and st["tcp_states"]["ESTABLISHED"] >= 1, st["tcp_states"]
    assert st["tcp"]["retrans_segs"] >= 0 and st["tcp"]["in_segs"] > 0
    assert st["softirqs"]["NET_RX"]["run"] > 0
    h = st["httpd"]
    assert h["status"]["404"] >= 1 and h["status"]["200"] >= 1 and h["requests"] >= 2, h
    assert all(isinstance(line, str) for line in st["kernel_log"]) and st["kernel_log"]
    assert all(re.match(r"\[ *\d+\.\d{6}\] ", line) for line in st["kernel_log"]), st["kernel_log"]


def test_expect_100_continue(guest):
    code_ = r'''
import socket, sys
def head(s):
    got = b""
    while b"\r\n\r\n" not in got:
        b = s.recv(1)
        if not b:
            break
        got += b
    return got
s = socket.create_connection((sys.argv[1], 80), timeout=10)
s.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
print(head(s).split(b"\r\n")[0].decode())
s.sendall(b"hello")
h = head(s)
print(h.split(b"\r\n")[0].decode(), s.recv(5).decode())
s = socket.create_connection((sys.argv[1], 80), timeout=10)
s.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 20000\r\nExpect: 100-continue\r\n\r\n")
print(head(s).split(b"\r\n")[0].decode())
'''
    r = host(guest, "/usr/bin/python3", "-c", code_, GUEST_IP)
    assert r.stdout.decode().split("\n")[:3] == [
        "HTTP/1.1 100 Continue", "HTTP/1.1 200 OK hello", "HTTP/1.1 413 Content Too Large"], r
