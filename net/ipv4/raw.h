// The raw socket delivery hook (Linux's raw_local_deliver / raw_icmp_error,
// net/ipv4/raw.c). IP calls it for every datagram delivered locally, before
// the protocol handler, so a raw socket sees every packet of its protocol:
// ping's echo replies through a SOCK_RAW IPPROTO_ICMP socket, for example.
// The raw socket layer (written later) fills it in with raw_v4_set_hooks();
// until then nothing is registered and IP behaves as without raw sockets.
#pragma once
#include <stdint.h>

#include "net/core/skbuff.h"

struct raw_v4_hooks {
    // skb->data at the transport header, skb_network_header() at the IP
    // header, IPCB() filled in. Runs in softirq context. Must not free or
    // change skb: a socket that wants the packet takes skb_clone() (and
    // skb_push()es its clone back to the IP header). Returns true if at
    // least one raw socket took a copy: the datagram then counts as
    // delivered and an unknown protocol gets no ICMP protocol unreachable
    // (RFC 1122 3.2.2.1 applies only when nobody wanted it).
    bool (*deliver)(sk_buff* skb, uint8_t protocol);
    // An ICMP error about a datagram of that protocol (as
    // net_protocol::err_handler: skb->data at the inner IP header).
    void (*icmp_error)(sk_buff* skb, uint8_t protocol, uint32_t info);
};

// Installs the hooks (nullptr: none). From process context.
void raw_v4_set_hooks(const raw_v4_hooks* hooks);
// IP's side: false / nothing when no hooks are installed.
bool raw_local_deliver(sk_buff* skb, uint8_t protocol);
void raw_icmp_error(sk_buff* skb, uint8_t protocol, uint32_t info);
