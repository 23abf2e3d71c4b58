// Initial sequence numbers, timestamp offsets and ephemeral port offsets
// from SipHash under boot-time secrets (RFC 6528 3, RFC 6056 3.3.4, Linux's
// net/core/secure_seq.c), and SYN cookies (RFC 4987 3.6, Linux's
// net/ipv4/syncookies.c).
#include "net/ipv4/tcp_secure.h"

#include <stddef.h>
#include <string.h>

#include "kernel/cpu.h"
#include "kernel/random.h"

namespace {

struct secure_keys {
    siphash_key_t net_secret;            // ISNs and port offsets
    siphash_key_t ts_secret;             // timestamp offsets
    siphash_key_t syncookie_secret[2];   // the cookie's two hashes
};

secure_keys keys;
bool keys_ready;

// Linux's net_get_random_once: the first user draws every secret.
const secure_keys& secrets() {
    cpu::irq_guard guard;
    if (!keys_ready) {
        get_random_bytes(&keys, sizeof keys);
        keys_ready = true;
    }
    return keys;
}

uint64_t hash_u32s(const uint32_t* words, size_t n, const siphash_key_t& key) {
    return siphash(words, n * sizeof *words, &key);
}

uint32_t ports(uint16_t sport, uint16_t dport) { return static_cast<uint32_t>(sport) << 16 | dport; }

}  // namespace

// The other secrets follow from the one given (SipHash of a constant under
// it), so one key fixes every output.
void secure_seq_set_key_for_test(const uint8_t key[16]) {
    cpu::irq_guard guard;
    memcpy(&keys.net_secret, key, sizeof keys.net_secret);
    siphash_key_t* derived[] = {&keys.ts_secret, &keys.syncookie_secret[0], &keys.syncookie_secret[1]};
    uint64_t label = 1;
    for (siphash_key_t* k : derived) {
        for (uint64_t& half : k->key) {
            half = siphash(&label, sizeof label, &keys.net_secret);
            ++label;
        }
    }
    keys_ready = true;
}

// Linux's seq_scale: a 64 ns clock, as near RFC 793's 4 µs one as a fast
// link allows while the sequence space still wraps slower than one MSL.
uint32_t secure_tcp_seq(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport, uint64_t now_ns) {
    const uint32_t words[] = {saddr, daddr, ports(sport, dport)};
    uint32_t hash = static_cast<uint32_t>(hash_u32s(words, 3, secrets().net_secret));
    return hash + static_cast<uint32_t>(now_ns >> 6);
}

uint32_t secure_tcp_ts_off(uint32_t saddr, uint32_t daddr) {
    const uint32_t words[] = {saddr, daddr};
    return static_cast<uint32_t>(hash_u32s(words, 2, secrets().ts_secret));
}

uint32_t secure_ipv4_port_ephemeral(uint32_t saddr, uint32_t daddr, uint16_t dport) {
    const uint32_t words[] = {saddr, daddr, dport};
    return static_cast<uint32_t>(hash_u32s(words, 3, secrets().net_secret));
}

namespace {

// The cookie (Linux's secure_tcp_syn_cookie):
//   H0(tuple) + peer_isn + (count << 24) + ((H1(tuple, count) + data) mod 2^24)
// The top 8 bits carry the minute it was made in; the low 24 the MSS index
// under a hash only we can take off again.
constexpr unsigned COOKIEBITS = 24;
constexpr uint32_t COOKIEMASK = (1u << COOKIEBITS) - 1;
constexpr uint32_t MAX_SYNCOOKIE_AGE = 2;   // minutes (Linux's)
constexpr uint16_t msstab[] = {536, 1300, 1440, 1460};   // 1440, 1452: PPPoE
constexpr uint32_t msstab_size = sizeof msstab / sizeof msstab[0];

uint32_t cookie_hash(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport, uint32_t count, int c) {
    const uint32_t words[] = {saddr, daddr, ports(sport, dport), count};
    return static_cast<uint32_t>(hash_u32s(words, 4, secrets().syncookie_secret[c]));
}

// The data the cookie carries, or one past any valid value (a 24-bit
// garbage number, or 0xffffffff when too old): the caller range-checks.
uint32_t check_tcp_syn_cookie(uint32_t cookie, uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
                              uint32_t sseq, uint32_t count) {
    cookie -= cookie_hash(saddr, daddr, sport, dport, 0, 0) + sseq;
    uint32_t diff = (count - (cookie >> COOKIEBITS)) & (0xffffffffu >> COOKIEBITS);
    if (diff >= MAX_SYNCOOKIE_AGE) {
        return 0xffffffffu;
    }
    return (cookie - cookie_hash(saddr, daddr, sport, dport, count - diff, 1)) & COOKIEMASK;
}

}  // namespace

uint32_t cookie_v4_init_sequence(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
                                 uint32_t peer_isn, uint16_t mss, uint32_t count, uint16_t* mss_out) {
    uint32_t mssind = msstab_size - 1;
    while (mssind && mss < msstab[mssind]) {
        --mssind;
    }
    if (mss_out) {
        *mss_out = msstab[mssind];
    }
    return cookie_hash(saddr, daddr, sport, dport, 0, 0) + peer_isn + (count << COOKIEBITS) +
           ((cookie_hash(saddr, daddr, sport, dport, count, 1) + mssind) & COOKIEMASK);
}

uint16_t cookie_v4_check(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport, uint32_t peer_isn,
                         uint32_t cookie, uint32_t count) {
    uint32_t mssind = check_tcp_syn_cookie(cookie, saddr, daddr, sport, dport, peer_isn, count);
    return mssind < msstab_size ? msstab[mssind] : 0;
}

uint32_t tcp_cookie_time(uint64_t now_ns) { return static_cast<uint32_t>(now_ns / 60000000000ull); }
