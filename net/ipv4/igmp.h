// IGMPv2 for a host (RFC 2236, RFC 1112; Linux's net/ipv4/igmp.c): the
// reports and leaves of the groups this host joins, answers to queries
// after the random delay the RFC gives, report suppression, and the
// socket memberships (IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP) that make a
// device join a group.
#pragma once
#include <stdint.h>

#include "kernel/byteorder.h"
#include "net/core/skbuff.h"

struct sock;
struct in_device;

struct igmphdr {
    uint8_t type;
    uint8_t code;        // max response time in 1/10 s (queries)
    __sum16 csum;
    __be32 group;
};
static_assert(sizeof(igmphdr) == 8);

constexpr uint8_t IGMP_HOST_MEMBERSHIP_QUERY = 0x11;
constexpr uint8_t IGMP_HOST_MEMBERSHIP_REPORT = 0x12;      // v1
constexpr uint8_t IGMPV2_HOST_MEMBERSHIP_REPORT = 0x16;
constexpr uint8_t IGMP_HOST_LEAVE_MESSAGE = 0x17;
constexpr uint8_t IGMPV3_HOST_MEMBERSHIP_REPORT = 0x22;

// The socket option's argument (struct ip_mreqn; struct ip_mreq is its
// first 8 octets).
struct ip_mreqn {
    __be32 imr_multiaddr;
    __be32 imr_address;
    int imr_ifindex;
};
constexpr int IP_ADD_MEMBERSHIP = 35;
constexpr int IP_DROP_MEMBERSHIP = 36;
constexpr unsigned IGMP_MAX_MEMBERSHIPS = 20;   // net.ipv4.igmp_max_memberships

// A socket's memberships, each holding the device's group once.
int ip_mc_join_group(struct sock* sk, const ip_mreqn& mreq);   // 0, -EINVAL, -ENODEV, -EADDRINUSE, -ENOBUFS
int ip_mc_leave_group(struct sock* sk, const ip_mreqn& mreq);  // 0, -EADDRNOTAVAIL
void ip_mc_drop_socket(struct sock* sk);                      // every membership (close)
// The device the socket sends a datagram to a group through and from
// (IP_MULTICAST_IF); 0 when unset.
int ip_mc_find_ifindex(const ip_mreqn& mreq);

// devinet's ip_mc_inc_group / ip_mc_dec_group call these when a group
// gets its first user on a device or loses its last.
void igmp_group_added(in_device* in_dev, __be32 group);
void igmp_group_dropped(in_device* in_dev, __be32 group);

// The IPPROTO_IGMP handler.
int igmp_rcv(sk_buff* skb);

// IGMP's counters (netstat -s; Linux keeps none in /proc/net/snmp).
enum igmp_mib : unsigned {
    IGMP_MIB_INMSGS,
    IGMP_MIB_INERRORS,       // short, bad checksum
    IGMP_MIB_INQUERIES,
    IGMP_MIB_INREPORTS,      // other hosts' reports (suppress ours)
    IGMP_MIB_OUTREPORTS,
    IGMP_MIB_OUTLEAVES,
    __IGMP_MIB_MAX
};
unsigned long igmp_mib_get(igmp_mib f);

// inet_add_protocol(&igmp_protocol, IPPROTO_IGMP), /proc/net/igmp.
void igmp_init();
void igmp_exit();   // every timer stopped (tests)
