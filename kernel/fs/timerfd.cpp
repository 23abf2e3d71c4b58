// timerfd (Linux's fs/timerfd.c): a timer whose expiries are read from a
// descriptor. read() returns, as 8 bytes, how many times the timer expired
// since the last read or settime (blocking while none), poll() says
// readable when that count is nonzero. The clock is CLOCK_MONOTONIC or
// CLOCK_REALTIME (CLOCK_BOOTTIME reads as MONOTONIC: nothing suspends here);
// the expiry is a kernel timer (kernel/timer.h) on the first tick at or
// after it, checked against the clock again when it fires.
#include "kernel/cpu.h"
#include "kernel/fs/anon_inodes.h"
#include "kernel/fs/fdtable.h"
#include "kernel/fs/poll.h"
#include "kernel/fs/pool.h"
#include "kernel/syscalls.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/eventpoll.h"

namespace {

using namespace uapi;

constexpr uint64_t NSEC_PER_SEC = 1000000000u;
constexpr int CLOCK_BOOTTIME = 7;

struct timerfd_ctx {
    timer_list t;
    wait_queue_head wqh;
    uint64_t expires;    // ns on the timer's clock; meaningful while armed
    uint64_t tintv;      // interval in ns, 0 for a one-shot timer
    uint64_t ticks;      // expiries not yet read
    int clockid;
    bool armed;          // expires is still to come (or not yet counted)
};

constexpr size_t NR_TIMERFD = 64;
object_pool<timerfd_ctx, NR_TIMERFD> timerfd_pool;

timerfd_ctx* ctx_of(file* f) { return static_cast<timerfd_ctx*>(f->private_data); }

uint64_t clock_now(int clockid) {
    return clockid == static_cast<int>(clockid::realtime) ? ktime_get_real_ns() : ktime_get_ns();
}

// The kernel timer on the first tick at or after expires (interrupts masked).
void timerfd_arm(timerfd_ctx* ctx, uint64_t now) {
    uint64_t left = ctx->expires > now ? ctx->expires - now : 0;
    mod_timer(&ctx->t, jiffies_at_or_after(ktime_get_ns() + left));
}

// Counts the expiries that have passed by now, moving a periodic timer's
// next expiry past now (Linux's hrtimer_forward_now). Interrupts masked.
// true when any were counted.
bool timerfd_forward(timerfd_ctx* ctx, uint64_t now) {
    if (!ctx->armed || now < ctx->expires) {
        return false;
    }
    uint64_t n = 1;
    if (ctx->tintv) {
        n += (now - ctx->expires) / ctx->tintv;
        ctx->expires += n * ctx->tintv;
    } else {
        ctx->armed = false;
    }
    ctx->ticks += n;
    return true;
}

void timerfd_tmrproc(timer_list* t) {
    timerfd_ctx* ctx = from_timer(t, &timerfd_ctx::t);
    cpu::irq_guard guard;
    uint64_t now = clock_now(ctx->clockid);
    bool fired = timerfd_forward(ctx, now);
    if (ctx->armed) {
        timerfd_arm(ctx, now);   // early by a fraction of a tick, or the next period
    }
    if (fired) {
        wake_up_poll(&ctx->wqh, pollin);
    }
}

poll_t timerfd_poll(file* f, poll_table_struct* wait) {
    timerfd_ctx* ctx = ctx_of(f);
    poll_wait(f, &ctx->wqh, wait);
    cpu::irq_guard guard;
    return ctx->ticks ? (pollin | pollrdnorm) : 0;
}

long timerfd_read(file* f, char* buf, size_t count, loff_t*) {
    timerfd_ctx* ctx = ctx_of(f);
    if (count < sizeof(uint64_t)) {
        return -EINVAL;
    }
    uint64_t ticks;
    for (;;) {
        {
            cpu::irq_guard guard;
            timerfd_forward(ctx, clock_now(ctx->clockid));
            ticks = ctx->ticks;
            if (ticks) {
                ctx->ticks = 0;
                break;
            }
        }
        if (nonblocking(f)) {
            return -EAGAIN;
        }
        wait_event_interruptible_timeout(
            ctx->wqh, [ctx] { return ctx->ticks != 0; }, MAX_SCHEDULE_TIMEOUT);
    }
    if (copy_to_user(buf, &ticks, sizeof ticks)) {
        return -EFAULT;
    }
    return sizeof ticks;
}

int timerfd_release(inode*, file* f) {
    timerfd_ctx* ctx = ctx_of(f);
    del_timer_sync(&ctx->t);
    timerfd_pool.free(ctx);
    return 0;
}

const file_operations timerfd_fops = {
    .llseek = noop_llseek,
    .read = timerfd_read,
    .poll = timerfd_poll,
    .release = timerfd_release,
};

// Times in ns, both ways (timespec64 in the kernel, as Linux).
struct itimer_ns {
    uint64_t interval, value;
};

bool timespec_valid(int64_t sec, int64_t nsec) {
    return sec >= 0 && nsec >= 0 && static_cast<uint64_t>(nsec) < NSEC_PER_SEC;
}

uint64_t to_ns(int64_t sec, int64_t nsec) {
    // Linux clamps at KTIME_MAX; so far off is "never" either way.
    constexpr uint64_t max_sec = (~uint64_t{0} >> 1) / NSEC_PER_SEC - 1;
    uint64_t s = static_cast<uint64_t>(sec) > max_sec ? max_sec : static_cast<uint64_t>(sec);
    return s * NSEC_PER_SEC + static_cast<uint64_t>(nsec);
}

// The timer's (interval, time left); interrupts masked.
itimer_ns timerfd_get(timerfd_ctx* ctx) {
    uint64_t now = clock_now(ctx->clockid);
    timerfd_forward(ctx, now);
    uint64_t left = ctx->armed && ctx->expires > now ? ctx->expires - now : 0;
    return {ctx->tintv, left};
}

// fd to its timerfd: -EBADF, or -EINVAL for another kind of file (Linux's timerfd_fget).
long timerfd_fget(const fd_ref& f) {
    if (!f) {
        return -EBADF;
    }
    return f->f_op == &timerfd_fops ? 0 : -EINVAL;
}

long do_timerfd_settime(int ufd, int flags, const itimer_ns& newv, itimer_ns* old) {
    // TFD_TIMER_CANCEL_ON_SET is taken but has no effect: clock_settime
    // does not cancel timers here.
    if (flags & ~(tfd_timer_abstime | tfd_timer_cancel_on_set)) {
        return -EINVAL;
    }
    fd_ref f(ufd);
    if (long err = timerfd_fget(f)) {
        return err;
    }
    timerfd_ctx* ctx = ctx_of(f.get());
    del_timer_sync(&ctx->t);
    cpu::irq_guard guard;
    *old = timerfd_get(ctx);
    uint64_t now = clock_now(ctx->clockid);
    ctx->ticks = 0;
    ctx->tintv = newv.interval;
    ctx->armed = newv.value != 0;
    if (ctx->armed) {
        ctx->expires = (flags & tfd_timer_abstime) ? newv.value : now + newv.value;
        // Already past: counted now (Linux's hrtimer fires at once).
        if (timerfd_forward(ctx, now)) {
            wake_up_poll(&ctx->wqh, pollin);
        }
        if (ctx->armed) {
            timerfd_arm(ctx, now);
        }
    }
    return 0;
}

long do_timerfd_gettime(int ufd, itimer_ns* cur) {
    fd_ref f(ufd);
    if (long err = timerfd_fget(f)) {
        return err;
    }
    cpu::irq_guard guard;
    *cur = timerfd_get(ctx_of(f.get()));
    return 0;
}

itimerspec to_itimerspec32(const itimer_ns& t) {
    auto sec = [](uint64_t ns) {
        uint64_t s = ns / NSEC_PER_SEC;
        return static_cast<int32_t>(s > 0x7fffffff ? 0x7fffffff : s);
    };
    auto nsec = [](uint64_t ns) { return static_cast<int32_t>(ns % NSEC_PER_SEC); };
    return {sec(t.interval), nsec(t.interval), sec(t.value), nsec(t.value)};
}

itimerspec64 to_itimerspec64(const itimer_ns& t) {
    auto ts = [](uint64_t ns) {
        return timespec64{static_cast<int64_t>(ns / NSEC_PER_SEC), static_cast<int64_t>(ns % NSEC_PER_SEC)};
    };
    return {ts(t.interval), ts(t.value)};
}

}  // namespace

