#include <CppUTest/TestHarness.h>

#include <string.h>

#include <algorithm>
#include <string>

#include "kernel/time.h"

#include "kernel/printk.h"
#include "tests/unit/host/host_stub.h"

TEST_GROUP(printk) {
    void setup() override {
        klog::clear();
        klog::set_console_level(7);
        host_stub::console.clear();
        host_stub::cycles = 0;
    }
    std::string all() {
        std::string s(klog::capacity(), '\0');
        s.resize(klog::read_all(s.data(), s.size()));
        return s;
    }
};

TEST(printk, stamps_each_line_with_monotonic_time) {
    host_stub::cycles = 150000000;  // 1.5 s at the stub's 100 MHz, past whatever wraps came before
    uint64_t ns = ktime_get_ns();
    char stamp[32];
    snprintf(stamp, sizeof stamp, "[%5lu.%06lu] ", static_cast<unsigned long>(ns / 1000000000u),
             static_cast<unsigned long>(ns / 1000 % 1000000));
    std::string expect = std::string(stamp) + "hello 42\n" + stamp + "world\n";
    pr_info("hello %d\nworld\n", 42);
    STRCMP_EQUAL(expect.c_str(), all().c_str());
}

TEST(printk, partial_lines_get_one_stamp) {
    printk("a");
    printk("b\n");
    std::string s = all();
    LONGS_EQUAL(1, std::count(s.begin(), s.end(), '['));
    CHECK(s.size() > 4 && s.substr(s.size() - 4) == " ab\n");
}

TEST(printk, console_level_filters_console_not_buffer) {
    klog::set_console_level(4);  // err (3) passes, info (6) does not
    pr_info("quiet\n");
    pr_err("loud\n");
    CHECK(host_stub::console.find("quiet") == std::string::npos);
    CHECK(host_stub::console.find("loud") != std::string::npos);
    CHECK(all().find("quiet") != std::string::npos);
}

TEST(printk, ring_keeps_newest_bytes) {
    for (int i = 0; i < 2000; ++i) {
        pr_info("line %04d\n", i);
    }
    std::string s = all();
    LONGS_EQUAL(klog::capacity(), s.size());
    CHECK(s.find("line 1999\n") != std::string::npos);
    CHECK(s.find("line 0000") == std::string::npos);
}

TEST(printk, read_all_into_small_buffer_gives_newest) {
    pr_info("first\n");
    pr_info("second\n");
    char buf[8];
    size_t n = klog::read_all(buf, sizeof buf);
    LONGS_EQUAL(8, n);
    STRCMP_EQUAL(" second\n", std::string(buf, n).c_str());
}

TEST(printk, overlong_message_is_truncated) {
    std::string big(2000, 'z');
    pr_info("%s\n", big.c_str());
    std::string s = all();
    CHECK(s.size() < 600);
    CHECK(s.find("zzzz") != std::string::npos);
}
