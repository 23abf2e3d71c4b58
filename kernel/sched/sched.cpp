#include "kernel/sched/sched.h"

#include <string.h>

#include "kernel/bug.h"
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "kernel/preempt.h"
#include "kernel/printk.h"
#include "kernel/sched/stack.h"

task_struct* current;
list_head task_list;

namespace {

// The runqueue: one FIFO per priority and a bitmap of the non-empty ones.
struct runqueue {
    list_head queue[MAX_PRIO];
    uint32_t bitmap;

    void enqueue(task_struct* t) {
        list_add_tail(&t->run_list, &queue[t->prio]);
        bitmap |= 1u << t->prio;
    }
    void dequeue(task_struct* t) {
        list_del(&t->run_list);
        if (list_empty(&queue[t->prio])) {
            bitmap &= ~(1u << t->prio);
        }
    }
    task_struct* pick() {
        if (!bitmap) {
            return nullptr;
        }
        int prio = __builtin_ctz(bitmap);
        return container_of(queue[prio].next, &task_struct::run_list);
    }
};

runqueue rq;
task_struct idle_task;
bool resched_pending;
int next_pid = 1;
unsigned task_count;
constexpr uint32_t stack_fill = 0xa5a5a5a5u;

void account(task_struct* prev, uint32_t now) {
    prev->cpu_cycles += now - prev->last_switch_in;
}

[[noreturn]] void stack_overflow(const task_struct* t) {
    panic("stack overflow in thread '%s' (pid %d, %u-byte stack)", t->comm, t->pid,
          static_cast<unsigned>(t->stack_size));
}

void check_stack(const task_struct* t) {
    if (t->stack && t->stack[0] != STACK_END_MAGIC) {
        stack_overflow(t);
    }
}

void thread_start(void* p) {
    task_struct* t = static_cast<task_struct*>(p);
    cpu::local_irq_enable();
    t->entry(t->arg);
    do_exit(0);
}

}  // namespace

void sched_init() {
    INIT_LIST_HEAD(&task_list);
    task_count = 0;
    resched_pending = false;
    rq.bitmap = 0;
    for (list_head& q : rq.queue) {
        INIT_LIST_HEAD(&q);
    }
    task_struct* t = &idle_task;
    strncpy(t->comm, "swapper", TASK_COMM_LEN - 1);
    t->pid = 0;
    t->prio = IDLE_PRIO;
    t->state = task_state::running;
    t->flags = PF_KTHREAD;
    t->last_switch_in = cpu::cycles();
    INIT_LIST_HEAD(&t->run_list);
    init_waitqueue_head(&t->exit_wait);
    list_add_tail(&t->tasks, &task_list);
    ++task_count;
    current = t;
}

task_struct* kthread_create(void (*fn)(void*), void* arg, const char* name, int prio,
                            size_t stack_size) {
    if (prio < 0 || prio >= IDLE_PRIO || stack_size < THREAD_STACK_MIN || stack_size > THREAD_STACK_MAX) {
        return nullptr;
    }
    task_struct* t = alloc_task_struct();
    if (!t) {
        return nullptr;
    }
    t->stack = static_cast<uint32_t*>(alloc_thread_stack(stack_size));
    if (!t->stack) {
        free_task_struct(t);
        return nullptr;
    }
    t->stack_size = stack_size;
    for (size_t i = 0; i < stack_size / 4; ++i) {
        t->stack[i] = stack_fill;
    }
    t->stack[0] = STACK_END_MAGIC;
    strncpy(t->comm, name, TASK_COMM_LEN - 1);
    t->prio = prio;
    t->entry = fn;
    t->arg = arg;
    t->time_slice = SCHED_TIMESLICE_TICKS;
    t->state = task_state::uninterruptible;  // until woken
    INIT_LIST_HEAD(&t->run_list);
    init_waitqueue_head(&t->exit_wait);
    arch_init_context(&t->thread, t->stack, stack_size, thread_start, t);
    cpu::irq_guard guard;
    t->pid = next_pid++;
    list_add_tail(&t->tasks, &task_list);
    ++task_count;
    return t;
}

task_struct* kthread_run(void (*fn)(void*), void* arg, const char* name, int prio,
                         size_t stack_size) {
    task_struct* t = kthread_create(fn, arg, name, prio, stack_size);
    if (t) {
        wake_up_process(t);
    }
    return t;
}

bool wake_up_process(task_struct* t) {
    cpu::irq_guard guard;
    if (t->state == task_state::running || t->state == task_state::dead) {
        return false;
    }
    t->state = task_state::running;
    if (t != current && list_empty(&t->run_list)) {
        rq.enqueue(t);
        if (t->prio < current->prio) {
            resched_pending = true;
        }
    }
    return true;
}

