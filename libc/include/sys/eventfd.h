/* eventfd(2) (include/uapi/linux/eventfd.h). EFD_CLOEXEC and EFD_NONBLOCK
   are the C library's O_CLOEXEC and O_NONBLOCK, as in glibc; the wrapper
   gives the kernel Linux's values. */
#pragma once
#include <fcntl.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EFD_SEMAPHORE 1
#define EFD_CLOEXEC O_CLOEXEC
#define EFD_NONBLOCK O_NONBLOCK

typedef uint64_t eventfd_t;

int eventfd(unsigned int initval, int flags);
int eventfd_read(int fd, eventfd_t* value);
int eventfd_write(int fd, eventfd_t value);

#ifdef __cplusplus
}
#endif
