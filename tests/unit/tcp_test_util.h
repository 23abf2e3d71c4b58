// A scripted peer for TCP tests, in the spirit of packetdrill: the test
// injects segments as the peer (inject), reads what the stack sent back
// (sent / expect_one), calls the socket syscalls, and moves the clock
// (ipv4_test::advance_ms). Segments are built and parsed here, options
// included, with real checksums both ways.
#pragma once
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vector>

#include <CppUTest/TestHarness.h>

#include "kernel/syscalls.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/fcntl.h"
#include "net/ipv4/tcp.h"
#include "tests/unit/socket_test_util.h"

namespace tcp_test {

using ipv4_test::bytes;
using ipv4_test::our_ip;
using ipv4_test::peer_ip;

constexpr uint8_t F = TCPHDR_FIN, S = TCPHDR_SYN, R = TCPHDR_RST, P = TCPHDR_PSH, A = TCPHDR_ACK;

struct seg {
    uint16_t sport = 40000;
    uint16_t dport = 80;
    uint32_t seq = 0;
    uint32_t ack = 0;
    uint8_t flags = 0;
    uint16_t win = 65535;
    bytes opts;           // raw option bytes, padded to 4 by the builder
    bytes data;
    bool bad_csum = false;
};

// Option builders.
inline bytes opt_mss(uint16_t mss) { return {TCPOPT_MSS, 4, static_cast<uint8_t>(mss >> 8), static_cast<uint8_t>(mss)}; }
inline bytes opt_ws(uint8_t shift) { return {TCPOPT_NOP, TCPOPT_WINDOW, 3, shift}; }
inline bytes opt_sackok() { return {TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK_PERM, 2}; }
inline bytes opt_ts(uint32_t val, uint32_t ecr) {
    bytes b = {TCPOPT_NOP, TCPOPT_NOP, TCPOPT_TIMESTAMP, 10};
    for (uint32_t w : {val, ecr}) {
        for (int i = 3; i >= 0; --i) {
            b.push_back(static_cast<uint8_t>(w >> (8 * i)));
        }
    }
    return b;
}
inline bytes opt_sack(std::vector<std::pair<uint32_t, uint32_t>> blocks) {
    bytes b = {TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK, static_cast<uint8_t>(2 + 8 * blocks.size())};
    for (auto& [s, e] : blocks) {
        for (uint32_t w : {s, e}) {
            for (int i = 3; i >= 0; --i) {
                b.push_back(static_cast<uint8_t>(w >> (8 * i)));
            }
        }
    }
    return b;
}
inline bytes cat(std::initializer_list<bytes> parts) {
    bytes out;
    for (const bytes& p : parts) {
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

inline bytes tcp_segment(const seg& s, __be32 saddr = peer_ip, __be32 daddr = our_ip) {
    bytes opts = s.opts;
    while (opts.size() % 4) {
        opts.push_back(TCPOPT_NOP);
    }
    bytes b(20 + opts.size() + s.data.size());
    auto* th = reinterpret_cast<tcphdr*>(b.data());
    th->source = htons(s.sport);
    th->dest = htons(s.dport);
    th->seq = htonl(s.seq);
    th->ack_seq = htonl(s.ack);
    th->set_doff(static_cast<unsigned>(20 + opts.size()) / 4);
    th->flags = s.flags;
    th->window = htons(s.win);
    if (!opts.empty()) {
        memcpy(b.data() + 20, opts.data(), opts.size());
    }
    if (!s.data.empty()) {
        memcpy(b.data() + 20 + opts.size(), s.data.data(), s.data.size());
    }
    th->check = csum_tcpudp_magic(saddr, daddr, static_cast<unsigned>(b.size()), IPPROTO_TCP,
                                  csum_partial(b.data(), static_cast<int>(b.size()), 0));
    if (s.bad_csum) {
        th->check ^= 0x0101;
    }
    return b;
}

inline void inject(net_device* eth, const seg& s, __be32 saddr = peer_ip, __be32 daddr = our_ip) {
    ipv4_test::ip_spec ip;
    ip.protocol = IPPROTO_TCP;
    ip.saddr = saddr;
    ip.daddr = daddr;
    ipv4_test::receive_ip(eth, ipv4_test::ip_packet(ip, tcp_segment(s, saddr, daddr)));
}

// A segment the stack sent, parsed.
struct out_seg {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win;
    tcp_options_received opt{};
    bytes data;
    bool csum_ok;
    bool df;
};

inline out_seg parse(const ipv4_test::sent_frame& f) {
    out_seg o{};
    const auto* th = reinterpret_cast<const tcphdr*>(f.ip_payload());
    unsigned len = f.ip_payload_len();
    o.sport = ntohs(th->source);
    o.dport = ntohs(th->dest);
    o.seq = ntohl(th->seq);
    o.ack = ntohl(th->ack_seq);
    o.flags = th->flags;
    o.win = ntohs(th->window);
    tcp_parse_options(th, &o.opt, (th->flags & TCPHDR_SYN) != 0);
    unsigned hlen = th->doff() * 4u;
    o.data.assign(f.ip_payload() + hlen, f.ip_payload() + len);
    o.csum_ok = csum_tcpudp_magic(f.ip()->saddr, f.ip()->daddr, len, IPPROTO_TCP,
                                  csum_partial(f.ip_payload(), static_cast<int>(len), 0)) == 0;
    o.df = (ntohs(f.ip()->frag_off) & IP_DF) != 0;
    return o;
}

// Every TCP segment sent since the last call, checksums checked.
inline std::vector<out_seg> sent(net_device* eth) {
    std::vector<out_seg> out;
    for (auto& f : ipv4_test::only(eth, ETH_P_IP)) {
        if (f.ip()->protocol == IPPROTO_TCP) {
            out_seg o = parse(f);
            if (getenv("TCP_TEST_DUMP")) {
                fprintf(stderr, "  sent %u->%u seq %u ack %u flags %02x win %u len %zu (jiffies %lu)\n", o.sport, o.dport,
                        o.seq, o.ack, o.flags, o.win, o.data.size(), jiffies);
            }
            CHECK_TRUE(o.csum_ok);
            out.push_back(o);
        }
    }
    return out;
}

inline out_seg expect_one(net_device* eth) {
    auto v = sent(eth);
    LONGS_EQUAL(1, v.size());
    return v[0];
}

inline sockaddr_in sin_at(__be32 addr, uint16_t port) {
    sockaddr_in sin = socket_test::sin_of(addr);
    sin.sin_port = htons(port);
    return sin;
}

// After the stack is torn down: every sock created was destroyed once
// (tcp_v4_destroy_sock counts down) and its memory given back. The counts
// are reset first so that one test's failure stays its own.
inline void check_tcp_accounting_is_back() {
    unsigned long socks = tcp_sockets_allocated;
    long mem = tcp_memory_allocated;
    tcp_sockets_allocated = 0;
    tcp_memory_allocated = 0;
    LONGS_EQUAL(0, socks);
    LONGS_EQUAL(0, mem);
}

inline int tcp_socket(bool nonblock = true) {
    long fd = sys_socket(AF_INET, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), 0);
    CHECK_TRUE(fd >= 0);
    return static_cast<int>(fd);
}

inline int setint(int fd, int level, int opt, int v) { return static_cast<int>(sys_setsockopt(fd, level, opt, &v, sizeof v)); }

inline tcp_info info_of(int fd) {
    tcp_info ti{};
    int len = sizeof ti;
    LONGS_EQUAL(0, sys_getsockopt(fd, SOL_TCP, TCP_INFO, &ti, &len));
    return ti;
}

inline long read_all(int fd, bytes* out, size_t max = 1 << 20) {
    bytes buf(max);
    long n = sys_read(fd, reinterpret_cast<char*>(buf.data()), max);
    if (n > 0) {
        out->insert(out->end(), buf.begin(), buf.begin() + n);
    }
    return n;
}

// A connection set up by hand: the stack listening (or connecting), the
// peer's sequence numbers kept here.
struct peer {
    net_device* eth;
    uint16_t port = 40000;      // the peer's
    uint16_t our_port = 80;
    uint32_t seq = 1000;        // the peer's next sequence number
    uint32_t ack = 0;           // what the peer acknowledges (our next)
    uint16_t win = 65535;

    seg make(uint8_t flags, bytes data = {}, bytes opts = {}) const {
        seg s;
        s.sport = port;
        s.dport = our_port;
        s.seq = seq;
        s.ack = ack;
        s.flags = flags;
        s.win = win;
        s.data = std::move(data);
        s.opts = std::move(opts);
        return s;
    }
    // Sends and advances the peer's sequence by what the segment occupies.
    void send(uint8_t flags, bytes data = {}, bytes opts = {}) {
        seg s = make(flags, data, opts);
        inject(eth, s);
        seq += static_cast<uint32_t>(data.size()) + ((flags & S) ? 1 : 0) + ((flags & F) ? 1 : 0);
    }
};

// listen() on port, a SYN from the peer (options given), the SYN-ACK
// checked, the ACK sent; returns the accepted fd. p->ack is our next seq.
inline int passive_open(net_device* eth, int lfd, peer* p, bytes syn_opts = {}) {
    p->send(S, {}, syn_opts.empty() ? cat({opt_mss(1460)}) : syn_opts);
    out_seg sa = expect_one(eth);
    LONGS_EQUAL(S | A, sa.flags);
    LONGS_EQUAL(p->seq, sa.ack);
    p->ack = sa.seq + 1;
    p->send(A);
    CHECK_TRUE(sent(eth).empty());
    sockaddr_in from{};
    int len = sizeof from;
    long fd = sys_accept4(lfd, reinterpret_cast<sockaddr*>(&from), &len, SOCK_NONBLOCK);
    CHECK_TRUE(fd >= 0);
    LONGS_EQUAL(peer_ip, from.sin_addr.s_addr);
    LONGS_EQUAL(p->port, ntohs(from.sin_port));
    return static_cast<int>(fd);
}

inline int listener(uint16_t port, int backlog = 16) {
    int fd = tcp_socket();
    LONGS_EQUAL(0, setint(fd, SOL_SOCKET, SO_REUSEADDR, 1));
    sockaddr_in sin = sin_at(0, port);
    LONGS_EQUAL(0, sys_bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin));
    LONGS_EQUAL(0, sys_listen(fd, backlog));
    return fd;
}

}  // namespace tcp_test
