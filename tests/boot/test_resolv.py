"""libc's resolver at boot, without any network: numeric addresses and the
hosts= entries of the kernel command line (the role of /etc/hosts) through
getaddrinfo (ping) and the host app; and what a lookup says when DNS cannot
be asked. The DNS wire test against dnsmasq is in test_dhcp_wire.py."""
from qemu import PROMPT

HOSTS = "hosts=peer:127.0.0.1,Gate.Way:10.0.2.2,bad:10.0.2.300"


def test_ping_and_host_resolve_hosts_entries(boot):
    q = boot(HOSTS)
    q.expect(PROMPT, timeout=30)
    out = q.run("ping -c 1 peer", timeout=30)
    assert "PING peer (127.0.0.1) 56(84) bytes of data." in out
    assert "1 packets transmitted, 1 received" in out
    assert "peer has address 127.0.0.1" in q.run("host peer")
    assert "gate.way has address 10.0.2.2" in q.run("host gate.way")   # names are case-insensitive
    assert "1.0.0.127.in-addr.arpa domain name pointer peer." in q.run("host 127.0.0.1")


def test_numeric_needs_no_resolver(boot):
    q = boot("")
    q.expect(PROMPT, timeout=30)
    out = q.run("ping -c 1 127.0.0.1", timeout=30)
    assert "PING 127.0.0.1 (127.0.0.1)" in out and "1 received" in out
    out = q.run("ping -c 1 0x7f.1", timeout=30)   # inet_aton's forms, as glibc's getaddrinfo takes them
    assert "PING 0x7f.1 (127.0.0.1)" in out


def test_unknown_names_without_servers_say_so(boot):
    q = boot(HOSTS)
    q.expect(PROMPT, timeout=30)
    assert "host: no name servers (no nameserver line in /proc/net/pnp)" in q.run("host nowhere.test")
    # A malformed entry is skipped, not half-used.
    assert "no name servers" in q.run("host bad")
    # No server to ask: glibc's EAI_AGAIN.
    assert "ping: nowhere.test: Temporary failure in name resolution" in q.run("ping -c 1 nowhere.test")
    assert "ping: a..b: Name or service not known" in q.run("ping -c 1 a..b")


def test_servers_from_ip_dns_fields(boot):
    # ip='s dns0/dns1 go to /proc/net/pnp, where the resolver reads them.
    q = boot("ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off:10.0.2.3:10.0.2.4")
    q.expect(PROMPT, timeout=30)
    pnp = q.run("cat /proc/net/pnp").splitlines()
    assert "nameserver 10.0.2.3" in pnp and "nameserver 10.0.2.4" in pnp
    out = q.run("host board.test", timeout=30)
    assert "no name servers" not in out
