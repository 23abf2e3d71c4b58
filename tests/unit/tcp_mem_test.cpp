// host-only: the receive buffer growing with a fast reader (Linux's
// tcp_rcv_space_adjust) and tcp_mem: pressure, the hard limit dropping new
// data but never what was acknowledged, and leaving pressure once read.
#include <stdio.h>

#include <string>

#include <CppUTest/TestHarness.h>

#include "tests/unit/host/host_stub.h"
#include "tests/unit/tcp_test_util.h"

using namespace tcp_test;
namespace {

// The tick and the cycle counter (ktime, which RTTs are measured on) move
// together, as on the board.
void advance_ms(unsigned ms) {
    for (unsigned long i = 0; i < msecs_to_jiffies(ms); ++i) {
        host_stub::cycles += host_stub::cycles_hz / HZ;
        ipv4_test::tick(1);
    }
}

constexpr uint16_t SEG = 1448;   // 1460 less the timestamp option

int rcvbuf_of(int fd) {
    int v = 0;
    int len = sizeof v;
    LONGS_EQUAL(0, sys_getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len));
    return v;
}

uint8_t our_wscale(int fd) { return info_of(fd).tcpi_rcv_wscale; }

// The window the last segment offered, scaled.
uint32_t window_of(const out_seg& o, uint8_t wscale) { return uint32_t{o.win} << wscale; }

}  // namespace

TEST_GROUP(tcp_mem) {
    socket_test::env e;
    net_device* eth = nullptr;
    tcp_sysctl saved{};
    void setup() override {
        e.setup();
        eth = e.ip.eth;
        e.ip.know(peer_ip, ipv4_test::peer_mac);
        saved = sysctl_tcp;
    }
    void teardown() override {
        sysctl_tcp = saved;
        e.teardown();
    }
    // A connection with timestamps and our window scaled; p->ack is set.
    int open(int lfd, peer* p, uint32_t* tsval) {
        p->send(S, {}, cat({opt_mss(1460), opt_sackok(), opt_ts(100, 0), opt_ws(7)}));
        out_seg sa = expect_one(eth);
        p->ack = sa.seq + 1;
        *tsval = sa.opt.rcv_tsval;
        p->send(A, {}, opt_ts(101, *tsval));
        long fd = sys_accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK);
        CHECK_TRUE(fd >= 0);
        return static_cast<int>(fd);
    }
};

TEST(tcp_mem, receive_buffer_grows_with_a_fast_reader) {
    int lfd = listener(80);
    peer p{eth};
    uint32_t tsval = 0;
    int fd = open(lfd, &p, &tsval);
    int first_buf = rcvbuf_of(fd);
    uint8_t wscale = our_wscale(fd);
    uint32_t window = 65535;
    uint32_t first_window = 0;
    uint32_t ts = 200;
    // Each round the peer fills the window it was offered, the reader
    // drains it, and 5 ms (the RTT) pass: as a sender in slow start sees.
    for (int round = 0; round < 8; ++round) {
        unsigned segs = window / SEG;
        for (unsigned i = 0; i < segs; ++i) {
            p.send(A, ipv4_test::pattern(SEG, static_cast<uint8_t>(i)), opt_ts(ts, tsval));
        }
        advance_ms(5);
        bytes in;
        LONGS_EQUAL(static_cast<long>(segs) * SEG, read_all(fd, &in, 64u << 20));
        auto out = sent(eth);
        CHECK_FALSE(out.empty());
        LONGS_EQUAL(p.seq, out.back().ack);   // all of it acknowledged, nothing dropped
        window = window_of(out.back(), wscale);
        tsval = out.back().opt.rcv_tsval;
        if (!first_window) {
            first_window = window;
        }
        ++ts;
    }
    tcp_info ti = info_of(fd);
    CHECK_TRUE(ti.tcpi_rcv_rtt >= 1000);   // about the 5 ms rounds, timestamps in ms
    CHECK_TRUE(rcvbuf_of(fd) >= 4 * first_buf);
    CHECK_TRUE(window >= 4 * first_window);
    CHECK_TRUE(window > 65535);
    LONGS_EQUAL(0, tcp_ext_mib_get(LINUX_MIB_TCPRCVQDROP));
    CHECK_TRUE(rcvbuf_of(fd) <= sysctl_tcp.rmem[2]);
    sys_close(fd);
    sys_close(lfd);
}

