// The socket layer's core (Linux's net/socket.c): the family table
// (net_families, sock_register), socket creation as Linux's net/socket.c runs it
// (sys_socket -> sock_create -> __sock_create -> security_socket_create,
// sock_alloc, net_families[family]->create), the socket inode, the file
// (socket_file_ops, sock_map_fd), and the single door sys_socketcall.
#include "net/socket.h"

#include <stddef.h>
#include <string.h>

#include "kernel/cpu.h"
#include "kernel/fs/fdtable.h"
#include "kernel/fs/poll.h"
#include "kernel/mm/slab.h"
#include "kernel/printk.h"
#include "kernel/sched/task.h"
#include "kernel/trace.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "net/core/sock.h"

long sock_ioctl(file* f, unsigned cmd, unsigned long arg);   // net/socket_ioctl.cpp

namespace {

// The socket and its inode in one object, as Linux's struct socket_alloc
// (Linux 2.4's fs.h: the socket lives inside the inode; SOCKET_I finds it there).
struct socket_alloc {
    socket sock;
    inode vfs_inode;
};

kmem_cache* sock_inode_cachep;
const net_proto_family* net_families[NPROTO];
unsigned sockets_used;

void sock_destroy_inode(inode* i) {
    socket_alloc* ei = container_of(i, &socket_alloc::vfs_inode);
    kmem_cache_free(sock_inode_cachep, ei);
    cpu::irq_guard guard;
    --sockets_used;
}

// The file's release: the family's, then (by fput) the inode.
int sock_close(inode* i, file*) {
    socket* sock = SOCKET_I(i);
    if (sock->ops) {
        sock->ops->release(sock);
        sock->sk = nullptr;
        sock->ops = nullptr;
    }
    sock->file = nullptr;
    return 0;
}

unsigned msg_flags_of(const file* f, unsigned flags) {
    return nonblocking(f) ? flags | MSG_DONTWAIT : flags;
}

size_t iov_total(const uapi::iovec* iov, unsigned long nr_segs) {
    size_t total = 0;
    for (unsigned long i = 0; i < nr_segs; ++i) {
        total += iov[i].iov_len;
    }
    return total;
}

// read/readv on a socket: recvmsg without an address (Linux's sock_read_iter).
long sock_readv(file* f, const uapi::iovec* iov, unsigned long nr_segs, loff_t*) {
    socket* sock = sock_from_file(f);
    msghdr msg;
    msg.msg_iter.init(iov, nr_segs, iov_total(iov, nr_segs));
    if (msg_data_left(&msg) == 0) {
        return 0;
    }
    return sock_recvmsg(sock, &msg, static_cast<int>(msg_flags_of(f, 0)));
}

long sock_writev(file* f, const uapi::iovec* iov, unsigned long nr_segs, loff_t*) {
    socket* sock = sock_from_file(f);
    msghdr msg;
    msg.msg_iter.init(iov, nr_segs, iov_total(iov, nr_segs));
    msg.msg_flags = msg_flags_of(f, sock->type == SOCK_SEQPACKET ? MSG_EOR : 0);
    return sock_sendmsg(sock, &msg);
}

long sock_read(file* f, char* buf, size_t count, loff_t* pos) {
    uapi::iovec iov{buf, count};
    return sock_readv(f, &iov, 1, pos);
}

long sock_write(file* f, const char* buf, size_t count, loff_t* pos) {
    uapi::iovec iov{const_cast<char*>(buf), count};
    return sock_writev(f, &iov, 1, pos);
}

poll_t sock_poll(file* f, poll_table_struct* wait) {
    socket* sock = sock_from_file(f);
    return sock->ops->poll(f, sock, wait);
}

// socket()'s and socketpair()'s type argument: the type, and the flags
// as O_* bits; -EINVAL for bits that are neither.
int split_type(int* type) {
    int flags = *type & ~SOCK_TYPE_MASK;
    if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) {
        return -EINVAL;
    }
    *type &= SOCK_TYPE_MASK;
    return flags;   // SOCK_NONBLOCK == O_NONBLOCK and SOCK_CLOEXEC == O_CLOEXEC here
}

// The file for a socket that has none yet: takes over the inode's
// reference. On failure the socket is released.
file* sock_alloc_file(socket* sock, unsigned flags) {
    inode* i = SOCK_INODE(sock);
    file* f = alloc_file(i, uapi::o_rdwr | (flags & uapi::o_nonblock), &socket_file_ops);
    if (!f) {
        sock_release(sock);
        return nullptr;
    }
    sock->file = f;
    f->private_data = sock;
    return f;
}

}  // namespace

