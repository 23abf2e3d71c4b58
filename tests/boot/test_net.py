"""The net core at boot: net_dev_init brings up lo, and the net_selftest
parameter runs frames of every length through it on the MIPS target."""
from qemu import PROMPT


def test_net_core_is_up_with_loopback(boot):
    q = boot("")
    q.expect(r"NET: core up: lo ifindex 1, backlog 1000, budget 300")
    q.expect(PROMPT, timeout=30)


def test_selftest_over_loopback_on_the_target(boot):
    q = boot("net_selftest")
    q.expect(r"net: selftest timing: lo round trip \(64 B\) \d+ counter ticks \(\d+ ns\), "
             r"csum_partial 1500 B \d+ ticks \(\d+ MB/s\)", timeout=60)
    q.expect(r"net: selftest passed \(1504 frames over lo, 1\.\.1500 and up to 65000 bytes, "
             r"checksums verified, every sk_buff freed\)", timeout=30)


# ---------------------------------------------------------------------------
# On a wire: the guest's pcnet32 (eth0) on a tap device in a network
# namespace of the test's own, configured with ip=; the host end is the
# namespace's tap0. Nothing leaves the namespace. Root only.

import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import pytest  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
HOST_IP, GUEST_IP = "10.0.3.1", "10.0.3.2"
GUEST_MAC = "52:54:00:12:34:56"   # QEMU's default for the first NIC

needs_wire = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("ip") is None or shutil.which("ping") is None,
    reason="needs root (a network namespace and a tap device), ip and ping (tools/deps.sh)")


def _has_scapy():
    r = subprocess.run(["/usr/bin/python3", "-c", "import scapy"], capture_output=True)
    return r.returncode == 0


needs_scapy = pytest.mark.skipif(not _has_scapy(), reason="needs python3-scapy (tools/deps.sh)")


