// The socket syscalls after socket() (Linux's net/socket.c, __sys_*): each
// looks the descriptor up, copies addresses and message headers in and
// out, and calls the family's proto_ops. Blocking follows the file's
// O_NONBLOCK and MSG_DONTWAIT; timeouts are the socket's SO_RCVTIMEO and
// SO_SNDTIMEO.
#include <string.h>

#include "kernel/fs/fdtable.h"
#include "kernel/fs/uio.h"
#include "kernel/jiffies.h"
#include "kernel/mm/slab.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "net/core/sock.h"
#include "net/socket.h"

namespace {

using uapi::iovec;

unsigned nonblock_flags(const socket* sock, unsigned flags) {
    return nonblocking(sock->file) ? flags | MSG_DONTWAIT : flags;
}

// One user buffer as the message's data (Linux's import_ubuf): clamped to
// MAX_RW_COUNT, checked.
int import_ubuf(void* buf, size_t len, iovec* iov, msghdr* msg) {
    if (len > MAX_RW_COUNT) {
        len = MAX_RW_COUNT;
    }
    if (!access_ok(buf, len)) {
        return -EFAULT;
    }
    *iov = {buf, len};
    msg->msg_iter.init(iov, 1, len);
    return 0;
}

// A user msghdr into msg (Linux's copy_msghdr_from_user + import_iovec):
// the address copied into *kaddr unless uaddr_out is given (recvmsg: the
// user's buffer is returned there), the iovec array into kiov (at most
// UIO_MAXIOV entries, every segment checked).
// The kernel's copy of a message's iovec array: on the stack up to
// UIO_FASTIOV segments, from kmalloc beyond (Linux's iovstack).
int copy_msghdr_from_user(msghdr* msg, const user_msghdr* umsg, sockaddr_storage* kaddr, void** uaddr_out,
                          iov_array* iovs) {
    user_msghdr m;
    if (copy_from_user(&m, umsg, sizeof m)) {
        return -EFAULT;
    }
    msg->msg_control = m.msg_control;
    msg->msg_controllen = m.msg_controllen;
    msg->msg_flags = m.msg_flags;
    msg->msg_namelen = m.msg_name ? m.msg_namelen : 0;
    if (msg->msg_namelen < 0) {
        return -EINVAL;
    }
    if (static_cast<size_t>(msg->msg_namelen) > sizeof(sockaddr_storage)) {
        msg->msg_namelen = sizeof(sockaddr_storage);
    }
    if (uaddr_out) {
        *uaddr_out = m.msg_name;
    }
    if (m.msg_name && msg->msg_namelen) {
        msg->msg_name = kaddr;
        if (!uaddr_out) {
            int err = move_addr_to_kernel(m.msg_name, msg->msg_namelen, kaddr);
            if (err < 0) {
                return err;
            }
        }
    } else {
        msg->msg_name = nullptr;
        msg->msg_namelen = 0;
    }
    if (m.msg_iovlen > uapi::uio_maxiov) {
        return -EMSGSIZE;
    }
    iovec* kiov = iovs->get(m.msg_iovlen);
    if (!kiov) {
        return -ENOMEM;
    }
    if (m.msg_iovlen && copy_from_user(kiov, m.msg_iov, m.msg_iovlen * sizeof(iovec))) {
        return -EFAULT;
    }
    size_t total = 0;
    for (uint32_t i = 0; i < m.msg_iovlen; ++i) {
        size_t len = kiov[i].iov_len;
        if (static_cast<long>(len) < 0 || len > MAX_RW_COUNT - total) {
            return -EINVAL;
        }
        if (!access_ok(kiov[i].iov_base, len)) {
            return -EFAULT;
        }
        total += len;
    }
    msg->msg_iter.init(kiov, m.msg_iovlen, total);
    return 0;
}

// Linux's ___sys_sendmsg for one header. Ancillary data is accepted (its
// buffer checked) but not interpreted: no family here has a control
// message to act on.
long do_sendmsg(socket* sock, const user_msghdr* umsg, unsigned flags) {
    iov_array kiov;
    sockaddr_storage address;
    msghdr msg;
    long err = copy_msghdr_from_user(&msg, umsg, &address, nullptr, &kiov);
    if (!err && msg.msg_controllen > 0x7fffffff) {
        err = -ENOBUFS;
    }
    if (!err && msg.msg_controllen && !access_ok(msg.msg_control, msg.msg_controllen)) {
        err = -EFAULT;
    }
    if (!err) {
        msg.msg_flags = nonblock_flags(sock, flags);
        err = sock_sendmsg(sock, &msg);
    }
    return err;
}

// Linux's ___sys_recvmsg for one header: the data, then the address, the
// flags out (MSG_TRUNC, MSG_CTRUNC...) and the length of the control
// messages the protocol put.
long do_recvmsg(socket* sock, user_msghdr* umsg, unsigned flags) {
    iov_array kiov;
    sockaddr_storage address;
    msghdr msg;
    void* uaddr = nullptr;
    long err = copy_msghdr_from_user(&msg, umsg, &address, &uaddr, &kiov);
    auto* cmsg_start = static_cast<char*>(msg.msg_control);
    if (!err) {
        msg.msg_flags = flags & MSG_CMSG_CLOEXEC;
        msg.msg_namelen = 0;
        err = sock_recvmsg(sock, &msg, static_cast<int>(nonblock_flags(sock, flags)));
    }
    if (err >= 0) {
        long len = err;
        if (uaddr) {
            err = move_addr_to_user(&address, msg.msg_namelen, uaddr, &umsg->msg_namelen);
        }
        auto controllen = static_cast<uint32_t>(static_cast<char*>(msg.msg_control) - cmsg_start);
        if (err >= 0) {
            err = copy_to_user(&umsg->msg_flags, &msg.msg_flags, sizeof msg.msg_flags);
        }
        if (err >= 0) {
            err = copy_to_user(&umsg->msg_controllen, &controllen, sizeof controllen);
        }
        if (err >= 0) {
            err = len;
        }
    }
    return err;
}

}  // namespace

