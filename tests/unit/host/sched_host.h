// Scheduler tests on the host: the test body is the idle task (main.cpp
// calls sched_init() first), threads are ucontexts, nothing preempts. On the
// target the scheduler is live under the test runner, so these stay here;
// tests/target/sched_target_test.cpp checks the real preemptive behaviour.
#pragma once
#include "kernel/sched/sched.h"

// Frees every thread that has died, as init does on the target.
inline void host_reap_dead_tasks() {
    for (;;) {
        task_struct* dead = nullptr;
        for_each_task([&](task_struct& t) {
            if (t.state == task_state::dead) dead = &t;
        });
        if (!dead) return;
        release_task(dead);
    }
}

#include "kernel/fs/ramfs.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/mm/slab.h"
#include "tests/unit/mm_arena.h"

// Threads need the page allocator and kmalloc: a fresh normal zone over the
// test arena, reset again by host_mm_reset() in teardown.
inline void host_mm_init() {
    mm::zone& z = mm::normal_zone();
    z.reset();
    z.add_range(mm_test::arena_start(), mm_test::arena_end());
    z.init("host");
    kmem_cache_init();
}

// The rootfs tree lives in the arena too: it goes with it.
inline void host_mm_reset() {
    mm::normal_zone().reset();
    rootfs_forget();
}
