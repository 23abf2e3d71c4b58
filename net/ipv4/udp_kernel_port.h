// UDP ports that a kernel client receives on through its own packet_type,
// not through a socket: the DHCP client (port 68), as Linux's ipconfig
// does with dev_add_pack(ETH_P_IP). While a port is claimed, IP must not
// answer a datagram to it with ICMP protocol unreachable (no UDP yet), and
// udp_rcv must not answer port unreachable (RFC 1122 4.1.3.1) when no
// socket holds the port: the datagram was already delivered.
#pragma once
#include <stdint.h>

struct sk_buff;

// Counted: two claims need two releases.
void udp_kernel_port_claim(uint16_t port);
void udp_kernel_port_release(uint16_t port);
bool udp_kernel_port_claimed(uint16_t port);
// skb->data at a UDP header (IP's transport header): whether its
// destination port is claimed. False for a header too short to hold one.
bool udp_kernel_claims(const sk_buff* skb);
