// PF_INET sockets (Linux's include/net/inet_sock.h, include/uapi/linux/in.h,
// net/ipv4/af_inet.c, net/ipv4/raw.c): the address structure, the IP-level
// socket options, struct inet_sock, and the protocol switch inetsw that
// inet_create looks (type, protocol) up in, filled from inetsw_array as
// Linux's inet_init does.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/byteorder.h"
#include "kernel/list.h"
#include "net/core/sock.h"
#include "net/ipv4/in.h"

struct in_addr {
    __be32 s_addr;
};
struct sockaddr_in {
    uint16_t sin_family;     // AF_INET
    __be16 sin_port;
    in_addr sin_addr;
    uint8_t sin_zero[8];
};
static_assert(sizeof(sockaddr_in) == 16);

// IPPROTO_MAX: protocols at or past it are EINVAL (include/uapi/linux/in.h).
constexpr int IPPROTO_MAX = 263;
// Ports below it need CAP_NET_BIND_SERVICE (include/net/sock.h).
constexpr unsigned short PROT_SOCK = 1024;

// SOL_IP options (include/uapi/linux/in.h; the same on MIPS).
constexpr int IP_TOS = 1;
constexpr int IP_TTL = 2;
constexpr int IP_HDRINCL = 3;
constexpr int IP_OPTIONS = 4;
constexpr int IP_PKTINFO = 8;
constexpr int IP_MTU_DISCOVER = 10;
constexpr int IP_RECVERR = 11;
constexpr int IP_RECVTTL = 12;
constexpr int IP_RECVTOS = 13;
constexpr int IP_MTU = 14;
constexpr int IP_MULTICAST_IF = 32;
constexpr int IP_MULTICAST_TTL = 33;
constexpr int IP_MULTICAST_LOOP = 34;
constexpr int IP_PMTUDISC_DONT = 0;   // never set DF
constexpr int IP_PMTUDISC_WANT = 1;   // DF when the datagram fits the path MTU (raw's default)
constexpr int IP_PMTUDISC_DO = 2;     // always DF: too big is EMSGSIZE
constexpr int IP_PMTUDISC_PROBE = 3;

// SOL_RAW: ICMP_FILTER, a bit per ICMP type (0-31) to drop.
constexpr int ICMP_FILTER = 1;
struct icmp_filter {
    uint32_t data;
};

struct inet_sock {
    struct sock sk;              // first
    __be32 inet_saddr;           // source for sends (0: the route's)
    __be32 inet_rcv_saddr;       // bound address (0: any)
    __be32 inet_daddr;           // connected peer (0: none)
    uint16_t inet_num;           // local port, host order (raw: the protocol); 0: unbound
    __be16 inet_sport;           // htons(inet_num)
    __be16 inet_dport;           // connected peer's port (0: none)
    int uc_ttl;                  // -1: the default (64)
    uint8_t tos;
    uint8_t pmtudisc;            // IP_PMTUDISC_*
    uint8_t mc_ttl;
    bool hdrincl;                // the caller builds the IP header (IPPROTO_RAW, IP_HDRINCL)
    bool recverr;                // IP_RECVERR
    bool mc_loop;
    uint8_t cmsg_flags;          // IP_CMSG_*: control messages recvmsg adds
    int mc_index;                // IP_MULTICAST_IF: the device for groups (0: the route's)
    __be32 mc_addr;              // and the source address (0: the device's)
    struct ip_mc_socklist* mc_list;   // IP_ADD_MEMBERSHIP's groups (igmp_sock.cpp)
    struct dst_entry* sk_dst_cache;   // the connected peer's route (route.h), under bh_guard
};
constexpr uint8_t IP_CMSG_PKTINFO = 1u << 0;
constexpr uint8_t IP_CMSG_TTL = 1u << 1;
constexpr uint8_t IP_CMSG_TOS = 1u << 2;

