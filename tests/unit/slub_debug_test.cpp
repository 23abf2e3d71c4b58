// slub_debug: red zones, poison, the scan, and the layout it leaves alone
// when it is off.
#include <string.h>

#include <CppUTest/TestHarness.h>

#include "kernel/cmdline.h"
#include "kernel/mm/slab.h"
#include "kernel/mm/slub_debug.h"
#include "tests/unit/host/host_stub.h"
#include "tests/unit/mm_arena.h"

namespace {

void fresh_slab(const char* line) {
    cmdline::parse(line);
    mm::zone& z = mm::normal_zone();
    z.reset();
    CHECK_TRUE(z.add_range(mm_test::arena_start(), mm_test::arena_end()));
    CHECK_TRUE(z.init("Normal"));
    z.set_min_free_pages(0);
    kmem_cache_init();
    host_stub::console.clear();
}

bool said(const char* s) { return host_stub::console.find(s) != std::string::npos; }

unsigned slot_of(const char* cache) {
    struct find {
        const char* name;
        unsigned size;
    } f{cache, 0};
    kmem_cache_for_each(
        [](const slabinfo& i, void* arg) {
            auto* f = static_cast<find*>(arg);
            if (strcmp(i.name, f->name) == 0) {
                f->size = i.size;
            }
        },
        &f);
    return f.size;
}

}  // namespace

TEST_GROUP(slub_debug) {
    void setup() override { fresh_slab("slub_debug=FZP"); }
    void teardown() override {
        cmdline::parse("");
        mm::normal_zone().reset();
    }
};

TEST(slub_debug, flags_from_the_spec) {
    using namespace slub_debug;
    LONGS_EQUAL(0, flags_for(nullptr, "kmalloc-64"));
    LONGS_EQUAL(consistency | red_zone | poison, flags_for("", "kmalloc-64"));
    LONGS_EQUAL(red_zone | poison, flags_for("ZP", "anything"));
    LONGS_EQUAL(red_zone, flags_for("Z,kmalloc-32,kmalloc-64", "kmalloc-64"));
    LONGS_EQUAL(0, flags_for("Z,kmalloc-32,kmalloc-64", "kmalloc-6"));
    LONGS_EQUAL(0, flags_for("Z,kmalloc-32", "kmalloc-64"));
}

TEST(slub_debug, a_write_past_the_end_is_caught_at_free) {
    auto* p = static_cast<uint8_t*>(kmalloc(64, GFP_KERNEL));
    CHECK_TRUE(p != nullptr);
    unsigned long before = slub_debug::errors();
    p[64] = 0x41;   // one byte past the object
    kfree(p);
    LONGS_EQUAL(before + 1, slub_debug::errors());
    CHECK_TRUE(said("BUG kmalloc-64: Redzone overwritten"));
    CHECK_TRUE(said("byte +64 is 0x41, not 0xcc"));
    CHECK_TRUE(said("FIX kmalloc-64"));
    // Restored: the next round is clean.
    kfree(kmalloc(64, GFP_KERNEL));
    LONGS_EQUAL(before + 1, slub_debug::errors());
}

TEST(slub_debug, a_write_after_free_is_caught_at_the_next_alloc) {
    auto* p = static_cast<uint8_t*>(kmalloc(32, GFP_KERNEL));
    kfree(p);
    unsigned long before = slub_debug::errors();
    p[5] = 0;   // use after free
    void* q = kmalloc(32, GFP_KERNEL);
    POINTERS_EQUAL(p, q);   // the same slot, last in first out
    LONGS_EQUAL(before + 1, slub_debug::errors());
    CHECK_TRUE(said("BUG kmalloc-32: Poison overwritten"));
    kfree(q);
}

TEST(slub_debug, the_scan_finds_what_no_free_has_seen_yet) {
    auto* p = static_cast<uint8_t*>(kmalloc(100, GFP_KERNEL));   // kmalloc-128
    auto* gone = static_cast<uint8_t*>(kmalloc(100, GFP_KERNEL));
    kfree(gone);
    LONGS_EQUAL(0, kmem_cache_validate());
    p[128] = 1;
    gone[0] = 1;
    LONGS_EQUAL(2, kmem_cache_validate());
    LONGS_EQUAL(0, kmem_cache_validate());   // both restored
    kfree(p);
}

TEST(slub_debug, a_free_object_holds_poison_and_a_live_one_its_red_zone) {
    auto* p = static_cast<uint8_t*>(kmalloc(16, GFP_KERNEL));
    LONGS_EQUAL(slub_debug::SLUB_RED_ACTIVE, p[16]);
    kfree(p);
    LONGS_EQUAL(slub_debug::POISON_FREE, p[0]);
    LONGS_EQUAL(slub_debug::POISON_END, p[15]);
    LONGS_EQUAL(slub_debug::SLUB_RED_INACTIVE, p[16]);
}

TEST(slub_debug, zeroed_and_constructed_objects_stay_as_asked) {
    auto* z = static_cast<uint8_t*>(kzalloc(48, GFP_KERNEL));
    for (int i = 0; i < 48; ++i) {
        LONGS_EQUAL(0, z[i]);
    }
    kfree(z);
    kmem_cache* c = kmem_cache_create("ctor_cache", 40, 0, SLAB_NONE, [](void* o) { memset(o, 0x5c, 40); });
    auto* o = static_cast<uint8_t*>(kmem_cache_alloc(c, GFP_KERNEL));
    LONGS_EQUAL(0x5c, o[0]);   // no poison over a constructed object
    LONGS_EQUAL(0x5c, o[39]);
    kmem_cache_free(c, o);
    kmem_cache_destroy(c);
    LONGS_EQUAL(0, kmem_cache_validate());
}

TEST(slub_debug, off_it_leaves_the_layout_alone) {
    unsigned debugged = slot_of("kmalloc-64");
    fresh_slab("");
    unsigned plain = slot_of("kmalloc-64");
    LONGS_EQUAL(64, plain);
    CHECK_TRUE(debugged > plain);
    auto* p = static_cast<uint8_t*>(kmalloc(64, GFP_KERNEL));
    unsigned long before = slub_debug::errors();
    kfree(p);
    LONGS_EQUAL(0, kmem_cache_validate());
    LONGS_EQUAL(before, slub_debug::errors());
}

// The red zone and the free pointer behind each object make the slots
// longer, not the objects less aligned: kmalloc-N keeps the alignment of
// the largest power of two dividing N, so sk_buff data (DMA) still starts
// on a cache line of its own.
TEST(slub_debug, kmalloc_objects_keep_their_natural_alignment) {
    for (size_t size : {16u, 32u, 64u, 96u, 128u, 192u, 256u, 512u, 1024u, 2048u, 4096u, 8192u}) {
        void* p[3];
        for (void*& o : p) {
            o = kmalloc(size, GFP_KERNEL);
            CHECK_TRUE(o != nullptr);
            LONGS_EQUAL(0, reinterpret_cast<uintptr_t>(o) % (size & (~size + 1)));
        }
        for (void* o : p) {
            kfree(o);
        }
    }
    CHECK_TRUE(slot_of("kmalloc-2048") > 2048);
    LONGS_EQUAL(0, kmem_cache_validate());
}

TEST(slub_debug, only_the_caches_named) {
    fresh_slab("slub_debug=Z,kmalloc-256");
    CHECK_TRUE(slot_of("kmalloc-256") > 256);
    LONGS_EQUAL(128, slot_of("kmalloc-128"));
}
