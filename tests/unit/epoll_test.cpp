// host-only: the test body plays the idle task with its own memory zone (fs_test_util.h).
// epoll over pipes, eventfds and nested sets: level- and edge-triggered
// reporting, one-shot re-arming, removal by DEL and by the file's last
// close, loops, Linux's errnos, and a thread sleeping in epoll_wait.
#include <CppUTest/TestHarness.h>

#include "kernel/fs/eventpoll.h"
#include "kernel/fs/pipe.h"
#include "kernel/syscalls.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/eventpoll.h"
#include "tests/unit/fs_test_util.h"

using namespace uapi;

namespace {
int p[2];
int ep;
epoll_event evs[8];
long wait_result;

long ctl(int op, int fd, uint32_t events, uint64_t data = 0) {
    epoll_event e{events, data};
    return sys_epoll_ctl(ep, op, fd, &e);
}

long poll_now(int epfd = -1) { return sys_epoll_wait(epfd < 0 ? ep : epfd, evs, 8, 0); }

void wait_forever(void*) { wait_result = sys_epoll_wait(ep, evs, 8, -1); }
}  // namespace

TEST_GROUP(epoll) {
    unsigned files_before, items_before;
    void setup() override {
        files_before = files_in_use();
        items_before = epitems_in_use();
        sched_init();
        fs_test::setup();
        sys_pipe2(p, o_nonblock);
        ep = static_cast<int>(sys_epoll_create1(0));
        CHECK(ep >= 0);
    }
    void teardown() override {
        fs_test::teardown();
        LONGS_EQUAL(files_before, files_in_use());
        LONGS_EQUAL(items_before, epitems_in_use());
    }
};

TEST(epoll, level_triggered_reports_until_drained) {
    LONGS_EQUAL(0, ctl(epoll_ctl_add, p[0], epollin, 42));
    LONGS_EQUAL(0, poll_now());
    sys_write(p[1], "ab", 2);
    LONGS_EQUAL(1, poll_now());
    LONGS_EQUAL(epollin, evs[0].events);
    UNSIGNED_LONGLONGS_EQUAL(42, evs[0].data);
    LONGS_EQUAL(1, poll_now());   // still readable: reported again
    char buf[2];
    sys_read(p[0], buf, 2);
    LONGS_EQUAL(0, poll_now());
}

TEST(epoll, edge_triggered_reports_once_per_change) {
    LONGS_EQUAL(0, ctl(epoll_ctl_add, p[0], epollin | epollet, 7));
    sys_write(p[1], "a", 1);
    LONGS_EQUAL(1, poll_now());
    LONGS_EQUAL(0, poll_now());   // no new data: nothing
    sys_write(p[1], "b", 1);
    LONGS_EQUAL(1, poll_now());   // new data: once more, though never drained
    LONGS_EQUAL(0, poll_now());
}

TEST(epoll, oneshot_then_mod_rearms) {
    LONGS_EQUAL(0, ctl(epoll_ctl_add, p[0], epollin | epolloneshot, 1));
    sys_write(p[1], "a", 1);
    LONGS_EQUAL(1, poll_now());
    LONGS_EQUAL(0, poll_now());
    sys_write(p[1], "b", 1);
    LONGS_EQUAL(0, poll_now());   // disabled until MOD
    LONGS_EQUAL(0, ctl(epoll_ctl_mod, p[0], epollin | epolloneshot, 2));
    LONGS_EQUAL(1, poll_now());   // already readable: ready at once
    UNSIGNED_LONGLONGS_EQUAL(2, evs[0].data);
}

TEST(epoll, write_end_and_hangup_bits) {
    LONGS_EQUAL(0, ctl(epoll_ctl_add, p[1], epollout));
    LONGS_EQUAL(1, poll_now());
    LONGS_EQUAL(epollout, evs[0].events);   // WRNORM not asked for
    LONGS_EQUAL(0, ctl(epoll_ctl_mod, p[1], epollout | epollwrnorm));
    LONGS_EQUAL(1, poll_now());
    LONGS_EQUAL(epollout | epollwrnorm, evs[0].events);   // generic 0x100, not MIPS POLLWRNORM
    LONGS_EQUAL(0, ctl(epoll_ctl_add, p[0], epollin));
    sys_close(p[1]);   // HUP is always reported, asked or not
    LONGS_EQUAL(1, poll_now());
    LONGS_EQUAL(epollhup, evs[0].events);
}

