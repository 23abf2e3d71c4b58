// epoll(7), eventfd(2) and timerfd_create(2) in the Linux MIPS o32 ABI
// (include/uapi/linux/eventpoll.h, linux/eventfd.h, linux/timerfd.h).
// The EPOLL* bits are the generic ones: on MIPS EPOLLWRNORM (0x100) and
// EPOLLWRBAND (0x200) differ from poll(2)'s POLLWRNORM and POLLWRBAND.
#pragma once
#include <stdint.h>

#include "kernel/uapi/fcntl.h"

namespace uapi {

constexpr uint32_t epollin = 0x00000001;
constexpr uint32_t epollpri = 0x00000002;
constexpr uint32_t epollout = 0x00000004;
constexpr uint32_t epollerr = 0x00000008;
constexpr uint32_t epollhup = 0x00000010;
constexpr uint32_t epollnval = 0x00000020;
constexpr uint32_t epollrdnorm = 0x00000040;
constexpr uint32_t epollrdband = 0x00000080;
constexpr uint32_t epollwrnorm = 0x00000100;
constexpr uint32_t epollwrband = 0x00000200;
constexpr uint32_t epollmsg = 0x00000400;
constexpr uint32_t epollrdhup = 0x00002000;
constexpr uint32_t epollexclusive = 1u << 28;
constexpr uint32_t epollwakeup = 1u << 29;
constexpr uint32_t epolloneshot = 1u << 30;
constexpr uint32_t epollet = 1u << 31;

constexpr int epoll_ctl_add = 1;
constexpr int epoll_ctl_del = 2;
constexpr int epoll_ctl_mod = 3;

constexpr unsigned epoll_cloexec = o_cloexec;

// EPOLL_PACKED is only x86-64's: on o32 the u64 is 8-aligned, 16 bytes in all.
struct epoll_event {
    uint32_t events;
    uint64_t data;
};
static_assert(sizeof(epoll_event) == 16, "o32 struct epoll_event is 16 bytes");

constexpr unsigned efd_semaphore = 1;
constexpr unsigned efd_cloexec = o_cloexec;
constexpr unsigned efd_nonblock = o_nonblock;

constexpr unsigned tfd_cloexec = o_cloexec;
constexpr unsigned tfd_nonblock = o_nonblock;
constexpr int tfd_timer_abstime = 1;
constexpr int tfd_timer_cancel_on_set = 2;

// o32's struct itimerspec (old_itimerspec32) and the time64 one
// (__kernel_itimerspec) of timerfd_settime64/timerfd_gettime64.
struct itimerspec {
    int32_t it_interval_sec, it_interval_nsec;
    int32_t it_value_sec, it_value_nsec;
};
struct timespec64 {
    int64_t tv_sec;
    int64_t tv_nsec;
};
struct itimerspec64 {
    timespec64 it_interval;
    timespec64 it_value;
};
static_assert(sizeof(itimerspec64) == 32, "__kernel_itimerspec is 32 bytes");

}  // namespace uapi
