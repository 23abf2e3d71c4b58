#include "kernel/mm/selftest.h"

#include <string.h>

#include "kernel/cpu.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/mm/slab.h"
#include "kernel/printk.h"

namespace mm {

namespace {

struct slot {
    unsigned char* p;
    size_t size;
    unsigned char tag;
};

constexpr unsigned nr_slots = 256;

struct lcg {  // Numerical Recipes' constants; any fixed sequence will do
    uint32_t s = 12345;
    uint32_t next() { return s = s * 1664525u + 1013904223u; }
};

bool fail(const char* what, const void* where) {
    pr_err("mm: selftest FAILED: %s (%p)\n", what, where);
    return false;
}

bool check_classes() {
    static constexpr size_t sizes[] = {1, 16, 17, 96, 192, 2048, 2049, 4096, 8192, 8193, 1u << 20};
    for (size_t size : sizes) {
        auto* p = static_cast<unsigned char*>(kmalloc(size, GFP_KERNEL));
        if (!p) {
            return fail("kmalloc of a size class failed", nullptr);
        }
        size_t usable = ksize(p);
        size_t align = usable & (~usable + 1);
        if (usable < size || reinterpret_cast<uintptr_t>(p) % (align < PAGE_SIZE ? align : PAGE_SIZE)) {
            kfree(p);
            return fail("size class: short or misaligned", p);
        }
        memset(p, 0xa5, usable);
        kfree(p);
    }
    for (unsigned order = 0; order < MAX_ORDER; ++order) {
        unsigned long a = __get_free_pages(GFP_KERNEL | __GFP_NOWARN, order);
        if (a % (PAGE_SIZE << order) != 0) {
            return fail("page block misaligned", reinterpret_cast<void*>(a));
        }
        free_pages(a, order);
    }
    return true;
}

bool random_run(slot* slots, unsigned ops) {
    lcg r;
    for (unsigned i = 0; i < ops; ++i) {
        slot& s = slots[r.next() % nr_slots];
        if (s.p) {
            if (s.p[0] != s.tag || s.p[s.size - 1] != s.tag || s.p[s.size / 2] != s.tag) {
                return fail("a live object was overwritten", s.p);
            }
            kfree(s.p);
            s.p = nullptr;
            continue;
        }
        uint32_t pick = r.next();
        s.size = pick % 16 == 0 ? 8193 + pick % 60000 : 1 + pick % 2048;
        s.p = static_cast<unsigned char*>(kmalloc(s.size, GFP_KERNEL | __GFP_NOWARN));
        if (s.p) {
            s.tag = static_cast<unsigned char>(r.next() >> 24);
            memset(s.p, s.tag, s.size);
        }
    }
    for (unsigned i = 0; i < nr_slots; ++i) {
        kfree(slots[i].p);
        slots[i].p = nullptr;
    }
    return true;
}

void shrink_kmalloc_caches() {
    for (size_t size = 16; size <= KMALLOC_MAX_CACHE_SIZE; size += 16) {
        kmem_cache_shrink(kmalloc_slab(size));
    }
}

void report_timing() {
    constexpr unsigned n = 1000;
    uint32_t t0 = cpu::cycles();
    for (unsigned i = 0; i < n; ++i) {
        kfree(kmalloc(256, GFP_KERNEL));
    }
    uint32_t t1 = cpu::cycles();
    for (unsigned i = 0; i < n; ++i) {
        free_page(__get_free_page(GFP_KERNEL));
    }
    uint32_t t2 = cpu::cycles();
    pr_info("mm: selftest timing: kmalloc+kfree %u, __get_free_page+free_page %u counter ticks\n",
            (t1 - t0) / n, (t2 - t1) / n);
}

}  // namespace

bool selftest(unsigned ops) {
    if (!slab_is_available()) {
        return fail("no slab allocator", nullptr);
    }
    shrink_kmalloc_caches();
    unsigned long free_before = nr_free_pages(), slab_before = nr_slab_pages();
    auto* slots = static_cast<slot*>(kcalloc(nr_slots, sizeof(slot), GFP_KERNEL));
    if (!slots) {
        return fail("no memory for the slot table", nullptr);
    }
    bool ok = check_classes() && random_run(slots, ops);
    kfree(slots);
    if (!ok) {
        return false;
    }
    report_timing();
    shrink_kmalloc_caches();
    if (nr_free_pages() != free_before || nr_slab_pages() != slab_before || nr_kmalloc_large_pages() != 0 ||
        !normal_zone().check()) {
        pr_err("mm: selftest FAILED: %lu pages free before, %lu after (slab %lu, %lu)\n", free_before,
               nr_free_pages(), slab_before, nr_slab_pages());
        return false;
    }
    slabinfo si;
    get_slabinfo(kmalloc_slab(256), &si);
    if (strcmp(si.name, "kmalloc-256") != 0 || si.objsize != 256) {
        return fail("kmalloc-256 is misnamed", kmalloc_slab(256));
    }
    pr_info("mm: selftest passed (%u kmalloc/kfree operations, every page back)\n", ops);
    return true;
}

}  // namespace mm
