#include <CppUTest/TestHarness.h>

#include "kernel/time.h"
#include "tests/unit/host/host_stub.h"

TEST_GROUP(time) {
    void teardown() override { host_stub::cycles_hz = 100000000; }
};

TEST(time, cycles_to_ns_exact_and_without_overflow) {
    host_stub::cycles_hz = 166670000;
    UNSIGNED_LONGLONGS_EQUAL(1000000000ull, cycles_to_ns(166670000ull));
    // a day of cycles: a naive cycles * 1e9 would overflow 64 bits
    UNSIGNED_LONGLONGS_EQUAL(86400ull * 1000000000ull, cycles_to_ns(166670000ull * 86400));
    host_stub::cycles_hz = 0;
    UNSIGNED_LONGLONGS_EQUAL(0, cycles_to_ns(12345));
}

TEST(time, counter_extends_across_wraps) {
    host_stub::cycles = 0xfffffff0u;
    uint64_t a = get_cycles64();
    host_stub::cycles = 0x10;
    uint64_t b = get_cycles64();
    UNSIGNED_LONGLONGS_EQUAL(0x20, b - a);
}

TEST(time, jiffies_advance_by_ticks) {
    unsigned long j = jiffies;
    do_timer(3);
    LONGS_EQUAL(j + 3, jiffies);
}
