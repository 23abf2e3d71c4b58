// Byte order: network order (big-endian, RFC 1700 "Data Notations"), the
// little-endian order of PCI devices (Linux's cpu_to_le32 family), and the host's.
// This is the one place that knows the host's byte order; everything
// else converts through these functions.
//
// The __be16/__be32 names are Linux's: they say "this value holds bytes in
// network order as they lie in memory", not a number. Plain aliases (there is
// no sparse here), so they document rather than enforce.
//
// Every conversion takes the CPU's byte order as a template argument that
// defaults to the host's: code calls htons(x) and gets the host's, and a
// host unit test can ask htons<byte_order::big>(x) for what a big-endian CPU
// computes, so code written on these (pcnet32's descriptors, the checksum)
// is tested for both orders on a little-endian host.
#pragma once
#include <stdint.h>

using __be16 = uint16_t;
using __be32 = uint32_t;
using __le16 = uint16_t;
using __le32 = uint32_t;

enum class byte_order : uint8_t { little, big };

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ || __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__,
              "mixed-endian hosts are not supported");
constexpr byte_order host_byte_order =
    __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? byte_order::big : byte_order::little;
constexpr bool host_is_big_endian = host_byte_order == byte_order::big;

constexpr uint16_t swab16(uint16_t x) { return static_cast<uint16_t>((x << 8) | (x >> 8)); }
constexpr uint32_t swab32(uint32_t x) {
    return (x << 24) | ((x & 0xff00u) << 8) | ((x >> 8) & 0xff00u) | (x >> 24);
}

template <byte_order O = host_byte_order>
constexpr __be16 htons(uint16_t x) { return O == byte_order::big ? x : swab16(x); }
template <byte_order O = host_byte_order>
constexpr uint16_t ntohs(__be16 x) { return htons<O>(x); }
template <byte_order O = host_byte_order>
constexpr __be32 htonl(uint32_t x) { return O == byte_order::big ? x : swab32(x); }
template <byte_order O = host_byte_order>
constexpr uint32_t ntohl(__be32 x) { return htonl<O>(x); }

template <byte_order O = host_byte_order>
constexpr __le16 cpu_to_le16(uint16_t x) { return O == byte_order::big ? swab16(x) : x; }
template <byte_order O = host_byte_order>
constexpr uint16_t le16_to_cpu(__le16 x) { return cpu_to_le16<O>(x); }
template <byte_order O = host_byte_order>
constexpr __le32 cpu_to_le32(uint32_t x) { return O == byte_order::big ? swab32(x) : x; }
template <byte_order O = host_byte_order>
constexpr uint32_t le32_to_cpu(__le32 x) { return cpu_to_le32<O>(x); }

// Linux's spellings of the same, used where a constant is meant.
template <byte_order O = host_byte_order>
constexpr __be16 cpu_to_be16(uint16_t x) { return htons<O>(x); }
template <byte_order O = host_byte_order>
constexpr uint16_t be16_to_cpu(__be16 x) { return ntohs<O>(x); }
template <byte_order O = host_byte_order>
constexpr __be32 cpu_to_be32(uint32_t x) { return htonl<O>(x); }
template <byte_order O = host_byte_order>
constexpr uint32_t be32_to_cpu(__be32 x) { return ntohl<O>(x); }

// Unaligned field access in packet bytes (a header need not be aligned in
// a frame) and device memory, with no byte-order assumption at all.
constexpr uint16_t get_unaligned_be16(const uint8_t* p) {
    return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
constexpr uint32_t get_unaligned_be32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
constexpr void put_unaligned_be16(uint16_t v, uint8_t* p) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}
constexpr void put_unaligned_be32(uint32_t v, uint8_t* p) {
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
}
constexpr uint16_t get_unaligned_le16(const uint8_t* p) {
    return static_cast<uint16_t>(p[0] | (p[1] << 8));
}
constexpr uint32_t get_unaligned_le32(const uint8_t* p) {
    return get_unaligned_le16(p) | (uint32_t{get_unaligned_le16(p + 2)} << 16);
}
constexpr void put_unaligned_le16(uint16_t v, uint8_t* p) {
    p[0] = static_cast<uint8_t>(v);
    p[1] = static_cast<uint8_t>(v >> 8);
}
constexpr void put_unaligned_le32(uint32_t v, uint8_t* p) {
    put_unaligned_le16(static_cast<uint16_t>(v), p);
    put_unaligned_le16(static_cast<uint16_t>(v >> 16), p + 2);
}

// A 64-bit argument in an aligned pair of 32-bit registers, as the o32
// calling convention passes a long long: the pair holds the value as memory
// does, so the first register has the high word on a big-endian CPU and the
// low word on a little-endian one (Linux's merge_64 in
// arch/mips/kernel/linux32.c, glibc's __LONG_LONG_PAIR).
struct reg_pair {
    uint32_t first;
    uint32_t second;
};
template <byte_order O = host_byte_order>
constexpr reg_pair split_64(uint64_t v) {
    const auto hi = static_cast<uint32_t>(v >> 32), lo = static_cast<uint32_t>(v);
    return O == byte_order::big ? reg_pair{hi, lo} : reg_pair{lo, hi};
}
template <byte_order O = host_byte_order>
constexpr uint64_t merge_64(uint32_t first, uint32_t second) {
    const uint32_t hi = O == byte_order::big ? first : second;
    const uint32_t lo = O == byte_order::big ? second : first;
    return (uint64_t{hi} << 32) | lo;
}
