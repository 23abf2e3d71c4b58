#include "net/core/checksum.h"

#include <string.h>

namespace {

// Native loads at any alignment (lwl/lwr on MIPS, plain loads on x86).
inline uint32_t load32(const uint8_t* p) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}
inline uint16_t load16(const uint8_t* p) {
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

// A trailing odd byte is the first byte of a word whose second byte is zero
// (RFC 1071 4.1), loaded the way the host loads every other word.
inline uint16_t load_odd_byte(const uint8_t* p) {
    const uint8_t pad[2] = {p[0], 0};
    return load16(pad);
}

// A 32-bit word is two 16-bit words, and 2^16 = 1 in one's complement
// arithmetic: summing native 32-bit words into 64 bits and folding gives the
// sum of the native 16-bit words, with half the additions.
inline uint32_t fold64(uint64_t acc) {
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffffffu) + (acc >> 32);
    return static_cast<uint32_t>(acc);
}

uint64_t sum_tail(const uint8_t* p, int len, uint64_t acc) {
    for (; len >= 4; p += 4, len -= 4) {
        acc += load32(p);
    }
    if (len >= 2) {
        acc += load16(p);
        p += 2;
        len -= 2;
    }
    if (len) {
        acc += load_odd_byte(p);
    }
    return acc;
}

}  // namespace

__wsum csum_partial(const void* buff, int len, __wsum sum) {
    const auto* p = static_cast<const uint8_t*>(buff);
    uint64_t acc = sum;
    if (len <= 0) {
        return sum;
    }
    for (; len >= 32; p += 32, len -= 32) {
        acc += load32(p) + uint64_t{load32(p + 4)};
        acc += load32(p + 8) + uint64_t{load32(p + 12)};
        acc += load32(p + 16) + uint64_t{load32(p + 20)};
        acc += load32(p + 24) + uint64_t{load32(p + 28)};
    }
    return fold64(sum_tail(p, len, acc));
}

__wsum csum_partial_copy_nocheck(const void* src, void* dst, int len) {
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
        acc += w[0] + uint64_t{w[1]} + w[2] + uint64_t{w[3]};
    }
    memcpy(d, s, static_cast<size_t>(len));
    return fold64(sum_tail(s, len, acc));
}

__sum16 ip_fast_csum(const void* iph, unsigned int ihl) {
    return csum_fold(csum_partial(iph, static_cast<int>(ihl * 4), 0));
}

__sum16 ip_compute_csum(const void* buff, int len) { return csum_fold(csum_partial(buff, len, 0)); }

__wsum csum_tcpudp_nofold(__be32 saddr, __be32 daddr, uint32_t len, uint8_t proto, __wsum sum) {
    // The addresses are already in memory order; the protocol (after its
    // zero byte) and the length are numbers, so they are converted to the
    // order of the words they stand for.
    uint64_t acc = uint64_t{sum} + saddr + daddr;
    acc += htons(proto);
    acc += htons(static_cast<uint16_t>(len)) + uint64_t{htons(static_cast<uint16_t>(len >> 16))};
    return fold64(acc);
}
