#include <CppUTest/TestHarness.h>

#include <stdio.h>
#include <string.h>

#include <array>
#include <vector>

#include "kernel/mm/page_alloc.h"
#include "tests/unit/host/host_stub.h"
#include "tests/unit/mm_arena.h"

using mm::MAX_ORDER;
using mm::PAGE_SIZE;
using mm_test::arena_end;
using mm_test::arena_start;

namespace {

using per_order = std::array<size_t, MAX_ORDER>;

per_order free_per_order(const mm::zone& z) {
    per_order n{};
    for (unsigned o = 0; o < MAX_ORDER; ++o) {
        n[o] = z.nr_free(o);
    }
    return n;
}

uintptr_t addr_of(const mm::zone& z, const mm::page* p) { return reinterpret_cast<uintptr_t>(z.page_address(p)); }

}  // namespace

TEST_GROUP(page_alloc) {
    mm::zone z;
    void setup() override {
        host_stub::console.clear();
        CHECK_TRUE(z.add_range(arena_start(), arena_end()));
        CHECK_TRUE(z.init("test"));
        z.set_min_free_pages(0);
    }
    // Every block of a stress run: where, how big, and the word written in it.
    struct block {
        mm::page* p;
        unsigned order;
        uint64_t tag;
    };
};

TEST(page_alloc, init_accounts_every_page) {
    size_t arena_pages = mm_test::arena_bytes / PAGE_SIZE;
    size_t memmap_pages = z.memmap_bytes() / PAGE_SIZE;
    LONGS_EQUAL(arena_pages - memmap_pages, z.managed_pages());
    LONGS_EQUAL(z.managed_pages(), z.nr_free_pages());
    size_t sum = 0;
    for (unsigned o = 0; o < MAX_ORDER; ++o) {
        sum += z.nr_free(o) << o;
    }
    LONGS_EQUAL(z.managed_pages(), sum);
    CHECK_TRUE(z.nr_free(MAX_ORDER - 1) >= 4);  // 24 MiB, 4 MiB aligned: mostly whole blocks
    CHECK_TRUE(z.check());
    // The memmap sits at the top of the arena, outside what the zone manages.
    CHECK_TRUE(z.memmap_bytes() >= z.spanned_pages() * sizeof(mm::page));
    CHECK_FALSE(z.add_range(arena_start(), arena_end()));  // after init: refused
    CHECK_TRUE(z.alloc_early(PAGE_SIZE) == nullptr);
}

TEST(page_alloc, buddyinfo_line) {
    char buf[200];
    size_t n = z.buddyinfo_show(buf, sizeof buf);
    LONGS_EQUAL(n, strlen(buf));
    char expect[200];
    snprintf(expect, sizeof expect, "Node 0, zone     test ");
    CHECK_TRUE(strncmp(buf, expect, strlen(expect)) == 0);
    char tail[32];
    snprintf(tail, sizeof tail, " %6zu \n", z.nr_free(MAX_ORDER - 1));
    CHECK_TRUE(strstr(buf, tail) != nullptr);
    char small[10];
    LONGS_EQUAL(n, z.buddyinfo_show(small, sizeof small));
    STRCMP_EQUAL("Node 0, z", small);
}

TEST(page_alloc, blocks_are_aligned_to_their_order_and_inside_the_zone) {
    std::vector<std::pair<mm::page*, unsigned>> got;
    for (unsigned o = 0; o < MAX_ORDER; ++o) {
        for (int i = 0; i < 2; ++i) {
            mm::page* p = z.alloc_pages(GFP_KERNEL, o);
            CHECK_TRUE(p != nullptr);
            uintptr_t a = addr_of(z, p);
            LONGS_EQUAL(0, a % (PAGE_SIZE << o));
            CHECK_TRUE(a >= arena_start() && a + (PAGE_SIZE << o) <= arena_end() - z.memmap_bytes());
            CHECK_TRUE(z.virt_to_page(reinterpret_cast<void*>(a + 123)) == p);
            got.push_back({p, o});
        }
    }
    CHECK_TRUE(z.check());
    for (auto& [p, o] : got) {
        CHECK_TRUE(z.free_pages(p, o));
    }
    LONGS_EQUAL(z.managed_pages(), z.nr_free_pages());
}

