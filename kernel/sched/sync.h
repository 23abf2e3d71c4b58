// Sleeping locks and events on top of wait queues: mutex, counting
// semaphore, completion (Linux's interfaces). One CPU: the state changes
// under cpu::irq_guard; waiting is on a wait queue, never spinning.
#pragma once
#include "kernel/sched/wait.h"

struct task_struct;

class mutex {
public:
    mutex();
    void lock();
    bool trylock();
    void unlock();            // only by the owner; a stray unlock is reported, not obeyed
    bool is_locked() const { return owner_ != nullptr; }
    task_struct* owner() const { return owner_; }
private:
    task_struct* owner_ = nullptr;
    wait_queue_head wait_;
};

// RAII holder: std::lock_guard for mutex, without the standard library.
class mutex_guard {
public:
    explicit mutex_guard(mutex& m) : m_(m) { m_.lock(); }
    ~mutex_guard() { m_.unlock(); }
    mutex_guard(const mutex_guard&) = delete;
    mutex_guard& operator=(const mutex_guard&) = delete;
private:
    mutex& m_;
};

class semaphore {
public:
    explicit semaphore(int count);
    void down();
    bool down_trylock();                      // true when taken (Linux returns 0 then)
    long down_timeout(long jiffies);          // 0 taken, -ETIME timed out
    void up();
    int count() const { return count_; }
private:
    int count_;
    wait_queue_head wait_;
};

class completion {
public:
    completion();
    void complete();                          // wakes one waiter
    void complete_all();                      // wakes every waiter, now and later
    void wait_for_completion();
    long wait_for_completion_timeout(long jiffies);   // 0 on timeout, else jiffies left
    bool try_wait_for_completion();
    void reinit() { done_ = 0; }
private:
    unsigned done_;
    wait_queue_head wait_;
};
