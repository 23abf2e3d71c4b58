// UDP (RFC 768; RFC 1122 4.1; Linux's include/net/udp.h, net/ipv4/udp.c):
// the header, the table of sockets by local port, the ephemeral port range,
// and the protocol handler inet_init registers.
#pragma once
#include <stdint.h>

#include "kernel/byteorder.h"
#include "net/core/skbuff.h"

struct sock;

struct udphdr {
    __be16 source;
    __be16 dest;
    __be16 len;      // header and data, octets
    __sum16 check;   // 0: none computed (RFC 768)
};
static_assert(sizeof(udphdr) == 8);
inline udphdr* udp_hdr(const sk_buff* skb) { return reinterpret_cast<udphdr*>(skb_transport_header(skb)); }

// SOL_UDP options (include/uapi/linux/udp.h).
constexpr int SOL_UDP = 17;
constexpr int UDP_CORK = 1;
constexpr int UDP_ENCAP = 100;

// The largest payload: 65535 less the IP and UDP headers.
constexpr unsigned UDP_MAX_PAYLOAD = 0xffff - 20 - sizeof(udphdr);

// net.ipv4.ip_local_port_range (Linux's default, RFC 6056 2.1 asks for
// as wide a range as possible).
struct local_port_range {
    int low = 32768;
    int high = 60999;
};
extern local_port_range sysctl_local_ports;

// The table of UDP sockets, by local port (Linux's udp_table, one hash
// by port). Changed under bh_guard, read by udp_rcv in softirq context.
constexpr unsigned UDP_HTABLE_SIZE = 128;

// The best socket for a datagram (Linux's __udp4_lib_lookup): the most
// specific match of bound address, peer, peer port and device, and among
// equals with SO_REUSEPORT one picked by the flow. nullptr when none.
struct sock* udp4_lib_lookup(__be32 saddr, __be16 sport, __be32 daddr, __be16 dport, int dif);

// Linux's udp_v4_get_port: snum (host order) for sk, or an ephemeral
// port when 0 (RFC 6056 3.3.3, algorithm 3); onto the table. 0, or 1
// when the port is taken (or none is free).
int udp_v4_get_port(struct sock* sk, unsigned short snum);
int udp_lib_hash(struct sock* sk);
void udp_lib_unhash(struct sock* sk);
// Calls fn for every socket in the table (/proc/net/udp), bucket by bucket.
void udp_for_each(void (*fn)(struct sock* sk, unsigned bucket, void* arg), void* arg);

int udp_rcv(sk_buff* skb);
// A datagram (data at its UDP header) onto sk's receive queue: the header
// pulled, a full buffer counted. Consumes skb. udp_prot's backlog_rcv.
int __udp_queue_rcv_skb(struct sock* sk, sk_buff* skb);
int udp_err(sk_buff* skb, uint32_t info);
// inet_add_protocol(&udp_protocol, IPPROTO_UDP), the table and the
// key of the port hash, /proc/net/udp. After ipv4_init (which empties
// inet_protos).
void udp_init();
void udp_exit();
