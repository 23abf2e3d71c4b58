// ARP (RFC 826) for IPv4 over Ethernet, with RFC 5227's announcements and
// conflict detection (Linux's net/ipv4/arp.c). The cache and its state
// machine are neighbour.h; this is the protocol: requests and replies,
// the receive handler (dev_add_pack(ETH_P_ARP)), static entries and the
// listing.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/byteorder.h"
#include "net/core/skbuff.h"
#include "net/ipv4/in.h"

struct net_device;
struct neighbour;

// RFC 826 packet, for Ethernet and IPv4 (hardware type 1, protocol 0x0800,
// lengths 6 and 4). The addresses after the fixed part are not aligned:
// they are only ever memcpy'd.
struct arphdr {
    __be16 ar_hrd;   // hardware type (ARPHRD_ETHER)
    __be16 ar_pro;   // protocol type (ETH_P_IP)
    uint8_t ar_hln;  // hardware address length
    uint8_t ar_pln;  // protocol address length
    __be16 ar_op;    // ARPOP_*
};
static_assert(sizeof(arphdr) == 8);
constexpr uint16_t ARPOP_REQUEST = 1;
constexpr uint16_t ARPOP_REPLY = 2;
constexpr unsigned ARP_ETH_IP_LEN = sizeof(arphdr) + 2 * (6 + 4);  // 28

// Builds and sends one ARP packet (Linux's arp_send): opcode, the Ethernet
// destination (nullptr: broadcast), sender and target addresses (target
// hardware nullptr: zeros).
void arp_send(uint16_t type, __be32 dest_ip, net_device* dev, __be32 src_ip, const uint8_t* dest_hw,
              const uint8_t* src_hw, const uint8_t* target_hw);
// RFC 5227 2.3 announcement of addr on dev: a request with sender and
// target both addr. Nothing on a NOARP device or one that is down.
void arp_send_gratuitous(net_device* dev, __be32 addr);

// The ETH_P_ARP handler.
int arp_rcv(sk_buff* skb, net_device* dev, struct packet_type* pt, net_device* orig_dev);

// Static entries (arp -s, SIOCSARP): PERMANENT unless permanent is false
// (then a REACHABLE entry that ages normally). 0, or -EINVAL (not a
// unicast address, or ha not a unicast Ethernet address), -ENODEV (no
// device given and no route to ip), -ENOMEM.
int arp_req_set(__be32 ip, const uint8_t* ha, net_device* dev, bool permanent);
// arp -d (SIOCDARP): any entry for ip (on dev, or any device). 0 or -ENXIO.
int arp_req_delete(__be32 ip, net_device* dev);
// SIOCGARP: the entry's state and address. 0 or -ENXIO.
int arp_req_get(__be32 ip, net_device* dev, uint8_t* ha, uint8_t* nud_state);

// /proc/net/arp flags (include/uapi/linux/if_arp.h).
constexpr unsigned ATF_COM = 0x02;   // completed: address known
constexpr unsigned ATF_PERM = 0x04;  // permanent

// One entry as the listing shows it.
struct arp_entry_info {
    __be32 ip;
    uint8_t ha[6];
    uint8_t nud_state;
    unsigned flags;            // ATF_*
    char dev[16];
};
// Calls fn for every entry of the cache, oldest first.
void arp_for_each(void (*fn)(const arp_entry_info& e, void* arg), void* arg);

// Sets up the cache and registers arp_rcv (devinet flushes a device's
// entries when it goes down).
void arp_init();
void arp_exit();   // the reverse (tests)
