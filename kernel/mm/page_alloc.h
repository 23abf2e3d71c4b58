// The physical page allocator: a binary buddy system over 4 KiB pages, as
// Linux's mm/page_alloc.c. Memory reaches it the way memblock hands it over
// at boot: add_range() for each piece of RAM, alloc_early() for what must be
// carved off before (the memmap, the apps' heap), then init() frees the rest
// to the buddy lists.
//
// A zone is an object so that host tests can run one over a buffer they own;
// the kernel's is normal_zone(), behind Linux's free functions at the end.
// Every operation masks interrupts (cpu::irq_guard): GFP_ATOMIC callers run in
// interrupt handlers.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/mm/gfp.h"

struct kmem_cache;

namespace mm {

constexpr unsigned PAGE_SHIFT = 12;
constexpr size_t PAGE_SIZE = size_t{1} << PAGE_SHIFT;
constexpr unsigned MAX_ORDER = 11;  // orders 0..10: the largest block is 4 MiB

// Page flags (Linux's PG_*), one bit each.
enum page_flag : uint16_t {
    PG_reserved = 1u << 0,       // not managed: hole, memmap, carved off
    PG_buddy = 1u << 1,          // head of a free block; order = its order
    PG_head = 1u << 2,           // head of an allocated block; order = its order
    PG_tail = 1u << 3,           // later page of a slab; compound_head names the head
    PG_slab = 1u << 4,           // belongs to a slab (head and tails)
    PG_large_kmalloc = 1u << 5,  // head of a kmalloc() too big for the size classes
};

// One per page frame (the memmap). 24 bytes on MIPS32: the buddy state, and
// for slab pages the slab's state, so that slabs need no header of their own.
struct page {
    uint16_t flags;
    uint8_t order;
    uint8_t on_list;               // slab: which of its cache's lists holds it
    uint16_t inuse;                // slab: objects handed out
    uint16_t objects;              // slab: objects it holds
    page* next;                    // free_area list or slab list
    page* prev;
    union {
        kmem_cache* slab_cache;    // slab head
        page* compound_head;       // PG_tail
    };
    void* freelist;                // slab: first free object

    bool has(page_flag f) const { return (flags & f) != 0; }
    void set(page_flag f) { flags = static_cast<uint16_t>(flags | f); }
    void clear(page_flag f) { flags = static_cast<uint16_t>(flags & ~f); }
};

static_assert(sizeof(void*) != 4 || sizeof(page) == 24, "the memmap costs 24 bytes a page on 32-bit");

// A doubly linked list of pages through page::next/prev, nullptr-terminated.
struct page_list {
    page* first = nullptr;
    bool empty() const { return first == nullptr; }
    void push(page* p);
    void remove(page* p);
};

constexpr bool is_power_of_2(size_t n) { return n != 0 && (n & (n - 1)) == 0; }

constexpr unsigned get_order(size_t bytes) {
    unsigned order = 0;
    while ((PAGE_SIZE << order) < bytes) {
        ++order;
    }
    return order;
}

class zone {
public:
    static constexpr unsigned max_ranges = 8;

    // memblock_add(): [start, end) is RAM this zone may use; rounded inward to
    // pages. Ranges may have holes between them but must not overlap.
    bool add_range(uintptr_t start, uintptr_t end);
    // memblock_alloc(), then memblock_remove(): bytes (rounded up to pages),
    // carved off the top of the highest range that fits, aligned to align (a
    // power of two, at least a page). The zone never manages it. nullptr when
    // nothing fits or after init().
    void* alloc_early(size_t bytes, size_t align = PAGE_SIZE);
    // Places the memmap (alloc_early) and frees every page of the ranges.
    bool init(const char* name);
    void reset();                       // back to empty, e.g. between tests

