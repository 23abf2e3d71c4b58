// The BSD socket layer (Linux's include/linux/net.h, net/socket.c), the way
// Linux 2.6's net/socket.c runs it:
//
//   socket() -> sys_socket -> sock_create -> __sock_create
//                 security_socket_create     (may the caller have it?)
//                 sock_alloc                 (the socket lives in its inode, S_IFSOCK)
//                 net_families[family]->create   (inet_create, packet_create)
//                   sk_alloc                 (the protocol's struct sock)
//             -> sock_map_fd                 (a file with socket_file_ops, a descriptor)
//
// A socket is a file: read, write, readv, writev, poll, ioctl and close on
// its descriptor go through socket_file_ops to the family's proto_ops. The
// other socket syscalls (bind ... recvmmsg, and the single door
// socketcall) look the descriptor up and call proto_ops too.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/fs/fs.h"
#include "kernel/sched/wait.h"
#include "kernel/uapi/errno.h"
#include "net/core/iov_iter.h"
#include "net/socket_uapi.h"

struct sock;
struct socket;
struct poll_table_struct;

enum socket_state : uint8_t {
    SS_FREE = 0,        // not allocated
    SS_UNCONNECTED,     // unconnected to any socket
    SS_CONNECTING,
    SS_CONNECTED,
    SS_DISCONNECTING,
};

// socket::flags bits.
constexpr unsigned long SOCKWQ_ASYNC_NOSPACE = 1u << 0;   // a writer found no room (sock_def_write_space wakes)

// A message on its way between a syscall and a protocol (the kernel's
// struct msghdr): the address already copied in (sendmsg) or to be filled
// in (recvmsg, msg_namelen set by the protocol), the data as checked user
// segments.
struct msghdr {
    void* msg_name = nullptr;       // a kernel sockaddr_storage, or nullptr
    int msg_namelen = 0;
    iov_iter msg_iter;
    void* msg_control = nullptr;    // user pointer: put_cmsg() writes and advances it
    size_t msg_controllen = 0;      // room left there
    unsigned msg_flags = 0;         // MSG_* in (send) and out (recv: MSG_TRUNC...)
};
inline size_t msg_data_left(const msghdr* m) { return m->msg_iter.count; }
// 0 or -EFAULT (never: the segments were checked), as Linux's memcpy_to_msg.
inline int memcpy_to_msg(msghdr* msg, const void* data, size_t len) {
    return copy_to_iter(data, len, &msg->msg_iter) == len ? 0 : -EFAULT;
}
inline int memcpy_from_msg(void* data, msghdr* msg, size_t len) {
    return copy_from_iter(data, len, &msg->msg_iter) == len ? 0 : -EFAULT;
}

// Appends a control message (Linux's put_cmsg, net/core/scm.c) to the
// user's buffer: level, type and len bytes of data. When it does not fit,
// MSG_CTRUNC and as much as fits. 0 or -EFAULT.
int put_cmsg(msghdr* msg, int level, int type, size_t len, const void* data);

// What a family does with its sockets (Linux's struct proto_ops). Every
// entry is set: the sock_no_* defaults (net/core/sock.h) answer
// EOPNOTSUPP. Addresses are kernel copies (at most sockaddr_storage);
// option values are user pointers.
struct proto_ops {
    int family;
    int (*release)(socket* sock);
    int (*bind)(socket* sock, sockaddr* addr, int addr_len);
    int (*connect)(socket* sock, sockaddr* addr, int addr_len, int flags);
    int (*socketpair)(socket* sock1, socket* sock2);
    int (*accept)(socket* sock, socket* newsock, int flags, bool kern);
    // Fills addr (our own address, or the peer's when peer is 1, or 2 from
    // accept, which skips the state check); returns its length or -errno.
    int (*getname)(socket* sock, sockaddr* addr, int peer);
    poll_t (*poll)(file* f, socket* sock, poll_table_struct* wait);
    // -ENOIOCTLCMD: not the family's; the socket layer tries the device ioctls.
    int (*ioctl)(socket* sock, unsigned cmd, unsigned long arg);
    int (*listen)(socket* sock, int backlog);
    int (*shutdown)(socket* sock, int how);
    int (*setsockopt)(socket* sock, int level, int optname, const void* optval, unsigned optlen);
    int (*getsockopt)(socket* sock, int level, int optname, void* optval, int* optlen);
    // The bytes sent, or -errno.
    int (*sendmsg)(socket* sock, msghdr* m, size_t total_len);
    // The bytes received (or the datagram's length with MSG_TRUNC), or -errno.
    int (*recvmsg)(socket* sock, msghdr* m, size_t total_len, int flags);
    int (*mmap)(file* f, socket* sock, void* vma);
    long (*sendpage)(socket* sock, void* page, int offset, size_t size, int flags);
};

// A protocol family (Linux's struct net_proto_family), registered with
// sock_register() in net_families[family].
struct net_proto_family {
    int family;
    int (*create)(socket* sock, int protocol, int kern);
};

struct socket {
    socket_state state;
    short type;                 // SOCK_*
    unsigned long flags;        // SOCKWQ_*
    struct file* file;               // the file it is mapped to, nullptr before sock_map_fd
    struct sock* sk;                   // the protocol's part
    const proto_ops* ops;
    wait_queue_head wq;         // readers, writers and poll() wait here
};

