#include <stdio.h>
#include <string.h>

#include <string>

#include <CppUTest/TestHarness.h>

#include "kernel/cmdline.h"
#include "kernel/mm/brk.h"
#include "kernel/mm/init.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/mm/slab.h"
#include "kernel/syscalls.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "tests/unit/host/host_stub.h"
#include "tests/unit/mm_arena.h"

namespace {

constexpr size_t K = 1024, M = 1024 * 1024;

// A 24 MiB "board": the first MiB left alone, then a 180 KiB kernel image.
mm::kernel_image fake_image() {
    uintptr_t k = mm_test::arena_start() + M;
    return {k, k + 100 * K, k + 130 * K, k + 134 * K, k + 180 * K};
}

struct memory_line {
    unsigned long available, total, code, rwdata, rodata, bss, reserved, heap;
};

memory_line parse_memory_line() {
    memory_line m{};
    size_t at = host_stub::console.find("Memory: ");
    if (at == std::string::npos ||
        sscanf(host_stub::console.c_str() + at,
               "Memory: %luK/%luK available (%luK kernel code, %luK rwdata, %luK rodata, %luK bss, "
               "%luK reserved, %luK app heap)",
               &m.available, &m.total, &m.code, &m.rwdata, &m.rodata, &m.bss, &m.reserved, &m.heap) != 8) {
        FAIL("no Memory: line");
    }
    return m;
}

bool boot(const char* cmdline_text) {
    cmdline::parse(cmdline_text);
    return mm::mem_init(mm_test::arena_start(), mm_test::arena_bytes, fake_image());
}

template <typename T>
void let_user_reach(T& obj) {
    uaccess_set_range(reinterpret_cast<uintptr_t>(&obj), reinterpret_cast<uintptr_t>(&obj) + sizeof obj);
}

}  // namespace

TEST_GROUP(mm_init) {
    void setup() override {
        host_stub::console.clear();
        mm::normal_zone().reset();
    }
    void teardown() override {
        cmdline::parse("");
        mm::normal_zone().reset();
        uaccess_set_range(0, 0);
    }
};

TEST(mm_init, appheap_is_carved_off_the_top_and_the_memory_line_adds_up) {
    CHECK_TRUE(boot("appheap=8"));
    LONGS_EQUAL(mm_test::arena_end(), mm::brk_limit());
    LONGS_EQUAL(mm_test::arena_end() - 8 * M, mm::brk_start());
    LONGS_EQUAL(mm::brk_start(), mm::brk_current());
    memory_line m = parse_memory_line();
    LONGS_EQUAL(24 * K, m.total);
    LONGS_EQUAL(8 * K, m.heap);
    LONGS_EQUAL(m.total, m.available + m.reserved + m.heap);
    LONGS_EQUAL(totalram_pages() * 4, m.available);
    LONGS_EQUAL(100, m.code);
    LONGS_EQUAL(4, m.rwdata);
    LONGS_EQUAL(30, m.rodata);
    LONGS_EQUAL(46, m.bss);
    // Reserved: the first MiB, the image and the memmap.
    LONGS_EQUAL(1024 + 180 + mm::normal_zone().memmap_bytes() / K, m.reserved);
    // Nothing the page allocator hands out lies in the heap or below the image's end.
    mm::page* p;
    size_t n = 0;
    while ((p = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0)) != nullptr) {
        auto a = reinterpret_cast<uintptr_t>(page_address(p));
        CHECK_TRUE(a >= fake_image().end && a + mm::PAGE_SIZE <= mm::brk_start());
        ++n;
    }
    LONGS_EQUAL(totalram_pages(), n);
    CHECK_TRUE(slab_is_available());
}

TEST(mm_init, default_heap_is_a_quarter_of_ram) {
    CHECK_TRUE(boot(""));
    LONGS_EQUAL(6 * M, mm::brk_limit() - mm::brk_start());
    LONGS_EQUAL(6 * M, mm::app_heap_bytes());
}

TEST(mm_init, oversized_heap_is_clamped_so_the_kernel_keeps_room) {
    CHECK_TRUE(boot("appheap=100"));
    CHECK_TRUE(host_stub::console.find("does not fit beside the kernel") != std::string::npos);
    size_t past_kernel = mm_test::arena_end() - fake_image().end;
    LONGS_EQUAL(past_kernel - mm::min_kernel_bytes, mm::app_heap_bytes());
    CHECK_TRUE(totalram_pages() > 0);
}

TEST(mm_init, no_heap_makes_every_brk_fail) {
    CHECK_TRUE(boot("appheap=0"));
    LONGS_EQUAL(0, mm::app_heap_bytes());
    long cur = sys_brk(0);
    LONGS_EQUAL(cur, sys_brk(static_cast<uintptr_t>(cur) + 4096));
}

TEST(mm_init, bad_appheap_value_warns_and_uses_the_default) {
    CHECK_TRUE(boot("appheap=lots"));
    CHECK_TRUE(host_stub::console.find("appheap=lots is not a number") != std::string::npos);
    LONGS_EQUAL(6 * M, mm::app_heap_bytes());
}

TEST(mm_init, selftest_on_the_command_line) {
    CHECK_TRUE(boot("mm_selftest"));
    CHECK_TRUE(host_stub::console.find("mm: selftest passed") != std::string::npos);
}

TEST(mm_init, sysinfo_and_getrlimit_report_both_parts) {
    CHECK_TRUE(boot("appheap=4"));
    uapi::sysinfo si{};
    let_user_reach(si);
    LONGS_EQUAL(0, sys_sysinfo(&si));
    LONGS_EQUAL(24 * M, si.totalram);
    LONGS_EQUAL(nr_free_pages() * mm::PAGE_SIZE + 4 * M, si.freeram);
    LONGS_EQUAL(0, si.bufferram);
    // The apps take 64 KiB of their heap; the kernel a slab object.
    sys_brk(mm::brk_start() + 64 * K);
    void* obj = kmalloc(100, GFP_KERNEL);
    LONGS_EQUAL(0, sys_sysinfo(&si));
    LONGS_EQUAL(nr_free_pages() * mm::PAGE_SIZE + 4 * M - 64 * K, si.freeram);
    CHECK_TRUE(si.bufferram >= mm::PAGE_SIZE);
    kfree(obj);

    uapi::rlimit rl{};
    let_user_reach(rl);
    LONGS_EQUAL(0, sys_getrlimit(static_cast<int>(uapi::rlimit_resource::data), &rl));
    LONGS_EQUAL(4 * M, rl.rlim_cur);
    LONGS_EQUAL(4 * M, rl.rlim_max);
    LONGS_EQUAL(0, sys_getrlimit(static_cast<int>(uapi::rlimit_resource::stack), &rl));
    LONGS_EQUAL(uapi::rlim_infinity, rl.rlim_cur);   // not limited
    LONGS_EQUAL(-EINVAL, sys_getrlimit(16, &rl));
    LONGS_EQUAL(-EFAULT, sys_getrlimit(2, reinterpret_cast<uapi::rlimit*>(16)));
}
