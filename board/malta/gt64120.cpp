#include "board/malta/gt64120.h"

#include "board/malta/io.h"
#include "kernel/cpu.h"

namespace malta {

namespace {
constexpr uintptr_t cfgaddr = 0xcf8;
constexpr uintptr_t cfgdata = 0xcfc;
constexpr uintptr_t pci0_iack = 0xc34;
constexpr uint32_t cfg_enable = 1u << 31;
// Interrupt Cause register: its PCI_0 master/target abort bits tell an
// empty slot from a device; they are cleared by writing 0 (ones keep).
constexpr uintptr_t intr_cause = 0xc18;
constexpr uint32_t pci0_aborts = 1u << 18 | 1u << 19;
// PCI_0 Command: MByteSwap (bit 0) and SByteSwap (bit 16), GT-64120
// datasheet table 158.
constexpr uintptr_t pci0_cmd = 0xc00;
constexpr uint32_t pci0_cmd_byteswap = 1u << 0 | 1u << 16;
// Configuration cycles to device 31 misbehave on the GT-64120 (Linux's
// ops-gt64xxx_pci0.c works around the same): treat it as empty.
constexpr unsigned broken_dev = 31;

uint32_t cfg_address(unsigned bus, unsigned dev, unsigned fn, unsigned reg) {
    return cfg_enable | (bus & 0xff) << 16 | (dev & 0x1f) << 11 | (fn & 7) << 8 | (reg & 0xfc);
}

// The data register passes a device's configuration dword so that the CPU
// reads its value in its own order, except for the GT-64120's own function
// (bus 0, device 0), whose dword comes as little-endian as its other
// registers: Linux's gt64xxx_pci0_pcibios_config_access uses GT_READ and
// GT_WRITE for it and the raw __GT_READ/__GT_WRITE for every other device
// ("The Galileo system controller is acting differently than other
// devices"); QEMU 7.2's gt64120.c swaps the data of devices other than 0
// once more when MByteSwap is clear. On a little-endian CPU both are the same.
bool cfg_is_gt(unsigned bus, unsigned dev) { return bus == 0 && dev == 0; }
}  // namespace

// Linux's mips_pcibios_init (arch/mips/pci/pci-malta.c): the byte swapping
// that matches the CPU's byte order, whatever the loader left.
void gt64120_init() { gt_write(pci0_cmd, host_is_big_endian ? 0 : pci0_cmd_byteswap); }

// An empty slot answers with a master abort, after which the data read is
// not defined: report all ones, as PCI expects of a missing device.
uint32_t pci_conf_read32(unsigned bus, unsigned dev, unsigned fn, unsigned reg) {
    if (bus == 0 && dev >= broken_dev) {
        return 0xffffffffu;
    }
    cpu::irq_guard guard;  // the address/data pair is one shared window
    gt_write(intr_cause, ~pci0_aborts);
    gt_write(cfgaddr, cfg_address(bus, dev, fn, reg));
    uint32_t v = cfg_is_gt(bus, dev) ? gt_read(cfgdata) : mmio_read<uint32_t>(gt64120_phys + cfgdata);
    if (gt_read(intr_cause) & pci0_aborts) {
        gt_write(intr_cause, ~pci0_aborts);
        return 0xffffffffu;
    }
    return v;
}

void pci_conf_write32(unsigned bus, unsigned dev, unsigned fn, unsigned reg, uint32_t v) {
    if (bus == 0 && dev >= broken_dev) {
        return;
    }
    cpu::irq_guard guard;
    gt_write(cfgaddr, cfg_address(bus, dev, fn, reg));
    if (cfg_is_gt(bus, dev)) {
        gt_write(cfgdata, v);
    } else {
        mmio_write<uint32_t>(gt64120_phys + cfgdata, v);
    }
}

// The PCI_0 Interrupt Acknowledge register: a GT-64120 register, so
// little-endian, its low byte the i8259's vector.
uint8_t pci_iack() { return static_cast<uint8_t>(gt_read(pci0_iack) & 0xff); }

}  // namespace malta
