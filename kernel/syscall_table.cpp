#include <array>

#include "kernel/syscall.h"
#include "kernel/syscalls.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/unistd.h"

namespace {

using namespace uapi;

struct syscall_def {
    long nr;
    syscall_fn fn;
    const char* name;
};

constexpr syscall_def syscall_defs[] = {
    {NR_exit, syscall_entry<sys_exit>, "exit"},
    {NR_read, syscall_entry<sys_read>, "read"},
    {NR_write, syscall_entry<sys_write>, "write"},
    {NR_getpid, syscall_entry<sys_getpid>, "getpid"},
    {NR_brk, syscall_entry<sys_brk>, "brk"},
    {NR_ioctl, syscall_entry<sys_ioctl>, "ioctl"},
    {NR_getppid, syscall_entry<sys_getppid>, "getppid"},
    {NR_getrlimit, syscall_entry<sys_getrlimit>, "getrlimit"},
    {NR_gettimeofday, syscall_entry<sys_gettimeofday>, "gettimeofday"},
    {NR_reboot, syscall_entry<sys_reboot>, "reboot"},
    {NR_syslog, syscall_entry<sys_syslog>, "syslog"},
    {NR_fstat, syscall_entry<sys_fstat>, "fstat"},
    {NR_sysinfo, syscall_entry<sys_sysinfo>, "sysinfo"},
    {NR_uname, syscall_entry<sys_newuname>, "uname"},
    {NR_clock_gettime, syscall_entry<sys_clock_gettime>, "clock_gettime"},
};

constexpr size_t table_size = NR_syscalls;

constexpr auto sys_call_table = [] {
    std::array<const syscall_def*, table_size> t{};
    for (const syscall_def& d : syscall_defs) {
        t[static_cast<size_t>(d.nr - NR_Linux)] = &d;
    }
    return t;
}();

const syscall_def* lookup(long nr) {
    long i = nr - NR_Linux;
    if (i < 0 || i >= static_cast<long>(table_size)) {
        return nullptr;
    }
    return sys_call_table[static_cast<size_t>(i)];
}

}  // namespace

long do_syscall(long nr, const syscall_args& args) {
    const syscall_def* d = lookup(nr);
    return d ? d->fn(args) : -ENOSYS;
}

const char* syscall_name(long nr) {
    const syscall_def* d = lookup(nr);
    return d ? d->name : nullptr;
}
