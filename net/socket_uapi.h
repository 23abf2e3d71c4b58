// The socket ABI of Linux on MIPS o32, as apps see it: address families,
// socket types, flags, option numbers and the user structures (Linux's
// include/linux/socket.h, include/uapi/linux/net.h, arch/mips/include/uapi/
// asm/socket.h and sockios.h, include/uapi/linux/if.h and sockios.h).
// Values were read from the installed MIPS headers; MIPS differs from the
// other architectures in SOCK_DGRAM/SOCK_STREAM, SOL_SOCKET and most SO_*.
// libc/include/sys/socket.h carries the same numbers for apps.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/uapi/fcntl.h"
#include "kernel/uapi/types.h"
#include "net/core/if.h"
#include "net/core/sockios.h"

// Address families (include/linux/socket.h). NPROTO is AF_MAX: families
// at or past it are EAFNOSUPPORT before anything else is looked at.
constexpr int AF_UNSPEC = 0;
constexpr int AF_UNIX = 1;
constexpr int AF_INET = 2;
constexpr int AF_AX25 = 3;
constexpr int AF_IPX = 4;
constexpr int AF_APPLETALK = 5;
constexpr int AF_INET6 = 10;
constexpr int AF_KEY = 15;
constexpr int AF_NETLINK = 16;
constexpr int AF_PACKET = 17;
constexpr int AF_BLUETOOTH = 31;
constexpr int AF_MAX = 46;
constexpr int NPROTO = AF_MAX;
constexpr int PF_UNSPEC = AF_UNSPEC;
constexpr int PF_UNIX = AF_UNIX;
constexpr int PF_INET = AF_INET;
constexpr int PF_INET6 = AF_INET6;
constexpr int PF_NETLINK = AF_NETLINK;
constexpr int PF_PACKET = AF_PACKET;

// Socket types (arch/mips/include/asm/socket.h: MIPS swaps DGRAM and STREAM).
constexpr int SOCK_DGRAM = 1;
constexpr int SOCK_STREAM = 2;
constexpr int SOCK_RAW = 3;
constexpr int SOCK_RDM = 4;
constexpr int SOCK_SEQPACKET = 5;
constexpr int SOCK_DCCP = 6;
constexpr int SOCK_PACKET = 10;
constexpr int SOCK_MAX = SOCK_PACKET + 1;
constexpr int SOCK_TYPE_MASK = 0xf;
// Flags or'ed into the type of socket(), socketpair() and accept4()'s flags.
constexpr int SOCK_CLOEXEC = static_cast<int>(uapi::o_cloexec);    // 0x80000
constexpr int SOCK_NONBLOCK = static_cast<int>(uapi::o_nonblock);  // 0x80
static_assert(SOCK_CLOEXEC == 0x80000 && SOCK_NONBLOCK == 0x80, "MIPS values");

// send/recv flags (include/linux/socket.h).
constexpr unsigned MSG_OOB = 0x1;
constexpr unsigned MSG_PEEK = 0x2;
constexpr unsigned MSG_DONTROUTE = 0x4;
constexpr unsigned MSG_CTRUNC = 0x8;
constexpr unsigned MSG_PROBE = 0x10;
constexpr unsigned MSG_TRUNC = 0x20;
constexpr unsigned MSG_DONTWAIT = 0x40;
constexpr unsigned MSG_EOR = 0x80;
constexpr unsigned MSG_WAITALL = 0x100;
constexpr unsigned MSG_FIN = 0x200;
constexpr unsigned MSG_SYN = 0x400;
constexpr unsigned MSG_CONFIRM = 0x800;
constexpr unsigned MSG_RST = 0x1000;
constexpr unsigned MSG_ERRQUEUE = 0x2000;
constexpr unsigned MSG_NOSIGNAL = 0x4000;
constexpr unsigned MSG_MORE = 0x8000;
constexpr unsigned MSG_WAITFORONE = 0x10000;
constexpr unsigned MSG_BATCH = 0x40000;
constexpr unsigned MSG_CMSG_CLOEXEC = 0x40000000;

// Option levels.
constexpr int SOL_IP = 0;
constexpr int SOL_RAW = 255;
constexpr int SOL_PACKET = 263;
constexpr int SOL_SOCKET = 0xffff;   // MIPS (1 elsewhere)

