// host-only: the test body plays the idle task; the tests move the cycle
// counter (the clock) and run tick interrupts by hand.
// timerfd: one-shot and periodic expiry counts, absolute times, gettime,
// re-arming and disarming, readiness through epoll, the errnos.
#include <CppUTest/TestHarness.h>

#include "kernel/cpu.h"
#include "kernel/softirq.h"
#include "kernel/syscalls.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/eventpoll.h"
#include "tests/unit/fs_test_util.h"
#include "tests/unit/host/host_stub.h"

using namespace uapi;

namespace {
constexpr int32_t MS = 1000000;   // ns
int tfd;
uint64_t got;

long get(int fd) { return sys_read(fd, reinterpret_cast<char*>(&got), sizeof got); }

// ms of clock, one 10 ms tick at a time (HZ 100, the stub's 100 MHz counter).
void advance_ms(unsigned ms) {
    for (unsigned i = 0; i < ms / 10; ++i) {
        host_stub::cycles += host_stub::cycles_hz / 100;
        cpu::irq_guard guard;
        irq_enter();
        do_timer(1);
        irq_exit();
    }
}

long settime(int fd, int flags, int32_t value_ms, int32_t interval_ms, uapi::itimerspec* old = nullptr) {
    uapi::itimerspec t{interval_ms / 1000, (interval_ms % 1000) * MS, value_ms / 1000, (value_ms % 1000) * MS};
    return sys_timerfd_settime(fd, flags, &t, old);
}

int64_t value_left_ms(int fd) {
    uapi::itimerspec cur{};
    LONGS_EQUAL(0, sys_timerfd_gettime(fd, &cur));
    return int64_t{cur.it_value_sec} * 1000 + cur.it_value_nsec / MS;
}
}  // namespace

TEST_GROUP(timerfd) {
    unsigned files_before;
    void setup() override {
        files_before = files_in_use();
        sched_init();
        init_timers();
        fs_test::setup();
        tfd = static_cast<int>(sys_timerfd_create(static_cast<int>(clockid::monotonic), tfd_nonblock));
        CHECK(tfd >= 0);
    }
    void teardown() override {
        fs_test::teardown();
        LONGS_EQUAL(files_before, files_in_use());
    }
};

TEST(timerfd, one_shot_expires_once) {
    LONGS_EQUAL(-EAGAIN, get(tfd));   // disarmed
    LONGS_EQUAL(0, settime(tfd, 0, 50, 0));
    CHECK(value_left_ms(tfd) > 40 && value_left_ms(tfd) <= 50);
    advance_ms(30);
    LONGS_EQUAL(-EAGAIN, get(tfd));
    advance_ms(30);
    LONGS_EQUAL(8, get(tfd));
    UNSIGNED_LONGLONGS_EQUAL(1, got);
    LONGS_EQUAL(-EAGAIN, get(tfd));
    advance_ms(100);
    LONGS_EQUAL(-EAGAIN, get(tfd));
    LONGS_EQUAL(0, value_left_ms(tfd));
}

TEST(timerfd, interval_counts_every_expiry) {
    LONGS_EQUAL(0, settime(tfd, 0, 20, 20));
    advance_ms(100);   // expiries at 20, 40, 60, 80, 100
    LONGS_EQUAL(8, get(tfd));
    UNSIGNED_LONGLONGS_EQUAL(5, got);
    advance_ms(40);
    LONGS_EQUAL(8, get(tfd));
    UNSIGNED_LONGLONGS_EQUAL(2, got);
    uapi::itimerspec cur{};
    LONGS_EQUAL(0, sys_timerfd_gettime(tfd, &cur));
    LONGS_EQUAL(0, cur.it_interval_sec);
    LONGS_EQUAL(20 * MS, cur.it_interval_nsec);
    // Disarming returns the old setting and drops uncounted expiries.
    advance_ms(20);
    uapi::itimerspec old{};
    LONGS_EQUAL(0, settime(tfd, 0, 0, 0, &old));
    LONGS_EQUAL(20 * MS, old.it_interval_nsec);
    LONGS_EQUAL(-EAGAIN, get(tfd));
    advance_ms(100);
    LONGS_EQUAL(-EAGAIN, get(tfd));
}

