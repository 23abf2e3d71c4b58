// The two i8259A controllers in the PIIX4 (Intel 8259A datasheet; PIIX4
// datasheet 4.1.x): master at 0x20 (IRQ 0-7), slave at 0xA0 (IRQ 8-15) on
// master line 2; together they drive CPU interrupt line IP2. The vector of
// the pending line is read through the GT-64120's PCI interrupt acknowledge.
#include "board/malta/i8259.h"

#include <stdint.h>

#include "board/malta/gt64120.h"
#include "board/malta/io.h"
#include "kernel/irq.h"

namespace malta {

namespace {

constexpr uint16_t master_cmd = 0x20, master_data = 0x21;
constexpr uint16_t slave_cmd = 0xa0, slave_data = 0xa1;
constexpr unsigned cascade_line = 2;
constexpr uint8_t icw1_init_icw4 = 0x11, icw4_8086 = 0x01;
constexpr uint8_t ocw2_specific_eoi = 0x60;
constexpr uint8_t ocw3_read_isr = 0x0b;

uint8_t cached_mask[2] = {0xff, 0xff};

void write_mask(unsigned irq) {
    if (irq < 8) {
        outb(master_data, cached_mask[0]);
    } else {
        outb(slave_data, cached_mask[1]);
    }
}

void mask(unsigned irq) {
    cached_mask[irq >> 3] |= static_cast<uint8_t>(1u << (irq & 7));
    write_mask(irq);
}

void unmask(unsigned irq) {
    cached_mask[irq >> 3] &= static_cast<uint8_t>(~(1u << (irq & 7)));
    write_mask(irq);
}

void eoi(unsigned irq) {
    if (irq >= 8) {
        outb(slave_cmd, static_cast<uint8_t>(ocw2_specific_eoi | (irq & 7)));
        outb(master_cmd, ocw2_specific_eoi | cascade_line);
    } else {
        outb(master_cmd, static_cast<uint8_t>(ocw2_specific_eoi | irq));
    }
}

const irq_chip i8259_chip{"XT-PIC", mask, unmask, eoi};

// A line that dropped before the acknowledge shows up as IRQ 7 (or 15) with
// its in-service bit clear: a spurious interrupt, which must not get an EOI
// from the controller that raised it.
bool spurious(unsigned irq) {
    uint16_t cmd = irq < 8 ? master_cmd : slave_cmd;
    outb(cmd, ocw3_read_isr);
    bool in_service = inb(cmd) & 0x80;
    if (!in_service && irq >= 8) {
        outb(master_cmd, ocw2_specific_eoi | cascade_line);
    }
    return !in_service;
}

irqreturn cascade_interrupt(unsigned, void*) {
    i8259_dispatch();
    return irqreturn::handled;
}

}  // namespace

void i8259_init() {
    outb(master_data, 0xff);
    outb(slave_data, 0xff);
    outb(master_cmd, icw1_init_icw4);
    outb(master_data, 0x00);                 // ICW2: vectors 0-7
    outb(master_data, 1u << cascade_line);   // ICW3: slave on line 2
    outb(master_data, icw4_8086);
    outb(slave_cmd, icw1_init_icw4);
    outb(slave_data, 0x08);                  // ICW2: vectors 8-15
    outb(slave_data, cascade_line);          // ICW3: slave id
    outb(slave_data, icw4_8086);
    cached_mask[0] = static_cast<uint8_t>(~(1u << cascade_line));
    cached_mask[1] = 0xff;
    outb(master_data, cached_mask[0]);
    outb(slave_data, cached_mask[1]);
    for (unsigned irq = 0; irq < 16; ++irq) {
        irq_set_chip(irq, &i8259_chip);
    }
    request_irq(MIPS_CPU_IRQ_BASE + 2, cascade_interrupt, 0, "i8259 cascade", nullptr);
}

void i8259_dispatch() {
    unsigned irq = pci_iack() & 0x0f;
    if ((irq & 7) == 7 && spurious(irq)) {
        return;
    }
    generic_handle_irq(irq);
}

}  // namespace malta
