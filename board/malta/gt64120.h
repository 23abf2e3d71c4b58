// PCI configuration space through the GT-64120 system controller
// (GT-64120 datasheet, "PCI Configuration Address/Data", ISD + 0xCF8/0xCFC).
#pragma once
#include <stdint.h>

namespace malta {

void gt64120_init();   // PCI byte swapping for the CPU's byte order; before any other access
uint32_t pci_conf_read32(unsigned bus, unsigned dev, unsigned fn, unsigned reg);
void pci_conf_write32(unsigned bus, unsigned dev, unsigned fn, unsigned reg, uint32_t v);
uint8_t pci_iack();   // PCI0 interrupt acknowledge: the i8259's vector

}  // namespace malta
