#include "kernel/sched/wait.h"

#include "kernel/cpu.h"
#include "kernel/sched/sched.h"

void init_waitqueue_head(wait_queue_head* wq) { INIT_LIST_HEAD(&wq->head); }

namespace {
void prepare(wait_queue_head* wq, wait_queue_entry* wait, bool interruptible, bool exclusive) {
    cpu::irq_guard guard;
    wait->task = current;
    wait->exclusive = exclusive;
    if (list_empty(&wait->entry)) {
        // Exclusive waiters go last so wake_up() wakes every plain waiter
        // before it reaches the first exclusive one.
        if (exclusive) {
            list_add_tail(&wait->entry, &wq->head);
        } else {
            list_add(&wait->entry, &wq->head);
        }
    }
    current->state = interruptible ? task_state::interruptible : task_state::uninterruptible;
}
}  // namespace

void prepare_to_wait(wait_queue_head* wq, wait_queue_entry* wait, bool interruptible) {
    prepare(wq, wait, interruptible, false);
}

void prepare_to_wait_exclusive(wait_queue_head* wq, wait_queue_entry* wait, bool interruptible) {
    prepare(wq, wait, interruptible, true);
}

void finish_wait(wait_queue_head*, wait_queue_entry* wait) {
    cpu::irq_guard guard;
    current->state = task_state::running;
    list_del(&wait->entry);
}

// Linux's __wake_up_common: a callback entry that declines (returns 0)
// does not use up an exclusive wake-up.
void __wake_up(wait_queue_head* wq, int nr_exclusive, unsigned key) {
    cpu::irq_guard guard;
    for (wait_queue_entry& w : list_entries<wait_queue_entry, &wait_queue_entry::entry>(&wq->head)) {
        int woken = 1;
        if (w.func) {
            woken = w.func(&w, key);
        } else {
            wake_up_process(w.task);
        }
        if (woken && w.exclusive && --nr_exclusive == 0) {
            break;
        }
    }
}

void add_wait_queue(wait_queue_head* wq, wait_queue_entry* wait) {
    cpu::irq_guard guard;
    wait->exclusive = false;
    list_add(&wait->entry, &wq->head);
}

void add_wait_queue_exclusive(wait_queue_head* wq, wait_queue_entry* wait) {
    cpu::irq_guard guard;
    wait->exclusive = true;
    list_add_tail(&wait->entry, &wq->head);
}

void remove_wait_queue(wait_queue_head*, wait_queue_entry* wait) {
    cpu::irq_guard guard;
    list_del(&wait->entry);
}

bool waitqueue_active(const wait_queue_head* wq) { return !list_empty(&wq->head); }
