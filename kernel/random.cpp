// The entropy pool and SipHash-2-4 (kernel/random.h).
#include "kernel/random.h"

#include <string.h>

#include "kernel/cpu.h"
#include "kernel/time.h"

namespace {

constexpr uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

struct sip_state {
    uint64_t v0, v1, v2, v3;
    void round() {
        v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
        v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
        v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
        v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
    }
    void compress(uint64_t m) {
        v3 ^= m;
        round();
        round();
        v0 ^= m;
    }
};

uint64_t load_le64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) {
        v = (v << 8) | p[i];
    }
    return v;
}

// The pool: a SipHash key that every event and every read rekeys, so one
// output says nothing about the next (a forward-secure generator in the
// manner of Linux's crng, with SipHash as the mixing function).
siphash_key_t pool = {{0x736f6d6570736575ull, 0x646f72616e646f6dull}};
uint64_t pool_counter;
uint64_t fast_pool;

void mix_in(uint64_t event) {
    uint64_t words[2] = {event, pool_counter++};
    uint64_t a = siphash(words, sizeof words, &pool);
    words[1] ^= 0x5bd1e995u;
    uint64_t b = siphash(words, sizeof words, &pool);
    pool.key[0] ^= a;
    pool.key[1] += b;
}

}  // namespace

uint64_t siphash(const void* data, size_t len, const siphash_key_t* key) {
    const auto* p = static_cast<const uint8_t*>(data);
    sip_state s{0x736f6d6570736575ull ^ key->key[0], 0x646f72616e646f6dull ^ key->key[1],
                0x6c7967656e657261ull ^ key->key[0], 0x7465646279746573ull ^ key->key[1]};
    size_t n = len;
    for (; n >= 8; n -= 8, p += 8) {
        s.compress(load_le64(p));
    }
    uint8_t tail[8] = {};
    memcpy(tail, p, n);
    tail[7] = static_cast<uint8_t>(len);
    s.compress(load_le64(tail));
    s.v2 ^= 0xff;
    for (int i = 0; i < 4; ++i) {
        s.round();
    }
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

// Cheap enough for every interrupt (Linux's fast_pool): the timing folds
// into one word here and into the pool at the next read.
void add_interrupt_randomness(unsigned irq) {
    cpu::irq_guard guard;
    fast_pool = rotl(fast_pool, 7) ^ cpu::cycles() ^ (static_cast<uint64_t>(irq) << 32);
}

void get_random_bytes(void* buf, size_t len) {
    auto* out = static_cast<uint8_t*>(buf);
    cpu::irq_guard guard;
    while (len) {
        mix_in(get_cycles64() ^ fast_pool);
        uint64_t v = siphash(&pool_counter, sizeof pool_counter, &pool);
        size_t n = len < sizeof v ? len : sizeof v;
        memcpy(out, &v, n);
        out += n;
        len -= n;
    }
}

uint32_t get_random_u32() {
    uint32_t v;
    get_random_bytes(&v, sizeof v);
    return v;
}

uint32_t get_random_u32_below(uint32_t ceil) {
    if (!ceil) {
        return 0;
    }
    // Lemire's multiply-shift, with the rejection that removes its bias.
    uint64_t m = static_cast<uint64_t>(get_random_u32()) * ceil;
    uint32_t low = static_cast<uint32_t>(m);
    if (low < ceil) {
        uint32_t threshold = -ceil % ceil;
        while (low < threshold) {
            m = static_cast<uint64_t>(get_random_u32()) * ceil;
            low = static_cast<uint32_t>(m);
        }
    }
    return static_cast<uint32_t>(m >> 32);
}
