#include "board/malta/gt64120.h"

#include "board/malta/io.h"
#include "kernel/cpu.h"

namespace malta {

namespace {
constexpr uintptr_t cfgaddr = gt64120_phys + 0xcf8;
constexpr uintptr_t cfgdata = gt64120_phys + 0xcfc;
constexpr uintptr_t pci0_iack = gt64120_phys + 0xc34;
constexpr uint32_t cfg_enable = 1u << 31;
// Interrupt Cause register: its PCI_0 master/target abort bits tell an
// empty slot from a device; they are cleared by writing 0 (ones keep).
constexpr uintptr_t intr_cause = gt64120_phys + 0xc18;
constexpr uint32_t pci0_aborts = 1u << 18 | 1u << 19;
// Configuration cycles to device 31 misbehave on the GT-64120 (Linux's
// ops-gt64xxx_pci0.c works around the same): treat it as empty.
constexpr unsigned broken_dev = 31;

uint32_t cfg_address(unsigned bus, unsigned dev, unsigned fn, unsigned reg) {
    return cfg_enable | (bus & 0xff) << 16 | (dev & 0x1f) << 11 | (fn & 7) << 8 | (reg & 0xfc);
}
}  // namespace

// An empty slot answers with a master abort, after which the data read is
// not defined: report all ones, as PCI expects of a missing device.
uint32_t pci_conf_read32(unsigned bus, unsigned dev, unsigned fn, unsigned reg) {
    if (bus == 0 && dev >= broken_dev) {
        return 0xffffffffu;
    }
    cpu::irq_guard guard;  // the address/data pair is one shared window
    mmio_write<uint32_t>(intr_cause, ~pci0_aborts);
    mmio_write<uint32_t>(cfgaddr, cfg_address(bus, dev, fn, reg));
    uint32_t v = mmio_read<uint32_t>(cfgdata);
    if (mmio_read<uint32_t>(intr_cause) & pci0_aborts) {
        mmio_write<uint32_t>(intr_cause, ~pci0_aborts);
        return 0xffffffffu;
    }
    return v;
}

void pci_conf_write32(unsigned bus, unsigned dev, unsigned fn, unsigned reg, uint32_t v) {
    if (bus == 0 && dev >= broken_dev) {
        return;
    }
    cpu::irq_guard guard;
    mmio_write<uint32_t>(cfgaddr, cfg_address(bus, dev, fn, reg));
    mmio_write<uint32_t>(cfgdata, v);
}

uint8_t pci_iack() { return static_cast<uint8_t>(mmio_read<uint32_t>(pci0_iack) & 0xff); }

}  // namespace malta
