#include "net/core/rtnetlink.h"

#include "kernel/preempt.h"
#include "kernel/bug.h"
#include "kernel/printk.h"
#include "kernel/sched/sync.h"
#include "kernel/sched/task.h"

namespace {

// Built on first use: no order among the files' static constructors.
mutex& rtnl_mutex() {
    static mutex m;
    return m;
}

unsigned long assert_failures;

}  // namespace

void rtnl_lock() {
    // A sleeping lock: from an interrupt handler, a softirq or with bottom
    // halves off a wait would block what must wake the holder.
    if (in_interrupt()) {
        pr_err("BUG: rtnl_lock() from %s context\n", in_hardirq() ? "interrupt" : "softirq");
    }
    rtnl_mutex().lock();
}

void rtnl_unlock() { rtnl_mutex().unlock(); }

bool rtnl_trylock() { return rtnl_mutex().trylock(); }

bool rtnl_is_locked() { return rtnl_mutex().is_locked(); }

bool lockdep_rtnl_is_held() { return rtnl_mutex().owner() == current && current; }

bool ASSERT_RTNL(const char* file, int line) {
    if (lockdep_rtnl_is_held()) {
        return true;
    }
    ++assert_failures;
    pr_err("RTNL: assertion failed at %s (%d)\n", file, line);
    __warn(file, line, "ASSERT_RTNL", "RTNL not held");   // with the backtrace of who forgot it
    return false;
}

unsigned long rtnl_assert_failures() { return assert_failures; }
