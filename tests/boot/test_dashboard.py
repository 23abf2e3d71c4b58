"""httpd's dashboard in a real browser, and httpd under wrk. On a tap device
in the tests' own network namespace, Debian's headless chromium loads the
dashboard, runs its script for a few (virtual) seconds of polling
/status.json, and leaves a screenshot in the build tree; its DOM dump shows
what each chart drew (the page's data-points and data-series markers).
Then wrk keeps 4 connections busy for 3 s: no socket errors, no answer
other than 2xx."""
import os
import re
import shutil
import subprocess

import pytest

from qemu import KERNEL, PROMPT, Qemu
from tapns import NIC, tap_netns

HOST_IP, GUEST_IP = "10.0.7.1", "10.0.7.2"
URL = f"http://{GUEST_IP}/"
CHROMIUM = shutil.which("chromium")

needs_wire = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("ip") is None,
    reason="needs root (a network namespace and a tap device) and ip (tools/deps.sh)")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium (tools/deps.sh installs it; it could not be here)")


def host(netns, *cmd, timeout=120):
    return subprocess.run(["ip", "netns", "exec", netns, *cmd], capture_output=True, text=True,
                          errors="replace", timeout=timeout)


@pytest.fixture(scope="module")
def guest():
    with tap_netns("dash", HOST_IP) as name:
        q = Qemu(f"ip={GUEST_IP}::{HOST_IP}:255.255.255.0::eth0:off apps=shell,httpd",
                 wrapper=("ip", "netns", "exec", name), net=NIC)
        try:
            q.expect(r"httpd: listening on port 80", timeout=30)
            q.netns = name
            q.send("\r")
            q.expect(PROMPT)
            yield q
        finally:
            q.close()


def chromium(netns, tmp_path, *args):
    # Its own profile and cache in the test's directory; no sandbox (root),
    # no GPU (headless in a namespace).
    r = host(netns, CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=8000", *args, URL)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    return r.stdout


@needs_wire
@needs_chromium
def test_dashboard_charts_have_data(guest, tmp_path):
    dom = chromium(guest.netns, tmp_path, "--dump-dom")
    polls = re.search(r'<body[^>]*data-polls="(\d+)"', dom)
    assert polls and int(polls.group(1)) >= 3, dom[:2000]
    drawn = {m.group(1): (int(m.group(2)), int(m.group(3))) for m in re.finditer(
        r'<canvas id="(\w+)"[^>]* data-series="(\d+)" data-points="(\d+)"', dom)}
    assert set(drawn) == {"net", "req", "tcp", "softirq", "mem"}, re.findall(r"<canvas[^>]*>", dom)
    for chart, (series, points) in drawn.items():
        assert series >= 1 and points >= 2 * series, (chart, drawn)
    assert drawn["net"][0] >= 4   # lo and eth0, rx and tx
    # The tables and the log came from /status.json too, and no error showed.
    assert re.search(r'<span id="error"[^>]*></span>', dom) or 'id="error"></' in dom, dom[:3000]
    assert "LISTEN" in dom and re.search(r'<pre id="log">\[\s*\d+\.\d{6}\] ', dom), dom[-3000:]


@needs_wire
@needs_chromium
def test_dashboard_screenshot(guest, tmp_path):
    shot = os.path.join(os.path.dirname(KERNEL), "test_dashboard.png")
    if os.path.exists(shot):
        os.unlink(shot)
    chromium(guest.netns, tmp_path, f"--screenshot={shot}", "--window-size=1280,1400", "--hide-scrollbars")
    with open(shot, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", head
    width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    assert (width, height) == (1280, 1400), (width, height)
    assert os.path.getsize(shot) > 20000   # charts and text, not a blank page


@needs_wire
@pytest.mark.skipif(shutil.which("wrk") is None, reason="needs Debian's wrk (tools/deps.sh)")
def test_wrk_three_seconds_no_errors(guest):
    r = host(guest.netns, "wrk", "-t", "2", "-c", "4", "-d", "3s", URL, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    assert "Socket errors" not in out and "Non-2xx" not in out, out
    m = re.search(r"(\d+) requests in [\d.]+s", out)
    assert m and int(m.group(1)) > 50, out
    guest.send("\r")
    guest.expect(PROMPT)
    assert "BUG" not in guest.output and "panic" not in guest.output
