// Sleeping and process-time syscalls.
#include "kernel/sched/sched.h"
#include "kernel/sched/wait.h"
#include "kernel/syscalls.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"

namespace {

// Sleeps until the monotonic clock has passed now + ns: to the first tick
// after the deadline, checked again on waking since the tick's own time is
// read a little after it fires.
long sleep_ns(uint64_t ns, uapi::timespec* rem) {
    uint64_t deadline = ktime_get_ns() + ns;
    while (ktime_get_ns() < deadline) {
        unsigned long end = jiffies_at_or_after(deadline);
        long ticks = static_cast<long>(end - jiffies);
        schedule_timeout_uninterruptible(ticks > 0 ? ticks : 1);
    }
    if (rem) {
        uapi::timespec zero{};
        return copy_to_user(rem, &zero, sizeof zero);
    }
    return 0;
}

long read_timespec(const uapi::timespec* user, uint64_t* ns) {
    uapi::timespec t;
    if (copy_from_user(&t, user, sizeof t)) {
        return -EFAULT;
    }
    if (t.tv_sec < 0 || t.tv_nsec < 0 || t.tv_nsec >= 1000000000) {
        return -EINVAL;
    }
    *ns = static_cast<uint64_t>(t.tv_sec) * 1000000000u + static_cast<uint64_t>(t.tv_nsec);
    return 0;
}

}  // namespace

long sys_nanosleep(const uapi::timespec* req, uapi::timespec* rem) {
    uint64_t ns;
    if (long err = read_timespec(req, &ns)) {
        return err;
    }
    return sleep_ns(ns, rem);
}

long sys_clock_nanosleep(int which, int flags, const uapi::timespec* req, uapi::timespec* rem) {
    uint64_t ns;
    if (which != static_cast<int>(uapi::clockid::monotonic) &&
        which != static_cast<int>(uapi::clockid::realtime)) {
        return -EINVAL;
    }
    if (long err = read_timespec(req, &ns)) {
        return err;
    }
    constexpr int TIMER_ABSTIME = 1;
    if (flags & TIMER_ABSTIME) {
        uint64_t now = which == static_cast<int>(uapi::clockid::monotonic) ? ktime_get_ns()
                                                                            : ktime_get_real_ns();
        ns = ns > now ? ns - now : 0;
        rem = nullptr;
    }
    return sleep_ns(ns, rem);
}

// Clock ticks for times(2) are USER_HZ = 100 per second, as on Linux.
long sys_times(uapi::tms* buf) {
    constexpr uint64_t user_hz = 100;
    if (buf) {
        uapi::tms t{};
        t.tms_stime = static_cast<int32_t>(cycles_to_ns(current->cpu_cycles) / (1000000000u / user_hz));
        if (copy_to_user(buf, &t, sizeof t)) {
            return -EFAULT;
        }
    }
    return static_cast<long>(ktime_get_ns() / (1000000000u / user_hz));
}
