// Cache maintenance for DMA and for code written at run time. MIPS 24K/34K
// caches are not coherent with DMA: write back before a device reads memory,
// invalidate before the CPU reads what a device wrote. Portable code reaches
// this through the DMA API (kernel/dma.h, kernel/arch/mips/dma.cpp).
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace mips {

struct cache_geometry {
    unsigned line;                // bytes, 0 if there is no such cache
    unsigned size;                // total bytes
    unsigned ways;
};

struct cache_info {
    unsigned dline, iline;        // L1 line sizes in bytes, 0 if no cache
    unsigned dsize, isize;        // L1 total sizes in bytes
    cache_geometry l1i, l1d;
    cache_geometry l2;            // secondary (unified) cache, line 0 if none
};

// Reads Config1 (L1) and, when Config1.M says it exists, Config2 (L2):
// MIPS32 PRA, MD00090 9.45 and 9.46.
void cache_probe();
const cache_info& caches();
// Each of these works on L1 D and then L2, ending with a sync, so that the
// data is in memory (or the lines gone) when it returns.
void dma_cache_wback(const void* p, size_t len);       // CPU wrote, device reads
// Device wrote, CPU reads. Lines only partly inside [p, p+len) are written
// back and invalidated (the CPU's bytes outside the range survive), whole
// lines only invalidated, as Linux's r4k_dma_cache_inv().
void dma_cache_inv(const void* p, size_t len);
void dma_cache_wback_inv(const void* p, size_t len);
void flush_icache_range(uintptr_t start, uintptr_t end);  // after writing code

// KSEG0 (cached) / KSEG1 (uncached) / physical conversions (MD00090 4.3).
constexpr uintptr_t kseg0 = 0x80000000u, kseg1 = 0xa0000000u;
constexpr uintptr_t virt_to_phys(uintptr_t v) { return v & 0x1fffffffu; }
constexpr uintptr_t phys_to_kseg0(uintptr_t p) { return p | kseg0; }
constexpr uintptr_t phys_to_kseg1(uintptr_t p) { return p | kseg1; }

}  // namespace mips