long sys_timerfd_create(int clockid, unsigned flags) {
    if (flags & ~(tfd_cloexec | tfd_nonblock)) {
        return -EINVAL;
    }
    if (clockid != static_cast<int>(clockid::monotonic) && clockid != static_cast<int>(clockid::realtime) &&
        clockid != CLOCK_BOOTTIME) {
        return -EINVAL;
    }
    timerfd_ctx* ctx = timerfd_pool.alloc();
    if (!ctx) {
        return -ENOMEM;
    }
    init_waitqueue_head(&ctx->wqh);
    timer_setup(&ctx->t, timerfd_tmrproc, 0);
    ctx->clockid = clockid == CLOCK_BOOTTIME ? static_cast<int>(clockid::monotonic) : clockid;
    int fd = anon_inode_getfd(&timerfd_fops, ctx, o_rdwr | (flags & (tfd_nonblock | tfd_cloexec)));
    if (fd < 0) {
        timerfd_pool.free(ctx);
    }
    return fd;
}

long sys_timerfd_settime(int ufd, int flags, const uapi::itimerspec* utmr, uapi::itimerspec* otmr) {
    itimerspec k;
    if (copy_from_user(&k, utmr, sizeof k)) {
        return -EFAULT;
    }
    if (!timespec_valid(k.it_interval_sec, k.it_interval_nsec) || !timespec_valid(k.it_value_sec, k.it_value_nsec)) {
        return -EINVAL;
    }
    itimer_ns newv{to_ns(k.it_interval_sec, k.it_interval_nsec), to_ns(k.it_value_sec, k.it_value_nsec)};
    itimer_ns old;
    if (long err = do_timerfd_settime(ufd, flags, newv, &old)) {
        return err;
    }
    if (otmr) {
        itimerspec o = to_itimerspec32(old);
        return copy_to_user(otmr, &o, sizeof o);
    }
    return 0;
}

