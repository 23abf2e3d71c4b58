// Register access on the Malta. ISA/PCI I/O ports appear at physical
// 0x18000000 + port through the GT-64120 (MIPS Malta User's Manual, memory
// map); all device access goes through KSEG1 so it bypasses the caches.
// Little-endian build: the GT-64120 passes bytes straight through. A
// big-endian build (malta-be) swaps here and nowhere else.
#pragma once
#include <stdint.h>

namespace malta {

constexpr uintptr_t kseg1 = 0xa0000000u;
constexpr uintptr_t isa_io_phys = 0x18000000u;
constexpr uintptr_t gt64120_phys = 0x1be00000u;   // where the loader moved the ISD
constexpr uintptr_t softres_phys = 0x1f000500u;   // Malta software reset register
constexpr uint32_t softres_goreset = 0x42;

template <typename T>
inline T mmio_read(uintptr_t phys) {
    return *reinterpret_cast<volatile T*>(kseg1 | phys);
}
template <typename T>
inline void mmio_write(uintptr_t phys, T v) {
    *reinterpret_cast<volatile T*>(kseg1 | phys) = v;
}

inline uint8_t inb(uint16_t port) { return mmio_read<uint8_t>(isa_io_phys + port); }
inline uint16_t inw(uint16_t port) { return mmio_read<uint16_t>(isa_io_phys + port); }
inline uint32_t inl(uint16_t port) { return mmio_read<uint32_t>(isa_io_phys + port); }
inline void outb(uint16_t port, uint8_t v) { mmio_write<uint8_t>(isa_io_phys + port, v); }
inline void outw(uint16_t port, uint16_t v) { mmio_write<uint16_t>(isa_io_phys + port, v); }
inline void outl(uint16_t port, uint32_t v) { mmio_write<uint32_t>(isa_io_phys + port, v); }

}  // namespace malta
