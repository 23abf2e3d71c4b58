// kernel/byteorder.h for both byte orders: each conversion as a little- and
// as a big-endian CPU computes it, checked by the bytes that CPU would
// store (put_unaligned_le/be are what a store of that order does).
#include <CppUTest/TestHarness.h>

#include <stdint.h>
#include <string.h>

#include "kernel/byteorder.h"

namespace {

template <byte_order O>
void store16(uint16_t v, uint8_t* p) {
    O == byte_order::big ? put_unaligned_be16(v, p) : put_unaligned_le16(v, p);
}
template <byte_order O>
void store32(uint32_t v, uint8_t* p) {
    O == byte_order::big ? put_unaligned_be32(v, p) : put_unaligned_le32(v, p);
}

// Network order and the PCI devices' order come out the same on either CPU.
template <byte_order O>
void check_stored_bytes() {
    uint8_t b[4];
    store16<O>(htons<O>(0x1234), b);
    LONGS_EQUAL(0x12, b[0]);
    LONGS_EQUAL(0x34, b[1]);
    store32<O>(htonl<O>(0x0a000001u), b);
    const uint8_t net[4] = {10, 0, 0, 1};
    MEMCMP_EQUAL(net, b, 4);
    store16<O>(cpu_to_le16<O>(0x1234), b);
    LONGS_EQUAL(0x34, b[0]);
    LONGS_EQUAL(0x12, b[1]);
    store32<O>(cpu_to_le32<O>(0x12345678u), b);
    const uint8_t le[4] = {0x78, 0x56, 0x34, 0x12};
    MEMCMP_EQUAL(le, b, 4);
    // And back: what such a CPU loads from those bytes converts to the number.
    LONGS_EQUAL(0x12345678u, le32_to_cpu<O>(O == byte_order::big ? get_unaligned_be32(le) : get_unaligned_le32(le)));
    LONGS_EQUAL(0x0a000001u, ntohl<O>(O == byte_order::big ? get_unaligned_be32(net) : get_unaligned_le32(net)));
}

}  // namespace

TEST_GROUP(byteorder) {};

TEST(byteorder, the_host_order_is_the_default) {
    static_assert(host_is_big_endian == (host_byte_order == byte_order::big));
    uint16_t one = 1;
    uint8_t first;
    memcpy(&first, &one, 1);
    LONGS_EQUAL(host_is_big_endian ? 0 : 1, first);
    LONGS_EQUAL(htons<host_byte_order>(0x1234), htons(0x1234));
    LONGS_EQUAL(cpu_to_le32<host_byte_order>(0x12345678u), cpu_to_le32(0x12345678u));
}

TEST(byteorder, conversions_per_order) {
    static_assert(htons<byte_order::big>(0x1234) == 0x1234 && htons<byte_order::little>(0x1234) == 0x3412);
    static_assert(htonl<byte_order::big>(0x12345678u) == 0x12345678u);
    static_assert(htonl<byte_order::little>(0x12345678u) == 0x78563412u);
    static_assert(cpu_to_le16<byte_order::big>(0x1234) == 0x3412 && cpu_to_le16<byte_order::little>(0x1234) == 0x1234);
    static_assert(le32_to_cpu<byte_order::big>(0x78563412u) == 0x12345678u);
    static_assert(be16_to_cpu<byte_order::little>(0x3412) == 0x1234);
    static_assert(swab16(0x1234) == 0x3412 && swab32(0x12345678u) == 0x78563412u);
}

TEST(byteorder, either_cpu_stores_network_and_device_order_alike) {
    check_stored_bytes<byte_order::little>();
    check_stored_bytes<byte_order::big>();
}

TEST(byteorder, unaligned_access_at_any_offset) {
    uint8_t b[7] = {};
    put_unaligned_le32(0x11223344u, b + 1);
    const uint8_t le[4] = {0x44, 0x33, 0x22, 0x11};
    MEMCMP_EQUAL(le, b + 1, 4);
    LONGS_EQUAL(0x11223344u, get_unaligned_le32(b + 1));
    LONGS_EQUAL(0x2233, get_unaligned_le16(b + 2));
    put_unaligned_be32(0x11223344u, b + 3);
    LONGS_EQUAL(0x11223344u, get_unaligned_be32(b + 3));
    LONGS_EQUAL(0x2233, get_unaligned_be16(b + 4));
}

// o32 passes a long long in a register pair as memory holds it: the pair
// stored word by word gives the bytes of the 64-bit value in that order.
TEST(byteorder, o32_register_pair_per_order) {
    constexpr uint64_t v = 0x1122334455667788ull;
    constexpr reg_pair be = split_64<byte_order::big>(v);
    constexpr reg_pair le = split_64<byte_order::little>(v);
    static_assert(be.first == 0x11223344u && be.second == 0x55667788u);
    static_assert(le.first == 0x55667788u && le.second == 0x11223344u);
    static_assert(merge_64<byte_order::big>(be.first, be.second) == v);
    static_assert(merge_64<byte_order::little>(le.first, le.second) == v);
    uint8_t mem[8];
    store32<byte_order::big>(be.first, mem);
    store32<byte_order::big>(be.second, mem + 4);
    const uint8_t as_be64[8] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    MEMCMP_EQUAL(as_be64, mem, 8);
    store32<byte_order::little>(le.first, mem);
    store32<byte_order::little>(le.second, mem + 4);
    const uint8_t as_le64[8] = {0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};
    MEMCMP_EQUAL(as_le64, mem, 8);
    // The host's own pair is what its compiler does with a 64-bit value.
    uint32_t words[2];
    memcpy(words, &v, 8);
    const reg_pair host = split_64(v);
    LONGS_EQUAL(words[0], host.first);
    LONGS_EQUAL(words[1], host.second);
}