    page* alloc_pages(gfp_t gfp, unsigned order);
    // Refuses (pr_err, nothing changed) a page outside the zone, not the head
    // of an allocated block, freed with another order, or still a slab.
    bool free_pages(page* p, unsigned order);
    bool free_pages_at(const void* addr, unsigned order);   // by address, as free_pages()

    page* virt_to_page(const void* addr) const;   // nullptr outside the zone
    void* page_address(const page* p) const;
    bool contains(const page* p) const { return p >= mem_map_ && p < mem_map_ + spanned_; }

    bool ready() const { return mem_map_ != nullptr; }
    const char* name() const { return name_; }
    uintptr_t zone_start_pfn() const { return start_pfn_; }   // pfn: address >> PAGE_SHIFT
    uintptr_t zone_end_pfn() const { return start_pfn_ + spanned_; }
    size_t managed_pages() const { return managed_; }  // given to the buddy lists
    size_t spanned_pages() const { return spanned_; }  // memmap length, holes included
    size_t nr_free_pages() const { return nr_free_total_; }
    size_t nr_free(unsigned order) const { return order < MAX_ORDER ? free_area_[order].nr_free : 0; }
    size_t memmap_bytes() const { return memmap_bytes_; }
    size_t min_free_pages() const { return min_free_; }
    void set_min_free_pages(size_t n) { min_free_ = n; }
    // The line of /proc/buddyinfo: free blocks per order, NUL-terminated,
    // truncated at len; returns the length it needed.
    size_t buddyinfo_show(char* buf, size_t len) const;
    // Walks every free list: each block's flags, order, alignment and pages,
    // and the counters. For tests; false (and pr_err) at the first mismatch.
    bool check() const;
    size_t failures() const { return failures_; }      // allocations refused
    size_t bad_frees() const { return bad_frees_; }    // frees refused

private:
    struct range {
        uintptr_t start, end;
    };
    struct free_area {
        page_list list;
        size_t nr_free;
    };

    uintptr_t pfn_of(const page* p) const { return start_pfn_ + static_cast<uintptr_t>(p - mem_map_); }
    page* pfn_to_page(uintptr_t pfn) const;
    void free_one_block(uintptr_t pfn, unsigned order);
    void free_range_pages(uintptr_t start_pfn, uintptr_t end_pfn);
    void reserve_holes();
    void take_block(page* p, unsigned order);
    bool check_free(const page* p, unsigned order);
    void span(uintptr_t& lo, uintptr_t& hi) const;

    range ranges_[max_ranges] = {};
    unsigned nr_ranges_ = 0;
    page* mem_map_ = nullptr;
    uintptr_t start_pfn_ = 0;
    size_t spanned_ = 0;
    size_t managed_ = 0;
    size_t nr_free_total_ = 0;
    size_t memmap_bytes_ = 0;
    size_t min_free_ = 0;
    size_t failures_ = 0;
    size_t bad_frees_ = 0;
    const char* name_ = "";
    free_area free_area_[MAX_ORDER] = {};
};

zone& normal_zone();   // the kernel's, set up by mm::mem_init()

}  // namespace mm

// Linux's page allocator API, on mm::normal_zone().
mm::page* alloc_pages(gfp_t gfp, unsigned order);
inline mm::page* alloc_page(gfp_t gfp) { return alloc_pages(gfp, 0); }
void __free_pages(mm::page* page, unsigned order);
unsigned long __get_free_pages(gfp_t gfp, unsigned order);
inline unsigned long __get_free_page(gfp_t gfp) { return __get_free_pages(gfp, 0); }
unsigned long get_zeroed_page(gfp_t gfp);
void free_pages(unsigned long addr, unsigned order);
inline void free_page(unsigned long addr) { free_pages(addr, 0); }
void* page_address(const mm::page* page);
mm::page* virt_to_page(const void* addr);    // nullptr outside the zone
mm::page* virt_to_head_page(const void* addr);
unsigned long nr_free_pages();
unsigned long totalram_pages();              // pages the buddy allocator manages
