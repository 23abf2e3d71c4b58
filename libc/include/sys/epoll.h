/* epoll(7) as Linux MIPS has it (include/uapi/linux/eventpoll.h); the
   kernel's values (kernel/uapi/eventpoll.h), passed through unchanged.
   The write bits are the generic ones: EPOLLWRNORM is 0x100 here, while
   poll()'s POLLWRNORM is POLLOUT on MIPS. */
#pragma once
#include <fcntl.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EPOLLIN        0x00000001u
#define EPOLLPRI       0x00000002u
#define EPOLLOUT       0x00000004u
#define EPOLLERR       0x00000008u
#define EPOLLHUP       0x00000010u
#define EPOLLNVAL      0x00000020u
#define EPOLLRDNORM    0x00000040u
#define EPOLLRDBAND    0x00000080u
#define EPOLLWRNORM    0x00000100u
#define EPOLLWRBAND    0x00000200u
#define EPOLLMSG       0x00000400u
#define EPOLLRDHUP     0x00002000u
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP    (1u << 29)
#define EPOLLONESHOT   (1u << 30)
#define EPOLLET        (1u << 31)

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

/* The C library's O_CLOEXEC; the wrapper passes Linux's to the kernel. */
#define EPOLL_CLOEXEC O_CLOEXEC

typedef union epoll_data {
    void* ptr;
    int fd;
    uint32_t u32;
    uint64_t u64;
} epoll_data_t;

/* Not packed on MIPS: 16 bytes, data 8-aligned. */
struct epoll_event {
    uint32_t events;
    epoll_data_t data;
};

int epoll_create(int size);
int epoll_create1(int flags);
int epoll_ctl(int epfd, int op, int fd, struct epoll_event* event);
int epoll_wait(int epfd, struct epoll_event* events, int maxevents, int timeout);
/* There are no signals: sigmask is accepted and changes nothing. */
int epoll_pwait(int epfd, struct epoll_event* events, int maxevents, int timeout, const void* sigmask);

#ifdef __cplusplus
}
#endif
