"""Hostile TCP segments at a guest, made with scapy on the tap device of a
test's network namespace. Prints one JSON object when done.

  fake IFACE GUEST_IP GUEST_MAC FAKE_IP FAKE_MAC LISTEN_PORT CLOSED_PORT
      As a peer that only this script plays (FAKE_IP at FAKE_MAC, an address
      of the namespace's subnet that the host's kernel does not own, so it
      neither answers nor resets what the guest sends there): every one of
      the 256 flag combinations at a listening and at a closed port, data
      offsets 0..4 and past the segment, SYNs whose options have bad lengths
      (0, 1, past the header), then one connection through the echo server
      fed overlapping and out-of-order pieces, out-of-window and old
      segments, an ACK into the middle of the guest's segment, RSTs whose
      sequence number misses (RFC 5961 3.2: a challenge ACK, the connection
      lives on), a SYN (RFC 5961 4.2: a challenge ACK too), then the exact RST.
  live IFACE GUEST_IP GUEST_MAC HOST_PORT GUEST_PORT [exact]
      Junk on a connection of the host's own TCP (HOST_PORT -> GUEST_PORT),
      its sequence numbers learnt from the guest's answer to an
      out-of-window segment: more out-of-window and old data, bad data
      offsets, a bad checksum, bad option lengths, a RST outside the window
      and, with "exact" (an idle connection, whose numbers cannot move
      under us), RSTs and a SYN inside the window that must each draw a
      challenge ACK (RFC 5961 3.2 and 4.2).

Every frame goes out of IFACE to GUEST_MAC and nowhere else."""
import json
import os
import queue
import random
import socket
import sys
import threading
import time

from scapy.all import ARP, ICMP, IP, TCP, Ether, Raw, conf

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
FLAG_BITS = "FSRPAUEC"   # TCP flag bit i is FLAG_BITS[i] (RFC 9293 3.1, RFC 3168)
MSS = 1000               # what the fake peer announces: the guest's segments are this long


