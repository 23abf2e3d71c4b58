// host-only: TCP (net/ipv4/tcp*.cpp) against a scripted peer on the fake
// eth0: the handshakes and their options, data both ways with the
// checksum, delayed and quick ACKs, retransmission and its back-off, fast
// retransmit, SACK both ways, out-of-order data, the closes (FIN_WAIT,
// TIME_WAIT, LAST_ACK, RST on unread data), RSTs and RFC 5961's challenge
// ACKs, PAWS, the persist timer, keepalive, SYN cookies, the errnos.
#include <string.h>

#include <CppUTest/TestHarness.h>

#include "tests/unit/tcp_test_util.h"

using namespace tcp_test;
using ipv4_test::advance_ms;

TEST_GROUP(tcp) {
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
        check_tcp_accounting_is_back();
    }
    peer make_peer(uint16_t our_port = 80) {
        peer p{eth};
        p.our_port = our_port;
        return p;
    }
};

TEST(tcp, socket_is_created_and_closed) {
    int fd = tcp_socket();
    LONGS_EQUAL(SOCK_STREAM, socket_test::getint(fd, SOL_SOCKET, SO_TYPE));
    LONGS_EQUAL(IPPROTO_TCP, socket_test::getint(fd, SOL_SOCKET, SO_PROTOCOL));
    LONGS_EQUAL(0, sys_close(fd));
}

TEST(tcp, syn_to_closed_port_gets_rst_ack) {
    seg s;
    s.sport = 40000;
    s.dport = 81;
    s.seq = 5000;
    s.flags = S;
    inject(eth, s);
    out_seg r = expect_one(eth);
    LONGS_EQUAL(R | A, r.flags);
    LONGS_EQUAL(0, r.seq);
    LONGS_EQUAL(5001, r.ack);
    LONGS_EQUAL(1, tcp_mib_get(TCP_MIB_OUTRSTS));
}

TEST(tcp, ack_to_closed_port_gets_rst_from_its_ack) {
    seg s;
    s.dport = 81;
    s.seq = 5000;
    s.ack = 777;
    s.flags = A;
    inject(eth, s);
    out_seg r = expect_one(eth);
    LONGS_EQUAL(R, r.flags);
    LONGS_EQUAL(777, r.seq);
    s.flags = R;   // a RST is never answered
    inject(eth, s);
    CHECK_TRUE(sent(eth).empty());
}

TEST(tcp, bad_checksum_is_counted_and_dropped) {
    int lfd = listener(80);
    peer p = make_peer();
    seg s = p.make(S, {}, opt_mss(1460));
    s.bad_csum = true;
    inject(eth, s);
    CHECK_TRUE(sent(eth).empty());
    LONGS_EQUAL(1, tcp_mib_get(TCP_MIB_CSUMERRORS));
    LONGS_EQUAL(1, tcp_mib_get(TCP_MIB_INERRS));
    sys_close(lfd);
}

// RFC 9293 3.10.7.2 as Linux: at a listener only a SYN (without FIN)
// starts a connection and only an ACK is reset; the probes of FIN, NULL
// and Xmas scans and a SYN with FIN are dropped unanswered, while a
// closed port resets every one of them.
TEST(tcp, listener_answers_only_syn_and_ack) {
    int lfd = listener(80);
    for (uint8_t flags : {uint8_t{0}, F, P, uint8_t(F | P | TCPHDR_URG), uint8_t(S | F), uint8_t(S | F | P)}) {
        seg s;
        s.dport = 80;
        s.seq = 5000;
        s.flags = flags;
        inject(eth, s);
        CHECK_TRUE(sent(eth).empty());
        s.dport = 81;
        inject(eth, s);
        LONGS_EQUAL(R | A, expect_one(eth).flags);
    }
    seg ack;
    ack.dport = 80;
    ack.ack = 777;
    ack.flags = F | A;
    inject(eth, ack);
    out_seg r = expect_one(eth);
    LONGS_EQUAL(R, r.flags);
    LONGS_EQUAL(777, r.seq);
    peer p = make_peer();
    sys_close(passive_open(eth, lfd, &p));   // the listener still works
    sent(eth);
    sys_close(lfd);
}

