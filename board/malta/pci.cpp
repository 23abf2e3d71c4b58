// kernel/board.h's PCI part for the Malta: the GT-64120's bus 0, its I/O and
// MEM0 windows, and the PIIX4's routing of PCI interrupts to the i8259s.
#include "board/malta/gt64120.h"
#include "board/malta/io.h"
#include "board/malta/pci.h"
#include "kernel/board.h"
#include "kernel/printk.h"

namespace malta {

namespace {

// PIIX4 function 0 (PCI-to-ISA bridge), PIIX4 datasheet 3.2: PIRQRC[A:D]
// at config 0x60-0x63, one byte each: bits 3:0 the ISA IRQ, bit 7 disables.
constexpr unsigned piix4_dev = 10, piix4_isa_fn = 0;
constexpr unsigned pirqrc_reg = 0x60;
constexpr uint8_t pirq_irq[4] = {10, 10, 11, 11};   // PIRQA..D, as Linux on Malta

// Edge/Level Control (PIIX4 datasheet 4.1.x, ELCR1/ELCR2): one bit per IRQ,
// set = level. PCI interrupts are level-triggered and shared; an edge-mode
// line that stays asserted would never interrupt again.
constexpr uint16_t elcr1 = 0x4d0, elcr2 = 0x4d1;

// Which PIRQ (0 = A .. 3 = D) each Malta slot's INTA..INTD is wired to
// (MIPS Malta User's Manual, PCI interrupts; Linux arch/mips/pci/fixup-malta.c).
// -1: the pin is not connected.
struct slot_pirqs {
    unsigned slot;
    int pirq[4];
};
constexpr slot_pirqs malta_slots[] = {
    {10, {-1, -1, -1, 3}},   // PIIX4: USB on INTD
    {11, {1, -1, -1, -1}},   // on-board Ethernet (Am79C973 on a real board)
    {12, {2, -1, -1, -1}},   // on-board audio
    {18, {0, 1, 2, 3}},      // PCI slots 1-4, rotated
    {19, {1, 2, 3, 0}},
    {20, {2, 3, 0, 1}},
    {21, {3, 0, 1, 2}},
};

}  // namespace

void pci_route_irqs() {
    uint32_t rc = 0;
    for (unsigned i = 0; i < 4; ++i) {
        rc |= static_cast<uint32_t>(pirq_irq[i]) << (8 * i);
    }
    pci_conf_write32(0, piix4_dev, piix4_isa_fn, pirqrc_reg, rc);
    uint8_t level[2] = {inb(elcr1), inb(elcr2)};
    for (uint8_t irq : pirq_irq) {
        level[irq >> 3] |= static_cast<uint8_t>(1u << (irq & 7));
    }
    outb(elcr1, level[0]);
    outb(elcr2, level[1]);
    pr_info("PCI: PIRQ A-D -> IRQ %u %u %u %u, level-triggered (ELCR %02x %02x)\n", pirq_irq[0],
            pirq_irq[1], pirq_irq[2], pirq_irq[3], inb(elcr1), inb(elcr2));
}

int pci_slot_irq(unsigned dev, unsigned pin) {
    if (pin < 1 || pin > 4) {
        return -1;
    }
    for (const slot_pirqs& s : malta_slots) {
        if (s.slot == dev) {
            int pirq = s.pirq[pin - 1];
            return pirq < 0 ? -1 : pirq_irq[pirq];
        }
    }
    // No such slot on a real Malta; QEMU wires any device it is told to put
    // there straight to PIRQ[pin], without rotation.
    return pirq_irq[pin - 1];
}

}  // namespace malta

namespace board {

uint32_t pci_conf_read32(unsigned bus, unsigned dev, unsigned fn, unsigned reg) {
    return malta::pci_conf_read32(bus, dev, fn, reg);
}

void pci_conf_write32(unsigned bus, unsigned dev, unsigned fn, unsigned reg, uint32_t v) {
    malta::pci_conf_write32(bus, dev, fn, reg, v);
}

// I/O: the PIIX4 decodes 16-bit ports; below 0x1000 are ISA devices, and
// 0x1000-0x103f is the PIIX4 power-management block (malta.cpp).
pci_window pci_io_window() { return {0x2000, 0x10000}; }

// MEM0 (GT-64120 PCI_0 memory 0 decode as the loader leaves it): PCI memory
// addresses equal CPU physical addresses there.
pci_window pci_mem_window() { return {0x10000000, 0x17e00000}; }

uintptr_t pci_io_base() { return malta::kseg1 | malta::isa_io_phys; }

uintptr_t pci_mem_base() { return malta::kseg1; }

int pci_map_irq(unsigned dev, unsigned pin) { return malta::pci_slot_irq(dev, pin); }

}  // namespace board
