// TCP over IPv4 (Linux's net/ipv4/tcp_ipv4.c, net/ipv4/inet_hashtables.c,
// net/ipv4/inet_connection_sock.c): the tables of sockets (ehash by 4-tuple,
// lhash of listeners by port, bhash of bound ports), tcp_v4_rcv, the
// resets for segments nobody takes, connect, and the route of a connection.
#include <string.h>

#include "kernel/printk.h"
#include "kernel/random.h"
#include "kernel/softirq.h"
#include "kernel/trace.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/protocol.h"
#include "net/ipv4/tcp.h"
#include "net/ipv4/tcp_secure.h"
#include "net/ipv4/udp.h"

namespace {

constexpr unsigned EHASH_SIZE = 4096;   // Linux sizes it by memory; 10,000 connections fit
constexpr unsigned LHASH_SIZE = 32;
constexpr unsigned BHASH_SIZE = 1024;

list_head ehash[EHASH_SIZE];
list_head lhash[LHASH_SIZE];
list_head bhash[BHASH_SIZE];
unsigned hashed_count;
siphash_key_t ehash_secret;

using sk_list = list_entries<struct sock, &sock::sk_node>;
using bind_list = list_entries<tcp_sock, &tcp_sock::bind_node>;

unsigned inet_ehashfn(__be32 laddr, uint16_t lport, __be32 faddr, __be16 fport) {
    uint32_t key[3] = {laddr, faddr, (uint32_t{lport} << 16) | fport};
    return static_cast<unsigned>(siphash(key, sizeof key, &ehash_secret)) & (EHASH_SIZE - 1);
}
list_head* ehash_slot(struct sock* sk) {
    inet_sock* inet = inet_sk(sk);
    return &ehash[inet_ehashfn(inet->inet_rcv_saddr, inet->inet_num, inet->inet_daddr, inet->inet_dport)];
}
list_head* bhash_slot(unsigned port) { return &bhash[port & (BHASH_SIZE - 1)]; }

bool addr_overlap(__be32 a, __be32 b) { return !a || !b || a == b; }

// Linux's inet_csk_bind_conflict: another sock on the port whose address
// and device overlap, unless both asked for SO_REUSEADDR and the other is
// not listening, or both for SO_REUSEPORT.
bool bind_conflict(struct sock* sk, unsigned short port) {
    inet_sock* inet = inet_sk(sk);
    for (tcp_sock& t2 : bind_list(bhash_slot(port))) {
        struct sock* sk2 = tsk(&t2);
        inet_sock* i2 = inet_sk(sk2);
        if (sk2 == sk || i2->inet_num != port) {
            continue;
        }
        if (!addr_overlap(i2->inet_rcv_saddr, inet->inet_rcv_saddr)) {
            continue;
        }
        if (sk2->sk_bound_dev_if && sk->sk_bound_dev_if && sk2->sk_bound_dev_if != sk->sk_bound_dev_if) {
            continue;
        }
        if (sk->sk_reuse && sk2->sk_reuse && sk2->sk_state != TCP_LISTEN) {
            continue;
        }
        if (sk->sk_reuseport && sk2->sk_reuseport) {
            continue;
        }
        return true;
    }
    return false;
}

void bind_hash(struct sock* sk, unsigned short port) {
    inet_sock* inet = inet_sk(sk);
    inet->inet_num = port;
    inet->inet_sport = htons(port);
    list_add_tail(&tcp_sk(sk)->bind_node, bhash_slot(port));
}

// A port for connect (Linux's __inet_hash_connect): one whose other users
// are all connections elsewhere, so the 4-tuple is unique; RFC 6056 3.3.4's
// offset per destination.
bool connect_port_ok(struct sock* sk, unsigned short port) {
    inet_sock* inet = inet_sk(sk);
    for (tcp_sock& t2 : bind_list(bhash_slot(port))) {
        struct sock* sk2 = tsk(&t2);
        inet_sock* i2 = inet_sk(sk2);
        if (i2->inet_num != port) {
            continue;
        }
        if (!i2->inet_daddr || !(sk2->sk_userlocks & SOCK_CONNECT_PORT)) {
            return false;   // a bound or listening sock owns it
        }
        if (i2->inet_daddr == inet->inet_daddr && i2->inet_dport == inet->inet_dport &&
            addr_overlap(i2->inet_rcv_saddr, inet->inet_rcv_saddr)) {
            return false;
        }
    }
    return true;
}

}  // namespace

