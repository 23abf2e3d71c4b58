// host-only: the test body plays the idle task with its own memory zone (fs_test_util.h).
// eventfd: counter and semaphore reads, the 8-byte rules, the overflow
// limit (EAGAIN, or a writer sleeping until a read makes room), flags.
#include <CppUTest/TestHarness.h>

#include "kernel/syscalls.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/eventpoll.h"
#include "tests/unit/fs_test_util.h"

using namespace uapi;

namespace {
int efd;
long write_result;

long put(int fd, uint64_t v) { return sys_write(fd, reinterpret_cast<char*>(&v), sizeof v); }
uint64_t got;
long get(int fd) { return sys_read(fd, reinterpret_cast<char*>(&got), sizeof got); }

short revents_of(int fd) {
    pollfd one{fd, static_cast<int16_t>(pollin | pollout), 0};
    sys_poll(&one, 1, 0);
    return one.revents;
}

void write_one(void*) { write_result = put(efd, 1); }
}  // namespace

TEST_GROUP(eventfd) {
    unsigned files_before;
    void setup() override {
        files_before = files_in_use();
        sched_init();
        fs_test::setup();
    }
    void teardown() override {
        fs_test::teardown();
        LONGS_EQUAL(files_before, files_in_use());
    }
};

TEST(eventfd, counter_reads_all) {
    efd = static_cast<int>(sys_eventfd2(5, efd_nonblock));
    CHECK(efd >= 0);
    LONGS_EQUAL(8, put(efd, 3));
    LONGS_EQUAL(8, get(efd));
    UNSIGNED_LONGLONGS_EQUAL(8, got);
    LONGS_EQUAL(-EAGAIN, get(efd));
    LONGS_EQUAL(pollout, revents_of(efd));
}

TEST(eventfd, semaphore_reads_one) {
    efd = static_cast<int>(sys_eventfd2(2, efd_semaphore | efd_nonblock));
    LONGS_EQUAL(8, get(efd));
    UNSIGNED_LONGLONGS_EQUAL(1, got);
    LONGS_EQUAL(pollin | pollout, revents_of(efd));
    LONGS_EQUAL(8, get(efd));
    UNSIGNED_LONGLONGS_EQUAL(1, got);
    LONGS_EQUAL(-EAGAIN, get(efd));
}

TEST(eventfd, bad_sizes_values_and_flags) {
    efd = static_cast<int>(sys_eventfd(0));
    char small[7] = {};
    LONGS_EQUAL(-EINVAL, sys_read(efd, small, sizeof small));
    LONGS_EQUAL(-EINVAL, sys_write(efd, small, sizeof small));
    LONGS_EQUAL(-EINVAL, put(efd, ~uint64_t{0}));
    LONGS_EQUAL(-EFAULT, sys_write(efd, fs_test::bad_ptr, 8));
    LONGS_EQUAL(8, put(efd, 1));
    LONGS_EQUAL(-EFAULT, sys_read(efd, fs_test::bad_ptr, 8));
    LONGS_EQUAL(-EINVAL, sys_eventfd2(0, 0x4));
    int ce = static_cast<int>(sys_eventfd2(0, efd_cloexec));
    LONGS_EQUAL(fd_cloexec, sys_fcntl(ce, f_getfd, 0));
    uapi::stat st{};
    LONGS_EQUAL(0, sys_fstat(ce, &st));
    LONGS_EQUAL(0600, st.st_mode);   // the anonymous inode: no file type
}

TEST(eventfd, overflow_eagain_then_writer_sleeps) {
    efd = static_cast<int>(sys_eventfd2(0, efd_nonblock));
    LONGS_EQUAL(8, put(efd, ~uint64_t{0} - 1));   // the most it holds
    LONGS_EQUAL(pollin, revents_of(efd));          // full: not writable
    LONGS_EQUAL(-EAGAIN, put(efd, 1));
    LONGS_EQUAL(8, put(efd, 0));                   // adding 0 always fits
    // A blocking writer sleeps until a read empties it.
    sys_fcntl(efd, f_setfl, 0);
    write_result = -99;
    task_struct* t = fs_test::thread(write_one, nullptr);
    schedule();
    CHECK(t->state == task_state::interruptible);
    LONGS_EQUAL(8, get(efd));
    UNSIGNED_LONGLONGS_EQUAL(~uint64_t{0} - 1, got);
    schedule();
    LONGS_EQUAL(8, write_result);
    LONGS_EQUAL(8, get(efd));
    UNSIGNED_LONGLONGS_EQUAL(1, got);
}
