#!/usr/bin/python3
"""Writes the fuzz targets' seed corpora (tests/fuzz/corpus/NAME/): valid
inputs of each kind, so the fuzzer starts deep in the code, not at its
first length check. Run again after changing an input format; the files
are small and committed."""
import os
import struct

from scapy.all import ARP, BOOTP, DHCP, DNS, DNSQR, DNSRR, ICMP, IP, UDP, Ether, IPOption_RR, raw

HERE = os.path.dirname(os.path.abspath(__file__))
OUR_MAC, PEER_MAC = "02:00:00:00:00:0a", "02:00:00:00:00:0b"
OUR_IP, PEER_IP = "10.0.2.15", "10.0.2.3"


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# fuzz_frame's operations (see fuzz_frame.cpp): opcode % 9.
def op_frame(frame):
    return bytes([0]) + struct.pack(">H", len(frame)) + frame


def op_ip(sel, flags, frag, opts, payload):
    return bytes([2, sel, flags]) + struct.pack(">H", frag) + bytes([len(opts) // 4]) + opts + \
        struct.pack(">H", len(payload)) + payload


OP_TICK = lambda ms: bytes([5]) + struct.pack(">H", ms)
OP_READ = bytes([6])
OP_NOMEM = lambda space, times: bytes([8, space, times])
# ip_frame's sel: low bits pick the destination, high nibble the protocol.
DST_US, DST_BCAST, DST_MCAST, DST_ALLHOSTS = 0, 1, 3, 4
P_ICMP, P_UDP, P_IGMP, P_TCP = 0x00, 0x10, 0x20, 0x30
CSUM = 16


def frame_corpus():
    arp = raw(Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC) / ARP(op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=OUR_IP))
    write("fuzz_frame", "arp_request", op_frame(arp) + OP_READ)
    echo = raw(Ether(dst=OUR_MAC, src=PEER_MAC) / IP(src=PEER_IP, dst=OUR_IP) / ICMP(id=1, seq=1) / (b"x" * 56))
    write("fuzz_frame", "icmp_echo_frame", op_frame(echo) + OP_READ)
    write("fuzz_frame", "icmp_echo", op_ip(P_ICMP | DST_US, CSUM, 0, b"", raw(ICMP(id=7, seq=3) / b"ping")))
    udp = raw(UDP(sport=4000, dport=7) / b"hello")
    write("fuzz_frame", "udp_echo_port", op_ip(P_UDP | DST_US, CSUM, 0, b"", udp) + OP_READ)
    write("fuzz_frame", "udp_multicast", op_ip(P_UDP | DST_MCAST, CSUM, 0, b"", raw(UDP(sport=1, dport=5000) / b"m")))
    write("fuzz_frame", "udp_closed_port", op_ip(P_UDP | DST_US, CSUM, 0, b"", raw(UDP(sport=1, dport=9999) / b"?")))
    write("fuzz_frame", "igmp_query", op_ip(P_IGMP | DST_ALLHOSTS, CSUM, 0, b"\x94\x04\x00\x00",
                                            bytes([0x11, 100, 0, 0, 0, 0, 0, 0])) + OP_TICK(1500))
    rr = raw(IPOption_RR(routers=["0.0.0.0"] * 4)) + b"\x00" * 1
    rr = rr + b"\x00" * (-len(rr) % 4)
    write("fuzz_frame", "ip_options_rr", op_ip(P_ICMP | DST_US, CSUM, 0, rr, raw(ICMP() / b"rr")))
    payload = raw(ICMP(id=2, seq=2) / (b"f" * 1400))
    first = op_ip(P_ICMP | DST_US, 2, 0x2000, b"", payload[:1000])          # MF, offset 0
    second = op_ip(P_ICMP | DST_US, 2, 1000 // 8, b"", payload[1000:])      # last, offset 125
    write("fuzz_frame", "fragments", first + second + OP_READ)
    write("fuzz_frame", "fragment_timeout", first + OP_TICK(1999) * 16)
    write("fuzz_frame", "fragments_no_memory", first + OP_NOMEM(0, 3) + second + OP_READ + OP_TICK(1999) * 16)
    write("fuzz_frame", "icmp_echo_no_memory", OP_NOMEM(1, 1) + op_frame(echo) + OP_READ)
    send = bytes([7, 1, 0]) + struct.pack(">H", 7) + struct.pack(">H", 4) + b"data"
    write("fuzz_frame", "udp_send", send + OP_TICK(1000))


def dhcp_corpus():
    for kind in ("offer", "ack", "nak"):
        m = BOOTP(op=2, xid=0x1234, yiaddr=OUR_IP, chaddr=b"\x02\0\0\0\0\x0a") / DHCP(options=[
            ("message-type", kind), ("server_id", "10.0.2.2"), ("subnet_mask", "255.255.255.0"),
            ("router", "10.0.2.2"), ("name_server", "10.0.2.3", "10.0.2.4"), ("lease_time", 86400),
            ("renewal_time", 43200), ("rebinding_time", 75600), ("hostname", b"board"),
            ("domain", b"example.test"), "end"])
        write("fuzz_dhcp", kind, raw(m))


def dns_corpus():
    # fuzz_dns: name index, type index, the id (2 octets), then the message.
    q = DNS(id=0x4242, qr=1, rd=1, ra=1, qd=DNSQR(qname="example.test", qtype="A"),
            an=DNSRR(rrname="example.test", type="A", rdata="192.0.2.1", ttl=60))
    write("fuzz_dns", "a", bytes([0, 0, 0x42, 0x42]) + raw(q))
    c = DNS(id=1, qr=1, qd=DNSQR(qname="example.test", qtype="A"),
            an=DNSRR(rrname="example.test", type="CNAME", rdata="x") / DNSRR(rrname="x", type="A", rdata="192.0.2.9"))
    write("fuzz_dns", "cname", bytes([0, 0, 0, 1]) + raw(c))
    six = DNS(id=2, qr=1, qd=DNSQR(qname="x", qtype="AAAA"), an=DNSRR(rrname="x", type="AAAA", rdata="2001:db8::1"))
    write("fuzz_dns", "aaaa", bytes([2, 3, 0, 2]) + raw(six))
    write("fuzz_dns", "nxdomain", bytes([0, 0, 0, 3]) + raw(DNS(id=3, qr=1, rcode=3, qd=DNSQR(qname="example.test"))))


def cmdline_corpus():
    for i, line in enumerate([
            "ip=10.0.2.15::10.0.2.2:255.255.255.0:board:eth0:off loglevel=7",
            "ip=dhcp hosts=gw:10.0.2.2,peer:10.0.2.3 apps=shell,udpecho",
            "trace=socket,rx hostname=a quiet console=ttyS0 pcnet32.rx_copybreak=100",
            "a= =b == \"quoted value\" x=1,2,,3"]):
        write("fuzz_cmdline", f"line{i}", line.encode())


# fuzz_syscall (see fuzz_syscall.cpp): u16 fill length and the fill, then
# calls: u16 number - 4000, six arguments of one kind byte (and its data).
def small(v):
    return bytes([v << 3])


def arena_ptr(off):
    return bytes([2]) + struct.pack(">H", off)


def word(v):
    return bytes([4]) + struct.pack(">I", v)


def call(nr, *args):
    args = list(args) + [small(0)] * (6 - len(args))
    return struct.pack(">H", nr) + b"".join(args)


def syscall_corpus():
    sin = struct.pack("<HH4s8x", 2, 0x0700, bytes([10, 0, 2, 3]))   # AF_INET, port 7, 10.0.2.3
    fill = struct.pack(">H", 16) + sin
    udp = call(183, small(2), small(1), small(0))                    # socket(AF_INET, SOCK_DGRAM, 0)
    send = call(180, small(0), arena_ptr(0), small(16), small(0), arena_ptr(0), small(16))
    write("fuzz_syscall", "udp_sendto", fill + udp + send)
    pipe = call(42) + call(4, small(1), arena_ptr(0), small(8)) + call(3, small(0), arena_ptr(32), small(8))
    write("fuzz_syscall", "pipe_rw", struct.pack(">H", 0) + pipe)
    write("fuzz_syscall", "poll", struct.pack(">H", 8) + struct.pack("<iHH", 0, 1, 0) +
          call(183, small(2), small(1)) + call(188, arena_ptr(0), small(1), small(0)))
    # The rootfs: a /tmp file made, written, read back, sent into a pipe,
    # truncated, renamed onto itself and removed; then /tmp listed and stat'ed.
    tmpfile = (call(5, arena_ptr(0), word(0x102), word(0o644)) +         # open O_RDWR|O_CREAT
               call(4, small(0), arena_ptr(0), small(8)) +                # write
               call(42) +                                                 # pipe: fds 1, 2
               call(237, small(2), small(0), small(0), small(8)) +       # sendfile64(2, 0, NULL, 8)
               call(200, small(0), arena_ptr(64), small(8)) +            # pread64 at 0
               call(93, small(0), small(3)) +                             # ftruncate
               call(38, arena_ptr(0), arena_ptr(0)) +                     # rename onto itself
               call(10, arena_ptr(0)))                                    # unlink
    write("fuzz_syscall", "rootfs_tmp_file", struct.pack(">H", 8) + b"/tmp/fz\0" + tmpfile)
    listing = (call(5, arena_ptr(0), word(0x10000)) +                     # open O_DIRECTORY
               call(219, small(0), arena_ptr(64), word(200)) +            # getdents64
               call(106, arena_ptr(0), arena_ptr(1024)) +                 # stat
               call(39, arena_ptr(0), word(0o755)))                       # mkdir: EEXIST
    write("fuzz_syscall", "rootfs_tmp_dir", struct.pack(">H", 8) + b"/tmp\0\0\0\0" + listing)


# fuzz_tcp's operations (see fuzz_tcp.cpp): opcode % 9.
def tcp_syn(slot, opts=b"", win=65535, isn=1000):
    return bytes([0, slot]) + struct.pack(">H", win) + bytes([len(opts)]) + opts + struct.pack(">I", isn)


def tcp_seg(slot, flags, sd=0, ad=0, win=65535, opts=b"", length=0):
    return bytes([1, slot, flags]) + struct.pack(">hhH", sd, ad, win) + bytes([len(opts)]) + opts + \
        struct.pack(">H", length)


TCP_TICK = lambda ms: bytes([3]) + struct.pack(">H", ms)
TCP_ACCEPT = bytes([4])
TCP_APP = lambda fd, action, arg: bytes([5, fd, action]) + struct.pack(">H", arg)
TCP_NOMEM = lambda space, times: bytes([8, space, times])
F, S, R, P, A = 1, 2, 4, 8, 16


def tcp_corpus():
    mss_sack_ts_ws = bytes([2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7])
    hs = tcp_syn(0, mss_sack_ts_ws) + tcp_seg(0, A) + TCP_ACCEPT
    write("fuzz_tcp", "handshake", hs)
    write("fuzz_tcp", "data_in", hs + tcp_seg(0, A | P, length=1000) + TCP_APP(0, 0, 2000) + TCP_TICK(300))
    write("fuzz_tcp", "data_out", hs + TCP_APP(0, 2, 5000) + tcp_seg(0, A, ad=0) + TCP_TICK(1000))
    write("fuzz_tcp", "out_of_order", hs + tcp_seg(0, A, sd=1000, length=500) + tcp_seg(0, A, length=1000))
    write("fuzz_tcp", "close", hs + TCP_APP(0, 4, 0) + tcp_seg(0, A, ad=1) + tcp_seg(0, F | A, ad=1) + TCP_TICK(2000))
    write("fuzz_tcp", "close_no_memory", hs + TCP_APP(0, 2, 100) + TCP_NOMEM(0, 1) + TCP_APP(0, 4, 0) + TCP_TICK(2000))
    write("fuzz_tcp", "peer_close", hs + tcp_seg(0, F | A) + TCP_APP(0, 0, 10) + TCP_APP(0, 3, 1))
    write("fuzz_tcp", "connect", bytes([6, 1]) + struct.pack(">I", 5000) + tcp_seg(1, S | A) + TCP_TICK(100))


# fuzz_http: raw requests as a client sends them, alone and pipelined.
def http_corpus():
    get = b"GET /index.html?x=1 HTTP/1.1\r\nHost: guest\r\nUser-Agent: curl/7.88\r\nAccept: */*\r\n\r\n"
    write("fuzz_http", "get", get)
    write("fuzz_http", "conditional_range", b"GET / HTTP/1.1\r\nHost: g\r\nRange: bytes=10-99\r\n"
          b"If-Range: \"1-64-2ebc98a1\"\r\nIf-None-Match: W/\"a\", \"1-64-2ebc98a1\"\r\n"
          b"If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n")
    write("fuzz_http", "post_length", b"POST /echo HTTP/1.1\r\nHost: g\r\nContent-Length: 5\r\n"
          b"Expect: 100-continue\r\n\r\nhello")
    write("fuzz_http", "post_chunked", b"POST /echo HTTP/1.1\r\nHost: g\r\nTransfer-Encoding: chunked\r\n\r\n"
          b"5;ext=v\r\nhello\r\n3\r\nabc\r\n0\r\nTrailer: x\r\n\r\n")
    write("fuzz_http", "pipelined", get + b"HEAD /a%20b HTTP/1.1\r\nHost: g\r\n\r\n"
          b"GET http://g/x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    write("fuzz_http", "suffix_range_lf", b"\r\nGET /v HTTP/1.1\nHost: g\nRange: bytes=-20\n\n")


def iperf3_frame(body):
    return struct.pack(">I", len(body)) + body


def iperf3_corpus():
    # fuzz_iperf3: a flags byte (bit 0: 64-bit UDP counters, bit 1: a
    # 64-byte JSON limit), then the client's bytes.
    cookie = b"abcdefghijklmnopqrstuvwxyz234567abcd\0"
    tcp = b'{"tcp":true,"omit":0,"time":2,"num":0,"blockcount":0,"parallel":4,"reverse":true,' \
          b'"window":65536,"pacing_timer":1000,"client_version":"3.12"}'
    udp = b'{"udp":true,"omit":0,"time":3,"parallel":1,"len":1200,"bandwidth":5000000,' \
          b'"udp_counters_64bit":1,"client_version":"3.12"}'
    results = b'{"cpu_util_total":1.5,"cpu_util_user":0.5,"cpu_util_system":1,"sender_has_retransmits":1,' \
              b'"streams":[{"id":1,"bytes":123456,"retransmits":3,"jitter":0,"errors":0,"packets":0,' \
              b'"start_time":0,"end_time":2}]}'
    write("fuzz_iperf3", "tcp_params_results", bytes([0]) + cookie + iperf3_frame(tcp) + iperf3_frame(results))
    write("fuzz_iperf3", "udp_params", bytes([1]) + cookie + iperf3_frame(udp))
    dgrams = b"".join(bytes([15]) + struct.pack(">IIQ", 1, i * 1000, n)[1:] for i, n in enumerate([1, 2, 4, 3, 5]))
    write("fuzz_iperf3", "udp_datagrams", bytes([1]) + b"9876" + dgrams)
    write("fuzz_iperf3", "small_limit", bytes([2]) + iperf3_frame(tcp))


# fuzz_shell: keys as a console or a Telnet session (after the NVT) sends
# them.
def shell_corpus():
    words = " ".join(f"w{i}" for i in range(20))
    for name, keys in [
            ("commands", b"uname -a\rhelp\recho a\tb  c\r\n"),
            ("editing", b"unamX\x7fe -a\rgarbage\x15echo clean\rhalf\x03ab\b\b\b\x7fc\r"),
            ("arguments", b"sleep 0.5\rsleep -1\rsleep 1e300\rsyscall 4005 /dev/null 0x10 -3 x\r"
                          b"run udpecho -p 7 &\rping -c 3 10.0.2.2\rexit 3\r"),
            ("escapes_and_bytes", b"\x1b[A\x1b[D\x1bOPls\x00-l\xff\x80\x01\x7e\r"),
            ("overlong_line", b"echo " + b"x" * 300 + b"\x7f\x7fy\r"),
            ("many_words", b"echo " + words.encode() + b"\rnc " + words.encode() + b" &\r")]:
        write("fuzz_shell", name, keys)


# fuzz_telnet (see fuzz_telnet.cpp): records of kind, size, length, bytes.
IAC, SB, SE, WILL, WONT, DO, DONT = 255, 250, 240, 251, 252, 253, 254
ECHO, SGA, STATUS, TTYPE, NAWS, LINEMODE, NEW_ENVIRON = 1, 3, 5, 24, 31, 34, 39


def nvt_rec(kind, size, data):
    return bytes([kind, size, len(data)]) + data


def telnet_corpus():
    # Debian's telnet client opening, its window size and terminal type,
    # then a line; as one read and a byte at a time.
    opening = bytes([IAC, DO, SGA, IAC, WILL, TTYPE, IAC, WILL, NAWS, IAC, WILL, LINEMODE,
                     IAC, WILL, NEW_ENVIRON, IAC, DO, STATUS, IAC, DO, ECHO])
    sb = bytes([IAC, SB, NAWS, 0, 80, 0, 24, IAC, SE, IAC, SB, TTYPE, 0]) + b"XTERM" + bytes([IAC, SE])
    line = b"uname -a\r\0ls\r\necho \xff\xff\n"
    write("fuzz_telnet", "client_opening", nvt_rec(252, 63, opening + sb) + nvt_rec(252, 63, line) + nvt_rec(3, 0, b""))
    again = bytes([IAC, DO, ECHO, IAC, DONT, SGA, IAC, DO, SGA, IAC, WILL, SGA, IAC, WILL, SGA, IAC, WONT, SGA])
    write("fuzz_telnet", "byte_at_a_time", nvt_rec(0, 0, opening) + nvt_rec(0, 192, sb + line) + nvt_rec(1, 0, again))
    # The peer's commands: the editing functions, AYT, a SYNCH, a bad SE.
    cmds = bytes([IAC, 247, IAC, 248, IAC, 244, IAC, 246, IAC, 242, IAC, 241, IAC, SE, IAC, 17]) + b"x\r"
    write("fuzz_telnet", "commands", nvt_rec(4 * 7, 200, cmds) + nvt_rec(3, 0, b""))
    # Options switched on and off again, and an unterminated SB.
    toggles = bytes([IAC, DONT, ECHO, IAC, DO, ECHO, IAC, WILL, SGA, IAC, WONT, SGA, IAC, DONT, SGA,
                     IAC, SB, 1, 2, 3, IAC, DO, ECHO])
    write("fuzz_telnet", "toggles", nvt_rec(4 * 2 + 1, 5, toggles) + nvt_rec(3, 0, b""))
    # The honest client (kind 3): (action, option) pairs; 0/1 its own option
    # on/off, 2/3 the server's. Takes the offers (first byte odd): asks for
    # SGA both ways, a terminal type and window size (refused), switches
    # ECHO off and on again before the answer comes (the queue bit).
    asks = bytes([0, SGA, 2, SGA, 0, TTYPE, 0, NAWS, 2, STATUS, 3, ECHO, 2, ECHO])
    write("fuzz_telnet", "honest_client", nvt_rec(3, 0, asks) + nvt_rec(7, 0, bytes([1, SGA, 3, SGA, 0, SGA])))
    # The shell's output: prompt, CR LF and bare LF, a CR alone at a
    # write's end, data 255, NUL.
    out = b"mipsnet> uname\r\nmipsnet\n\xffdone\r"
    write("fuzz_telnet", "shell_output", nvt_rec(2 + 4 * 3, 3, out) + nvt_rec(2, 192, b"\nnext\r\0\xff\r\r\n"))


if __name__ == "__main__":
    iperf3_corpus()
    http_corpus()
    tcp_corpus()
    syscall_corpus()
    frame_corpus()
    dhcp_corpus()
    dns_corpus()
    cmdline_corpus()
    shell_corpus()
    telnet_corpus()
