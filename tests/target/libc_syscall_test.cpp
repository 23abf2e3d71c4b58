// Syscalls the way apps make them: libc wrapper -> syscall instruction ->
// exception vector -> sys_call_table -> back with a3 set on error, and the
// Linux MIPS errno translated to newlib's (libc/errno_map.cpp). Only <errno.h>
// here, never kernel/uapi/errno.h: every E... name below is newlib's value,
// Linux MIPS values are spelled as numbers.
#include <CppUTest/TestHarness.h>

#include "kernel/sched/task.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "kernel/mm/brk.h"
#include "kernel/uapi/unistd.h"
#include "libc/errno_map.h"

extern "C" long syscall(long nr, ...);

TEST_GROUP(errno_map) {};

TEST(errno_map, linux_mips_numbers_to_newlib_names) {
    LONGS_EQUAL(EPERM, errno_from_linux(1));
    LONGS_EQUAL(EAGAIN, errno_from_linux(11));
    LONGS_EQUAL(EFAULT, errno_from_linux(14));
    LONGS_EQUAL(ENOSYS, errno_from_linux(89));        // x86 and newlib say 38 and 88
    LONGS_EQUAL(ENOTSOCK, errno_from_linux(95));
    LONGS_EQUAL(EADDRINUSE, errno_from_linux(125));
    LONGS_EQUAL(ECONNREFUSED, errno_from_linux(146)); // newlib: 111
    LONGS_EQUAL(ETIMEDOUT, errno_from_linux(145));
    LONGS_EQUAL(EINPROGRESS, errno_from_linux(150));
    LONGS_EQUAL(EDQUOT, errno_from_linux(1133));
}

TEST(errno_map, values_newlib_cannot_name_become_einval) {
    LONGS_EQUAL(EINVAL, errno_from_linux(0));
    LONGS_EQUAL(EINVAL, errno_from_linux(47));  // a hole in the MIPS table
    LONGS_EQUAL(EINVAL, errno_from_linux(4000));
}

TEST_GROUP(libc_syscall) {
    void setup() override { errno = 0; }
};

TEST(libc_syscall, success_returns_the_value) {
    LONGS_EQUAL(current->pid, getpid());  // the unittest app's thread
    CHECK(getpid() > 0);
    LONGS_EQUAL(0, errno);
}

TEST(libc_syscall, missing_syscall_is_enosys) {
    LONGS_EQUAL(-1, syscall(uapi::NR_fork));
    LONGS_EQUAL(ENOSYS, errno);
    errno = 0;
    LONGS_EQUAL(-1, syscall(uapi::NR_Linux + 4999));
    LONGS_EQUAL(ENOSYS, errno);
}

TEST(libc_syscall, bad_fd_and_bad_pointer) {
    char c = 'x';
    LONGS_EQUAL(-1, write(7, &c, 1));
    LONGS_EQUAL(EBADF, errno);
    LONGS_EQUAL(-1, read(0, nullptr, 1));
    LONGS_EQUAL(EFAULT, errno);
    LONGS_EQUAL(-1, sysinfo(nullptr));
    LONGS_EQUAL(EFAULT, errno);
    // The vector page is outside what apps may reach.
    LONGS_EQUAL(-1, uname(reinterpret_cast<struct utsname*>(0x80000100)));
    LONGS_EQUAL(EFAULT, errno);
}

TEST(libc_syscall, structures_arrive_filled) {
    struct utsname u{};
    LONGS_EQUAL(0, uname(&u));
    STRCMP_EQUAL("mipsnet", u.sysname);
    STRCMP_EQUAL("mips", u.machine);
    struct sysinfo si{};
    LONGS_EQUAL(0, sysinfo(&si));
    CHECK(si.totalram > 0);
    CHECK(si.freeram <= si.totalram);
}

TEST(libc_syscall, getrandom_fills_and_checks_its_arguments) {
    unsigned char a[32] = {}, b[32] = {};
    LONGS_EQUAL(32, getrandom(a, sizeof a, 0));
    LONGS_EQUAL(32, getrandom(b, sizeof b, GRND_NONBLOCK));
    CHECK(memcmp(a, b, sizeof a) != 0);
    LONGS_EQUAL(-1, getrandom(a, sizeof a, GRND_RANDOM | GRND_INSECURE));
    LONGS_EQUAL(EINVAL, errno);
    errno = 0;
    LONGS_EQUAL(-1, getrandom(a, sizeof a, 0x10));
    LONGS_EQUAL(EINVAL, errno);
    errno = 0;
    LONGS_EQUAL(-1, getrandom(reinterpret_cast<void*>(0x80000100), 16, 0));   // the vector page
    LONGS_EQUAL(EFAULT, errno);
}

TEST(libc_syscall, monotonic_clock_does_not_go_back) {
    struct timespec a{}, b{};
    LONGS_EQUAL(0, clock_gettime(CLOCK_MONOTONIC, &a));
    LONGS_EQUAL(0, clock_gettime(CLOCK_MONOTONIC, &b));
    CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
    CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
}

TEST(libc_syscall, malloc_grows_the_break_within_ram) {
    uintptr_t before = mm::brk_current();
    void* p = malloc(1 << 20);  // more than any free block so far
    CHECK(p != nullptr);
    CHECK(mm::brk_current() > before);
    CHECK(mm::brk_current() <= mm::brk_limit());
    free(p);
    CHECK(malloc(mm::brk_limit() - mm::brk_start() + 1) == nullptr);  // ENOMEM, no crash
    LONGS_EQUAL(ENOMEM, errno);
}