class Wire:
    """One AF_PACKET socket to send and one receiving thread: ARP questions
    for the fake address are answered, the guest's TCP segments that
    want() accepts and its ICMP to the fake address queued."""

    def __init__(self, iface, guest_ip, guest_mac, fake_ip=None, fake_mac=None):
        self.iface, self.guest_ip, self.guest_mac = iface, guest_ip, guest_mac
        self.fake_ip, self.fake_mac = fake_ip, fake_mac
        self.out = conf.L2socket(iface=iface)
        self.rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.rx.bind((iface, ETH_P_ALL))
        self.rx.settimeout(0.2)
        self.src_mac = fake_mac or self.rx.getsockname()[4][:6].hex(":")
        self.q = queue.Queue()
        self.want = None     # want(our port, guest port): which TCP segments to queue
        self.stop = False
        self.thread = threading.Thread(target=self._receive, daemon=True)
        self.thread.start()

    def _receive(self):
        guest = socket.inet_aton(self.guest_ip)
        fake = socket.inet_aton(self.fake_ip) if self.fake_ip else None
        while not self.stop:
            try:
                data, addr = self.rx.recvfrom(65535)
            except socket.timeout:
                continue
            if addr[2] == PACKET_OUTGOING:
                continue
            etype = data[12:14]
            if etype == b"\x08\x06" and fake and data[38:42] == fake and data[20:22] == b"\x00\x01":
                a = Ether(data)[ARP]
                self.out.send(Ether(dst=a.hwsrc, src=self.fake_mac) /
                              ARP(op=2, hwsrc=self.fake_mac, psrc=self.fake_ip, hwdst=a.hwsrc, pdst=a.psrc))
            elif etype != b"\x08\x00" or data[26:30] != guest:
                continue
            elif data[23] == 6 and self.want:
                ihl = (data[14] & 15) * 4
                sport = int.from_bytes(data[14 + ihl:16 + ihl], "big")
                dport = int.from_bytes(data[16 + ihl:18 + ihl], "big")
                if self.want(dport, sport):
                    self.q.put(Ether(data))
            elif data[23] == 1 and fake and data[30:34] == fake:
                self.q.put(Ether(data))

    def listen(self, want):
        """From now on queue what want(our port, guest port) accepts, and
        nothing left from before (late answers to an earlier step)."""
        self.want = want
        while True:
            try:
                self.q.get_nowait()
            except queue.Empty:
                return

    def send(self, ip_packet):
        self.out.send(Ether(dst=self.guest_mac, src=self.src_mac) / ip_packet)

    def expect(self, pred, timeout=3.0):
        """The first queued frame pred accepts (others are dropped), or None."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            try:
                f = self.q.get(timeout=left)
            except queue.Empty:
                return None
            if pred(f):
                return f

    def drain(self, seconds):
        """Every frame queued within seconds from now."""
        end, got = time.monotonic() + seconds, []
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return got
            try:
                got.append(self.q.get(timeout=left))
            except queue.Empty:
                return got

    def close(self):
        self.stop = True
        self.thread.join(2)


def flags_of(bits):
    return "".join(c for i, c in enumerate(FLAG_BITS) if bits & (1 << i))


def has(f, flag):
    return TCP in f and flag in str(f[TCP].flags)


def payload(f):
    """The TCP payload, without the Ethernet padding of a short frame."""
    ip, t = f[IP], f[TCP]
    return bytes(t.payload)[:ip.len - ip.ihl * 4 - t.dataofs * 4]


def pure_ack(f):
    return has(f, "A") and not has(f, "R") and not has(f, "S") and not payload(f)


def announce(w):
    """Makes the guest learn the fake peer (an ARP question for its own
    address, RFC 826's merge) and checks it answers the peer's ping."""
    w.out.send(Ether(dst="ff:ff:ff:ff:ff:ff", src=w.fake_mac) /
               ARP(op=1, hwsrc=w.fake_mac, psrc=w.fake_ip, pdst=w.guest_ip))
    for _ in range(5):
        w.send(IP(src=w.fake_ip, dst=w.guest_ip) / ICMP(id=0x4242, seq=1))
        if w.expect(lambda f: ICMP in f and f[ICMP].type == 0, 1.0):
            return True
    return False


def flag_sweep(w, dport, base):
    """All 256 flag bytes at dport, each from its own source port; returns
    {flags: answer flags or None}. Whatever got a SYN-ACK is reset exactly
    afterwards, so no half-open request outlives the sweep."""
    w.listen(lambda ours, theirs: theirs == dport and base <= ours < base + 256)
    isn = {}
    for bits in range(256):
        isn[bits] = random.getrandbits(32)
        w.send(IP(src=w.fake_ip, dst=w.guest_ip) /
               TCP(sport=base + bits, dport=dport, flags=bits, seq=isn[bits], ack=random.getrandbits(32),
                   window=8192))
        time.sleep(0.002)   # the guest's receive ring is not what is tested here
    answers = {}
    for f in w.drain(2.0):
        if TCP in f and f[TCP].sport == dport and 0 <= f[TCP].dport - base < 256:
            answers.setdefault(f[TCP].dport - base, str(f[TCP].flags))
    for bits, fl in answers.items():
        if "S" in fl and "A" in fl:
            w.send(IP(src=w.fake_ip, dst=w.guest_ip) /
                   TCP(sport=base + bits, dport=dport, flags="R", seq=(isn[bits] + 1) & 0xFFFFFFFF))
    time.sleep(0.2)
    return {flags_of(b): answers.get(b) for b in range(256)}


def bad_headers(w, dport, base):
    """Data offsets 0..4 and one past the segment's end (no answer may
    come), then SYNs whose options have bad lengths: Linux's
    tcp_parse_options stops at a bad length and the SYN is answered."""
    w.listen(lambda ours, theirs: theirs == dport and base <= ours < base + 64)
    for i, doff in enumerate([0, 1, 2, 3, 4, 15]):
        w.send(IP(src=w.fake_ip, dst=w.guest_ip) /
               TCP(sport=base + i, dport=dport, flags="S", seq=1000, dataofs=doff, window=8192))
    answered = [str(f[TCP].dport - base) for f in w.drain(1.0) if TCP in f and 0 <= f[TCP].dport - base < 16]
    bad_opts = {"len0": b"\x02\x00\x05\xb4", "len1": b"\x03\x01\x00\x00", "past": b"\x02\x08\x05\xb4",
                "len255": b"\x08\xff\x00\x00", "unknown-past": b"\xfd\x07\x00\x00\x01\x01\x00\x00"}
    synacks = {}
    for i, (name, opts) in enumerate(bad_opts.items()):
        sport = base + 16 + i
        w.send(IP(src=w.fake_ip, dst=w.guest_ip) /
               TCP(sport=sport, dport=dport, flags="S", seq=5000, dataofs=5 + len(opts) // 4, window=8192) /
               Raw(opts))
        f = w.expect(lambda f, s=sport: TCP in f and f[TCP].dport == s, 2.0)
        synacks[name] = str(f[TCP].flags) if f else None
        w.send(IP(src=w.fake_ip, dst=w.guest_ip) / TCP(sport=sport, dport=dport, flags="R", seq=5001))
    return {"answered_bad_offsets": answered, "bad_option_synacks": synacks}


class Conn:
    """A connection the script plays by hand: its own numbers, and the
    guest's bytes kept by sequence number."""

    def __init__(self, w, sport, dport):
        self.w, self.sport, self.dport = w, sport, dport
        self.iss = random.getrandbits(32)
        self.snd_nxt = self.iss
        self.rcv_nxt = 0
        self.got = {}
        w.listen(lambda ours, theirs: ours == sport and theirs == dport)

    def seg(self, flags, seq=None, data=b"", ack=None, **kw):
        seq = self.snd_nxt if seq is None else seq
        ack = self.rcv_nxt if ack is None else ack
        p = IP(src=self.w.fake_ip, dst=self.w.guest_ip) / \
            TCP(sport=self.sport, dport=self.dport, flags=flags, seq=seq & 0xFFFFFFFF, ack=ack & 0xFFFFFFFF,
                window=65535, **kw)
        self.w.send(p / Raw(data) if data else p)

    def connect(self):
        self.seg("S", options=[("MSS", MSS)])
        f = self.w.expect(lambda f: has(f, "S") and has(f, "A"), 3.0)
        if not f:
            return False
        self.rcv_nxt = f[TCP].seq + 1
        self.snd_nxt = self.iss + 1
        self.seg("A")
        return True

    def take(self, f, ack=True):
        """Keeps the guest's data, moves rcv_nxt over what is contiguous
        and, if ack, ACKs it."""
        data = payload(f)
        if data:
            self.got[f[TCP].seq] = data
            moved = True
            while moved:
                moved = False
                for s, d in self.got.items():
                    if 0 <= (self.rcv_nxt - s) & 0xFFFFFFFF < len(d):
                        self.rcv_nxt = (s + len(d)) & 0xFFFFFFFF
                        moved = True
            if ack:
                self.seg("A")
        return f

    def read(self, start, n, timeout=5.0):
        """Waits until n bytes from sequence start have come; returns them."""
        end = time.monotonic() + timeout
        while (self.rcv_nxt - start) & 0xFFFFFFFF < n and time.monotonic() < end:
            f = self.w.expect(lambda f: TCP in f, end - time.monotonic())
            if f:
                self.take(f)
        if (self.rcv_nxt - start) & 0xFFFFFFFF < n:
            return None
        out = bytearray(n)
        for s, d in self.got.items():
            off = (s - start) & 0xFFFFFFFF
            if off < n:
                out[off:off + len(d)] = d[:n - off]
        return bytes(out)

    def settle(self, seconds=0.5):
        for f in self.w.drain(seconds):
            self.take(f)


