// A thread's saved CPU context and the switch between two of them. On the
// target this is kernel/arch/mips/switch.S; the host unit tests use ucontext
// (tests/unit/host/context_host.cpp), so the scheduler runs there for real.
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef MIPSNET_HOST
#include <ucontext.h>
struct arch_context {
    ucontext_t uc;
    // The stack this context runs on, for AddressSanitizer's fiber switch
    // annotations (the boot context's is learnt when it first switches away).
    const void* stack_bottom = nullptr;
    size_t stack_size = 0;
};
#else
struct arch_context {
    uint32_t sp;   // everything else is on the thread's stack
};
#endif

struct task_struct;

// Prepares ctx so that the first switch to it calls entry(arg) on the given
// stack, with interrupts enabled. entry must not return.
void arch_init_context(arch_context* ctx, void* stack, size_t size, void (*entry)(void*), void* arg);
// Saves the running context into prev and resumes next. Also switches the
// C library's per-thread state (newlib's _impure_ptr) on the target.
void arch_switch_to(task_struct* prev, task_struct* next);
