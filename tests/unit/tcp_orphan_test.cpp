// host-only: orphans, the socks close() left behind (Linux's tcp_close,
// net/ipv4/tcp.c). Each state an orphan can be left in must end on its own
// when the peer goes silent or misbehaves: the FIN retransmitted
// tcp_orphan_retries times (FIN_WAIT1, CLOSING, LAST_ACK), the persist timer
// given up on a window that never opens, tcp_fin_timeout in FIN_WAIT2, a
// RST for data that arrives after close. Ended means freed: the sock count
// (tcp_sockets_allocated) and tcp_mem are back to the listener's alone
// before the stack is torn down, which would end orphans itself.
#include <CppUTest/TestHarness.h>

#include "tests/unit/tcp_test_util.h"

using namespace tcp_test;
using ipv4_test::advance_ms;

TEST_GROUP(tcp_orphan) {
    socket_test::env e;
    net_device* eth = nullptr;
    tcp_sysctl saved{};
    int lfd = -1;
    void setup() override {
        e.setup();
        eth = e.ip.eth;
        e.ip.know(peer_ip, ipv4_test::peer_mac);
        saved = sysctl_tcp;
        lfd = listener(80);
    }
    void teardown() override {
        sys_close(lfd);
        sysctl_tcp = saved;
        e.teardown();
        tcp_sockets_allocated = 0;
        tcp_memory_allocated = 0;
    }
    peer make_peer() { return peer{eth}; }
    // Advances the clock a second at a time, the peer silent, until only
    // the listener is left: that must happen within `seconds`.
    void freed_within(unsigned seconds) {
        unsigned s = 0;
        for (; s < seconds && (tcp_sockets_allocated > 1 || tcp_hash_count() > 1); ++s) {
            advance_ms(1000);
            sent(eth);
        }
        CHECK_TRUE(s < seconds);
        check_only_the_listener();
    }
    void check_only_the_listener() {
        LONGS_EQUAL(1, tcp_sockets_allocated);
        LONGS_EQUAL(1, tcp_hash_count());
        LONGS_EQUAL(0, tcp_memory_allocated);
    }
};

// RTO 200 ms doubled 8 times (TCP_ORPHAN_RETRIES) is under two minutes.
TEST(tcp_orphan, fin_wait1_with_a_silent_peer_is_freed) {
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    sys_close(fd);
    CHECK_TRUE(expect_one(eth).flags & F);
    freed_within(300);
    CHECK_TRUE(tcp_ext_mib_get(LINUX_MIB_TCPABORTONTIMEOUT) >= 1);
}

TEST(tcp_orphan, fin_wait1_with_data_in_flight_and_a_silent_peer_is_freed) {
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    bytes data = ipv4_test::pattern(20000);
    LONGS_EQUAL(20000, sys_write(fd, reinterpret_cast<const char*>(data.data()), data.size()));
    CHECK_FALSE(sent(eth).empty());
    sys_close(fd);
    freed_within(300);
}

TEST(tcp_orphan, last_ack_with_a_silent_peer_is_freed) {
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    p.send(F | A);
    expect_one(eth);
    sys_close(fd);   // CLOSE_WAIT -> LAST_ACK
    CHECK_TRUE(expect_one(eth).flags & F);
    freed_within(300);
}

TEST(tcp_orphan, closing_with_a_silent_peer_is_freed) {
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    sys_close(fd);
    out_seg fin = expect_one(eth);
    CHECK_TRUE(fin.flags & F);
    p.send(F | A);   // crossed FINs: ours not acknowledged yet
    expect_one(eth);
    freed_within(300);
}

// The peer keeps answering the probes, with its window shut: the orphan's
// probes are counted against tcp_orphan_retries (Linux's tcp_probe_timer).
TEST(tcp_orphan, fin_wait1_behind_a_window_that_never_opens_is_freed) {
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    p.win = 0;
    p.send(A);
    bytes data = ipv4_test::pattern(3000);
    LONGS_EQUAL(3000, sys_write(fd, reinterpret_cast<const char*>(data.data()), data.size()));
    CHECK_TRUE(sent(eth).empty());
    sys_close(fd);
    unsigned s = 0;
    for (; s < 600 && tcp_sockets_allocated > 1; ++s) {
        advance_ms(1000);
        if (!sent(eth).empty()) {
            p.send(A);   // the probe answered, the window still 0
        }
    }
    CHECK_TRUE(s < 600);
    sent(eth);
    check_only_the_listener();
}