def reassembly(c, r):
    """Overlapping, out-of-order and duplicated pieces of one message: it
    must come back through the echo server whole and once."""
    msg = random.randbytes(3000)
    base = c.snd_nxt
    echo_start = c.rcv_nxt
    for a, b in [(1000, 2000), (500, 1500), (2500, 3000), (0, 800), (1500, 2600), (700, 1100), (0, 1400),
                 (1400, 2800)]:
        c.seg("PA", seq=base + a, data=msg[a:b])
        time.sleep(0.01)
    c.snd_nxt = base + len(msg)
    r["echo_whole"] = c.read(echo_start, len(msg)) == msg
    c.settle(1.0)
    r["echo_extra_bytes"] = ((c.rcv_nxt - echo_start) & 0xFFFFFFFF) - len(msg)


def junk_segments(c, r):
    """Data far ahead, long before and just past the window: each dropped
    with an ACK that still says snd_nxt."""
    acks = {}
    for name, seq, data in (("ahead", c.snd_nxt + (1 << 30), b"EVIL"), ("old", c.snd_nxt - 20000, b"OLD!"),
                            ("past-window", c.snd_nxt + 70000, b"FAR!")):
        c.seg("PA", seq=seq, data=data)
        f = c.w.expect(pure_ack, 2.0)
        acks[name] = bool(f and f[TCP].ack == c.snd_nxt & 0xFFFFFFFF)
    r["dup_acks"] = acks