TEST(page_alloc, split_and_merge_restore_the_initial_lists) {
    per_order initial = free_per_order(z);
    mm::page* one = z.alloc_pages(GFP_KERNEL, 0);
    CHECK_TRUE(one != nullptr);
    // A whole max-order block was split: one free block of each lower order.
    per_order after = free_per_order(z);
    size_t smallest_split = MAX_ORDER;
    for (unsigned o = 0; o < MAX_ORDER; ++o) {
        if (initial[o] != 0) {
            smallest_split = o;
            break;
        }
    }
    for (unsigned o = 0; o < smallest_split; ++o) {
        LONGS_EQUAL(1, after[o]);
    }
    CHECK_TRUE(z.free_pages(one, 0));
    CHECK_TRUE(initial == free_per_order(z));

    // Many blocks of mixed orders, freed in an order unrelated to allocation.
    mm_test::rng r;
    std::vector<std::pair<mm::page*, unsigned>> live;
    for (int i = 0; i < 2000; ++i) {
        unsigned o = r.below(6);
        if (mm::page* p = z.alloc_pages(GFP_KERNEL | __GFP_NOWARN, o)) {
            live.push_back({p, o});
        }
    }
    for (size_t i = live.size(); i > 1; --i) {
        std::swap(live[i - 1], live[r.below(static_cast<unsigned>(i))]);
    }
    for (auto& [p, o] : live) {
        CHECK_TRUE(z.free_pages(p, o));
    }
    CHECK_TRUE(initial == free_per_order(z));
    CHECK_TRUE(z.check());
}

TEST(page_alloc, random_stress_with_shadow_map) {
    per_order initial = free_per_order(z);
    const uintptr_t base_pfn = arena_start() / PAGE_SIZE;
    std::vector<int> owner(mm_test::arena_bytes / PAGE_SIZE, -1);  // block index per page, -1 free
    std::vector<block> blocks;
    std::vector<size_t> live;  // indexes into blocks
    mm_test::rng r;
    size_t live_pages = 0, fails = 0;
    for (int op = 0; op < 100000; ++op) {
        bool do_alloc = live.empty() || r.below(100) < 55;
        if (do_alloc) {
            // Mostly small orders, as slabs and buffers are; now and then large.
            unsigned o = r.below(100) < 90 ? r.below(3) : r.below(MAX_ORDER);
            mm::page* p = z.alloc_pages(GFP_KERNEL | __GFP_NOWARN, o);
            if (!p) {
                ++fails;
                continue;
            }
            uintptr_t a = addr_of(z, p);
            LONGS_EQUAL(0, a % (PAGE_SIZE << o));
            size_t first = a / PAGE_SIZE - base_pfn;
            CHECK_TRUE(first + (size_t{1} << o) <= owner.size() - z.memmap_bytes() / PAGE_SIZE);
            int id = static_cast<int>(blocks.size());
            for (size_t i = 0; i < (size_t{1} << o); ++i) {
                if (owner[first + i] != -1) {
                    FAIL("a page handed out twice");
                }
                owner[first + i] = id;
            }
            uint64_t tag = r.next();
            auto* words = reinterpret_cast<uint64_t*>(a);
            words[0] = tag;
            words[(PAGE_SIZE << o) / 8 - 1] = tag;
            blocks.push_back({p, o, tag});
            live.push_back(static_cast<size_t>(id));
            live_pages += size_t{1} << o;
        } else {
            size_t k = r.below(static_cast<unsigned>(live.size()));
            block& b = blocks[live[k]];
            auto* words = static_cast<uint64_t*>(z.page_address(b.p));
            if (words[0] != b.tag || words[(PAGE_SIZE << b.order) / 8 - 1] != b.tag) {
                FAIL("a live block was overwritten: overlapping blocks");
            }
            size_t first = reinterpret_cast<uintptr_t>(words) / PAGE_SIZE - base_pfn;
            for (size_t i = 0; i < (size_t{1} << b.order); ++i) {
                owner[first + i] = -1;
            }
            CHECK_TRUE(z.free_pages(b.p, b.order));
            live_pages -= size_t{1} << b.order;
            live[k] = live.back();
            live.pop_back();
        }
        if (z.nr_free_pages() + live_pages != z.managed_pages()) {
            FAIL("free + live pages != managed pages");
        }
        if (op % 5000 == 0) {
            CHECK_TRUE(z.check());
        }
    }
    CHECK_TRUE(fails > 0);  // the large orders ran into a full zone now and then
    for (size_t id : live) {
        CHECK_TRUE(z.free_pages(blocks[id].p, blocks[id].order));
    }
    LONGS_EQUAL(z.managed_pages(), z.nr_free_pages());
    CHECK_TRUE(initial == free_per_order(z));
    CHECK_TRUE(z.check());
    LONGS_EQUAL(0, z.bad_frees());
}

