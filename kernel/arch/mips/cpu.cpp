// kernel/cpu.h on MIPS32r2.
#include "kernel/cpu.h"

#include "kernel/arch/mips/cp0.h"

namespace {
uint32_t counter_hz;
}

namespace cpu {

irqflags_t local_irq_save() { return mips::irq_disable() & mips::st0::ie; }

void local_irq_restore(irqflags_t flags) {
    if (flags & mips::st0::ie) {
        mips::irq_enable();
    }
}

void local_irq_enable() { mips::irq_enable(); }

bool irqs_disabled() { return !(mips::read_c0<mips::cp0::status>() & mips::st0::ie); }

void wait_for_interrupt() { asm volatile("wait" : : : "memory"); }

uint32_t cycles() { return mips::read_c0<mips::cp0::count>(); }

uint32_t cycles_hz() { return counter_hz; }

void barrier() { asm volatile("sync" : : : "memory"); }

}  // namespace cpu

namespace mips {
void set_counter_hz(uint32_t hz) { counter_hz = hz; }
}
