#include "kernel/time.h"

#include "kernel/cpu.h"
#include "kernel/sched/sched.h"
#include "kernel/timer.h"

volatile unsigned long jiffies;

namespace {
uint32_t last_low;
uint32_t high;
uint64_t realtime_offset_ns;  // wall clock minus monotonic
uint64_t last_tick_ns;        // when the tick last advanced jiffies
}  // namespace

uint64_t get_cycles64() {
    // The counter wraps every 2^32 cycles (27 s at 160 MHz); the tick calls
    // this far more often, so at most one wrap is ever missed between reads.
    cpu::irq_guard guard;
    uint32_t now = cpu::cycles();
    if (now < last_low) {
        ++high;
    }
    last_low = now;
    return (static_cast<uint64_t>(high) << 32) | now;
}

uint64_t cycles_to_ns(uint64_t cycles) {
    uint64_t hz = cpu::cycles_hz();
    if (hz == 0) {
        return 0;
    }
    return cycles / hz * 1000000000u + cycles % hz * 1000000000u / hz;
}

void time_init() {
    get_cycles64();
    init_timers();
}

void do_timer(unsigned long ticks) {
    jiffies = jiffies + ticks;
    last_tick_ns = ktime_get_ns();
    run_local_timers();
    sched_tick();
}

uint64_t ktime_get_ns() { return cycles_to_ns(get_cycles64()); }

uint64_t ktime_get_real_ns() { return ktime_get_ns() + realtime_offset_ns; }

void set_realtime_base(uint64_t unix_ns) { realtime_offset_ns = unix_ns - ktime_get_ns(); }

unsigned long jiffies_at_or_after(uint64_t deadline_ns) {
    cpu::irq_guard guard;
    constexpr uint64_t period = 1000000000u / HZ;
    unsigned long j = jiffies;
    if (deadline_ns <= last_tick_ns) {
        return j;
    }
    return j + static_cast<unsigned long>((deadline_ns - last_tick_ns + period - 1) / period);
}
