// Linux's stuck-interrupt cutoff (kernel/irq/spurious.c): a level-triggered
// line whose device nobody drives keeps firing and would starve every
// thread. Of each window of 100,000 interrupts, when 99,900 were claimed by
// no handler the line is masked with a message; the other 100 may have been
// a working device sharing the line with the stuck one.
#include "kernel/irq_internal.h"
#include "kernel/jiffies.h"
#include "kernel/printk.h"

namespace {

constexpr uint32_t irq_window = 100000;
// Cut off at 99,900 unclaimed, as spurious.c's comment states it (its code
// tests irqs_unhandled > 99900, one more).
constexpr uint32_t irq_unhandled_limit = 99900;
// Unhandled interrupts further apart than this start the count again: a
// rare stray one is no storm (Linux: HZ/10).
constexpr unsigned long unhandled_gap = HZ / 10 ? HZ / 10 : 1;

uint32_t disabled_lines;

void report_bad_irq(unsigned irq, const irq_desc& desc) {
    pr_emerg("irq %u: nobody cared\n", irq);
    pr_emerg("handlers:\n");
    for (const irqaction* a = desc.action; a; a = a->next) {
        pr_emerg("[<%p>] %s\n", reinterpret_cast<void*>(a->handler), a->name);
    }
    pr_emerg("Disabling IRQ #%u\n", irq);
}

}  // namespace

bool note_interrupt(unsigned irq, irq_desc& desc, irqreturn ret) {
    if (ret != irqreturn::handled) {
        unsigned long now = jiffies;
        if (time_after(now, desc.last_unhandled + unhandled_gap)) {
            desc.irqs_unhandled = 1;
        } else {
            ++desc.irqs_unhandled;
        }
        desc.last_unhandled = now;
    }
    if (++desc.irq_count < irq_window) {
        return false;
    }
    desc.irq_count = 0;
    bool stuck = desc.irqs_unhandled >= irq_unhandled_limit;
    desc.irqs_unhandled = 0;
    if (!stuck) {
        return false;
    }
    report_bad_irq(irq, desc);
    desc.spurious_disabled = true;
    ++disabled_lines;
    if (desc.chip && desc.chip->mask) {
        desc.chip->mask(irq);
    }
    return true;
}

uint32_t irq_spurious_disabled_count() { return disabled_lines; }