// Kernel-internal errno returned by proto_ops::ioctl for "not mine" (Linux's).
constexpr int ENOIOCTLCMD = 515;

// Registration ---------------------------------------------------------------

// 0, or -ENOBUFS (family out of range), -EEXIST (taken).
int sock_register(const net_proto_family* ops);
void sock_unregister(int family);
// Linux's core_initcall(sock_init): the socket inode cache. Once at boot,
// again in host tests (after a slab reset).
void sock_init();

// Creation and release ----------------------------------------------------------

// kern: a socket for the kernel itself (no permission checks).
int __sock_create(int family, int type, int protocol, socket** res, int kern);
int sock_create(int family, int type, int protocol, socket** res);
int sock_create_kern(int family, int type, int protocol, socket** res);
// The LSM hook of __sock_create (include/linux/security.h): 0 or -EPERM.
int security_socket_create(int family, int type, int protocol, int kern);
// A socket in its inode (S_IFSOCK), or nullptr (ENFILE).
socket* sock_alloc();
// The family's release, then the inode (unless a file still holds it).
void sock_release(socket* sock);
// A descriptor for sock with socket_file_ops; flags O_CLOEXEC, O_NONBLOCK.
// The fd, or -errno (EMFILE, ENFILE): the socket is released then.
int sock_map_fd(socket* sock, unsigned flags);
// The socket behind a file / an inode, Linux's sock_from_file / SOCKET_I.
socket* sock_from_file(file* f);
socket* SOCKET_I(inode* i);
inode* SOCK_INODE(socket* sock);
extern const file_operations socket_file_ops;
unsigned sockets_in_use();   // /proc/net/sockstat

// The socket behind descriptor fd, the file reference held for the length
// of a syscall; err is -EBADF or -ENOTSOCK when there is none.
class socket_ref {
public:
    explicit socket_ref(int fd);
    ~socket_ref();
    socket_ref(const socket_ref&) = delete;
    socket_ref& operator=(const socket_ref&) = delete;
    explicit operator bool() const { return sock_ != nullptr; }
    socket* get() const { return sock_; }
    socket* operator->() const { return sock_; }
    int err() const { return err_; }

private:
    file* file_ = nullptr;
    socket* sock_ = nullptr;
    int err_ = 0;
};

// Data through a socket (flags MSG_*). The bytes moved, or -errno.
int sock_sendmsg(socket* sock, msghdr* m);
int sock_recvmsg(socket* sock, msghdr* m, int flags);

// User addresses: into a kernel sockaddr_storage (0 or -EINVAL, -EFAULT),
// and out to (uaddr, *ulen) truncated to *ulen, with *ulen set to klen.
int move_addr_to_kernel(const void* uaddr, int ulen, sockaddr_storage* kaddr);
int move_addr_to_user(const sockaddr_storage* kaddr, int klen, void* uaddr, int* ulen);

// Capabilities (include/uapi/linux/capability.h numbers): an app has them
// all when it was built with APP_PRIVILEGED (PF_PRIVILEGED), none otherwise.
constexpr int CAP_NET_BIND_SERVICE = 10;
constexpr int CAP_NET_ADMIN = 12;
constexpr int CAP_NET_RAW = 13;
bool capable(int cap);

// The syscalls ---------------------------------------------------------------

long sys_socket(int family, int type, int protocol);
long sys_socketpair(int family, int type, int protocol, int* usockvec);
long sys_bind(int fd, const sockaddr* umyaddr, int addrlen);
long sys_connect(int fd, const sockaddr* uservaddr, int addrlen);
long sys_listen(int fd, int backlog);
long sys_accept(int fd, sockaddr* upeer_sockaddr, int* upeer_addrlen);
long sys_accept4(int fd, sockaddr* upeer_sockaddr, int* upeer_addrlen, int flags);
long sys_getsockname(int fd, sockaddr* usockaddr, int* usockaddr_len);
long sys_getpeername(int fd, sockaddr* usockaddr, int* usockaddr_len);
long sys_send(int fd, const void* buff, size_t len, unsigned flags);
long sys_sendto(int fd, const void* buff, size_t len, unsigned flags, const sockaddr* addr, int addr_len);
long sys_recv(int fd, void* ubuf, size_t size, unsigned flags);
long sys_recvfrom(int fd, void* ubuf, size_t size, unsigned flags, sockaddr* addr, int* addr_len);
long sys_shutdown(int fd, int how);
long sys_setsockopt(int fd, int level, int optname, const void* optval, int optlen);
long sys_getsockopt(int fd, int level, int optname, void* optval, int* optlen);
long sys_sendmsg(int fd, user_msghdr* msg, unsigned flags);
long sys_recvmsg(int fd, user_msghdr* msg, unsigned flags);
long sys_sendmmsg(int fd, mmsghdr* mmsg, unsigned vlen, unsigned flags);
long sys_recvmmsg(int fd, mmsghdr* mmsg, unsigned vlen, unsigned flags, uapi::timespec* timeout);
long sys_socketcall(int call, unsigned long* args);
