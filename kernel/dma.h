// The streaming and coherent DMA API, with Linux's names
// (include/linux/dma-mapping.h, Documentation/core-api/dma-api.rst), for
// drivers in portable code. There is one bus (the Malta's PCI), so the
// calls take no struct device.
//
// Coherent memory (dma_alloc_coherent) is shared by CPU and device at any
// time: descriptors, init blocks. Streaming mappings (dma_map_single) hand
// a buffer to the device: from the map (or sync_for_device) the device
// owns it and the CPU keeps out; after the unmap (or sync_for_cpu) the CPU
// owns it again. The direction says who writes: to_device (the device
// reads), from_device (the device writes), bidirectional.
//
// On MIPS (kernel/arch/mips/dma.cpp) the caches are not coherent with DMA:
// the calls write back and invalidate L1 and L2 as the direction needs and
// drain the write buffer; coherent memory is the uncached KSEG1 alias. The
// host unit tests' version (tests/unit/host/dma_host.cpp) records who owns
// each mapping and reports a device or CPU that touches what it does not
// own, as Linux's lib/dma-debug.c.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/mm/gfp.h"

using dma_addr_t = uint32_t;   // a 32-bit PCI bus address

enum class dma_data_direction : uint8_t { bidirectional = 0, to_device = 1, from_device = 2, none = 3 };
constexpr dma_data_direction DMA_BIDIRECTIONAL = dma_data_direction::bidirectional;
constexpr dma_data_direction DMA_TO_DEVICE = dma_data_direction::to_device;
constexpr dma_data_direction DMA_FROM_DEVICE = dma_data_direction::from_device;
constexpr dma_data_direction DMA_NONE = dma_data_direction::none;

constexpr dma_addr_t DMA_MAPPING_ERROR = ~dma_addr_t{0};
inline bool dma_mapping_error(dma_addr_t addr) { return addr == DMA_MAPPING_ERROR; }

// size bytes, zeroed, that CPU and device may both use at any time; the
// device's address in *dma_handle. nullptr when memory is short.
void* dma_alloc_coherent(size_t size, dma_addr_t* dma_handle, gfp_t gfp);
void dma_free_coherent(size_t size, void* cpu_addr, dma_addr_t dma_handle);

// Hands [ptr, ptr+size) to the device; DMA_MAPPING_ERROR if it cannot be.
dma_addr_t dma_map_single(void* ptr, size_t size, dma_data_direction dir);
// Takes it back (size and dir as mapped).
void dma_unmap_single(dma_addr_t addr, size_t size, dma_data_direction dir);
// Ownership of a mapped buffer's first size bytes back to the CPU, and to
// the device again, without unmapping (a receive buffer that is reused).
void dma_sync_single_for_cpu(dma_addr_t addr, size_t size, dma_data_direction dir);
void dma_sync_single_for_device(dma_addr_t addr, size_t size, dma_data_direction dir);
