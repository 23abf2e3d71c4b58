// Softirqs: work that a hard interrupt defers to just after it, run with
// interrupts enabled (Linux's kernel/softirq.c). Also the hard-irq entry and
// exit that run them, and local_bh_disable()/local_bh_enable() which hold
// them off in a critical section shared with softirq code.
#pragma once
#include <stdint.h>

#include "kernel/preempt.h"

// Linux's numbering, which is also the order in which pending ones run.
enum softirq_nr : unsigned {
    HI_SOFTIRQ = 0,
    TIMER_SOFTIRQ,
    NET_TX_SOFTIRQ,
    NET_RX_SOFTIRQ,
    BLOCK_SOFTIRQ,
    IRQ_POLL_SOFTIRQ,
    TASKLET_SOFTIRQ,
    SCHED_SOFTIRQ,
    HRTIMER_SOFTIRQ,
    RCU_SOFTIRQ,
    NR_SOFTIRQS
};

// do_softirq() runs pending handlers again while new ones get raised, but
// at most this many passes and for about this long; the rest is left to
// wakeup_softirqd() (Linux: MAX_SOFTIRQ_RESTART, MAX_SOFTIRQ_TIME).
constexpr unsigned MAX_SOFTIRQ_RESTART = 10;
constexpr unsigned MAX_SOFTIRQ_TIME_US = 2000;

using softirq_action_fn = void (*)();

void open_softirq(unsigned nr, softirq_action_fn action);
void raise_softirq(unsigned nr);          // any context
void raise_softirq_irqoff(unsigned nr);   // interrupts already masked
uint32_t local_softirq_pending();         // bitmask, bit nr
void do_softirq();                        // runs pending ones unless in_interrupt()

// Called when do_softirq() gives up with work still pending, and when a
// softirq is raised outside interrupt context (no irq_exit is coming to run
// it). The default does nothing: pending work stays pending and runs at the
// next irq_exit() or local_bh_enable(). A ksoftirqd thread overrides it
// (the default is a weak symbol).
void wakeup_softirqd();      // kernel/ksoftirqd.cpp
void spawn_ksoftirqd();      // once the scheduler runs

// Hard interrupt entry and exit, around the dispatch of one interrupt.
// irq_exit() of the outermost one runs pending softirqs (interrupts
// enabled while they run) unless softirqs were already being served or
// disabled where the interrupt hit.
void irq_enter();
void irq_exit();

// Hold softirqs off on this CPU; they nest. The last enable, outside
// interrupt context and with interrupts on, runs what was raised meanwhile.
void local_bh_disable();
void local_bh_enable();

class bh_guard {
public:
    bh_guard() { local_bh_disable(); }
    ~bh_guard() { local_bh_enable(); }
    bh_guard(const bh_guard&) = delete;
    bh_guard& operator=(const bh_guard&) = delete;
};

struct softirq_stat {
    const char* name;   // Linux's name ("TIMER", "NET_RX"...), nullptr past the end
    uint32_t raised;    // raise_softirq*() calls
    uint32_t run;       // handler invocations
};
softirq_stat get_softirq_stat(unsigned nr);
uint32_t softirq_deferred_count();  // times do_softirq() ran out of budget
