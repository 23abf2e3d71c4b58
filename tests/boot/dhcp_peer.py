"""The host end of the DHCP wire tests' junk: run inside the test's network
namespace (ip netns exec NS /usr/bin/python3 dhcp_peer.py junk IFACE),
prints one JSON object.

  junk IFACE   waits for the guest's DHCPDISCOVER on IFACE (its xid and
               MAC), then sends malformed and misaddressed DHCP replies
               (scapy-built): a wrong xid, a wrong chaddr, yiaddr 0.0.0.0
               and 255.255.255.255, truncated options, an option length
               past the end, an option-overload loop, a bad UDP checksum.
  defend IFACE ADDR SECONDS
               answers every ARP request for ADDR (RFC 5227 probes
               included) as another station holding it; prints "ready"
               once listening, then how many it answered.
"""
import json
import sys
import time

from scapy.all import ARP, BOOTP, DHCP, IP, UDP, AsyncSniffer, Ether, Raw, conf, sendp, sniff

conf.verb = 0
SERVER_MAC = "02:00:00:00:00:01"
SERVER_IP = "10.0.3.1"
OFFER_IP = "10.0.3.99"


def frame(payload, udp_chksum=None):
    udp = UDP(sport=67, dport=68) if udp_chksum is None else UDP(sport=67, dport=68, chksum=udp_chksum)
    return Ether(src=SERVER_MAC, dst="ff:ff:ff:ff:ff:ff") / IP(src=SERVER_IP, dst="255.255.255.255") / udp / payload


def offer(xid, mac, yiaddr=OFFER_IP, options=None):
    opts = options if options is not None else [
        ("message-type", "offer"), ("server_id", SERVER_IP), ("subnet_mask", "255.255.255.0"),
        ("lease_time", 120), "end"]
    return BOOTP(op=2, xid=xid, yiaddr=yiaddr, chaddr=mac) / DHCP(options=opts)


def raw_reply(xid, mac, options, file_area=b""):
    """A BOOTREPLY with the options area given as bytes."""
    hdr = BOOTP(op=2, xid=xid, yiaddr=OFFER_IP, chaddr=mac, file=file_area, options=b"\x63\x82\x53\x63")
    return Raw(bytes(hdr) + options)   # BOOTP's options field holds the magic cookie


def junk(iface):
    got = sniff(iface=iface, filter="udp and dst port 67", count=1, timeout=30)
    if not got:
        return {"error": "no DHCPDISCOVER seen"}
    discover = got[0][BOOTP]
    xid = discover.xid
    mac = discover.chaddr[:6]
    other = bytes.fromhex("020000000099")
    offer_opts = [53, 1, 2, 54, 4, 10, 0, 3, 1]
    frames = [
        ("wrong_xid", frame(offer(xid ^ 0x5A5A5A5A, mac))),
        ("wrong_chaddr", frame(offer(xid, other))),
        ("yiaddr_zero", frame(offer(xid, mac, yiaddr="0.0.0.0"))),
        ("yiaddr_broadcast", frame(offer(xid, mac, yiaddr="255.255.255.255"))),
        ("truncated", frame(raw_reply(xid, mac, bytes(offer_opts + [1])))),
        ("length_overrun", frame(raw_reply(xid, mac, bytes(offer_opts + [6, 200, 10, 0, 3, 1, 255])))),
        ("overload_loop", frame(raw_reply(xid, mac, bytes(offer_opts + [52, 1, 1, 255]),
                                          file_area=bytes([52, 1, 1, 255])))),
        ("no_end", frame(raw_reply(xid, mac, bytes(offer_opts)))),
        ("bad_udp_checksum", frame(offer(xid, mac), udp_chksum=0x1234)),
    ]
    for _, f in frames:
        sendp(f, iface=iface)
    return {"xid": xid, "mac": mac.hex(), "sent": [name for name, _ in frames]}


def defend(iface, addr, seconds):
    holder = "02:00:00:00:00:50"
    answered = []

    def reply(p):
        if ARP in p and p[ARP].op == 1 and p[ARP].pdst == addr and p[ARP].hwsrc != holder:
            sendp(Ether(src=holder, dst=p[ARP].hwsrc) /
                  ARP(op=2, hwsrc=holder, psrc=addr, hwdst=p[ARP].hwsrc, pdst=p[ARP].psrc), iface=iface)
            answered.append(p[ARP].psrc)

    s = AsyncSniffer(iface=iface, filter="arp", prn=reply, store=False)
    s.start()
    time.sleep(0.5)
    print("ready", flush=True)
    time.sleep(seconds)
    s.stop()
    return {"answered": len(answered), "from": sorted(set(answered))}


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "junk":
        print(json.dumps(junk(sys.argv[2])))
    elif len(sys.argv) == 5 and sys.argv[1] == "defend":
        print(json.dumps(defend(sys.argv[2], sys.argv[3], float(sys.argv[4]))))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
