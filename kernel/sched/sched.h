// The scheduler: preemptive, by priority (0 most urgent), round-robin within
// a priority on the timer tick. One CPU: masking interrupts is the lock.
#pragma once
#include <stddef.h>

#include "kernel/sched/task.h"

constexpr unsigned SCHED_TIMESLICE_TICKS = 5;
constexpr size_t THREAD_STACK_DEFAULT = 16384;
constexpr size_t THREAD_STACK_MIN = 1024;
constexpr size_t THREAD_STACK_MAX = 256 * 1024;

void sched_init();   // the boot context becomes the idle task
// Creates a thread that will run fn(arg); it starts when woken (kthread_run
// does both). nullptr when out of memory or the stack size is bad.
task_struct* kthread_create(void (*fn)(void*), void* arg, const char* name, int prio,
                            size_t stack_size = THREAD_STACK_DEFAULT);
task_struct* kthread_run(void (*fn)(void*), void* arg, const char* name, int prio,
                         size_t stack_size = THREAD_STACK_DEFAULT);
void schedule();
bool wake_up_process(task_struct* t);   // true if it was asleep
void yield();
[[noreturn]] void do_exit(int code);
void release_task(task_struct* t);      // free a dead task (its parent's job)
int wait_task_exit(task_struct* t);     // sleep until t is dead; its exit code

void sched_tick();                      // from the timer interrupt
bool need_resched();
void set_need_resched();
void preempt_schedule_irq();            // at interrupt exit
[[noreturn]] void cpu_idle();           // the idle loop (boot context, after init)

task_struct* find_task_by_pid(int pid);
template <typename F>
void for_each_task(F f);
size_t task_stack_unused(const task_struct* t);   // bytes never touched
// On every exception entry: panics, naming the thread, when sp has left the
// current thread's stack or its end magic is gone.
void check_stack_pointer(uintptr_t sp);
unsigned nr_tasks();

extern list_head task_list;

template <typename F>
void for_each_task(F f) {
    for (task_struct& t : list_entries<task_struct, &task_struct::tasks>(&task_list)) {
        f(t);
    }
}
