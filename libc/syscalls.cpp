// newlib's system stubs (for mips*-elf it calls them by their plain names;
// only _exit keeps its underscore), each one a syscall into the kernel.
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/klog.h>
#include <sys/random.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "kernel/libc_glue.h"
#include "kernel/uapi/types.h"
#include "libc/errno_map.h"
#include "libc/fcntl_map.h"
#include "libc/syscall.h"

namespace libc {
long syscall_return(sysret r) {
    if (r.error) {
        errno = errno_from_linux(r.v0);
        return -1;
    }
    return r.v0;
}
}  // namespace libc

extern "C" {

int read(int fd, void* buf, size_t n) { return static_cast<int>(libc::do_syscall(uapi::NR_read, fd, buf, n)); }
int write(int fd, const void* buf, size_t n) {
    return static_cast<int>(libc::do_syscall(uapi::NR_write, fd, buf, n));
}
int close(int fd) { return static_cast<int>(libc::do_syscall(uapi::NR_close, fd)); }
int open(const char* path, int flags, ...) {
    va_list ap;
    va_start(ap, flags);
    int mode = (flags & O_CREAT) ? va_arg(ap, int) : 0;
    va_end(ap);
    return static_cast<int>(libc::do_syscall(uapi::NR_open, path, open_flags_to_linux(flags), mode));
}
off_t lseek(int fd, off_t off, int whence) {
    return static_cast<off_t>(libc::do_syscall(uapi::NR_lseek, fd, off, whence));
}
int getpid() { return static_cast<int>(libc::do_syscall(uapi::NR_getpid)); }
int kill(int pid, int sig) { return static_cast<int>(libc::do_syscall(uapi::NR_kill, pid, sig)); }
void _exit(int status) {
    libc_thread_exit();  // newlib's exit() flushes only the global streams
    for (;;) {
        libc::do_syscall(uapi::NR_exit, status);
    }
}

// fstat, stat and the other file-system calls: libc/fs.cpp.

int isatty(int fd) {
    char termios[64];  // struct termios: only whether TCGETS succeeds matters
    if (libc::do_syscall(uapi::NR_ioctl, fd, uapi::tcgets, termios) < 0) {
        return 0;
    }
    return 1;
}

void* sbrk(ptrdiff_t incr) {
    static uintptr_t cur;
    if (cur == 0) {
        cur = static_cast<uintptr_t>(libc::do_syscall(uapi::NR_brk, 0));
    }
    uintptr_t want = cur + static_cast<uintptr_t>(incr);
    uintptr_t got = static_cast<uintptr_t>(libc::do_syscall(uapi::NR_brk, want));
    if (got != want) {
        errno = ENOMEM;
        return reinterpret_cast<void*>(-1);
    }
    uintptr_t old = cur;
    cur = got;
    return reinterpret_cast<void*>(old);
}

// newlib's time_t is 64 bits; the o32 kernel ABI's is 32: convert.
int gettimeofday(struct timeval* tv, void* tz) {
    uapi::timeval k{};
    if (libc::do_syscall(uapi::NR_gettimeofday, tv ? &k : nullptr, tz) < 0) {
        return -1;
    }
    if (tv) {
        tv->tv_sec = static_cast<time_t>(static_cast<unsigned long>(k.tv_sec));
        tv->tv_usec = k.tv_usec;
    }
    return 0;
}

clock_t times(struct tms* buf) {
    uapi::tms k{};
    long r = libc::do_syscall(uapi::NR_times, &k);
    if (r != -1 && buf) {
        buf->tms_utime = k.tms_utime;
        buf->tms_stime = k.tms_stime;
        buf->tms_cutime = k.tms_cutime;
        buf->tms_cstime = k.tms_cstime;
    }
    return static_cast<clock_t>(r);
}

int uname(struct utsname* name) { return static_cast<int>(libc::do_syscall(uapi::NR_uname, name)); }
int sysinfo(struct sysinfo* info) { return static_cast<int>(libc::do_syscall(uapi::NR_sysinfo, info)); }
int getrlimit(int resource, struct rlimit* rlim) {
    return static_cast<int>(libc::do_syscall(uapi::NR_getrlimit, resource, rlim));
}
int setrlimit(int resource, const struct rlimit* rlim) {
    return static_cast<int>(libc::do_syscall(uapi::NR_setrlimit, resource, rlim));
}
ssize_t getrandom(void* buf, size_t buflen, unsigned int flags) {
    return static_cast<ssize_t>(libc::do_syscall(uapi::NR_getrandom, buf, buflen, flags));
}
int klogctl(int type, char* buf, int len) {
    return static_cast<int>(libc::do_syscall(uapi::NR_syslog, type, buf, len));
}
int reboot(int cmd) {
    return static_cast<int>(libc::do_syscall(uapi::NR_reboot, uapi::reboot_magic1, uapi::reboot_magic2, cmd, 0));
}

// newlib numbers the clocks its own way (<time.h>); the kernel uses Linux's.
int clock_gettime(clockid_t id, struct timespec* tp) {
    long linux_id;
    switch (id) {
    case CLOCK_REALTIME: linux_id = static_cast<long>(uapi::clockid::realtime); break;
    case CLOCK_MONOTONIC: linux_id = static_cast<long>(uapi::clockid::monotonic); break;
    default: errno = EINVAL; return -1;
    }
    uapi::timespec k{};
    if (libc::do_syscall(uapi::NR_clock_gettime, linux_id, &k) < 0) {
        return -1;
    }
    tp->tv_sec = static_cast<time_t>(static_cast<unsigned long>(k.tv_sec));
    tp->tv_nsec = k.tv_nsec;
    return 0;
}

int clock_settime(clockid_t id, const struct timespec* tp) {
    if (id != CLOCK_REALTIME) {
        errno = EINVAL;   // only the wall clock can be set
        return -1;
    }
    if (tp->tv_sec < 0 || tp->tv_sec > 0x7fffffff) {
        errno = EINVAL;   // past 2038: the o32 ABI's 32-bit time_t
        return -1;
    }
    uapi::timespec k{static_cast<int32_t>(tp->tv_sec), static_cast<int32_t>(tp->tv_nsec)};
    return static_cast<int>(libc::do_syscall(uapi::NR_clock_settime, static_cast<long>(uapi::clockid::realtime), &k));
}

int sched_yield() { return static_cast<int>(libc::do_syscall(uapi::NR_sched_yield)); }

int nanosleep(const struct timespec* req, struct timespec* rem) {
    uapi::timespec k{static_cast<int32_t>(req->tv_sec), static_cast<int32_t>(req->tv_nsec)};
    if (req->tv_sec > 0x7fffffff) {
        k.tv_sec = 0x7fffffff;
    }
    uapi::timespec left{};
    if (libc::do_syscall(uapi::NR_nanosleep, &k, rem ? &left : nullptr) < 0) {
        return -1;
    }
    if (rem) {
        rem->tv_sec = left.tv_sec;
        rem->tv_nsec = left.tv_nsec;
    }
    return 0;
}

unsigned sleep(unsigned seconds) {
    struct timespec ts{static_cast<time_t>(seconds), 0};
    return nanosleep(&ts, nullptr) == 0 ? 0 : seconds;
}

int usleep(useconds_t us) {
    struct timespec ts{static_cast<time_t>(us / 1000000), static_cast<long>(us % 1000000) * 1000};
    return nanosleep(&ts, nullptr);
}

// syscall(2): the generic entry, for numbers libc has no wrapper for.
long syscall(long nr, ...) {
    va_list ap;
    va_start(ap, nr);
    long a[6];
    for (long& x : a) {
        x = va_arg(ap, long);
    }
    va_end(ap);
    return libc::syscall_return(libc::raw_syscall6(nr, a[0], a[1], a[2], a[3], a[4], a[5]));
}

}  // extern "C"
