#include "kernel/libc_glue.h"

void* libc_thread_state_create() {
    static int dummy;  // the host C library has no per-thread state to make
    return &dummy;
}
void libc_thread_state_destroy(void*) {}
void libc_thread_exit() {}
