#include "kernel/sched/sync.h"

#include <limits.h>

#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/sched/sched.h"
#include "kernel/uapi/errno.h"

mutex::mutex() { init_waitqueue_head(&wait_); }

bool mutex::trylock() {
    cpu::irq_guard guard;
    if (owner_) {
        return false;
    }
    owner_ = current;
    return true;
}

void mutex::lock() {
    if (owner_ == current) {
        pr_err("mutex: %s takes a mutex it already holds\n", current->comm);
    }
    // Exclusive waiters: an unlock wakes one, which then takes it or waits again.
    wait_queue_entry w{};
    for (;;) {
        prepare_to_wait_exclusive(&wait_, &w, false);
        if (trylock()) {
            break;
        }
        schedule();
    }
    finish_wait(&wait_, &w);
}

void mutex::unlock() {
    cpu::irq_guard guard;
    if (owner_ != current) {
        pr_err("mutex: %s unlocks a mutex it does not hold\n", current ? current->comm : "?");
        return;
    }
    owner_ = nullptr;
    wake_up(&wait_);
}

semaphore::semaphore(int count) : count_(count) { init_waitqueue_head(&wait_); }

bool semaphore::down_trylock() {
    cpu::irq_guard guard;
    if (count_ <= 0) {
        return false;
    }
    --count_;
    return true;
}

void semaphore::down() {
    wait_event_exclusive_timeout(wait_, [this] { return down_trylock(); }, MAX_SCHEDULE_TIMEOUT);
}

long semaphore::down_timeout(long jiffies) {
    return wait_event_exclusive_timeout(wait_, [this] { return down_trylock(); }, jiffies) ? 0 : -ETIME;
}

void semaphore::up() {
    cpu::irq_guard guard;
    ++count_;
    wake_up(&wait_);
}

completion::completion() : done_(0) { init_waitqueue_head(&wait_); }

void completion::complete() {
    cpu::irq_guard guard;
    if (done_ != UINT_MAX) {
        ++done_;
    }
    wake_up(&wait_);
}

void completion::complete_all() {
    cpu::irq_guard guard;
    done_ = UINT_MAX;
    wake_up_all(&wait_);
}

bool completion::try_wait_for_completion() {
    cpu::irq_guard guard;
    if (done_ == 0) {
        return false;
    }
    if (done_ != UINT_MAX) {
        --done_;
    }
    return true;
}

void completion::wait_for_completion() {
    wait_event_exclusive_timeout(wait_, [this] { return try_wait_for_completion(); },
                                 MAX_SCHEDULE_TIMEOUT);
}

long completion::wait_for_completion_timeout(long jiffies) {
    return wait_event_exclusive_timeout(wait_, [this] { return try_wait_for_completion(); }, jiffies);
}
