// The scheduler's real code on host threads (ucontext): cooperative here,
// since the host has no timer interrupt; the test body plays the idle task.
#include <CppUTest/TestHarness.h>

#include <string>

#include "kernel/sched/sched.h"
#include "tests/unit/host/sched_host.h"
#include "kernel/sched/wait.h"

namespace {
std::string* log_;
wait_queue_head wq;
int items;

void note(const char* s) { *log_ += s; }

void say_a(void*) { note("a"); }
void say_b(void*) { note("b"); }
void exit_with_7(void*) { do_exit(7); }

void consumer(void*) {
    for (int i = 0; i < 3; ++i) {
        wait_event(wq, [] { return items > 0; });
        --items;
        note("c");
    }
}

void producer(void*) {
    for (int i = 0; i < 3; ++i) {
        ++items;
        note("p");
        wake_up(&wq);
        yield();
    }
}

void spinner(void* name) {
    for (int i = 0; i < 3; ++i) {
        note(static_cast<const char*>(name));
        for (unsigned t = 0; t < SCHED_TIMESLICE_TICKS; ++t) {
            sched_tick();
        }
        preempt_schedule_irq();  // what the end of the timer interrupt does
    }
}

}  // namespace

TEST_GROUP(sched) {
    std::string log;
    void setup() override {
        log_ = &log;
        host_mm_init();
        sched_init();
        init_waitqueue_head(&wq);
        items = 0;
    }
    void teardown() override {
        while (need_resched() || nr_tasks() > 1) {
            schedule();
            host_reap_dead_tasks();
            if (nr_tasks() > 1 && !need_resched()) break;
        }
        host_reap_dead_tasks();
        host_mm_reset();
    }
};

TEST(sched, higher_priority_runs_first) {
    kthread_run(say_a, nullptr, "a", 20);
    kthread_run(say_b, nullptr, "b", 10);
    CHECK_TRUE(need_resched());
    schedule();
    STRCMP_EQUAL("ba", log.c_str());
    LONGS_EQUAL(3, nr_tasks());  // both dead, not yet reaped, plus idle
    host_reap_dead_tasks();
    LONGS_EQUAL(1, nr_tasks());
}

TEST(sched, wait_queue_producer_consumer) {
    kthread_run(consumer, nullptr, "consumer", 10);
    kthread_run(producer, nullptr, "producer", 10);
    schedule();
    STRCMP_EQUAL("pcpcpc", log.c_str());
}

TEST(sched, round_robin_within_a_priority) {
    kthread_run(spinner, const_cast<char*>("x"), "x", 12);
    kthread_run(spinner, const_cast<char*>("y"), "y", 12);
    schedule();
    STRCMP_EQUAL("xyxyxy", log.c_str());
}

TEST(sched, exit_code_reaches_the_waiter) {
    task_struct* t = kthread_run(exit_with_7, nullptr, "exiter", 10);
    LONGS_EQUAL(7, wait_task_exit(t));  // the idle task sleeps? no: it schedules t first
    release_task(t);
    LONGS_EQUAL(1, nr_tasks());
}

TEST(sched, bad_arguments_are_refused) {
    POINTERS_EQUAL(nullptr, kthread_create(say_a, nullptr, "x", -1));
    POINTERS_EQUAL(nullptr, kthread_create(say_a, nullptr, "x", IDLE_PRIO));
    POINTERS_EQUAL(nullptr, kthread_create(say_a, nullptr, "x", 5, 100));
    POINTERS_EQUAL(nullptr, kthread_create(say_a, nullptr, "x", 5, 1 << 20));
}

TEST(sched, stack_high_water_mark) {
    task_struct* t = kthread_create(say_a, nullptr, "a", 10, 8192);
    CHECK(task_stack_unused(t) > 4096);
    wake_up_process(t);
    schedule();
    CHECK(task_stack_unused(t) < 8192);
    release_task(t);
}

TEST(sched, find_by_pid) {
    task_struct* t = kthread_create(say_a, nullptr, "a", 10);
    POINTERS_EQUAL(t, find_task_by_pid(t->pid));
    POINTERS_EQUAL(nullptr, find_task_by_pid(99999));
    wake_up_process(t);
    schedule();
}
