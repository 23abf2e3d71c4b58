#include "kernel/irq.h"

#include "kernel/cpu.h"
#include "kernel/irq_internal.h"
#include "kernel/printk.h"
#include "kernel/random.h"
#include "kernel/uapi/errno.h"

namespace {

irq_desc irq_table[NR_IRQS];
irqaction action_pool[NR_IRQ_ACTIONS];
uint32_t spurious;

irqaction* alloc_action() {
    for (irqaction& a : action_pool) {
        if (!a.handler) {
            return &a;
        }
    }
    return nullptr;
}

void mask_line(unsigned irq, const irq_desc& d) {
    if (d.chip && d.chip->mask) {
        d.chip->mask(irq);
    }
}

void unmask_line(unsigned irq, const irq_desc& d) {
    if (d.chip && d.chip->unmask) {
        d.chip->unmask(irq);
    }
}

// Linux's __setup_irq() sharing rule: a line is shared only when the
// handler already there and the new one both say IRQF_SHARED.
bool can_share(const irq_desc& d, unsigned long flags) {
    return !d.action || (d.action->flags & flags & IRQF_SHARED);
}

// Linux's handle_irq_event_percpu(): every handler runs, the line counts as
// handled when any of them claimed it.
irqreturn handle_irq_event(unsigned irq, const irq_desc& d) {
    irqreturn ret = irqreturn::none;
    for (const irqaction* a = d.action; a; a = a->next) {
        if (a->handler(irq, a->dev_id) == irqreturn::handled) {
            ret = irqreturn::handled;
        }
    }
    return ret;
}

}  // namespace

void irq_set_chip(unsigned irq, const irq_chip* chip) {
    if (irq < NR_IRQS) {
        irq_table[irq].chip = chip;
    }
}

int request_irq(unsigned irq, irq_handler_t handler, unsigned long flags, const char* name,
                void* dev_id) {
    if (irq >= NR_IRQS || !handler || ((flags & IRQF_SHARED) && !dev_id)) {
        return -EINVAL;
    }
    cpu::irq_guard guard;
    irq_desc& d = irq_table[irq];
    if (!can_share(d, flags)) {
        pr_err("genirq: flags mismatch irq %u (%s) vs. (%s)\n", irq, name, d.action->name);
        return -EBUSY;
    }
    irqaction* a = alloc_action();
    if (!a) {
        return -ENOMEM;
    }
    *a = {handler, dev_id, flags, name, nullptr};
    irqaction** tail = &d.action;
    while (*tail) {
        tail = &(*tail)->next;
    }
    *tail = a;
    // A new handler resets the stuck-line detector and gives a line it
    // disabled another chance (Linux's __setup_irq()).
    d.irq_count = 0;
    d.irqs_unhandled = 0;
    d.spurious_disabled = false;
    unmask_line(irq, d);
    return 0;
}

void free_irq(unsigned irq, void* dev_id) {
    if (irq >= NR_IRQS) {
        return;
    }
    cpu::irq_guard guard;
    irq_desc& d = irq_table[irq];
    irqaction** link = &d.action;
    while (*link && (*link)->dev_id != dev_id) {
        link = &(*link)->next;
    }
    irqaction* a = *link;
    if (!a) {
        pr_warn("Trying to free already-free IRQ %u (dev_id %p)\n", irq, dev_id);
        return;
    }
    *link = a->next;
    *a = {};
    if (!d.action) {
        mask_line(irq, d);
    }
}

void generic_handle_irq(unsigned irq) {
    if (irq >= NR_IRQS) {
        ++spurious;
        return;
    }
    irq_desc& d = irq_table[irq];
    ++d.count;
    add_interrupt_randomness(irq);
    if (!d.action || d.spurious_disabled) {
        // Nobody to ask (Linux's handle_bad_irq), or a line already cut
        // off that fired before the mask took: keep it quiet.
        ++spurious;
        mask_line(irq, d);
    } else {
        irqreturn ret = handle_irq_event(irq, d);
        if (ret == irqreturn::none) {
            ++spurious;
        }
        note_interrupt(irq, d, ret);
    }
    if (d.chip && d.chip->eoi) {
        d.chip->eoi(irq);
    }
}

irq_stat irq_get_stat(unsigned irq) {
    if (irq >= NR_IRQS) {
        return {};
    }
    cpu::irq_guard guard;
    const irq_desc& d = irq_table[irq];
    return {d.action ? d.action->name : nullptr, d.chip ? d.chip->name : nullptr, d.count,
            d.irqs_unhandled, d.spurious_disabled};
}

const char* irq_action_name(unsigned irq, unsigned n) {
    if (irq >= NR_IRQS) {
        return nullptr;
    }
    cpu::irq_guard guard;
    const irqaction* a = irq_table[irq].action;
    for (; a && n; --n) {
        a = a->next;
    }
    return a ? a->name : nullptr;
}

uint32_t irq_spurious_count() { return spurious; }
