// schedule_timeout(): sleep for up to timeout jiffies, with a timer_list on
// the sleeper's stack waking it (Linux's kernel/time/timer.c).
#include "kernel/cpu.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/wait.h"
#include "kernel/time.h"
#include "kernel/timer.h"

namespace {
struct process_timer {
    timer_list timer;
    task_struct* task;
};

void process_timeout(timer_list* t) {
    wake_up_process(container_of(t, &process_timer::timer)->task);
}
}  // namespace

long schedule_timeout(long timeout) {
    if (timeout == MAX_SCHEDULE_TIMEOUT) {
        schedule();
        return timeout;
    }
    if (timeout <= 0) {
        current->state = task_state::running;
        return 0;
    }
    unsigned long expire = jiffies + static_cast<unsigned long>(timeout);
    process_timer t{};
    t.task = current;
    timer_setup(&t.timer, process_timeout, 0);
    mod_timer(&t.timer, expire);
    schedule();
    del_timer_sync(&t.timer);
    long left = static_cast<long>(expire - jiffies);
    return left < 0 ? 0 : left;
}

long schedule_timeout_uninterruptible(long timeout) {
    current->state = task_state::uninterruptible;
    return schedule_timeout(timeout);
}