// An option with a silly length (0, 1) or one past the header ends the
// parse, as Linux's tcp_parse_options, not the segment: what came before
// it still counts (the MSS here), the SYN is answered and data is taken.
TEST(tcp, bad_option_lengths_end_the_parse_not_the_segment) {
    int lfd = listener(80);
    peer p = make_peer();
    bytes bad_len0 = {TCPOPT_TIMESTAMP, 0, 0, 0};
    int fd = passive_open(eth, lfd, &p, cat({opt_mss(1000), bad_len0}));
    bytes msg = ipv4_test::pattern(2000);
    LONGS_EQUAL(2000, sys_write(fd, reinterpret_cast<const char*>(msg.data()), msg.size()));
    auto out = sent(eth);
    LONGS_EQUAL(2, out.size());
    LONGS_EQUAL(1000, out[0].data.size());
    p.ack += 2000;
    bytes in;
    int n = 0;
    for (bytes opts : {bytes{TCPOPT_SACK, 1, 0, 0}, bytes{TCPOPT_TIMESTAMP, 12, 0, 0}, bytes{0xfd, 255, 0, 0}}) {
        p.send(A | P, ipv4_test::pattern(10, n++), opts);
    }
    LONGS_EQUAL(30, read_all(fd, &in));
    LONGS_EQUAL(0, tcp_mib_get(TCP_MIB_INERRS));
    LONGS_EQUAL(0, info_of(fd).tcpi_unacked);
    sys_close(fd);
    sys_close(lfd);
}

TEST(tcp, passive_open_negotiates_options) {
    int lfd = listener(80);
    peer p = make_peer();
    p.send(S, {}, cat({opt_mss(1400), opt_sackok(), opt_ts(100, 0), opt_ws(7)}));
    out_seg sa = expect_one(eth);
    LONGS_EQUAL(S | A, sa.flags);
    LONGS_EQUAL(p.seq, sa.ack);
    CHECK_TRUE(sa.df);
    LONGS_EQUAL(1460, sa.opt.mss_clamp);
    CHECK_TRUE(sa.opt.sack_ok);
    CHECK_TRUE(sa.opt.wscale_ok);
    CHECK_TRUE(sa.opt.saw_tstamp);
    LONGS_EQUAL(100, sa.opt.rcv_tsecr);
    // Not accepted before the handshake completes.
    LONGS_EQUAL(-EAGAIN, sys_accept4(lfd, nullptr, nullptr, 0));
    p.ack = sa.seq + 1;
    p.send(A, {}, opt_ts(101, sa.opt.rcv_tsval));
    long fd = sys_accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK);
    CHECK_TRUE(fd >= 0);
    tcp_info ti = info_of(static_cast<int>(fd));
    LONGS_EQUAL(TCP_ESTABLISHED, ti.tcpi_state);
    LONGS_EQUAL(TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK | TCPI_OPT_WSCALE, ti.tcpi_options);
    LONGS_EQUAL(1400 - 12, ti.tcpi_snd_mss);   // the peer's MSS less the timestamp option
    LONGS_EQUAL(7, ti.tcpi_snd_wscale);
    LONGS_EQUAL(1, tcp_mib_get(TCP_MIB_PASSIVEOPENS));
    LONGS_EQUAL(1, tcp_mib_get(TCP_MIB_CURRESTAB));
    sockaddr_in peer_addr{};
    int len = sizeof peer_addr;
    LONGS_EQUAL(0, sys_getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer_addr), &len));
    LONGS_EQUAL(40000, ntohs(peer_addr.sin_port));
    sys_close(static_cast<int>(fd));
    sys_close(lfd);
}

TEST(tcp, active_open_sends_syn_and_completes) {
    int fd = tcp_socket();
    sockaddr_in to = sin_at(peer_ip, 5001);
    LONGS_EQUAL(-EINPROGRESS, sys_connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to));
    out_seg syn = expect_one(eth);
    LONGS_EQUAL(S, syn.flags);
    LONGS_EQUAL(5001, syn.dport);
    CHECK_TRUE(syn.sport >= 32768 && syn.sport <= 60999);
    LONGS_EQUAL(1460, syn.opt.mss_clamp);
    CHECK_TRUE(syn.opt.sack_ok && syn.opt.saw_tstamp && syn.opt.wscale_ok);
    LONGS_EQUAL(-EALREADY, sys_connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to));
    peer p = make_peer();
    p.port = 5001;
    p.our_port = syn.sport;
    p.seq = 9000;
    p.ack = syn.seq + 1;
    p.send(S | A, {}, cat({opt_mss(1460), opt_sackok(), opt_ts(5, syn.opt.rcv_tsval), opt_ws(2)}));
    out_seg ack = expect_one(eth);
    LONGS_EQUAL(A, ack.flags);
    LONGS_EQUAL(9001, ack.ack);
    LONGS_EQUAL(syn.seq + 1, ack.seq);
    LONGS_EQUAL(-EISCONN, sys_connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to));
    LONGS_EQUAL(0, socket_test::getint(fd, SOL_SOCKET, SO_ERROR));
    LONGS_EQUAL(1, tcp_mib_get(TCP_MIB_ACTIVEOPENS));
    sys_close(fd);
}

