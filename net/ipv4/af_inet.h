// Bringing IPv4 up (Linux's inet_init in net/ipv4/af_inet.c),
// without the socket family itself: the socket layer's inet_init adds
// sock_register(&inet_family_ops), inetsw and the UDP/TCP/raw protocols
// and calls the same pieces in the same order.
#pragma once

void arp_init();     // arp.h
void ip_init();      // ip.h: routing, devinet, ip_packet_type
void icmp_init();    // icmp.h: inet_add_protocol(&icmp_protocol, IPPROTO_ICMP)
void ipfrag_init();  // ip.h
void devinet_init(); // inetdevice.h (ip_init calls it)

// From start_kernel after net_dev_init(): the counters, the protocol
// table, ARP, IP (routing, interface addresses, ETH_P_IP), ICMP,
// reassembly, then ip= (ipconfig.h). Prints one line saying so.
void ipv4_init();
// The reverse, for the host tests: every timer stopped, every queue and
// table entry freed, handlers and notifiers unregistered, so that the next
// test starts again from net_dev_init() + ipv4_init().
void ipv4_exit();

// The PF_INET socket family on top (fs_initcall(inet_init) in Linux's
// net/ipv4/af_inet.c): proto_register of the protocols, sock_register(&inet_family_ops),
// the inetsw switch from inetsw_array, then ipv4_init() and raw sockets'
// delivery hook. From start_kernel after sock_init() and net_dev_init().
int inet_init();
// inet_init's socket part alone, for tests that bring IPv4 up themselves
// (then raw_init() for the delivery hook).
int inet_family_init();