def sh(*cmd, check=True, timeout=120):
    return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def wire(boot):
    ns = f"mipsnet-wire-{os.getpid()}"
    subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    sh("ip", "netns", "add", ns)
    inside = ("ip", "netns", "exec", ns)
    try:
        sh(*inside, "ip", "tuntap", "add", "dev", "tap0", "mode", "tap")
        subprocess.run([*inside, "sysctl", "-qw", "net.ipv6.conf.tap0.disable_ipv6=1"], capture_output=True)
        sh(*inside, "ip", "link", "set", "lo", "up")
        sh(*inside, "ip", "addr", "add", f"{HOST_IP}/24", "dev", "tap0")
        sh(*inside, "ip", "link", "set", "tap0", "up")
        q = boot(f"ip={GUEST_IP}::{HOST_IP}:255.255.255.0::eth0:off", wrapper=inside,
                 net=("-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                      "-device", "pcnet,netdev=n0,addr=0b,romfile="))
        q.expect(r"mipsnet> ", timeout=30)
        q.ns = ns
        q.inside = inside
        q.host_mac = sh(*inside, "cat", "/sys/class/net/tap0/address").stdout.strip()
        # The guest resolves the host once; after that the wire is quiet.
        assert "1 received" in q.run(f"ping -c 1 -W 5 {HOST_IP}", timeout=30)
        yield q
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def host(q, *cmd, timeout=120, check=False):
    return sh(*q.inside, *cmd, timeout=timeout, check=check)


def ping_summary(text):
    m = re.search(r"(\d+) packets transmitted, (\d+) received.*?([\d.]+)% packet loss", text)
    rtt = re.search(r"rtt min/avg/max/mdev = ([\d.]+)/([\d.]+)/([\d.]+)/([\d.]+) ms", text)
    return (int(m.group(1)), int(m.group(2)), float(m.group(3))) if m else None, \
        tuple(map(float, rtt.groups())) if rtt else None


def guest_counters(q):
    """The guest's /proc/net/snmp and /proc/net/netstat as {"Ip": {...}, ...}."""
    out = {}
    for path in ("/proc/net/snmp", "/proc/net/netstat"):
        lines = [l.split() for l in q.run(f"cat {path}").splitlines() if ":" in l]
        for names, values in zip(lines[0::2], lines[1::2]):
            out[names[0].rstrip(":")] = dict(zip(names[1:], map(int, values[1:])))
    return out


def eth0_rx(q):
    line = next(l for l in q.run("cat /proc/net/dev").splitlines() if l.strip().startswith("eth0:"))
    f = line.split(":", 1)[1].split()
    return {"packets": int(f[1]), "errs": int(f[2]), "drop": int(f[3]), "frame": int(f[5])}


def report(name, **values):
    """Measured numbers, kept for the record (never asserted on timing)."""
    path = os.path.join(os.environ.get("MIPSNET_MEASURE_DIR", "/tmp"), "mipsnet-wire-measurements.txt")
    with open(path, "a") as f:
        f.write(f"{name}: " + ", ".join(f"{k}={v}" for k, v in values.items()) + "\n")


@needs_wire
def test_host_pings_the_guest_fast_and_fragmented(wire):
    r = host(wire, "ping", "-c", "1000", "-i", "0.002", "-q", GUEST_IP, timeout=120)
    counts, rtt = ping_summary(r.stdout)
    assert counts == (1000, 1000, 0.0), r.stdout
    report("host->guest 1000 x 56 B at 2 ms", rtt_min_avg_max_mdev_ms=rtt)
    r = host(wire, "ping", "-c", "20", "-i", "0.05", "-s", "8000", "-q", GUEST_IP, timeout=60)
    counts, rtt = ping_summary(r.stdout)
    assert counts == (20, 20, 0.0), r.stdout
    report("host->guest 20 x 8000 B", rtt_min_avg_max_mdev_ms=rtt)
    c = guest_counters(wire)
    assert c["Ip"]["ReasmOKs"] >= 20 and c["Ip"]["FragCreates"] >= 20 * 5


@needs_wire
def test_flood_then_the_guest_still_answers(wire):
    r = host(wire, "ping", "-f", "-w", "10", "-q", GUEST_IP, timeout=60)
    counts, rtt = ping_summary(r.stdout)
    assert counts and counts[1] > 0, r.stdout
    report("host flood 10 s", transmitted=counts[0], received=counts[1], loss_pct=counts[2],
           rate_pps=round(counts[0] / 10), rtt_min_avg_max_mdev_ms=rtt, guest_eth0=eth0_rx(wire))
    r = host(wire, "ping", "-c", "3", "-i", "0.2", "-W", "2", GUEST_IP)
    assert ping_summary(r.stdout)[0] == (3, 3, 0.0), r.stdout
    out = wire.run("ifconfig eth0")
    assert re.search(r"RX packets \d+", out)


@needs_wire
@pytest.mark.skipif(shutil.which("arping") is None, reason="needs arping (tools/deps.sh)")
def test_arping_from_the_host(wire):
    r = host(wire, "arping", "-c", "3", "-i", "tap0", GUEST_IP, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.lower().count(GUEST_MAC) >= 3, r.stdout


@needs_wire
def test_the_guests_ping_and_arping_reach_the_host(wire):
    out = wire.run(f"ping -c 5 -i 0.2 {HOST_IP}", timeout=30)
    assert re.findall(rf"^64 bytes from {HOST_IP}: icmp_seq=(\d) ttl=64 time=", out, re.M) == list("12345"), out
    counts, rtt = ping_summary(out)
    assert counts == (5, 5, 0.0)
    report("guest->host 5 x 56 B", rtt_min_avg_max_mdev_ms=rtt)
    out = wire.run(f"ping -c 3 -i 0.2 -s 8000 {HOST_IP}", timeout=30)
    assert len(re.findall(rf"^8008 bytes from {HOST_IP}: icmp_seq=\d ttl=64", out, re.M)) == 3, out
    report("guest->host 3 x 8000 B", rtt_min_avg_max_mdev_ms=ping_summary(out)[1])
    out = wire.run(f"arping -c 2 -i 0.2 {HOST_IP}", timeout=30)
    assert f"ARPING {HOST_IP} from {GUEST_IP} eth0" in out
    assert len(re.findall(rf"Unicast reply from {HOST_IP} \[{wire.host_mac.upper()}\]  \d+\.\d+ms", out)) == 2, out


@needs_wire
@needs_scapy
def test_sniff_in_the_guest_sees_the_hosts_frames(wire):
    wire.run("sniff -c 6 -i eth0 icmp &")
    wire.run("sleep 0.5")
    r = host(wire, "ping", "-c", "3", "-i", "0.2", GUEST_IP)
    assert ping_summary(r.stdout)[0] == (3, 3, 0.0)
    wire.run("sleep 0.5")
    text = wire.output
    for seq in (1, 2, 3):
        assert re.search(rf"eth0 In  {wire.host_mac} > {GUEST_MAC}, ethertype IPv4 \(0x0800\), length 98: "
                         rf"IP {HOST_IP} > {GUEST_IP}: ICMP echo request, id \d+, seq {seq}, length 64", text), text[-3000:]
        assert re.search(rf"eth0 Out {GUEST_MAC} > {wire.host_mac}, ethertype IPv4 \(0x0800\), length 98: "
                         rf"IP {GUEST_IP} > {HOST_IP}: ICMP echo reply, id \d+, seq {seq}, length 64", text), text[-3000:]
    assert re.search(r"^6 packets captured$", text, re.M)
    # Promiscuous: a frame for another station is seen (P) only with -p.
    other = "02:00:00:00:00:99"
    send = ("/usr/bin/python3", "-c",
            "from scapy.all import Ether, Raw, sendp; "
            f"sendp(Ether(dst='{other}', src='{wire.host_mac}', type=0x88b5) / Raw(b'x' * 46), iface='tap0', verbose=0)")
    wire.run("sniff -c 1 -T 3 -i eth0 -p &")
    wire.run("sleep 0.5")
    host(wire, *send, check=True)
    wire.run("sleep 3")
    assert re.search(rf"eth0 P   {wire.host_mac} > {other}, ethertype Unknown \(0x88b5\), length 60",
                     wire.output), wire.output[-2000:]
    wire.run("sniff -c 1 -T 2 -i eth0 &")
    wire.run("sleep 0.5")
    host(wire, *send, check=True)
    wire.run("sleep 2")
    assert wire.output.count(f"> {other}") == 1   # not seen without -p
    assert "PROMISC" not in wire.run("ifconfig eth0")   # given back when sniff -p closed its socket


@needs_wire
@pytest.mark.skipif(shutil.which("tshark") is None, reason="needs tshark (tools/deps.sh)")
def test_tshark_finds_nothing_malformed_and_no_bad_checksums(wire):
    pcap = f"/tmp/mipsnet-wire-{os.getpid()}.pcapng"
    cap = subprocess.Popen([*wire.inside, "tshark", "-q", "-i", "tap0", "-f", "ip or arp", "-a", "duration:14",
                            "-w", pcap], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(3)   # tshark's capture starts
        wire.run(f"ping -c 5 -i 0.1 {HOST_IP}", timeout=30)
        wire.run(f"ping -c 3 -i 0.2 -s 8000 {HOST_IP}", timeout=30)
        wire.run(f"arping -c 2 -i 0.2 {HOST_IP}", timeout=30)
        host(wire, "ping", "-c", "20", "-i", "0.01", "-q", GUEST_IP)
        host(wire, "ping", "-c", "3", "-i", "0.2", "-s", "4000", "-q", GUEST_IP)
        cap.wait(timeout=30)
        prefs = ("-o", "ip.check_checksum:TRUE")
        total = host(wire, "tshark", "-r", pcap, *prefs, check=True).stdout.count("\n")
        bad = host(wire, "tshark", "-r", pcap, *prefs, "-Y",
                   "_ws.malformed or ip.checksum.status == 0 or icmp.checksum.status == 0 "
                   "or _ws.expert.severity >= 6291456", check=True).stdout
        frames_from_guest = host(wire, "tshark", "-r", pcap, "-Y", f"eth.src == {GUEST_MAC}", check=True).stdout
        report("tshark", frames=total, flagged=bad.count("\n"))
        assert total > 60
        assert frames_from_guest.count("\n") > 30
        assert bad == "", bad
    finally:
        cap.kill()
        if os.path.exists(pcap):
            os.unlink(pcap)


@needs_wire
@needs_scapy
def test_malformed_frames_are_dropped_counted_and_the_guest_answers(wire):
    before = guest_counters(wire)
    rx_before = eth0_rx(wire)
    r = host(wire, "/usr/bin/python3", os.path.join(HERE, "wire_junk.py"), "tap0", GUEST_MAC, GUEST_IP, HOST_IP,
             timeout=60, check=True)
    sent = json.loads(r.stdout)
    wire.run("sleep 0.5")
    after = guest_counters(wire)
    rx_after = eth0_rx(wire)

    def delta(group, name):
        return after[group][name] - before[group][name]

    report("junk", sent=sent, ip_hdr_errors=delta("Ip", "InHdrErrors"), csum=delta("IpExt", "InCsumErrors"),
           truncated=delta("IpExt", "InTruncatedPkts"), overlaps=delta("IpExt", "ReasmOverlaps"),
           reasm_fails=delta("Ip", "ReasmFails"), arp_errors=delta("Arp", "InErrors"),
           arp_discards=delta("Arp", "InDiscards"), rx_nohandler_drop=rx_after["drop"] - rx_before["drop"],
           eth0_rx_packets=rx_after["packets"] - rx_before["packets"])
    assert delta("IpExt", "InCsumErrors") >= sent["bad_checksum"]
    assert delta("Ip", "InHdrErrors") >= sent["short_ip"] + sent["bad_checksum"] + sent["bad_ihl"] + \
        sent["bad_version"]
    assert delta("Ip", "InHdrErrors") + delta("IpExt", "InTruncatedPkts") >= \
        sent["short_ip"] + sent["bad_checksum"] + sent["bad_ihl"] + sent["bad_version"] + sent["bad_total_length"]
    assert delta("IpExt", "ReasmOverlaps") >= 1 and delta("Ip", "ReasmFails") >= 1
    assert delta("Arp", "InErrors") >= sent["arp_junk"]
    assert delta("Icmp", "InEchos") == 0       # nothing of it was answered
    assert rx_after["packets"] - rx_before["packets"] >= sum(sent.values())
    r = host(wire, "ping", "-c", "3", "-i", "0.2", "-W", "2", GUEST_IP)
    assert ping_summary(r.stdout)[0] == (3, 3, 0.0), r.stdout
