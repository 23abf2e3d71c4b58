// host-only: the test body plays the idle task with its own memory zone (fs_test_util.h).
// poll() and select(): readiness masks with a zero timeout from the test
// body, and a thread that sleeps in them until another end makes it ready.
#include <CppUTest/TestHarness.h>

#include <string.h>

#include "kernel/console.h"
#include "kernel/fs/pipe.h"
#include "kernel/sched/wait.h"
#include "kernel/syscalls.h"
#include "kernel/uapi/errno.h"
#include "tests/unit/fs_test_util.h"

using namespace uapi;

namespace {
int p[2];
pollfd pfds[4];
long poll_result;

void poll_forever(void*) { poll_result = sys_poll(pfds, 1, -1); }

uapi::fd_set rset;
void select_forever(void*) { poll_result = sys_select(p[0] + 1, &rset, nullptr, nullptr, nullptr); }

short revents_of(int fd, short events) {
    pollfd one{fd, events, 0};
    long n = sys_poll(&one, 1, 0);
    CHECK(n == 0 || n == 1);
    return one.revents;
}

void drain_console() {
    char c;
    int fd = static_cast<int>(sys_open("/dev/console", o_rdonly | o_nonblock, 0));
    while (sys_read(fd, &c, 1) == 1) {
    }
    sys_close(fd);
}

wait_queue_head wq;
bool resumed;
void sleep_then_get_preempted(void*) {
    wait_queue_entry wait{};
    prepare_to_wait(&wq, &wait, true);   // about to test a condition and sleep...
    set_need_resched();
    preempt_schedule_irq();              // ...when an interrupt takes the CPU
    resumed = true;                      // a preempted task is still runnable
    finish_wait(&wq, &wait);
}
}  // namespace

TEST_GROUP(poll) {
    unsigned files_before;
    void setup() override {
        files_before = files_in_use();
        sched_init();
        fs_test::setup();
        sys_pipe2(p, o_nonblock);
        drain_console();
    }
    void teardown() override {
        fs_test::teardown();
        LONGS_EQUAL(files_before, files_in_use());
    }
};

TEST(poll, pipe_masks) {
    LONGS_EQUAL(0, revents_of(p[0], pollin));
    LONGS_EQUAL(pollout, revents_of(p[1], pollout | pollin));   // the write end never reads
    sys_write(p[1], "x", 1);
    LONGS_EQUAL(pollin | pollrdnorm, revents_of(p[0], pollin | pollrdnorm | pollout));
    // Full: not writable until PIPE_BUF bytes fit again.
    static char big[PIPE_SIZE];
    sys_write(p[1], big, sizeof big);
    LONGS_EQUAL(0, revents_of(p[1], pollout));
    char buf[pipe_buf];
    sys_read(p[0], buf, sizeof buf - 1);
    LONGS_EQUAL(0, revents_of(p[1], pollout));
    sys_read(p[0], buf, 1);
    LONGS_EQUAL(pollout, revents_of(p[1], pollout));
    // The other end gone: HUP for the reader, ERR for the writer, asked or not.
    int w2 = static_cast<int>(sys_dup(p[1]));
    sys_close(p[1]);
    sys_close(w2);
    LONGS_EQUAL(pollin | pollhup, revents_of(p[0], pollin));
    int q[2];
    sys_pipe2(q, 0);
    sys_close(q[0]);
    LONGS_EQUAL(pollout | pollerr, revents_of(q[1], pollout));
}

TEST(poll, bad_and_negative_fds) {
    pfds[0] = {p[0], pollin, 0x55};
    pfds[1] = {-1, pollin, 0x55};
    pfds[2] = {63, pollin, 0};
    sys_write(p[1], "x", 1);
    LONGS_EQUAL(2, sys_poll(pfds, 3, 0));
    LONGS_EQUAL(pollin, pfds[0].revents);
    LONGS_EQUAL(0, pfds[1].revents);        // ignored, revents cleared
    LONGS_EQUAL(pollnval, pfds[2].revents);
    LONGS_EQUAL(-EFAULT, sys_poll(reinterpret_cast<pollfd*>(fs_test::bad_ptr), 1, 0));
    LONGS_EQUAL(-EINVAL, sys_poll(pfds, NR_OPEN_DEFAULT + 1, 0));
    LONGS_EQUAL(0, sys_poll(pfds, 0, 0));
}

