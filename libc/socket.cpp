// The socket calls (as uClibc's libc/inet/socketcalls.c): each
// its own o32 syscall number, arguments passed through unchanged (the
// headers carry Linux MIPS's values and layouts). Two things are
// translated for newlib: struct timeval of SO_RCVTIMEO/SO_SNDTIMEO (newlib's
// time_t is 64-bit, o32's 32) and SO_ERROR's errno value.
#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "kernel/uapi/types.h"
#include "libc/errno_map.h"
#include "libc/syscall.h"

namespace {

bool is_timeo(int level, int optname) {
    return level == SOL_SOCKET && (optname == SO_RCVTIMEO || optname == SO_SNDTIMEO);
}

}  // namespace

extern "C" {

int socket(int domain, int type, int protocol) {
    return static_cast<int>(libc::do_syscall(uapi::NR_socket, domain, type, protocol));
}

int socketpair(int domain, int type, int protocol, int sv[2]) {
    return static_cast<int>(libc::do_syscall(uapi::NR_socketpair, domain, type, protocol, sv));
}

int bind(int fd, const struct sockaddr* addr, socklen_t len) {
    return static_cast<int>(libc::do_syscall(uapi::NR_bind, fd, addr, len));
}

int connect(int fd, const struct sockaddr* addr, socklen_t len) {
    return static_cast<int>(libc::do_syscall(uapi::NR_connect, fd, addr, len));
}

int listen(int fd, int backlog) { return static_cast<int>(libc::do_syscall(uapi::NR_listen, fd, backlog)); }

int accept(int fd, struct sockaddr* addr, socklen_t* len) {
    return static_cast<int>(libc::do_syscall(uapi::NR_accept, fd, addr, len));
}

int accept4(int fd, struct sockaddr* addr, socklen_t* len, int flags) {
    return static_cast<int>(libc::do_syscall(uapi::NR_accept4, fd, addr, len, flags));
}

int getsockname(int fd, struct sockaddr* addr, socklen_t* len) {
    return static_cast<int>(libc::do_syscall(uapi::NR_getsockname, fd, addr, len));
}

int getpeername(int fd, struct sockaddr* addr, socklen_t* len) {
    return static_cast<int>(libc::do_syscall(uapi::NR_getpeername, fd, addr, len));
}

ssize_t send(int fd, const void* buf, size_t n, int flags) {
    return libc::do_syscall(uapi::NR_send, fd, buf, n, flags);
}

ssize_t recv(int fd, void* buf, size_t n, int flags) { return libc::do_syscall(uapi::NR_recv, fd, buf, n, flags); }

ssize_t sendto(int fd, const void* buf, size_t n, int flags, const struct sockaddr* addr, socklen_t len) {
    return libc::do_syscall(uapi::NR_sendto, fd, buf, n, flags, addr, len);
}

ssize_t recvfrom(int fd, void* buf, size_t n, int flags, struct sockaddr* addr, socklen_t* len) {
    return libc::do_syscall(uapi::NR_recvfrom, fd, buf, n, flags, addr, len);
}

ssize_t sendmsg(int fd, const struct msghdr* msg, int flags) {
    return libc::do_syscall(uapi::NR_sendmsg, fd, msg, flags);
}

// The kernel's sock_extended_err carries a Linux errno: give the caller
// this libc's value, as SO_ERROR is given.
static void errqueue_errno_from_linux(struct msghdr* msg) {
    for (struct cmsghdr* c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR &&
            c->cmsg_len >= CMSG_LEN(sizeof(struct sock_extended_err))) {
            struct sock_extended_err ee;
            memcpy(&ee, CMSG_DATA(c), sizeof ee);
            ee.ee_errno = static_cast<uint32_t>(errno_from_linux(ee.ee_errno));
            memcpy(CMSG_DATA(c), &ee, sizeof ee);
        }
    }
}

ssize_t recvmsg(int fd, struct msghdr* msg, int flags) {
    ssize_t r = libc::do_syscall(uapi::NR_recvmsg, fd, msg, flags);
    if (r >= 0 && (flags & MSG_ERRQUEUE) && msg) {
        errqueue_errno_from_linux(msg);
    }
    return r;
}

int sendmmsg(int fd, struct mmsghdr* vmessages, unsigned int vlen, int flags) {
    return static_cast<int>(libc::do_syscall(uapi::NR_sendmmsg, fd, vmessages, vlen, flags));
}

int recvmmsg(int fd, struct mmsghdr* vmessages, unsigned int vlen, int flags, struct timespec* timeout) {
    uapi::timespec k{};
    if (timeout) {
        k.tv_sec = timeout->tv_sec > INT32_MAX ? INT32_MAX : static_cast<int32_t>(timeout->tv_sec);
        k.tv_nsec = static_cast<int32_t>(timeout->tv_nsec);
    }
    int r = static_cast<int>(libc::do_syscall(uapi::NR_recvmmsg, fd, vmessages, vlen, flags, timeout ? &k : nullptr));
    if (timeout && r >= 0) {
        timeout->tv_sec = k.tv_sec;
        timeout->tv_nsec = k.tv_nsec;
    }
    return r;
}

int shutdown(int fd, int how) { return static_cast<int>(libc::do_syscall(uapi::NR_shutdown, fd, how)); }

int setsockopt(int fd, int level, int optname, const void* optval, socklen_t optlen) {
    if (is_timeo(level, optname) && optval && optlen >= sizeof(struct timeval)) {
        const auto* tv = static_cast<const struct timeval*>(optval);
        uapi::timeval k{tv->tv_sec > INT32_MAX ? INT32_MAX : static_cast<int32_t>(tv->tv_sec),
                        static_cast<int32_t>(tv->tv_usec)};
        return static_cast<int>(libc::do_syscall(uapi::NR_setsockopt, fd, level, optname, &k, sizeof k));
    }
    return static_cast<int>(libc::do_syscall(uapi::NR_setsockopt, fd, level, optname, optval, optlen));
}

int getsockopt(int fd, int level, int optname, void* optval, socklen_t* optlen) {
    if (is_timeo(level, optname) && optval && optlen && *optlen >= sizeof(struct timeval)) {
        uapi::timeval k{};
        int klen = sizeof k;
        int r = static_cast<int>(libc::do_syscall(uapi::NR_getsockopt, fd, level, optname, &k, &klen));
        if (r == 0) {
            auto* tv = static_cast<struct timeval*>(optval);
            tv->tv_sec = k.tv_sec;
            tv->tv_usec = k.tv_usec;
            *optlen = sizeof(struct timeval);
        }
        return r;
    }
    int r = static_cast<int>(libc::do_syscall(uapi::NR_getsockopt, fd, level, optname, optval, optlen));
    if (r == 0 && level == SOL_SOCKET && optname == SO_ERROR && optlen && *optlen >= sizeof(int)) {
        int* e = static_cast<int*>(optval);
        if (*e) {
            *e = errno_from_linux(*e);
        }
    }
    return r;
}

}  // extern "C"
