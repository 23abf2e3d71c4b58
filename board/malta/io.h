// Register access on the Malta. ISA/PCI I/O ports appear at physical
// 0x18000000 + port through the GT-64120 (MIPS Malta User's Manual, memory
// map); all device access goes through KSEG1 so it bypasses the caches.
//
// Byte order. The board runs either way (the CPU card's endianness jumper);
// PCI, the ISA devices behind the PIIX4 and the GT-64120's own registers
// are little-endian whatever the CPU. With the GT-64120 set up as Linux sets
// it (gt64120_init(): PCI_0 Command's MByteSwap and SByteSwap clear for a
// big-endian CPU, set for a little-endian one, arch/mips/pci/pci-malta.c) a
// CPU access reaches the same byte addresses on PCI, so a big-endian CPU
// sees a 16- or 32-bit register byte-swapped and swaps it back itself, as
// Linux does on a big-endian Malta:
//  - I/O ports: CONFIG_SWAP_IO_SPACE (selected by MIPS_MALTA in
//    arch/mips/Kconfig), whose ioswabw/ioswabl are le16_to_cpu/le32_to_cpu
//    and whose port addresses are not swizzled
//    (arch/mips/include/asm/mach-generic/mangle-port.h): bytes need nothing;
//  - the GT-64120's registers: GT_READ/GT_WRITE, le32_to_cpu/cpu_to_le32
//    around the raw access (arch/mips/include/asm/gt64120.h);
//  - configuration data: see gt64120.cpp.
// QEMU's Malta models the same (hw/pci-host/gt64120.c swaps its register
// values unless the CPU Configuration register says little-endian; PCI and
// ISA devices are DEVICE_LITTLE_ENDIAN memory regions). The board's FPGA
// registers (the software reset) sit on the CPU's own bus and are native:
// QEMU's malta_fpga_ops are DEVICE_NATIVE_ENDIAN, Linux's malta.dts marks
// them native-endian.
#pragma once
#include <stdint.h>

#include "kernel/byteorder.h"

namespace malta {

constexpr uintptr_t kseg1 = 0xa0000000u;
constexpr uintptr_t isa_io_phys = 0x18000000u;
constexpr uintptr_t gt64120_phys = 0x1be00000u;   // where the loader moved the ISD
constexpr uintptr_t softres_phys = 0x1f000500u;   // Malta software reset register
constexpr uint32_t softres_goreset = 0x42;

// Raw access in the CPU's byte order: native registers only.
template <typename T>
inline T mmio_read(uintptr_t phys) {
    return *reinterpret_cast<volatile T*>(kseg1 | phys);
}
template <typename T>
inline void mmio_write(uintptr_t phys, T v) {
    *reinterpret_cast<volatile T*>(kseg1 | phys) = v;
}

// The GT-64120's internal registers (offset from its ISD base), little-endian.
inline uint32_t gt_read(uintptr_t offset) {
    return le32_to_cpu(mmio_read<uint32_t>(gt64120_phys + offset));
}
inline void gt_write(uintptr_t offset, uint32_t v) {
    mmio_write<uint32_t>(gt64120_phys + offset, cpu_to_le32(v));
}

inline uint8_t inb(uint16_t port) { return mmio_read<uint8_t>(isa_io_phys + port); }
inline uint16_t inw(uint16_t port) { return le16_to_cpu(mmio_read<uint16_t>(isa_io_phys + port)); }
inline uint32_t inl(uint16_t port) { return le32_to_cpu(mmio_read<uint32_t>(isa_io_phys + port)); }
inline void outb(uint16_t port, uint8_t v) { mmio_write<uint8_t>(isa_io_phys + port, v); }
inline void outw(uint16_t port, uint16_t v) { mmio_write<uint16_t>(isa_io_phys + port, cpu_to_le16(v)); }
inline void outl(uint16_t port, uint32_t v) { mmio_write<uint32_t>(isa_io_phys + port, cpu_to_le32(v)); }

}  // namespace malta