TEST(page_alloc, out_of_memory_returns_null_and_recovers) {
    per_order initial = free_per_order(z);
    std::vector<mm::page*> pages;
    while (mm::page* p = z.alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0)) {
        pages.push_back(p);
    }
    LONGS_EQUAL(z.managed_pages(), pages.size());
    LONGS_EQUAL(0, z.nr_free_pages());
    POINTERS_EQUAL(nullptr, z.alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 3));
    // Without __GFP_NOWARN the failure is reported.
    POINTERS_EQUAL(nullptr, z.alloc_pages(GFP_KERNEL, 0));
    CHECK_TRUE(host_stub::console.find("page allocation failure: order:0") != std::string::npos);
    CHECK_TRUE(z.free_pages(pages.back(), 0));
    pages.pop_back();
    mm::page* again = z.alloc_pages(GFP_KERNEL, 0);
    CHECK_TRUE(again != nullptr);
    pages.push_back(again);
    for (mm::page* p : pages) {
        CHECK_TRUE(z.free_pages(p, 0));
    }
    CHECK_TRUE(initial == free_per_order(z));
    POINTERS_EQUAL(nullptr, z.alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER));
}

TEST(page_alloc, gfp_kernel_leaves_the_atomic_reserve) {
    z.set_min_free_pages(16);
    std::vector<mm::page*> pages;
    while (mm::page* p = z.alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)) {
        pages.push_back(p);
    }
    LONGS_EQUAL(16, z.nr_free_pages());
    while (mm::page* p = z.alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0)) {
        pages.push_back(p);
    }
    LONGS_EQUAL(0, z.nr_free_pages());
    for (mm::page* p : pages) {
        z.free_pages(p, 0);
    }
    LONGS_EQUAL(z.managed_pages(), z.nr_free_pages());
}

TEST(page_alloc, bad_frees_are_refused_and_change_nothing) {
    mm::page* p = z.alloc_pages(GFP_KERNEL, 2);
    per_order before = free_per_order(z);
    CHECK_FALSE(z.free_pages(p, 1));                // wrong order
    CHECK_FALSE(z.free_pages(p + 1, 0));            // inside the block
    CHECK_FALSE(z.free_pages(p + 4, 0));            // a free page behind it
    char local[16];
    CHECK_FALSE(z.free_pages_at(local, 0));         // not the zone's memory
    CHECK_FALSE(z.free_pages_at(reinterpret_cast<char*>(z.page_address(p)) + 8, 2));  // not a page start
    CHECK_FALSE(z.free_pages_at(reinterpret_cast<void*>(arena_end() - PAGE_SIZE), 0));  // the memmap
    LONGS_EQUAL(6, z.bad_frees());
    CHECK_TRUE(before == free_per_order(z));
    CHECK_TRUE(z.free_pages(p, 2));
    CHECK_FALSE(z.free_pages(p, 2));                // double free
    CHECK_TRUE(host_stub::console.find("double free") != std::string::npos);
    LONGS_EQUAL(7, z.bad_frees());
    LONGS_EQUAL(z.managed_pages(), z.nr_free_pages());
    CHECK_TRUE(z.check());
}

TEST(page_alloc, zeroed_pages) {
    mm::page* p = z.alloc_pages(GFP_KERNEL, 1);
    memset(z.page_address(p), 0xa5, 2 * PAGE_SIZE);
    z.free_pages(p, 1);
    mm::page* q = z.alloc_pages(GFP_KERNEL | __GFP_ZERO, 1);
    POINTERS_EQUAL(p, q);  // LIFO: the same block comes back
    auto* bytes = static_cast<unsigned char*>(z.page_address(q));
    for (size_t i = 0; i < 2 * PAGE_SIZE; ++i) {
        if (bytes[i] != 0) {
            FAIL("__GFP_ZERO left a byte set");
        }
    }
    z.free_pages(q, 1);
}

TEST_GROUP(page_alloc_ranges) {
    mm::zone z;
    void setup() override { host_stub::console.clear(); }
};

