// IPv4 addresses and protocol numbers (Linux's include/uapi/linux/in.h and
// include/linux/in.h). Addresses are __be32: the four octets in wire order,
// as they lie in the header; the predicates below convert where they compare.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/byteorder.h"

// IANA "Assigned Internet Protocol Numbers".
constexpr uint8_t IPPROTO_IP = 0;
constexpr uint8_t IPPROTO_ICMP = 1;
constexpr uint8_t IPPROTO_IGMP = 2;
constexpr uint8_t IPPROTO_IPIP = 4;
constexpr uint8_t IPPROTO_TCP = 6;
constexpr uint8_t IPPROTO_UDP = 17;
constexpr uint8_t IPPROTO_RAW = 255;
constexpr unsigned MAX_INET_PROTOS = 256;

// Host-order constants; compare through htonl().
constexpr uint32_t INADDR_ANY = 0x00000000;
constexpr uint32_t INADDR_BROADCAST = 0xffffffff;
constexpr uint32_t INADDR_NONE = 0xffffffff;
constexpr uint32_t INADDR_LOOPBACK = 0x7f000001;          // 127.0.0.1
constexpr uint32_t INADDR_ALLHOSTS_GROUP = 0xe0000001;    // 224.0.0.1 (RFC 1112)
constexpr uint32_t INADDR_MAX_LOCAL_GROUP = 0xe00000ff;   // 224.0.0.255
constexpr unsigned IN_LOOPBACKNET = 127;

// A __be32 from four octets, written as the address reads: ipv4_addr(10, 0, 2, 15).
constexpr __be32 ipv4_addr(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    return htonl((uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | d);
}

// RFC 1122 3.2.1.3 and RFC 5735: the special address blocks.
constexpr bool ipv4_is_loopback(__be32 a) { return (ntohl(a) & 0xff000000) == 0x7f000000; }
constexpr bool ipv4_is_multicast(__be32 a) { return (ntohl(a) & 0xf0000000) == 0xe0000000; }
constexpr bool ipv4_is_local_multicast(__be32 a) { return (ntohl(a) & 0xffffff00) == 0xe0000000; }
constexpr bool ipv4_is_lbcast(__be32 a) { return a == htonl(INADDR_BROADCAST); }
constexpr bool ipv4_is_zeronet(__be32 a) { return (ntohl(a) & 0xff000000) == 0; }
constexpr bool ipv4_is_class_e(__be32 a) { return (ntohl(a) & 0xf0000000) == 0xf0000000; }
// Names one host: not 0/8, not broadcast, multicast or class E.
constexpr bool ipv4_is_unicast(__be32 a) {
    return !ipv4_is_zeronet(a) && !ipv4_is_multicast(a) && !ipv4_is_class_e(a);
}

// The mask of a prefix length (0..32), network order.
constexpr __be32 inet_make_mask(unsigned prefixlen) {
    return prefixlen == 0 ? 0 : htonl(~0u << (32 - (prefixlen > 32 ? 32 : prefixlen)));
}
// The prefix length of a contiguous mask, or -1 when it has holes.
constexpr int inet_mask_len(__be32 mask) {
    uint32_t m = ntohl(mask);
    int len = 0;
    while (m & 0x80000000u) {
        ++len;
        m <<= 1;
    }
    return m ? -1 : len;
}
// The classful mask (RFC 791) of an address: what ifconfig assumes without one.
constexpr __be32 inet_classful_mask(__be32 a) {
    uint32_t h = ntohl(a);
    if ((h & 0x80000000u) == 0) {
        return htonl(0xff000000u);
    }
    if ((h & 0xc0000000u) == 0x80000000u) {
        return htonl(0xffff0000u);
    }
    return htonl(0xffffff00u);
}

// Dotted quad into buf (at least INET_ADDRSTRLEN bytes); returns buf.
constexpr size_t INET_ADDRSTRLEN = 16;
char* in_ntoa(__be32 addr, char* buf);
// Strict dotted quad ("a.b.c.d", each 0..255 in decimal, no leading zeros
// beyond a lone 0, nothing else) of at most len characters: true and *out
// set, or false. Linux's in4_pton() with the whole string as the token.
bool in4_pton_strict(const char* src, size_t len, __be32* out);

// Formats an address in a printk argument list: printk("%s", IP4(a).s).
struct IP4 {
    explicit IP4(__be32 a) { in_ntoa(a, s); }
    char s[INET_ADDRSTRLEN];
};
