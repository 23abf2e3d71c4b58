/* newlib's <sys/resource.h> (getrusage) plus getrlimit(2) and setrlimit(2), in Linux's MIPS
 * o32 layout: resource numbers from arch/mips/include/uapi/asm/resource.h,
 * RLIM_INFINITY 0x7fffffff on 32-bit MIPS. */
#pragma once
#include_next <sys/resource.h>
#ifdef __cplusplus
extern "C" {
#endif
typedef unsigned long rlim_t;
struct rlimit {
    rlim_t rlim_cur;
    rlim_t rlim_max;
};
#define RLIM_INFINITY 0x7fffffffUL
#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2 /* the apps' heap: how far sbrk() can go */
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_NOFILE 5
#define RLIMIT_AS 6
int getrlimit(int resource, struct rlimit* rlim);
int setrlimit(int resource, const struct rlimit* rlim);
#ifdef __cplusplus
}
#endif
