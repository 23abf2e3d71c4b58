"""ip=dhcp and the resolver on the wire: QEMU's pcnet on a tap device in the
tests' own network namespace, with a dnsmasq the test starts there (bound
to tap0 only, 2-minute leases with T1 10 s and T2 15 s, so renewals happen
during the test). The guest's lease, renewals seen in the guest and in
dnsmasq's log, scapy-made junk dropped and counted, and the guest resolving
names dnsmasq serves (once the guest has UDP sockets)."""
import json
import os
import re
import shutil
import subprocess
import time

import pytest

from qemu import PROMPT, proc_addr

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "dhcp_peer.py")
GUEST_MAC = "52:54:00:12:34:56"
TAP = ("-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no", "-device", "pcnet,netdev=n0,romfile=,addr=0b")

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root: creates a network namespace and a tap device"),
    pytest.mark.skipif(shutil.which("ip") is None, reason="needs ip from iproute2 (tools/deps.sh)"),
    pytest.mark.skipif(shutil.which("dnsmasq") is None, reason="needs dnsmasq (dnsmasq-base, tools/deps.sh)"),
]


def fields(text):
    return dict(line.split(" ", 1) for line in text.splitlines() if " " in line)


class Dnsmasq:
    """dnsmasq inside the namespace, on tap0 (10.0.3.1) only."""

    def __init__(self, netns, tmp, extra=(), pool="10.0.3.50,10.0.3.60"):
        self.log = os.path.join(tmp, "dnsmasq.log")
        cmd = ["ip", "netns", "exec", netns, "dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--user=root",
               "--group=root", "--interface=tap0", "--bind-interfaces", "--except-interface=lo",
               f"--dhcp-range={pool},255.255.255.0,2m", "--dhcp-option=option:router,10.0.3.1",
               "--dhcp-option=option:dns-server,10.0.3.1", "--dhcp-option=option:T1,10",
               "--dhcp-option=option:T2,15", "--domain=board.test", "--local=/board.test/",
               "--host-record=gw.board.test,10.0.3.1", "--host-record=peer.board.test,10.0.3.7",
               "--cname=www.board.test,peer.board.test", "--no-resolv", "--no-hosts", "--no-ping",
               "--log-dhcp", "--log-queries", f"--log-facility={self.log}",
               f"--dhcp-leasefile={os.path.join(tmp, 'leases')}", f"--pid-file={os.path.join(tmp, 'pid')}", *extra]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout=10):
        """Until dnsmasq says it serves its pool (it logs that once bound)."""
        deadline = time.monotonic() + timeout
        while "DHCP, IP range" not in self.text():
            assert self.proc.poll() is None, f"dnsmasq exited: {self.proc.stdout.read()!r}"
            assert time.monotonic() < deadline, f"dnsmasq not ready: {self.text()[-2000:]}"
            time.sleep(0.1)

    def text(self):
        try:
            with open(self.log) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def dnsmasq_ns(netns, tmp_path):
    subprocess.run(["ip", "netns", "exec", netns, "ip", "addr", "add", "10.0.3.1/24", "dev", "tap0"], check=True)
    servers = []

    def start(*extra, pool="10.0.3.50,10.0.3.60"):
        d = Dnsmasq(netns, str(tmp_path), extra, pool)
        servers.append(d)
        return d

    yield netns, start
    for d in servers:
        d.close()


def boot_guest(boot, netns, extra=""):
    return boot(f"ip=dhcp dhcp.timeout=60 {extra}".strip(), wrapper=("ip", "netns", "exec", netns), net=TAP)


