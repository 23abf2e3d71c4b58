// IPv4 routing for a host (Linux's include/net/route.h, net/ipv4/route.c
// and the FIB of fib_frontend.c/fib_trie.c, reduced): one table of
// prefixes (connected routes from the interface addresses, static routes,
// a default gateway), longest prefix first, and the local addresses taken
// from the in_devices.
//
// No route cache: a lookup returns an rtable by value. Nothing refers to
// it after the packet has been handed to the neighbour layer, so there is
// nothing to invalidate when routes change.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/list.h"
#include "net/core/if.h"
#include "net/core/sockios.h"
#include "net/core/skbuff.h"
#include "net/ipv4/in.h"

struct net_device;

// Route types (Linux's include/uapi/linux/rtnetlink.h).
enum : uint8_t {
    RTN_UNSPEC,
    RTN_UNICAST,      // a gateway or a directly attached host
    RTN_LOCAL,        // one of our addresses
    RTN_BROADCAST,    // limited or directed broadcast: deliver locally, send as broadcast
    RTN_ANYCAST,
    RTN_MULTICAST,
    RTN_BLACKHOLE,
    RTN_UNREACHABLE,
    RTN_PROHIBIT,
};

// Route scopes.
enum : uint8_t { RT_SCOPE_UNIVERSE = 0, RT_SCOPE_LINK = 253, RT_SCOPE_HOST = 254, RT_SCOPE_NOWHERE = 255 };
// Who made a route (rtm_protocol).
enum : uint8_t { RTPROT_KERNEL = 2, RTPROT_BOOT = 3, RTPROT_STATIC = 4 };

// route(8) flags, as /proc/net/route shows them (include/uapi/linux/route.h).
constexpr unsigned RTF_UP = 0x0001;
constexpr unsigned RTF_GATEWAY = 0x0002;
constexpr unsigned RTF_HOST = 0x0004;
constexpr unsigned RTF_REJECT = 0x0200;

// rtable::rt_flags (Linux's RTCF_*).
constexpr unsigned RTCF_BROADCAST = 0x10000000;
constexpr unsigned RTCF_MULTICAST = 0x20000000;
constexpr unsigned RTCF_LOCAL = 0x80000000;

// What to route (Linux's struct flowi4).
struct flowi4 {
    int flowi4_oif = 0;        // ifindex to send from, 0: any
    uint8_t flowi4_tos = 0;
    uint8_t flowi4_proto = 0;
    __be32 saddr = 0;          // 0: the route's preferred source
    __be32 daddr = 0;
};

// A route lookup's answer (Linux's struct rtable, as a value).
struct rtable {
    net_device* dev = nullptr;  // out through (the loopback device for local)
    __be32 rt_dst = 0;          // the destination looked up
    __be32 rt_src = 0;          // source address to use
    __be32 rt_gateway = 0;      // next hop: the gateway, or rt_dst when on-link
    unsigned rt_mtu = 0;        // path MTU: the route's, else the device's
    unsigned rt_flags = 0;      // RTCF_*
    uint8_t rt_type = RTN_UNSPEC;
};

// A route a socket keeps (Linux's dst_entry, reduced; dst.cpp): trusted
// while rt_genid has not moved (every route added or removed, every
// device flushed moves it) and its device is up with the MTU it had.
struct dst_entry {
    int refcnt;                 // dst_hold / dst_release
    unsigned genid;             // rt_genid when it was made
    unsigned dev_mtu;           // the device's MTU then
    unsigned pmtu;              // learned from ICMP fragmentation needed, 0: none
    rtable rt;
};
constexpr unsigned IP_MIN_MTU_ROUTE = 68;   // RFC 791: no path is narrower
extern unsigned rt_genid;
void rt_cache_flush();                      // a route or device changed: every dst goes stale
dst_entry* dst_alloc(const rtable& rt);     // one reference; nullptr when memory is short
void dst_hold(dst_entry* dst);
void dst_release(dst_entry* dst);           // nullptr allowed
bool dst_valid(const dst_entry* dst);
unsigned dst_mtu(const dst_entry* dst);     // the path MTU: the route's, or lower if learned
void dst_update_pmtu(dst_entry* dst, unsigned mtu);   // RFC 1191: only lower, never under 68
// The socket's route (Linux's sk_dst_check): a reference to it when still
// valid, else it is dropped and nullptr. sk_dst_set takes over dst's
// reference (nullptr: none).
dst_entry* sk_dst_check(struct sock* sk);
void sk_dst_set(struct sock* sk, dst_entry* dst);
void sk_dst_reset(struct sock* sk);