TEST(epoll, del_and_errnos) {
    LONGS_EQUAL(0, ctl(epoll_ctl_add, p[0], epollin));
    LONGS_EQUAL(-EEXIST, ctl(epoll_ctl_add, p[0], epollin));
    LONGS_EQUAL(0, ctl(epoll_ctl_del, p[0], 0));
    LONGS_EQUAL(-ENOENT, ctl(epoll_ctl_del, p[0], 0));
    LONGS_EQUAL(-ENOENT, ctl(epoll_ctl_mod, p[0], epollin));
    sys_write(p[1], "a", 1);
    LONGS_EQUAL(0, poll_now());
    LONGS_EQUAL(-EBADF, ctl(epoll_ctl_add, 99, epollin));
    epoll_event e{epollin, 0};
    LONGS_EQUAL(-EBADF, sys_epoll_ctl(99, epoll_ctl_add, p[0], &e));
    LONGS_EQUAL(-EINVAL, sys_epoll_ctl(p[1], epoll_ctl_add, p[0], &e));   // not an epoll fd
    LONGS_EQUAL(-EINVAL, ctl(epoll_ctl_add, ep, epollin));                 // itself
    LONGS_EQUAL(-EINVAL, ctl(9, p[0], epollin));                           // no such op
    LONGS_EQUAL(-EFAULT, sys_epoll_ctl(ep, epoll_ctl_add, p[0], reinterpret_cast<epoll_event*>(fs_test::bad_ptr)));
    LONGS_EQUAL(-EFAULT, sys_epoll_ctl(ep, epoll_ctl_add, p[0], nullptr));
    // DEL needs no event: a bad pointer is not read.
    LONGS_EQUAL(-ENOENT, sys_epoll_ctl(ep, epoll_ctl_del, p[0], reinterpret_cast<epoll_event*>(fs_test::bad_ptr)));
    int null = static_cast<int>(sys_open("/dev/null", o_rdwr, 0));
    LONGS_EQUAL(-EPERM, ctl(epoll_ctl_add, null, epollin));   // no poll method
    // EPOLLEXCLUSIVE: ADD only, not with other bits, not on an epoll fd.
    LONGS_EQUAL(-EINVAL, ctl(epoll_ctl_add, p[0], epollin | epollexclusive | epolloneshot));
    LONGS_EQUAL(0, ctl(epoll_ctl_add, p[0], epollin | epollexclusive));
    LONGS_EQUAL(-EINVAL, ctl(epoll_ctl_mod, p[0], epollin | epollexclusive));
    LONGS_EQUAL(-EINVAL, ctl(epoll_ctl_mod, p[0], epollin));   // exclusive items cannot change
    int ep2 = static_cast<int>(sys_epoll_create(1));
    LONGS_EQUAL(-EINVAL, ctl(epoll_ctl_add, ep2, epollin | epollexclusive));
    // epoll_wait
    LONGS_EQUAL(-EINVAL, sys_epoll_wait(ep, evs, 0, 0));
    LONGS_EQUAL(-EINVAL, sys_epoll_wait(ep, evs, -1, 0));
    LONGS_EQUAL(-EFAULT, sys_epoll_wait(ep, reinterpret_cast<epoll_event*>(fs_test::bad_ptr), 1, 0));
    LONGS_EQUAL(-EBADF, sys_epoll_wait(99, evs, 1, 0));
    LONGS_EQUAL(-EINVAL, sys_epoll_wait(p[0], evs, 1, 0));
    // creation
    LONGS_EQUAL(-EINVAL, sys_epoll_create(0));
    LONGS_EQUAL(-EINVAL, sys_epoll_create1(1));
    int ce = static_cast<int>(sys_epoll_create1(epoll_cloexec));
    LONGS_EQUAL(fd_cloexec, sys_fcntl(ce, f_getfd, 0));
    // epoll_pwait: no signals, the mask is accepted when its size is right.
    uint8_t mask[16] = {};
    LONGS_EQUAL(1, sys_epoll_pwait(ep, evs, 8, 0, mask, sizeof mask));
    LONGS_EQUAL(-EINVAL, sys_epoll_pwait(ep, evs, 8, 0, mask, 8));
}

