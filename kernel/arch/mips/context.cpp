// Thread contexts on MIPS: the switch frame layout of switch.S.
#include <reent.h>
#include <string.h>

#include "kernel/sched/context.h"
#include "kernel/sched/task.h"

extern "C" void arch_switch_context(uint32_t* prev_sp, uint32_t next_sp);
extern "C" char thread_trampoline[];
extern "C" char _gp[];

namespace {
constexpr size_t switch_frame = 12 * 4 + 16 * 8 + 8;
enum frame_slot : size_t { s0 = 0, s1 = 1, ra = 9, gp = 10 };
}  // namespace

void arch_init_context(arch_context* ctx, void* stack, size_t size, void (*entry)(void*), void* arg) {
    uintptr_t top = (reinterpret_cast<uintptr_t>(stack) + size) & ~static_cast<uintptr_t>(15);
    uintptr_t sp = top - 16 - switch_frame;   // below an o32 argument area
    auto* frame = reinterpret_cast<uint32_t*>(sp);
    memset(frame, 0, switch_frame);
    frame[s0] = reinterpret_cast<uintptr_t>(entry);
    frame[s1] = reinterpret_cast<uintptr_t>(arg);
    frame[ra] = reinterpret_cast<uintptr_t>(thread_trampoline);
    frame[gp] = reinterpret_cast<uintptr_t>(_gp);
    ctx->sp = static_cast<uint32_t>(sp);
}

void arch_switch_to(task_struct* prev, task_struct* next) {
    // newlib keeps errno, stdio and strtok state in *_impure_ptr: each app
    // thread has its own; kernel threads share the global one.
    _impure_ptr = next->libc_reent ? static_cast<_reent*>(next->libc_reent) : _global_impure_ptr;
    arch_switch_context(&prev->thread.sp, next->thread.sp);
}
