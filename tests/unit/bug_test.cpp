// host-only: WARN_ON and WARN_ON_ONCE (kernel/bug.cpp): the site printed
// from the compiler's builtins, counted, and once-only sites said once.
#include <string>

#include <CppUTest/TestHarness.h>

#include "kernel/bug.h"
#include "tests/unit/host/host_stub.h"

TEST_GROUP(bug) {};

TEST(bug, warn_on_reports_the_site_and_counts) {
    unsigned long before = warn_count();
    host_stub::console.clear();
    CHECK_FALSE(WARN_ON(false));
    LONGS_EQUAL(before, warn_count());
    CHECK_TRUE(WARN_ON(1 + 1 == 2, "arithmetic works"));
    LONGS_EQUAL(before + 1, warn_count());
    CHECK(host_stub::console.find("WARNING: at ") != std::string::npos);
    CHECK(host_stub::console.find("bug_test.cpp:") != std::string::npos);
    CHECK(host_stub::console.find(": arithmetic works") != std::string::npos);
}

TEST(bug, warn_on_once_says_it_once) {
    unsigned long before = warn_count();
    host_stub::console.clear();
    for (int i = 0; i < 3; ++i) {
        CHECK_TRUE(WARN_ON_ONCE(true, "repeated"));
    }
    LONGS_EQUAL(before + 3, warn_count());
    size_t first = host_stub::console.find("repeated");
    CHECK(first != std::string::npos);
    CHECK(host_stub::console.find("repeated", first + 1) == std::string::npos);
}
