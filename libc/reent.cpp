// newlib's per-thread state for app threads (kernel/libc_glue.h). The
// scheduler points _impure_ptr at the running app's (kernel/arch/mips/context.cpp).
#include <reent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/cpu.h"
#include "kernel/libc_glue.h"

namespace {
constexpr int max_states = 32;
_reent states[max_states];
bool used[max_states];
}  // namespace

void* libc_thread_state_create() {
    cpu::irq_guard guard;
    for (int i = 0; i < max_states; ++i) {
        if (!used[i]) {
            used[i] = true;
            _REENT_INIT_PTR(&states[i]);
            return &states[i];
        }
    }
    return nullptr;
}

void libc_thread_state_destroy(void* state) {
    if (!state) {
        return;
    }
    auto* r = static_cast<_reent*>(state);
    _reclaim_reent(r);   // closes its stdio streams and frees their buffers
    cpu::irq_guard guard;
    used[r - states] = false;
}

// newlib's malloc and environment are shared by every app thread: a thread
// switch in the middle of malloc must not let another thread in.
namespace {
cpu::irqflags_t malloc_flags;
int malloc_depth;
}  // namespace

extern "C" void __malloc_lock(_reent*) {
    cpu::irqflags_t f = cpu::local_irq_save();
    if (malloc_depth++ == 0) {
        malloc_flags = f;
    }
}

extern "C" void __malloc_unlock(_reent*) {
    if (--malloc_depth == 0) {
        cpu::local_irq_restore(malloc_flags);
    }
}

void libc_thread_exit() {
    _reent* r = _REENT;
    if (r == _global_impure_ptr || !r->__sdidinit) {
        return;
    }
    fclose(stdout);
    fclose(stderr);
    fclose(stdin);
}