long sys_bind(int fd, const sockaddr* umyaddr, int addrlen) {
    socket_ref sock(fd);
    if (!sock) {
        return sock.err();
    }
    sockaddr_storage address;
    int err = move_addr_to_kernel(umyaddr, addrlen, &address);
    if (err) {
        return err;
    }
    return sock->ops->bind(sock.get(), reinterpret_cast<sockaddr*>(&address), addrlen);
}

long sys_connect(int fd, const sockaddr* uservaddr, int addrlen) {
    socket_ref sock(fd);
    if (!sock) {
        return sock.err();
    }
    sockaddr_storage address;
    int err = move_addr_to_kernel(uservaddr, addrlen, &address);
    if (err) {
        return err;
    }
    return sock->ops->connect(sock.get(), reinterpret_cast<sockaddr*>(&address), addrlen,
                              static_cast<int>(sock->file->f_flags));
}

long sys_listen(int fd, int backlog) {
    socket_ref sock(fd);
    if (!sock) {
        return sock.err();
    }
    if (static_cast<unsigned>(backlog) > static_cast<unsigned>(SOMAXCONN)) {
        backlog = SOMAXCONN;
    }
    return sock->ops->listen(sock.get(), backlog);
}

long sys_accept4(int fd, sockaddr* upeer_sockaddr, int* upeer_addrlen, int flags) {
    if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) {
        return -EINVAL;
    }
    socket_ref sock(fd);
    if (!sock) {
        return sock.err();
    }
    unsigned fl = static_cast<unsigned>(flags);
    int newfd = get_unused_fd_flags(fl);
    if (newfd < 0) {
        return newfd;
    }
    socket* newsock = sock_alloc();
    if (!newsock) {
        put_unused_fd(newfd);
        return -ENFILE;
    }
    newsock->type = sock->type;
    int err = sock->ops->accept(sock.get(), newsock, static_cast<int>(sock->file->f_flags), false);
    if (err < 0) {
        sock_release(newsock);   // no ops yet: nothing of the family's to release
        put_unused_fd(newfd);
        return err;
    }
    newsock->ops = sock->ops;
    if (upeer_sockaddr) {
        sockaddr_storage address;
        // peer 2, as Linux's __sys_accept4: the address even of a connection
        // reset while it waited, whose read then says ECONNRESET.
        int len = newsock->ops->getname(newsock, reinterpret_cast<sockaddr*>(&address), 2);
        err = len < 0 ? -ECONNABORTED : move_addr_to_user(&address, len, upeer_sockaddr, upeer_addrlen);
        if (err < 0) {
            sock_release(newsock);
            put_unused_fd(newfd);
            return err;
        }
    }
    file* f = alloc_file(SOCK_INODE(newsock), uapi::o_rdwr | (fl & uapi::o_nonblock), &socket_file_ops);
    if (!f) {
        sock_release(newsock);
        put_unused_fd(newfd);
        return -ENFILE;
    }
    newsock->file = f;
    f->private_data = newsock;
    fd_install(newfd, f);
    return newfd;
}

long sys_accept(int fd, sockaddr* upeer_sockaddr, int* upeer_addrlen) {
    return sys_accept4(fd, upeer_sockaddr, upeer_addrlen, 0);
}