void tcp_v4_init() {
    for (list_head& h : ehash) {
        INIT_LIST_HEAD(&h);
    }
    for (list_head& h : lhash) {
        INIT_LIST_HEAD(&h);
    }
    for (list_head& h : bhash) {
        INIT_LIST_HEAD(&h);
    }
    hashed_count = 0;
    get_random_bytes(&ehash_secret, sizeof ehash_secret);
}

int tcp_v4_get_port(struct sock* sk, unsigned short snum) {
    bh_guard bh;
    if (snum) {
        if (bind_conflict(sk, snum)) {
            return 1;
        }
        bind_hash(sk, snum);
        return 0;
    }
    int low = sysctl_local_ports.low;
    unsigned num = static_cast<unsigned>(sysctl_local_ports.high - low + 1);
    uint32_t offset = get_random_u32();
    for (unsigned i = 0; i < num; ++i) {
        auto port = static_cast<unsigned short>(low + (offset + i) % num);
        if (!bind_conflict(sk, port)) {
            bind_hash(sk, port);
            return 0;
        }
    }
    return 1;
}

bool tcp_v4_port_conflict(struct sock* sk) {
    bh_guard bh;
    return bind_conflict(sk, inet_sk(sk)->inet_num);
}

void tcp_put_port(struct sock* sk) {
    bh_guard bh;
    tcp_sock* tp = tcp_sk(sk);
    if (tp->bind_node.next && !list_empty(&tp->bind_node)) {
        list_del(&tp->bind_node);
        INIT_LIST_HEAD(&tp->bind_node);
    }
    if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK)) {
        inet_sk(sk)->inet_num = 0;
        inet_sk(sk)->inet_sport = 0;
    }
}

int tcp_v4_hash(struct sock* sk) {
    bh_guard bh;
    if (sk->sk_node.next && !list_empty(&sk->sk_node)) {
        return 0;
    }
    list_head* slot = sk->sk_state == TCP_LISTEN ? &lhash[inet_sk(sk)->inet_num & (LHASH_SIZE - 1)] : ehash_slot(sk);
    list_add(&sk->sk_node, slot);
    ++hashed_count;
    return 0;
}

void tcp_unhash(struct sock* sk) {
    bh_guard bh;
    if (sk->sk_node.next && !list_empty(&sk->sk_node)) {
        list_del(&sk->sk_node);
        INIT_LIST_HEAD(&sk->sk_node);
        --hashed_count;
    }
}

unsigned tcp_hash_count() { return hashed_count; }

// Linux's inet_twsk_purge: the orphans still holding a 4-tuple (TIME_WAIT,
// FIN_WAIT2...) are ended now (stack teardown in tests).
void inet_twsk_purge() {
    bh_guard bh;
    for (list_head& h : ehash) {
        for (struct sock& sk : sk_list(&h)) {
            if (sock_flag(&sk, SOCK_DEAD)) {
                tcp_done(&sk);
            }
        }
    }
}

struct sock* __inet_lookup_established(__be32 saddr, __be16 sport, __be32 daddr, __be16 dport) {
    uint16_t hnum = ntohs(dport);
    for (struct sock& sk : sk_list(&ehash[inet_ehashfn(daddr, hnum, saddr, sport)])) {
        inet_sock* inet = inet_sk(&sk);
        if (inet->inet_num == hnum && inet->inet_dport == sport && inet->inet_daddr == saddr &&
            inet->inet_rcv_saddr == daddr) {
            return &sk;
        }
    }
    return nullptr;
}

namespace {
// The best listener (Linux's compute_score): bound address, then device.
struct sock* inet_lookup_listener(__be32 daddr, __be16 dport, int dif) {
    uint16_t hnum = ntohs(dport);
    struct sock* best = nullptr;
    int best_score = -1;
    for (struct sock& sk : sk_list(&lhash[hnum & (LHASH_SIZE - 1)])) {
        inet_sock* inet = inet_sk(&sk);
        if (inet->inet_num != hnum) {
            continue;
        }
        int score = 1;
        if (inet->inet_rcv_saddr) {
            if (inet->inet_rcv_saddr != daddr) {
                continue;
            }
            score += 4;
        }
        if (sk.sk_bound_dev_if) {
            if (sk.sk_bound_dev_if != dif) {
                continue;
            }
            score += 4;
        }
        if (score > best_score) {
            best = &sk;
            best_score = score;
        }
    }
    return best;
}
}  // namespace