const file_operations socket_file_ops = {
    .llseek = no_llseek,
    .read = sock_read,
    .write = sock_write,
    .readv = sock_readv,
    .writev = sock_writev,
    .poll = sock_poll,
    .unlocked_ioctl = sock_ioctl,
    .open = nullptr,
    .release = sock_close,
};

socket* SOCKET_I(inode* i) { return &container_of(i, &socket_alloc::vfs_inode)->sock; }
inode* SOCK_INODE(socket* sock) { return &container_of(sock, &socket_alloc::sock)->vfs_inode; }

socket* sock_from_file(file* f) {
    return f->f_op == &socket_file_ops ? static_cast<socket*>(f->private_data) : nullptr;
}

unsigned sockets_in_use() { return sockets_used; }

bool capable(int cap) {
    (void)cap;   // one privilege bit stands for root's capability set
    return current && (current->flags & PF_PRIVILEGED);
}

void sock_init() {
    for (const net_proto_family*& f : net_families) {
        f = nullptr;
    }
    sock_inode_cachep = kmem_cache_create("sock_inode_cache", sizeof(socket_alloc), 0, SLAB_HWCACHE_ALIGN, nullptr);
    if (!sock_inode_cachep) {
        pr_err("NET: cannot create the socket inode cache\n");
    }
    sockets_used = 0;
    proto_list_init();
    pr_info("NET: Registered PF_SOCKET layer, %u families\n", static_cast<unsigned>(NPROTO));
}

int sock_register(const net_proto_family* ops) {
    if (ops->family < 0 || ops->family >= NPROTO) {
        pr_err("protocol %d >= NPROTO(%d)\n", ops->family, NPROTO);
        return -ENOBUFS;
    }
    {
        cpu::irq_guard guard;
        if (net_families[ops->family]) {
            return -EEXIST;
        }
        net_families[ops->family] = ops;
    }
    pr_info("NET: Registered PF_%s protocol family\n",
            ops->family == PF_INET ? "INET" : ops->family == PF_PACKET ? "PACKET" : "?");
    return 0;
}

void sock_unregister(int family) {
    if (family < 0 || family >= NPROTO) {
        return;
    }
    cpu::irq_guard guard;
    net_families[family] = nullptr;
}

socket* sock_alloc() {
    trace::scope t(trace::cat::socket, "sock_alloc");
    if (!sock_inode_cachep) {
        return nullptr;
    }
    auto* ei = static_cast<socket_alloc*>(kmem_cache_zalloc(sock_inode_cachep, GFP_KERNEL));
    if (!ei) {
        return nullptr;
    }
    inode* i = &ei->vfs_inode;
    i->i_count = 1;
    i->i_ino = get_next_ino();
    i->i_blkbits = 12;
    i->i_mode = uapi::s_ifsock | 0777;
    i->i_fop = &socket_file_ops;
    i->i_socket = &ei->sock;
    i->i_destroy = sock_destroy_inode;
    socket* sock = &ei->sock;
    sock->state = SS_UNCONNECTED;
    init_waitqueue_head(&sock->wq);
    cpu::irq_guard guard;
    ++sockets_used;
    return sock;
}

void sock_release(socket* sock) {
    if (sock->ops) {
        sock->ops->release(sock);
        sock->sk = nullptr;
        sock->ops = nullptr;
    }
    if (!sock->file) {
        iput(SOCK_INODE(sock));
        return;
    }
    sock->file = nullptr;
}

int security_socket_create(int family, int type, int protocol, int kern) {
    trace::scope t(trace::cat::socket, "security_socket_create");
    (void)protocol;
    // What packet_create checks before anything else (CAP_NET_RAW; suser()
    // in Linux 2.x's net/packet/af_packet.c); SOCK_PACKET arrives here as
    // PF_PACKET. PF_INET's SOCK_RAW is checked by inet_create after its
    // protocol lookup, as the inetsw_array says (.capability =
    // CAP_NET_RAW), so that a bad protocol is still EPROTONOSUPPORT/EINVAL
    // for everyone, as in Linux.
    if (kern) {
        return 0;
    }
    if (family == PF_PACKET && !capable(CAP_NET_RAW)) {
        trace::event(trace::cat::socket, "security_socket_create", "EPERM type=%d", type);
        return -EPERM;
    }
    return 0;
}