static long do_getname(int fd, sockaddr* usockaddr, int* usockaddr_len, int peer) {
    socket_ref sock(fd);
    if (!sock) {
        return sock.err();
    }
    sockaddr_storage address;
    memset(&address, 0, sizeof address);
    int len = sock->ops->getname(sock.get(), reinterpret_cast<sockaddr*>(&address), peer);
    if (len < 0) {
        return len;
    }
    return move_addr_to_user(&address, len, usockaddr, usockaddr_len);
}

long sys_getsockname(int fd, sockaddr* usockaddr, int* usockaddr_len) {
    return do_getname(fd, usockaddr, usockaddr_len, 0);
}

long sys_getpeername(int fd, sockaddr* usockaddr, int* usockaddr_len) {
    return do_getname(fd, usockaddr, usockaddr_len, 1);
}

long sys_sendto(int fd, const void* buff, size_t len, unsigned flags, const sockaddr* addr, int addr_len) {
    iovec iov;
    msghdr msg;
    int err = import_ubuf(const_cast<void*>(buff), len, &iov, &msg);
    if (err) {
        return err;
    }
    socket_ref sock(fd);
    if (!sock) {
        return sock.err();
    }
    sockaddr_storage address;
    if (addr) {
        err = move_addr_to_kernel(addr, addr_len, &address);
        if (err < 0) {
            return err;
        }
        msg.msg_name = &address;
        msg.msg_namelen = addr_len;
    }
    msg.msg_flags = nonblock_flags(sock.get(), flags);
    return sock_sendmsg(sock.get(), &msg);
}

long sys_send(int fd, const void* buff, size_t len, unsigned flags) {
    return sys_sendto(fd, buff, len, flags, nullptr, 0);
}

long sys_recvfrom(int fd, void* ubuf, size_t size, unsigned flags, sockaddr* addr, int* addr_len) {
    iovec iov;
    msghdr msg;
    int err = import_ubuf(ubuf, size, &iov, &msg);
    if (err) {
        return err;
    }
    socket_ref sock(fd);
    if (!sock) {
        return sock.err();
    }
    sockaddr_storage address;
    msg.msg_name = addr ? &address : nullptr;
    msg.msg_namelen = 0;
    err = sock_recvmsg(sock.get(), &msg, static_cast<int>(nonblock_flags(sock.get(), flags)));
    if (err >= 0 && addr) {
        int err2 = move_addr_to_user(&address, msg.msg_namelen, addr, addr_len);
        if (err2 < 0) {
            err = err2;
        }
    }
    return err;
}

long sys_recv(int fd, void* ubuf, size_t size, unsigned flags) {
    return sys_recvfrom(fd, ubuf, size, flags, nullptr, nullptr);
}

long sys_shutdown(int fd, int how) {
    socket_ref sock(fd);
    if (!sock) {
        return sock.err();
    }
    return sock->ops->shutdown(sock.get(), how);
}

long sys_setsockopt(int fd, int level, int optname, const void* optval, int optlen) {
    if (optlen < 0) {
        return -EINVAL;
    }
    socket_ref sock(fd);
    if (!sock) {
        return sock.err();
    }
    if (level == SOL_SOCKET) {
        return sock_setsockopt(sock.get(), level, optname, optval, static_cast<unsigned>(optlen));
    }
    if (!sock->ops->setsockopt) {
        return -EOPNOTSUPP;
    }
    return sock->ops->setsockopt(sock.get(), level, optname, optval, static_cast<unsigned>(optlen));
}

long sys_getsockopt(int fd, int level, int optname, void* optval, int* optlen) {
    socket_ref sock(fd);
    if (!sock) {
        return sock.err();
    }
    if (level == SOL_SOCKET) {
        return sock_getsockopt(sock.get(), level, optname, optval, optlen);
    }
    if (!sock->ops->getsockopt) {
        return -EOPNOTSUPP;
    }
    return sock->ops->getsockopt(sock.get(), level, optname, optval, optlen);
}

long sys_sendmsg(int fd, user_msghdr* msg, unsigned flags) {
    socket_ref sock(fd);
    if (!sock) {
        return sock.err();
    }
    return do_sendmsg(sock.get(), msg, flags);
}

long sys_recvmsg(int fd, user_msghdr* msg, unsigned flags) {
    socket_ref sock(fd);
    if (!sock) {
        return sock.err();
    }
    return do_recvmsg(sock.get(), msg, flags);
}

