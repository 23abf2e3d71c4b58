// Text listings of the IPv4 state, as Linux's /proc/net files and the
// net-tools commands print them (net/ipv4/proc.c, route.c, arp.c). Each
// writes into buf, NUL-terminated, truncated at len, and returns the
// length it needed (call again with a bigger buffer if it is >= len). The
// lead wires them to /proc/net/* and shell commands.
#pragma once
#include <stddef.h>

// ifconfig: every device (or the one named), its addresses, flags, MTU
// and counters, net-tools' layout.
size_t ifconfig_show(char* buf, size_t len, const char* ifname);
// /proc/net/route (hex addresses as the kernel stores them) and route -n.
size_t rt_proc_show(char* buf, size_t len);
size_t route_show(char* buf, size_t len);
// /proc/net/arp, and ip neigh's form with the NUD states.
size_t arp_seq_show(char* buf, size_t len);
size_t neigh_show(char* buf, size_t len);
// /proc/net/snmp (Ip:, Icmp:), /proc/net/netstat (IpExt:, Arp:), and
// netstat -s's readable form of all counters with reassembly usage.
size_t snmp_seq_show(char* buf, size_t len);
size_t netstat_seq_show(char* buf, size_t len);
size_t netstat_s_show(char* buf, size_t len);

struct proc_dir_entry;
// Creates /proc/net and its snmp, netstat, arp, route and pnp files
// (Linux's ipv4_proc_init; once, from ipv4_init). /proc/net/dev and
// friends of the net core belong in the same directory: ipv4_proc_net().
void ipv4_proc_init();
proc_dir_entry* ipv4_proc_net();