TEST(tcp, connect_refused_by_rst) {
    int fd = tcp_socket();
    sockaddr_in to = sin_at(peer_ip, 5001);
    LONGS_EQUAL(-EINPROGRESS, sys_connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to));
    out_seg syn = expect_one(eth);
    seg r;
    r.sport = 5001;
    r.dport = syn.sport;
    r.seq = 0;
    r.ack = syn.seq + 1;
    r.flags = R | A;
    inject(eth, r);
    LONGS_EQUAL(ECONNREFUSED, socket_test::getint(fd, SOL_SOCKET, SO_ERROR));
    LONGS_EQUAL(TCP_CLOSE, info_of(fd).tcpi_state);
    sys_close(fd);
}

TEST(tcp, syn_retransmits_back_off_then_time_out) {
    int fd = tcp_socket();
    LONGS_EQUAL(0, setint(fd, SOL_TCP, TCP_SYNCNT, 2));
    sockaddr_in to = sin_at(peer_ip, 5001);
    LONGS_EQUAL(-EINPROGRESS, sys_connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to));
    LONGS_EQUAL(1, sent(eth).size());
    advance_ms(900);
    CHECK_TRUE(sent(eth).empty());      // RFC 6298 2.1: 1 s before the first retry
    advance_ms(200);
    LONGS_EQUAL(1, sent(eth).size());
    advance_ms(1800);
    CHECK_TRUE(sent(eth).empty());      // doubled: 2 s
    advance_ms(200);
    LONGS_EQUAL(1, sent(eth).size());
    LONGS_EQUAL(0, socket_test::getint(fd, SOL_SOCKET, SO_ERROR));
    advance_ms(4100);                   // 4 s more: TCP_SYNCNT retries spent
    CHECK_TRUE(sent(eth).empty());
    LONGS_EQUAL(ETIMEDOUT, socket_test::getint(fd, SOL_SOCKET, SO_ERROR));
    LONGS_EQUAL(1, tcp_mib_get(TCP_MIB_ATTEMPTFAILS));
    sys_close(fd);
}

TEST(tcp, data_both_ways_with_delayed_ack) {
    int lfd = listener(80);
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    bytes msg = ipv4_test::pattern(3000);
    LONGS_EQUAL(3000, sys_write(fd, reinterpret_cast<const char*>(msg.data()), msg.size()));
    auto out = sent(eth);
    LONGS_EQUAL(3, out.size());   // 1460 + 1460 + 80
    bytes got;
    for (auto& o : out) {
        got.insert(got.end(), o.data.begin(), o.data.end());
    }
    CHECK_TRUE(got == msg);
    LONGS_EQUAL(1460, out[0].data.size());
    CHECK_TRUE(out[2].flags & P);
    p.ack += 3000;
    p.send(A);
    LONGS_EQUAL(0, info_of(fd).tcpi_unacked);
    // One small segment in: the ACK waits (RFC 1122 4.2.3.2), then goes.
    p.send(A | P, ipv4_test::pattern(100, 3));
    bytes in;
    LONGS_EQUAL(100, read_all(fd, &in));
    CHECK_TRUE(in == ipv4_test::pattern(100, 3));
    auto quick = sent(eth);
    // The first segments of a connection are ACKed at once (quick ACK).
    LONGS_EQUAL(1, quick.size());
    LONGS_EQUAL(p.seq, quick[0].ack);
    sys_close(fd);
    sys_close(lfd);
}

TEST(tcp, retransmission_timeout_backs_off) {
    int lfd = listener(80);
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    // The handshake measured an RTT of about nothing: the RTO is Linux's
    // 200 ms floor.
    LONGS_EQUAL(200000, info_of(fd).tcpi_rto);
    LONGS_EQUAL(10, sys_write(fd, "0123456789", 10));
    out_seg first = expect_one(eth);
    advance_ms(150);
    CHECK_TRUE(sent(eth).empty());
    advance_ms(70);
    out_seg again = expect_one(eth);
    LONGS_EQUAL(first.seq, again.seq);
    CHECK_TRUE(again.data == first.data);
    advance_ms(350);
    CHECK_TRUE(sent(eth).empty());
    advance_ms(70);     // doubled: 400 ms
    LONGS_EQUAL(1, sent(eth).size());
    advance_ms(750);
    CHECK_TRUE(sent(eth).empty());
    advance_ms(70);     // 800 ms
    LONGS_EQUAL(1, sent(eth).size());
    LONGS_EQUAL(3, tcp_mib_get(TCP_MIB_RETRANSSEGS));
    tcp_info ti = info_of(fd);
    LONGS_EQUAL(static_cast<int>(tcp_ca_state::Loss), ti.tcpi_ca_state);
    LONGS_EQUAL(1, ti.tcpi_snd_cwnd);   // RFC 5681 3.1: the loss window
    p.ack += 10;
    p.send(A);
    ti = info_of(fd);
    LONGS_EQUAL(0, ti.tcpi_unacked);
    LONGS_EQUAL(static_cast<int>(tcp_ca_state::Open), ti.tcpi_ca_state);
    sys_close(fd);
    sys_close(lfd);
}

