// Byte order: network order (big-endian, RFC 1700 "Data Notations"), the
// little-endian order of PCI devices (Linux's cpu_to_le32 family), and the host's.
// This is the one place that knows the host's byte order; everything
// else converts through these functions.
//
// The __be16/__be32 names are Linux's: they say "this value holds bytes in
// network order as they lie in memory", not a number. Plain aliases (there is
// no sparse here), so they document rather than enforce.
#pragma once
#include <stdint.h>

using __be16 = uint16_t;
using __be32 = uint32_t;
using __le16 = uint16_t;
using __le32 = uint32_t;

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ || __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__,
              "mixed-endian hosts are not supported");
constexpr bool host_is_big_endian = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;

constexpr uint16_t swab16(uint16_t x) { return static_cast<uint16_t>((x << 8) | (x >> 8)); }
constexpr uint32_t swab32(uint32_t x) {
    return (x << 24) | ((x & 0xff00u) << 8) | ((x >> 8) & 0xff00u) | (x >> 24);
}

constexpr __be16 htons(uint16_t x) { return host_is_big_endian ? x : swab16(x); }
constexpr uint16_t ntohs(__be16 x) { return htons(x); }
constexpr __be32 htonl(uint32_t x) { return host_is_big_endian ? x : swab32(x); }
constexpr uint32_t ntohl(__be32 x) { return htonl(x); }

constexpr __le16 cpu_to_le16(uint16_t x) { return host_is_big_endian ? swab16(x) : x; }
constexpr uint16_t le16_to_cpu(__le16 x) { return cpu_to_le16(x); }
constexpr __le32 cpu_to_le32(uint32_t x) { return host_is_big_endian ? swab32(x) : x; }
constexpr uint32_t le32_to_cpu(__le32 x) { return cpu_to_le32(x); }

// Linux's spellings of the same, used where a constant is meant.
constexpr __be16 cpu_to_be16(uint16_t x) { return htons(x); }
constexpr uint16_t be16_to_cpu(__be16 x) { return ntohs(x); }
constexpr __be32 cpu_to_be32(uint32_t x) { return htonl(x); }
constexpr uint32_t be32_to_cpu(__be32 x) { return ntohl(x); }

// Unaligned big-endian field access in packet bytes (a header need not be
// aligned in a frame), with no byte-order assumption at all.
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
