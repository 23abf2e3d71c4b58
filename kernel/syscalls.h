// Every syscall handler, as Linux's include/linux/syscalls.h. Each returns its
// result or -errno (kernel/uapi/errno.h); pointers are checked inside.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/syscall.h"
#include "kernel/uapi/eventpoll.h"
#include "kernel/uapi/poll.h"
#include "kernel/uapi/types.h"

long sys_exit(int status);
long sys_wait4(int pid, int* status, int options, uapi::rusage* ru);
long sys_waitpid(int pid, int* status, int options);
long sys_mipsnet_spawn(const char* name, char* const* argv);
// kernel/fs/
long sys_read(int fd, char* buf, size_t count);
long sys_write(int fd, const char* buf, size_t count);
long sys_readv(int fd, const uapi::iovec* vec, unsigned long vlen);
long sys_writev(int fd, const uapi::iovec* vec, unsigned long vlen);
long sys_lseek(int fd, long offset, unsigned whence);
long sys_open(const char* path, unsigned flags, unsigned mode);
long sys_openat(int dfd, const char* path, unsigned flags, unsigned mode);
long sys_close(int fd);
long sys_dup(int oldfd);
long sys_dup2(int oldfd, int newfd);
long sys_dup3(int oldfd, int newfd, unsigned flags);
long sys_fcntl(int fd, unsigned cmd, unsigned long arg);
long sys_ioctl(int fd, unsigned cmd, unsigned long arg);
long sys_fstat(int fd, uapi::stat* st);
long sys_newstat(const char* path, uapi::stat* st);
long sys_newlstat(const char* path, uapi::stat* st);
long sys_stat64(const char* path, uapi::stat64* st);
long sys_lstat64(const char* path, uapi::stat64* st);
long sys_fstat64(int fd, uapi::stat64* st);
long sys_fstatat64(int dfd, const char* path, uapi::stat64* st, int flag);
long sys_readlink(const char* path, char* buf, int bufsiz);
long sys_access(const char* path, int mode);
long sys_getcwd(char* buf, unsigned long size);
long sys_getdents64(int fd, void* dirent, unsigned count);
// pos is o32's aligned register pair (kernel/byteorder.h merge_64).
long sys_pread64(int fd, char* buf, size_t count, long pad, unsigned long pos_first, unsigned long pos_second);
long sys_sendfile(int out_fd, int in_fd, int32_t* offset, size_t count);
long sys_sendfile64(int out_fd, int in_fd, int64_t* offset, size_t count);
long sys_unlink(const char* name);
long sys_mkdir(const char* name, unsigned mode);
long sys_rmdir(const char* name);
long sys_rename(const char* oldname, const char* newname);
long sys_truncate(const char* name, long length);
long sys_ftruncate(int fd, long length);
long sys_pipe(syscall_args& args);     // o32: the second fd goes back in v1
long sys_pipe2(int* fds, unsigned flags);
long sys_poll(uapi::pollfd* ufds, unsigned nfds, int timeout_msecs);
long sys_select(int n, uapi::fd_set* inp, uapi::fd_set* outp, uapi::fd_set* exp, uapi::timeval* tvp);
// kernel/fs/eventpoll.cpp, eventfd.cpp, timerfd.cpp
long sys_epoll_create(int size);
long sys_epoll_create1(unsigned flags);
long sys_epoll_ctl(int epfd, int op, int fd, uapi::epoll_event* event);
long sys_epoll_wait(int epfd, uapi::epoll_event* events, int maxevents, int timeout);
long sys_epoll_pwait(int epfd, uapi::epoll_event* events, int maxevents, int timeout,
                     const void* sigmask, size_t sigsetsize);
long sys_eventfd(unsigned count);
long sys_eventfd2(unsigned count, unsigned flags);
long sys_timerfd_create(int clockid, unsigned flags);
long sys_timerfd_settime(int ufd, int flags, const uapi::itimerspec* utmr, uapi::itimerspec* otmr);
long sys_timerfd_gettime(int ufd, uapi::itimerspec* otmr);
long sys_timerfd_settime64(int ufd, int flags, const uapi::itimerspec64* utmr, uapi::itimerspec64* otmr);
long sys_timerfd_gettime64(int ufd, uapi::itimerspec64* otmr);
long sys_getrlimit(int resource, uapi::rlimit* rlim);
long sys_setrlimit(int resource, const uapi::rlimit* rlim);
long sys_getpid();
long sys_getppid();
long sys_sched_yield();
long sys_brk(uintptr_t addr);
long sys_newuname(uapi::new_utsname* name);
long sys_sysinfo(uapi::sysinfo* info);
long sys_syslog(int type, char* buf, int len);
long sys_reboot(int magic1, int magic2, unsigned cmd, void* arg);
long sys_gettimeofday(uapi::timeval* tv, void* tz);
long sys_clock_gettime(int which, uapi::timespec* tp);
long sys_clock_settime(int which, const uapi::timespec* tp);   // CLOCK_REALTIME, privileged
long sys_nanosleep(const uapi::timespec* req, uapi::timespec* rem);
long sys_clock_nanosleep(int which, int flags, const uapi::timespec* req, uapi::timespec* rem);
long sys_times(uapi::tms* buf);
// kernel/random_sys.cpp
long sys_getrandom(char* ubuf, size_t len, unsigned flags);
