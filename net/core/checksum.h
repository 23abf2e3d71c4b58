// The Internet checksum (RFC 1071): the 16-bit one's complement of the one's
// complement sum of the data taken as 16-bit words, as IPv4 (RFC 791), ICMP
// (RFC 792), UDP (RFC 768) and TCP (RFC 793) use it. Linux's interface
// (include/net/checksum.h, asm-generic/checksum.h).
//
// Byte order: RFC 1071 section 2(B) shows the sum is byte-order independent:
// summing the words as the host loads them gives the byte-swapped sum on a
// little-endian host, and storing the result back the same way swaps it
// again. So the sums here are of native 16-bit loads, never converted: a
// __sum16 is stored into the header as is, and a header whose checksum field
// is right sums (folded) to zero, on either byte order.
#pragma once
#include <stdint.h>

#include "kernel/byteorder.h"

using __wsum = uint32_t;   // partial sum, not folded yet: feed it on or csum_fold() it
using __sum16 = uint16_t;  // final checksum, ready to store into a header

// Adds len bytes at buff (any alignment, any length) to sum. Sums of pieces
// may be chained only when every piece but the last has an even length;
// csum_block_add() joins a piece that starts at an odd offset.
__wsum csum_partial(const void* buff, int len, __wsum sum);
// Copies len bytes and returns their csum_partial() from 0, in one pass.
__wsum csum_partial_copy_nocheck(const void* src, void* dst, int len);

// The same three as a CPU of byte order O computes them, from its own
// loads: the functions above are these for the host's order, and a host
// test runs the big-endian ones to see what a big-endian CPU would store.
template <byte_order O>
__wsum csum_partial_as(const void* buff, int len, __wsum sum);
template <byte_order O>
__wsum csum_partial_copy_as(const void* src, void* dst, int len);
template <byte_order O>
__wsum csum_tcpudp_nofold_as(__be32 saddr, __be32 daddr, uint32_t len, uint8_t proto, __wsum sum);

// The 32-bit partial sum reduced to 16 bits and complemented.
constexpr __sum16 csum_fold(__wsum sum) {
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<__sum16>(~sum);
}
constexpr __wsum csum_unfold(__sum16 n) { return n; }

// One's complement addition: the carry out of bit 31 comes back in at bit 0.
constexpr __wsum csum_add(__wsum csum, __wsum addend) {
    uint32_t res = csum + addend;
    return res + (res < addend ? 1u : 0u);
}
constexpr __wsum csum_sub(__wsum csum, __wsum addend) { return csum_add(csum, ~addend); }

// The sum of a piece that starts at an odd offset has its bytes in the other
// lanes: rotating by 8 swaps them (2^16 = 1 in one's complement arithmetic).
constexpr __wsum csum_shift(__wsum sum, int offset) {
    return (offset & 1) ? ((sum >> 8) | (sum << 24)) : sum;
}
constexpr __wsum csum_block_add(__wsum csum, __wsum csum2, int offset) {
    return csum_add(csum, csum_shift(csum2, offset));
}
constexpr __wsum csum_block_sub(__wsum csum, __wsum csum2, int offset) {
    return csum_block_add(csum, ~csum2, offset);
}

// The checksum of an IPv4 header of ihl 32-bit words (RFC 791 3.1). Over a
// header with its checksum field filled in it is 0 when the header is intact.
__sum16 ip_fast_csum(const void* iph, unsigned int ihl);
// The checksum of a whole buffer (ICMP: RFC 792).
__sum16 ip_compute_csum(const void* buff, int len);

// The IPv4 pseudo-header of UDP (RFC 768) and TCP (RFC 793 3.1): source and
// destination address (network order, as in the IP header), zero, protocol,
// and the length of the UDP/TCP header and data (host order), added to sum.
__wsum csum_tcpudp_nofold(__be32 saddr, __be32 daddr, uint32_t len, uint8_t proto, __wsum sum);
inline __sum16 csum_tcpudp_magic(__be32 saddr, __be32 daddr, uint32_t len, uint8_t proto, __wsum sum) {
    return csum_fold(csum_tcpudp_nofold(saddr, daddr, len, proto, sum));
}

// Incremental update after a 16- or 32-bit field changed (RFC 1624 eqn. 3:
// HC' = ~(~HC + ~m + m')), e.g. the IPv4 TTL when forwarding.
constexpr void csum_replace_by_diff(__sum16* sum, __wsum diff) {
    *sum = csum_fold(csum_add(diff, ~csum_unfold(*sum)));
}
constexpr void csum_replace2(__sum16* sum, __be16 old, __be16 now) {
    csum_replace_by_diff(sum, csum_add(static_cast<uint16_t>(~old), now));
}
constexpr void csum_replace4(__sum16* sum, __be32 from, __be32 to) {
    csum_replace_by_diff(sum, csum_add(~from, to));
}
