// Wait queues: a thread sleeps on a wait_queue_head until an event it waits
// for happens; whoever makes it happen calls wake_up(). Linux's interface.
#pragma once
#include "kernel/list.h"

struct task_struct;
struct wait_queue_entry;

struct wait_queue_head {
    list_head head;
};

// A wake-up callback instead of waking entry->task (Linux's
// wait_queue_func_t): epoll hangs these on the files it watches. key is the
// poll mask that became true (wake_up_poll), 0 when the waker did not say.
// Returns nonzero when the entry counts as woken (for nr_exclusive).
using wait_queue_func_t = int (*)(wait_queue_entry* wait, unsigned key);

struct wait_queue_entry {
    task_struct* task;
    list_head entry;
    bool exclusive;
    wait_queue_func_t func = nullptr;   // nullptr: wake_up_process(task)
};

void init_waitqueue_head(wait_queue_head* wq);
// Queue the caller and mark it asleep; then test the condition, then
// schedule(). Marking before testing means a wake_up between the test and
// schedule() is not lost.
void prepare_to_wait(wait_queue_head* wq, wait_queue_entry* wait, bool interruptible);
void prepare_to_wait_exclusive(wait_queue_head* wq, wait_queue_entry* wait, bool interruptible);
void finish_wait(wait_queue_head* wq, wait_queue_entry* wait);
// Wakes every non-exclusive waiter and at most nr_exclusive exclusive ones.
void __wake_up(wait_queue_head* wq, int nr_exclusive, unsigned key = 0);
inline void wake_up(wait_queue_head* wq) { __wake_up(wq, 1); }
inline void wake_up_all(wait_queue_head* wq) { __wake_up(wq, 0); }
inline void wake_up_interruptible(wait_queue_head* wq) { __wake_up(wq, 1); }
// With the poll mask that changed, for callbacks that filter on it.
inline void wake_up_poll(wait_queue_head* wq, unsigned key) { __wake_up(wq, 1, key); }
inline void wake_up_interruptible_poll(wait_queue_head* wq, unsigned key) { __wake_up(wq, 1, key); }
// Queues a callback entry (Linux's add_wait_queue / add_wait_queue_exclusive).
void add_wait_queue(wait_queue_head* wq, wait_queue_entry* wait);
void add_wait_queue_exclusive(wait_queue_head* wq, wait_queue_entry* wait);
void remove_wait_queue(wait_queue_head* wq, wait_queue_entry* wait);
bool waitqueue_active(const wait_queue_head* wq);

long schedule_timeout(long timeout);     // jiffies; MAX_SCHEDULE_TIMEOUT for none
long schedule_timeout_uninterruptible(long timeout);
constexpr long MAX_SCHEDULE_TIMEOUT = 0x7fffffff;

// wait_event_timeout(wq, cond, timeout): sleeps until cond() holds or the
// timeout (jiffies) passes. Returns 0 on timeout with cond() false, else the
// jiffies left (at least 1), as Linux. There are no signals, so the
// interruptible form only differs in the task state shown by ps.
// cond() is evaluated exactly once per wake-up, so it may have side effects
// (take a semaphore count, dequeue an item).
// Exclusive waiters queue in FIFO order and wake_up() wakes one of them:
// what semaphores and completions want (no thundering herd, no overtaking).
template <typename Cond>
long wait_event_timeout(wait_queue_head& wq, Cond cond, long timeout, bool interruptible = true,
                        bool exclusive = false) {
    wait_queue_entry wait{};
    bool done;
    for (;;) {
        if (exclusive) {
            prepare_to_wait_exclusive(&wq, &wait, interruptible);
        } else {
            prepare_to_wait(&wq, &wait, interruptible);
        }
        if ((done = cond()) || timeout == 0) {
            break;
        }
        timeout = schedule_timeout(timeout);
    }
    finish_wait(&wq, &wait);
    if (!done) {
        return 0;
    }
    return timeout ? timeout : 1;
}

template <typename Cond>
void wait_event(wait_queue_head& wq, Cond cond) {
    wait_event_timeout(wq, cond, MAX_SCHEDULE_TIMEOUT, false);
}

template <typename Cond>
long wait_event_exclusive_timeout(wait_queue_head& wq, Cond cond, long timeout) {
    return wait_event_timeout(wq, cond, timeout, false, true);
}

template <typename Cond>
long wait_event_interruptible_timeout(wait_queue_head& wq, Cond cond, long timeout) {
    return wait_event_timeout(wq, cond, timeout, true);
}
