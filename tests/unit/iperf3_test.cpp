// host-only: links apps/iperf3 and Debian's libcjson, which the target
// tests image does not carry. The iperf3 control protocol against the
// bytes iperf 3.12's client sends (cookie, framing, the parameters JSON),
// the results it requires, and UDP's handshake, header, loss and jitter.
#include <stddef.h>
#include <string.h>

#include "apps/iperf3/proto.h"
#include "apps/iperf3/results.h"
#include "apps/iperf3/tcp_info.h"
#include "apps/iperf3/udp.h"
#include "net/ipv4/tcp.h"

#include <CppUTest/TestHarness.h>

using namespace iperf3;

namespace {

// What 3.12 sends for `iperf3 -c H -t 2 -P 4 -R -w 64K -J` (iperf3 -d).
const char PARAMS_REVERSE[] =
    R"({"tcp":true,"omit":0,"time":2,"num":0,"blockcount":0,"parallel":4,"reverse":true,)"
    R"("window":65536,"pacing_timer":1000,"client_version":"3.12"})";
const char PARAMS_UDP[] =
    R"({"udp":true,"omit":0,"time":3,"num":0,"blockcount":0,"parallel":1,"len":1200,)"
    R"("bandwidth":5000000,"pacing_timer":1000,"client_version":"3.12"})";

const uint8_t GOOD_COOKIE[COOKIE_SIZE] = "abcdefghijklmnopqrstuvwxyz2345672345";

}  // namespace

TEST_GROUP(iperf3_proto) {};

TEST(iperf3_proto, cookie_as_make_cookie_makes_it) {
    CHECK_TRUE(cookie_valid(GOOD_COOKIE));
    uint8_t c[COOKIE_SIZE];
    memcpy(c, GOOD_COOKIE, sizeof c);
    c[36] = 'a';   // no NUL
    CHECK_FALSE(cookie_valid(c));
    memcpy(c, GOOD_COOKIE, sizeof c);
    c[5] = '8';    // not base32
    CHECK_FALSE(cookie_valid(c));
    memcpy(c, GOOD_COOKIE, sizeof c);
    c[0] = 0;
    CHECK_FALSE(cookie_valid(c));
}

TEST(iperf3_proto, frame_needs_the_whole_body) {
    uint8_t buf[8] = {0, 0, 0, 3, '{', '}', ' ', 'x'};
    CHECK(frame_parse(buf, 3).status == frame_status::more);
    CHECK(frame_parse(buf, 6).status == frame_status::more);
    frame f = frame_parse(buf, 8);
    CHECK(f.status == frame_status::ok);
    UNSIGNED_LONGS_EQUAL(3, f.body_len);
    UNSIGNED_LONGS_EQUAL(7, f.consumed);
    MEMCMP_EQUAL("{} ", f.body, 3);
}

TEST(iperf3_proto, frame_refuses_oversized_and_empty) {
    uint8_t big[4] = {0, 0, 0x80, 1};   // 32769
    CHECK(frame_parse(big, 4).status == frame_status::too_big);
    uint8_t huge[4] = {0xff, 0xff, 0xff, 0xff};
    CHECK(frame_parse(huge, 4).status == frame_status::too_big);
    uint8_t zero[4] = {};
    CHECK(frame_parse(zero, 4).status == frame_status::empty);
    uint8_t h[4];
    frame_header(0x12345, h);
    BYTES_EQUAL(0x00, h[0]);
    BYTES_EQUAL(0x01, h[1]);
    BYTES_EQUAL(0x23, h[2]);
    BYTES_EQUAL(0x45, h[3]);
}

TEST(iperf3_proto, server_error_is_state_then_two_be32) {
    uint8_t out[SERVER_ERROR_SIZE];
    server_error_encode(ierr::num_streams, wire_errno::inval, out);
    const uint8_t want[] = {0xfe, 0, 0, 0, 6, 0, 0, 0, 22};
    MEMCMP_EQUAL(want, out, sizeof want);
}

TEST(iperf3_proto, stream_ids_as_iperf_add_stream) {
    LONGS_EQUAL(1, stream_id(0));
    LONGS_EQUAL(3, stream_id(1));
    LONGS_EQUAL(4, stream_id(2));
    LONGS_EQUAL(17, stream_id(15));
}

