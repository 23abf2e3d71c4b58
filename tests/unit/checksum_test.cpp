#include <string.h>

#include <CppUTest/TestHarness.h>

#include "kernel/byteorder.h"
#include "net/core/checksum.h"

namespace {

// RFC 1071 section 1, literally: 16-bit big-endian numbers from the bytes, a
// zero byte after an odd last one, end-around carry, complement. No host
// byte order anywhere, so it is the reference the fast code must match.
uint16_t reference_csum(const uint8_t* p, size_t len, uint32_t sum = 0) {
    for (size_t i = 0; i + 1 < len; i += 2) {
        sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
    }
    if (len & 1) {
        sum += static_cast<uint32_t>(p[len - 1] << 8);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<uint16_t>(~sum);
}

// The bytes a checksum puts on the wire when stored as the kernel stores it.
void stored(__sum16 c, uint8_t out[2]) { memcpy(out, &c, 2); }

uint8_t pattern[2048];
struct fill_pattern {
    fill_pattern() {
        uint32_t s = 12345;
        for (uint8_t& b : pattern) {
            s = s * 1103515245 + 12345;
            b = static_cast<uint8_t>(s >> 16);
        }
    }
} fill_pattern_now;

// Wikipedia's "IPv4 header checksum" example: 192.168.0.1 -> 192.168.0.199,
// UDP, checksum 0xb861.
const uint8_t ip_header[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                               0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
const uint8_t saddr_bytes[4] = {192, 168, 0, 1};
const uint8_t daddr_bytes[4] = {192, 168, 0, 199};

__be32 addr(const uint8_t* b) {
    __be32 a;
    memcpy(&a, b, 4);
    return a;
}

}  // namespace

TEST_GROUP(checksum){};

TEST(checksum, byte_order_helpers) {
    static_assert(ntohs(htons(0x1234)) == 0x1234);
    static_assert(ntohl(htonl(0x12345678u)) == 0x12345678u);
    static_assert(swab32(0x12345678u) == 0x78563412u);
    __be16 s = htons(0x1234);
    __be32 l = htonl(0x0a000001);
    uint8_t b[4];
    memcpy(b, &s, 2);
    LONGS_EQUAL(0x12, b[0]);
    LONGS_EQUAL(0x34, b[1]);
    memcpy(b, &l, 4);
    LONGS_EQUAL(10, b[0]);
    LONGS_EQUAL(1, b[3]);
    uint8_t p[4];
    put_unaligned_be32(0xc0a80001, p);
    LONGS_EQUAL(0xc0a80001, get_unaligned_be32(p));
    LONGS_EQUAL(0xc0a8, get_unaligned_be16(p));
}

TEST(checksum, rfc1071_example) {
    // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2; checksum 220d.
    const uint8_t data[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    uint8_t wire[2];
    stored(ip_compute_csum(data, 8), wire);
    LONGS_EQUAL(0x22, wire[0]);
    LONGS_EQUAL(0x0d, wire[1]);
    LONGS_EQUAL(0x220d, ntohs(ip_compute_csum(data, 8)));
}

TEST(checksum, ipv4_header) {
    LONGS_EQUAL(0, ip_fast_csum(ip_header, 5));  // intact header sums to zero
    uint8_t hdr[20];
    memcpy(hdr, ip_header, 20);
    hdr[10] = hdr[11] = 0;
    __sum16 c = ip_fast_csum(hdr, 5);
    memcpy(hdr + 10, &c, 2);
    MEMCMP_EQUAL(ip_header, hdr, 20);
    hdr[8] = 0x3f;  // TTL changed: no longer zero
    CHECK(ip_fast_csum(hdr, 5) != 0);
}

TEST(checksum, every_length_and_alignment_matches_the_rfc_definition) {
    for (size_t off = 0; off < 8; ++off) {
        for (size_t len = 0; len <= 300; ++len) {
            uint16_t want = reference_csum(pattern + off, len);
            uint16_t got = ntohs(ip_compute_csum(pattern + off, static_cast<int>(len)));
            if (want != got) {
                FAIL("checksum differs from RFC 1071's definition");
            }
        }
    }
    LONGS_EQUAL(reference_csum(pattern, sizeof pattern), ntohs(ip_compute_csum(pattern, sizeof pattern)));
}

TEST(checksum, folding_and_the_two_zeros) {
    uint8_t ones[64];
    memset(ones, 0xff, sizeof ones);
    LONGS_EQUAL(0x0000, ip_compute_csum(ones, sizeof ones));  // sum is 0xffff (-0)
    uint8_t zeros[64] = {};
    LONGS_EQUAL(0xffff, ip_compute_csum(zeros, sizeof zeros));
    LONGS_EQUAL(0xffff, ip_compute_csum(zeros, 0));
    LONGS_EQUAL(0x0000, csum_fold(0xffffffffu));
    LONGS_EQUAL(0xffff, csum_fold(0));
    LONGS_EQUAL(0x0000, csum_fold(0x0001fffeu));  // carries fold twice: 0xfffe + 1 = 0xffff
    LONGS_EQUAL(1, csum_add(0xffffffffu, 1));     // -0 + 1, the carry comes back in
    LONGS_EQUAL(1, csum_add(0x80000000u, 0x80000000u));
    LONGS_EQUAL(0xffffffffu, csum_sub(0, 0));
    // A long run of 0xffff words must not lose carries.
    static uint8_t big[65536 * 2];
    memset(big, 0xff, sizeof big);
    LONGS_EQUAL(0, ip_compute_csum(big, sizeof big));
    big[sizeof big - 1] = 0xfe;
    LONGS_EQUAL(reference_csum(big, sizeof big), ntohs(ip_compute_csum(big, sizeof big)));
}

TEST(checksum, odd_lengths_pad_with_a_zero_byte) {
    const uint8_t one[1] = {0xab};
    LONGS_EQUAL(static_cast<uint16_t>(~0xab00), ntohs(ip_compute_csum(one, 1)));
    const uint8_t three[3] = {0x12, 0x34, 0x56};
    LONGS_EQUAL(static_cast<uint16_t>(~(0x1234 + 0x5600)), ntohs(ip_compute_csum(three, 3)));
}

TEST(checksum, pieces_join_at_any_offset) {
    for (int split = 0; split <= 101; ++split) {
        __wsum a = csum_partial(pattern, split, 0);
        __wsum b = csum_partial(pattern + split, 101 - split, 0);
        LONGS_EQUAL(csum_fold(csum_partial(pattern, 101, 0)), csum_fold(csum_block_add(a, b, split)));
        // Subtracting gives the same number, up to which zero (+0 or -0).
        __wsum whole = csum_partial(pattern, 101, 0);
        uint16_t rest = static_cast<uint16_t>(~csum_fold(csum_block_sub(whole, b, split)));
        uint16_t want = static_cast<uint16_t>(~csum_fold(a));
        LONGS_EQUAL(want % 0xffff, rest % 0xffff);
    }
    // Chaining plain csum_partial works over even-length pieces.
    __wsum chained = csum_partial(pattern + 40, 61, csum_partial(pattern, 40, 0));
    LONGS_EQUAL(csum_fold(csum_partial(pattern, 101, 0)), csum_fold(chained));
}

TEST(checksum, copy_and_sum_in_one_pass) {
    for (int len : {0, 1, 15, 16, 17, 64, 1499, 1500}) {
        uint8_t dst[1600] = {};
        __wsum s = csum_partial_copy_nocheck(pattern + 3, dst, len);
        MEMCMP_EQUAL(pattern + 3, dst, static_cast<size_t>(len));
        LONGS_EQUAL(csum_fold(csum_partial(pattern + 3, len, 0)), csum_fold(s));
    }
}

TEST(checksum, udp_pseudo_header_rfc768) {
    // 192.168.0.1:1234 -> 192.168.0.199:80, "hello": checksum 0x34c7
    // (computed independently from RFC 768's definition).
    uint8_t udp[13] = {0x04, 0xd2, 0x00, 0x50, 0x00, 0x0d, 0x00, 0x00, 'h', 'e', 'l', 'l', 'o'};
    __wsum sum = csum_partial(udp, sizeof udp, 0);
    __sum16 c = csum_tcpudp_magic(addr(saddr_bytes), addr(daddr_bytes), sizeof udp, 17, sum);
    LONGS_EQUAL(0x34c7, ntohs(c));
    memcpy(udp + 6, &c, 2);  // receiver: a datagram with its checksum sums to 0
    LONGS_EQUAL(0, csum_tcpudp_magic(addr(saddr_bytes), addr(daddr_bytes), sizeof udp, 17,
                                     csum_partial(udp, sizeof udp, 0)));
}

TEST(checksum, tcp_pseudo_header_with_a_length_over_255) {
    uint8_t seg[300];
    for (int i = 0; i < 300; ++i) {
        seg[i] = static_cast<uint8_t>(i * 7 + 3);
    }
    __sum16 c = csum_tcpudp_magic(addr(saddr_bytes), addr(daddr_bytes), 300, 6, csum_partial(seg, 300, 0));
    LONGS_EQUAL(0x4f6c, ntohs(c));
}

TEST(checksum, incremental_update_equals_recomputation) {
    uint8_t hdr[20];
    memcpy(hdr, ip_header, 20);
    __sum16 check;
    memcpy(&check, hdr + 10, 2);
    __be16 old_ttl_proto;
    memcpy(&old_ttl_proto, hdr + 8, 2);
    hdr[8] = static_cast<uint8_t>(hdr[8] - 1);  // forwarding: TTL - 1
    __be16 new_ttl_proto;
    memcpy(&new_ttl_proto, hdr + 8, 2);
    csum_replace2(&check, old_ttl_proto, new_ttl_proto);
    memcpy(hdr + 10, &check, 2);
    LONGS_EQUAL(0, ip_fast_csum(hdr, 5));
    __be32 old_daddr = addr(hdr + 16);
    const uint8_t nat[4] = {10, 0, 0, 7};
    memcpy(hdr + 16, nat, 4);
    csum_replace4(&check, old_daddr, addr(nat));
    memcpy(hdr + 10, &check, 2);
    LONGS_EQUAL(0, ip_fast_csum(hdr, 5));
}

// The same sums as a CPU of either byte order computes them
// (csum_partial_as<O>): the two bytes it stores must be the same, RFC 1071's,
// whichever it is (RFC 1071 2(B)). Values go in and out the way such a CPU
// loads and stores them.
namespace {

template <byte_order O>
uint16_t load16_as(const uint8_t* p) {
    return O == byte_order::big ? get_unaligned_be16(p) : get_unaligned_le16(p);
}
template <byte_order O>
uint32_t load32_as(const uint8_t* p) {
    return O == byte_order::big ? get_unaligned_be32(p) : get_unaligned_le32(p);
}
template <byte_order O>
void store16_as(uint16_t v, uint8_t* p) {
    O == byte_order::big ? put_unaligned_be16(v, p) : put_unaligned_le16(v, p);
}
// The checksum as it reads on the wire after the CPU stored it.
template <byte_order O>
uint16_t on_wire(__sum16 c) {
    uint8_t b[2];
    store16_as<O>(c, b);
    return get_unaligned_be16(b);
}

template <byte_order O>
void check_every_length_and_alignment() {
    for (size_t off = 0; off < 8; ++off) {
        for (size_t len = 0; len <= 300; ++len) {
            const int n = static_cast<int>(len);
            if (on_wire<O>(csum_fold(csum_partial_as<O>(pattern + off, n, 0))) != reference_csum(pattern + off, len)) {
                FAIL("checksum differs from RFC 1071's definition");
            }
            uint8_t copy[300];
            if (on_wire<O>(csum_fold(csum_partial_copy_as<O>(pattern + off, copy, n))) !=
                    reference_csum(pattern + off, len) ||
                memcmp(copy, pattern + off, len) != 0) {
                FAIL("copy and sum differs");
            }
        }
    }
}

// Pieces at odd offsets joined by csum_block_add: a rotation, no byte order.
template <byte_order O>
void check_pieces_join() {
    for (int cut = 0; cut <= 41; ++cut) {
        __wsum s = csum_partial_as<O>(pattern, cut, 0);
        s = csum_block_add(s, csum_partial_as<O>(pattern + cut, 100 - cut, 0), cut);
        LONGS_EQUAL(reference_csum(pattern, 100), on_wire<O>(csum_fold(s)));
    }
}

// RFC 768's UDP example of udp_pseudo_header_rfc768, then the receiver's
// check over the datagram with the stored checksum in it.
template <byte_order O>
void check_udp_pseudo_header() {
    uint8_t udp[13] = {0x04, 0xd2, 0x00, 0x50, 0x00, 0x0d, 0x00, 0x00, 'h', 'e', 'l', 'l', 'o'};
    const __be32 saddr = load32_as<O>(saddr_bytes), daddr = load32_as<O>(daddr_bytes);
    __sum16 c = csum_fold(csum_tcpudp_nofold_as<O>(saddr, daddr, sizeof udp, 17, csum_partial_as<O>(udp, sizeof udp, 0)));
    LONGS_EQUAL(0x34c7, on_wire<O>(c));
    store16_as<O>(c, udp + 6);
    LONGS_EQUAL(0, csum_fold(csum_tcpudp_nofold_as<O>(saddr, daddr, sizeof udp, 17, csum_partial_as<O>(udp, sizeof udp, 0))));
    // TCP, a length over 255 (both bytes of the pseudo-header length used).
    uint8_t seg[300];
    for (int i = 0; i < 300; ++i) {
        seg[i] = static_cast<uint8_t>(i * 7 + 3);
    }
    c = csum_fold(csum_tcpudp_nofold_as<O>(saddr, daddr, 300, 6, csum_partial_as<O>(seg, 300, 0)));
    LONGS_EQUAL(0x4f6c, on_wire<O>(c));
}

// Forwarding's TTL decrement and a NAT rewrite, as incremental updates of
// the stored header checksum (RFC 1624), then a full check.
template <byte_order O>
void check_incremental_update() {
    uint8_t hdr[20];
    memcpy(hdr, ip_header, 20);
    __sum16 check = load16_as<O>(hdr + 10);
    const __be16 old_ttl_proto = load16_as<O>(hdr + 8);
    hdr[8] = static_cast<uint8_t>(hdr[8] - 1);
    csum_replace2(&check, old_ttl_proto, load16_as<O>(hdr + 8));
    store16_as<O>(check, hdr + 10);
    LONGS_EQUAL(0, csum_fold(csum_partial_as<O>(hdr, 20, 0)));
    const __be32 old_daddr = load32_as<O>(hdr + 16);
    const uint8_t nat[4] = {10, 0, 0, 7};
    memcpy(hdr + 16, nat, 4);
    csum_replace4(&check, old_daddr, load32_as<O>(nat));
    store16_as<O>(check, hdr + 10);
    LONGS_EQUAL(0, csum_fold(csum_partial_as<O>(hdr, 20, 0)));
    // What is on the wire is RFC 1071's sum of the header without it.
    uint8_t zeroed[20];
    memcpy(zeroed, hdr, 20);
    zeroed[10] = zeroed[11] = 0;
    LONGS_EQUAL(reference_csum(zeroed, 20), get_unaligned_be16(hdr + 10));
}

}  // namespace

TEST(checksum, the_host_functions_are_the_host_order) {
    for (int len = 0; len <= 64; ++len) {
        LONGS_EQUAL(csum_partial_as<host_byte_order>(pattern + 1, len, 7), csum_partial(pattern + 1, len, 7));
    }
    LONGS_EQUAL(csum_tcpudp_nofold_as<host_byte_order>(1, 2, 300, 6, 3), csum_tcpudp_nofold(1, 2, 300, 6, 3));
}

TEST(checksum, either_cpu_stores_the_rfc1071_checksum) {
    check_every_length_and_alignment<byte_order::little>();
    check_every_length_and_alignment<byte_order::big>();
}

TEST(checksum, either_cpu_joins_pieces_at_odd_offsets) {
    check_pieces_join<byte_order::little>();
    check_pieces_join<byte_order::big>();
}

TEST(checksum, either_cpu_fills_the_udp_and_tcp_pseudo_header) {
    check_udp_pseudo_header<byte_order::little>();
    check_udp_pseudo_header<byte_order::big>();
}

TEST(checksum, either_cpu_updates_a_stored_checksum_incrementally) {
    check_incremental_update<byte_order::little>();
    check_incremental_update<byte_order::big>();
}
