// Cache maintenance for DMA and for code written at run time. MIPS 24K/34K
// caches are not coherent with DMA: write back before a device reads memory,
// invalidate before the CPU reads what a device wrote.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace mips {

struct cache_info {
    unsigned dline, iline;        // line sizes in bytes, 0 if no cache
    unsigned dsize, isize;        // total sizes in bytes
};

void cache_probe();               // reads Config1 (MD00090 9.42)
const cache_info& caches();
void dma_cache_wback(const void* p, size_t len);       // CPU wrote, device reads
void dma_cache_inv(const void* p, size_t len);         // device wrote, CPU reads
void dma_cache_wback_inv(const void* p, size_t len);
void flush_icache_range(uintptr_t start, uintptr_t end);  // after writing code

// KSEG0 (cached) / KSEG1 (uncached) / physical conversions (MD00090 4.3).
constexpr uintptr_t kseg0 = 0x80000000u, kseg1 = 0xa0000000u;
constexpr uintptr_t virt_to_phys(uintptr_t v) { return v & 0x1fffffffu; }
constexpr uintptr_t phys_to_kseg0(uintptr_t p) { return p | kseg0; }
constexpr uintptr_t phys_to_kseg1(uintptr_t p) { return p | kseg1; }

}  // namespace mips