// A peer may ACK any byte (RFC 9293 3.4): one that ACKs 6 bytes into a
// segment leaves the rest of it to resend from 2 bytes past a word, and its
// headers must still go out word aligned (a MIPS core faults on the stores).
TEST(tcp, segment_acked_into_its_middle_is_resent_word_aligned) {
    int lfd = listener(80);
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p, cat({opt_mss(1000)}));
    bytes msg = ipv4_test::pattern(3000);
    LONGS_EQUAL(3000, sys_write(fd, reinterpret_cast<const char*>(msg.data()), msg.size()));
    LONGS_EQUAL(3, sent(eth).size());
    uint32_t base = p.ack;
    p.ack = base + 6;
    p.send(A);
    sent(eth);
    advance_ms(1200);   // the RTO resends what is left of the first segment
    auto re = sent(eth);
    CHECK_TRUE(!re.empty());
    LONGS_EQUAL(base + 6, re[0].seq);
    CHECK_TRUE(re[0].data == bytes(msg.begin() + 6, msg.begin() + 1000));
    LONGS_EQUAL(0, net_test::priv_of(eth)->misaligned_ip);
    p.ack = base + 3000;
    p.send(A);
    LONGS_EQUAL(0, info_of(fd).tcpi_unacked);
    sys_close(fd);
    sys_close(lfd);
}

TEST(tcp, three_dupacks_fast_retransmit_without_sack) {
    int lfd = listener(80);
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    bytes msg = ipv4_test::pattern(1460 * 6);
    LONGS_EQUAL(static_cast<long>(msg.size()), sys_write(fd, reinterpret_cast<const char*>(msg.data()), msg.size()));
    auto out = sent(eth);
    LONGS_EQUAL(6, out.size());
    uint32_t base = p.ack;
    // The first segment is lost: three duplicate ACKs for it.
    for (int i = 0; i < 3; ++i) {
        p.send(A);
    }
    auto re = sent(eth);
    CHECK_TRUE(!re.empty());
    LONGS_EQUAL(base, re[0].seq);
    LONGS_EQUAL(1460, re[0].data.size());
    LONGS_EQUAL(1, tcp_ext_mib_get(LINUX_MIB_TCPFASTRETRANS));
    p.ack = base + static_cast<uint32_t>(msg.size());
    p.send(A);
    LONGS_EQUAL(0, info_of(fd).tcpi_unacked);
    sys_close(fd);
    sys_close(lfd);
}

TEST(tcp, sack_recovery_resends_only_the_hole) {
    int lfd = listener(80);
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p, cat({opt_mss(1000), opt_sackok()}));
    bytes msg = ipv4_test::pattern(1000 * 8);
    LONGS_EQUAL(8000, sys_write(fd, reinterpret_cast<const char*>(msg.data()), msg.size()));
    LONGS_EQUAL(8, sent(eth).size());
    uint32_t base = p.ack;
    // Segment 2 (base+1000..2000) lost; 3..5 SACKed in turn.
    p.ack = base + 1000;
    p.send(A);
    for (uint32_t k = 2; k <= 4; ++k) {
        p.send(A, {}, opt_sack({{base + 2000, base + 1000 * (k + 1)}}));
    }
    auto re = sent(eth);
    CHECK_TRUE(!re.empty());
    LONGS_EQUAL(base + 1000, re[0].seq);
    for (auto& r : re) {
        CHECK_FALSE(r.seq == base + 2000 || r.seq == base + 3000 || r.seq == base + 4000);   // SACKed: never resent
    }
    LONGS_EQUAL(1, tcp_ext_mib_get(LINUX_MIB_TCPSACKRECOVERY));
    p.ack = base + 8000;
    p.send(A);
    tcp_info ti = info_of(fd);
    LONGS_EQUAL(0, ti.tcpi_unacked);
    LONGS_EQUAL(0, ti.tcpi_sacked);
    sys_close(fd);
    sys_close(lfd);
}

