// The tick: CP0 Compare raises IP7 when Count reaches it (MD00090 9.20/9.22).
// Compare is moved on by whole periods so the tick does not drift, and ticks
// missed while interrupts were off are counted, not lost.
#include "kernel/arch/mips/cp0.h"
#include "kernel/arch/mips/traps.h"
#include "kernel/cpu.h"
#include "kernel/irq.h"
#include "kernel/panic.h"
#include "kernel/time.h"

namespace mips {

namespace {

uint32_t cycles_per_tick;
uint32_t next_compare;

constexpr unsigned timer_irq = MIPS_CPU_IRQ_BASE + 7;

irqreturn timer_interrupt(unsigned, void*) {
    uint32_t now = read_c0<cp0::count>();
    unsigned long ticks = 0;
    do {
        do {
            next_compare += cycles_per_tick;
            ++ticks;
        } while (static_cast<int32_t>(next_compare - now) <= 0);
        write_c0<cp0::compare>(next_compare);  // also acknowledges IP7
        // Count may have passed the new Compare before the write landed (a
        // late handler, or QEMU's vCPU descheduled in between): then no
        // interrupt would come until Count wraps, 25 s away. Linux's
        // cevt-r4k.c checks the same way (-ETIME).
        now = read_c0<cp0::count>();
    } while (static_cast<int32_t>(next_compare - now) <= 0);
    do_timer(ticks);
    return irqreturn::handled;
}

void cpu_irq_mask(unsigned irq) {
    write_c0<cp0::status>(read_c0<cp0::status>() & ~st0::im(irq - MIPS_CPU_IRQ_BASE));
}
void cpu_irq_unmask(unsigned irq) {
    write_c0<cp0::status>(read_c0<cp0::status>() | st0::im(irq - MIPS_CPU_IRQ_BASE));
}
const irq_chip cpu_irq_chip{"MIPS", cpu_irq_mask, cpu_irq_unmask, nullptr};

}  // namespace

void cpu_irq_init() {
    for (unsigned ip = 0; ip < 8; ++ip) {
        irq_set_chip(MIPS_CPU_IRQ_BASE + ip, &cpu_irq_chip);
    }
}

void timer_init(unsigned hz) {
    cycles_per_tick = cpu::cycles_hz() / hz;
    next_compare = read_c0<cp0::count>() + cycles_per_tick;
    write_c0<cp0::compare>(next_compare);
    if (request_irq(timer_irq, timer_interrupt, 0, "timer", nullptr) != 0) {
        panic("cannot get the timer interrupt");
    }
}

}  // namespace mips
