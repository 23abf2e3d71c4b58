// Shared by the file layer's tests: the test body (the idle task) gets a
// descriptor table as an app has, "user" memory is all of the host's above
// 64 KiB (so 0x10 is a bad pointer), and threads share the body's table.
#pragma once
#include <stdint.h>

#include "kernel/fs/fdtable.h"
#include "kernel/fs/fs.h"
#include "kernel/sched/sched.h"
#include "kernel/uaccess.h"
#include "tests/unit/host/sched_host.h"

namespace fs_test {

inline char* const bad_ptr = reinterpret_cast<char*>(0x10);

inline void setup() {
    host_mm_init();   // threads' stacks and task structs come from the page allocator
    uaccess_set_range(0x10000, UINTPTR_MAX);
    current->files = files_alloc();
}

// A thread sharing the test body's descriptors (Linux's CLONE_FILES).
inline task_struct* thread(void (*fn)(void*), void* arg, int prio = 10) {
    task_struct* t = kthread_create(fn, arg, "fs-test", prio);
    t->files = get_files_struct(current->files);
    wake_up_process(t);
    return t;
}

inline void reap_threads() {
    for (;;) {
        task_struct* dead = nullptr;
        for_each_task([&](task_struct& t) {
            if (t.state == task_state::dead) dead = &t;
        });
        if (!dead) break;
        exit_files(dead);
        release_task(dead);
    }
}

inline void teardown() {
    reap_threads();
    exit_files(current);
    host_mm_reset();
}

}  // namespace fs_test
