#include "board/malta/gt64120.h"

#include "board/malta/io.h"
#include "kernel/cpu.h"

namespace malta {

namespace {
constexpr uintptr_t cfgaddr = gt64120_phys + 0xcf8;
constexpr uintptr_t cfgdata = gt64120_phys + 0xcfc;
constexpr uintptr_t pci0_iack = gt64120_phys + 0xc34;
constexpr uint32_t cfg_enable = 1u << 31;

uint32_t cfg_address(unsigned bus, unsigned dev, unsigned fn, unsigned reg) {
    return cfg_enable | (bus & 0xff) << 16 | (dev & 0x1f) << 11 | (fn & 7) << 8 | (reg & 0xfc);
}
}  // namespace

uint32_t pci_conf_read32(unsigned bus, unsigned dev, unsigned fn, unsigned reg) {
    cpu::irq_guard guard;  // the address/data pair is one shared window
    mmio_write<uint32_t>(cfgaddr, cfg_address(bus, dev, fn, reg));
    return mmio_read<uint32_t>(cfgdata);
}

void pci_conf_write32(unsigned bus, unsigned dev, unsigned fn, unsigned reg, uint32_t v) {
    cpu::irq_guard guard;
    mmio_write<uint32_t>(cfgaddr, cfg_address(bus, dev, fn, reg));
    mmio_write<uint32_t>(cfgdata, v);
}

uint8_t pci_iack() { return static_cast<uint8_t>(mmio_read<uint32_t>(pci0_iack) & 0xff); }

}  // namespace malta
