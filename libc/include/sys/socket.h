/* Sockets (POSIX <sys/socket.h>) with the Linux MIPS o32 values the kernel
   uses (arch/mips/include/uapi/asm/socket.h: SOCK_DGRAM is 1 and SOCK_STREAM
   2 on MIPS, SOL_SOCKET is 0xffff, the SO_* numbers are MIPS's own).
   newlib has no socket headers; libc/socket.cpp has the calls. */
#ifndef _SYS_SOCKET_H
#define _SYS_SOCKET_H
#include <sys/types.h>
#include <sys/uio.h>
#ifdef __cplusplus
extern "C" {
#endif

typedef __socklen_t socklen_t;
typedef unsigned short sa_family_t;

struct sockaddr {
    sa_family_t sa_family;
    char sa_data[14];
};

struct sockaddr_storage {
    sa_family_t ss_family;
    char __ss_data[126];
} __attribute__((aligned(4)));

struct msghdr {
    void* msg_name;
    socklen_t msg_namelen;
    struct iovec* msg_iov;
    size_t msg_iovlen;
    void* msg_control;
    size_t msg_controllen;
    int msg_flags;
};

struct mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};

struct cmsghdr {
    size_t cmsg_len;
    int cmsg_level;
    int cmsg_type;
};
/* Walking control messages (POSIX's macros; data aligned to size_t). */
#define CMSG_ALIGN(len) (((len) + sizeof(size_t) - 1) & ~(sizeof(size_t) - 1))
#define CMSG_LEN(len) (CMSG_ALIGN(sizeof(struct cmsghdr)) + (len))
#define CMSG_SPACE(len) (CMSG_ALIGN(sizeof(struct cmsghdr)) + CMSG_ALIGN(len))
#define CMSG_DATA(cmsg) ((unsigned char*)(cmsg) + CMSG_ALIGN(sizeof(struct cmsghdr)))
#define CMSG_FIRSTHDR(mhdr) \
    ((size_t)(mhdr)->msg_controllen >= sizeof(struct cmsghdr) ? (struct cmsghdr*)(mhdr)->msg_control : (struct cmsghdr*)0)
static inline struct cmsghdr* __cmsg_nxthdr(struct msghdr* mhdr, struct cmsghdr* cmsg) {
    unsigned char* next = (unsigned char*)cmsg + CMSG_ALIGN(cmsg->cmsg_len);
    unsigned char* end = (unsigned char*)mhdr->msg_control + mhdr->msg_controllen;
    if (cmsg->cmsg_len < sizeof(struct cmsghdr) || next + sizeof(struct cmsghdr) > end ||
        next + CMSG_ALIGN(((struct cmsghdr*)next)->cmsg_len) > end) {
        return (struct cmsghdr*)0;
    }
    return (struct cmsghdr*)next;
}
#define CMSG_NXTHDR(mhdr, cmsg) __cmsg_nxthdr(mhdr, cmsg)

struct linger {
    int l_onoff;
    int l_linger;
};

/* Socket types (MIPS). */
#define SOCK_DGRAM 1
#define SOCK_STREAM 2
#define SOCK_RAW 3
#define SOCK_RDM 4
#define SOCK_SEQPACKET 5
#define SOCK_DCCP 6
#define SOCK_PACKET 10
#define SOCK_NONBLOCK 0x80      /* O_NONBLOCK of Linux MIPS */
#define SOCK_CLOEXEC 0x80000    /* O_CLOEXEC of Linux MIPS */

/* Families. */
#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_LOCAL AF_UNIX
#define AF_INET 2
#define AF_INET6 10
#define AF_NETLINK 16
#define AF_PACKET 17
#define AF_MAX 46
#define PF_UNSPEC AF_UNSPEC
#define PF_UNIX AF_UNIX
#define PF_LOCAL AF_LOCAL
#define PF_INET AF_INET
#define PF_INET6 AF_INET6
#define PF_NETLINK AF_NETLINK
#define PF_PACKET AF_PACKET
#define PF_MAX AF_MAX

/* Levels. */
#define SOL_SOCKET 0xffff
#define SOL_IP 0
#define SOL_RAW 255
#define SOL_UDP 17
#define SOL_PACKET 263

/* SOL_SOCKET options (MIPS). */
#define SO_DEBUG 0x0001
#define SO_REUSEADDR 0x0004
#define SO_KEEPALIVE 0x0008
#define SO_DONTROUTE 0x0010
#define SO_BROADCAST 0x0020
#define SO_LINGER 0x0080
#define SO_OOBINLINE 0x0100
#define SO_REUSEPORT 0x0200
#define SO_SNDBUF 0x1001
#define SO_RCVBUF 0x1002
#define SO_SNDLOWAT 0x1003
#define SO_RCVLOWAT 0x1004
#define SO_SNDTIMEO 0x1005     /* struct timeval; libc converts to o32's 32-bit fields */
#define SO_RCVTIMEO 0x1006
#define SO_ERROR 0x1007        /* a newlib errno value (libc translates) */
#define SO_TYPE 0x1008
#define SO_ACCEPTCONN 0x1009
#define SO_PROTOCOL 0x1028
#define SO_DOMAIN 0x1029
#define SO_NO_CHECK 11
#define SO_PRIORITY 12
#define SO_BINDTODEVICE 25
#define SO_TIMESTAMP 29
#define SO_TIMESTAMPNS 35
/* Their control messages carry the kernel's o32 struct timeval/timespec:
   two 32-bit words (newlib's time_t is 64-bit). */
#define SCM_TIMESTAMP SO_TIMESTAMP
#define SCM_TIMESTAMPNS SO_TIMESTAMPNS
#define SO_MARK 36
#define SO_RXQ_OVFL 40

/* Flags for send/recv. */
#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_CONFIRM 0x800
#define MSG_ERRQUEUE 0x2000
#define MSG_NOSIGNAL 0x4000
#define MSG_MORE 0x8000
#define MSG_WAITFORONE 0x10000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2
#define SOMAXCONN 4096

int socket(int domain, int type, int protocol);
int socketpair(int domain, int type, int protocol, int sv[2]);
int bind(int fd, const struct sockaddr* addr, socklen_t len);
int connect(int fd, const struct sockaddr* addr, socklen_t len);
int listen(int fd, int backlog);
int accept(int fd, struct sockaddr* addr, socklen_t* len);
int accept4(int fd, struct sockaddr* addr, socklen_t* len, int flags);
int getsockname(int fd, struct sockaddr* addr, socklen_t* len);
int getpeername(int fd, struct sockaddr* addr, socklen_t* len);
ssize_t send(int fd, const void* buf, size_t n, int flags);
ssize_t recv(int fd, void* buf, size_t n, int flags);
ssize_t sendto(int fd, const void* buf, size_t n, int flags, const struct sockaddr* addr, socklen_t len);
ssize_t recvfrom(int fd, void* buf, size_t n, int flags, struct sockaddr* addr, socklen_t* len);
ssize_t sendmsg(int fd, const struct msghdr* msg, int flags);
ssize_t recvmsg(int fd, struct msghdr* msg, int flags);
int sendmmsg(int fd, struct mmsghdr* vmessages, unsigned int vlen, int flags);
int recvmmsg(int fd, struct mmsghdr* vmessages, unsigned int vlen, int flags, struct timespec* timeout);
int getsockopt(int fd, int level, int optname, void* optval, socklen_t* optlen);
int setsockopt(int fd, int level, int optname, const void* optval, socklen_t optlen);
int shutdown(int fd, int how);

#ifdef __cplusplus
}
#endif
#endif