int __sock_create(int family, int type, int protocol, socket** res, int kern) {
    trace::scope t(trace::cat::socket, "__sock_create");
    if (family < 0 || family >= NPROTO) {
        return -EAFNOSUPPORT;
    }
    if (type < 0 || type >= SOCK_MAX) {
        return -EINVAL;
    }
    // Compatibility: the obsolete (PF_INET, SOCK_PACKET) is a packet socket.
    if (family == PF_INET && type == SOCK_PACKET) {
        static bool warned;
        if (!warned) {
            warned = true;
            pr_info("%s uses obsolete (PF_INET,SOCK_PACKET)\n", current ? current->comm : "?");
        }
        family = PF_PACKET;
    }
    int err = security_socket_create(family, type, protocol, kern);
    if (err) {
        return err;
    }
    socket* sock = sock_alloc();
    if (!sock) {
        pr_warn("socket: no more sockets\n");
        return -ENFILE;   // not exactly a match, but it's the closest posix thing
    }
    sock->type = static_cast<short>(type);
    const net_proto_family* pf = net_families[family];
    if (!pf) {
        sock_release(sock);
        return -EAFNOSUPPORT;
    }
    err = pf->create(sock, protocol, kern);
    if (err < 0) {
        // The family has undone its part (sock->sk is gone): nothing of
        // its to release (Linux's out_module_put).
        sock->ops = nullptr;
        sock_release(sock);
        return err;
    }
    *res = sock;
    return 0;
}

int sock_create(int family, int type, int protocol, socket** res) {
    trace::scope t(trace::cat::socket, "sock_create");
    return __sock_create(family, type, protocol, res, 0);
}

int sock_create_kern(int family, int type, int protocol, socket** res) {
    return __sock_create(family, type, protocol, res, 1);
}

int sock_map_fd(socket* sock, unsigned flags) {
    trace::scope t(trace::cat::socket, "sock_map_fd");
    int fd = get_unused_fd_flags(flags);
    if (fd < 0) {
        sock_release(sock);
        return fd;
    }
    file* f = sock_alloc_file(sock, flags);
    if (!f) {
        put_unused_fd(fd);
        return -ENFILE;
    }
    fd_install(fd, f);
    return fd;
}

long sys_socket(int family, int type, int protocol) {
    trace::scope t(trace::cat::socket, "sys_socket");
    int flags = split_type(&type);
    if (flags < 0) {
        return flags;
    }
    socket* sock;
    int err = sock_create(family, type, protocol, &sock);
    if (err < 0) {
        return err;
    }
    return sock_map_fd(sock, static_cast<unsigned>(flags) & (uapi::o_cloexec | uapi::o_nonblock));
}

long sys_socketpair(int family, int type, int protocol, int* usockvec) {
    int flags = split_type(&type);
    if (flags < 0) {
        return flags;
    }
    unsigned fl = static_cast<unsigned>(flags);
    // The descriptors are reserved first, so that nothing can fail after
    // the pair exists (Linux's order).
    int fd1 = get_unused_fd_flags(fl);
    if (fd1 < 0) {
        return fd1;
    }
    int fd2 = get_unused_fd_flags(fl);
    if (fd2 < 0) {
        put_unused_fd(fd1);
        return fd2;
    }
    int fds[2] = {fd1, fd2};
    int err = copy_to_user(usockvec, fds, sizeof fds);
    socket* sock1 = nullptr;
    socket* sock2 = nullptr;
    if (!err) {
        err = sock_create(family, type, protocol, &sock1);
    }
    if (!err) {
        err = sock_create(family, type, protocol, &sock2);
        if (err) {
            sock_release(sock1);
        }
    }
    if (!err) {
        err = sock1->ops->socketpair(sock1, sock2);
        if (err < 0) {
            sock_release(sock2);
            sock_release(sock1);
        }
    }
    if (err < 0) {
        put_unused_fd(fd2);
        put_unused_fd(fd1);
        return err;
    }
    file* f1 = sock_alloc_file(sock1, fl);
    if (!f1) {
        sock_release(sock2);
        put_unused_fd(fd2);
        put_unused_fd(fd1);
        return -ENFILE;
    }
    file* f2 = sock_alloc_file(sock2, fl);
    if (!f2) {
        fput(f1);
        put_unused_fd(fd2);
        put_unused_fd(fd1);
        return -ENFILE;
    }
    fd_install(fd1, f1);
    fd_install(fd2, f2);
    return 0;
}

socket_ref::socket_ref(int fd) : file_(fget(fd)) {
    if (!file_) {
        err_ = -EBADF;
        return;
    }
    sock_ = sock_from_file(file_);
    if (!sock_) {
        err_ = -ENOTSOCK;
        fput(file_);
        file_ = nullptr;
    }
}

socket_ref::~socket_ref() {
    if (file_) {
        fput(file_);
    }
}

int sock_sendmsg(socket* sock, msghdr* m) {
    return sock->ops->sendmsg(sock, m, msg_data_left(m));
}

int sock_recvmsg(socket* sock, msghdr* m, int flags) {
    return sock->ops->recvmsg(sock, m, msg_data_left(m), flags);
}

