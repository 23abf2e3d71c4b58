// The C library's per-thread state, as the kernel sees it: opaque. Each app
// thread gets its own (newlib's struct _reent: errno, stdio, strtok...).
#pragma once

void* libc_thread_state_create();        // nullptr when out of memory
void libc_thread_state_destroy(void* state);
// In the exiting app thread itself: flush and close its stdio streams, so
// buffered output is not lost and their slots are free for the next app.
void libc_thread_exit();
