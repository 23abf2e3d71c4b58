// Comparing and converting jiffies, as Linux's include/linux/jiffies.h.
// jiffies wraps (every 497 days at 100 Hz on a 32-bit CPU), so two values are
// compared through their signed difference: correct while they are less than
// half the range apart.
#pragma once
#include <limits.h>
#include <stdint.h>

#include "kernel/time.h"

constexpr bool time_after(unsigned long a, unsigned long b) { return static_cast<long>(b - a) < 0; }
constexpr bool time_before(unsigned long a, unsigned long b) { return time_after(b, a); }
constexpr bool time_after_eq(unsigned long a, unsigned long b) {
    return static_cast<long>(a - b) >= 0;
}
constexpr bool time_before_eq(unsigned long a, unsigned long b) { return time_after_eq(b, a); }
// a in [b, c]
constexpr bool time_in_range(unsigned long a, unsigned long b, unsigned long c) {
    return time_after_eq(a, b) && time_before_eq(a, c);
}

// The longest timeout that still compares as "in the future"; conversions
// saturate to it, and Linux treats it as "forever".
constexpr unsigned long MAX_JIFFY_OFFSET = (LONG_MAX >> 1) - 1;

constexpr unsigned MSEC_PER_SEC = 1000;
constexpr unsigned long USEC_PER_SEC = 1000000;

// Whole jiffies, rounded up: a timeout never ends early. Values that read
// as negative ints mean "forever", as in Linux.
constexpr unsigned long msecs_to_jiffies(unsigned int m) {
    if (static_cast<int>(m) < 0) {
        return MAX_JIFFY_OFFSET;
    }
    uint64_t j = (uint64_t{m} * HZ + MSEC_PER_SEC - 1) / MSEC_PER_SEC;
    return j > MAX_JIFFY_OFFSET ? MAX_JIFFY_OFFSET : static_cast<unsigned long>(j);
}

constexpr unsigned long usecs_to_jiffies(unsigned int u) {
    if (static_cast<int>(u) < 0) {
        return MAX_JIFFY_OFFSET;
    }
    uint64_t j = (uint64_t{u} * HZ + USEC_PER_SEC - 1) / USEC_PER_SEC;
    return j > MAX_JIFFY_OFFSET ? MAX_JIFFY_OFFSET : static_cast<unsigned long>(j);
}

// Truncated to unsigned int as Linux's (49 days of ms).
constexpr unsigned int jiffies_to_msecs(unsigned long j) {
    return static_cast<unsigned int>(uint64_t{j} * MSEC_PER_SEC / HZ);
}

constexpr unsigned int jiffies_to_usecs(unsigned long j) {
    return static_cast<unsigned int>(uint64_t{j} * USEC_PER_SEC / HZ);
}
