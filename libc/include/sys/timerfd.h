/* timerfd_create(2) (include/uapi/linux/timerfd.h). Clocks are <time.h>'s
   CLOCK_REALTIME and CLOCK_MONOTONIC; TFD_CLOEXEC and TFD_NONBLOCK are the
   C library's O_CLOEXEC and O_NONBLOCK, as in glibc. */
#pragma once
#include <fcntl.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TFD_CLOEXEC O_CLOEXEC
#define TFD_NONBLOCK O_NONBLOCK
#define TFD_TIMER_ABSTIME (1 << 0)
#define TFD_TIMER_CANCEL_ON_SET (1 << 1)

int timerfd_create(clockid_t clockid, int flags);
int timerfd_settime(int fd, int flags, const struct itimerspec* new_value, struct itimerspec* old_value);
int timerfd_gettime(int fd, struct itimerspec* curr_value);

#ifdef __cplusplus
}
#endif
