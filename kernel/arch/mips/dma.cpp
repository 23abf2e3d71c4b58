// kernel/dma.h on a non-coherent MIPS (24K/34K), as Linux's
// arch/mips/mm/dma-noncoherent.c: the bus address is the physical address
// (the Malta's GT-64120 maps PCI address = physical onto RAM), coherent
// memory is used through KSEG1, streaming buffers through KSEG0 with cache
// maintenance at each change of owner.
#include "kernel/dma.h"

#include "kernel/arch/mips/cache.h"
#include "kernel/mm/page_alloc.h"

namespace {

void* bus_to_virt(dma_addr_t addr) { return reinterpret_cast<void*>(mips::phys_to_kseg0(addr)); }

// arch_sync_dma_for_device(): before the device reads, the CPU's writes go
// to memory; before it writes, no line may be left that a later eviction
// would write over the device's data.
void sync_for_device(const void* p, size_t size, dma_data_direction dir) {
    switch (dir) {
    case DMA_TO_DEVICE: mips::dma_cache_wback(p, size); break;
    case DMA_FROM_DEVICE: mips::dma_cache_inv(p, size); break;
    case DMA_BIDIRECTIONAL: mips::dma_cache_wback_inv(p, size); break;
    case DMA_NONE: break;
    }
}

// arch_sync_dma_for_cpu(): what the device wrote must not be hidden by lines
// the CPU fetched meanwhile (speculation, or a read it should not have made).
void sync_for_cpu(const void* p, size_t size, dma_data_direction dir) {
    if (dir == DMA_FROM_DEVICE || dir == DMA_BIDIRECTIONAL) {
        mips::dma_cache_inv(p, size);
    }
}

}  // namespace

void* dma_alloc_coherent(size_t size, dma_addr_t* dma_handle, gfp_t gfp) {
    unsigned order = mm::get_order(size);
    unsigned long page = __get_free_pages(gfp | __GFP_ZERO, order);
    if (!page) {
        return nullptr;
    }
    // The zeroes are in the cache: write them out and drop every line, so
    // that no dirty line can later land on top of what the device wrote.
    mips::dma_cache_wback_inv(reinterpret_cast<void*>(page), mm::PAGE_SIZE << order);
    *dma_handle = static_cast<dma_addr_t>(mips::virt_to_phys(page));
    return reinterpret_cast<void*>(mips::phys_to_kseg1(*dma_handle));
}

void dma_free_coherent(size_t size, void* cpu_addr, dma_addr_t dma_handle) {
    if (!cpu_addr) {
        return;
    }
    free_pages(mips::phys_to_kseg0(dma_handle), mm::get_order(size));
}

dma_addr_t dma_map_single(void* ptr, size_t size, dma_data_direction dir) {
    auto v = reinterpret_cast<uintptr_t>(ptr);
    if (v < mips::kseg0 || v >= mips::kseg1) {
        return DMA_MAPPING_ERROR;   // only KSEG0 has a cached alias to maintain
    }
    sync_for_device(ptr, size, dir);
    return static_cast<dma_addr_t>(mips::virt_to_phys(v));
}

void dma_unmap_single(dma_addr_t addr, size_t size, dma_data_direction dir) {
    sync_for_cpu(bus_to_virt(addr), size, dir);
}

void dma_sync_single_for_cpu(dma_addr_t addr, size_t size, dma_data_direction dir) {
    sync_for_cpu(bus_to_virt(addr), size, dir);
}

void dma_sync_single_for_device(dma_addr_t addr, size_t size, dma_data_direction dir) {
    sync_for_device(bus_to_virt(addr), size, dir);
}
