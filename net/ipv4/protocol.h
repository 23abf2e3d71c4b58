// The transport protocols above IPv4, by protocol number (Linux's
// include/net/protocol.h, net/ipv4/protocol.c): inet_protos[256], filled by
// inet_add_protocol() as inet_init does for ICMP, and later UDP
// and TCP.
#pragma once
#include <stdint.h>

#include "net/core/skbuff.h"
#include "net/ipv4/in.h"

struct net_protocol {
    // A datagram for this host, skb->data at the protocol's header (the IP
    // header is skb_network_header, IPCB() says how it was routed). Owns
    // the skb: frees or keeps it. Returns 0, or -protocol to hand the
    // packet on to another protocol number (Linux's resubmit).
    int (*handler)(sk_buff* skb);
    // An ICMP error about a datagram we sent: skb->data at the copy of our
    // IP header inside the ICMP message (at least that header and 8 payload
    // octets are there), icmp_hdr() the ICMP header (type and code); info
    // is the next-hop MTU for fragmentation needed, the pointer for a
    // parameter problem, else 0 (Linux's). Must not free or keep the skb.
    // Returns 0 or -errno.
    int (*err_handler)(sk_buff* skb, uint32_t info);
};

// 0, or -1 when that number is taken (Linux's interface).
int inet_add_protocol(const net_protocol* prot, uint8_t protocol);
// 0, or -1 when prot is not the one registered.
int inet_del_protocol(const net_protocol* prot, uint8_t protocol);
const net_protocol* inet_protocol(uint8_t protocol);
void inet_protos_reset();   // every slot empty (boot, tests)
