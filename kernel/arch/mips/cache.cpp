#include "kernel/arch/mips/cache.h"

#include "kernel/arch/mips/cp0.h"

namespace mips {

namespace {

cache_info info;

// CACHE instruction op codes (MD00086 CACHE): cache in bits 1:0, op in 4:2.
enum class cache_op : unsigned {
    hit_invalidate_i = 0x10,
    hit_invalidate_d = 0x11,
    hit_writeback_inv_d = 0x15,
    hit_writeback_d = 0x19,
};

template <cache_op op>
void cache_range(const void* p, size_t len, unsigned line) {
    if (line == 0 || len == 0) {
        return;
    }
    uintptr_t a = reinterpret_cast<uintptr_t>(p) & ~static_cast<uintptr_t>(line - 1);
    uintptr_t end = reinterpret_cast<uintptr_t>(p) + len;
    for (; a < end; a += line) {
        asm volatile("cache %0, 0(%1)" : : "i"(static_cast<unsigned>(op)), "r"(a) : "memory");
    }
    asm volatile("sync" : : : "memory");
}

unsigned decode_line(uint32_t field) { return field ? 2u << field : 0; }

}  // namespace

void cache_probe() {
    uint32_t c1 = read_c0<cp0::config, 1>();
    // Config1: IS 24:22, IL 21:19, IA 18:16, DS 15:13, DL 12:10, DA 9:7
    info.iline = decode_line((c1 >> 19) & 7);
    info.dline = decode_line((c1 >> 10) & 7);
    info.isize = info.iline * (64u << ((c1 >> 22) & 7)) * (((c1 >> 16) & 7) + 1);
    info.dsize = info.dline * (64u << ((c1 >> 13) & 7)) * (((c1 >> 7) & 7) + 1);
}

const cache_info& caches() { return info; }

void dma_cache_wback(const void* p, size_t len) {
    cache_range<cache_op::hit_writeback_d>(p, len, info.dline);
}

void dma_cache_inv(const void* p, size_t len) {
    // Hit_Invalidate on a partial line would throw away the CPU's writes to
    // its other half: callers keep DMA buffers line-aligned (drivers do).
    cache_range<cache_op::hit_invalidate_d>(p, len, info.dline);
}

void dma_cache_wback_inv(const void* p, size_t len) {
    cache_range<cache_op::hit_writeback_inv_d>(p, len, info.dline);
}

void flush_icache_range(uintptr_t start, uintptr_t end) {
    const void* p = reinterpret_cast<const void*>(start);
    cache_range<cache_op::hit_writeback_d>(p, end - start, info.dline);
    cache_range<cache_op::hit_invalidate_i>(p, end - start, info.iline);
    // An instruction hazard barrier: fetch again past the new code.
    uintptr_t tmp;
    asm volatile(".set push\n\t.set noreorder\n\tla %0, 1f\n\tjr.hb %0\n\tnop\n1:\n\t.set pop"
                 : "=&r"(tmp) : : "memory");
}

}  // namespace mips
