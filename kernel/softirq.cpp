#include "kernel/softirq.h"

#include <bit>

#include "kernel/cpu.h"

namespace {

struct softirq_slot {
    softirq_action_fn action;
    uint32_t raised;
    uint32_t run;
};

softirq_slot softirq_vec[NR_SOFTIRQS];
uint32_t pending;   // changed only with interrupts masked
uint32_t deferred;

const char* const softirq_names[NR_SOFTIRQS] = {
    "HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU",
};

// The time budget in counter cycles; 0 (counter not calibrated yet) leaves
// only the pass limit.
uint32_t budget_cycles() {
    static_assert(1000000 % MAX_SOFTIRQ_TIME_US == 0);
    return cpu::cycles_hz() / (1000000 / MAX_SOFTIRQ_TIME_US);
}

// Linux's __do_softirq(). Entered and left with interrupts masked, outside
// interrupt context. The pending mask is taken and cleared in one step, so a
// softirq raised while handlers run (by them or by an interrupt) is seen by
// the next pass, or stays pending for whoever runs softirqs next.
void handle_softirqs() {
    uint32_t start = cpu::cycles();
    uint32_t budget = budget_cycles();
    unsigned passes_left = MAX_SOFTIRQ_RESTART;
    preempt_count_add(SOFTIRQ_OFFSET);
    for (;;) {
        uint32_t todo = pending;
        pending = 0;
        cpu::local_irq_enable();
        while (todo) {
            unsigned nr = static_cast<unsigned>(std::countr_zero(todo));
            todo &= todo - 1;
            softirq_slot& s = softirq_vec[nr];
            if (s.action) {
                ++s.run;
                s.action();
            }
        }
        cpu::local_irq_save();
        if (!pending) {
            break;
        }
        if (--passes_left == 0 || (budget && cpu::cycles() - start >= budget)) {
            ++deferred;
            wakeup_softirqd();
            break;
        }
    }
    preempt_count_sub(SOFTIRQ_OFFSET);
}

}  // namespace

void open_softirq(unsigned nr, softirq_action_fn action) {
    if (nr < NR_SOFTIRQS) {
        cpu::irq_guard guard;
        softirq_vec[nr].action = action;
    }
}

void raise_softirq_irqoff(unsigned nr) {
    if (nr >= NR_SOFTIRQS) {
        return;
    }
    pending |= 1u << nr;
    ++softirq_vec[nr].raised;
    if (!in_interrupt()) {
        wakeup_softirqd();
    }
}

void raise_softirq(unsigned nr) {
    cpu::irq_guard guard;
    raise_softirq_irqoff(nr);
}

uint32_t local_softirq_pending() { return pending; }

void do_softirq() {
    if (in_interrupt()) {
        return;
    }
    cpu::irq_guard guard;
    if (pending) {
        handle_softirqs();
    }
}

void irq_enter() { preempt_count_add(HARDIRQ_OFFSET); }

void irq_exit() {
    cpu::irq_guard guard;  // normally already masked: this is the hard irq
    preempt_count_sub(HARDIRQ_OFFSET);
    if (!in_interrupt() && pending) {
        handle_softirqs();
    }
}

void local_bh_disable() { preempt_count_add(SOFTIRQ_DISABLE_OFFSET); }

void local_bh_enable() {
    preempt_count_sub(SOFTIRQ_DISABLE_OFFSET);
    // With interrupts masked the caller is in a critical section that
    // softirqs must not break into; the next irq_exit() runs them.
    if (!in_interrupt() && pending && !cpu::irqs_disabled()) {
        do_softirq();
    }
}

softirq_stat get_softirq_stat(unsigned nr) {
    if (nr >= NR_SOFTIRQS) {
        return {};
    }
    cpu::irq_guard guard;
    return {softirq_names[nr], softirq_vec[nr].raised, softirq_vec[nr].run};
}

uint32_t softirq_deferred_count() { return deferred; }