TEST(tcp_mem, so_rcvbuf_stops_the_growth) {
    int lfd = listener(80);
    LONGS_EQUAL(0, setint(lfd, SOL_SOCKET, SO_RCVBUF, 32768));
    peer p{eth};
    uint32_t tsval = 0;
    int fd = open(lfd, &p, &tsval);
    int fixed = rcvbuf_of(fd);
    for (int round = 0; round < 6; ++round) {
        for (int i = 0; i < 10; ++i) {
            p.send(A, ipv4_test::pattern(SEG, static_cast<uint8_t>(i)), opt_ts(300 + round, tsval));
        }
        advance_ms(5);
        bytes in;
        read_all(fd, &in, 64u << 20);
        auto out = sent(eth);
        if (!out.empty()) {
            tsval = out.back().opt.rcv_tsval;
            p.seq = out.back().ack;   // what did not fit is the sender's to resend
        }
    }
    LONGS_EQUAL(fixed, rcvbuf_of(fd));
    sys_close(fd);
    sys_close(lfd);
}

TEST(tcp_mem, hard_limit_drops_new_data_and_keeps_what_was_acked) {
    int lfd = listener(80);
    peer p{eth};
    uint32_t tsval = 0;
    int fd = open(lfd, &p, &tsval);
    sysctl_tcp.mem[0] = 1;   // pages: low, pressure, hard
    sysctl_tcp.mem[1] = 2;
    sysctl_tcp.mem[2] = 4;
    uint32_t start = p.seq;
    for (int i = 0; i < 20; ++i) {
        p.send(A, ipv4_test::pattern(SEG, static_cast<uint8_t>(i)), opt_ts(400, tsval));
    }
    auto out = sent(eth);
    CHECK_FALSE(out.empty());
    uint32_t acked = out.back().ack;
    CHECK_TRUE(tcp_memory_pressure);
    LONGS_EQUAL(1, tcp_ext_mib_get(LINUX_MIB_TCPMEMORYPRESSURES));
    CHECK_TRUE(tcp_ext_mib_get(LINUX_MIB_TCPRCVQDROP) > 0);
    CHECK_TRUE(acked - start >= SEG);              // the first segments were taken
    CHECK_TRUE(acked - start < 20u * SEG);         // the rest was refused, not acknowledged
    CHECK_TRUE(sk_mem_pages(tcp_memory_allocated) <= sysctl_tcp.mem[2] + 1);
    char line[96];
    snprintf(line, sizeof line, "TCP: inuse 2 orphan 0 tw 0 alloc 2 mem %ld\n", sk_mem_pages(tcp_memory_allocated));
    std::string stat = socket_test::read_proc("/proc/net/sockstat");
    CHECK_TRUE(stat.find(line) != std::string::npos);
    // Under pressure what the window may grow to is four segments (the
    // edge already offered is never taken back, RFC 9293 3.8.6.2.2).
    CHECK_TRUE(info_of(fd).tcpi_rcv_ssthresh <= 4u * 1460);
    // Everything acknowledged is there to read, in order.
    bytes in;
    LONGS_EQUAL(static_cast<long>(acked - start), read_all(fd, &in, 1 << 20));
    for (unsigned i = 0; i < (acked - start) / SEG; ++i) {
        CHECK_TRUE(bytes(in.begin() + i * SEG, in.begin() + (i + 1) * SEG) == ipv4_test::pattern(SEG, static_cast<uint8_t>(i)));
    }
    // Read, the memory is back and the pressure is over; the resent rest is taken.
    LONGS_EQUAL(0, sk_mem_pages(tcp_memory_allocated));
    CHECK_FALSE(tcp_memory_pressure);
    p.seq = acked;
    p.send(A, ipv4_test::pattern(SEG, 99), opt_ts(401, tsval));
    bytes more;
    LONGS_EQUAL(SEG, read_all(fd, &more));
    sys_close(fd);
    sys_close(lfd);
}

TEST(tcp_mem, send_side_waits_for_memory_under_the_hard_limit) {
    int lfd = listener(80);
    peer p{eth};
    uint32_t tsval = 0;
    int fd = open(lfd, &p, &tsval);
    sysctl_tcp.mem[0] = 1;
    sysctl_tcp.mem[1] = 2;
    sysctl_tcp.mem[2] = 4;
    bytes big = ipv4_test::pattern(64 * 1024);
    long n = sys_write(fd, reinterpret_cast<const char*>(big.data()), big.size());
    CHECK_TRUE(n > 0);
    CHECK_TRUE(n < 32 * 1024);   // tcp_mem, not the 16 KiB..4 MiB send buffer, said stop
    CHECK_TRUE(tcp_memory_pressure);
    LONGS_EQUAL(-EAGAIN, sys_write(fd, reinterpret_cast<const char*>(big.data()), big.size()));
    // The peer ACKs what came: memory is given back and writing goes on.
    uint32_t got = 0;
    for (auto& o : sent(eth)) {
        got += static_cast<uint32_t>(o.data.size());
    }
    LONGS_EQUAL(n, got);
    p.ack += got;
    p.send(A, {}, opt_ts(500, tsval));
    CHECK_TRUE(sys_write(fd, reinterpret_cast<const char*>(big.data()), big.size()) > 0);
    sys_close(fd);
    sys_close(lfd);
}
