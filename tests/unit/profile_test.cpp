// kernel/profile.cpp: profile= parsing, ticks into buckets, functions by
// the symbol table, /proc/profile and its reset.
#include "kernel/profile.h"

#include <CppUTest/TestHarness.h>

#include <string.h>

#include <string>

#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/sched/sched.h"
#include "kernel/syscalls.h"
#include "kernel/uapi/fcntl.h"
#include "tests/unit/fs_test_util.h"
#include "tests/unit/host/host_stub.h"

namespace {

constexpr uintptr_t text = 0x80100000, text_end = 0x80102000;
const host_stub::symbol table[] = {
    {0x80100000, 0x80100100, "tcp_sendmsg"},
    {0x80100100, 0x80101000, "csum_partial"},
    {0x80101000, 0x80101f00, "cpu_idle"},
    // 0x80101f00..text_end: no symbol
};

std::string read_profile() {
    long fd = sys_open("/proc/profile", uapi::o_rdonly, 0);
    if (fd < 0) {
        return "open error " + std::to_string(fd);
    }
    std::string out;
    char buf[512];
    long n;
    while ((n = sys_read(static_cast<int>(fd), buf, sizeof buf)) > 0) {
        out.append(buf, static_cast<size_t>(n));
    }
    sys_close(static_cast<int>(fd));
    return out;
}

}  // namespace

TEST_GROUP(profile) {
    void setup() override {
        sched_init();
        fs_test::setup();
        host_stub::symbols = table;
        host_stub::nr_symbols = sizeof table / sizeof table[0];
    }
    void teardown() override {
        profile_exit();
        host_stub::symbols = nullptr;
        host_stub::nr_symbols = 0;
        cmdline::parse("");
        fs_test::teardown();
    }
};

TEST(profile, off_without_the_option) {
    cmdline::parse("loglevel=4");
    profile_init(text, text_end);
    CHECK_FALSE(profile_enabled());
    profile_tick(text);
    LONGS_EQUAL(0, profile_samples());
    STRCMP_CONTAINS("open error", read_profile().c_str());
}

TEST(profile, ticks_add_up_per_function_most_first) {
    cmdline::parse("profile");
    profile_init(text, text_end);
    CHECK_TRUE(profile_enabled());
    for (int i = 0; i < 5; ++i) {
        profile_tick(0x80100010);                 // tcp_sendmsg
    }
    for (uintptr_t pc = 0x80100100; pc < 0x80101000; pc += 0x100) {
        profile_tick(pc);                         // csum_partial, 15 buckets
    }
    profile_tick(0x80101004);                     // cpu_idle
    profile_tick(0x80101f80);                     // no symbol
    profile_tick(0x80000000);                     // below the text
    profile_tick(text_end + 64);                  // above it
    LONGS_EQUAL(24, profile_samples());
    profile_entry top[8];
    size_t n = profile_top(top, 8);
    LONGS_EQUAL(4, n);
    STRCMP_EQUAL("csum_partial", top[0].name);
    LONGS_EQUAL(15, top[0].hits);
    STRCMP_EQUAL("tcp_sendmsg", top[1].name);
    LONGS_EQUAL(5, top[1].hits);
    LONGS_EQUAL(1, top[2].hits);
    LONGS_EQUAL(1, top[3].hits);
    // Only the first n fit: still the busiest.
    LONGS_EQUAL(1, profile_top(top, 1));
    STRCMP_EQUAL("csum_partial", top[0].name);
}

TEST(profile, proc_profile_shows_them_and_a_write_resets) {
    cmdline::parse("profile=2");
    profile_init(text, text_end);
    for (int i = 0; i < 3; ++i) {
        profile_tick(0x80101000 + 4 * i);
    }
    profile_tick(0x80100000);
    std::string out = read_profile();
    STRCMP_CONTAINS("samples 4, bucket 4 bytes, outside the text 0\n", out.c_str());
    STRCMP_CONTAINS("       3  75.0% cpu_idle\n", out.c_str());
    STRCMP_CONTAINS("       1  25.0% tcp_sendmsg\n", out.c_str());
    long fd = sys_open("/proc/profile", uapi::o_wronly, 0);
    CHECK_TRUE(fd >= 0);
    LONGS_EQUAL(2, sys_write(static_cast<int>(fd), "0\n", 2));
    sys_close(static_cast<int>(fd));
    LONGS_EQUAL(0, profile_samples());
    STRCMP_CONTAINS("samples 0,", read_profile().c_str());
}

TEST(profile, a_tick_let_in_by_local_irq_restore_is_charged_to_its_caller) {
    auto restore = reinterpret_cast<uintptr_t>(&cpu::local_irq_restore);
    const host_stub::symbol with_restore[] = {
        table[0], table[1], table[2], {restore, restore + 16, "cpu::local_irq_restore"}};
    host_stub::symbols = with_restore;
    host_stub::nr_symbols = 4;
    cmdline::parse("profile");
    profile_init(text, text_end);
    profile_tick(restore + 4, 0x80100040 + 8);   // returns into tcp_sendmsg
    profile_tick(0x80100200, 0x80100040 + 8);    // anywhere else: where it was
    profile_entry top[4];
    LONGS_EQUAL(2, profile_top(top, 4));
    LONGS_EQUAL(0, strcmp(top[0].name, "tcp_sendmsg") && strcmp(top[1].name, "tcp_sendmsg"));
    LONGS_EQUAL(0, strcmp(top[0].name, "csum_partial") && strcmp(top[1].name, "csum_partial"));
    LONGS_EQUAL(0, profile_top(top, 0));
}

TEST(profile, a_bad_shift_falls_back_to_the_default_with_a_warning) {
    host_stub::console.clear();
    cmdline::parse("profile=40");
    profile_init(text, text_end);
    CHECK_TRUE(profile_enabled());
    STRCMP_CONTAINS("profile=40 is not a shift", host_stub::console.c_str());
    profile_tick(0x80100000);
    STRCMP_CONTAINS("bucket 16 bytes", read_profile().c_str());
}