struct sock* __inet_lookup(__be32 saddr, __be16 sport, __be32 daddr, __be16 dport, int dif) {
    if (struct sock* sk = __inet_lookup_established(saddr, sport, daddr, dport)) {
        return sk;
    }
    return inet_lookup_listener(daddr, dport, dif);
}

void tcp_for_each(void (*fn)(struct sock* sk, void* arg), void* arg) {
    bh_guard bh;
    for (list_head& h : lhash) {
        for (struct sock& sk : sk_list(&h)) {
            fn(&sk, arg);
        }
    }
    for (list_head& h : ehash) {
        for (struct sock& sk : sk_list(&h)) {
            fn(&sk, arg);
        }
    }
}

// Checksums ---------------------------------------------------------------------

void tcp_v4_send_check(sk_buff* skb, __be32 saddr, __be32 daddr, const net_device* dev, unsigned mtu) {
    auto* th = reinterpret_cast<tcphdr*>(skb->data);
    unsigned len = skb->len;
    th->check = 0;
    if (dev && (dev->features & NETIF_F_HW_CSUM) && len + sizeof(iphdr) <= mtu) {
        skb_partial_csum_set(skb, skb->data, offsetof(tcphdr, check));
        th->check = static_cast<__sum16>(~csum_tcpudp_magic(saddr, daddr, len, IPPROTO_TCP, 0));
        return;
    }
    // The payload's sum was taken when it was copied in (skb->csum, the
    // bytes after the header); only the header is summed here.
    unsigned hlen = th->doff() * 4u;
    __wsum sum = csum_partial(th, static_cast<int>(hlen), 0);
    if (len > hlen) {
        sum = csum_block_add(sum, skb->csum, static_cast<int>(hlen));
    }
    th->check = csum_tcpudp_magic(saddr, daddr, len, IPPROTO_TCP, sum);
}

namespace {
bool tcp_checksum_ok(sk_buff* skb) {
    if (skb->ip_summed == CHECKSUM_UNNECESSARY || skb->ip_summed == CHECKSUM_PARTIAL) {
        return true;
    }
    const iphdr* iph = ip_hdr(skb);
    if (skb->ip_summed == CHECKSUM_COMPLETE &&
        !csum_tcpudp_magic(iph->saddr, iph->daddr, skb->len, IPPROTO_TCP, skb->csum)) {
        return true;
    }
    __wsum sum = skb_checksum(skb, 0, static_cast<int>(skb->len), 0);
    if (csum_tcpudp_magic(iph->saddr, iph->daddr, skb->len, IPPROTO_TCP, sum)) {
        return false;
    }
    skb->ip_summed = CHECKSUM_UNNECESSARY;
    return true;
}

void fill_cb(sk_buff* skb, const tcphdr* th) {
    tcp_skb_cb* cb = TCP_SKB_CB(skb);
    unsigned hlen = th->doff() * 4u;
    cb->seq = ntohl(th->seq);
    cb->end_seq = cb->seq + ((th->flags & TCPHDR_SYN) ? 1 : 0) + ((th->flags & TCPHDR_FIN) ? 1 : 0) + skb->len - hlen;
    cb->ack_seq = ntohl(th->ack_seq);
    cb->tcp_flags = th->flags;
    cb->sacked = 0;
    cb->retrans = 0;
    cb->rx_window = ntohs(th->window);
    cb->when_us = tcp_clock_us();
}
}  // namespace

// Resets ----------------------------------------------------------------------------

int tcp_v4_send_ctl(sk_buff* nskb, __be32 saddr, __be32 daddr, int oif) {
    nskb->csum = 0;
    flowi4 fl4;
    fl4.daddr = daddr;
    fl4.saddr = saddr;
    fl4.flowi4_proto = IPPROTO_TCP;
    fl4.flowi4_oif = oif;
    rtable rt;
    bh_guard bh;
    if (int err = ip_route_output_key(&fl4, &rt)) {
        kfree_skb(nskb);
        return err;
    }
    tcp_v4_send_check(nskb, fl4.saddr, fl4.daddr, nullptr, rt.rt_mtu);
    ip_xmit_opts o;
    o.df = true;
    ip_queue_xmit(nskb, fl4, rt, o);
    TCP_INC_STATS(TCP_MIB_OUTSEGS);
    return 0;
}