TEST(tcp, out_of_order_data_is_sacked_and_reassembled) {
    int lfd = listener(80);
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p, cat({opt_mss(1460), opt_sackok()}));
    uint32_t start = p.seq;
    bytes a = ipv4_test::pattern(500, 1), b = ipv4_test::pattern(500, 2), c = ipv4_test::pattern(500, 3);
    p.seq = start + 500;
    p.send(A, b);   // a hole before it
    out_seg ack1 = expect_one(eth);
    LONGS_EQUAL(start, ack1.ack);
    LONGS_EQUAL(1, ack1.opt.num_sacks);
    LONGS_EQUAL(start + 500, ack1.opt.sack[0][0]);
    LONGS_EQUAL(start + 1000, ack1.opt.sack[0][1]);
    bytes none;
    LONGS_EQUAL(-EAGAIN, read_all(fd, &none));
    p.send(A, c);
    out_seg ack2 = expect_one(eth);
    LONGS_EQUAL(start + 1500, ack2.opt.sack[0][1]);
    p.seq = start;
    p.send(A, a);   // fills it
    out_seg ack3 = expect_one(eth);
    LONGS_EQUAL(start + 1500, ack3.ack);
    LONGS_EQUAL(0, ack3.opt.num_sacks);
    bytes in;
    LONGS_EQUAL(1500, read_all(fd, &in));
    CHECK_TRUE(in == cat({a, b, c}));
    sys_close(fd);
    sys_close(lfd);
}

TEST(tcp, duplicate_segment_gets_dsack) {
    int lfd = listener(80);
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p, cat({opt_mss(1460), opt_sackok()}));
    uint32_t start = p.seq;
    p.send(A, ipv4_test::pattern(100));
    sent(eth);
    p.seq = start;
    p.send(A, ipv4_test::pattern(100));   // again
    out_seg d = expect_one(eth);
    LONGS_EQUAL(start + 100, d.ack);
    LONGS_EQUAL(1, d.opt.num_sacks);
    LONGS_EQUAL(start, d.opt.sack[0][0]);   // D-SACK: below the ACK (RFC 2883)
    LONGS_EQUAL(start + 100, d.opt.sack[0][1]);
    sys_close(fd);
    sys_close(lfd);
}

TEST(tcp, active_close_through_time_wait) {
    int lfd = listener(80);
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    LONGS_EQUAL(0, sys_close(fd));
    out_seg fin = expect_one(eth);
    LONGS_EQUAL(F | A, fin.flags);
    p.ack = fin.seq + 1;
    p.send(A);   // FIN_WAIT2
    CHECK_TRUE(sent(eth).empty());
    p.send(F | A);
    out_seg last = expect_one(eth);
    LONGS_EQUAL(A, last.flags);
    LONGS_EQUAL(p.seq, last.ack);
    // TIME_WAIT holds the pair for 60 s; a retransmitted FIN is ACKed again.
    p.seq -= 1;
    p.send(F | A);
    LONGS_EQUAL(1, sent(eth).size());
    LONGS_EQUAL(1, tcp_hash_count() - 1);   // the listener and the TIME_WAIT sock
    advance_ms(61000);
    LONGS_EQUAL(1, tcp_hash_count());
    sys_close(lfd);
}

TEST(tcp, passive_close_through_last_ack) {
    int lfd = listener(80);
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    p.send(F | A);
    out_seg ack = expect_one(eth);
    LONGS_EQUAL(p.seq, ack.ack);
    bytes in;
    LONGS_EQUAL(0, read_all(fd, &in));   // end of file
    LONGS_EQUAL(TCP_CLOSE_WAIT, info_of(fd).tcpi_state);
    LONGS_EQUAL(0, sys_shutdown(fd, SHUT_WR));
    out_seg fin = expect_one(eth);
    CHECK_TRUE(fin.flags & F);
    LONGS_EQUAL(TCP_LAST_ACK, info_of(fd).tcpi_state);
    p.ack = fin.seq + 1;
    p.send(A);
    LONGS_EQUAL(TCP_CLOSE, info_of(fd).tcpi_state);
    sys_close(fd);
    sys_close(lfd);
}

TEST(tcp, close_with_unread_data_resets) {
    int lfd = listener(80);
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    p.send(A | P, ipv4_test::pattern(10));
    sent(eth);
    sys_close(fd);
    out_seg r = expect_one(eth);
    CHECK_TRUE(r.flags & R);   // RFC 2525 2.17
    LONGS_EQUAL(1, tcp_ext_mib_get(LINUX_MIB_TCPABORTONCLOSE));
    sys_close(lfd);
}