long sys_timerfd_gettime(int ufd, uapi::itimerspec* otmr) {
    itimer_ns cur;
    if (long err = do_timerfd_gettime(ufd, &cur)) {
        return err;
    }
    itimerspec o = to_itimerspec32(cur);
    return copy_to_user(otmr, &o, sizeof o);
}

long sys_timerfd_settime64(int ufd, int flags, const uapi::itimerspec64* utmr, uapi::itimerspec64* otmr) {
    itimerspec64 k;
    if (copy_from_user(&k, utmr, sizeof k)) {
        return -EFAULT;
    }
    if (!timespec_valid(k.it_interval.tv_sec, k.it_interval.tv_nsec) ||
        !timespec_valid(k.it_value.tv_sec, k.it_value.tv_nsec)) {
        return -EINVAL;
    }
    itimer_ns newv{to_ns(k.it_interval.tv_sec, k.it_interval.tv_nsec), to_ns(k.it_value.tv_sec, k.it_value.tv_nsec)};
    itimer_ns old;
    if (long err = do_timerfd_settime(ufd, flags, newv, &old)) {
        return err;
    }
    if (otmr) {
        itimerspec64 o = to_itimerspec64(old);
        return copy_to_user(otmr, &o, sizeof o);
    }
    return 0;
}

long sys_timerfd_gettime64(int ufd, uapi::itimerspec64* otmr) {
    itimer_ns cur;
    if (long err = do_timerfd_gettime(ufd, &cur)) {
        return err;
    }
    itimerspec64 o = to_itimerspec64(cur);
    return copy_to_user(otmr, &o, sizeof o);
}