TEST(page_alloc_ranges, holes_and_early_carve_outs_are_never_handed_out) {
    // Two pieces with a 1 MiB hole, unaligned ends, and a 2 MiB carve-out.
    uintptr_t a0 = arena_start() + 3 * PAGE_SIZE + 17, a1 = arena_start() + (8u << 20);
    uintptr_t b0 = arena_start() + (9u << 20), b1 = arena_start() + (20u << 20) - 5;
    CHECK_TRUE(z.add_range(b0, b1));
    CHECK_TRUE(z.add_range(a0, a1));
    CHECK_FALSE(z.add_range(a1 - PAGE_SIZE, b0 + PAGE_SIZE));  // overlaps
    auto carved = reinterpret_cast<uintptr_t>(z.alloc_early(2u << 20, 1u << 20));
    CHECK_TRUE(carved >= b0 && carved + (2u << 20) <= b1);
    LONGS_EQUAL(0, carved % (1u << 20));
    CHECK_TRUE(z.init("ranges"));
    z.set_min_free_pages(0);
    LONGS_EQUAL(b0, addr_of(z, z.virt_to_page(reinterpret_cast<void*>(b0))));
    // The memmap's first entry describes the lowest page.
    auto memmap = reinterpret_cast<uintptr_t>(z.virt_to_page(reinterpret_cast<void*>(a0 + PAGE_SIZE)));
    CHECK_TRUE(memmap >= b0 && memmap < b1);
    size_t n = 0;
    while (mm::page* p = z.alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)) {
        uintptr_t a = addr_of(z, p);
        bool in_a = a >= a0 && a + PAGE_SIZE <= a1;
        bool in_b = a >= b0 && a + PAGE_SIZE <= b1;
        bool in_carved = a >= carved && a < carved + (2u << 20);
        bool in_memmap = a + PAGE_SIZE > memmap && a < memmap + z.memmap_bytes();
        CHECK_TRUE((in_a || in_b) && !in_carved && !in_memmap);
        ++n;
    }
    LONGS_EQUAL(z.managed_pages(), n);
    CHECK_FALSE(z.free_pages_at(reinterpret_cast<void*>(a1 + PAGE_SIZE), 0));  // in the hole
    CHECK_TRUE(host_stub::console.find("reserved") != std::string::npos);
    CHECK_TRUE(z.virt_to_page(reinterpret_cast<void*>(a1))->has(mm::PG_reserved));
    CHECK_TRUE(z.virt_to_page(reinterpret_cast<void*>(b0 - 1))->has(mm::PG_reserved));
    size_t expect = (a1 - (a0 + PAGE_SIZE - 17)) / PAGE_SIZE + ((b1 + 5 - PAGE_SIZE) - b0) / PAGE_SIZE -
                    (2u << 20) / PAGE_SIZE - z.memmap_bytes() / PAGE_SIZE;
    LONGS_EQUAL(expect, n);
}

TEST(page_alloc_ranges, init_without_memory_fails_cleanly) {
    CHECK_FALSE(z.init("empty"));
    POINTERS_EQUAL(nullptr, z.alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0));
    CHECK_FALSE(z.free_pages_at(mm_test::arena, 0));
    CHECK_TRUE(z.add_range(arena_start(), arena_start() + PAGE_SIZE));  // one page: no room for a memmap too
    CHECK_FALSE(z.init("tiny"));
}

TEST(page_alloc_ranges, kernel_api_on_the_normal_zone) {
    mm::zone& nz = mm::normal_zone();
    nz.reset();
    CHECK_TRUE(nz.add_range(arena_start(), arena_start() + (8u << 20)));
    CHECK_TRUE(nz.init("Normal"));
    unsigned long a = __get_free_pages(GFP_KERNEL, 3);
    CHECK_TRUE(a != 0);
    LONGS_EQUAL(0, a % (PAGE_SIZE << 3));
    unsigned long zp = get_zeroed_page(GFP_KERNEL);
    CHECK_EQUAL(0, static_cast<unsigned char*>(reinterpret_cast<void*>(zp))[100]);
    LONGS_EQUAL(totalram_pages() - 9, nr_free_pages());
    POINTERS_EQUAL(virt_to_page(reinterpret_cast<void*>(a + 5 * PAGE_SIZE)),
                   virt_to_page(reinterpret_cast<void*>(a)) + 5);
    free_pages(a, 3);
    free_page(zp);
    free_pages(0, 0);  // ignored, as Linux
    LONGS_EQUAL(totalram_pages(), nr_free_pages());
    nz.reset();
}