TEST(tcp, rst_exact_resets_in_window_draws_challenge_ack) {
    int lfd = listener(80);
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    seg r = p.make(R);
    r.seq = p.seq + 100;   // in the window, not exact
    inject(eth, r);
    out_seg ch = expect_one(eth);
    LONGS_EQUAL(A, ch.flags);
    LONGS_EQUAL(1, tcp_ext_mib_get(LINUX_MIB_TCPCHALLENGEACK));
    LONGS_EQUAL(TCP_ESTABLISHED, info_of(fd).tcpi_state);
    seg syn = p.make(S);   // a SYN in a synchronized state (RFC 5961 4)
    inject(eth, syn);
    LONGS_EQUAL(A, expect_one(eth).flags);
    LONGS_EQUAL(TCP_ESTABLISHED, info_of(fd).tcpi_state);
    inject(eth, p.make(R));   // exact
    bytes in;
    LONGS_EQUAL(-ECONNRESET, read_all(fd, &in));
    sys_close(fd);
    sys_close(lfd);
}

TEST(tcp, paws_drops_an_old_timestamp) {
    int lfd = listener(80);
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p, cat({opt_mss(1460), opt_ts(1000, 0)}));
    p.send(A | P, ipv4_test::pattern(10), opt_ts(1001, 0));
    sent(eth);
    p.send(A | P, ipv4_test::pattern(10, 9), opt_ts(500, 0));   // older
    LONGS_EQUAL(1, sent(eth).size());   // a duplicate ACK
    LONGS_EQUAL(1, tcp_ext_mib_get(LINUX_MIB_PAWSESTABREJECTED));
    bytes in;
    LONGS_EQUAL(10, read_all(fd, &in));
    sys_close(fd);
    sys_close(lfd);
}

TEST(tcp, zero_window_is_probed) {
    int lfd = listener(80);
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    p.win = 0;
    p.send(A);   // the peer's window closes
    LONGS_EQUAL(10, sys_write(fd, "0123456789", 10));
    CHECK_TRUE(sent(eth).empty());
    advance_ms(220);    // the persist timer starts at the RTO
    out_seg probe = expect_one(eth);
    LONGS_EQUAL(p.ack - 1, probe.seq);   // out of the window: must be answered
    LONGS_EQUAL(0, probe.data.size());
    advance_ms(300);
    CHECK_TRUE(sent(eth).empty());      // backed off: 400 ms
    advance_ms(150);
    LONGS_EQUAL(1, sent(eth).size());
    LONGS_EQUAL(2, tcp_ext_mib_get(LINUX_MIB_TCPWINPROBE));
    p.win = 65535;
    p.send(A);
    out_seg data = expect_one(eth);
    LONGS_EQUAL(10, data.data.size());
    sys_close(fd);
    sys_close(lfd);
}

TEST(tcp, keepalive_probes_then_times_out) {
    int lfd = listener(80);
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    LONGS_EQUAL(0, setint(fd, SOL_TCP, TCP_KEEPIDLE, 2));
    LONGS_EQUAL(0, setint(fd, SOL_TCP, TCP_KEEPINTVL, 1));
    LONGS_EQUAL(0, setint(fd, SOL_TCP, TCP_KEEPCNT, 2));
    LONGS_EQUAL(0, setint(fd, SOL_SOCKET, SO_KEEPALIVE, 1));
    LONGS_EQUAL(1, socket_test::getint(fd, SOL_SOCKET, SO_KEEPALIVE));
    advance_ms(2100);
    out_seg k = expect_one(eth);
    LONGS_EQUAL(p.ack - 1, k.seq);
    LONGS_EQUAL(0, k.data.size());
    advance_ms(1000);
    LONGS_EQUAL(1, sent(eth).size());
    advance_ms(1100);
    LONGS_EQUAL(ETIMEDOUT, socket_test::getint(fd, SOL_SOCKET, SO_ERROR));
    sys_close(fd);
    sys_close(lfd);
}

TEST(tcp, syn_cookies_when_the_syn_queue_is_full) {
    sysctl_tcp.max_syn_backlog = 8;
    int lfd = listener(80, 8);
    for (uint16_t i = 0; i < 8; ++i) {
        peer q = make_peer();
        q.port = static_cast<uint16_t>(41000 + i);
        q.send(S, {}, opt_mss(1460));
    }
    LONGS_EQUAL(8, sent(eth).size());
    peer p = make_peer();
    p.port = 42000;
    p.send(S, {}, opt_mss(1460));
    out_seg sa = expect_one(eth);
    LONGS_EQUAL(S | A, sa.flags);
    LONGS_EQUAL(1, tcp_ext_mib_get(LINUX_MIB_SYNCOOKIESSENT));
    CHECK_TRUE(sa.opt.mss_clamp <= 1460 && sa.opt.mss_clamp >= 536);
    p.ack = sa.seq + 1;
    p.send(A);
    LONGS_EQUAL(1, tcp_ext_mib_get(LINUX_MIB_SYNCOOKIESRECV));
    long fd = sys_accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK);
    CHECK_TRUE(fd >= 0);
    // A forged ACK carrying no valid cookie is refused.
    peer f = make_peer();
    f.port = 43000;
    f.ack = 12345;
    f.send(A);
    CHECK_TRUE(expect_one(eth).flags & R);
    sys_close(static_cast<int>(fd));
    sys_close(lfd);
}

