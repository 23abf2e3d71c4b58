/* sendfile(2), as glibc's <sys/sendfile.h>. */
#pragma once
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

ssize_t sendfile(int out_fd, int in_fd, off_t* offset, size_t count);

#ifdef __cplusplus
}
#endif