def partial_ack(c, r):
    """The guest's echo of one full segment ACKed 6 bytes into it (any byte
    may be ACKed, RFC 9293 3.4): the retransmission brings the other 994."""
    start = c.rcv_nxt
    msg = random.randbytes(MSS)
    c.seg("PA", data=msg)
    c.snd_nxt += len(msg)
    f = c.w.expect(lambda f: TCP in f and payload(f), 3.0)
    if not f or f[TCP].seq != start:
        r["partial_ack_resent"] = None
        return
    c.seg("A", ack=start + 6)
    again = c.w.expect(lambda f: TCP in f and payload(f), 5.0)
    r["partial_ack_resent"] = bool(again and again[TCP].seq == (start + 6) & 0xFFFFFFFF and
                                   payload(again) == payload(f)[6:] == msg[6:len(payload(f))])
    c.take(f)
    if again:
        c.take(again)
    if c.read(start, len(msg)) != msg:
        r["partial_ack_resent"] = False
    c.settle(0.5)


def challenges(c, r):
    """RSTs inside the window but not at rcv_nxt, and a SYN: each draws a
    challenge ACK (RFC 5961 3.2, 4.2) and the connection lives on; a RST
    before the window is dropped silently."""
    got = {}
    for name, flags, seq in (("rst+1", "R", c.snd_nxt + 1), ("rst+1000", "R", c.snd_nxt + 1000),
                             ("syn", "S", c.snd_nxt)):
        c.w.drain(0.05)
        c.seg(flags, seq=seq, ack=0 if flags == "R" else None)
        f = c.w.expect(pure_ack, 2.0)
        got[name] = bool(f and f[TCP].ack == c.snd_nxt & 0xFFFFFFFF)
        time.sleep(0.1)
    c.seg("R", seq=c.snd_nxt - 1, ack=0)
    r["challenge_acks"] = got
    after = b"still here"
    start = c.rcv_nxt
    c.seg("PA", data=after)
    c.snd_nxt += len(after)
    r["echo_after_rsts"] = c.read(start, len(after)) == after
    c.settle(0.3)


def echo_conversation(w, port, sport):
    c = Conn(w, sport, port)
    r = {"connected": c.connect()}
    if not r["connected"]:
        return r
    for step in (reassembly, junk_segments, partial_ack, challenges):
        step(c, r)
    c.seg("R", seq=c.snd_nxt, ack=0)   # the exact one ends it
    time.sleep(0.2)
    c.seg("PA", data=b"gone?")
    f = w.expect(lambda f: TCP in f, 2.0)
    r["after_exact_rst"] = str(f[TCP].flags) if f else None
    return r


