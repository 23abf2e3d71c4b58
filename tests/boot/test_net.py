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
# On a wire, through the guest's own sockets: the guest's pcnet32 (eth0) on
# the shared fixture's tap device in a network namespace, configured with
# ip=; the host end is tap0 in that namespace. The host-driven checks (host
# ping, flood, arping, bad frames) are test_wire.py's; these are the
# guest's ping, arping and sniff apps over raw and packet sockets. Nothing
# leaves the namespace. Root only.

import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402

import pytest  # noqa: E402

import capture  # noqa: E402

HOST_IP, GUEST_IP = "10.0.3.1", "10.0.3.2"
GUEST_MAC = "52:54:00:12:34:56"   # QEMU's default for the first NIC

needs_wire = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("ip") is None or shutil.which("ping") is None,
    reason="needs root (a network namespace and a tap device), ip and ping (tools/deps.sh)")


def _has_scapy():
    r = subprocess.run(["/usr/bin/python3", "-c", "import scapy"], capture_output=True)
    return r.returncode == 0


needs_scapy = pytest.mark.skipif(not _has_scapy(), reason="needs python3-scapy (tools/deps.sh)")


def host(q, *cmd, timeout=120, check=False):
    return subprocess.run(["ip", "netns", "exec", q.netns, *cmd], check=check, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def wire(netns, boot):
    subprocess.run(["ip", "netns", "exec", netns, "ip", "addr", "add", f"{HOST_IP}/24", "dev", "tap0"],
                   check=True, capture_output=True)
    q = boot(f"ip={GUEST_IP}::{HOST_IP}:255.255.255.0::eth0:off", wrapper=("ip", "netns", "exec", netns),
             net=("-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                  "-device", "pcnet,netdev=n0,addr=0b,romfile="))
    q.expect(r"mipsnet> ", timeout=30)
    q.netns = netns
    q.host_mac = host(q, "cat", "/sys/class/net/tap0/address", check=True).stdout.strip()
    # The guest resolves the host once; after that the wire is quiet.
    assert "1 received" in q.run(f"ping -c 1 -W 5 {HOST_IP}", timeout=30)
    return q


def ping_summary(text):
    m = re.search(r"(\d+) packets transmitted, (\d+) received.*?([\d.]+)% packet loss", text)
    rtt = re.search(r"rtt min/avg/max/mdev = ([\d.]+)/([\d.]+)/([\d.]+)/([\d.]+) ms", text)
    return (int(m.group(1)), int(m.group(2)), float(m.group(3))) if m else None, \
        tuple(map(float, rtt.groups())) if rtt else None


def report(name, **values):
    """Measured numbers, kept for the record (never asserted on timing)."""
    path = os.path.join(os.environ.get("MIPSNET_MEASURE_DIR", "/tmp"), "mipsnet-wire-measurements.txt")
    with open(path, "a") as f:
        f.write(f"{name}: " + ", ".join(f"{k}={v}" for k, v in values.items()) + "\n")


@needs_wire
def test_the_guests_ping_and_arping_reach_the_host(wire):
    out = wire.run(f"ping -c 5 -i 0.2 {HOST_IP}", timeout=30)
    assert re.findall(rf"^64 bytes from {HOST_IP}: icmp_seq=(\d) ttl=64 time=", out, re.M) == list("12345"), out
    counts, rtt = ping_summary(out)
    assert counts == (5, 5, 0.0)
    report("guest->host 5 x 56 B", rtt_min_avg_max_mdev_ms=rtt)
    # 8008 octets of ICMP: six fragments out (the kernel's), six back.
    out = wire.run(f"ping -c 3 -i 0.2 -s 8000 {HOST_IP}", timeout=30)
    assert len(re.findall(rf"^8008 bytes from {HOST_IP}: icmp_seq=\d ttl=64", out, re.M)) == 3, out
    report("guest->host 3 x 8000 B", rtt_min_avg_max_mdev_ms=ping_summary(out)[1])
    # -M do: too big for the path is the kernel's EMSGSIZE, said by ping.
    out = wire.run(f"ping -c 1 -s 2000 -M do -W 1 {HOST_IP}", timeout=30)
    assert "sendmsg: Message too long" in out, out
    # An address nobody has: ARP fails, the guest's own ICMP says so.
    out = wire.run("ping -c 1 -W 4 10.0.3.77", timeout=30)
    assert re.search(r"From 10\.0\.3\.2 icmp_seq=1 Destination Host Unreachable", out), out
    out = wire.run(f"arping -c 2 -i 0.2 {HOST_IP}", timeout=30)
    assert f"ARPING {HOST_IP} from {GUEST_IP} eth0" in out
    assert len(re.findall(rf"Unicast reply from {HOST_IP} \[{wire.host_mac.upper()}\]  \d+\.\d+ms", out)) == 2, out
    assert "Sent 2 probes (1 broadcast(s))" in out and "Received 2 response(s)" in out


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


def sniff_stats(text):
    m = re.findall(r"^(\d+) packets captured\n(\d+) packets received by filter\n(\d+) packets dropped by kernel$",
                   text, re.M)
    assert m, text[-2000:]
    return tuple(map(int, m[-1]))


@needs_wire
def test_a_flood_is_captured_and_a_slow_reader_drops_counted_frames(wire):
    # sniff -q only counts: it keeps up with a flood, requests in and
    # replies out, and the guest answers every one.
    wire.run("sniff -q -T 6 -i eth0 &")
    wire.run("sleep 0.5")
    r = host(wire, "ping", "-f", "-w", "5", "-q", GUEST_IP, timeout=60)
    counts, rtt = ping_summary(r.stdout)
    wire.run("sleep 1.5")
    captured, seen, dropped = sniff_stats(wire.output)
    report("host flood 5 s with sniff -q in the guest", transmitted=counts[0], received=counts[1],
           rate_pps=round(counts[0] / 5), rtt_min_avg_max_mdev_ms=rtt, sniff_captured=captured,
           sniff_seen=seen, sniff_dropped=dropped, capture_pps=round(captured / 5))
    assert counts[1] > 0 and seen >= 2 * counts[1] * 0.9
    assert captured > 0 and captured + dropped <= seen      # the rest still queued at the end
    # A reader that prints every frame on the serial console is slower than
    # the flood: with a one-frame queue (-B 1: SO_RCVBUF at its minimum) it
    # overflows however fast the host is, and the drops are counted in
    # PACKET_STATISTICS while the guest keeps answering.
    wire.run("sniff -B 1 -T 3 -i eth0 icmp &")
    wire.run("sleep 0.5")
    r = host(wire, "ping", "-f", "-w", "2", "-q", GUEST_IP, timeout=60)
    flood, _ = ping_summary(r.stdout)
    wire.run("sleep 3", timeout=60)
    captured, seen, dropped = sniff_stats(wire.output)
    report("host flood 2 s with a printing sniff", transmitted=flood[0], received=flood[1], sniff_captured=captured,
           sniff_seen=seen, sniff_dropped=dropped)
    assert flood[1] >= flood[0] * 0.99
    assert dropped > 0 and captured + dropped <= seen
    r = host(wire, "ping", "-c", "3", "-i", "0.2", "-W", "2", GUEST_IP)
    assert ping_summary(r.stdout)[0] == (3, 3, 0.0), r.stdout


@needs_wire
@pytest.mark.skipif(shutil.which("tshark") is None, reason="needs tshark (tools/deps.sh)")
def test_tshark_finds_the_guests_socket_traffic_well_formed(wire, tmp_path):
    # What the guest's raw and packet sockets put on the wire: IP headers
    # built by raw_sendmsg (and fragmented), ARP built by arping through
    # SOCK_DGRAM, all checked by tshark.
    pcap = str(tmp_path / "guest.pcapng")
    cap = capture.start(wire.netns, "tap0", pcap, f"ether src {GUEST_MAC}", extra=("-a", "duration:10"))
    try:
        wire.run(f"ping -c 5 -i 0.1 {HOST_IP}", timeout=30)
        wire.run(f"ping -c 2 -i 0.2 -s 8000 {HOST_IP}", timeout=30)
        wire.run(f"arping -c 2 -i 0.2 {HOST_IP}", timeout=30)
        cap.wait(timeout=30)
        prefs = ("-o", "ip.check_checksum:TRUE")
        frames = host(wire, "tshark", "-r", pcap, *prefs, check=True).stdout
        bad = host(wire, "tshark", "-r", pcap, *prefs, "-Y",
                   "_ws.malformed or ip.checksum.status == 0 or icmp.checksum.status == 0 "
                   "or _ws.expert.severity >= 6291456", check=True).stdout
        report("tshark of the guest's frames", frames=frames.count("\n"), flagged=bad.count("\n"))
        assert len(re.findall(r"Echo \(ping\) request", frames)) == 7, frames
        assert len(re.findall(r"Fragmented IP protocol", frames)) >= 10, frames
        assert len(re.findall(rf"Who has {HOST_IP}\? Tell {GUEST_IP}", frames)) >= 1, frames
        assert bad == "", bad
    finally:
        cap.kill()
