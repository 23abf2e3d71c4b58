#include "kernel/mm/page_alloc.h"

#include <stdio.h>
#include <string.h>

#include "kernel/cpu.h"
#include "kernel/mm/kasan.h"
#include "kernel/printk.h"

namespace mm {

void page_list::push(page* p) {
    p->prev = nullptr;
    p->next = first;
    if (first) {
        first->prev = p;
    }
    first = p;
}

void page_list::remove(page* p) {
    if (p->prev) {
        p->prev->next = p->next;
    } else {
        first = p->next;
    }
    if (p->next) {
        p->next->prev = p->prev;
    }
    p->next = p->prev = nullptr;
}

namespace {
constexpr uintptr_t page_round_up(uintptr_t a) { return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }
constexpr uintptr_t page_round_down(uintptr_t a) { return a & ~(PAGE_SIZE - 1); }
}  // namespace

bool zone::add_range(uintptr_t start, uintptr_t end) {
    start = page_round_up(start);
    end = page_round_down(end);
    if (ready() || start >= end || nr_ranges_ == max_ranges) {
        pr_err("%s: cannot add memory range %#lx-%#lx\n", name_, static_cast<unsigned long>(start),
               static_cast<unsigned long>(end));
        return false;
    }
    for (unsigned i = 0; i < nr_ranges_; ++i) {
        if (start < ranges_[i].end && ranges_[i].start < end) {
            pr_err("%s: memory range %#lx-%#lx overlaps another\n", name_,
                   static_cast<unsigned long>(start), static_cast<unsigned long>(end));
            return false;
        }
    }
    ranges_[nr_ranges_++] = {start, end};
    // Whatever a zone before left poisoned is this zone's now.
    kasan_unpoison(reinterpret_cast<void*>(start), end - start);
    return true;
}

void* zone::alloc_early(size_t bytes, size_t align) {
    if (ready() || bytes == 0 || !is_power_of_2(align)) {
        return nullptr;
    }
    bytes = page_round_up(bytes);
    if (align < PAGE_SIZE) {
        align = PAGE_SIZE;
    }
    range* best = nullptr;
    for (unsigned i = 0; i < nr_ranges_; ++i) {
        range& r = ranges_[i];
        if (r.end - r.start >= bytes && ((r.end - bytes) & ~(align - 1)) >= r.start &&
            (!best || r.end > best->end)) {
            best = &r;
        }
    }
    if (!best) {
        return nullptr;
    }
    uintptr_t at = (best->end - bytes) & ~(align - 1);
    uintptr_t above = at + bytes, old_end = best->end;
    best->end = at;
    // The alignment slop above the block stays usable while a range is free
    // to describe it.
    if (above < old_end && nr_ranges_ < max_ranges) {
        ranges_[nr_ranges_++] = {above, old_end};
    }
    return reinterpret_cast<void*>(at);
}

void zone::span(uintptr_t& lo, uintptr_t& hi) const {
    lo = UINTPTR_MAX;
    hi = 0;
    for (unsigned i = 0; i < nr_ranges_; ++i) {
        if (ranges_[i].start < ranges_[i].end) {
            lo = ranges_[i].start < lo ? ranges_[i].start : lo;
            hi = ranges_[i].end > hi ? ranges_[i].end : hi;
        }
    }
}

bool zone::init(const char* name) {
    name_ = name;
    if (ready()) {
        return false;
    }
    uintptr_t lo, hi;
    span(lo, hi);
    if (lo >= hi) {
        pr_err("%s: no memory\n", name_);
        return false;
    }
    size_t want = ((hi - lo) >> PAGE_SHIFT) * sizeof(page);
    auto* map = static_cast<page*>(alloc_early(want));
    span(lo, hi);  // the memmap came off the top: the span may have shrunk
    if (!map || lo >= hi) {
        pr_err("%s: no room for a memmap of %zu bytes\n", name_, want);
        return false;
    }
    memmap_bytes_ = page_round_up(want);
    start_pfn_ = lo >> PAGE_SHIFT;
    spanned_ = (hi - lo) >> PAGE_SHIFT;
    memset(map, 0, spanned_ * sizeof(page));
    mem_map_ = map;
    reserve_holes();
    for (unsigned i = 0; i < nr_ranges_; ++i) {
        free_range_pages(ranges_[i].start >> PAGE_SHIFT, ranges_[i].end >> PAGE_SHIFT);
    }
    // The atomic reserve: 1/256 of the zone, between 8 and 256 pages (Linux
    // sizes min_free_kbytes by the square root; this zone is small).
    size_t reserve = managed_ / 256;
    min_free_ = reserve < 8 ? 8 : reserve > 256 ? 256 : reserve;
    if (min_free_ > managed_ / 4) {
        min_free_ = managed_ / 4;
    }
    return true;
}

void zone::reset() {
    for (unsigned i = 0; i < nr_ranges_; ++i) {
        kasan_unpoison(reinterpret_cast<void*>(ranges_[i].start), ranges_[i].end - ranges_[i].start);
    }
    *this = zone{};
}

// Marks the pages between the ranges reserved: the memmap spans the holes.
void zone::reserve_holes() {
    uintptr_t pfn = start_pfn_, end = start_pfn_ + spanned_;
    while (pfn < end) {
        uintptr_t next_range = end;  // the first range at or above pfn
        bool inside = false;
        for (unsigned i = 0; i < nr_ranges_; ++i) {
            uintptr_t s = ranges_[i].start >> PAGE_SHIFT, e = ranges_[i].end >> PAGE_SHIFT;
            if (s <= pfn && pfn < e) {
                pfn = e;
                inside = true;
                break;
            }
            if (s > pfn && s < next_range) {
                next_range = s;
            }
        }
        for (; !inside && pfn < next_range; ++pfn) {
            pfn_to_page(pfn)->flags = PG_reserved;
        }
    }
}

// Hands [start_pfn, end_pfn) to the buddy lists in the largest naturally
// aligned blocks, as memblock_free_all() does; free_one_block() merges
// neighbours, so the result does not depend on the order of the ranges.
void zone::free_range_pages(uintptr_t pfn, uintptr_t end_pfn) {
    while (pfn < end_pfn) {
        unsigned order = MAX_ORDER - 1;
        while (order > 0 && ((pfn & ((uintptr_t{1} << order) - 1)) != 0 ||
                             pfn + (uintptr_t{1} << order) > end_pfn)) {
            --order;
        }
        size_t n = size_t{1} << order;
        managed_ += n;
        kasan_poison(reinterpret_cast<void*>(pfn << PAGE_SHIFT), n << PAGE_SHIFT);
        free_one_block(pfn, order);
        pfn += n;
    }
}

page* zone::pfn_to_page(uintptr_t pfn) const {
    if (pfn < start_pfn_ || pfn - start_pfn_ >= spanned_) {
        return nullptr;
    }
    return mem_map_ + (pfn - start_pfn_);
}

// __free_one_page(): merge with the buddy while it is free and of the same
// order, then put the result on its free list.
void zone::free_one_block(uintptr_t pfn, unsigned order) {
    while (order < MAX_ORDER - 1) {
        page* buddy = pfn_to_page(pfn ^ (uintptr_t{1} << order));
        if (!buddy || !buddy->has(PG_buddy) || buddy->order != order) {
            break;
        }
        free_area_[order].list.remove(buddy);
        --free_area_[order].nr_free;
        nr_free_total_ -= size_t{1} << order;
        buddy->clear(PG_buddy);
        buddy->order = 0;
        pfn &= ~(uintptr_t{1} << order);
        ++order;
    }
    page* p = pfn_to_page(pfn);
    p->set(PG_buddy);
    p->order = static_cast<uint8_t>(order);
    free_area_[order].list.push(p);
    ++free_area_[order].nr_free;
    nr_free_total_ += size_t{1} << order;
}

// Takes free block p (of order `have`) off its list and splits it down to
// `order` (Linux's expand()): the upper halves go back on the lists.
void zone::take_block(page* p, unsigned order) {
    unsigned have = p->order;
    free_area_[have].list.remove(p);
    --free_area_[have].nr_free;
    nr_free_total_ -= size_t{1} << have;
    p->clear(PG_buddy);
    uintptr_t pfn = pfn_of(p);
    while (have > order) {
        --have;
        page* half = pfn_to_page(pfn + (uintptr_t{1} << have));
        half->set(PG_buddy);
        half->order = static_cast<uint8_t>(have);
        free_area_[have].list.push(half);
        ++free_area_[have].nr_free;
        nr_free_total_ += size_t{1} << have;
    }
    p->set(PG_head);
    p->order = static_cast<uint8_t>(order);
}

page* zone::alloc_pages(gfp_t gfp, unsigned order) {
    page* p = nullptr;
    {
        cpu::irq_guard guard;
        size_t reserve = (gfp & __GFP_HIGH) ? 0 : min_free_;
        size_t want = size_t{1} << order;
        if (ready() && order < MAX_ORDER && nr_free_total_ >= want + reserve) {
            for (unsigned o = order; o < MAX_ORDER && !p; ++o) {
                p = free_area_[o].list.first;
            }
            if (p) {
                take_block(p, order);
            }
        }
        if (!p) {
            ++failures_;
        }
    }
    if (!p) {
        if (!(gfp & __GFP_NOWARN)) {
            pr_warn("%s: page allocation failure: order:%u, mode:%#x, %zu pages free\n", name_, order,
                    static_cast<unsigned>(gfp), nr_free_total_);
        }
        return nullptr;
    }
    kasan_unpoison(page_address(p), PAGE_SIZE << order);
    if (gfp & __GFP_ZERO) {
        memset(page_address(p), 0, PAGE_SIZE << order);
    }
    return p;
}

bool zone::check_free(const page* p, unsigned order) {
    const char* why = nullptr;
    if (!ready() || !contains(p)) {
        why = "not in this zone";
    } else if (order >= MAX_ORDER) {
        why = "bad order";
    } else if (p->has(PG_buddy)) {
        why = "already free (double free)";
    } else if (!p->has(PG_head)) {
        why = p->has(PG_reserved) ? "reserved" : "not the start of an allocated block";
    } else if (p->order != order) {
        why = "freed with the wrong order";
    } else if (p->has(PG_slab)) {
        why = "still a slab";
    } else if (p->has(PG_large_kmalloc)) {
        why = "from kmalloc (kfree it)";
    }
    if (why) {
        ++bad_frees_;
        pr_err("%s: bad page free: page %p order %u: %s\n", name_, static_cast<const void*>(p), order, why);
        return false;
    }
    return true;
}

bool zone::free_pages(page* p, unsigned order) {
    cpu::irq_guard guard;
    if (!check_free(p, order)) {
        return false;
    }
    p->flags = 0;
    kasan_poison(page_address(p), PAGE_SIZE << order);
    free_one_block(pfn_of(p), order);
    return true;
}

bool zone::free_pages_at(const void* addr, unsigned order) {
    page* p = virt_to_page(addr);
    if (!p || (reinterpret_cast<uintptr_t>(addr) & (PAGE_SIZE - 1)) != 0) {
        cpu::irq_guard guard;
        ++bad_frees_;
        pr_err("%s: bad page free: %p is not a page of this zone\n", name_, addr);
        return false;
    }
    return free_pages(p, order);
}

page* zone::virt_to_page(const void* addr) const {
    if (!ready()) {
        return nullptr;
    }
    return pfn_to_page(reinterpret_cast<uintptr_t>(addr) >> PAGE_SHIFT);
}

void* zone::page_address(const page* p) const {
    return reinterpret_cast<void*>(pfn_of(p) << PAGE_SHIFT);
}

size_t zone::buddyinfo_show(char* buf, size_t len) const {
    size_t used = 0;
    auto add = [&](const char* fmt, auto... args) {
        int n = snprintf(used < len ? buf + used : nullptr, used < len ? len - used : 0, fmt, args...);
        used += n > 0 ? static_cast<size_t>(n) : 0;
    };
    if (len) {
        buf[0] = '\0';
    }
    add("Node 0, zone %8s ", name_);
    for (unsigned o = 0; o < MAX_ORDER; ++o) {
        add("%6lu ", static_cast<unsigned long>(free_area_[o].nr_free));
    }
    add("\n");
    return used;
}

bool zone::check() const {
    cpu::irq_guard guard;
    size_t total = 0;
    for (unsigned o = 0; o < MAX_ORDER; ++o) {
        size_t n = 0;
        for (const page* p = free_area_[o].list.first; p; p = p->next, ++n) {
            uintptr_t pfn = pfn_of(p);
            const char* why = !contains(p) ? "outside the memmap"
                              : !p->has(PG_buddy) || p->order != o ? "flags or order"
                              : (pfn & ((uintptr_t{1} << o) - 1)) ? "misaligned"
                              : !pfn_to_page(pfn + (uintptr_t{1} << o) - 1) ? "runs past the zone"
                                                                            : nullptr;
            for (size_t i = 1; !why && i < (size_t{1} << o); ++i) {
                if (p[i].flags != 0) {
                    why = "a page inside is in use";
                }
            }
            if (why) {
                pr_err("%s: free block %p order %u: %s\n", name_, page_address(p), o, why);
                return false;
            }
        }
        if (n != free_area_[o].nr_free) {
            pr_err("%s: order %u: %zu blocks listed, %zu counted\n", name_, o, n, free_area_[o].nr_free);
            return false;
        }
        total += n << o;
    }
    if (total != nr_free_total_) {
        pr_err("%s: %zu free pages listed, %zu counted\n", name_, total, nr_free_total_);
        return false;
    }
    return true;
}

namespace {
constinit zone the_normal_zone;
}

zone& normal_zone() { return the_normal_zone; }

}  // namespace mm

mm::page* alloc_pages(gfp_t gfp, unsigned order) { return mm::normal_zone().alloc_pages(gfp, order); }

void __free_pages(mm::page* page, unsigned order) {
    if (page) {
        mm::normal_zone().free_pages(page, order);
    }
}

unsigned long __get_free_pages(gfp_t gfp, unsigned order) {
    mm::page* p = alloc_pages(gfp, order);
    return p ? reinterpret_cast<unsigned long>(page_address(p)) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp) { return __get_free_pages(gfp | __GFP_ZERO, 0); }

void free_pages(unsigned long addr, unsigned order) {
    if (addr == 0) {
        return;
    }
    mm::normal_zone().free_pages_at(reinterpret_cast<void*>(addr), order);
}

void* page_address(const mm::page* page) { return mm::normal_zone().page_address(page); }

mm::page* virt_to_page(const void* addr) { return mm::normal_zone().virt_to_page(addr); }

mm::page* virt_to_head_page(const void* addr) {
    mm::page* p = virt_to_page(addr);
    return p && p->has(mm::PG_tail) ? p->compound_head : p;
}

unsigned long nr_free_pages() { return mm::normal_zone().nr_free_pages(); }

unsigned long totalram_pages() { return mm::normal_zone().managed_pages(); }
