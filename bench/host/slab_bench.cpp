// Host timings of the slab allocator's fast paths, printed, never asserted.
#include <stdio.h>

#include <CppUTest/TestHarness.h>

#include "kernel/mm/page_alloc.h"
#include "kernel/mm/slab.h"
#include "tests/unit/mm_arena.h"

TEST_GROUP(slab_bench) {
    void setup() override {
        mm::zone& z = mm::normal_zone();
        z.reset();
        CHECK_TRUE(z.add_range(mm_test::arena_start(), mm_test::arena_end()));
        CHECK_TRUE(z.init("Normal"));
        z.set_min_free_pages(0);
        kmem_cache_init();
    }
    void teardown() override { mm::normal_zone().reset(); }
};

TEST(slab_bench, kmalloc_kfree) {
    constexpr int n = 200000;
    uint64_t t0 = mm_test::now_ns();
    for (int i = 0; i < n; ++i) {
        kfree(kmalloc(200, GFP_KERNEL));
    }
    uint64_t t1 = mm_test::now_ns();
    void* keep[256];
    for (int i = 0; i < n / 256; ++i) {
        for (auto& k : keep) k = kmalloc(64, GFP_KERNEL);
        for (auto& k : keep) kfree(k);
    }
    uint64_t t2 = mm_test::now_ns();
    printf("\n[slab] kmalloc+kfree pair: %.1f ns (hot, 200 B), %.1f ns (256 deep, 64 B)\n",
           double(t1 - t0) / n, double(t2 - t1) / (n / 256 * 256));
}
