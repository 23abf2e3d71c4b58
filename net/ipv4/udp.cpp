// UDP's receive side and its table of sockets (Linux's net/ipv4/udp.c):
// ports, the lookup, udp_rcv and udp_err. Sending and the socket calls
// are in udp_sock.cpp.
#include "net/ipv4/udp.h"

#include "kernel/printk.h"
#include "kernel/random.h"
#include "kernel/softirq.h"
#include "kernel/trace.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/core/sock.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/inet_sock.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/protocol.h"
#include "net/ipv4/route.h"
#include "net/ipv4/snmp.h"
#include "net/ipv4/udp_kernel_port.h"

local_port_range sysctl_local_ports;

namespace {

list_head udp_table[UDP_HTABLE_SIZE];
using sk_list = list_entries<struct sock, &sock::sk_node>;

list_head* udp_slot(unsigned port) { return &udp_table[port & (UDP_HTABLE_SIZE - 1)]; }

// RFC 6056 3.3.3's secret key and next_ephemeral.
siphash_key_t port_secret;
uint32_t next_ephemeral;

bool addr_conflict(__be32 a, __be32 b) { return !a || !b || a == b; }

// Linux's udp_lib_lport_inuse: another socket on the port whose address
// and device overlap sk's, unless both asked for SO_REUSEADDR or both for
// SO_REUSEPORT.
bool udp_lib_lport_inuse(struct sock* sk, unsigned short num) {
    inet_sock* inet = inet_sk(sk);
    for (struct sock& sk2 : sk_list(udp_slot(num))) {
        inet_sock* i2 = inet_sk(&sk2);
        if (&sk2 == sk || i2->inet_num != num) {
            continue;
        }
        if (!addr_conflict(i2->inet_rcv_saddr, inet->inet_rcv_saddr)) {
            continue;
        }
        if (sk2.sk_bound_dev_if && sk->sk_bound_dev_if && sk2.sk_bound_dev_if != sk->sk_bound_dev_if) {
            continue;
        }
        if ((sk2.sk_reuse && sk->sk_reuse) || (sk2.sk_reuseport && sk->sk_reuseport)) {
            continue;
        }
        return true;
    }
    return false;
}

// RFC 6056 3.3.3 (algorithm 3): a keyed hash of the local address moves
// each host's sequence to its own offset, next_ephemeral walks it, so
// successive ports are neither predictable from outside nor reused soon.
int pick_ephemeral(struct sock* sk) {
    int low = sysctl_local_ports.low;
    unsigned num = static_cast<unsigned>(sysctl_local_ports.high - low + 1);
    __be32 key[2] = {inet_sk(sk)->inet_rcv_saddr, inet_sk(sk)->inet_daddr};
    uint32_t offset = static_cast<uint32_t>(siphash(key, sizeof key, &port_secret));
    for (unsigned count = 0; count < num; ++count) {
        auto port = static_cast<unsigned short>(low + (offset + next_ephemeral++) % num);
        if (!udp_lib_lport_inuse(sk, port)) {
            return port;
        }
    }
    return 0;
}

// How well sk matches a datagram (Linux's compute_score): -1 not at all,
// else higher for each thing it is tied to.
int compute_score(struct sock* sk, __be32 saddr, __be16 sport, __be32 daddr, unsigned short hnum, int dif) {
    inet_sock* inet = inet_sk(sk);
    if (inet->inet_num != hnum) {
        return -1;
    }
    int score = 0;
    if (inet->inet_rcv_saddr) {
        if (inet->inet_rcv_saddr != daddr) {
            return -1;
        }
        score += 4;
    }
    if (inet->inet_daddr) {
        if (inet->inet_daddr != saddr) {
            return -1;
        }
        score += 4;
    }
    if (inet->inet_dport) {
        if (inet->inet_dport != sport) {
            return -1;
        }
        score += 4;
    }
    if (sk->sk_bound_dev_if) {
        if (sk->sk_bound_dev_if != dif) {
            return -1;
        }
        score += 4;
    }
    return score;
}

// Rendezvous hashing among SO_REUSEPORT equals: each flow sticks to one
// socket, and the flows spread over the group.
uint64_t reuseport_weight(struct sock* sk, __be32 saddr, __be16 sport) {
    uintptr_t words[2] = {reinterpret_cast<uintptr_t>(sk), (static_cast<uintptr_t>(saddr) << 16) ^ sport};
    return siphash(words, sizeof words, &port_secret);
}

}  // namespace