// RFC 9293 3.10.7.1: a segment no connection takes gets a RST, unless it
// is one. Its seq is the segment's ACK; with no ACK, seq 0 and an ACK of
// what the segment occupied.
void tcp_v4_send_reset(const sk_buff* skb) {
    const tcphdr* th = tcp_hdr(skb);
    const iphdr* iph = ip_hdr(skb);
    if (th->flags & TCPHDR_RST) {
        return;
    }
    // tcp_v4_rcv took unicast only (RFC 1122 4.2.3.10: never a RST to a
    // broadcast); IPCB() is gone by now, TCP_SKB_CB() shares its room.
    sk_buff* nskb = alloc_skb(MAX_TCP_HEADER, GFP_ATOMIC);
    if (!nskb) {
        return;
    }
    skb_reserve(nskb, static_cast<int>(MAX_TCP_HEADER));
    auto* rth = reinterpret_cast<tcphdr*>(skb_push(nskb, sizeof(tcphdr)));
    memset(rth, 0, sizeof *rth);
    rth->source = th->dest;
    rth->dest = th->source;
    rth->set_doff(5);
    const tcp_skb_cb* cb = reinterpret_cast<const tcp_skb_cb*>(skb->cb);
    if (th->flags & TCPHDR_ACK) {
        rth->seq = th->ack_seq;
        rth->flags = TCPHDR_RST;
    } else {
        rth->ack_seq = htonl(cb->end_seq);
        rth->flags = TCPHDR_RST | TCPHDR_ACK;
    }
    if (tcp_v4_send_ctl(nskb, iph->daddr, iph->saddr, skb->dev ? skb->dev->ifindex : 0)) {
        return;
    }
    TCP_INC_STATS(TCP_MIB_OUTRSTS);
}

// Receive -------------------------------------------------------------------------

int tcp_v4_do_rcv(struct sock* sk, sk_buff* skb) {
    if (sk->sk_state == TCP_LISTEN) {
        // RFC 9293 3.10.7.2 in Linux's order (tcp_rcv_state_process): a RST
        // is dropped, an ACK reset (unless it completes a SYN cookie), a SYN
        // starts a connection; anything else (FIN, no flags: the probes of
        // FIN, NULL and Xmas scans), and a SYN with FIN, is dropped unanswered.
        uint8_t flags = TCP_SKB_CB(skb)->tcp_flags;
        if (flags & TCPHDR_RST) {
            kfree_skb(skb);
            return 0;
        }
        if (flags & TCPHDR_ACK) {
            if (struct sock* child = tcp_v4_cookie_check(sk, skb)) {
                if (tcp_rcv_state_process(child, skb)) {
                    tcp_v4_send_reset(skb);
                    kfree_skb(skb);
                }
                return 0;
            }
            tcp_v4_send_reset(skb);
            kfree_skb(skb);
            return 0;
        }
        if ((flags & (TCPHDR_SYN | TCPHDR_FIN)) == TCPHDR_SYN) {
            tcp_v4_conn_request(sk, skb);
            return 0;
        }
        kfree_skb(skb);
        return 0;
    }
    if (tcp_rcv_state_process(sk, skb)) {
        tcp_v4_send_reset(skb);
        kfree_skb(skb);
    }
    return 0;
}

