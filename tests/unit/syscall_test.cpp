#include <CppUTest/TestHarness.h>

#include <string.h>

#include "kernel/fs/fdtable.h"
#include "kernel/fs/namei.h"
#include "kernel/sched/sched.h"
#include "kernel/syscall.h"
#include "kernel/syscalls.h"
#include "kernel/sched/task.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/random.h"
#include "kernel/uapi/types.h"
#include "kernel/uapi/unistd.h"

namespace {
long add3(int a, long b, unsigned c) { return a + b + static_cast<long>(c); }
long ptr_arg(const char* p) { return p ? p[0] : -1; }

char user_area[4096];
}  // namespace

TEST_GROUP(syscall) {
    uaccess_range saved{};
    files_struct* saved_files = nullptr;
    void setup() override {
        saved = uaccess_get_range();
        saved_files = current->files;   // on the target: the test runner's own table
        uaccess_set_range(reinterpret_cast<uintptr_t>(user_area),
                          reinterpret_cast<uintptr_t>(user_area) + sizeof user_area);
        current->files = files_alloc();   // as an app has: 0-2 on the console
        files_install_console(current->files);
    }
    void teardown() override {
        exit_files(current);
        current->files = saved_files;
        uaccess_set_range(saved.lo, saved.hi);
    }
};

TEST(syscall, entry_adapts_argument_types) {
    syscall_args a{{1, 2, 3}};
    LONGS_EQUAL(6, syscall_entry<add3>(a));
    a.a[0] = -5;
    LONGS_EQUAL(0, syscall_entry<add3>(a));
    user_area[0] = 'x';
    syscall_args p{{static_cast<long>(reinterpret_cast<uintptr_t>(user_area))}};
    LONGS_EQUAL('x', syscall_entry<ptr_arg>(p));
}

TEST(syscall, unknown_numbers_are_enosys) {
    syscall_args a{};
    LONGS_EQUAL(-ENOSYS, do_syscall(9999, a));
    LONGS_EQUAL(-ENOSYS, do_syscall(-1, a));
    LONGS_EQUAL(-ENOSYS, do_syscall(uapi::NR_Linux - 1, a));
    LONGS_EQUAL(-ENOSYS, do_syscall(uapi::NR_Linux + uapi::NR_syscalls, a));
    LONGS_EQUAL(-ENOSYS, do_syscall(uapi::NR_fork, a));  // a real number with no handler
    POINTERS_EQUAL(nullptr, syscall_name(9999));
}

TEST(syscall, known_numbers_dispatch) {
    syscall_args a{};
    LONGS_EQUAL(current->pid, do_syscall(uapi::NR_getpid, a));
    STRCMP_EQUAL("sys_getpid", syscall_name(uapi::NR_getpid));
    STRCMP_EQUAL("sys_write", syscall_name(uapi::NR_write));
}

TEST(syscall, uname_fills_and_checks_pointer) {
    auto* u = reinterpret_cast<uapi::new_utsname*>(user_area);
    LONGS_EQUAL(0, sys_newuname(u));
    STRCMP_EQUAL("mipsnet", u->sysname);
    STRCMP_EQUAL("mips", u->machine);
    LONGS_EQUAL(-EFAULT, sys_newuname(nullptr));
    LONGS_EQUAL(-EFAULT, sys_newuname(reinterpret_cast<uapi::new_utsname*>(user_area + 4000)));
}

TEST(syscall, write_and_read_check_fd_and_buffer) {
    LONGS_EQUAL(-EBADF, sys_write(7, user_area, 1));
    LONGS_EQUAL(-EBADF, sys_write(-1, user_area, 1));
    LONGS_EQUAL(-EFAULT, sys_write(1, nullptr, 5));
    LONGS_EQUAL(-EFAULT, sys_write(1, user_area + 4090, 10));
    LONGS_EQUAL(0, sys_write(1, nullptr, 0));
    LONGS_EQUAL(-EFAULT, sys_read(0, nullptr, 1));
    LONGS_EQUAL(-EBADF, sys_read(3, user_area, 1));
}

TEST(syscall, reboot_needs_the_magic) {
    LONGS_EQUAL(-EINVAL, sys_reboot(0, 0, static_cast<unsigned>(uapi::reboot_cmd::power_off), nullptr));
    LONGS_EQUAL(-EINVAL, sys_reboot(static_cast<int>(uapi::reboot_magic1), static_cast<int>(uapi::reboot_magic2), 0x1234, nullptr));
}