TEST(tcp, listen_errors_and_port_conflicts) {
    int a = listener(8080);
    int b = tcp_socket();
    sockaddr_in sin = sin_at(0, 8080);
    LONGS_EQUAL(-EADDRINUSE, sys_bind(b, reinterpret_cast<sockaddr*>(&sin), sizeof sin));
    LONGS_EQUAL(0, setint(b, SOL_SOCKET, SO_REUSEADDR, 1));
    LONGS_EQUAL(-EADDRINUSE, sys_bind(b, reinterpret_cast<sockaddr*>(&sin), sizeof sin));   // a listener holds it
    int c = tcp_socket();
    bytes buf(10);
    LONGS_EQUAL(-ENOTCONN, sys_read(c, reinterpret_cast<char*>(buf.data()), 10));
    LONGS_EQUAL(-EPIPE, sys_write(c, "x", 1));
    sys_close(a);
    sys_close(b);
    sys_close(c);
}

TEST(tcp, nagle_holds_small_segments_nodelay_does_not) {
    int lfd = listener(80);
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    LONGS_EQUAL(1, sys_write(fd, "a", 1));
    LONGS_EQUAL(1, sent(eth).size());
    LONGS_EQUAL(1, sys_write(fd, "b", 1));
    CHECK_TRUE(sent(eth).empty());   // Nagle: one small segment in flight
    LONGS_EQUAL(0, setint(fd, SOL_TCP, TCP_NODELAY, 1));
    LONGS_EQUAL(1, sent(eth).size());   // set: what waited goes
    LONGS_EQUAL(1, sys_write(fd, "c", 1));
    LONGS_EQUAL(1, sent(eth).size());
    sys_close(fd);
    sys_close(lfd);
}

// MSG_MORE (Linux's TCP_NAGLE_CORK): a head written with it waits, even
// with nothing in flight, and leaves in one segment with the body after it.
TEST(tcp, msg_more_holds_the_head_for_the_body) {
    int lfd = listener(80);
    peer p = make_peer();
    int fd = passive_open(eth, lfd, &p);
    LONGS_EQUAL(6, sys_sendto(fd, "head: ", 6, MSG_MORE, nullptr, 0));
    CHECK_TRUE(sent(eth).empty());
    LONGS_EQUAL(4, sys_sendto(fd, "body", 4, 0, nullptr, 0));
    auto segs = sent(eth);
    LONGS_EQUAL(1, segs.size());
    std::string data(segs[0].data.begin(), segs[0].data.end());
    STRCMP_EQUAL("head: body", data.c_str());
    CHECK_TRUE(segs[0].flags & TCPHDR_PSH);
    sys_close(fd);
    sys_close(lfd);
}

TEST(tcp, loopback_both_ways_and_refused) {
    int lst = tcp_socket();
    int cli = tcp_socket();
    sockaddr_in at = sin_at(htonl(INADDR_LOOPBACK), 8008);
    LONGS_EQUAL(0, sys_bind(lst, reinterpret_cast<sockaddr*>(&at), sizeof at));
    LONGS_EQUAL(0, sys_listen(lst, 4));
    long rc = sys_connect(cli, reinterpret_cast<sockaddr*>(&at), sizeof at);
    CHECK_TRUE(rc == 0 || rc == -EINPROGRESS);
    socket_test::settle();
    long srv = sys_accept4(lst, nullptr, nullptr, SOCK_NONBLOCK);
    CHECK_TRUE(srv >= 0);
    LONGS_EQUAL(TCP_ESTABLISHED, info_of(cli).tcpi_state);
    bytes out = ipv4_test::pattern(200000, 5), in_s, in_c;
    size_t sc = 0, ss = 0;
    for (int rounds = 0; rounds < 20000 && (in_s.size() < out.size() || in_c.size() < out.size()); ++rounds) {
        if (sc < out.size()) {
            long n = sys_write(cli, reinterpret_cast<const char*>(out.data() + sc), out.size() - sc);
            CHECK_TRUE(n > 0 || n == -EAGAIN);
            sc += n > 0 ? static_cast<size_t>(n) : 0;
        }
        if (ss < out.size()) {
            long n = sys_write(static_cast<int>(srv), reinterpret_cast<const char*>(out.data() + ss), out.size() - ss);
            CHECK_TRUE(n > 0 || n == -EAGAIN);
            ss += n > 0 ? static_cast<size_t>(n) : 0;
        }
        socket_test::settle();
        read_all(static_cast<int>(srv), &in_s, 65536);
        read_all(cli, &in_c, 65536);
        socket_test::settle();
        ipv4_test::tick();
    }
    LONGS_EQUAL(out.size(), in_s.size());
    LONGS_EQUAL(out.size(), in_c.size());
    CHECK_TRUE(in_s == out && in_c == out);
    LONGS_EQUAL(0, sys_shutdown(cli, SHUT_WR));
    socket_test::settle();
    if (getenv("TCP_TEST_DUMP")) {
        tcp_info a = info_of(cli), b = info_of(static_cast<int>(srv));
        fprintf(stderr, "cli snd_wnd %u unacked %u notsent %u; srv rcv_space %u\n", a.tcpi_snd_wnd, a.tcpi_unacked,
                a.tcpi_notsent_bytes, b.tcpi_rcv_space);
    }
    bytes none;
    LONGS_EQUAL(0, read_all(static_cast<int>(srv), &none));
    sys_close(static_cast<int>(srv));
    socket_test::settle();
    LONGS_EQUAL(0, read_all(cli, &none));
    sys_close(cli);
    sys_close(lst);
    int r = tcp_socket();
    at.sin_port = htons(8009);
    LONGS_EQUAL(-EINPROGRESS, sys_connect(r, reinterpret_cast<sockaddr*>(&at), sizeof at));
    socket_test::settle();
    LONGS_EQUAL(ECONNREFUSED, socket_test::getint(r, SOL_SOCKET, SO_ERROR));
    sys_close(r);
}

