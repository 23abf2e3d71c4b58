// kernel/random.cpp: SipHash-2-4 against the reference vector of its
// paper (Aumasson and Bernstein, appendix A), and the pool's outputs.
#include <CppUTest/TestHarness.h>

#include <stdint.h>

#include "kernel/random.h"

TEST_GROUP(random){};

TEST(random, siphash_reference_vector) {
    uint8_t k[16], m[15];
    for (int i = 0; i < 16; ++i) {
        k[i] = static_cast<uint8_t>(i);
    }
    for (int i = 0; i < 15; ++i) {
        m[i] = static_cast<uint8_t>(i);
    }
    siphash_key_t key{{0, 0}};
    for (int i = 7; i >= 0; --i) {
        key.key[0] = (key.key[0] << 8) | k[i];
        key.key[1] = (key.key[1] << 8) | k[i + 8];
    }
    CHECK_TRUE(siphash(m, sizeof m, &key) == 0xa129ca6149be45e5ull);
}

TEST(random, outputs_differ_and_stay_below_the_ceiling) {
    uint32_t a = get_random_u32(), b = get_random_u32(), c = get_random_u32();
    CHECK_TRUE(a != b || b != c);
    unsigned counts[7] = {};
    for (int i = 0; i < 7000; ++i) {
        uint32_t v = get_random_u32_below(7);
        CHECK_TRUE(v < 7);
        ++counts[v];
    }
    for (unsigned n : counts) {
        CHECK_TRUE(n > 700 && n < 1300);   // each value about a seventh of the time
    }
    LONGS_EQUAL(0, get_random_u32_below(0));
    uint8_t buf[13] = {};
    get_random_bytes(buf, sizeof buf);
    int nonzero = 0;
    for (uint8_t x : buf) {
        nonzero += x != 0;
    }
    CHECK_TRUE(nonzero > 0);
}
