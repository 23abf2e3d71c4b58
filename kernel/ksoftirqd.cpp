// ksoftirqd: runs softirqs that interrupt exits left pending because their
// budget ran out, so a flood of packets cannot starve the threads — it
// competes for the CPU like any thread of its priority.
#include "kernel/printk.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/wait.h"
#include "kernel/softirq.h"

namespace {
task_struct* ksoftirqd;

void ksoftirqd_thread(void*) {
    for (;;) {
        current->state = task_state::interruptible;
        if (!local_softirq_pending()) {
            schedule();
        }
        current->state = task_state::running;
        do_softirq();
        yield();  // one budget per turn: let equal-priority threads in between
    }
}
}  // namespace

void spawn_ksoftirqd() {
    ksoftirqd = kthread_run(ksoftirqd_thread, nullptr, "ksoftirqd", DEFAULT_PRIO);
    if (!ksoftirqd) {
        pr_err("softirq: cannot start ksoftirqd; pending work waits for interrupt exits\n");
    }
}

void wakeup_softirqd() {
    if (ksoftirqd) {
        wake_up_process(ksoftirqd);
    }
}