namespace {
// preempt: the task did not ask to sleep, an interrupt took the CPU from it.
// It stays runnable even if it had just marked itself asleep (between
// prepare_to_wait() and its own schedule()), as Linux's __schedule(preempt):
// else it would sleep before it had queued itself everywhere it waits, or
// after the wakeup it was about to check for.
void __schedule(bool preempt) {
    cpu::irq_guard guard;
    task_struct* prev = current;
    if (preempt_count() != 0 && prev->state != task_state::running) {
        // A softirq or a bh-disabled section must not sleep: the count is
        // global, the next thread would inherit it.
        pr_err("BUG: scheduling while atomic: %s/%d (preempt_count %#x)\n", prev->comm, prev->pid,
               preempt_count());
        WARN_ON(true, "scheduling while atomic");
    }
    resched_pending = false;
    bool runnable = prev->state == task_state::running ||
                    (preempt && prev->state != task_state::dead);
    if (runnable && prev != &idle_task && list_empty(&prev->run_list)) {
        rq.enqueue(prev);
    }
    task_struct* next = rq.pick();
    if (!next) {
        next = &idle_task;
    } else {
        rq.dequeue(next);
    }
    if (next == prev) {
        return;
    }
    check_stack(prev);
    uint32_t now = cpu::cycles();
    account(prev, now);
    next->last_switch_in = now;
    ++next->nr_switches;
    if (next->time_slice == 0) {
        next->time_slice = SCHED_TIMESLICE_TICKS;
    }
    current = next;
    arch_switch_to(prev, next);
}
}  // namespace

void schedule() { __schedule(false); }

void yield() {
    set_need_resched();
    schedule();
}

void sched_tick() {
    task_struct* t = current;
    check_stack(t);
    if (t == &idle_task) {
        if (rq.bitmap) {
            resched_pending = true;
        }
        return;
    }
    if (t->time_slice > 0 && --t->time_slice == 0) {
        t->time_slice = SCHED_TIMESLICE_TICKS;
        // Round robin only matters when a peer of the same priority waits.
        if (rq.bitmap & (1u << t->prio)) {
            resched_pending = true;
        }
    }
}

bool need_resched() { return resched_pending; }
void set_need_resched() { resched_pending = true; }

void preempt_schedule_irq() {
    // Not from inside a softirq or a bh-disabled section the interrupt hit.
    if (resched_pending && preempt_count() == 0) {
        __schedule(true);
    }
}

void do_exit(int code) {
    cpu::local_irq_save();
    task_struct* t = current;
    if (t == &idle_task) {
        panic("attempted to kill the idle task");
    }
    t->exit_code = code;
    t->state = task_state::dead;
    wake_up_all(&t->exit_wait);
    schedule();
    panic("dead task '%s' scheduled again", t->comm);
}

int wait_task_exit(task_struct* t) {
    wait_event(t->exit_wait, [t] { return t->state == task_state::dead; });
    return t->exit_code;
}

void release_task(task_struct* t) {
    {
        cpu::irq_guard guard;
        if (t->state != task_state::dead || t == current) {
            return;
        }
        list_del(&t->tasks);
        --task_count;
    }
    free_thread_stack(t->stack, t->stack_size);
    free_task_struct(t);
}

void cpu_idle() {
    for (;;) {
        cpu::local_irq_enable();
        // An interrupt that wakes a thread between this test and the wait
        // preempts us at interrupt exit, so the wait never sleeps through it.
        while (!need_resched()) {
            cpu::wait_for_interrupt();
        }
        schedule();
    }
}

task_struct* find_task_by_pid(int pid) {
    cpu::irq_guard guard;
    for (task_struct& t : list_entries<task_struct, &task_struct::tasks>(&task_list)) {
        if (t.pid == pid) {
            return &t;
        }
    }
    return nullptr;
}

size_t task_stack_unused(const task_struct* t) {
    if (!t->stack) {
        return 0;
    }
    size_t words = t->stack_size / 4, i = 1;
    while (i < words && t->stack[i] == stack_fill) {
        ++i;
    }
    return (i - 1) * 4;
}

unsigned nr_tasks() { return task_count; }

void check_stack_pointer(uintptr_t sp) {
    const task_struct* t = current;
    if (!t || !t->stack) {
        return;
    }
    uintptr_t lo = reinterpret_cast<uintptr_t>(t->stack);
    if (sp <= lo + 4 || sp > lo + t->stack_size) {
        stack_overflow(t);
    }
    check_stack(t);
}