// One entry of the table (Linux's fib_alias + fib_info + fib_nh).
struct fib_entry {
    list_head node;
    __be32 dst;                // network, masked
    __be32 mask;
    uint8_t prefixlen;
    uint8_t type;              // RTN_UNICAST, RTN_UNREACHABLE (reject)
    uint8_t scope;             // RT_SCOPE_LINK for connected, UNIVERSE via a gateway
    uint8_t protocol;          // RTPROT_*
    __be32 gw;                 // 0: on-link
    net_device* dev;
    __be32 prefsrc;            // 0: inet_select_addr()
    uint32_t priority;         // metric: lower wins among equal prefixes
    unsigned mtu;              // 0: the device's
};

// Adding routes (Linux's fib_config, what SIOCADDRT and ip route carry).
struct fib_config {
    __be32 dst = 0;
    unsigned prefixlen = 0;
    __be32 gw = 0;
    net_device* dev = nullptr;   // nullptr: the one that reaches gw
    __be32 prefsrc = 0;
    uint32_t priority = 0;
    unsigned mtu = 0;
    uint8_t type = RTN_UNICAST;
    uint8_t protocol = RTPROT_STATIC;
};
constexpr unsigned FIB_MAX_ENTRIES = 128;

// 0, or -EINVAL (bad prefix, dst has host bits), -ENETUNREACH (gateway not
// on a connected network), -ENODEV, -EEXIST, -ENOSPC, -ENOMEM.
int fib_add_route(const fib_config& cfg);
// Removes the first entry with this prefix (and gateway/device/metric if
// given non-zero). 0 or -ESRCH.
int fib_del_route(const fib_config& cfg);
// Connected routes of an interface address (devinet).
void fib_add_ifaddr(net_device* dev, __be32 local, unsigned prefixlen);
void fib_del_ifaddr(net_device* dev, __be32 local, unsigned prefixlen);
// A secondary address took over from a removed primary.
void fib_replace_prefsrc(net_device* dev, __be32 old_src, __be32 new_src);
void fib_flush_dev(net_device* dev);  // every route through dev
void fib_flush();                     // every route (tests)
// Calls fn for every entry, longest prefix first.
void fib_for_each(void (*fn)(const fib_entry& fe, void* arg), void* arg);

// How this host sees an address: RTN_LOCAL (ours, or 127/8 while lo has
// 127.0.0.1), RTN_BROADCAST (limited, 0/8, or a directed broadcast of one
// of our subnets), RTN_MULTICAST, else RTN_UNICAST (Linux's inet_addr_type).
unsigned inet_addr_type(__be32 addr);

// Output route for fl4 (fl4->saddr filled in when 0). 0, or -ENETUNREACH
// (counted OutNoRoutes), -EINVAL (saddr not ours, or a martian), -ENODEV
// (oif unknown or down).
int ip_route_output_key(flowi4* fl4, rtable* rt);
// Input decision for a received datagram: 0 with IPCB(skb)->rt_type set to
// RTN_LOCAL, RTN_BROADCAST or RTN_MULTICAST when it is for this host; else
// -EINVAL (martian source or destination) or -EHOSTUNREACH (someone
// else's: a host does not forward). The caller counts and drops.
int ip_route_input(sk_buff* skb, __be32 daddr, __be32 saddr, uint8_t tos, net_device* dev);

// SIOCADDRT / SIOCDELRT (include/uapi/linux/sockios.h), as route(8) uses
// them, with the sockaddrs of struct rtentry already unpacked by the
// socket layer.
struct rtentry_in {
    __be32 rt_dst;
    __be32 rt_gateway;
    __be32 rt_genmask;
    unsigned rt_flags;       // RTF_UP, RTF_GATEWAY, RTF_HOST, RTF_REJECT
    unsigned rt_metric;      // route(8)'s metric + 1 (0 also means metric 0), as Linux
    unsigned rt_mtu;
    char rt_dev[IFNAMSIZ];   // "" : any
};
int ip_rt_ioctl(unsigned cmd, const rtentry_in* rt);

void ip_rt_init();
