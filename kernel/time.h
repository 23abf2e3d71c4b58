// Kernel time: the tick (jiffies at HZ) and a monotonic clock read from the
// CPU's free-running counter, extended to 64 bits.
#pragma once
#include <stdint.h>

#ifndef CONFIG_HZ
#define CONFIG_HZ 100
#endif
constexpr unsigned HZ = CONFIG_HZ;

extern volatile unsigned long jiffies;

void time_init();                 // after cpu::cycles_hz() is known
void do_timer(unsigned long ticks);  // from the tick interrupt
uint64_t get_cycles64();
uint64_t cycles_to_ns(uint64_t cycles);
uint64_t ktime_get_ns();          // CLOCK_MONOTONIC, since boot
uint64_t ktime_get_real_ns();     // CLOCK_REALTIME
void set_realtime_base(uint64_t unix_ns);  // wall clock at "now"
// The first jiffy whose tick comes at or after deadline (CLOCK_MONOTONIC ns).
unsigned long jiffies_at_or_after(uint64_t deadline_ns);
