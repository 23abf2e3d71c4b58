// Thread contexts on the host: ucontext, so the scheduler's real code runs in
// the unit tests (cooperatively: there are no interrupts on the host).
// Under AddressSanitizer every switch is announced to it
// (sanitizer/common_interface_defs.h: __sanitizer_start_switch_fiber before
// swapcontext, __sanitizer_finish_switch_fiber on arrival), so it knows which
// stack runs and checks each thread's frames against its own stack.
#include "kernel/sched/context.h"
#include "kernel/sched/task.h"

#if defined(__SANITIZE_ADDRESS__)
#define MIPSNET_HOST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MIPSNET_HOST_ASAN 1
#endif
#endif
#ifdef MIPSNET_HOST_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

namespace {
struct start_args {
    void (*entry)(void*);
    void* arg;
};

#ifdef MIPSNET_HOST_ASAN
// The context being left: on arrival, ASan tells where its stack was,
// which is how the boot context's stack becomes known.
arch_context* switching_from = nullptr;

void switch_arrived(void* fake_stack) {
    __sanitizer_finish_switch_fiber(fake_stack, &switching_from->stack_bottom, &switching_from->stack_size);
}
#else
void switch_arrived(void*) {}
#endif

void trampoline(unsigned hi, unsigned lo) {
    switch_arrived(nullptr);
    auto* a = reinterpret_cast<start_args*>((static_cast<uintptr_t>(hi) << 32) | lo);
    a->entry(a->arg);
}
}  // namespace

void arch_init_context(arch_context* ctx, void* stack, size_t size, void (*entry)(void*), void* arg) {
    // The start arguments live at the top of the thread's own stack.
    auto* a = reinterpret_cast<start_args*>(static_cast<char*>(stack) + size - sizeof(start_args));
    a->entry = entry;
    a->arg = arg;
    getcontext(&ctx->uc);
    ctx->uc.uc_stack.ss_sp = stack;
    ctx->uc.uc_stack.ss_size = size - sizeof(start_args) - 64;
    ctx->uc.uc_link = nullptr;
    ctx->stack_bottom = stack;
    ctx->stack_size = size;
    uintptr_t p = reinterpret_cast<uintptr_t>(a);
    makecontext(&ctx->uc, reinterpret_cast<void (*)()>(trampoline), 2,
                static_cast<unsigned>(p >> 32), static_cast<unsigned>(p));
}

void arch_switch_to(task_struct* prev, task_struct* next) {
#ifdef MIPSNET_HOST_ASAN
    // A dead thread never comes back: no fake stack to keep for it.
    void* fake_stack = nullptr;
    __sanitizer_start_switch_fiber(prev->state == task_state::dead ? nullptr : &fake_stack,
                                   next->thread.stack_bottom, next->thread.stack_size);
    switching_from = &prev->thread;
    swapcontext(&prev->thread.uc, &next->thread.uc);
    switch_arrived(fake_stack);
#else
    swapcontext(&prev->thread.uc, &next->thread.uc);
#endif
}