TEST(epoll, item_goes_with_the_files_last_close) {
    LONGS_EQUAL(0, ctl(epoll_ctl_add, p[0], epollin));
    int dup = static_cast<int>(sys_dup(p[0]));
    sys_close(p[0]);   // the dup keeps the file: the item stays (as Linux)
    LONGS_EQUAL(items_before + 1, epitems_in_use());
    sys_write(p[1], "a", 1);
    LONGS_EQUAL(1, poll_now());
    sys_close(dup);    // the last reference: the item is gone
    LONGS_EQUAL(items_before, epitems_in_use());
    LONGS_EQUAL(0, poll_now());
    // Closing the set drops the items it holds.
    int q[2];
    sys_pipe2(q, 0);
    LONGS_EQUAL(0, ctl(epoll_ctl_add, q[0], epollin));
    LONGS_EQUAL(0, ctl(epoll_ctl_add, q[1], epollout));
    LONGS_EQUAL(items_before + 2, epitems_in_use());
    sys_close(ep);
    LONGS_EQUAL(items_before, epitems_in_use());
    sys_write(q[1], "a", 1);   // no callback left on the pipe's queues
}

TEST(epoll, nested_sets_and_loops) {
    int inner = static_cast<int>(sys_epoll_create1(0));
    epoll_event e{epollin, 5};
    LONGS_EQUAL(0, sys_epoll_ctl(inner, epoll_ctl_add, p[0], &e));
    LONGS_EQUAL(0, ctl(epoll_ctl_add, inner, epollin, 9));
    LONGS_EQUAL(0, poll_now());
    sys_write(p[1], "a", 1);
    LONGS_EQUAL(1, poll_now());
    UNSIGNED_LONGLONGS_EQUAL(9, evs[0].data);
    LONGS_EQUAL(1, poll_now(inner));
    UNSIGNED_LONGLONGS_EQUAL(5, evs[0].data);
    // inner inside ep; ep inside inner would be a loop.
    e = {epollin, 0};
    LONGS_EQUAL(-ELOOP, sys_epoll_ctl(inner, epoll_ctl_add, ep, &e));
    // A chain deeper than EP_MAX_NESTS is refused too.
    int chain[EP_MAX_NESTS + 2];
    chain[0] = ep;
    long last = 0;
    for (int i = 1; i < EP_MAX_NESTS + 2; ++i) {
        chain[i] = static_cast<int>(sys_epoll_create1(0));
        last = sys_epoll_ctl(chain[i], epoll_ctl_add, chain[i - 1], &e);
        if (last) {
            break;
        }
    }
    LONGS_EQUAL(-ELOOP, last);
    // poll() on an epoll fd
    pollfd pfd{ep, pollin, 0};
    LONGS_EQUAL(1, sys_poll(&pfd, 1, 0));
}

TEST(epoll, eventfd_and_ready_list_after_read) {
    int efd = static_cast<int>(sys_eventfd2(0, efd_nonblock));
    LONGS_EQUAL(0, ctl(epoll_ctl_add, efd, epollin | epollout, 3));
    LONGS_EQUAL(1, poll_now());
    LONGS_EQUAL(epollout, evs[0].events);
    uint64_t one = 1;
    sys_write(efd, reinterpret_cast<char*>(&one), 8);
    LONGS_EQUAL(1, poll_now());
    LONGS_EQUAL(epollin | epollout, evs[0].events);
}

TEST(epoll, maxevents_limits_and_rotates) {
    int q[2];
    sys_pipe2(q, 0);
    LONGS_EQUAL(0, ctl(epoll_ctl_add, p[0], epollin, 1));
    LONGS_EQUAL(0, ctl(epoll_ctl_add, q[0], epollin, 2));
    sys_write(p[1], "a", 1);
    sys_write(q[1], "a", 1);
    LONGS_EQUAL(1, sys_epoll_wait(ep, evs, 1, 0));
    UNSIGNED_LONGLONGS_EQUAL(1, evs[0].data);
    LONGS_EQUAL(1, sys_epoll_wait(ep, evs, 1, 0));
    UNSIGNED_LONGLONGS_EQUAL(2, evs[0].data);   // level-triggered items go to the back
    LONGS_EQUAL(2, poll_now());
}

TEST(epoll, thread_sleeps_until_ready) {
    LONGS_EQUAL(0, ctl(epoll_ctl_add, p[0], epollin, 11));
    wait_result = -99;
    task_struct* t = fs_test::thread(wait_forever, nullptr);
    schedule();
    CHECK(t->state == task_state::interruptible);
    LONGS_EQUAL(-99, wait_result);
    sys_write(p[1], "x", 1);
    CHECK(t->state == task_state::running);   // the pipe's wake-up reached it
    schedule();
    LONGS_EQUAL(1, wait_result);
    UNSIGNED_LONGLONGS_EQUAL(11, evs[0].data);
}
