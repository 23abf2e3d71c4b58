#include "kernel/sched/sched.h"
#include "kernel/sched/wait.h"

// Placeholder until the timer wheel lands: only "forever" is supported.
long schedule_timeout(long timeout) {
    schedule();
    return timeout;
}
