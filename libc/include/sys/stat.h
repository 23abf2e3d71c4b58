/* newlib's <sys/stat.h>, plus what it declares only for some systems:
   lstat (libc/fs.cpp has it for every app). */
#pragma once
#include_next <sys/stat.h>

#ifdef __cplusplus
extern "C" {
#endif

int lstat(const char* __restrict __path, struct stat* __restrict __buf);

#ifdef __cplusplus
}
#endif
