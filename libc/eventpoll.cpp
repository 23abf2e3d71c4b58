// epoll, eventfd and timerfd: the syscalls, with newlib's flag and clock
// numbers turned into Linux's. newlib's time_t is 64 bits, so timerfd goes
// through the time64 calls (timerfd_settime64/timerfd_gettime64).
#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "kernel/uapi/eventpoll.h"
#include "kernel/uapi/types.h"
#include "kernel/uapi/unistd.h"
#include "libc/fcntl_map.h"
#include "libc/syscall.h"

static_assert(sizeof(struct epoll_event) == sizeof(uapi::epoll_event), "struct epoll_event is the kernel's");

extern "C" {

int epoll_create(int size) { return static_cast<int>(libc::do_syscall(uapi::NR_epoll_create, size)); }

int epoll_create1(int flags) {
    if (flags & ~EPOLL_CLOEXEC) {
        errno = EINVAL;
        return -1;
    }
    return static_cast<int>(libc::do_syscall(uapi::NR_epoll_create1, open_flags_to_linux(flags)));
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event* event) {
    return static_cast<int>(libc::do_syscall(uapi::NR_epoll_ctl, epfd, op, fd, event));
}

int epoll_wait(int epfd, struct epoll_event* events, int maxevents, int timeout) {
    return static_cast<int>(libc::do_syscall(uapi::NR_epoll_wait, epfd, events, maxevents, timeout));
}

int epoll_pwait(int epfd, struct epoll_event* events, int maxevents, int timeout, const void* sigmask) {
    constexpr long kernel_sigset_size = 16;   // _NSIG / 8 on MIPS
    return static_cast<int>(libc::do_syscall(uapi::NR_epoll_pwait, epfd, events, maxevents, timeout, sigmask,
                                             kernel_sigset_size));
}

int eventfd(unsigned int initval, int flags) {
    unsigned linux_flags = open_flags_to_linux(flags & ~EFD_SEMAPHORE) & ~uapi::o_accmode;
    if (flags & EFD_SEMAPHORE) {
        linux_flags |= uapi::efd_semaphore;
    }
    return static_cast<int>(libc::do_syscall(uapi::NR_eventfd2, initval, linux_flags));
}

int eventfd_read(int fd, eventfd_t* value) { return read(fd, value, sizeof *value) == sizeof *value ? 0 : -1; }

int eventfd_write(int fd, eventfd_t value) { return write(fd, &value, sizeof value) == sizeof value ? 0 : -1; }

int timerfd_create(clockid_t clockid, int flags) {
    long linux_id;
    switch (clockid) {
    case CLOCK_REALTIME: linux_id = static_cast<long>(uapi::clockid::realtime); break;
    case CLOCK_MONOTONIC: linux_id = static_cast<long>(uapi::clockid::monotonic); break;
    default: errno = EINVAL; return -1;
    }
    return static_cast<int>(
        libc::do_syscall(uapi::NR_timerfd_create, linux_id, open_flags_to_linux(flags) & ~uapi::o_accmode));
}

namespace {
uapi::timespec64 to_kernel(const struct timespec& t) { return {t.tv_sec, t.tv_nsec}; }
struct timespec from_kernel(const uapi::timespec64& t) {
    return {static_cast<time_t>(t.tv_sec), static_cast<long>(t.tv_nsec)};
}
}  // namespace

int timerfd_settime(int fd, int flags, const struct itimerspec* new_value, struct itimerspec* old_value) {
    uapi::itimerspec64 k{to_kernel(new_value->it_interval), to_kernel(new_value->it_value)};
    uapi::itimerspec64 old{};
    if (libc::do_syscall(uapi::NR_timerfd_settime64, fd, flags, &k, old_value ? &old : nullptr) < 0) {
        return -1;
    }
    if (old_value) {
        old_value->it_interval = from_kernel(old.it_interval);
        old_value->it_value = from_kernel(old.it_value);
    }
    return 0;
}

int timerfd_gettime(int fd, struct itimerspec* curr_value) {
    uapi::itimerspec64 k{};
    if (libc::do_syscall(uapi::NR_timerfd_gettime64, fd, &k) < 0) {
        return -1;
    }
    curr_value->it_interval = from_kernel(k.it_interval);
    curr_value->it_value = from_kernel(k.it_value);
    return 0;
}

}  // extern "C"