TEST(iperf3_proto, params_reverse_tcp) {
    params p;
    ierr e;
    CHECK_TRUE(params_parse(PARAMS_REVERSE, sizeof PARAMS_REVERSE - 1, &p, &e));
    CHECK(p.proto == protocol::tcp);
    CHECK(p.dir == direction::server_sends);
    LONGS_EQUAL(2, p.duration);
    LONGS_EQUAL(4, p.parallel);
    LONGS_EQUAL(65536, p.window);
    UNSIGNED_LONGS_EQUAL(DEFAULT_TCP_BLKSIZE, p.blksize);
    LONGS_EQUAL(0, p.receivers());
    LONGS_EQUAL(4, p.senders());
    STRCMP_EQUAL("3.12", p.client_version);
}

TEST(iperf3_proto, params_udp_and_bidir) {
    params p;
    ierr e;
    CHECK_TRUE(params_parse(PARAMS_UDP, sizeof PARAMS_UDP - 1, &p, &e));
    CHECK(p.proto == protocol::udp);
    UNSIGNED_LONGS_EQUAL(1200, p.blksize);
    UNSIGNED_LONGLONGS_EQUAL(5000000, p.rate);
    const char bidir[] = R"({"tcp":true,"time":1,"parallel":2,"bidirectional":true})";
    CHECK_TRUE(params_parse(bidir, sizeof bidir - 1, &p, &e));
    CHECK(p.dir == direction::bidir);
    LONGS_EQUAL(4, p.total());
    const char udp_default[] = R"({"udp":true,"time":1,"parallel":1})";
    CHECK_TRUE(params_parse(udp_default, sizeof udp_default - 1, &p, &e));
    UNSIGNED_LONGLONGS_EQUAL(0, p.rate);   // -b 0: unlimited
    UNSIGNED_LONGS_EQUAL(DEFAULT_UDP_BLKSIZE, p.blksize);
}

TEST(iperf3_proto, params_refused) {
    params p;
    ierr e;
    const char* bad[] = {"", "garbage", "[1,2]", "{\"time\":", "{\"parallel\":\"4\"}", "{\"time\":-1}",
                         "\"tcp\""};
    for (const char* s : bad) {
        CHECK_FALSE(params_parse(s, strlen(s), &p, &e));
        CHECK(e == ierr::recv_params);
    }
    const char many[] = R"({"tcp":true,"parallel":9})";
    CHECK_FALSE(params_parse(many, sizeof many - 1, &p, &e));
    CHECK(e == ierr::num_streams);
    const char zero[] = R"({"tcp":true,"parallel":0})";
    CHECK_FALSE(params_parse(zero, sizeof zero - 1, &p, &e));
    CHECK(e == ierr::num_streams);
    const char blk[] = R"({"tcp":true,"len":2000000})";
    CHECK_FALSE(params_parse(blk, sizeof blk - 1, &p, &e));
    CHECK(e == ierr::block_size);
    const char udpblk[] = R"({"udp":true,"len":65508})";
    CHECK_FALSE(params_parse(udpblk, sizeof udpblk - 1, &p, &e));
    CHECK(e == ierr::udp_block_size);
    const char sctp[] = R"({"sctp":true})";
    CHECK_FALSE(params_parse(sctp, sizeof sctp - 1, &p, &e));
    CHECK(e == ierr::unimplemented);
    // The text is bounded by its length, not by a NUL.
    const char cut[] = R"({"tcp":true}garbage)";
    CHECK_TRUE(params_parse(cut, 12, &p, &e));
}

TEST(iperf3_proto, tcp_info_as_the_kernel_fills_it) {
    UNSIGNED_LONGS_EQUAL(offsetof(tcp_info, tcpi_total_retrans), TCPI_TOTAL_RETRANS_OFF);
    LONGS_EQUAL(TCP_INFO, TCP_INFO_OPT);
    LONGS_EQUAL(TCP_NODELAY, TCP_NODELAY_OPT);
}

TEST_GROUP(iperf3_results) {};