int move_addr_to_kernel(const void* uaddr, int ulen, sockaddr_storage* kaddr) {
    if (ulen < 0 || static_cast<size_t>(ulen) > sizeof(sockaddr_storage)) {
        return -EINVAL;
    }
    if (ulen == 0) {
        return 0;
    }
    return copy_from_user(kaddr, uaddr, static_cast<size_t>(ulen));
}

int move_addr_to_user(const sockaddr_storage* kaddr, int klen, void* uaddr, int* ulen) {
    int len;
    if (copy_from_user(&len, ulen, sizeof len)) {
        return -EFAULT;
    }
    if (len > klen) {
        len = klen;
    }
    if (len < 0) {
        return -EINVAL;
    }
    if (len && copy_to_user(uaddr, kaddr, static_cast<size_t>(len))) {
        return -EFAULT;
    }
    // "fromlen shall refer to the value before truncation" (1003.1g)
    return copy_to_user(ulen, &klen, sizeof klen);
}

// socketcall(call, args): every socket call through one syscall number,
// its arguments in an array of longs in the caller's memory (Linux's
// sys_socketcall in net/socket.c; Linux's nargs table gives each call's count).
long sys_socketcall(int call, unsigned long* args) {
    static constexpr unsigned char nargs[SYS_SENDMMSG + 1] = {0, 3, 3, 3, 2, 3, 3, 3, 4, 4, 4,
                                                              6, 6, 2, 5, 5, 3, 3, 4, 5, 4};
    if (call < 1 || call > SYS_SENDMMSG) {
        return -EINVAL;
    }
    unsigned long a[6] = {};
    if (copy_from_user(a, args, nargs[call] * sizeof(unsigned long))) {
        return -EFAULT;
    }
    auto p = [&a](int i) { return reinterpret_cast<void*>(a[i]); };
    auto i = [&a](int k) { return static_cast<int>(a[k]); };
    switch (call) {
    case SYS_SOCKET: return sys_socket(i(0), i(1), i(2));
    case SYS_BIND: return sys_bind(i(0), static_cast<sockaddr*>(p(1)), i(2));
    case SYS_CONNECT: return sys_connect(i(0), static_cast<sockaddr*>(p(1)), i(2));
    case SYS_LISTEN: return sys_listen(i(0), i(1));
    case SYS_ACCEPT: return sys_accept4(i(0), static_cast<sockaddr*>(p(1)), static_cast<int*>(p(2)), 0);
    case SYS_GETSOCKNAME: return sys_getsockname(i(0), static_cast<sockaddr*>(p(1)), static_cast<int*>(p(2)));
    case SYS_GETPEERNAME: return sys_getpeername(i(0), static_cast<sockaddr*>(p(1)), static_cast<int*>(p(2)));
    case SYS_SOCKETPAIR: return sys_socketpair(i(0), i(1), i(2), static_cast<int*>(p(3)));
    case SYS_SEND: return sys_sendto(i(0), p(1), a[2], static_cast<unsigned>(a[3]), nullptr, 0);
    case SYS_SENDTO:
        return sys_sendto(i(0), p(1), a[2], static_cast<unsigned>(a[3]), static_cast<sockaddr*>(p(4)), i(5));
    case SYS_RECV: return sys_recvfrom(i(0), p(1), a[2], static_cast<unsigned>(a[3]), nullptr, nullptr);
    case SYS_RECVFROM:
        return sys_recvfrom(i(0), p(1), a[2], static_cast<unsigned>(a[3]), static_cast<sockaddr*>(p(4)),
                            static_cast<int*>(p(5)));
    case SYS_SHUTDOWN: return sys_shutdown(i(0), i(1));
    case SYS_SETSOCKOPT: return sys_setsockopt(i(0), i(1), i(2), p(3), i(4));
    case SYS_GETSOCKOPT: return sys_getsockopt(i(0), i(1), i(2), p(3), static_cast<int*>(p(4)));
    case SYS_SENDMSG: return sys_sendmsg(i(0), static_cast<user_msghdr*>(p(1)), static_cast<unsigned>(a[2]));
    case SYS_RECVMSG: return sys_recvmsg(i(0), static_cast<user_msghdr*>(p(1)), static_cast<unsigned>(a[2]));
    case SYS_ACCEPT4:
        return sys_accept4(i(0), static_cast<sockaddr*>(p(1)), static_cast<int*>(p(2)), i(3));
    case SYS_RECVMMSG:
        return sys_recvmmsg(i(0), static_cast<mmsghdr*>(p(1)), static_cast<unsigned>(a[2]),
                            static_cast<unsigned>(a[3]), static_cast<uapi::timespec*>(p(4)));
    case SYS_SENDMMSG:
        return sys_sendmmsg(i(0), static_cast<mmsghdr*>(p(1)), static_cast<unsigned>(a[2]),
                            static_cast<unsigned>(a[3]));
    default: return -EINVAL;
    }
}
