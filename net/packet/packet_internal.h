// What the files of PF_PACKET share, and what the tests reach (Linux keeps
// all of it static in net/packet/af_packet.c; here it is split by job:
// af_packet.cpp the socket's life, binding and the family, packet_rcv.cpp
// receiving, packet_snd.cpp sending, packet_sockopt.cpp memberships,
// options and ioctls).
#pragma once
#include "net/core/netdevice.h"
#include "net/core/sock.h"
#include "net/packet/af_packet.h"
#include "net/socket.h"

constexpr unsigned VLAN_HLEN = 4;

// A membership taken with PACKET_ADD_MEMBERSHIP (Linux's packet_mclist),
// given back at DROP_MEMBERSHIP or when the socket closes.
struct packet_mclist {
    packet_mclist* next;
    int ifindex;
    int count;
    uint16_t type;
    uint16_t alen;
    uint8_t addr[MAX_ADDR_LEN];
};

struct packet_sock {
    sock sk;                       // first: sk_alloc() allocates obj_size
    unsigned tp_packets;           // queued since the last PACKET_STATISTICS
    unsigned tp_drops;             // dropped since then (atomic)
    packet_mclist* mclist;
    int ifindex;                   // bound device, 0 any, -1 when it went away
    __be16 num;                    // bound protocol, network order; 0 none
    bool running;                  // prot_hook is on a ptype list
    bool origdev;                  // PACKET_ORIGDEV
    packet_type prot_hook;
};

inline packet_sock* pkt_sk(struct sock* sk) { return reinterpret_cast<packet_sock*>(sk); }

// What packet_rcv leaves in skb->cb for recvmsg (Linux's packet_skb_cb).
struct packet_skb_cb {
    union {
        sockaddr_pkt pkt;
        sockaddr_ll ll;
    } sa;
    unsigned origlen;
};
static_assert(sizeof(packet_skb_cb) <= sizeof(sk_buff::cb));
inline packet_skb_cb* PACKET_SKB_CB(sk_buff* skb) { return reinterpret_cast<packet_skb_cb*>(skb->cb); }

int packet_create(socket* sock, int protocol, int kern);

// packet_rcv.cpp
int packet_rcv(sk_buff* skb, net_device* dev, packet_type* pt, net_device* orig_dev);
int packet_rcv_spkt(sk_buff* skb, net_device* dev, packet_type* pt, net_device* orig_dev);
int packet_recvmsg(socket* sock, msghdr* msg, size_t len, int flags);

// packet_snd.cpp
int packet_sendmsg(socket* sock, msghdr* msg, size_t len);
int packet_sendmsg_spkt(socket* sock, msghdr* msg, size_t len);

// packet_sockopt.cpp
int packet_dev_mc(net_device* dev, const packet_mclist* i, int what);
void packet_flush_mclist(struct sock* sk);
int packet_setsockopt(socket* sock, int level, int optname, const void* optval, unsigned optlen);
int packet_getsockopt(socket* sock, int level, int optname, void* optval, int* optlen);
int packet_ioctl(socket* sock, unsigned cmd, unsigned long arg);
