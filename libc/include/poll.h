/* poll(2) as Linux MIPS has it (newlib has no <poll.h>): the kernel's values
   (kernel/uapi/poll.h), passed through unchanged. */
#pragma once
#ifdef __cplusplus
extern "C" {
#endif

#define POLLIN     0x0001
#define POLLPRI    0x0002
#define POLLOUT    0x0004
#define POLLERR    0x0008
#define POLLHUP    0x0010
#define POLLNVAL   0x0020
#define POLLRDNORM 0x0040
#define POLLRDBAND 0x0080
#define POLLWRNORM POLLOUT   /* MIPS */
#define POLLWRBAND 0x0100    /* MIPS */
#define POLLMSG    0x0400
#define POLLRDHUP  0x2000

typedef unsigned int nfds_t;

struct pollfd {
    int fd;
    short events;
    short revents;
};

int poll(struct pollfd* fds, nfds_t nfds, int timeout);

#ifdef __cplusplus
}
#endif
