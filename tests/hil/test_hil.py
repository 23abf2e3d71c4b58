"""The checks a lab runs on a board, against whatever target the labgrid
environment names (env-qemu.yaml in CI; env-board.yaml on a real Malta):
boot to the prompt with the boot time, the shell, the interface up with
an address from DHCP, ping and ARP from the guest, a PF_PACKET capture,
UDP and TCP echo and a bulk transfer and an HTTP GET from the lab host
(the addresses in the environment's options), and a kernel log free of
warnings."""
import hashlib
import re
import socket
import urllib.request

import pytest


def where(target, option):
    host, port = target.env.config.get_option(option).rsplit(":", 1)
    return host, int(port)


def test_boots_to_the_prompt_and_says_how_long(shell):
    m = re.search(r"Boot took (\d+) us from entry to first app", shell.boot_log)
    assert m, shell.boot_log[-2000:]
    print(f"boot: {int(m.group(1)) / 1000:.1f} ms from entry to the first app")
    assert "CPU0 revision is:" in shell.boot_log


def test_the_shell_answers(shell):
    assert "mipsnet" in shell.run("uname -a")
    out = shell.run("apps")
    for name in ("ping", "sniff", "httpd", "inetd"):
        assert name in out, out


def test_dhcp_address_ping_and_arp(shell, target):
    gw = target.env.config.get_option("gateway")
    out = shell.run("ifconfig eth0")
    assert "UP" in out and re.search(r"inet (addr:)?\d+\.\d+\.\d+\.\d+", out), out
    out = shell.run(f"ping -c 3 {gw}", timeout=30)
    assert "3 received" in out, out
    assert gw in shell.run("arp"), "no ARP entry for the gateway"


def test_packet_capture(shell, target):
    gw = target.env.config.get_option("gateway")
    out = shell.run("run sniff -c 2 icmp &")
    out += shell.run(f"ping -c 1 {gw}", timeout=30)
    if "2 packets captured" not in out:
        shell.console.expect([r"2 packets captured"], timeout=20)
        out += "2 packets captured"
    assert re.search(r"ICMP echo request", out) and re.search(r"ICMP echo reply", out), out


def test_udp_echo_from_the_lab_host(target):
    addr = where(target, "guest_echo")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        for size in (1, 64, 1472):
            payload = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
            s.sendto(payload, addr)
            assert s.recvfrom(2048)[0] == payload


def test_tcp_echo_and_a_bulk_transfer(target):
    data = hashlib.sha256(b"mipsnet").digest() * 32768   # 1 MiB
    with socket.create_connection(where(target, "guest_echo"), timeout=30) as s:
        got = bytearray()
        sent = 0
        while len(got) < len(data):
            if sent < len(data):
                sent += s.send(data[sent:sent + 65536])
            s.settimeout(5)
            got += s.recv(1 << 20)
        assert bytes(got) == data


def test_http_get(target):
    host, port = where(target, "guest_http")
    with urllib.request.urlopen(f"http://{host}:{port}/small.html", timeout=10) as r:
        assert r.status == 200 and b"mipsnet" in r.read()


def test_kernel_log_has_no_warnings(shell):
    log = shell.run("dmesg")
    assert not re.search(r"WARNING|BUG|panic|Oops", log), log[-2000:]
