// Descriptor and process calls newlib leaves to the system: pipe, dup,
// fcntl, ioctl, poll, select, readv/writev, waitpid, and mipsnet's spawn.
// The kernel only ever sees Linux MIPS values: flags and fcntl commands are
// translated (libc/fcntl_map.cpp), struct timeval shrinks to o32's 32 bits.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/uapi/types.h"
#include "libc/errno_map.h"
#include "libc/fcntl_map.h"
#include "libc/syscall.h"
#include "mipsnet/spawn.h"

extern "C" {

// o32's pipe(): the kernel returns fd[0] in v0 and fd[1] in v1 (Linux's
// sysm_pipe), so this one needs its own asm to catch v1.
int pipe(int fds[2]) {
    register long v0 asm("$2") = uapi::NR_pipe;
    register long v1 asm("$3");
    register long a3 asm("$7");
    asm volatile("syscall"
                 : "+r"(v0), "=r"(v1), "=r"(a3)
                 :
                 : "$1", "$8", "$9", "$10", "$11", "$12", "$13", "$14", "$15", "$24", "$25", "hi",
                   "lo", "memory");
    if (a3) {
        errno = errno_from_linux(v0);
        return -1;
    }
    fds[0] = static_cast<int>(v0);
    fds[1] = static_cast<int>(v1);
    return 0;
}

int pipe2(int fds[2], int flags) {
    return static_cast<int>(libc::do_syscall(uapi::NR_pipe2, fds, open_flags_to_linux(flags)));
}

int dup(int fd) { return static_cast<int>(libc::do_syscall(uapi::NR_dup, fd)); }
int dup2(int fd, int fd2) { return static_cast<int>(libc::do_syscall(uapi::NR_dup2, fd, fd2)); }
int dup3(int fd, int fd2, int flags) {
    return static_cast<int>(libc::do_syscall(uapi::NR_dup3, fd, fd2, open_flags_to_linux(flags)));
}

int fcntl(int fd, int cmd, ...) {
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    long lcmd = fcntl_cmd_to_linux(cmd);
    if (lcmd < 0) {
        errno = EINVAL;   // no file locks: nothing here to lock
        return -1;
    }
    if (cmd == F_SETFL) {
        arg = static_cast<long>(open_flags_to_linux(static_cast<int>(arg)));
    }
    long r = libc::do_syscall(uapi::NR_fcntl, fd, lcmd, arg);
    if (cmd == F_GETFL && r >= 0) {
        return open_flags_from_linux(static_cast<unsigned long>(r));
    }
    return static_cast<int>(r);
}

int ioctl(int fd, unsigned long request, ...) {
    va_list ap;
    va_start(ap, request);
    void* arg = va_arg(ap, void*);
    va_end(ap);
    return static_cast<int>(libc::do_syscall(uapi::NR_ioctl, fd, request, arg));
}

ssize_t readv(int fd, const struct iovec* iov, int iovcnt) {
    return libc::do_syscall(uapi::NR_readv, fd, iov, iovcnt);
}

ssize_t writev(int fd, const struct iovec* iov, int iovcnt) {
    return libc::do_syscall(uapi::NR_writev, fd, iov, iovcnt);
}

int poll(struct pollfd* fds, nfds_t nfds, int timeout) {
    return static_cast<int>(libc::do_syscall(uapi::NR_poll, fds, nfds, timeout));
}

// newlib's fd_set has the kernel's bit layout (32-bit words, bit n % 32 of
// word n / 32) but only FD_SETSIZE (64) bits; the kernel reads (n + 31) / 32
// words, so n past FD_SETSIZE would reach beyond the caller's sets.
int select(int n, fd_set* readfds, fd_set* writefds, fd_set* exceptfds, struct timeval* timeout) {
    if (n < 0 || n > FD_SETSIZE) {
        errno = EINVAL;
        return -1;
    }
    uapi::timeval k{};
    if (timeout) {
        if (timeout->tv_sec < 0 || timeout->tv_usec < 0) {
            errno = EINVAL;
            return -1;
        }
        k.tv_sec = timeout->tv_sec > INT32_MAX ? INT32_MAX : static_cast<int32_t>(timeout->tv_sec);
        k.tv_usec = static_cast<int32_t>(timeout->tv_usec);
    }
    long r = libc::do_syscall(uapi::NR__newselect, n, readfds, writefds, exceptfds, timeout ? &k : nullptr);
    if (timeout && r >= 0) {
        timeout->tv_sec = k.tv_sec;
        timeout->tv_usec = k.tv_usec;
    }
    return static_cast<int>(r);
}

// Exit statuses are encoded as Linux's (code << 8), which newlib's
// <sys/wait.h> macros read the same way.
pid_t waitpid(pid_t pid, int* status, int options) {
    return static_cast<pid_t>(libc::do_syscall(uapi::NR_wait4, pid, status, options, 0));
}

pid_t wait(int* status) { return waitpid(-1, status, 0); }

pid_t mipsnet_spawn(const char* name, char* const argv[]) {
    return static_cast<pid_t>(libc::do_syscall(uapi::NR_mipsnet_spawn, name, argv));
}

}  // extern "C"
