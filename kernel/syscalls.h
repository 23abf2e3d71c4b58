// Every syscall handler, as Linux's include/linux/syscalls.h. Each returns its
// result or -errno (kernel/uapi/errno.h); pointers are checked inside.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/uapi/types.h"

long sys_exit(int status);
long sys_read(int fd, char* buf, size_t count);
long sys_write(int fd, const char* buf, size_t count);
long sys_fstat(int fd, uapi::stat* st);
long sys_ioctl(int fd, unsigned cmd, unsigned long arg);
long sys_getpid();
long sys_getppid();
long sys_sched_yield();
long sys_brk(uintptr_t addr);
long sys_newuname(uapi::new_utsname* name);
long sys_sysinfo(uapi::sysinfo* info);
long sys_getrlimit(unsigned resource, uapi::rlimit* rlim);
long sys_syslog(int type, char* buf, int len);
long sys_reboot(int magic1, int magic2, unsigned cmd, void* arg);
long sys_gettimeofday(uapi::timeval* tv, void* tz);
long sys_clock_gettime(int which, uapi::timespec* tp);
long sys_nanosleep(const uapi::timespec* req, uapi::timespec* rem);
long sys_clock_nanosleep(int which, int flags, const uapi::timespec* req, uapi::timespec* rem);
long sys_times(uapi::tms* buf);