TEST(iperf3_results, round_trip_what_get_results_requires) {
    stream_result s[2];
    s[0].id = 1;
    s[0].bytes = 123456789;
    s[0].end_time = 2.5;
    s[1].id = 3;
    s[1].bytes = 5;
    s[1].sender = true;
    s[1].retransmits = 7;
    test_result r;
    r.cpu_total = 12.5;
    r.cpu_system = 12.5;
    r.sender_has_retransmits = 1;
    r.streams = s;
    r.nstreams = 2;
    char out[1024];
    size_t n = results_encode(r, out, sizeof out);
    CHECK(n > 0);
    UNSIGNED_LONGS_EQUAL(strlen(out), n);
    CHECK(strstr(out, "\"cpu_util_total\":12.5") != nullptr);
    CHECK(strstr(out, "\"sender_has_retransmits\":1") != nullptr);
    stream_result back[2];
    test_result t;
    LONGS_EQUAL(2, results_decode(out, n, back, 2, &t));
    LONGS_EQUAL(1, back[0].id);
    UNSIGNED_LONGLONGS_EQUAL(123456789, back[0].bytes);
    LONGS_EQUAL(-1, back[0].retransmits);
    DOUBLES_EQUAL(2.5, back[0].end_time, 1e-9);
    LONGS_EQUAL(3, back[1].id);
    LONGS_EQUAL(7, back[1].retransmits);
    DOUBLES_EQUAL(12.5, t.cpu_total, 1e-9);
    LONGS_EQUAL(1, t.sender_has_retransmits);
}

TEST(iperf3_results, too_small_a_buffer_is_zero) {
    stream_result s[1];
    test_result r;
    r.streams = s;
    r.nstreams = 1;
    char out[32];
    UNSIGNED_LONGS_EQUAL(0, results_encode(r, out, sizeof out));
}

TEST(iperf3_results, decode_refuses_what_the_client_would) {
    stream_result s[4];
    test_result t;
    const char* bad[] = {
        "nonsense",
        R"({"cpu_util_total":1,"cpu_util_user":1,"cpu_util_system":1,"streams":[]})",
        R"({"cpu_util_total":1,"cpu_util_user":1,"cpu_util_system":1,"sender_has_retransmits":0})",
        R"({"cpu_util_total":1,"cpu_util_user":1,"cpu_util_system":1,"sender_has_retransmits":0,)"
        R"("streams":[{"id":1,"bytes":5}]})",
        R"({"cpu_util_total":1,"cpu_util_user":1,"cpu_util_system":1,"sender_has_retransmits":0,)"
        R"("streams":[7]})",
    };
    for (const char* b : bad) {
        LONGS_EQUAL(-1, results_decode(b, strlen(b), s, 4, &t));
    }
    const char ok[] = R"({"cpu_util_total":1,"cpu_util_user":1,"cpu_util_system":1,"sender_has_retransmits":0,)"
                      R"("streams":[{"id":1,"bytes":5,"retransmits":-1,"jitter":0,"errors":0,"packets":0}]})";
    LONGS_EQUAL(1, results_decode(ok, sizeof ok - 1, s, 4, &t));
    UNSIGNED_LONGLONGS_EQUAL(5, s[0].bytes);
    // More streams than room: counted, not stored past max.
    LONGS_EQUAL(1, results_decode(ok, sizeof ok - 1, s, 0, &t));
}

// Numbers past what the fields hold (found by fuzz_iperf3 under UBSan):
// clamped, never converted out of range.
TEST(iperf3_results, decode_clamps_numbers_out_of_range) {
    stream_result s[1];
    test_result t;
    const char big[] = R"({"cpu_util_total":1,"cpu_util_user":1,"cpu_util_system":1,"sender_has_retransmits":1e300,)"
                       R"("streams":[{"id":-1e30,"bytes":1e40,"retransmits":-1e40,"jitter":0,"errors":-5,)"
                       R"("packets":18446744073709551616}]})";
    LONGS_EQUAL(1, results_decode(big, sizeof big - 1, s, 1, &t));
    LONGS_EQUAL(INT32_MAX, t.sender_has_retransmits);
    LONGS_EQUAL(INT32_MIN, s[0].id);
    UNSIGNED_LONGLONGS_EQUAL(UINT64_MAX, s[0].bytes);
    CHECK_TRUE(s[0].retransmits == INT64_MIN);
    UNSIGNED_LONGLONGS_EQUAL(0, s[0].errors);
    UNSIGNED_LONGLONGS_EQUAL(UINT64_MAX, s[0].packets);
}

TEST_GROUP(iperf3_udp) {};

