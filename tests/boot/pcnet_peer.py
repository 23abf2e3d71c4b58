"""The host end of the pcnet32 self-test (drivers/net/eth_selftest.h).

Runs inside the test's network namespace (ip netns exec NS /usr/bin/python3
pcnet_peer.py IFACE GUEST_MAC COMMAND ...) with a raw AF_PACKET socket on the
tap device that QEMU's pcnet is attached to, and prints one JSON object:

  echo COUNT WINDOW   frames of cycling sizes, at most WINDOW unanswered at a
                      time; every reply checked (addresses, length, tag,
                      data, guest sequence +1 each)
  burst COUNT         COUNT full-size frames back to back, then whatever
                      replies come within a second
  stats               the guest's counters (a STATS request)
  cmd TEXT...         any command (PROMISC 1, MCAST 01:00:5e:00:00:01 ...)
  probe DST...        one echo request to each destination MAC: answered?
"""
import json
import select
import socket
import struct
import sys
import time

ETH_P_SELFTEST = 0x88B5
SOL_PACKET = 263
PACKET_IGNORE_OUTGOING = 23
PACKET_OUTGOING = 4
SIZES = (60, 61, 64, 100, 128, 255, 256, 512, 777, 1000, 1024, 1400, 1500, 1513, 1514)


def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(":"))


class Peer:
    def __init__(self, iface, guest_mac):
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_SELFTEST))
        try:
            self.sock.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
        except OSError:
            pass  # older kernels: outgoing copies are filtered in recv()
        self.sock.bind((iface, ETH_P_SELFTEST))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.mac = self.sock.getsockname()[4][:6]
        self.guest = mac_bytes(guest_mac)
        self.header = self.guest + self.mac + struct.pack("!H", ETH_P_SELFTEST)

    def frame(self, tag, size):
        data = bytes((tag * 7 + i) & 0xFF for i in range(size - 14 - 8))
        return self.header + struct.pack("!II", tag, 0) + data

    def recv(self, timeout):
        """The next frame from the guest, or None after timeout seconds."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.sock], [], [], left)[0]:
                return None
            data, addr = self.sock.recvfrom(2048)
            if addr[2] != PACKET_OUTGOING and data[6:12] == self.guest:
                return data

    def check_reply(self, reply, sent, errors):
        tag = struct.unpack("!I", sent[14:18])[0]
        if len(reply) != len(sent):
            errors.append(f"tag {tag}: length {len(reply)} != {len(sent)}")
        elif reply[0:6] != self.mac or reply[12:14] != sent[12:14]:
            errors.append(f"tag {tag}: bad header {reply[:14].hex()}")
        elif reply[14:18] != sent[14:18] or reply[22:] != sent[22:]:
            errors.append(f"tag {tag}: payload differs (got tag {reply[14:18].hex()})")
        return struct.unpack("!I", reply[18:22])[0]

    def echo(self, count, window):
        sent, errors, seqs = [], [], []
        done = 0
        start = time.monotonic()
        while done < count and len(errors) < 10:
            while len(sent) - done < window and len(sent) < count:
                f = self.frame(len(sent), SIZES[len(sent) % len(SIZES)])
                self.sock.send(f)
                sent.append(f)
            reply = self.recv(5.0)
            if reply is None:
                errors.append(f"no reply to tag {done} within 5 s")
                break
            seqs.append(self.check_reply(reply, sent[done], errors))
            done += 1
        elapsed = time.monotonic() - start
        gaps = [b for a, b in zip(seqs, seqs[1:]) if b != a + 1]
        if gaps:
            errors.append(f"guest sequence not consecutive at {gaps[:5]}")
        return {"sent": len(sent), "replies": done, "errors": errors, "seconds": elapsed,
                "rate": done / elapsed if elapsed else 0.0,
                "first_seq": seqs[0] if seqs else None, "last_seq": seqs[-1] if seqs else None}

    def burst(self, count):
        frames = [self.frame(0x100000 + i, 1514) for i in range(count)]
        start = time.monotonic()
        for f in frames:
            self.sock.send(f)
        send_time = time.monotonic() - start
        replies, errors, last_seq, last_tag = 0, [], 0, -1
        while (reply := self.recv(1.0)) is not None:
            tag = struct.unpack("!I", reply[14:18])[0]
            if not 0x100000 <= tag < 0x100000 + count:
                errors.append(f"unexpected tag {tag:#x}")
                continue
            seq = self.check_reply(reply, frames[tag - 0x100000], errors)
            if tag <= last_tag or seq <= last_seq:
                errors.append(f"out of order: tag {tag:#x} seq {seq}")
            last_tag, last_seq = tag, seq
            replies += 1
        return {"sent": count, "replies": replies, "errors": errors[:10], "send_seconds": send_time}

    def command(self, text):
        """Sends a command; returns the guest's answer text, or None."""
        self.sock.send(self.header + text.encode().ljust(46, b"\0"))
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            reply = self.recv(deadline - time.monotonic())
            word = text.split()[0].encode()
            if reply and (reply[14:].startswith(word) or reply[14:].startswith(b"OK " + word)
                          or reply[14:].startswith(b"ERR " + word)):
                return reply[14:].split(b"\0")[0].decode()
        return None

    def stats(self):
        text = self.command("STATS")
        if text is None:
            return {"error": "no STATS reply"}
        fields = dict(kv.split("=") for kv in text.split()[1:])
        return {k: int(v) for k, v in fields.items()}

    def probe(self, dsts):
        """Which destination MACs the guest answers (its receive filter)."""
        answered = {}
        for i, dst in enumerate(dsts):
            tag = 0x200000 + i
            f = mac_bytes(dst) + self.frame(tag, 64)[6:]
            self.sock.send(f)
            got = False
            while (reply := self.recv(0.5)) is not None:
                got = got or struct.unpack("!I", reply[14:18])[0] == tag
            answered[dst] = got
        return {"answered": answered}


def main():
    iface, guest_mac, command, *args = sys.argv[1:]
    peer = Peer(iface, guest_mac)
    if command == "echo":
        result = peer.echo(int(args[0]), int(args[1]))
    elif command == "burst":
        result = peer.burst(int(args[0]))
    elif command == "stats":
        result = peer.stats()
    elif command == "cmd":
        result = {"answer": peer.command(" ".join(args))}
    elif command == "probe":
        result = peer.probe(args)
    else:
        raise SystemExit(f"unknown command {command}")
    result["host_mac"] = ":".join(f"{b:02x}" for b in peer.mac)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    sys.exit(main())