// The user addresses of entry i's header and length: arithmetic on the
// address, never a dereference (the array is the caller's, maybe unmapped).
namespace {
user_msghdr* mmsg_hdr(mmsghdr* mmsg, unsigned i) {
    return reinterpret_cast<user_msghdr*>(reinterpret_cast<uintptr_t>(mmsg) + i * sizeof(mmsghdr) +
                                          offsetof(mmsghdr, msg_hdr));
}
unsigned* mmsg_len(mmsghdr* mmsg, unsigned i) {
    return reinterpret_cast<unsigned*>(reinterpret_cast<uintptr_t>(mmsg) + i * sizeof(mmsghdr) +
                                       offsetof(mmsghdr, msg_len));
}
}  // namespace

// sendmmsg: each header in turn; the count sent, or the first error when
// nothing was (Linux's __sys_sendmmsg). UIO_MAXIOV caps vlen.
long sys_sendmmsg(int fd, mmsghdr* mmsg, unsigned vlen, unsigned flags) {
    socket_ref sock(fd);
    if (!sock) {
        return sock.err();
    }
    if (vlen > uapi::uio_maxiov) {
        vlen = uapi::uio_maxiov;
    }
    unsigned datagrams = 0;
    long err = 0;
    for (; datagrams < vlen; ++datagrams) {
        err = do_sendmsg(sock.get(), mmsg_hdr(mmsg, datagrams), flags);
        if (err < 0) {
            break;
        }
        unsigned n = static_cast<unsigned>(err);
        err = copy_to_user(mmsg_len(mmsg, datagrams), &n, sizeof n);
        if (err) {
            break;
        }
    }
    return datagrams ? static_cast<long>(datagrams) : err;
}

// recvmmsg: up to vlen datagrams; MSG_WAITFORONE turns on MSG_DONTWAIT
// after the first; timeout (o32 timespec) bounds the whole call, checked
// after each datagram as Linux does.
long sys_recvmmsg(int fd, mmsghdr* mmsg, unsigned vlen, unsigned flags, uapi::timespec* timeout) {
    uint64_t end_ns = 0;
    if (timeout) {
        uapi::timespec ts;
        if (copy_from_user(&ts, timeout, sizeof ts)) {
            return -EFAULT;
        }
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) {
            return -EINVAL;
        }
        end_ns = ktime_get_ns() + static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
    }
    socket_ref sock(fd);
    if (!sock) {
        return sock.err();
    }
    if (vlen > uapi::uio_maxiov) {
        vlen = uapi::uio_maxiov;
    }
    unsigned datagrams = 0;
    long err = 0;
    while (datagrams < vlen) {
        err = do_recvmsg(sock.get(), mmsg_hdr(mmsg, datagrams), flags & ~MSG_WAITFORONE);
        if (err < 0) {
            break;
        }
        unsigned n = static_cast<unsigned>(err);
        err = copy_to_user(mmsg_len(mmsg, datagrams), &n, sizeof n);
        if (err) {
            break;
        }
        ++datagrams;
        if (flags & MSG_WAITFORONE) {
            flags |= MSG_DONTWAIT;
        }
        if (timeout) {
            uint64_t now = ktime_get_ns();
            uint64_t left = now < end_ns ? end_ns - now : 0;
            uapi::timespec ts{static_cast<int32_t>(left / 1000000000u), static_cast<int32_t>(left % 1000000000u)};
            copy_to_user(timeout, &ts, sizeof ts);
            if (!left) {
                break;
            }
        }
    }
    if (datagrams) {
        return datagrams;
    }
    return err;
}

int put_cmsg(msghdr* msg, int level, int type, size_t len, const void* data) {
    if (!msg->msg_control) {
        msg->msg_flags |= MSG_CTRUNC;
        return 0;
    }
    if (msg->msg_controllen < sizeof(cmsghdr)) {
        msg->msg_flags |= MSG_CTRUNC;
        return 0;   // not even the header fits
    }
    size_t cmlen = CMSG_LEN(len);
    if (msg->msg_controllen < cmlen) {
        msg->msg_flags |= MSG_CTRUNC;
        cmlen = msg->msg_controllen;
    }
    cmsghdr h{static_cast<uint32_t>(CMSG_LEN(len)), level, type};
    auto* out = static_cast<char*>(msg->msg_control);
    if (copy_to_user(out, &h, sizeof h) ||
        copy_to_user(out + CMSG_ALIGN(sizeof h), data, cmlen - CMSG_ALIGN(sizeof h))) {
        return -EFAULT;
    }
    size_t space = CMSG_SPACE(len);
    if (space > msg->msg_controllen) {
        space = msg->msg_controllen;
    }
    msg->msg_control = out + space;
    msg->msg_controllen -= space;
    return 0;
}
