// What portable code may ask of the CPU. Implemented by kernel/arch/mips/cpu.cpp
// on the target and by tests/unit/host/cpu_host.cpp for the host unit tests.
#pragma once
#include <stdint.h>

namespace cpu {

using irqflags_t = uint32_t;

irqflags_t local_irq_save();             // mask interrupts, return the old state
void local_irq_restore(irqflags_t flags);
void local_irq_enable();
bool irqs_disabled();
void wait_for_interrupt();               // sleep until an interrupt arrives
uint32_t cycles();                       // free-running counter (CP0 Count)
uint32_t cycles_hz();                    // its rate, calibrated at boot
void barrier();                          // compiler and memory ordering barrier

// RAII interrupt mask: one CPU, so masking is the lock.
class irq_guard {
public:
    irq_guard() : flags_(local_irq_save()) {}
    ~irq_guard() { local_irq_restore(flags_); }
    irq_guard(const irq_guard&) = delete;
    irq_guard& operator=(const irq_guard&) = delete;
private:
    irqflags_t flags_;
};

}  // namespace cpu