// Linux's tcp_v4_rcv: header and checksum checked, the control block
// filled, then the connection (or listener), directly or through its
// backlog while its owner holds it; a RST for nobody.
int tcp_v4_rcv(sk_buff* skb) {
    trace::scope t(trace::cat::rx, "tcp_v4_rcv");
    if (IPCB(skb)->rt_type != RTN_LOCAL && IPCB(skb)->rt_type != RTN_UNSPEC) {
        consume_skb(skb);   // TCP is unicast only (RFC 1122 4.2.3.10)
        return 0;
    }
    if (!pskb_may_pull(skb, sizeof(tcphdr))) {
        TCP_INC_STATS(TCP_MIB_INERRS);
        kfree_skb(skb);
        return 0;
    }
    skb_reset_transport_header(skb);
    const tcphdr* th = tcp_hdr(skb);
    unsigned hlen = th->doff() * 4u;
    if (hlen < sizeof(tcphdr) || hlen > skb->len) {
        TCP_INC_STATS(TCP_MIB_INERRS);
        kfree_skb(skb);
        return 0;
    }
    if (!tcp_checksum_ok(skb)) {
        TCP_INC_STATS(TCP_MIB_CSUMERRORS);
        TCP_INC_STATS(TCP_MIB_INERRS);
        kfree_skb(skb);
        return 0;
    }
    TCP_INC_STATS(TCP_MIB_INSEGS);
    fill_cb(skb, th);
    const iphdr* iph = ip_hdr(skb);
    int dif = skb->dev ? skb->dev->ifindex : 0;
    struct sock* sk = __inet_lookup(iph->saddr, th->source, iph->daddr, th->dest, dif);
    if (!sk) {
        tcp_v4_send_reset(skb);
        kfree_skb(skb);
        return 0;
    }
    if (sk->sk_state == TCP_TIME_WAIT && (th->flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST)) == TCPHDR_SYN &&
        after(TCP_SKB_CB(skb)->seq, tcp_sk(sk)->rcv_nxt)) {
        // RFC 9293 3.10.7.4 (and Linux's tcp_timewait_state_process): a new
        // SYN beyond the old connection's sequence space may reopen the pair.
        if (struct sock* l = inet_lookup_listener(iph->daddr, th->dest, dif)) {
            NET_INC_STATS(LINUX_MIB_TCPTIMEWAITREUSE);
            tcp_done(sk);
            sk = l;
        }
    }
    if (sock_owned_by_user(sk)) {
        if (sk_add_backlog(sk, skb, static_cast<unsigned>(sk->sk_rcvbuf + sk->sk_sndbuf))) {
            kfree_skb(skb);
        }
        return 0;
    }
    tcp_v4_do_rcv(sk, skb);
    return 0;
}

// ICMP errors about our segments (Linux's tcp_v4_err): fragmentation
// needed lowers the path MTU (RFC 1191); unreachables abort a connection
// still in SYN_SENT, otherwise they are soft errors (RFC 1122 4.2.3.9).
int tcp_v4_err(sk_buff* skb, uint32_t info) {
    const auto* iph = reinterpret_cast<const iphdr*>(skb->data);
    unsigned ihl = iph->ihl() * 4u;
    if (skb->len < ihl + 8) {
        return -EINVAL;
    }
    const auto* th = reinterpret_cast<const tcphdr*>(skb->data + ihl);
    struct sock* sk = __inet_lookup_established(iph->daddr, th->dest, iph->saddr, th->source);
    if (!sk || sk->sk_state == TCP_TIME_WAIT) {
        return -ENOENT;
    }
    tcp_sock* tp = tcp_sk(sk);
    uint32_t seq = ntohl(th->seq);
    if (sk->sk_state != TCP_LISTEN && !between(seq, tp->snd_una, tp->snd_nxt)) {
        return -EINVAL;   // not about anything in flight: forged or stale
    }
    const icmphdr* icmph = icmp_hdr(skb);
    if (icmph->type == ICMP_DEST_UNREACH && icmph->code == ICMP_FRAG_NEEDED) {
        if (!sock_owned_by_user(sk)) {
            tcp_update_pmtu(sk, info);
        }
        return 0;
    }
    int err = 0;
    if (icmph->type == ICMP_DEST_UNREACH) {
        err = icmph->code == ICMP_PORT_UNREACH || icmph->code == ICMP_PROT_UNREACH ? ECONNREFUSED : EHOSTUNREACH;
        if (icmph->code == ICMP_NET_UNREACH) {
            err = ENETUNREACH;
        }
    } else if (icmph->type == ICMP_TIME_EXCEEDED) {
        err = EHOSTUNREACH;
    } else {
        return 0;
    }
    if (sk->sk_state == TCP_SYN_SENT && !sock_owned_by_user(sk)) {
        sk->sk_err = err;
        sk->sk_error_report(sk);
        tcp_done(sk);
    } else {
        sk->sk_err_soft = err;
    }
    return 0;
}

// Connecting ---------------------------------------------------------------------

int tcp_route(struct sock* sk, rtable* rt) {
    if (dst_entry* dst = sk_dst_check(sk)) {
        *rt = dst->rt;
        rt->rt_mtu = dst_mtu(dst);
        dst_release(dst);
        return 0;
    }
    inet_sock* inet = inet_sk(sk);
    flowi4 fl4;
    fl4.daddr = inet->inet_daddr;
    fl4.saddr = inet->inet_saddr;
    fl4.flowi4_oif = sk->sk_bound_dev_if;
    fl4.flowi4_proto = IPPROTO_TCP;
    fl4.flowi4_tos = inet->tos;
    int err;
    {
        bh_guard bh;
        err = ip_route_output_key(&fl4, rt);
    }
    if (err) {
        return err;
    }
    if (rt->rt_type == RTN_BROADCAST || rt->rt_type == RTN_MULTICAST) {
        return -ENETUNREACH;
    }
    sk_dst_set(sk, dst_alloc(*rt));
    return 0;
}