def wait_for(q, key, at_least, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        d = fields(q.run("cat /proc/net/dhcp"))
        if int(d[key]) >= at_least or time.monotonic() > deadline:
            return d
        time.sleep(1)


def icmp_out_unreachables(q):
    text = q.run("cat /proc/net/snmp")
    lines = [l.split() for l in text.splitlines() if l.startswith("Icmp:")]
    return int(dict(zip(lines[0][1:], lines[1][1:]))["OutDestUnreachs"])


def test_lease_and_renewal_from_dnsmasq(dnsmasq_ns, boot):
    netns, start = dnsmasq_ns
    d = start()
    q = boot_guest(boot, netns)
    m = q.expect(r"IP-Config: Got DHCP answer from 10\.0\.3\.1, my address is (10\.0\.3\.\d+)", timeout=60)
    addr = m.group(1)
    assert 50 <= int(addr.rsplit(".", 1)[1]) <= 60
    q.expect(r"IP-Config: Complete: device=eth0, ipaddr=10\.0\.3\.\d+, mask=255\.255\.255\.0, gw=10\.0\.3\.1")
    q.expect(PROMPT, timeout=30)
    info = fields(q.run("cat /proc/net/dhcp"))
    assert info["state"] in ("BOUND", "RENEWING")
    assert info["address"] == addr and info["router"] == "10.0.3.1" and info["dns"] == "10.0.3.1"
    assert info["server"] == "10.0.3.1"
    assert int(info["lease"]) == 120
    assert "nameserver 10.0.3.1" in q.run("cat /proc/net/pnp").splitlines()
    assert "domain board.test" in q.run("cat /proc/net/pnp").splitlines()
    # T1 is 10 s: two renewals (unicast REQUEST, ACK) within half a minute.
    info = wait_for(q, "renewals", 2, timeout=45)
    assert int(info["renewals"]) >= 2, info
    assert info["address"] == addr and info["state"] in ("BOUND", "RENEWING")
    log = d.text()
    acks = re.findall(rf"DHCPACK\(tap0\) {re.escape(addr)} {GUEST_MAC}", log)
    assert len(acks) >= 3, log[-3000:]          # the first lease and two renewals
    assert re.search(rf"DHCPREQUEST\(tap0\) {re.escape(addr)} {GUEST_MAC}", log)
    # The unicast ACKs reached UDP port 68 with no UDP socket: nobody
    # answered them with ICMP unreachable.
    assert icmp_out_unreachables(q) == 0
    # The address works: the host reaches it.
    out = subprocess.run(["ip", "netns", "exec", netns, "ping", "-c", "1", "-W", "3", addr],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_junk_is_dropped_and_counted_then_the_lease_comes(dnsmasq_ns, boot):
    netns, start = dnsmasq_ns
    q = boot_guest(boot, netns)
    q.expect(r"IP-Config: DHCP on eth0", timeout=30)
    out = subprocess.run(["ip", "netns", "exec", netns, "/usr/bin/python3", PEER, "junk", "tap0"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    sent = json.loads(out.stdout)
    assert "error" not in sent, sent
    assert sent["mac"] == GUEST_MAC.replace(":", "")
    start()
    q.expect(r"IP-Config: Got DHCP answer from 10\.0\.3\.1, my address is 10\.0\.3\.\d+", timeout=90)
    q.expect(PROMPT, timeout=30)
    info = fields(q.run("cat /proc/net/dhcp"))
    assert info["state"] in ("BOUND", "RENEWING")
    assert int(info["rx_bad_xid"]) >= 1, info
    assert int(info["rx_bad_chaddr"]) >= 1, info
    assert int(info["rx_bad_yiaddr"]) >= 2, info
    assert int(info["rx_malformed"]) >= 4, info     # truncated, overrun, overload loop, no end
    assert int(info["rx_bad_udp"]) >= 1, info
    assert info["address"] != "10.0.3.99"            # nothing of the junk was taken


def test_guest_resolves_names_dnsmasq_serves(dnsmasq_ns, boot):
    netns, start = dnsmasq_ns
    d = start()
    q = boot_guest(boot, netns)
    q.expect(r"my address is 10\.0\.3\.\d+", timeout=60)
    q.expect(PROMPT, timeout=30)
    out = q.run("host gw.board.test", timeout=60)
    if "host: socket:" in out:
        pytest.skip(f"UDP sockets unavailable in the guest ({out.strip().splitlines()[0]})")
    assert "gw.board.test has address 10.0.3.1" in out
    assert "peer.board.test has address 10.0.3.7" in q.run("host peer.board.test", timeout=60)
    out = q.run("host www.board.test", timeout=60)
    assert "www.board.test is an alias for peer.board.test." in out
    assert "peer.board.test has address 10.0.3.7" in out
    assert "Host nowhere.board.test not found: 3(NXDOMAIN)" in q.run("host nowhere.board.test", timeout=60)
    assert "gw.board.test has address 10.0.3.1" in q.run("host gw.board.test 10.0.3.1", timeout=60)
    out = q.run("ping -c 1 gw.board.test", timeout=60)
    assert "PING gw.board.test (10.0.3.1)" in out and "1 received" in out
    assert "query[A] gw.board.test" in d.text()


def test_address_in_use_is_declined(dnsmasq_ns, boot):
    # dnsmasq offers the guest 10.0.3.50, which another station (scapy)
    # answers ARP for: the guest's RFC 5227 probe gets a reply, so it
    # DECLINEs, waits ten seconds (RFC 2131 3.1.5) and takes another address.
    netns, start = dnsmasq_ns
    holder = subprocess.Popen(["ip", "netns", "exec", netns, "/usr/bin/python3", PEER, "defend", "tap0",
                               "10.0.3.50", "40"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        declined_and_rebound(start, boot, netns)
    finally:
        holder.kill()
        holder.wait()


def declined_and_rebound(start, boot, netns):
    d = start(f"--dhcp-host={GUEST_MAC},10.0.3.50")
    q = boot_guest(boot, netns)
    q.expect(r"IP-Config: 10\.0\.3\.50 is in use by another station; declining it", timeout=60)
    m = q.expect(r"IP-Config: Got DHCP answer from 10\.0\.3\.1, my address is (10\.0\.3\.\d+)", timeout=60)
    assert m.group(1) != "10.0.3.50"
    q.expect(PROMPT, timeout=30)
    info = fields(q.run("cat /proc/net/dhcp"))
    assert int(info["conflicts"]) >= 1 and int(info["declines"]) >= 1, info
    assert info["address"] == m.group(1)
    assert re.search(rf"DHCPDECLINE\(tap0\) 10\.0\.3\.50 {GUEST_MAC}", d.text()), d.text()[-3000:]
    assert "inet 10.0.3.50 " not in q.run("ifconfig eth0")


def test_nak_at_renewal_removes_the_address_and_restarts(dnsmasq_ns, boot, tmp_path):
    # The server comes back with another pool and is authoritative: the
    # renewal at T1 gets a NAK (RFC 2131 4.3.2), the guest gives its
    # address up and gets one from the new pool (RFC 2131 4.4.4: INIT).
    netns, start = dnsmasq_ns
    first = start()
    q = boot_guest(boot, netns)
    old = q.expect(r"my address is (10\.0\.3\.\d+)", timeout=60).group(1)
    q.expect(PROMPT, timeout=30)
    first.close()
    os.remove(tmp_path / "leases")
    second = start("--dhcp-authoritative", pool="10.0.3.70,10.0.3.80")
    second.wait_ready()
    try:
        q.expect(rf"IP-Config: DHCP lease of {re.escape(old)} on eth0 ended; address removed", timeout=60)
    except AssertionError:
        second.close()
        raise AssertionError(f"no NAK; dnsmasq said {second.proc.stdout.read()!r}, log:\n{second.text()[-2000:]}")
    new = q.expect(r"IP-Config: Got DHCP answer from 10\.0\.3\.1, my address is (10\.0\.3\.\d+)",
                   timeout=60).group(1)
    assert 70 <= int(new.rsplit(".", 1)[1]) <= 80
    info = fields(q.run("cat /proc/net/dhcp"))
    assert int(info["naks"]) >= 1 and info["address"] == new, info
    assert re.search(rf"DHCPNAK\(tap0\) {re.escape(old)} {GUEST_MAC}", second.text()), second.text()[-3000:]
    ifc = q.run("ifconfig eth0")
    assert f"inet {new} " in ifc and f"inet {old} " not in ifc
    route = q.run("cat /proc/net/route")
    assert re.search(rf"^eth0\t00000000\t{proc_addr('10.0.3.1')}\t0003\t", route, re.M), route