TEST(tcp, reset_before_accept_is_still_accepted_then_reports_it) {
    int lfd = listener(80);
    peer p = make_peer();
    p.send(S, {}, opt_mss(1460));
    out_seg sa = expect_one(eth);
    p.ack = sa.seq + 1;
    p.send(A | P, ipv4_test::pattern(100));
    inject(eth, p.make(R | A));   // the client aborts before accept()
    sockaddr_in from{};
    int len = sizeof from;
    long fd = sys_accept4(lfd, reinterpret_cast<sockaddr*>(&from), &len, SOCK_NONBLOCK);
    CHECK_TRUE(fd >= 0);   // as Linux: handed over, the reset reported by the read
    LONGS_EQUAL(40000, ntohs(from.sin_port));
    bytes in;
    LONGS_EQUAL(100, read_all(static_cast<int>(fd), &in));   // what came before the reset
    LONGS_EQUAL(-ECONNRESET, read_all(static_cast<int>(fd), &in));
    sys_close(static_cast<int>(fd));
    sys_close(lfd);
}

// A half-open child that goes away (reset by the client, as a SYN scan's
// kernel does, or timed out after its SYN-ACK retries) leaves the SYN queue,
// not the accept queue: the listener still takes new connections after many
// of them, without falling back on cookies or dropping SYNs.
TEST(tcp, reset_and_timed_out_half_opens_leave_the_listener_usable) {
    sysctl_tcp.max_syn_backlog = 8;
    int lfd = listener(80, 4);
    for (uint16_t i = 0; i < 20; ++i) {
        peer q = make_peer();
        q.port = static_cast<uint16_t>(41000 + i);
        q.send(S, {}, opt_mss(1460));
        out_seg sa = expect_one(eth);
        LONGS_EQUAL(S | A, sa.flags);
        q.send(R);   // exactly at the SYN-ACK's ack: the child is gone
    }
    for (uint16_t i = 0; i < 8; ++i) {
        peer q = make_peer();
        q.port = static_cast<uint16_t>(42000 + i);
        q.send(S, {}, opt_mss(1460));
    }
    LONGS_EQUAL(8, sent(eth).size());
    advance_ms(200000);   // every SYN-ACK retry spent: the children time out
    LONGS_EQUAL(8 * sysctl_tcp.synack_retries, sent(eth).size());
    e.ip.know(peer_ip, ipv4_test::peer_mac);   // the peer's ARP entry aged meanwhile
    LONGS_EQUAL(0, tcp_ext_mib_get(LINUX_MIB_SYNCOOKIESSENT));
    for (uint16_t i = 0; i < 4; ++i) {
        peer p = make_peer();
        p.port = static_cast<uint16_t>(43000 + i);
        int fd = passive_open(eth, lfd, &p);
        CHECK_TRUE(fd >= 0);
        sys_close(fd);
        sent(eth);
    }
    LONGS_EQUAL(0, tcp_ext_mib_get(LINUX_MIB_SYNCOOKIESSENT));
    LONGS_EQUAL(0, tcp_ext_mib_get(LINUX_MIB_LISTENOVERFLOWS));
    LONGS_EQUAL(0, tcp_ext_mib_get(LINUX_MIB_LISTENDROPS));
    sys_close(lfd);
}