struct sock* udp4_lib_lookup(__be32 saddr, __be16 sport, __be32 daddr, __be16 dport, int dif) {
    unsigned short hnum = ntohs(dport);
    struct sock* best = nullptr;
    int best_score = -1;
    uint64_t best_weight = 0;
    for (struct sock& sk : sk_list(udp_slot(hnum))) {
        int score = compute_score(&sk, saddr, sport, daddr, hnum, dif);
        if (score < 0 || score < best_score) {
            continue;
        }
        if (score == best_score && !(sk.sk_reuseport && best->sk_reuseport)) {
            continue;   // the first bound keeps it
        }
        uint64_t weight = sk.sk_reuseport ? reuseport_weight(&sk, saddr, sport) : 0;
        if (score == best_score && weight <= best_weight) {
            continue;
        }
        best = &sk;
        best_score = score;
        best_weight = weight;
    }
    return best;
}

int udp_v4_get_port(struct sock* sk, unsigned short snum) {
    bh_guard bh;
    if (!snum) {
        int port = pick_ephemeral(sk);
        if (!port) {
            return 1;
        }
        snum = static_cast<unsigned short>(port);
    } else if (udp_lib_lport_inuse(sk, snum)) {
        return 1;
    }
    inet_sock* inet = inet_sk(sk);
    inet->inet_num = snum;
    inet->inet_sport = htons(snum);
    list_add_tail(&sk->sk_node, udp_slot(snum));
    return 0;
}

int udp_lib_hash(struct sock*) { return 0; }   // get_port hashes (Linux: BUG())

void udp_lib_unhash(struct sock* sk) {
    bh_guard bh;
    if (!list_empty(&sk->sk_node)) {
        list_del(&sk->sk_node);
        inet_sk(sk)->inet_num = 0;
        inet_sk(sk)->inet_sport = 0;
    }
}

void udp_for_each(void (*fn)(struct sock* sk, unsigned bucket, void* arg), void* arg) {
    bh_guard bh;
    for (unsigned i = 0; i < UDP_HTABLE_SIZE; ++i) {
        for (struct sock& sk : sk_list(&udp_table[i])) {
            fn(&sk, i, arg);
        }
    }
}

int __udp_queue_rcv_skb(struct sock* sk, sk_buff* skb) {
    skb_pull(skb, sizeof(udphdr));
    int rc = sock_queue_rcv_skb(sk, skb);
    if (rc < 0) {
        UDP_INC_STATS(rc == -ENOMEM ? UDP_MIB_RCVBUFERRORS : UDP_MIB_MEMERRORS);
        UDP_INC_STATS(UDP_MIB_INERRORS);
        kfree_skb(skb);
    }
    return 0;
}