TEST(tcp_orphan, fin_wait2_ends_after_fin_timeout_with_a_reset) {
    sysctl_tcp.fin_timeout = 5 * HZ;
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    sys_close(fd);
    out_seg fin = expect_one(eth);
    p.ack = fin.seq + 1;
    p.send(A);   // FIN_WAIT2, and the peer never closes
    CHECK_TRUE(sent(eth).empty());
    advance_ms(4000);
    LONGS_EQUAL(2, tcp_sockets_allocated);
    advance_ms(1500);
    out_seg r = expect_one(eth);
    CHECK_TRUE(r.flags & R);
    check_only_the_listener();
}

// RFC 9293 3.10.7.4 / Linux's tcp_rcv_state_process: no one will read it.
TEST(tcp_orphan, data_after_close_is_answered_with_a_reset_and_frees_it) {
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    sys_close(fd);
    out_seg fin = expect_one(eth);
    p.ack = fin.seq + 1;
    p.send(A | P, ipv4_test::pattern(100));
    bool reset = false;
    for (const out_seg& o : sent(eth)) {
        reset = reset || (o.flags & R);
    }
    CHECK_TRUE(reset);
    check_only_the_listener();
}

// The receive queue is dropped at close, so an orphan holds no memory for
// it; what it still sends is charged until acknowledged, then given back.
TEST(tcp_orphan, acknowledged_orphan_gives_its_memory_back) {
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    bytes data = ipv4_test::pattern(8000);
    LONGS_EQUAL(8000, sys_write(fd, reinterpret_cast<const char*>(data.data()), data.size()));
    sys_close(fd);
    uint32_t last = 0;
    for (const out_seg& o : sent(eth)) {
        last = o.seq + static_cast<uint32_t>(o.data.size()) + ((o.flags & F) ? 1 : 0);
    }
    CHECK_TRUE(tcp_memory_allocated > 0);
    p.ack = last;
    p.send(A);   // all of it and the FIN: FIN_WAIT2
    p.send(F | A);
    expect_one(eth);
    LONGS_EQUAL(0, tcp_memory_allocated);
    advance_ms(61000);   // TIME_WAIT
    check_only_the_listener();
}

// No memory for a FIN segment of its own, nothing in flight to carry it:
// without a FIN no timer would ever end the orphan, so close() aborts it.
TEST(tcp_orphan, no_memory_for_the_fin_resets_and_frees_it) {
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    skb_fail_allocations(0, 1);   // the FIN's skb; the RST's is had
    sys_close(fd);
    CHECK_TRUE(expect_one(eth).flags & R);
    check_only_the_listener();
}

TEST(tcp_orphan, no_memory_for_the_fin_in_close_wait_resets_and_frees_it) {
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    p.send(F | A);
    expect_one(eth);
    skb_fail_allocations(0, 1);
    sys_close(fd);
    CHECK_TRUE(expect_one(eth).flags & R);
    check_only_the_listener();
}

// shutdown() found no memory for the FIN; close() later must not leave the
// FIN_WAIT1 sock waiting for an ACK of a FIN never sent.
TEST(tcp_orphan, close_after_a_shutdown_that_had_no_memory_resets_and_frees_it) {
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    skb_fail_allocations(0, 1);
    LONGS_EQUAL(0, sys_shutdown(fd, SHUT_WR));
    CHECK_TRUE(sent(eth).empty());
    sys_close(fd);
    CHECK_TRUE(expect_one(eth).flags & R);
    check_only_the_listener();
}

// With data in flight the FIN joins its last segment (Linux's tcp_send_fin
// under memory pressure) and goes out with the retransmit.
TEST(tcp_orphan, no_memory_for_the_fin_sends_it_with_the_data_in_flight) {
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    bytes data = ipv4_test::pattern(100);
    LONGS_EQUAL(100, sys_write(fd, reinterpret_cast<const char*>(data.data()), data.size()));
    out_seg first = expect_one(eth);
    CHECK_FALSE(first.flags & F);
    skb_fail_allocations(0, 1);
    sys_close(fd);
    CHECK_TRUE(sent(eth).empty());
    std::vector<out_seg> out;
    for (unsigned ms = 0; ms < 3000 && out.empty(); ms += 10) {
        advance_ms(10);   // to the first retransmit
        out = sent(eth);
    }
    LONGS_EQUAL(1, out.size());
    out_seg again = out[0];
    LONGS_EQUAL(first.seq, again.seq);
    LONGS_EQUAL(100, again.data.size());
    CHECK_TRUE(again.flags & F);
    p.ack = again.seq + 101;
    p.send(A);   // data and FIN: FIN_WAIT2
    p.send(F | A);
    out_seg last = expect_one(eth);
    CHECK_FALSE(last.flags & R);
    LONGS_EQUAL(p.seq, last.ack);
    advance_ms(61000);   // TIME_WAIT
    check_only_the_listener();
}