// SOL_SOCKET options (arch/mips/include/uapi/asm/socket.h).
constexpr int SO_DEBUG = 0x0001;
constexpr int SO_REUSEADDR = 0x0004;
constexpr int SO_KEEPALIVE = 0x0008;
constexpr int SO_DONTROUTE = 0x0010;
constexpr int SO_BROADCAST = 0x0020;
constexpr int SO_LINGER = 0x0080;
constexpr int SO_OOBINLINE = 0x0100;
constexpr int SO_REUSEPORT = 0x0200;
constexpr int SO_SNDBUF = 0x1001;
constexpr int SO_RCVBUF = 0x1002;
constexpr int SO_SNDLOWAT = 0x1003;
constexpr int SO_RCVLOWAT = 0x1004;
constexpr int SO_SNDTIMEO = 0x1005;   // SO_SNDTIMEO_OLD: struct timeval of 32-bit longs
constexpr int SO_RCVTIMEO = 0x1006;   // SO_RCVTIMEO_OLD
constexpr int SO_ERROR = 0x1007;
constexpr int SO_TYPE = 0x1008;
constexpr int SO_ACCEPTCONN = 0x1009;
constexpr int SO_PROTOCOL = 0x1028;
constexpr int SO_DOMAIN = 0x1029;
constexpr int SO_NO_CHECK = 11;
constexpr int SO_PRIORITY = 12;
constexpr int SO_BINDTODEVICE = 25;
constexpr int SO_TIMESTAMP = 29;      // SO_TIMESTAMP_OLD
constexpr int SO_TIMESTAMPNS = 35;    // SO_TIMESTAMPNS_OLD
constexpr int SCM_TIMESTAMP = SO_TIMESTAMP;
constexpr int SCM_TIMESTAMPNS = SO_TIMESTAMPNS;
constexpr int SO_MARK = 36;
constexpr int SO_RXQ_OVFL = 40;

// shutdown(2)
constexpr int SHUT_RD = 0;
constexpr int SHUT_WR = 1;
constexpr int SHUT_RDWR = 2;
constexpr uint8_t RCV_SHUTDOWN = 1;
constexpr uint8_t SEND_SHUTDOWN = 2;
constexpr uint8_t SHUTDOWN_MASK = 3;

// socketcall(2) call numbers (include/uapi/linux/net.h).
enum : int {
    SYS_SOCKET = 1,
    SYS_BIND,
    SYS_CONNECT,
    SYS_LISTEN,
    SYS_ACCEPT,
    SYS_GETSOCKNAME,
    SYS_GETPEERNAME,
    SYS_SOCKETPAIR,
    SYS_SEND,
    SYS_RECV,
    SYS_SENDTO,
    SYS_RECVFROM,
    SYS_SHUTDOWN,
    SYS_SETSOCKOPT,
    SYS_GETSOCKOPT,
    SYS_SENDMSG,
    SYS_RECVMSG,
    SYS_ACCEPT4,
    SYS_RECVMMSG,
    SYS_SENDMMSG,
};

// listen(2)'s cap (net.core.somaxconn).
constexpr int SOMAXCONN = 4096;

using sa_family_t = uint16_t;

struct sockaddr {
    sa_family_t sa_family;
    char sa_data[14];
};
static_assert(sizeof(sockaddr) == 16);

// Big enough for any address (include/uapi/linux/socket.h).
constexpr size_t _K_SS_MAXSIZE = 128;
struct alignas(4) sockaddr_storage {
    sa_family_t ss_family;
    char __data[_K_SS_MAXSIZE - sizeof(sa_family_t)];
};
static_assert(sizeof(sockaddr_storage) == 128);

// struct msghdr as an o32 app lays it out (Linux's struct user_msghdr).
struct user_msghdr {
    void* msg_name;
    int msg_namelen;
    uapi::iovec* msg_iov;
    uint32_t msg_iovlen;
    void* msg_control;
    uint32_t msg_controllen;
    unsigned msg_flags;
};
// A control message's header as o32 lays it out (Linux's struct
// cmsghdr: cmsg_len is a 32-bit size_t there), data aligned to 4.
struct cmsghdr {
    uint32_t cmsg_len;   // header and data
    int cmsg_level;
    int cmsg_type;
};
constexpr size_t CMSG_ALIGN(size_t len) { return (len + sizeof(uint32_t) - 1) & ~(sizeof(uint32_t) - 1); }
constexpr size_t CMSG_LEN(size_t len) { return CMSG_ALIGN(sizeof(cmsghdr)) + len; }
constexpr size_t CMSG_SPACE(size_t len) { return CMSG_ALIGN(sizeof(cmsghdr)) + CMSG_ALIGN(len); }

struct mmsghdr {
    user_msghdr msg_hdr;
    unsigned msg_len;
};

struct linger {
    int l_onoff;
    int l_linger;
};

// Interface requests (include/uapi/linux/if.h). The union is 16 bytes on
// o32 (struct ifmap: two longs, a short and three chars).
struct ifmap {
    uint32_t mem_start;
    uint32_t mem_end;
    uint16_t base_addr;
    uint8_t irq;
    uint8_t dma;
    uint8_t port;
};
struct ifreq {
    char ifr_name[IFNAMSIZ];
    union {
        sockaddr ifr_addr;
        sockaddr ifr_dstaddr;
        sockaddr ifr_broadaddr;
        sockaddr ifr_netmask;
        sockaddr ifr_hwaddr;
        short ifr_flags;
        int ifr_ifindex;
        int ifr_metric;
        int ifr_mtu;
        int ifr_qlen;
        ifmap ifr_map;
        char ifr_slave[IFNAMSIZ];
        char ifr_newname[IFNAMSIZ];
        void* ifr_data;
    };
};
static_assert(sizeof(ifreq) == 32, "o32 struct ifreq");
struct ifconf {
    int ifc_len;
    union {
        char* ifc_buf;
        ifreq* ifc_req;
    };
};

// Socket ioctls: net/core/sockios.h.
