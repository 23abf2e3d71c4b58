// IPv4 (RFC 791, host requirements RFC 1122 3.2.1): the header, the
// per-packet control block, and the receive and transmit entry points
// (Linux's include/net/ip.h, include/uapi/linux/ip.h).
//
// Receive: ip_rcv (ETH_P_IP handler) validates the header, trims link
// padding, asks ip_route_input() whether the datagram is ours, and
// ip_local_deliver() reassembles fragments and hands the payload to the
// raw hook (raw.h) and the protocol registered in inet_protos (protocol.h).
//
// Transmit: a transport protocol builds its header and payload in an skb
// with at least IP_MAX_HEADROOM bytes of headroom and calls
// ip_build_and_send_pkt() (routes, adds the IP header, fragments, resolves
// the next hop through ARP, dev_queue_xmit). IP_HDRINCL raw sockets build
// the whole header and call ip_send_raw(); TCP keeps a route and calls
// ip_queue_xmit().
//
// Every function here expects softirqs to be excluded (softirq context or
// inside bh_guard); the entry points from process context take bh_guard
// themselves.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/time.h"
#include "kernel/byteorder.h"
#include "net/core/checksum.h"
#include "net/core/netdevice.h"
#include "net/core/skbuff.h"
#include "net/ipv4/in.h"

struct rtable;
struct flowi4;

// RFC 791 3.1. The IHL and version share the first octet; accessors keep
// the nibble order in one place. Fields are in network order. Headers are
// 4-byte aligned in every buffer this stack handles (receive buffers are
// NET_IP_ALIGNed, ip_rcv realigns a frame that is not).
struct iphdr {
    uint8_t ver_ihl;
    uint8_t tos;
    __be16 tot_len;
    __be16 id;
    __be16 frag_off;  // flags (3 bits) and fragment offset in 8-octet units
    uint8_t ttl;
    uint8_t protocol;
    __sum16 check;
    __be32 saddr;
    __be32 daddr;

    unsigned version() const { return ver_ihl >> 4; }
    unsigned ihl() const { return ver_ihl & 0x0f; }  // header length in 32-bit words
    void set_version_ihl(unsigned version, unsigned ihl) {
        ver_ihl = static_cast<uint8_t>((version << 4) | (ihl & 0x0f));
    }
};
static_assert(sizeof(iphdr) == 20);

constexpr unsigned IPVERSION = 4;
constexpr unsigned MAXTTL = 255;
constexpr uint8_t IPDEFTTL = 64;           // RFC 1700 recommended, Linux's default
constexpr unsigned IP_MAX_HDR_LEN = 60;    // IHL 15
constexpr unsigned IP_MAX_OPT_LEN = 40;
constexpr unsigned IP_MAX_MTU = 0xffff;    // largest datagram, header included
constexpr unsigned IP_MIN_MTU = 68;        // RFC 791: every link carries 68 octets

// frag_off flags, host order (RFC 791 3.1 "Flags").
constexpr uint16_t IP_CE = 0x8000;      // reserved, must be zero
constexpr uint16_t IP_DF = 0x4000;      // don't fragment
constexpr uint16_t IP_MF = 0x2000;      // more fragments
constexpr uint16_t IP_OFFSET = 0x1fff;  // in 8-octet units

// TOS (RFC 1349) and precedence (RFC 791).
constexpr uint8_t IPTOS_TOS_MASK = 0x1e;
constexpr uint8_t IPTOS_PREC_MASK = 0xe0;
constexpr uint8_t IPTOS_PREC_INTERNETCONTROL = 0xc0;

// Headroom a transport protocol leaves in front of its header: the largest
// IP header and a link header, rounded so the IP header stays aligned.
constexpr unsigned LL_MAX_HEADER = 32;
constexpr unsigned IP_MAX_HEADROOM = LL_MAX_HEADER + IP_MAX_HDR_LEN + 4;

inline iphdr* ip_hdr(const sk_buff* skb) { return reinterpret_cast<iphdr*>(skb_network_header(skb)); }
inline unsigned ip_hdrlen(const sk_buff* skb) { return ip_hdr(skb)->ihl() * 4; }
inline bool ip_is_fragment(const iphdr* iph) { return (iph->frag_off & htons(IP_MF | IP_OFFSET)) != 0; }

// The header checksum over ihl words, with the check field filled in.
inline void ip_send_check(iphdr* iph) {
    iph->check = 0;
    iph->check = ip_fast_csum(iph, iph->ihl());
}