TEST(timerfd, absolute_times) {
    uint64_t now = ktime_get_ns();
    uapi::itimerspec t{0, 0, static_cast<int32_t>((now + 30 * MS) / 1000000000u),
                 static_cast<int32_t>((now + 30 * MS) % 1000000000u)};
    LONGS_EQUAL(0, sys_timerfd_settime(tfd, tfd_timer_abstime, &t, nullptr));
    advance_ms(20);
    LONGS_EQUAL(-EAGAIN, get(tfd));
    advance_ms(20);
    LONGS_EQUAL(8, get(tfd));
    // A time already past counts at once.
    t = {0, 0, 0, 1};
    LONGS_EQUAL(0, sys_timerfd_settime(tfd, tfd_timer_abstime, &t, nullptr));
    LONGS_EQUAL(8, get(tfd));
    UNSIGNED_LONGLONGS_EQUAL(1, got);
    // CLOCK_REALTIME against the wall clock
    set_realtime_base(1700000000ull * 1000000000u);
    int rt = static_cast<int>(sys_timerfd_create(static_cast<int>(clockid::realtime), tfd_nonblock));
    t = {0, 0, 1700000000 + 1, 0};
    LONGS_EQUAL(0, sys_timerfd_settime(rt, tfd_timer_abstime, &t, nullptr));
    CHECK(value_left_ms(rt) > 990 && value_left_ms(rt) <= 1000);
    advance_ms(1010);
    LONGS_EQUAL(8, get(rt));
}

TEST(timerfd, readable_through_epoll_and_blocking_read) {
    int ep = static_cast<int>(sys_epoll_create1(0));
    epoll_event e{epollin | epollet, 77};
    LONGS_EQUAL(0, sys_epoll_ctl(ep, epoll_ctl_add, tfd, &e));
    epoll_event out[2];
    LONGS_EQUAL(0, sys_epoll_wait(ep, out, 2, 0));
    LONGS_EQUAL(0, settime(tfd, 0, 10, 10));
    advance_ms(10);
    LONGS_EQUAL(1, sys_epoll_wait(ep, out, 2, 0));   // the timer's wake-up queued it
    UNSIGNED_LONGLONGS_EQUAL(77, out[0].data);
    LONGS_EQUAL(0, sys_epoll_wait(ep, out, 2, 0));   // edge-triggered
    advance_ms(10);
    LONGS_EQUAL(1, sys_epoll_wait(ep, out, 2, 0));
    pollfd pfd{tfd, pollin, 0};
    LONGS_EQUAL(1, sys_poll(&pfd, 1, 0));
    sys_fcntl(tfd, f_setfl, 0);
    LONGS_EQUAL(8, get(tfd));   // ready: a blocking read does not sleep
    UNSIGNED_LONGLONGS_EQUAL(2, got);
}

TEST(timerfd, errnos) {
    LONGS_EQUAL(-EINVAL, sys_timerfd_create(5, 0));
    LONGS_EQUAL(-EINVAL, sys_timerfd_create(static_cast<int>(clockid::monotonic), 0x1));
    LONGS_EQUAL(-EINVAL, settime(tfd, 0x4, 10, 0));
    uapi::itimerspec bad{0, 0, 0, 1000000000};
    LONGS_EQUAL(-EINVAL, sys_timerfd_settime(tfd, 0, &bad, nullptr));
    bad = {0, 0, -1, 0};
    LONGS_EQUAL(-EINVAL, sys_timerfd_settime(tfd, 0, &bad, nullptr));
    LONGS_EQUAL(-EFAULT, sys_timerfd_settime(tfd, 0, reinterpret_cast<uapi::itimerspec*>(fs_test::bad_ptr), nullptr));
    LONGS_EQUAL(-EBADF, settime(99, 0, 10, 0));
    int p[2];
    sys_pipe2(p, 0);
    LONGS_EQUAL(-EINVAL, settime(p[0], 0, 10, 0));
    uapi::itimerspec cur;
    LONGS_EQUAL(-EINVAL, sys_timerfd_gettime(p[0], &cur));
    LONGS_EQUAL(-EFAULT, sys_timerfd_gettime(tfd, reinterpret_cast<uapi::itimerspec*>(fs_test::bad_ptr)));
    char small[4];
    LONGS_EQUAL(-EINVAL, sys_read(tfd, small, sizeof small));
    LONGS_EQUAL(-EINVAL, sys_write(tfd, small, sizeof small));   // no write method
    int ce = static_cast<int>(sys_timerfd_create(static_cast<int>(clockid::monotonic), tfd_cloexec));
    LONGS_EQUAL(fd_cloexec, sys_fcntl(ce, f_getfd, 0));
    // time64
    itimerspec64 t64{{0, 0}, {0, 20 * MS}};
    LONGS_EQUAL(0, sys_timerfd_settime64(tfd, 0, &t64, nullptr));
    itimerspec64 c64{};
    LONGS_EQUAL(0, sys_timerfd_gettime64(tfd, &c64));
    CHECK(c64.it_value.tv_nsec > 10 * MS && c64.it_value.tv_nsec <= 20 * MS);
}
