#include <CppUTest/TestHarness.h>

#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"

TEST_GROUP(uaccess) {
    char area[64];
    uaccess_range saved{};
    void setup() override {
        saved = uaccess_get_range();
        uaccess_set_range(reinterpret_cast<uintptr_t>(area), reinterpret_cast<uintptr_t>(area) + sizeof area);
    }
    void teardown() override { uaccess_set_range(saved.lo, saved.hi); }
};

TEST(uaccess, range_reads_back) {
    uaccess_range r = uaccess_get_range();
    UNSIGNED_LONGS_EQUAL(reinterpret_cast<uintptr_t>(area), r.lo);
    UNSIGNED_LONGS_EQUAL(reinterpret_cast<uintptr_t>(area) + sizeof area, r.hi);
}

TEST(uaccess, ranges) {
    CHECK_TRUE(access_ok(area, sizeof area));
    CHECK_TRUE(access_ok(area + 63, 1));
    CHECK_FALSE(access_ok(area + 63, 2));
    CHECK_FALSE(access_ok(area - 1, 1));
    CHECK_FALSE(access_ok(nullptr, 1));
    CHECK_TRUE(access_ok(nullptr, 0));
    CHECK_FALSE(access_ok(area + 8, static_cast<size_t>(-1)));  // wraps around
}

TEST(uaccess, copies_and_strings) {
    char local[8] = "abc";
    LONGS_EQUAL(0, copy_to_user(area, local, 4));
    STRCMP_EQUAL("abc", area);
    LONGS_EQUAL(-EFAULT, copy_to_user(area + 60, local, 8));
    LONGS_EQUAL(-EFAULT, copy_from_user(local, area - 4, 4));
    LONGS_EQUAL(3, strnlen_user(area, 64));
    LONGS_EQUAL(-ENAMETOOLONG, strnlen_user(area, 2));
    for (char& c : area) c = 'x';
    LONGS_EQUAL(-EFAULT, strnlen_user(area, 100));
}