// IP's part of sk_buff::cb while the IP layer owns the packet (Linux's
// struct inet_skb_parm, IPCB()). ip_rcv clears it.
struct inet_skb_parm {
    int iif;                  // ifindex it arrived on (0: locally generated)
    uint16_t flags;           // IPSKB_*
    uint8_t rt_type;          // RTN_* from ip_route_input / the output route
    uint8_t optlen;           // option octets in the header
    uint16_t frag_max_size;   // a reassembled datagram: its largest fragment
};
constexpr uint16_t IPSKB_REASSEMBLED = 1u << 0;
constexpr uint16_t IPSKB_SRR = 1u << 1;      // carries a source route option
constexpr uint16_t IPSKB_ROUTER_ALERT = 1u << 2;
constexpr uint16_t IPSKB_LOCAL_OUT = 1u << 3;  // sent by this host (ICMP errors about it)
constexpr uint16_t IPSKB_NO_MC_LOOP = 1u << 4; // IP_MULTICAST_LOOP off: no copy back to us

inline inet_skb_parm* IPCB(sk_buff* skb) { return reinterpret_cast<inet_skb_parm*>(skb->cb); }
inline const inet_skb_parm* IPCB(const sk_buff* skb) {
    return reinterpret_cast<const inet_skb_parm*>(skb->cb);
}

// Receive ---------------------------------------------------------------------

// The ETH_P_IP packet_type handler (Linux's ip_packet_type.func).
int ip_rcv(sk_buff* skb, net_device* dev, struct packet_type* pt, net_device* orig_dev);
// A datagram for this host, skb->data at its IP header: reassembly, then
// the raw hook and the protocol handler.
int ip_local_deliver(sk_buff* skb);
// Reassembly (ip_fragment.cpp): takes a fragment, data at its IP header.
// Returns the whole datagram (a new linear skb, data at its IP header) when
// this fragment completed it, else nullptr (queued or dropped; counted).
sk_buff* ip_defrag(sk_buff* skb);

// Transmit --------------------------------------------------------------------

// Per-datagram choices for the header (Linux keeps them in the socket and
// struct ipcm_cookie).
struct ip_xmit_opts {
    uint8_t ttl = 0;              // 0: IPDEFTTL, or 1 to a group (RFC 1112 6.1)
    uint8_t tos = 0;
    bool df = false;              // set DF; a datagram over the MTU is then -EMSGSIZE
    const uint8_t* opt = nullptr; // options in wire form, optlen a multiple of 4
    uint8_t optlen = 0;
    bool mc_loop = true;          // a datagram to a group we joined comes back to us (IP_MULTICAST_LOOP)
};

// skb->data at the transport header (the IP payload, complete), with at
// least IP_MAX_HEADROOM of headroom. Routes fl4 (fl4->saddr filled in when
// 0), builds the IP header and sends. Consumes skb. 0, or -ENETUNREACH (no
// route), -EINVAL (bad source), -EMSGSIZE (DF and too big, or over 65535),
// -ENOBUFS, -EHOSTUNREACH, -ENETDOWN.
int ip_build_and_send_pkt(sk_buff* skb, flowi4* fl4, const ip_xmit_opts& o);
// As above over a route the caller looked up (TCP keeps one per socket).
int ip_queue_xmit(sk_buff* skb, const flowi4& fl4, const rtable& rt, const ip_xmit_opts& o);
// skb->data at a complete IP header the caller built (IP_HDRINCL): version,
// IHL and tot_len are checked, id (when 0) and the checksum filled in, the
// source when 0; then routed by its destination and sent. Consumes skb.
int ip_send_raw(sk_buff* skb, int oif);
// skb->data at a complete IP header; routed already. Counts OutRequests,
// fragments when needed, sends. Consumes skb.
int ip_local_out(sk_buff* skb, const rtable& rt);
// The id for a new datagram (per-destination counters, Linux's ip_idents).
__be16 ip_select_ident(__be32 daddr, __be32 saddr, uint8_t protocol);

// Linux's ip_init: the routing table, the interface addresses (devinet),
// the ETH_P_IP handler, the id counters. ip_exit() undoes it (tests).
void ip_init();
void ip_exit();
void ip_output_init();   // seeds the id counters (ip_init)

// Reassembly limits (Linux's net.ipv4.ipfrag_*): memory held by incomplete
// datagrams, and how long one may wait for its fragments.
struct ipfrag_sysctl {
    unsigned long high_thresh = 256 * 1024;  // beyond it the oldest datagrams are dropped...
    unsigned long low_thresh = 192 * 1024;   // ...down to this
    unsigned long time = 30 * HZ;            // RFC 791's upper bound is 15 s; Linux waits 30
};
extern ipfrag_sysctl sysctl_ipfrag;
unsigned long ipfrag_mem_usage();   // octets charged (fragments and queues)
unsigned ipfrag_queue_count();      // datagrams being reassembled
void ipfrag_init();
void ipfrag_exit();                 // drops every queue (tests)
