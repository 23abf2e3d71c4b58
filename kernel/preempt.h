// The context the CPU runs in, as Linux's preempt_count (include/linux/preempt.h):
// one counter whose bit fields count preemption disables, softirq state and
// hard-irq nesting, so "may this code sleep / run softirqs now" is one test.
//
//   bits  0-7   preemption disable depth (for the scheduler)
//   bits  8-15  softirq: +1 (SOFTIRQ_OFFSET) while serving softirqs,
//               +2 (SOFTIRQ_DISABLE_OFFSET) per local_bh_disable()
//   bits 16-19  hard-irq nesting (irq_enter/irq_exit)
//
// One CPU, so one counter. Changes are plain read-modify-writes: an
// interrupt that lands in between restores the value it found before it
// returns, so nothing is lost (Linux's argument for its per-CPU counter).
// A context switch must find the same value in every thread, which holds as
// long as nobody switches with softirqs disabled or inside an interrupt.
#pragma once

constexpr unsigned PREEMPT_BITS = 8, SOFTIRQ_BITS = 8, HARDIRQ_BITS = 4;
constexpr unsigned PREEMPT_SHIFT = 0;
constexpr unsigned SOFTIRQ_SHIFT = PREEMPT_SHIFT + PREEMPT_BITS;
constexpr unsigned HARDIRQ_SHIFT = SOFTIRQ_SHIFT + SOFTIRQ_BITS;

constexpr unsigned field_mask(unsigned bits, unsigned shift) { return ((1u << bits) - 1) << shift; }
constexpr unsigned PREEMPT_MASK = field_mask(PREEMPT_BITS, PREEMPT_SHIFT);
constexpr unsigned SOFTIRQ_MASK = field_mask(SOFTIRQ_BITS, SOFTIRQ_SHIFT);
constexpr unsigned HARDIRQ_MASK = field_mask(HARDIRQ_BITS, HARDIRQ_SHIFT);

constexpr unsigned PREEMPT_OFFSET = 1u << PREEMPT_SHIFT;
constexpr unsigned SOFTIRQ_OFFSET = 1u << SOFTIRQ_SHIFT;
constexpr unsigned HARDIRQ_OFFSET = 1u << HARDIRQ_SHIFT;
constexpr unsigned SOFTIRQ_DISABLE_OFFSET = 2 * SOFTIRQ_OFFSET;

namespace preempt_detail {
inline unsigned count;
// Orders the counter against the code it guards, for the compiler only: the
// interrupts that read it run on this CPU.
inline void compiler_barrier() { __atomic_signal_fence(__ATOMIC_SEQ_CST); }
}  // namespace preempt_detail

inline unsigned preempt_count() { return preempt_detail::count; }
inline void preempt_count_add(unsigned val) {
    preempt_detail::count += val;
    preempt_detail::compiler_barrier();
}
inline void preempt_count_sub(unsigned val) {
    preempt_detail::compiler_barrier();
    preempt_detail::count -= val;
}

inline unsigned hardirq_count() { return preempt_count() & HARDIRQ_MASK; }
inline unsigned softirq_count() { return preempt_count() & SOFTIRQ_MASK; }
inline unsigned irq_count() { return preempt_count() & (HARDIRQ_MASK | SOFTIRQ_MASK); }

inline bool in_hardirq() { return hardirq_count() != 0; }
inline bool in_irq() { return in_hardirq(); }                  // Linux's older name
inline bool in_softirq() { return softirq_count() != 0; }      // serving, or bh disabled
inline bool in_serving_softirq() { return (softirq_count() & SOFTIRQ_OFFSET) != 0; }
inline bool in_interrupt() { return irq_count() != 0; }
inline bool in_task() { return !in_interrupt(); }
