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
