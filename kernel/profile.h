// A sampling profiler as Linux's kernel/profile.c (the profile= boot option
// and /proc/profile): each tick counts the interrupted program counter in a
// bucket of 2^shift bytes of code. Apps are linked into the image, so their
// code is profiled along with the kernel's.
//
//   profile[=SHIFT]  on, buckets of 2^SHIFT bytes (2..12, default 4: four
//                    instructions; Linux's default is 2)
//
// /proc/profile shows the functions with the most samples (by kallsyms);
// writing anything to it starts the count again (Linux's readprofile -r).
// A tick that came while interrupts were masked is taken where they come
// back on, in cpu::local_irq_restore or local_irq_enable; such a sample is
// charged to their caller (the return address), so a long masked section
// shows up as the function that holds the irq_guard.
#pragma once
#include <stddef.h>
#include <stdint.h>

// Reads profile= and, when given, allocates the buckets for [text, text_end).
void profile_init(uintptr_t text, uintptr_t text_end);
// From the tick, with the interrupted program counter and return address.
void profile_tick(uintptr_t pc, uintptr_t ra = 0);

// For tests and /proc/profile.
bool profile_enabled();
unsigned long profile_samples();       // ticks counted since the last reset
void profile_reset();
void profile_exit();                   // off again, the buckets freed (tests)
// The busiest functions: their names and hits, most first; returns how many
// (at most n). Samples outside any known symbol are counted as "?".
struct profile_entry {
    const char* name;
    unsigned long hits;
};
size_t profile_top(profile_entry* out, size_t n);