TEST(iperf3_udp, connect_magic_as_x86_writes_it) {
    const uint8_t msg[] = {0x39, 0x38, 0x37, 0x36};   // 0x36373839 little-endian
    CHECK_TRUE(udp_connect_valid(msg, 4));
    const uint8_t be[] = {0x36, 0x37, 0x38, 0x39};
    CHECK_TRUE(udp_connect_valid(be, 4));
    const uint8_t legacy[] = {0x15, 0xcd, 0x5b, 0x07};   // 123456789 little-endian
    CHECK_TRUE(udp_connect_valid(legacy, 4));
    CHECK_FALSE(udp_connect_valid(msg, 3));
    const uint8_t junk[] = {1, 2, 3, 4};
    CHECK_FALSE(udp_connect_valid(junk, 4));
    uint8_t reply[4];
    udp_connect_reply(reply);
    const uint8_t want[] = {0x36, 0x37, 0x38, 0x39};   // 0x39383736 little-endian
    MEMCMP_EQUAL(want, reply, 4);
}

TEST(iperf3_udp, header_32_and_64_bit_counters) {
    udp_header h{0x01020304, 999999, 0x1122334455ull};
    uint8_t b[16];
    udp_header_encode(h, true, b);
    const uint8_t want64[] = {1, 2, 3, 4, 0, 0x0f, 0x42, 0x3f, 0, 0, 0, 0x11, 0x22, 0x33, 0x44, 0x55};
    MEMCMP_EQUAL(want64, b, 16);
    udp_header back;
    CHECK_TRUE(udp_header_decode(b, 16, true, &back));
    UNSIGNED_LONGLONGS_EQUAL(0x1122334455ull, back.count);
    CHECK_FALSE(udp_header_decode(b, 15, true, &back));
    udp_header_encode(h, false, b);
    CHECK_TRUE(udp_header_decode(b, 12, false, &back));
    UNSIGNED_LONGLONGS_EQUAL(0x22334455ull, back.count);
    UNSIGNED_LONGS_EQUAL(999999, back.usec);
    CHECK_FALSE(udp_header_decode(b, 11, false, &back));
}

TEST(iperf3_udp, loss_and_reordering) {
    udp_rx_stats s;
    for (uint64_t c : {1, 2, 5, 4, 6}) {
        s.receive(udp_header{0, 0, c}, 100, 0);
    }
    UNSIGNED_LONGLONGS_EQUAL(500, s.bytes);
    UNSIGNED_LONGLONGS_EQUAL(6, s.packets);
    UNSIGNED_LONGLONGS_EQUAL(1, s.lost);   // 3 lost, 4 late
    UNSIGNED_LONGLONGS_EQUAL(1, s.out_of_order);
}

// A hostile client's counts (found by fuzz_iperf3): the largest one then
// anything else loses no more than were counted, nothing wraps.
TEST(iperf3_udp, a_count_of_two_to_the_64_minus_one_does_not_wrap) {
    udp_rx_stats s;
    for (uint64_t c : {UINT64_MAX, UINT64_MAX, uint64_t{0}, uint64_t{7}}) {
        s.receive(udp_header{0, 0, c}, 100, 0);
    }
    UNSIGNED_LONGLONGS_EQUAL(UINT64_MAX, s.packets);
    UNSIGNED_LONGLONGS_EQUAL(UINT64_MAX - 4, s.lost);
    UNSIGNED_LONGLONGS_EQUAL(3, s.out_of_order);
    CHECK_TRUE(s.lost <= s.packets);
}

TEST(iperf3_udp, jitter_converges_on_a_steady_wobble) {
    udp_rx_stats s;
    // Sent every 10 ms; arrivals alternate 0 and 2 ms late: |D| = 2 ms.
    for (uint32_t i = 0; i < 400; ++i) {
        double sent = i * 0.01;
        s.receive(udp_header{0, i * 10000, i + 1}, 100, sent + (i % 2 ? 0.002 : 0));
    }
    DOUBLES_EQUAL(0.002, s.jitter, 1e-6);
    udp_rx_stats steady;
    for (uint32_t i = 0; i < 10; ++i) {
        steady.receive(udp_header{1, i * 1000, i + 1}, 100, 1 + i * 0.001 + 0.5);
    }
    DOUBLES_EQUAL(0, steady.jitter, 1e-9);
    UNSIGNED_LONGLONGS_EQUAL(0, steady.lost);
}