TEST(poll, devices) {
    int n = static_cast<int>(sys_open("/dev/null", o_rdwr, 0));
    LONGS_EQUAL(pollin | pollout, revents_of(n, pollin | pollout));
    int con = static_cast<int>(sys_open("/dev/console", o_rdwr, 0));
    LONGS_EQUAL(pollout, revents_of(con, pollin | pollout));
    console::receive('k');
    LONGS_EQUAL(pollin | pollout, revents_of(con, pollin | pollout));
    int avail = 0;
    LONGS_EQUAL(0, sys_ioctl(con, fionread, reinterpret_cast<unsigned long>(&avail)));
    LONGS_EQUAL(1, avail);
    char c;
    LONGS_EQUAL(1, sys_read(con, &c, 1));
    LONGS_EQUAL('k', c);
    termios t{};
    LONGS_EQUAL(0, sys_ioctl(con, tcgets, reinterpret_cast<unsigned long>(&t)));
    LONGS_EQUAL(tc_cs8, t.c_cflag & tc_cs8);
    LONGS_EQUAL(-EFAULT, sys_ioctl(con, tcgets, 0x10));
    sys_fcntl(con, f_setfl, o_nonblock);
    LONGS_EQUAL(-EAGAIN, sys_read(con, &c, 1));
}

TEST(poll, sleeps_until_a_writer_comes) {
    pfds[0] = {p[0], pollin, 0};
    poll_result = -99;
    task_struct* t = fs_test::thread(poll_forever, nullptr);
    schedule();
    CHECK(t->state == task_state::interruptible);   // asleep in poll
    LONGS_EQUAL(-99, poll_result);
    sys_write(p[1], "x", 1);
    CHECK(t->state == task_state::running);          // the write woke it
    schedule();
    LONGS_EQUAL(1, poll_result);
    LONGS_EQUAL(pollin, pfds[0].revents);
}

TEST(poll, sleeps_until_console_input) {
    int con = static_cast<int>(sys_open("/dev/console", o_rdonly, 0));
    pfds[0] = {con, pollin, 0};
    task_struct* t = fs_test::thread(poll_forever, nullptr);
    schedule();
    CHECK(t->state == task_state::interruptible);
    console::receive('z');                             // what the UART interrupt does
    schedule();
    LONGS_EQUAL(1, poll_result);
}

TEST(poll, select_sets) {
    uapi::fd_set r{}, w{}, e{};
    r.fds_bits[0] = 1u << p[0];
    w.fds_bits[0] = 1u << p[1];
    e.fds_bits[0] = 1u << p[0];
    uapi::timeval tv{0, 0};
    LONGS_EQUAL(1, sys_select(p[1] + 1, &r, &w, &e, &tv));   // only writable
    LONGS_EQUAL(0u, r.fds_bits[0]);
    LONGS_EQUAL(1u << p[1], w.fds_bits[0]);
    LONGS_EQUAL(0u, e.fds_bits[0]);
    sys_write(p[1], "x", 1);
    r.fds_bits[0] = 1u << p[0];
    w.fds_bits[0] = 1u << p[1];
    LONGS_EQUAL(2, sys_select(p[1] + 1, &r, &w, nullptr, &tv));
    LONGS_EQUAL(1u << p[0], r.fds_bits[0]);
    // A closed fd in a set is EBADF; bits past n are not looked at.
    r.fds_bits[0] = (1u << p[0]) | (1u << 20);
    LONGS_EQUAL(-EBADF, sys_select(21, &r, nullptr, nullptr, &tv));
    LONGS_EQUAL(1, sys_select(p[0] + 1, &r, nullptr, nullptr, &tv));
    LONGS_EQUAL(-EINVAL, sys_select(-1, nullptr, nullptr, nullptr, &tv));
    tv.tv_usec = -1;
    LONGS_EQUAL(-EINVAL, sys_select(1, nullptr, nullptr, nullptr, &tv));
    LONGS_EQUAL(-EFAULT, sys_select(1, reinterpret_cast<uapi::fd_set*>(fs_test::bad_ptr), nullptr, nullptr, nullptr));
    tv = {0, 0};
    LONGS_EQUAL(0, sys_select(0, nullptr, nullptr, nullptr, &tv));
}

TEST(poll, select_sleeps_until_readable) {
    rset = {};
    rset.fds_bits[0] = 1u << p[0];
    task_struct* t = fs_test::thread(select_forever, nullptr);
    schedule();
    CHECK(t->state == task_state::interruptible);
    sys_write(p[1], "y", 1);
    schedule();
    LONGS_EQUAL(1, poll_result);
    LONGS_EQUAL(1u << p[0], rset.fds_bits[0]);
}

// The scheduler side of poll's "mark asleep, then look": a task preempted
// between the two must stay runnable (Linux's __schedule(preempt)).
TEST(poll, preempted_sleeper_stays_runnable) {
    init_waitqueue_head(&wq);
    resumed = false;
    fs_test::thread(sleep_then_get_preempted, nullptr);
    schedule();
    CHECK_TRUE(resumed);
}
