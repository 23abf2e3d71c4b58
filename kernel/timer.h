// Kernel timers: call a function once jiffies reaches a given value, Linux's
// timer_list interface (include/linux/timer.h). The functions run in
// TIMER_SOFTIRQ, interrupts enabled, with the timer already detached, so a
// function may re-arm its own timer with mod_timer(). Nothing here allocates:
// the timer_list lives in its owner's structure.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/jiffies.h"

struct timer_list {
    // Intrusive list node of the wheel bucket (Linux's hlist_node entry):
    // pprev points at whatever points at us, nullptr when not pending.
    timer_list* next = nullptr;
    timer_list** pprev = nullptr;
    unsigned long expires = 0;
    void (*function)(timer_list*) = nullptr;
    uint32_t flags = 0;
    uint16_t bucket = 0;  // wheel bucket while pending (Linux keeps it in flags)
};

// Accepted and kept for Linux compatibility; with one CPU and no idle
// tick-stop they change nothing yet.
constexpr uint32_t TIMER_DEFERRABLE = 0x00080000;
constexpr uint32_t TIMER_PINNED = 0x00100000;
constexpr uint32_t TIMER_IRQSAFE = 0x00200000;

void init_timers();  // registers TIMER_SOFTIRQ; idempotent

void timer_setup(timer_list* timer, void (*function)(timer_list*), uint32_t flags);
inline bool timer_pending(const timer_list* timer) { return timer->pprev != nullptr; }

void add_timer(timer_list* timer);                       // at timer->expires
int mod_timer(timer_list* timer, unsigned long expires);  // 1 if it was pending
int timer_reduce(timer_list* timer, unsigned long expires);  // only ever earlier
int del_timer(timer_list* timer);                        // 1 if it was pending
// One CPU and timer functions never sleep: once del_timer() returns, the
// function is not running unless the caller is that function itself (or
// an interrupt on top of it). Threads running softirqs will change this.
inline int del_timer_sync(timer_list* timer) { return del_timer(timer); }

// From the tick (do_timer): raises TIMER_SOFTIRQ when a timer may be due.
void run_local_timers();
// The earliest jiffy at which the wheel has work (a timer due, or a
// coarse bucket to sort); about jiffies + MAX_JIFFY_OFFSET when empty.
unsigned long next_timer_expiry();

// Linux's from_timer(): the structure that embeds the timer, in a timer
// function. Usage: auto* dev = from_timer(t, &my_dev::timer);
template <class T>
T* from_timer(timer_list* timer, timer_list T::*member) {
    // The member's offset, measured on aligned storage that holds no object
    // (an optimizing build folds it to a constant and keeps no buffer).
    alignas(T) unsigned char probe[sizeof(T)];
    const T* base = reinterpret_cast<const T*>(probe);
    auto offset = reinterpret_cast<const unsigned char*>(&(base->*member)) - probe;
    return reinterpret_cast<T*>(reinterpret_cast<unsigned char*>(timer) - offset);
}
