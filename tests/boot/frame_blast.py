"""Raw Ethernet frames at a guest, or counted from it, on a tap device.

Runs inside a test's or benchmark's network namespace with an AF_PACKET
socket on the tap device QEMU's NIC is attached to, and prints one JSON
object when done:

  send IFACE DST_MAC SIZE SECONDS [raw|badcsum] [RATE]
                                     frames of SIZE bytes (without FCS) to
                                     DST_MAC for SECONDS, back to back or
                                     at most RATE frames a second:
                                     {"sent", "nobufs", "seconds"}. raw:
                                     EtherType 0x88B5 (IEEE 802 local
                                     experimental); badcsum: IPv4 between
                                     TEST-NET-1 addresses (RFC 5737) with a
                                     wrong header checksum, which the
                                     guest's IP must count and drop
  count IFACE SRC_MAC SECONDS        frames from SRC_MAC seen on IFACE for
                                     SECONDS: {"frames", "bytes", "seconds",
                                     "first", "last"} (monotonic times of
                                     the first and last, 0 if none)

Nothing is sent anywhere but IFACE."""
import errno
import json
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_BLAST = 0x88B5
SOL_PACKET = 263
PACKET_IGNORE_OUTGOING = 23
PACKET_OUTGOING = 4


def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(":"))


def bad_ipv4(size):
    """An IPv4 header (RFC 791) whose checksum is off by one, then padding."""
    total = size - 14
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 1, 0, 64, 253, 0,
                      bytes((192, 0, 2, 1)), bytes((192, 0, 2, 2)))
    words = sum(struct.unpack("!10H", hdr))
    while words >> 16:
        words = (words & 0xFFFF) + (words >> 16)
    csum = (~words & 0xFFFF) ^ 1
    return hdr[:10] + struct.pack("!H", csum) + hdr[12:] + bytes(total - len(hdr))


def send(iface, dst, size, seconds, kind="raw", rate=0.0):
    etype = ETH_P_IP if kind == "badcsum" else ETH_P_BLAST
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(etype))
    s.bind((iface, etype))
    src = s.getsockname()[4][:6]
    frame = mac_bytes(dst) + src + struct.pack("!H", etype)
    if kind == "badcsum":
        frame += bad_ipv4(size)
    else:
        frame += bytes(i & 0xFF for i in range(size - len(frame)))
    sent = nobufs = 0
    start = time.monotonic()
    end = start + seconds
    while True:
        for _ in range(256):   # the clock read costs more than a send
            try:
                s.send(frame)
                sent += 1
            except OSError as e:
                if e.errno not in (errno.ENOBUFS, errno.EAGAIN):
                    raise
                nobufs += 1
        now = time.monotonic()
        if now >= end:
            break
        ahead = start + sent / rate - now if rate else 0
        if ahead > 0:
            time.sleep(min(ahead, end - now))
    return {"sent": sent, "nobufs": nobufs, "seconds": time.monotonic() - start}


def count(iface, src, seconds):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    try:
        s.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
    except OSError:
        pass
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind((iface, ETH_P_ALL))
    want = mac_bytes(src)
    frames = nbytes = 0
    first = last = 0.0
    start = time.monotonic()
    end = start + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        if not select.select([s], [], [], left)[0]:
            continue
        data, addr = s.recvfrom(2048)
        if addr[2] != PACKET_OUTGOING and data[6:12] == want:
            last = time.monotonic()
            first = first or last
            frames += 1
            nbytes += len(data)
    return {"frames": frames, "bytes": nbytes, "seconds": time.monotonic() - start,
            "first": first, "last": last}


def main():
    mode, iface, mac, *rest = sys.argv[1:]
    if mode == "send":
        out = send(iface, mac, int(rest[0]), float(rest[1]), *rest[2:3],
                   *[float(r) for r in rest[3:4]])
    elif mode == "count":
        out = count(iface, mac, float(rest[0]))
    else:
        sys.exit(f"unknown mode {mode}")
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