def fake(iface, guest_ip, guest_mac, fake_ip, fake_mac, listen_port, closed_port):
    w = Wire(iface, guest_ip, guest_mac, fake_ip, fake_mac)
    listen_port, closed_port = int(listen_port), int(closed_port)
    try:
        out = {"announced": announce(w)}
        if not out["announced"]:
            return out
        base = random.randrange(20000, 40000, 1024)
        out["listen_sweep"] = flag_sweep(w, listen_port, base)
        out["closed_sweep"] = flag_sweep(w, closed_port, base + 256)
        out["bad_headers"] = bad_headers(w, listen_port, base + 512)
        out["echo"] = echo_conversation(w, listen_port, base + 600)
        return out
    finally:
        w.close()


def live(iface, guest_ip, guest_mac, host_port, guest_port, exact=""):
    w = Wire(iface, guest_ip, guest_mac)
    host_ip = conf.route.route(guest_ip)[1]
    host_port, guest_port = int(host_port), int(guest_port)
    w.listen(lambda ours, theirs: ours == host_port and theirs == guest_port)
    out = {}
    try:
        def seg(flags, seq, ack, data=b"", **kw):
            p = IP(src=host_ip, dst=guest_ip) / TCP(sport=host_port, dport=guest_port, flags=flags,
                                                    seq=seq & 0xFFFFFFFF, ack=ack & 0xFFFFFFFF, window=501, **kw)
            w.send(p / Raw(data) if data else p)

        # An out-of-window segment draws an ACK that tells both numbers.
        f = None
        for _ in range(5):
            probe = random.getrandbits(32)
            seg("A", probe, 0, b"?")
            f = w.expect(pure_ack, 1.0)
            if f and f[TCP].ack != (probe + 1) & 0xFFFFFFFF:
                break
            f = None
        if not f:
            return {"learnt": False}
        rcv_nxt, snd_nxt = f[TCP].ack, f[TCP].seq
        out["learnt"] = True
        junk = [
            dict(flags="PA", seq=rcv_nxt + (1 << 30), ack=snd_nxt, data=b"EVIL" * 100),
            dict(flags="PA", seq=rcv_nxt - (1 << 20), ack=snd_nxt, data=b"OLD!" * 100),
            dict(flags="R", seq=rcv_nxt + (1 << 31), ack=0),
            dict(flags="A", seq=rcv_nxt - 1, ack=snd_nxt + (1 << 30)),
        ]
        for kw in junk:
            seg(**kw)
            time.sleep(0.01)
        raw = IP(src=host_ip, dst=guest_ip) / TCP(sport=host_port, dport=guest_port, flags="PA",
                                                   seq=rcv_nxt - 5000, ack=snd_nxt, window=501) / Raw(b"BAD!")
        for doff in (0, 1, 2, 3, 4, 15):
            p = raw.copy()
            p[TCP].dataofs = doff
            w.send(p)
        p = raw.copy()
        p[TCP].chksum = 0x1234
        w.send(p)
        for opts in (b"\x08\x00\x00\x00", b"\x05\x01\x00\x00", b"\x08\x0c\x00\x00"):
            w.send(IP(src=host_ip, dst=guest_ip) /
                   TCP(sport=host_port, dport=guest_port, flags="A", seq=rcv_nxt - 5000, ack=snd_nxt,
                       window=501, dataofs=6) / Raw(opts))
        out["junk_sent"] = len(junk) + 6 + 1 + 3
        if exact:
            got = {}
            for name, flags, seq in (("rst+1", "R", rcv_nxt + 1), ("rst+100", "R", rcv_nxt + 100),
                                     ("syn", "S", rcv_nxt)):
                time.sleep(0.1)
                w.drain(0.05)
                seg(flags, seq, 0 if flags == "R" else snd_nxt)
                a = w.expect(pure_ack, 2.0)
                got[name] = bool(a and a[TCP].ack == rcv_nxt and a[TCP].seq == snd_nxt)
            out["challenge_acks"] = got
        return out
    finally:
        w.close()


def main():
    mode, *args = sys.argv[1:]
    random.seed(os.environ.get("MIPSNET_SEED", time.time_ns()))
    if mode == "fake":
        out = fake(*args)
    elif mode == "live":
        out = live(*args)
    else:
        sys.exit(f"unknown mode {mode}")
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
