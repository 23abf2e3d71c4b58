#include "net/core/checksum.h"

#include <string.h>

namespace {

// Loads at any alignment as a CPU of byte order O makes them: for the
// host's order the native load (lwl/lwr on MIPS, plain loads on x86), for
// the other one swapped (only the host tests ask for it).
template <byte_order O>
constexpr uint32_t as_loaded(uint32_t native) {
    return O == host_byte_order ? native : swab32(native);
}
template <byte_order O>
inline uint32_t load32(const uint8_t* p) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return as_loaded<O>(v);
}
template <byte_order O>
inline uint16_t load16(const uint8_t* p) {
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return O == host_byte_order ? v : swab16(v);
}

// A trailing odd byte is the first byte of a word whose second byte is zero
// (RFC 1071 4.1), loaded the way the CPU loads every other word.
template <byte_order O>
inline uint16_t load_odd_byte(const uint8_t* p) {
    const uint8_t pad[2] = {p[0], 0};
    return load16<O>(pad);
}

// A 32-bit word is two 16-bit words, and 2^16 = 1 in one's complement
// arithmetic: summing native 32-bit words into 64 bits and folding gives the
// sum of the native 16-bit words, with half the additions.
inline uint32_t fold64(uint64_t acc) {
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffffffu) + (acc >> 32);
    return static_cast<uint32_t>(acc);
}

template <byte_order O>
uint64_t sum_tail(const uint8_t* p, int len, uint64_t acc) {
    for (; len >= 4; p += 4, len -= 4) {
        acc += load32<O>(p);
    }
    if (len >= 2) {
        acc += load16<O>(p);
        p += 2;
        len -= 2;
    }
    if (len) {
        acc += load_odd_byte<O>(p);
    }
    return acc;
}

// The bodies, for a CPU of byte order O; inlined into the host's entry
// points below, so those stay the functions backtraces and the profiler name.
template <byte_order O>
[[gnu::always_inline]] inline __wsum partial(const void* buff, int len, __wsum sum) {
    const auto* p = static_cast<const uint8_t*>(buff);
    uint64_t acc = sum;
    if (len <= 0) {
        return sum;
    }
    for (; len >= 32; p += 32, len -= 32) {
        acc += load32<O>(p) + uint64_t{load32<O>(p + 4)};
        acc += load32<O>(p + 8) + uint64_t{load32<O>(p + 12)};
        acc += load32<O>(p + 16) + uint64_t{load32<O>(p + 20)};
        acc += load32<O>(p + 24) + uint64_t{load32<O>(p + 28)};
    }
    return fold64(sum_tail<O>(p, len, acc));
}

template <byte_order O>
[[gnu::always_inline]] inline __wsum partial_copy(const void* src, void* dst, int len) {
    const auto* s = static_cast<const uint8_t*>(src);
    auto* d = static_cast<uint8_t*>(dst);
    uint64_t acc = 0;
    if (len <= 0) {
        return 0;
    }
    for (; len >= 16; s += 16, d += 16, len -= 16) {
        uint32_t w[4];
        memcpy(w, s, sizeof w);
        memcpy(d, w, sizeof w);
        acc += as_loaded<O>(w[0]) + uint64_t{as_loaded<O>(w[1])} + as_loaded<O>(w[2]) +
               uint64_t{as_loaded<O>(w[3])};
    }
    memcpy(d, s, static_cast<size_t>(len));
    return fold64(sum_tail<O>(s, len, acc));
}

template <byte_order O>
[[gnu::always_inline]] inline __wsum tcpudp_nofold(__be32 saddr, __be32 daddr, uint32_t len, uint8_t proto,
                                                   __wsum sum) {
    // The addresses are already in memory order; the protocol (after its
    // zero byte) and the length are numbers, so they are converted to the
    // order of the words they stand for.
    uint64_t acc = uint64_t{sum} + saddr + daddr;
    acc += htons<O>(proto);
    acc += htons<O>(static_cast<uint16_t>(len)) + uint64_t{htons<O>(static_cast<uint16_t>(len >> 16))};
    return fold64(acc);
}

}  // namespace

__wsum csum_partial(const void* buff, int len, __wsum sum) {
    return partial<host_byte_order>(buff, len, sum);
}

__wsum csum_partial_copy_nocheck(const void* src, void* dst, int len) {
    return partial_copy<host_byte_order>(src, dst, len);
}

__sum16 ip_fast_csum(const void* iph, unsigned int ihl) {
    return csum_fold(csum_partial(iph, static_cast<int>(ihl * 4), 0));
}

__sum16 ip_compute_csum(const void* buff, int len) { return csum_fold(csum_partial(buff, len, 0)); }

__wsum csum_tcpudp_nofold(__be32 saddr, __be32 daddr, uint32_t len, uint8_t proto, __wsum sum) {
    return tcpudp_nofold<host_byte_order>(saddr, daddr, len, proto, sum);
}

template <byte_order O>
__wsum csum_partial_as(const void* buff, int len, __wsum sum) {
    return partial<O>(buff, len, sum);
}
template <byte_order O>
__wsum csum_partial_copy_as(const void* src, void* dst, int len) {
    return partial_copy<O>(src, dst, len);
}
template <byte_order O>
__wsum csum_tcpudp_nofold_as(__be32 saddr, __be32 daddr, uint32_t len, uint8_t proto, __wsum sum) {
    return tcpudp_nofold<O>(saddr, daddr, len, proto, sum);
}

template __wsum csum_partial_as<byte_order::little>(const void*, int, __wsum);
template __wsum csum_partial_as<byte_order::big>(const void*, int, __wsum);
template __wsum csum_partial_copy_as<byte_order::little>(const void*, void*, int);
template __wsum csum_partial_copy_as<byte_order::big>(const void*, void*, int);
template __wsum csum_tcpudp_nofold_as<byte_order::little>(__be32, __be32, uint32_t, uint8_t, __wsum);
template __wsum csum_tcpudp_nofold_as<byte_order::big>(__be32, __be32, uint32_t, uint8_t, __wsum);