TEST(syscall, syslog_rejects_bad_actions) {
    LONGS_EQUAL(-EINVAL, sys_syslog(99, nullptr, 0));
    LONGS_EQUAL(-EINVAL, sys_syslog(3, user_area, -1));
    LONGS_EQUAL(-EFAULT, sys_syslog(3, nullptr, 10));
    LONGS_EQUAL(-EINVAL, sys_syslog(8, nullptr, 0));
    CHECK(sys_syslog(10, nullptr, 0) > 0);
}

TEST(syscall, clock_gettime_ids) {
    auto* ts = reinterpret_cast<uapi::timespec*>(user_area);
    LONGS_EQUAL(0, sys_clock_gettime(1, ts));
    LONGS_EQUAL(0, sys_clock_gettime(0, ts));
    LONGS_EQUAL(-EINVAL, sys_clock_gettime(42, ts));
    LONGS_EQUAL(-EFAULT, sys_clock_gettime(1, nullptr));
}

TEST(syscall, clock_settime_sets_the_wall_clock_for_the_privileged_only) {
    auto* ts = reinterpret_cast<uapi::timespec*>(user_area);
    unsigned saved = current->flags;
    uint64_t before = ktime_get_real_ns();
    *ts = {1893456000, 500000000};   // 2030-01-01 00:00:00.5 UTC
    current->flags &= ~PF_PRIVILEGED;
    LONGS_EQUAL(-EPERM, sys_clock_settime(0, ts));
    current->flags |= PF_PRIVILEGED;
    LONGS_EQUAL(-EINVAL, sys_clock_settime(1, ts));   // the monotonic clock cannot be set
    ts->tv_nsec = 1000000000;
    LONGS_EQUAL(-EINVAL, sys_clock_settime(0, ts));
    LONGS_EQUAL(-EFAULT, sys_clock_settime(0, nullptr));
    ts->tv_nsec = 500000000;
    LONGS_EQUAL(0, sys_clock_settime(0, ts));
    uint64_t now = ktime_get_real_ns();
    CHECK_TRUE(now >= 1893456000500000000ull && now < 1893456001500000000ull);
    set_realtime_base(before);   // put it back
    current->flags = saved;
}

TEST(syscall, getrandom_fills_the_buffer) {
    memset(user_area, 0, 256);
    LONGS_EQUAL(200, sys_getrandom(user_area, 200, 0));
    int zeros = 0;
    for (int i = 0; i < 200; ++i) {
        zeros += user_area[i] == 0;
    }
    CHECK(zeros < 20);   // about one in 256 is zero by chance
    LONGS_EQUAL(0, user_area[200]);   // nothing past the length
    char first[16];
    memcpy(first, user_area, sizeof first);
    syscall_args a{{static_cast<long>(reinterpret_cast<uintptr_t>(user_area)), 16,
                    static_cast<long>(uapi::grnd_nonblock)}};
    LONGS_EQUAL(16, do_syscall(uapi::NR_getrandom, a));
    CHECK(memcmp(first, user_area, sizeof first) != 0);
    STRCMP_EQUAL("sys_getrandom", syscall_name(uapi::NR_getrandom));
    LONGS_EQUAL(8, sys_getrandom(user_area, 8, uapi::grnd_random));
    LONGS_EQUAL(8, sys_getrandom(user_area, 8, uapi::grnd_insecure | uapi::grnd_nonblock));
    LONGS_EQUAL(0, sys_getrandom(user_area, 0, 0));
    LONGS_EQUAL(0, sys_getrandom(nullptr, 0, 0));
}

TEST(syscall, getrandom_rejects_bad_flags_and_buffers) {
    LONGS_EQUAL(-EINVAL, sys_getrandom(user_area, 8, 0x8));
    LONGS_EQUAL(-EINVAL, sys_getrandom(user_area, 8, 0x80000000u));
    LONGS_EQUAL(-EINVAL, sys_getrandom(user_area, 8, uapi::grnd_insecure | uapi::grnd_random));
    LONGS_EQUAL(-EFAULT, sys_getrandom(nullptr, 8, 0));
    LONGS_EQUAL(-EFAULT, sys_getrandom(user_area + sizeof user_area - 4, 8, 0));   // runs off the end
    LONGS_EQUAL(-EFAULT, sys_getrandom(user_area, static_cast<size_t>(-1), 0));
}
