"""Malformed frames for the guest, sent with scapy from inside the test's
network namespace onto the tap device QEMU's pcnet is attached to.

  ip netns exec NS /usr/bin/python3 wire_junk.py IFACE GUEST_MAC GUEST_IP HOST_IP

Prints one JSON object: how many frames of each kind were sent. Every one
must be dropped by the guest (and counted), none answered."""
import json
import sys

from scapy.all import ARP, ICMP, IP, Ether, Raw, conf, get_if_hwaddr, raw, sendp

conf.verb = 0


def main():
    iface, guest_mac, guest_ip, host_ip = sys.argv[1:5]
    host_mac = get_if_hwaddr(iface)
    eth = Ether(dst=guest_mac, src=host_mac)
    echo = ICMP(type=8, id=0x4d4e, seq=1) / Raw(b"junk" * 8)
    frames = {}

    # A frame that is just an Ethernet header and a few bytes of "IPv4".
    frames["short_ip"] = [Ether(dst=guest_mac, src=host_mac, type=0x0800) / Raw(bytes([0x45, 0x00, 0x00]))]
    # Header checksum wrong.
    frames["bad_checksum"] = [eth / IP(src=host_ip, dst=guest_ip, chksum=0x1234) / echo]
    # IHL below 5 and past the datagram.
    frames["bad_ihl"] = [eth / IP(src=host_ip, dst=guest_ip, ihl=4) / echo,
                         eth / IP(src=host_ip, dst=guest_ip, ihl=15) / Raw(b"x" * 8)]
    # Total length longer than what arrived, and shorter than the header.
    frames["bad_total_length"] = [eth / IP(src=host_ip, dst=guest_ip, len=1400) / echo,
                                  eth / IP(src=host_ip, dst=guest_ip, len=12) / echo]
    # Version 6 in an IPv4 frame.
    frames["bad_version"] = [eth / IP(src=host_ip, dst=guest_ip, version=6) / echo]
    # Two fragments of one datagram that overlap (RFC 5722: discard it all).
    payload = raw(ICMP(type=8, id=0x4d4f, seq=2) / Raw(b"o" * 64))
    frames["overlapping_fragments"] = [
        eth / IP(src=host_ip, dst=guest_ip, id=0x7777, flags="MF", frag=0, proto=1) / Raw(payload[:48]),
        eth / IP(src=host_ip, dst=guest_ip, id=0x7777, frag=4, proto=1) / Raw(payload[32:]),
    ]
    # ARP that is not Ethernet/IPv4, with bad lengths, a bad opcode, a
    # broadcast sender. (ARP's 28 octets always fit the 60-octet minimum
    # frame, so a short one cannot exist on Ethernet.)
    arp = ARP(hwsrc=host_mac, psrc=host_ip, pdst=guest_ip)
    bcast = Ether(dst="ff:ff:ff:ff:ff:ff", src=host_mac, type=0x0806)
    frames["arp_junk"] = [
        bcast / ARP(hwtype=6, hwsrc=host_mac, psrc=host_ip, pdst=guest_ip),
        bcast / ARP(ptype=0x86DD, hwsrc=host_mac, psrc=host_ip, pdst=guest_ip),
        bcast / Raw(raw(arp)[:4] + bytes([7, 3]) + raw(arp)[6:]),
        bcast / ARP(op=9, hwsrc=host_mac, psrc=host_ip, pdst=guest_ip),
        bcast / ARP(op=2, hwsrc="ff:ff:ff:ff:ff:ff", psrc=host_ip, hwdst=guest_mac, pdst=guest_ip),
    ]
    sent = {}
    for kind, fs in frames.items():
        for f in fs:
            sendp(f, iface=iface)
        sent[kind] = len(fs)
    print(json.dumps(sent))


if __name__ == "__main__":
    main()
