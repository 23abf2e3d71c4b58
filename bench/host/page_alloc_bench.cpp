// Host timings of the buddy allocator's order-0 path, printed, never asserted.
#include <stdio.h>

#include <CppUTest/TestHarness.h>

#include "kernel/mm/page_alloc.h"
#include "tests/unit/mm_arena.h"

TEST_GROUP(page_alloc_bench) {
    mm::zone z;
    void setup() override {
        CHECK_TRUE(z.add_range(mm_test::arena_start(), mm_test::arena_end()));
        CHECK_TRUE(z.init("bench"));
        z.set_min_free_pages(0);
    }
};

TEST(page_alloc_bench, order0_pairs) {
    constexpr int n = 200000;
    uint64_t t0 = mm_test::now_ns();
    for (int i = 0; i < n; ++i) {
        mm::page* p = z.alloc_pages(GFP_KERNEL, 0);
        z.free_pages(p, 0);
    }
    uint64_t t1 = mm_test::now_ns();
    mm::page* keep[64];
    for (int i = 0; i < n / 64; ++i) {
        for (auto& k : keep) k = z.alloc_pages(GFP_KERNEL, 0);
        for (auto& k : keep) z.free_pages(k, 0);
    }
    uint64_t t2 = mm_test::now_ns();
    printf("\n[page_alloc] order-0 alloc+free pair: %.1f ns (hot), %.1f ns (64 deep); "
           "struct page %zu bytes host, memmap for 128 MiB on MIPS32: %u KiB\n",
           double(t1 - t0) / n, double(t2 - t1) / (n / 64 * 64), sizeof(mm::page),
           unsigned((128u << 20) / mm::PAGE_SIZE * 24 / 1024));
    LONGS_EQUAL(z.managed_pages(), z.nr_free_pages());
}
