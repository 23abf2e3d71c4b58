"""The host end of the IPv4 boot tests: run inside the test's network
namespace (ip netns exec NS /usr/bin/python3 ipv4_peer.py COMMAND ...),
prints one JSON object.

  ping DST SIZE COUNT   ICMP echo through a raw socket; every reply's
                        identifier, sequence, data and checksum checked
  udp DST PORT [SRC]    a UDP datagram (from SRC) to a port nobody serves: the error
                        the host's socket reports (from an ICMP unreachable
                        its kernel accepted), or none
"""
import errno
import json
import os
import socket
import struct
import sys
import time


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ping(dst, size, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xFFFF
    out = {"sent": 0, "replies": 0, "errors": [], "rtt_ms": [], "ttl": None}
    for seq in range(1, count + 1):
        data = bytes((i * 7 + seq) & 0xFF for i in range(size))
        c = csum(struct.pack("!BBHHH", 8, 0, 0, ident, seq) + data)
        t0 = time.monotonic()
        s.sendto(struct.pack("!BBHHH", 8, 0, c, ident, seq) + data, (dst, 0))
        out["sent"] += 1
        deadline = t0 + 3
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                out["errors"].append(f"seq {seq}: no reply")
                break
            s.settimeout(left)
            try:
                r, addr = s.recvfrom(70000)
            except socket.timeout:
                continue
            ihl = (r[0] & 15) * 4
            icmp = r[ihl:]
            typ, _, _, rid, rseq = struct.unpack("!BBHHH", icmp[:8])
            if typ != 0 or rid != ident or rseq != seq:
                continue
            if addr[0] != dst or icmp[8:] != data or csum(icmp) != 0:
                out["errors"].append(f"seq {seq}: bad reply from {addr[0]}")
            out["replies"] += 1
            out["ttl"] = r[8]
            out["rtt_ms"].append(round((time.monotonic() - t0) * 1000, 3))
            break
    return out


def udp(dst, port, src=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if src:
        s.bind((src, 0))
    s.connect((dst, port))
    s.settimeout(3)
    s.send(b"anyone there?")
    try:
        s.recv(100)
        return {"error": None, "answer": True}
    except socket.timeout:
        return {"error": None}
    except OSError as e:
        return {"error": errno.errorcode.get(e.errno, str(e.errno))}


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "ping":
        r = ping(args[0], int(args[1]), int(args[2]))
    elif cmd == "udp":
        r = udp(args[0], int(args[1]), args[2] if len(args) > 2 else None)
    else:
        raise SystemExit(f"unknown command {cmd}")
    print(json.dumps(r))


if __name__ == "__main__":
    main()