namespace {
// Linux's inet_hash_connect: an ephemeral port unique for the 4-tuple.
int inet_hash_connect(struct sock* sk) {
    inet_sock* inet = inet_sk(sk);
    bh_guard bh;
    if (!inet->inet_num) {
        int low = sysctl_local_ports.low;
        unsigned num = static_cast<unsigned>(sysctl_local_ports.high - low + 1);
        uint32_t offset = secure_ipv4_port_ephemeral(inet->inet_rcv_saddr, inet->inet_daddr, inet->inet_dport);
        static uint32_t hint;
        unsigned short port = 0;
        for (unsigned i = 0; i < num; ++i) {
            auto cand = static_cast<unsigned short>(low + (offset + hint + i) % num);
            if (connect_port_ok(sk, cand)) {
                port = cand;
                hint += i + 1;
                break;
            }
        }
        if (!port) {
            return -EADDRNOTAVAIL;
        }
        sk->sk_userlocks |= SOCK_CONNECT_PORT;
        bind_hash(sk, port);
    } else if (__inet_lookup_established(inet->inet_daddr, inet->inet_dport, inet->inet_rcv_saddr,
                                         inet->inet_sport)) {
        return -EADDRNOTAVAIL;
    }
    list_add(&sk->sk_node, ehash_slot(sk));
    ++hashed_count;
    return 0;
}

// tcp_v4_connect's failure label: back to CLOSE with no peer, so that
// connect() may be tried again.
int connect_failed(struct sock* sk, int err) {
    tcp_set_state(sk, TCP_CLOSE);
    sk_dst_reset(sk);
    inet_sk(sk)->inet_daddr = 0;
    inet_sk(sk)->inet_dport = 0;
    return err;
}
}  // namespace

// Linux's tcp_v4_connect: the route picks the source, a port is found for
// the 4-tuple, the ISN drawn (RFC 6528), and the SYN sent.
int tcp_v4_connect(struct sock* sk, sockaddr* uaddr, int addr_len) {
    auto* usin = reinterpret_cast<sockaddr_in*>(uaddr);
    if (addr_len < static_cast<int>(sizeof(sockaddr_in))) {
        return -EINVAL;
    }
    if (usin->sin_family != AF_INET) {
        return -EAFNOSUPPORT;
    }
    inet_sock* inet = inet_sk(sk);
    tcp_sock* tp = tcp_sk(sk);
    __be32 daddr = usin->sin_addr.s_addr;
    if (!daddr) {
        daddr = htonl(INADDR_LOOPBACK);   // Linux: connect to 0.0.0.0 means this host
    }
    inet->inet_daddr = daddr;
    inet->inet_dport = usin->sin_port;
    rtable rt;
    sk_dst_reset(sk);
    if (int err = tcp_route(sk, &rt)) {
        inet->inet_daddr = 0;
        inet->inet_dport = 0;
        return err;
    }
    if (!inet->inet_saddr) {
        inet->inet_saddr = rt.rt_src;
    }
    if (!inet->inet_rcv_saddr) {
        inet->inet_rcv_saddr = inet->inet_saddr;
    }
    tcp_set_state(sk, TCP_SYN_SENT);
    if (int err = inet_hash_connect(sk)) {
        return connect_failed(sk, err);
    }
    tp->write_seq = secure_tcp_seq(inet->inet_saddr, inet->inet_daddr, inet->inet_sport, inet->inet_dport,
                                   tcp_clock_us() * 1000);
    tp->tsoffset = secure_tcp_ts_off(inet->inet_saddr, inet->inet_daddr);
    tp->pmtu_cookie = 0;
    tcp_sync_mss(sk, rt.rt_mtu);
    // No SYN could be queued (no memory): as Linux, the socket is left to
    // try again.
    if (int err = tcp_connect(sk)) {
        return connect_failed(sk, err);
    }
    return 0;
}

namespace {
const net_protocol tcp_protocol = {.handler = tcp_v4_rcv, .err_handler = tcp_v4_err};
}

void tcp_protocol_add() { inet_add_protocol(&tcp_protocol, IPPROTO_TCP); }
