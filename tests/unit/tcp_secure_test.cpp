// net/ipv4/tcp_secure.cpp: ISNs (RFC 6528), timestamp and port offsets, and
// SYN cookies (RFC 4987 3.6, Linux's net/ipv4/syncookies.c).
#include <CppUTest/TestHarness.h>

#include <stdint.h>

#include "net/ipv4/tcp_secure.h"

namespace {

const uint8_t key_a[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
const uint8_t key_b[16] = {16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};

// Network order does not matter to the hash; any distinct values do.
constexpr uint32_t peer = 0x0a000002, local = 0x0a000001;
constexpr uint16_t peer_port = 0x3930, local_port = 0x5000;
constexpr uint64_t sec = 1000000000ull;

}  // namespace

TEST_GROUP(tcp_secure) {
    void setup() override { secure_seq_set_key_for_test(key_a); }
};

TEST(tcp_secure, isn_differs_per_tuple) {
    uint32_t base = secure_tcp_seq(local, peer, local_port, peer_port, 0);
    CHECK(base != secure_tcp_seq(local, peer, local_port, peer_port + 1, 0));
    CHECK(base != secure_tcp_seq(local, peer, local_port + 1, peer_port, 0));
    CHECK(base != secure_tcp_seq(local, peer + 1, local_port, peer_port, 0));
    CHECK(base != secure_tcp_seq(local + 1, peer, local_port, peer_port, 0));
    CHECK(base != secure_tcp_seq(peer, local, peer_port, local_port, 0));   // the other direction
}

TEST(tcp_secure, isn_advances_with_a_64ns_clock) {
    uint32_t t0 = secure_tcp_seq(local, peer, local_port, peer_port, 5 * sec);
    LONGS_EQUAL(1, secure_tcp_seq(local, peer, local_port, peer_port, 5 * sec + 64) - t0);
    LONGS_EQUAL(0, secure_tcp_seq(local, peer, local_port, peer_port, 5 * sec + 63) - t0);
    // One second is 15625000 ticks; the space wraps after 274 s.
    LONGS_EQUAL(15625000, secure_tcp_seq(local, peer, local_port, peer_port, 6 * sec) - t0);
    CHECK(secure_tcp_seq(local, peer, local_port, peer_port, 5 * sec + (1ull << 38)) == t0);
}

TEST(tcp_secure, same_key_same_values_other_key_others) {
    uint32_t isn = secure_tcp_seq(local, peer, local_port, peer_port, sec);
    uint32_t ts = secure_tcp_ts_off(local, peer);
    uint32_t port = secure_ipv4_port_ephemeral(local, peer, peer_port);
    uint16_t mss = 0;
    uint32_t cookie = cookie_v4_init_sequence(peer, local, peer_port, local_port, 1234, 1460, 7, &mss);
    secure_seq_set_key_for_test(key_a);
    LONGS_EQUAL(isn, secure_tcp_seq(local, peer, local_port, peer_port, sec));
    LONGS_EQUAL(ts, secure_tcp_ts_off(local, peer));
    LONGS_EQUAL(port, secure_ipv4_port_ephemeral(local, peer, peer_port));
    LONGS_EQUAL(cookie, cookie_v4_init_sequence(peer, local, peer_port, local_port, 1234, 1460, 7, &mss));
    secure_seq_set_key_for_test(key_b);
    CHECK(isn != secure_tcp_seq(local, peer, local_port, peer_port, sec));
    CHECK(ts != secure_tcp_ts_off(local, peer));
    CHECK(port != secure_ipv4_port_ephemeral(local, peer, peer_port));
    CHECK(cookie != cookie_v4_init_sequence(peer, local, peer_port, local_port, 1234, 1460, 7, &mss));
    // The timestamp offset and the port offset follow the addresses.
    CHECK(secure_tcp_ts_off(local, peer) != secure_tcp_ts_off(local, peer + 1));
    CHECK(secure_ipv4_port_ephemeral(local, peer, 80) != secure_ipv4_port_ephemeral(local, peer, 81));
}

TEST(tcp_secure, cookie_round_trip_recovers_the_mss) {
    const uint16_t asked[] = {1460, 9000, 1459, 1440, 1300, 1299, 536, 100};
    const uint16_t encoded[] = {1460, 1460, 1440, 1440, 1300, 536, 536, 536};
    uint32_t count = tcp_cookie_time(1000 * sec);
    for (unsigned i = 0; i < sizeof asked / sizeof asked[0]; ++i) {
        uint16_t mss = 0;
        uint32_t isn = 0x11223344u + i * 0x01000193u;
        uint32_t cookie = cookie_v4_init_sequence(peer, local, peer_port, local_port, isn, asked[i], count, &mss);
        LONGS_EQUAL(encoded[i], mss);
        LONGS_EQUAL(encoded[i], cookie_v4_check(peer, local, peer_port, local_port, isn, cookie, count));
    }
}

TEST(tcp_secure, cookie_is_good_for_two_minutes_only) {
    uint16_t mss = 0;
    uint32_t count = tcp_cookie_time(1000 * sec);
    LONGS_EQUAL(16, count);   // 1000 s: the 16th minute
    uint32_t cookie = cookie_v4_init_sequence(peer, local, peer_port, local_port, 42, 1460, count, &mss);
    LONGS_EQUAL(1460, cookie_v4_check(peer, local, peer_port, local_port, 42, cookie, count + 1));
    LONGS_EQUAL(0, cookie_v4_check(peer, local, peer_port, local_port, 42, cookie, count + 2));
    LONGS_EQUAL(0, cookie_v4_check(peer, local, peer_port, local_port, 42, cookie, count + 200));
    LONGS_EQUAL(0, cookie_v4_check(peer, local, peer_port, local_port, 42, cookie, count - 1));   // from the future
    // The counter's 8 bits wrap: a cookie from minute 255 checks at minute 256.
    cookie = cookie_v4_init_sequence(peer, local, peer_port, local_port, 42, 1460, 255, &mss);
    LONGS_EQUAL(1460, cookie_v4_check(peer, local, peer_port, local_port, 42, cookie, 256));
}

TEST(tcp_secure, cookie_is_refused_for_another_connection) {
    uint16_t mss = 0;
    uint32_t cookie = cookie_v4_init_sequence(peer, local, peer_port, local_port, 42, 1460, 3, &mss);
    LONGS_EQUAL(0, cookie_v4_check(peer + 1, local, peer_port, local_port, 42, cookie, 3));
    LONGS_EQUAL(0, cookie_v4_check(peer, local + 1, peer_port, local_port, 42, cookie, 3));
    LONGS_EQUAL(0, cookie_v4_check(peer, local, peer_port + 1, local_port, 42, cookie, 3));
    LONGS_EQUAL(0, cookie_v4_check(peer, local, peer_port, local_port + 1, 42, cookie, 3));
    // Another SYN: the peer's ISN is added in, so one far from it leaves
    // garbage (one within 3 shifts the index, as Linux's).
    LONGS_EQUAL(0, cookie_v4_check(peer, local, peer_port, local_port, 42 + 1000, cookie, 3));
    LONGS_EQUAL(0, cookie_v4_check(peer, local, peer_port, local_port, 42 - 1000, cookie, 3));
    LONGS_EQUAL(0, cookie_v4_check(peer, local, peer_port, local_port, 42, cookie + 1, 3));
}

TEST(tcp_secure, forged_cookies_almost_never_pass) {
    // 4 valid MSS indexes out of 2^24: a guess passes about once in 4 million.
    unsigned passed = 0;
    for (uint32_t guess = 0; guess < 20000; ++guess) {
        if (cookie_v4_check(peer, local, peer_port, local_port, 42, guess * 2654435761u, 3)) {
            ++passed;
        }
    }
    CHECK(passed <= 1);
}

TEST(tcp_secure, cookie_minutes_from_the_clock) {
    LONGS_EQUAL(0, tcp_cookie_time(0));
    LONGS_EQUAL(0, tcp_cookie_time(59 * sec));
    LONGS_EQUAL(1, tcp_cookie_time(60 * sec));
    LONGS_EQUAL(60, tcp_cookie_time(3600 * sec));
}