namespace {

// Queues the datagram for sk, or on its backlog while a process owns
// the socket (Linux's udp_queue_rcv_skb). Consumes skb.
void udp_queue_rcv_skb(struct sock* sk, sk_buff* skb) {
    bh_lock_sock(sk);
    if (!sock_owned_by_user(sk)) {
        __udp_queue_rcv_skb(sk, skb);
    } else if (sk_add_backlog(sk, skb, static_cast<unsigned>(sk->sk_rcvbuf))) {
        UDP_INC_STATS(UDP_MIB_RCVBUFERRORS);
        UDP_INC_STATS(UDP_MIB_INERRORS);
        kfree_skb(skb);
    }
    bh_unlock_sock(sk);
}

// Broadcast and multicast go to every socket that matches (Linux's
// __udp4_lib_mcast_deliver), a clone each; nobody: IgnoredMulti.
void udp4_mcast_deliver(sk_buff* skb, const udphdr* uh, __be32 saddr, __be32 daddr, int dif) {
    unsigned short hnum = ntohs(uh->dest);
    struct sock* first = nullptr;
    for (struct sock& sk : sk_list(udp_slot(hnum))) {
        // Bound to a unicast address, it does not hear its subnet's
        // broadcasts (Linux's __udp_is_mcast_sock): the bound address must
        // be the destination itself, or any.
        if (compute_score(&sk, saddr, uh->source, daddr, hnum, dif) < 0) {
            continue;
        }
        if (!first) {
            first = &sk;
            continue;
        }
        if (sk_buff* clone = skb_clone(skb, GFP_ATOMIC)) {
            udp_queue_rcv_skb(&sk, clone);
        } else {
            __atomic_add_fetch(&sk.sk_drops, 1, __ATOMIC_RELAXED);
            UDP_INC_STATS(UDP_MIB_MEMERRORS);
            UDP_INC_STATS(UDP_MIB_INERRORS);
        }
    }
    if (first) {
        udp_queue_rcv_skb(first, skb);
    } else {
        UDP_INC_STATS(UDP_MIB_IGNOREDMULTI);
        consume_skb(skb);
    }
}

// RFC 768: a zero checksum means none was computed; anything else must
// sum to zero over the pseudo-header and the datagram (RFC 1122 4.1.3.4).
bool udp_checksum_ok(sk_buff* skb, const udphdr* uh, unsigned ulen) {
    if (!uh->check || skb->ip_summed == CHECKSUM_UNNECESSARY || skb->ip_summed == CHECKSUM_PARTIAL) {
        return true;   // PARTIAL: ours, over lo, never on a wire (Linux's skb_csum_unnecessary)
    }
    const iphdr* iph = ip_hdr(skb);
    if (skb->ip_summed == CHECKSUM_COMPLETE &&
        !csum_tcpudp_magic(iph->saddr, iph->daddr, ulen, IPPROTO_UDP, skb->csum)) {
        return true;
    }
    __wsum sum = skb_checksum(skb, 0, static_cast<int>(ulen), 0);
    if (csum_tcpudp_magic(iph->saddr, iph->daddr, ulen, IPPROTO_UDP, sum)) {
        return false;
    }
    skb->ip_summed = CHECKSUM_UNNECESSARY;
    return true;
}

}  // namespace

// Linux's __udp4_lib_rcv: header and length checked, padding trimmed,
// the checksum verified, then the socket(s), or port unreachable.
int udp_rcv(sk_buff* skb) {
    trace::scope t(trace::cat::rx, "udp_rcv");
    if (!pskb_may_pull(skb, sizeof(udphdr))) {
        UDP_INC_STATS(UDP_MIB_INERRORS);
        kfree_skb(skb);
        return 0;
    }
    skb_reset_transport_header(skb);
    const udphdr* uh = udp_hdr(skb);
    unsigned ulen = ntohs(uh->len);
    if (ulen < sizeof(udphdr) || ulen > skb->len) {
        UDP_INC_STATS(UDP_MIB_INERRORS);   // Linux's short_packet
        kfree_skb(skb);
        return 0;
    }
    if (ulen < skb->len) {
        skb_trim(skb, ulen);
        if (skb->ip_summed == CHECKSUM_COMPLETE) {
            skb->ip_summed = CHECKSUM_NONE;
        }
    }
    if (!udp_checksum_ok(skb, uh, ulen)) {
        UDP_INC_STATS(UDP_MIB_CSUMERRORS);
        UDP_INC_STATS(UDP_MIB_INERRORS);
        kfree_skb(skb);
        return 0;
    }
    const iphdr* iph = ip_hdr(skb);
    int dif = skb->dev ? skb->dev->ifindex : 0;
    uint8_t rt_type = IPCB(skb)->rt_type;
    if (rt_type == RTN_BROADCAST || rt_type == RTN_MULTICAST) {
        udp4_mcast_deliver(skb, uh, iph->saddr, iph->daddr, dif);
        return 0;
    }
    if (struct sock* sk = udp4_lib_lookup(iph->saddr, uh->source, iph->daddr, uh->dest, dif)) {
        udp_queue_rcv_skb(sk, skb);
        return 0;
    }
    if (udp_kernel_claims(skb)) {
        // A kernel client (the DHCP client) took its copy at the
        // packet_type level: delivered, nothing to answer.
        consume_skb(skb);
        return 0;
    }
    UDP_INC_STATS(UDP_MIB_NOPORTS);
    icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);   // rate-limited there
    kfree_skb(skb);
    return 0;
}

