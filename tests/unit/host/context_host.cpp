// Thread contexts on the host: ucontext, so the scheduler's real code runs in
// the unit tests (cooperatively: there are no interrupts on the host).
#include "kernel/sched/context.h"
#include "kernel/sched/task.h"

namespace {
struct start_args {
    void (*entry)(void*);
    void* arg;
};
void trampoline(unsigned hi, unsigned lo) {
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
    uintptr_t p = reinterpret_cast<uintptr_t>(a);
    makecontext(&ctx->uc, reinterpret_cast<void (*)()>(trampoline), 2,
                static_cast<unsigned>(p >> 32), static_cast<unsigned>(p));
}

void arch_switch_to(task_struct* prev, task_struct* next) {
    swapcontext(&prev->thread.uc, &next->thread.uc);
}
