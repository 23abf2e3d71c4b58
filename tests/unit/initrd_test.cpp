// rd_start=/rd_size= as the loader gives them, checked as Linux's
// init_initrd() does, and mem_init() keeping the initrd's pages out of the
// page allocator and the app heap.
#include <CppUTest/TestHarness.h>

#include <string>

#include "kernel/cmdline.h"
#include "kernel/mm/brk.h"
#include "kernel/mm/init.h"
#include "kernel/mm/initrd.h"
#include "kernel/mm/page_alloc.h"
#include "tests/unit/host/host_stub.h"
#include "tests/unit/mm_arena.h"

namespace {

constexpr uintptr_t kseg0 = 0x80000000u, ram_end = kseg0 + (128u << 20);
constexpr uintptr_t kstart = 0x80100000u, kend = 0x801d0000u;

mm::initrd_range parse(const char* text) {
    cmdline::parse(text);
    return mm::initrd_from_cmdline(kseg0, ram_end, kstart, kend, 0xa0000000u);
}

}  // namespace

TEST_GROUP(initrd) {
    void setup() override {
        host_stub::console.clear();
        mm::normal_zone().reset();
    }
    void teardown() override {
        cmdline::parse("");
        mm::normal_zone().reset();
        mm::set_initrd({});
    }
};

TEST(initrd, none_without_the_parameters) {
    CHECK_TRUE(parse("loglevel=7").empty());
    STRCMP_EQUAL("", host_stub::console.c_str());
}

TEST(initrd, qemus_sign_extended_address_is_taken_as_kseg0) {
    mm::initrd_range r = parse("rd_start=0xffffffff87fe0000 rd_size=4096 loglevel=7");
    LONGS_EQUAL(0x87fe0000u, r.start);
    LONGS_EQUAL(0x87fe1000u, r.end);
    r = parse("rd_start=0x81000000 rd_size=0x100000");   // U-Boot's hex size
    LONGS_EQUAL(0x81100000u, r.end);
    r = parse("rd_start=0xa1000000 rd_size=0x1000");   // U-Boot's KSEG1 address
    LONGS_EQUAL(0x81000000u, r.start);
    r = parse("rd_start=0x81000000 rd_size=2M");
    LONGS_EQUAL(0x81200000u, r.end);
}

TEST(initrd, bad_ranges_are_reported_and_ignored) {
    const char* bad[] = {
        "rd_start=0x81000000",                        // no size
        "rd_size=4096",                               // no start
        "rd_start=0x81000000 rd_size=0",
        "rd_start=0x81000000 rd_size=lots",
        "rd_start=0x81000100 rd_size=4096",           // not page aligned
        "rd_start=0x01000000 rd_size=4096",           // physical, not KSEG0
        "rd_start=0xc1000000 rd_size=4096",           // KSEG2
        "rd_start=0x87fff000 rd_size=8192",           // past the end of RAM
        "rd_start=0x80000000 rd_size=0xffffffff",
        "rd_start=0x80100000 rd_size=4096",           // on the kernel
        "rd_start=0x800ff000 rd_size=8192",           // into the kernel
    };
    for (const char* text : bad) {
        host_stub::console.clear();
        CHECK_TRUE_TEXT(parse(text).empty(), text);
        STRCMP_CONTAINS_TEXT("initrd disabled", host_stub::console.c_str(), text);
    }
}

TEST(initrd, mem_init_leaves_its_pages_out_of_the_allocator_and_the_heap) {
    uintptr_t k = mm_test::arena_start() + (1u << 20);
    mm::kernel_image image{k, k + 0x19000, k + 0x20000, k + 0x21000, k + 0x2d000};
    // At the very top, as QEMU puts it, where the app heap would otherwise go.
    mm::initrd_range rd{mm_test::arena_end() - 3 * mm::PAGE_SIZE - 100, mm_test::arena_end() - 100};
    rd.start &= ~(mm::PAGE_SIZE - 1);
    cmdline::parse("appheap=4");
    CHECK_TRUE_TEXT(mm::mem_init(mm_test::arena_start(), mm_test::arena_bytes, image, rd),
                    host_stub::console.c_str());
    LONGS_EQUAL(rd.start, mm::initrd().start);
    CHECK(mm::brk_limit() <= rd.start);
    STRCMP_CONTAINS("initrd: ", host_stub::console.c_str());
    STRCMP_CONTAINS("reserved", host_stub::console.c_str());
    // Every page the allocator hands out lies outside the initrd.
    unsigned n = 0;
    while (unsigned long a = __get_free_page(GFP_KERNEL)) {
        CHECK(a + mm::PAGE_SIZE <= rd.start || a >= rd.end);
        ++n;
    }
    CHECK(n > 1000);
}
