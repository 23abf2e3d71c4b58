#include "kernel/irq.h"

#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/random.h"
#include "kernel/uapi/errno.h"

namespace {

struct irq_desc {
    const irq_chip* chip;
    irq_handler_t handler;
    void* dev_id;
    const char* name;
    uint32_t count;
};

irq_desc irq_table[NR_IRQS];
uint32_t spurious;

}  // namespace

void irq_set_chip(unsigned irq, const irq_chip* chip) {
    if (irq < NR_IRQS) {
        irq_table[irq].chip = chip;
    }
}

int request_irq(unsigned irq, irq_handler_t handler, const char* name, void* dev_id) {
    if (irq >= NR_IRQS || !handler) {
        return -EINVAL;
    }
    cpu::irq_guard guard;
    irq_desc& d = irq_table[irq];
    if (d.handler) {
        return -EBUSY;
    }
    d.handler = handler;
    d.dev_id = dev_id;
    d.name = name;
    if (d.chip && d.chip->unmask) {
        d.chip->unmask(irq);
    }
    return 0;
}

void free_irq(unsigned irq, void* dev_id) {
    if (irq >= NR_IRQS) {
        return;
    }
    cpu::irq_guard guard;
    irq_desc& d = irq_table[irq];
    if (d.dev_id != dev_id) {
        pr_warn("free_irq: irq %u not owned by %p\n", irq, dev_id);
        return;
    }
    if (d.chip && d.chip->mask) {
        d.chip->mask(irq);
    }
    d.handler = nullptr;
    d.dev_id = nullptr;
    d.name = nullptr;
}

void generic_handle_irq(unsigned irq) {
    if (irq >= NR_IRQS) {
        ++spurious;
        return;
    }
    irq_desc& d = irq_table[irq];
    ++d.count;
    add_interrupt_randomness(irq);
    if (!d.handler || d.handler(irq, d.dev_id) == irqreturn::none) {
        ++spurious;
    }
    if (d.chip && d.chip->eoi) {
        d.chip->eoi(irq);
    }
}

irq_stat irq_get_stat(unsigned irq) {
    if (irq >= NR_IRQS) {
        return {};
    }
    const irq_desc& d = irq_table[irq];
    return {d.name, d.chip ? d.chip->name : nullptr, d.count};
}

uint32_t irq_spurious_count() { return spurious; }
