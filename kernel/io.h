// Device register access (Linux's ioread32 family) through the uncached CPU
// addresses that pci_iomap() and the board give out. Registers are
// little-endian (PCI) and the bridge keeps byte addresses, so the value is
// converted here, a swap on a big-endian CPU (Linux's readl/ioread32 with
// CONFIG_SWAP_IO_SPACE: board/malta/io.h); volatile keeps every access, in
// program order.
// The host unit tests link their own versions (tests/unit/host/io_host.cpp),
// where a simulated device claims an address range.
#pragma once
#include <stdint.h>

#include "kernel/byteorder.h"

#if MIPSNET_HOST
uint8_t ioread8(uintptr_t addr);
uint16_t ioread16(uintptr_t addr);
uint32_t ioread32(uintptr_t addr);
void iowrite8(uint8_t v, uintptr_t addr);
void iowrite16(uint16_t v, uintptr_t addr);
void iowrite32(uint32_t v, uintptr_t addr);
#else
inline uint8_t ioread8(uintptr_t addr) { return *reinterpret_cast<volatile uint8_t*>(addr); }
inline uint16_t ioread16(uintptr_t addr) {
    return le16_to_cpu(*reinterpret_cast<volatile uint16_t*>(addr));
}
inline uint32_t ioread32(uintptr_t addr) {
    return le32_to_cpu(*reinterpret_cast<volatile uint32_t*>(addr));
}
inline void iowrite8(uint8_t v, uintptr_t addr) { *reinterpret_cast<volatile uint8_t*>(addr) = v; }
inline void iowrite16(uint16_t v, uintptr_t addr) {
    *reinterpret_cast<volatile uint16_t*>(addr) = cpu_to_le16(v);
}
inline void iowrite32(uint32_t v, uintptr_t addr) {
    *reinterpret_cast<volatile uint32_t*>(addr) = cpu_to_le32(v);
}
#endif
