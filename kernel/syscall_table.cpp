#include <array>

#include "kernel/syscall.h"
#include "kernel/syscalls.h"
#include "kernel/trace.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/unistd.h"
#include "net/socket.h"

namespace {

using namespace uapi;

struct syscall_def {
    long nr;
    syscall_fn fn;
    const char* name;
};

constexpr syscall_def syscall_defs[] = {
    {NR_exit, syscall_entry<sys_exit>, "sys_exit"},
    {NR_read, syscall_entry<sys_read>, "sys_read"},
    {NR_write, syscall_entry<sys_write>, "sys_write"},
    {NR_getpid, syscall_entry<sys_getpid>, "sys_getpid"},
    {NR_brk, syscall_entry<sys_brk>, "sys_brk"},
    {NR_ioctl, syscall_entry<sys_ioctl>, "sys_ioctl"},
    {NR_getppid, syscall_entry<sys_getppid>, "sys_getppid"},
    {NR_getrlimit, syscall_entry<sys_getrlimit>, "sys_getrlimit"},
    {NR_gettimeofday, syscall_entry<sys_gettimeofday>, "sys_gettimeofday"},
    {NR_reboot, syscall_entry<sys_reboot>, "sys_reboot"},
    {NR_syslog, syscall_entry<sys_syslog>, "sys_syslog"},
    {NR_sysinfo, syscall_entry<sys_sysinfo>, "sys_sysinfo"},
    {NR_uname, syscall_entry<sys_newuname>, "sys_newuname"},
    {NR_sched_yield, syscall_entry<sys_sched_yield>, "sys_sched_yield"},
    {NR_times, syscall_entry<sys_times>, "sys_times"},
    {NR_nanosleep, syscall_entry<sys_nanosleep>, "sys_nanosleep"},
    {NR_clock_nanosleep, syscall_entry<sys_clock_nanosleep>, "sys_clock_nanosleep"},
    {NR_clock_gettime, syscall_entry<sys_clock_gettime>, "sys_clock_gettime"},
    {NR_clock_settime, syscall_entry<sys_clock_settime>, "sys_clock_settime"},
    {NR_getrandom, syscall_entry<sys_getrandom>, "sys_getrandom"},
    // processes (kernel/apps.cpp)
    {NR_waitpid, syscall_entry<sys_waitpid>, "sys_waitpid"},
    {NR_wait4, syscall_entry<sys_wait4>, "sys_wait4"},
    {NR_mipsnet_spawn, syscall_entry<sys_mipsnet_spawn>, "sys_mipsnet_spawn"},
    // files (kernel/fs/)
    {NR_open, syscall_entry<sys_open>, "sys_open"},
    {NR_openat, syscall_entry<sys_openat>, "sys_openat"},
    {NR_close, syscall_entry<sys_close>, "sys_close"},
    {NR_lseek, syscall_entry<sys_lseek>, "sys_lseek"},
    {NR_pread64, syscall_entry<sys_pread64>, "sys_pread64"},
    {NR_stat, syscall_entry<sys_newstat>, "sys_newstat"},
    {NR_lstat, syscall_entry<sys_newlstat>, "sys_newlstat"},
    {NR_fstat, syscall_entry<sys_fstat>, "sys_newfstat"},
    {NR_stat64, syscall_entry<sys_stat64>, "sys_stat64"},
    {NR_lstat64, syscall_entry<sys_lstat64>, "sys_lstat64"},
    {NR_fstat64, syscall_entry<sys_fstat64>, "sys_fstat64"},
    {NR_fstatat64, syscall_entry<sys_fstatat64>, "sys_fstatat64"},
    {NR_readlink, syscall_entry<sys_readlink>, "sys_readlink"},
    {NR_access, syscall_entry<sys_access>, "sys_access"},
    {NR_getcwd, syscall_entry<sys_getcwd>, "sys_getcwd"},
    {NR_getdents64, syscall_entry<sys_getdents64>, "sys_getdents64"},
    {NR_sendfile, syscall_entry<sys_sendfile>, "sys_sendfile"},
    {NR_sendfile64, syscall_entry<sys_sendfile64>, "sys_sendfile64"},
    {NR_unlink, syscall_entry<sys_unlink>, "sys_unlink"},
    {NR_mkdir, syscall_entry<sys_mkdir>, "sys_mkdir"},
    {NR_rmdir, syscall_entry<sys_rmdir>, "sys_rmdir"},
    {NR_rename, syscall_entry<sys_rename>, "sys_rename"},
    {NR_truncate, syscall_entry<sys_truncate>, "sys_truncate"},
    {NR_ftruncate, syscall_entry<sys_ftruncate>, "sys_ftruncate"},
    {NR_readv, syscall_entry<sys_readv>, "sys_readv"},
    {NR_writev, syscall_entry<sys_writev>, "sys_writev"},
    {NR_dup, syscall_entry<sys_dup>, "sys_dup"},
    {NR_dup2, syscall_entry<sys_dup2>, "sys_dup2"},
    {NR_dup3, syscall_entry<sys_dup3>, "sys_dup3"},
    {NR_fcntl, syscall_entry<sys_fcntl>, "sys_fcntl"},
    {NR_fcntl64, syscall_entry<sys_fcntl>, "sys_fcntl"},   // same without locks
    {NR_pipe, sys_pipe, "sys_pipe"},
    {NR_pipe2, syscall_entry<sys_pipe2>, "sys_pipe2"},
    {NR_poll, syscall_entry<sys_poll>, "sys_poll"},
    {NR__newselect, syscall_entry<sys_select>, "sys_select"},
    {NR_setrlimit, syscall_entry<sys_setrlimit>, "sys_setrlimit"},
    {NR_epoll_create, syscall_entry<sys_epoll_create>, "sys_epoll_create"},
    {NR_epoll_create1, syscall_entry<sys_epoll_create1>, "sys_epoll_create1"},
    {NR_epoll_ctl, syscall_entry<sys_epoll_ctl>, "sys_epoll_ctl"},
    {NR_epoll_wait, syscall_entry<sys_epoll_wait>, "sys_epoll_wait"},
    {NR_epoll_pwait, syscall_entry<sys_epoll_pwait>, "sys_epoll_pwait"},
    {NR_eventfd, syscall_entry<sys_eventfd>, "sys_eventfd"},
    {NR_eventfd2, syscall_entry<sys_eventfd2>, "sys_eventfd2"},
    {NR_timerfd_create, syscall_entry<sys_timerfd_create>, "sys_timerfd_create"},
    {NR_timerfd_settime, syscall_entry<sys_timerfd_settime>, "sys_timerfd_settime"},
    {NR_timerfd_gettime, syscall_entry<sys_timerfd_gettime>, "sys_timerfd_gettime"},
    {NR_timerfd_settime64, syscall_entry<sys_timerfd_settime64>, "sys_timerfd_settime64"},
    {NR_timerfd_gettime64, syscall_entry<sys_timerfd_gettime64>, "sys_timerfd_gettime64"},
    // sockets (net/socket.cpp, net/socket_calls.cpp)
    {NR_socketcall, syscall_entry<sys_socketcall>, "sys_socketcall"},
    {NR_accept, syscall_entry<sys_accept>, "sys_accept"},
    {NR_bind, syscall_entry<sys_bind>, "sys_bind"},
    {NR_connect, syscall_entry<sys_connect>, "sys_connect"},
    {NR_getpeername, syscall_entry<sys_getpeername>, "sys_getpeername"},
    {NR_getsockname, syscall_entry<sys_getsockname>, "sys_getsockname"},
    {NR_getsockopt, syscall_entry<sys_getsockopt>, "sys_getsockopt"},
    {NR_listen, syscall_entry<sys_listen>, "sys_listen"},
    {NR_recv, syscall_entry<sys_recv>, "sys_recv"},
    {NR_recvfrom, syscall_entry<sys_recvfrom>, "sys_recvfrom"},
    {NR_recvmsg, syscall_entry<sys_recvmsg>, "sys_recvmsg"},
    {NR_send, syscall_entry<sys_send>, "sys_send"},
    {NR_sendmsg, syscall_entry<sys_sendmsg>, "sys_sendmsg"},
    {NR_sendto, syscall_entry<sys_sendto>, "sys_sendto"},
    {NR_setsockopt, syscall_entry<sys_setsockopt>, "sys_setsockopt"},
    {NR_shutdown, syscall_entry<sys_shutdown>, "sys_shutdown"},
    {NR_socket, syscall_entry<sys_socket>, "sys_socket"},
    {NR_socketpair, syscall_entry<sys_socketpair>, "sys_socketpair"},
    {NR_accept4, syscall_entry<sys_accept4>, "sys_accept4"},
    {NR_recvmmsg, syscall_entry<sys_recvmmsg>, "sys_recvmmsg"},
    {NR_sendmmsg, syscall_entry<sys_sendmmsg>, "sys_sendmmsg"},
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

long do_syscall(long nr, syscall_args& args) {
    const syscall_def* d = lookup(nr);
    if (!d) {
        trace::event(trace::cat::syscall, "sys_ni_syscall", "nr=%ld", nr);
        return -ENOSYS;
    }
    trace::scope t(trace::cat::syscall, d->name);
    return d->fn(args);
}

const char* syscall_name(long nr) {
    const syscall_def* d = lookup(nr);
    return d ? d->name : nullptr;
}