// Linux's __udp4_lib_err: the socket that sent the datagram the ICMP
// error quotes. Hard errors reach a connected socket (ECONNREFUSED for
// port unreachable, RFC 1122 4.1.3.3); with IP_RECVERR every error does,
// and goes on the error queue too.
int udp_err(sk_buff* skb, uint32_t info) {
    const auto* iph = reinterpret_cast<const iphdr*>(skb->data);
    unsigned ihl = iph->ihl() * 4u;
    if (skb->len < ihl + 8) {
        return -EINVAL;
    }
    const auto* uh = reinterpret_cast<const udphdr*>(skb->data + ihl);
    int dif = skb->dev ? skb->dev->ifindex : 0;
    struct sock* sk = udp4_lib_lookup(iph->daddr, uh->dest, iph->saddr, uh->source, dif);
    if (!sk) {
        return -ENOENT;
    }
    inet_sock* inet = inet_sk(sk);
    const icmphdr* icmph = icmp_hdr(skb);
    int err = EHOSTUNREACH;
    bool harderr = false;
    switch (icmph->type) {
    case ICMP_SOURCE_QUENCH:
        return 0;
    case ICMP_PARAMETERPROB:
        err = EPROTO;
        harderr = true;
        break;
    case ICMP_DEST_UNREACH:
        if (icmph->code == ICMP_FRAG_NEEDED) {
            // RFC 1191: the path is narrower; the kept route learns it
            // (Linux's ipv4_sk_update_pmtu).
            if (inet->sk_dst_cache && iph->daddr == inet->inet_daddr) {
                dst_update_pmtu(inet->sk_dst_cache, info);
            }
            if (inet->pmtudisc == IP_PMTUDISC_DONT) {
                return 0;
            }
            err = EMSGSIZE;
            harderr = true;
        } else if (icmph->code <= NR_ICMP_UNREACH) {
            err = icmp_err_convert[icmph->code].errnum;
            harderr = icmp_err_convert[icmph->code].fatal;
        }
        break;
    default:
        break;   // time exceeded: EHOSTUNREACH, soft
    }
    if (!inet->recverr) {
        if (!harderr || sk->sk_state != TCP_ESTABLISHED) {
            return 0;
        }
    } else {
        ip_icmp_error(sk, skb, err, uh->dest, info, reinterpret_cast<const uint8_t*>(uh + 1));
    }
    sk->sk_err = err;
    sk->sk_error_report(sk);
    return 0;
}

namespace {
const net_protocol udp_protocol = {udp_rcv, udp_err};
}

void udp_proc_init();   // udp_sock.cpp

void udp_init() {
    for (list_head& h : udp_table) {
        INIT_LIST_HEAD(&h);
    }
    get_random_bytes(&port_secret, sizeof port_secret);
    next_ephemeral = get_random_u32();
    if (inet_add_protocol(&udp_protocol, IPPROTO_UDP) < 0) {
        pr_err("udp_init: cannot add protocol\n");
    }
    udp_proc_init();
}

void udp_exit() { inet_del_protocol(&udp_protocol, IPPROTO_UDP); }
