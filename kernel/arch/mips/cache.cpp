#include "kernel/arch/mips/cache.h"

#include "kernel/arch/mips/cp0.h"

namespace mips {

namespace {

cache_info info;

// CACHE instruction op codes (MD00086 CACHE): cache in bits 1:0 (0 I,
// 1 D, 3 secondary), operation in bits 4:2.
enum class cache_op : unsigned {
    hit_invalidate_i = 0x10,
    hit_invalidate_d = 0x11,
    hit_invalidate_s = 0x13,
    hit_writeback_inv_d = 0x15,
    hit_writeback_inv_s = 0x17,
    hit_writeback_d = 0x19,
    hit_writeback_s = 0x1b,
};

template <cache_op op>
void cache_line(uintptr_t a) {
    asm volatile("cache %0, 0(%1)" : : "i"(static_cast<unsigned>(op)), "r"(a) : "memory");
}

template <cache_op op>
void cache_range(uintptr_t start, uintptr_t end, unsigned line) {
    if (line == 0 || start >= end) {
        return;
    }
    for (uintptr_t a = start & ~static_cast<uintptr_t>(line - 1); a < end; a += line) {
        cache_line<op>(a);
    }
}

// Invalidate [start, end) in a cache with this line size: a line the
// range covers only in part also holds bytes of someone else (the CPU's,
// maybe dirty), so it is written back first.
template <cache_op wback_inv, cache_op inv>
void cache_inv_range(uintptr_t start, uintptr_t end, unsigned line) {
    if (line == 0 || start >= end) {
        return;
    }
    uintptr_t mask = line - 1;
    uintptr_t first = start & ~mask;
    uintptr_t stop = (end + mask) & ~mask;   // one past the last line
    if (start & mask) {
        cache_line<wback_inv>(first);
        first += line;
    }
    if ((end & mask) && stop > first) {
        stop -= line;
        cache_line<wback_inv>(stop);
    }
    for (uintptr_t a = first; a < stop; a += line) {
        cache_line<inv>(a);
    }
}

// Drains the write buffer: the data has left the CPU when sync retires.
void sync() { asm volatile("sync" : : : "memory"); }

unsigned decode_line(uint32_t field) { return field ? 2u << field : 0; }

cache_geometry decode(uint32_t sets_field, uint32_t line_field, uint32_t ways_field) {
    cache_geometry g{};
    g.line = decode_line(line_field);
    g.ways = ways_field + 1;
    g.size = g.line * (64u << sets_field) * g.ways;
    return g;
}

}  // namespace

void cache_probe() {
    uint32_t c1 = read_c0<cp0::config, 1>();
    // Config1: M 31, IS 24:22, IL 21:19, IA 18:16, DS 15:13, DL 12:10, DA 9:7
    info.l1i = decode((c1 >> 22) & 7, (c1 >> 19) & 7, (c1 >> 16) & 7);
    info.l1d = decode((c1 >> 13) & 7, (c1 >> 10) & 7, (c1 >> 7) & 7);
    info.iline = info.l1i.line;
    info.dline = info.l1d.line;
    info.isize = info.l1i.size;
    info.dsize = info.l1d.size;
    info.l2 = {};
    if (c1 & (1u << 31)) {
        // Config2: M 31, TU 30:28, TS 27:24, TL 23:20, TA 19:16, SU 15:12,
        // SS 11:8, SL 7:4, SA 3:0. SL = 0: no secondary cache.
        uint32_t c2 = read_c0<cp0::config, 2>();
        if ((c2 >> 4) & 15) {
            info.l2 = decode((c2 >> 8) & 15, (c2 >> 4) & 15, c2 & 15);
        }
    }
}

const cache_info& caches() { return info; }

void dma_cache_wback(const void* p, size_t len) {
    auto start = reinterpret_cast<uintptr_t>(p);
    cache_range<cache_op::hit_writeback_d>(start, start + len, info.dline);
    cache_range<cache_op::hit_writeback_s>(start, start + len, info.l2.line);
    sync();
}

void dma_cache_inv(const void* p, size_t len) {
    auto start = reinterpret_cast<uintptr_t>(p);
    cache_inv_range<cache_op::hit_writeback_inv_d, cache_op::hit_invalidate_d>(start, start + len,
                                                                               info.dline);
    cache_inv_range<cache_op::hit_writeback_inv_s, cache_op::hit_invalidate_s>(start, start + len,
                                                                               info.l2.line);
    sync();
}

void dma_cache_wback_inv(const void* p, size_t len) {
    auto start = reinterpret_cast<uintptr_t>(p);
    // L1 first: its dirty lines go to L2, which then writes them out.
    cache_range<cache_op::hit_writeback_inv_d>(start, start + len, info.dline);
    cache_range<cache_op::hit_writeback_inv_s>(start, start + len, info.l2.line);
    sync();
}

void flush_icache_range(uintptr_t start, uintptr_t end) {
    // The I-cache refills from L2 (unified) or memory: L1 D write-back to
    // there is enough.
    cache_range<cache_op::hit_writeback_d>(start, end, info.dline);
    sync();
    cache_range<cache_op::hit_invalidate_i>(start, end, info.iline);
    // An instruction hazard barrier: fetch again past the new code.
    uintptr_t tmp;
    asm volatile(".set push\n\t.set noreorder\n\tla %0, 1f\n\tjr.hb %0\n\tnop\n1:\n\t.set pop"
                 : "=&r"(tmp) : : "memory");
}

}  // namespace mips
