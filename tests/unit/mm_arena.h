// Memory the page allocator tests hand to a zone: 4 MiB aligned, so that the
// largest buddy blocks can be whole, and static, so that CppUTest's leak
// check does not count it.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <chrono>

#include "tests/unit/host/test_seed.h"

namespace mm_test {

constexpr size_t arena_bytes = 24u << 20;
alignas(4u << 20) inline char arena[arena_bytes];

inline uintptr_t arena_start() { return reinterpret_cast<uintptr_t>(arena); }
inline uintptr_t arena_end() { return arena_start() + arena_bytes; }

// A generator (xorshift64*) seeded from the run's seed (test_seed.h) and
// the caller's salt: the same run again with MIPSNET_SEED, on any host.
struct rng {
    uint64_t s;
    explicit rng(uint64_t salt = 0) : s(test_seed::for_test(salt)) {}
    uint64_t next() {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return s * 0x2545f4914f6cdd1dull;
    }
    unsigned below(unsigned n) { return static_cast<unsigned>(next() % n); }
};

inline uint64_t now_ns() {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch())
                                     .count());
}

}  // namespace mm_test
