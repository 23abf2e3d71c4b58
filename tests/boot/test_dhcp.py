"""ip=dhcp: the kernel's DHCP client (RFC 2131) against QEMU's user-mode
(slirp) DHCP server, which only talks to the guest; and with no server at
all, where the boot goes on after dhcp.timeout=. The wire tests against
dnsmasq in the tests' own network namespace are in test_dhcp_wire.py."""
import re

import pytest

from qemu import PROMPT, proc_addr

SLIRP = ("-netdev", "user,id=n0,hostname=board7", "-device", "pcnet,netdev=n0,romfile=")
# A hub with one port: the guest's frames go nowhere, nothing answers.
NOBODY = ("-netdev", "hubport,id=n0,hubid=0", "-device", "pcnet,netdev=n0,romfile=")


def fields(text):
    return dict(line.split(" ", 1) for line in text.splitlines() if " " in line)


@pytest.mark.parametrize("ip", ["ip=dhcp", "ip=::::::dhcp", "ip=:::::eth0:dhcp", "ip=on", "ip=any"])
def test_lease_from_slirp(boot, ip):
    q = boot(ip, net=SLIRP)
    q.expect(r"IP-Config: DHCP on eth0 \(52:54:00:12:34:56\)", timeout=30)
    q.expect(r"IP-Config: Got DHCP answer from 10\.0\.2\.2, my address is 10\.0\.2\.15", timeout=30)
    q.expect(r"IP-Config: Complete: device=eth0, ipaddr=10\.0\.2\.15, mask=255\.255\.255\.0, gw=10\.0\.2\.2")
    q.expect(r"nameserver0=10\.0\.2\.3")
    q.expect(PROMPT, timeout=30)
    d = fields(q.run("cat /proc/net/dhcp"))
    assert d["state"] == "BOUND"
    assert d["address"] == "10.0.2.15"
    assert d["netmask"] == "255.255.255.0"
    assert d["router"] == "10.0.2.2"
    assert d["server"] == "10.0.2.2"
    assert d["dns"] == "10.0.2.3"
    assert int(d["lease"]) > 0 and 0 < int(d["t1"]) < int(d["t2"]) < int(d["expires"]) <= int(d["lease"])
    assert int(d["acks"]) == 1 and int(d["rx_malformed"]) == 0
    pnp = q.run("cat /proc/net/pnp")
    assert pnp.splitlines()[0] == "#PROTO: DHCP"
    assert "nameserver 10.0.2.3" in pnp.splitlines()
    assert "bootserver 10.0.2.2" in pnp.splitlines()
    route = q.run("cat /proc/net/route")
    gw, net = proc_addr("10.0.2.2"), proc_addr("10.0.2.0")
    assert re.search(rf"^eth0\t00000000\t{gw}\t0003\t", route, re.M), route   # default via 10.0.2.2
    assert re.search(rf"^eth0\t{net}\t00000000\t0001\t", route, re.M), route   # 10.0.2.0/24
    assert re.search(r"inet 10\.0\.2\.15  netmask 255\.255\.255\.0  broadcast 10\.0\.2\.255", q.run("ifconfig eth0"))
    assert "board7" in q.run("uname -a")   # option 12, no hostname= given


def test_hostname_parameter_wins_over_dhcp(boot):
    q = boot("ip=dhcp hostname=mine", net=SLIRP)
    q.expect(r"my address is 10\.0\.2\.15", timeout=30)
    q.expect(PROMPT, timeout=30)
    out = q.run("uname -a")
    assert "mine" in out and "board7" not in out


def test_no_answer_boots_on_and_keeps_trying(boot):
    q = boot("ip=dhcp dhcp.timeout=3", net=NOBODY)
    q.expect(r"IP-Config: DHCP on eth0", timeout=30)
    q.expect(r"IP-Config: No DHCP answer within 3 s; booting on, the client keeps trying", timeout=30)
    q.expect(PROMPT, timeout=30)
    d = fields(q.run("cat /proc/net/dhcp"))
    assert d["state"] == "SELECTING"
    assert int(d["discovers"]) >= 1
    assert d["address"] == "0.0.0.0"
    assert q.run("cat /proc/net/pnp").strip() == "#PROTO: DHCP"


def test_dhcp_off_without_ip(boot):
    q = boot("", net=SLIRP)
    q.expect(PROMPT, timeout=30)
    assert q.run("cat /proc/net/dhcp").strip() == "state OFF"
    assert "DHCP" not in q.output


def test_dhcp_waits_for_its_device(boot):
    q = boot("ip=:::::eth1:dhcp", net=SLIRP)
    q.expect(r"IP-Config: DHCP pending: device eth1 not found; the client starts when it registers", timeout=30)
    q.expect(PROMPT, timeout=30)
    assert q.run("cat /proc/net/dhcp").strip() == "state OFF"
    assert "inet 10.0.2.15" not in q.run("ifconfig eth0")
