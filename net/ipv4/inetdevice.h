// IPv4 addresses of interfaces (Linux's include/linux/inetdevice.h,
// net/ipv4/devinet.c): an in_device per net_device that carries IPv4, with
// its addresses (in_ifaddr: address, mask, broadcast, label, as ifconfig
// shows them) and the multicast groups it has joined.
//
// An address added here also gets its connected route (route.h) and, on a
// device that is up, a gratuitous ARP announcement (RFC 5227 2.3). The
// loopback device gets 127.0.0.1/8 when it comes up, every multicast-capable
// device joins 224.0.0.1 (RFC 1112 all-hosts). Devices going away lose
// their addresses, routes and neighbours (netdevice notifier).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/list.h"
#include "net/core/if.h"
#include "net/core/sockios.h"
#include "net/ipv4/in.h"

struct net_device;
struct in_device;

struct in_ifaddr {
    list_head node;          // on in_device::ifa_list, in the order added
    in_device* ifa_dev;
    __be32 ifa_local;        // the address
    __be32 ifa_address;      // the same (a point-to-point peer is not supported)
    __be32 ifa_mask;
    __be32 ifa_broadcast;    // 0 for /31 and /32 and loopback
    uint8_t ifa_prefixlen;
    uint8_t ifa_flags;       // IFA_F_*
    char ifa_label[IFNAMSIZ];
};
constexpr uint8_t IFA_F_SECONDARY = 0x01;  // another address of the device covers its subnet

struct ip_mc_list {
    __be32 multiaddr;
    unsigned users;
};
constexpr unsigned IN_DEV_MAX_MC = 64;
constexpr unsigned IN_DEV_MAX_ADDRS = 16;

struct in_device {
    list_head node;          // on the list of all in_devices
    net_device* dev;
    list_head ifa_list;
    unsigned ifa_count;
    ip_mc_list mc[IN_DEV_MAX_MC];
    unsigned mc_count;
};

// The device's IPv4 state, nullptr when it has none (not registered yet).
in_device* __in_dev_get(const net_device* dev);
// for (in_ifaddr& ifa : in_dev_for_each_ifa(in_dev)) ...
inline list_entries<in_ifaddr, &in_ifaddr::node> in_dev_for_each_ifa(in_device* in_dev) {
    return list_entries<in_ifaddr, &in_ifaddr::node>(&in_dev->ifa_list);
}
// The device's first (primary) address, or nullptr.
in_ifaddr* in_dev_primary_ifa(in_device* in_dev);
// Calls fn for every in_device, in registration order.
void for_each_in_dev(void (*fn)(in_device& in_dev, void* arg), void* arg);

// Adds local/prefixlen to dev; broadcast 0 means the subnet's (none for
// /31 and /32). label nullptr: the device name. 0, or -ENODEV (no IPv4
// on dev), -EINVAL (not a unicast address, prefixlen > 32), -EEXIST,
// -ENOSPC (IN_DEV_MAX_ADDRS), -ENOMEM.
int inet_ifa_add(net_device* dev, __be32 local, unsigned prefixlen, __be32 broadcast, const char* label);
// 0, or -ENODEV, -EADDRNOTAVAIL.
int inet_ifa_del(net_device* dev, __be32 local);
in_ifaddr* inet_ifa_find(const net_device* dev, __be32 local);

// The device whose address this is, or nullptr (Linux's __ip_dev_find).
net_device* __ip_dev_find(__be32 addr);
// A source address on dev for talking to dst: an address whose subnet
// holds dst, else the primary; 0 when dev has none (Linux's
// inet_select_addr; scope: loopback addresses only for loopback devices).
__be32 inet_select_addr(const net_device* dev, __be32 dst);

// Multicast membership of a device: IGMP reports the groups (all but
// 224.0.0.1, RFC 2236 6; igmp.h), the Ethernet filter follows through
// dev_mc_add (RFC 1112 6.4 mapping).
int ip_mc_inc_group(in_device* in_dev, __be32 group);   // 0, -EINVAL, -ENOSPC
int ip_mc_dec_group(in_device* in_dev, __be32 group);   // 0, -ENOENT
bool ip_check_mc(const in_device* in_dev, __be32 group);
// 01:00:5e and the low 23 bits of the group (RFC 1112 6.4).
void ip_eth_mc_map(__be32 group, uint8_t* mac);

// ioctl requests: SIOCGIFADDR... (net/core/sockios.h).
// Linux's devinet_ioctl() on one address field of the device's primary
// address (ifname may carry a ":label"), the value in network order: the
// socket layer copies struct ifreq in and out around it. SIOCSIFADDR
// replaces the primary address (classful mask if there was none; 0
// deletes it); SIOCSIFNETMASK takes only contiguous masks. 0, or -ENODEV,
// -EADDRNOTAVAIL (no address yet), -EINVAL.
int devinet_ioctl(unsigned cmd, const char* ifname, __be32* value);

void devinet_init();
void devinet_exit();  // forgets every in_device (tests)
