// A socket's error queue (Linux's include/linux/errqueue.h and the
// sock_queue_err_skb/sock_dequeue_err_skb pair of net/core/skbuff.c): with
// IP_RECVERR, an ICMP error about a datagram the socket sent, or a local
// error on sending one, is kept as an skb holding the quoted datagram's
// payload, read back with recvmsg(MSG_ERRQUEUE) and a control message
// carrying struct sock_extended_err.
#pragma once
#include <stdint.h>

#include "net/core/skbuff.h"
#include "net/ipv4/ip.h"

// The user's struct (linux/errqueue.h), 16 bytes; the offender's
// sockaddr_in follows it in the control message.
struct sock_extended_err {
    uint32_t ee_errno;   // positive errno
    uint8_t ee_origin;   // SO_EE_ORIGIN_*
    uint8_t ee_type;     // ICMP type
    uint8_t ee_code;     // ICMP code
    uint8_t ee_pad;
    uint32_t ee_info;    // e.g. the next hop's MTU for FRAG_NEEDED
    uint32_t ee_data;
};
static_assert(sizeof(sock_extended_err) == 16);

constexpr uint8_t SO_EE_ORIGIN_NONE = 0, SO_EE_ORIGIN_LOCAL = 1, SO_EE_ORIGIN_ICMP = 2;

// In skb->cb while the skb is on the error queue (Linux's SKB_EXT_ERR).
struct sock_exterr_skb {
    inet_skb_parm h4;
    sock_extended_err ee;
    uint16_t addr_offset;   // the destination's address, from the network header
    __be16 port;            // the destination's port (0 for raw sockets)
};
static_assert(sizeof(sock_exterr_skb) <= sizeof(sk_buff::cb));
inline sock_exterr_skb* SKB_EXT_ERR(sk_buff* skb) { return reinterpret_cast<sock_exterr_skb*>(skb->cb); }

// Queues skb, charged to the receive buffer: -ENOMEM (skb not taken) when
// that is full. Wakes the socket's error report.
int sock_queue_err_skb(struct sock* sk, sk_buff* skb);
// The oldest error, and sk_err set from the one after it (0 when none).
sk_buff* sock_dequeue_err_skb(struct sock* sk);