// IP_PKTINFO's control message (include/uapi/linux/in.h).
struct in_pktinfo {
    int ipi_ifindex;
    in_addr ipi_spec_dst;        // the local address a reply would come from
    in_addr ipi_addr;            // the datagram's destination
};
inline inet_sock* inet_sk(struct sock* sk) { return reinterpret_cast<inet_sock*>(sk); }

// One entry of the protocol switch (Linux's struct inet_protosw).
struct inet_protosw {
    list_head list;
    unsigned short type;         // SOCK_*
    unsigned short protocol;     // IPPROTO_*, IPPROTO_IP: wildcard
    proto* prot;
    const proto_ops* ops;
    int capability;              // -1: none needed
    unsigned char flags;         // INET_PROTOSW_*
};
constexpr unsigned char INET_PROTOSW_REUSE = 0x01;      // the port may be reused
constexpr unsigned char INET_PROTOSW_PERMANENT = 0x02;  // may not be replaced
constexpr unsigned char INET_PROTOSW_ICSK = 0x04;       // connection oriented

void inet_register_protosw(inet_protosw* p);
void inet_unregister_protosw(inet_protosw* p);

extern const proto_ops inet_stream_ops;
extern const proto_ops inet_dgram_ops;
extern const proto_ops inet_sockraw_ops;
extern proto tcp_prot;
extern proto udp_prot;
extern proto raw_prot;
extern proto ping_prot;

// Shared proto_ops entries (af_inet.cpp).
int inet_release(socket* sock);
int inet_bind(socket* sock, sockaddr* uaddr, int addr_len);
int inet_dgram_connect(socket* sock, sockaddr* uaddr, int addr_len, int flags);
// The stream calls (inet_stream.cpp).
int inet_stream_connect(socket* sock, sockaddr* uaddr, int addr_len, int flags);
int inet_accept(socket* sock, socket* newsock, int flags, bool kern);
int inet_listen(socket* sock, int backlog);
int inet_getname(socket* sock, sockaddr* uaddr, int peer);
int inet_ioctl(socket* sock, unsigned cmd, unsigned long arg);
int inet_shutdown(socket* sock, int how);
// A local port for a socket that sends or connects unbound (Linux's
// inet_autobind): 0, or -EAGAIN when no ephemeral port is free.
int inet_autobind(struct sock* sk);
int inet_sendmsg(socket* sock, msghdr* msg, size_t size);
int inet_recvmsg(socket* sock, msghdr* msg, size_t size, int flags);
// ip4_datagram_connect: the peer for a datagram socket (AF_UNSPEC disconnects).
int ip4_datagram_connect(struct sock* sk, sockaddr* uaddr, int addr_len);

// SOL_IP options for the datagram sockets (ip_sockglue.c in small).
int ip_setsockopt(struct sock* sk, int level, int optname, const void* optval, unsigned optlen);
int ip_getsockopt(struct sock* sk, int level, int optname, void* optval, int* optlen);
// The SOL_IP control messages the socket asked for (IP_PKTINFO,
// IP_RECVTTL, IP_RECVTOS) about a received datagram (Linux's ip_cmsg_recv).
void ip_cmsg_recv(msghdr* msg, struct sock* sk, const sk_buff* skb);

// IP_RECVERR's error queue (ip_recverr.cpp; Linux's ip_sockglue.c): an ICMP
// error about a datagram sk sent (skb as the err_handler has it, payload
// where the quoted datagram's data starts), a local error on sending, and
// recvmsg(MSG_ERRQUEUE).
void ip_icmp_error(struct sock* sk, sk_buff* skb, int err, __be16 port, uint32_t info, const uint8_t* payload);
void ip_local_error(struct sock* sk, int err, __be32 daddr, __be16 port, uint32_t info);
int ip_recv_error(struct sock* sk, msghdr* msg, size_t len, int* addr_len);

// Raw sockets (raw.cpp): the hash of raw socks by protocol, and the
// delivery hooks IP calls (net/ipv4/raw.h).
void raw_init();
void raw_exit();
