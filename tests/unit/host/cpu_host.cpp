// kernel/cpu.h for the host unit tests: interrupts are a flag, the cycle
// counter is whatever the test sets (host_stub.h).
#include "kernel/cpu.h"
#include "tests/unit/host/host_stub.h"

namespace host_stub {
uint32_t cycles;
uint32_t cycles_hz = 100000000;
bool irqs_on = true;
unsigned waits;
}  // namespace host_stub

namespace cpu {
irqflags_t local_irq_save() {
    irqflags_t old = host_stub::irqs_on;
    host_stub::irqs_on = false;
    return old;
}
void local_irq_restore(irqflags_t flags) { host_stub::irqs_on = flags != 0; }
void local_irq_enable() { host_stub::irqs_on = true; }
bool irqs_disabled() { return !host_stub::irqs_on; }
void wait_for_interrupt() {
    ++host_stub::waits;
    if (host_stub::on_wait) {
        host_stub::on_wait();
    }
}
uint32_t cycles() { return host_stub::cycles; }
uint32_t cycles_hz() { return host_stub::cycles_hz; }
void barrier() {}
}  // namespace cpu
