// newlib's per-thread state for app threads (kernel/libc_glue.h). The
// scheduler points _impure_ptr at the running app's (kernel/arch/mips/context.cpp).
#include <reent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/cpu.h"
#include "kernel/libc_glue.h"
#include "kernel/mm/slab.h"

void* libc_thread_state_create() {
    auto* r = static_cast<_reent*>(kzalloc(sizeof(_reent), GFP_KERNEL));
    if (r) {
        _REENT_INIT_PTR(r);
    }
    return r;
}

void libc_thread_state_destroy(void* state) {
    if (!state) {
        return;
    }
    auto* r = static_cast<_reent*>(state);
    _reclaim_reent(r);   // frees what newlib allocated for it
    kfree(r);
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
