// The scheduler as it really runs: preempted by the timer tick, sleeping on
// the timer wheel. The test body runs in the "unittest" app thread.
#include <CppUTest/TestHarness.h>

#include "kernel/sched/sched.h"
#include "kernel/sched/sync.h"
#include "kernel/sched/wait.h"
#include "kernel/time.h"
#include "kernel/timer.h"

namespace {
volatile bool stop;
volatile unsigned long spins[2];

void busy(void* p) {
    auto i = reinterpret_cast<uintptr_t>(p);
    while (!stop) {
        spins[i] = spins[i] + 1;   // never blocks, never yields
    }
}

mutex* shared_lock;
volatile int shared_counter;
void add_under_lock(void*) {
    for (int i = 0; i < 200; ++i) {
        shared_lock->lock();
        int v = shared_counter;
        yield();                   // invite the other thread in while holding the lock
        shared_counter = v + 1;
        shared_lock->unlock();
    }
}

wait_queue_head wq;
volatile bool flag;
void set_flag(timer_list*) {
    flag = true;
    wake_up(&wq);
}
}  // namespace

TEST_GROUP(sched_target) {};

TEST(sched_target, two_busy_threads_both_progress) {
    stop = false;
    spins[0] = spins[1] = 0;
    task_struct* a = kthread_run(busy, reinterpret_cast<void*>(0), "busy0", current->prio);
    task_struct* b = kthread_run(busy, reinterpret_cast<void*>(1), "busy1", current->prio);
    CHECK(a && b);
    schedule_timeout_uninterruptible(30);   // 6 time slices for the three of us
    stop = true;
    wait_task_exit(a);
    wait_task_exit(b);
    release_task(a);
    release_task(b);
    CHECK(spins[0] > 0);
    CHECK(spins[1] > 0);
}

TEST(sched_target, sleep_lasts_at_least_the_ticks_asked) {
    for (long ticks : {1L, 2L, 10L}) {
        unsigned long start = jiffies;
        schedule_timeout_uninterruptible(ticks);
        long slept = static_cast<long>(jiffies - start);
        CHECK(slept >= ticks);
        CHECK(slept < ticks + 50);   // woken at all, not by a later stray event
    }
}

TEST(sched_target, wait_with_timeout_times_out_and_wakes) {
    init_waitqueue_head(&wq);
    flag = false;
    unsigned long start = jiffies;
    LONGS_EQUAL(0, wait_event_timeout(wq, [] { return flag; }, 5));
    CHECK(static_cast<long>(jiffies - start) >= 5);

    timer_list t;
    timer_setup(&t, set_flag, 0);
    mod_timer(&t, jiffies + 3);
    long left = wait_event_timeout(wq, [] { return flag; }, 100);
    CHECK(left > 0);
    CHECK(left <= 100);
    del_timer(&t);
}

TEST(sched_target, mutex_holds_across_preemption) {
    mutex m;
    shared_lock = &m;
    shared_counter = 0;
    task_struct* a = kthread_run(add_under_lock, nullptr, "adder0", current->prio);
    task_struct* b = kthread_run(add_under_lock, nullptr, "adder1", current->prio);
    wait_task_exit(a);
    wait_task_exit(b);
    release_task(a);
    release_task(b);
    LONGS_EQUAL(400, shared_counter);
}
