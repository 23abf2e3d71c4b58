// ip=dhcp: the DHCP client (dhcp_client.h) on a real device. Like Linux's
// net/ipv4/ipconfig.c it needs no UDP socket: it registers its own
// packet_type for ETH_P_IP (and ETH_P_ARP while it probes an address),
// builds its IP/UDP frames itself, and claims UDP port 68
// (udp_kernel_port.h). Unlike Linux's boot-only client it keeps running
// in a kernel thread ("kdhcp") that renews at T1, rebinds at T2 and gives
// the address up when the lease ends.
#pragma once
#include <stddef.h>

#include "net/ipv4/dhcp_client.h"

struct net_device;

// Opens dev and starts the client thread. 0, -EBUSY (already running),
// -ENOMEM, or dev_open's error.
int ic_dhcp_start(net_device* dev);
bool ic_dhcp_running();
// Sleeps until the first lease is bound or timeout_ms passes (a thread's
// call: init's, before the apps). True when bound.
bool ic_dhcp_wait(unsigned timeout_ms);
// The current lease; false when none is bound.
bool ic_dhcp_lease(dhcp_lease* out);
// /proc/net/dhcp: the state, the lease and its timers, the counters.
size_t dhcp_seq_show(char* buf, size_t len);
