// Listening (Linux's net/ipv4/inet_connection_sock.c, tcp_minisocks.c and
// the request side of tcp_ipv4.c): a SYN makes a child sock in SYN_RECV on
// the listener's SYN queue (a full tcp_sock here, not a request_sock); the
// ACK that completes the handshake moves it to the accept queue, bounded
// by listen()'s backlog. When the SYN queue is full, SYN cookies
// (RFC 4987 3.6) answer without keeping anything.
#include <string.h>

#include "kernel/jiffies.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/tcp.h"
#include "net/ipv4/tcp_secure.h"

namespace {

using child_list = list_entries<tcp_sock, &tcp_sock::accept_node>;

unsigned syn_queue_limit(const tcp_sock* lp) {
    unsigned max = lp->max_ack_backlog < sysctl_tcp.max_syn_backlog ? sysctl_tcp.max_syn_backlog : lp->max_ack_backlog;
    return max < 8 ? 8 : max;
}

unsigned long cookie_last_sent;   // jiffies of the last SYN cookie (Linux's tcp_synq_overflow)
bool cookie_ever_sent;

// The child's addresses and options come from the SYN and the listener.
struct sock* tcp_create_child(struct sock* lsk, sk_buff* skb, const tcp_options_received& opt) {
    const iphdr* iph = ip_hdr(skb);
    const tcphdr* th = tcp_hdr(skb);
    struct sock* sk = sk_alloc(PF_INET, GFP_ATOMIC, lsk->sk_prot, 0);
    if (!sk) {
        return nullptr;
    }
    sock_init_data(nullptr, sk);
    sk->sk_type = SOCK_STREAM;
    sk->sk_protocol = IPPROTO_TCP;
    sk->sk_destruct = lsk->sk_destruct;
    if (tcp_v4_init_sock(sk)) {
        sk_free(sk);
        return nullptr;
    }
    tcp_sock* tp = tcp_sk(sk);
    tcp_sock* lp = tcp_sk(lsk);
    inet_sock* inet = inet_sk(sk);
    inet_sock* linet = inet_sk(lsk);
    inet->inet_saddr = inet->inet_rcv_saddr = iph->daddr;
    inet->inet_daddr = iph->saddr;
    inet->inet_dport = th->source;
    inet->inet_num = linet->inet_num;
    inet->inet_sport = linet->inet_sport;
    inet->tos = linet->tos;
    inet->uc_ttl = linet->uc_ttl;
    inet->pmtudisc = linet->pmtudisc;
    sk->sk_bound_dev_if = lsk->sk_bound_dev_if;
    sk->sk_rcvbuf = lsk->sk_rcvbuf;
    sk->sk_sndbuf = lsk->sk_sndbuf;
    sk->sk_userlocks = lsk->sk_userlocks & (SOCK_SNDBUF_LOCK | SOCK_RCVBUF_LOCK);
    sk->sk_reuse = lsk->sk_reuse;
    sk->sk_priority = lsk->sk_priority;
    sk->sk_mark = lsk->sk_mark;
    sock_valbool_flag(sk, SOCK_KEEPOPEN, sock_flag(lsk, SOCK_KEEPOPEN));
    sk->sk_rcvtimeo = lsk->sk_rcvtimeo;
    sk->sk_sndtimeo = lsk->sk_sndtimeo;
    tp->nodelay = lp->nodelay;
    tp->keepalive = lp->keepalive;
    tp->keepalive_time = lp->keepalive_time;
    tp->keepalive_intvl = lp->keepalive_intvl;
    tp->keepalive_probes = lp->keepalive_probes;
    tp->linger2 = lp->linger2;
    tp->user_mss = lp->user_mss;
    tp->scaling_ratio = lp->scaling_ratio;
    tp->user_timeout = lp->user_timeout;
    tp->cc.ca_ops = lp->cc.ca_ops;
    tp->rx_opt = opt;
    tp->irs = TCP_SKB_CB(skb)->seq;
    tp->rcv_nxt = tp->irs + 1;
    tp->rcv_wup = tp->rcv_nxt;
    tp->copied_seq = tp->rcv_nxt;
    tp->snd_wnd = TCP_SKB_CB(skb)->rx_window;
    tp->snd_wl1 = tp->irs;
    tp->max_window = tp->snd_wnd;
    rtable rt;
    if (tcp_route(sk, &rt)) {
        sk_free(sk);
        return nullptr;
    }
    tp->advmss = tcp_mss_for_mtu(rt.rt_mtu);
    if (tp->user_mss && tp->advmss > tp->user_mss) {
        tp->advmss = tp->user_mss;
    }
    if (!opt.wscale_ok) {
        tp->rx_opt.snd_wscale = 0;
    }
    tcp_select_initial_window(sk);
    if (!tp->rx_opt.wscale_ok) {
        tp->rcv_wscale = 0;
    }
    if (tp->rx_opt.tstamp_ok) {
        tp->ts_recent = opt.rcv_tsval;
        tp->ts_recent_stamp = tcp_ts_recent_clock();
        tp->tsoffset = secure_tcp_ts_off(iph->daddr, iph->saddr);
    }
    if (!tp->rx_opt.mss_clamp) {
        tp->rx_opt.mss_clamp = TCP_MSS_DEFAULT;
    }
    tcp_sync_mss(sk, rt.rt_mtu);
    sk->sk_state = TCP_SYN_RECV;
    {
        bh_guard bh;
        list_add_tail(&tp->bind_node, &lp->bind_node);   // shares the listener's port (inet_inherit_port)
    }
    tcp_v4_hash(sk);
    tp->listener = lp;
    list_add_tail(&tp->accept_node, &lp->syn_queue);
    ++lp->syn_qlen;
    return sk;
}

// A SYN-ACK carrying a cookie, answered without a sock (RFC 4987 3.6):
// only the MSS survives, as one of the table's values.
void tcp_send_cookie_synack(struct sock* lsk, sk_buff* skb, uint16_t peer_mss) {
    const iphdr* iph = ip_hdr(skb);
    const tcphdr* th = tcp_hdr(skb);
    uint16_t mss = 0;
    uint32_t isn = cookie_v4_init_sequence(iph->saddr, iph->daddr, th->source, th->dest, TCP_SKB_CB(skb)->seq,
                                           peer_mss, tcp_cookie_time(ktime_get_ns()), &mss);
    sk_buff* nskb = alloc_skb(MAX_TCP_HEADER, GFP_ATOMIC);
    if (!nskb) {
        return;
    }
    skb_reserve(nskb, static_cast<int>(MAX_TCP_HEADER));
    auto* rth = reinterpret_cast<tcphdr*>(skb_push(nskb, sizeof(tcphdr) + TCPOLEN_MSS));
    memset(rth, 0, sizeof *rth);
    rth->source = th->dest;
    rth->dest = th->source;
    rth->seq = htonl(isn);
    rth->ack_seq = htonl(TCP_SKB_CB(skb)->seq + 1);
    rth->set_doff(6);
    rth->flags = TCPHDR_SYN | TCPHDR_ACK;
    rth->window = htons(static_cast<uint16_t>(lsk->sk_rcvbuf / 2 > 65535 ? 65535 : lsk->sk_rcvbuf / 2));
    auto* o = reinterpret_cast<uint8_t*>(rth + 1);
    o[0] = TCPOPT_MSS;
    o[1] = TCPOLEN_MSS;
    o[2] = static_cast<uint8_t>(mss >> 8);
    o[3] = static_cast<uint8_t>(mss);
    if (tcp_v4_send_ctl(nskb, iph->daddr, iph->saddr, 0)) {
        return;
    }
    NET_INC_STATS(LINUX_MIB_SYNCOOKIESSENT);
}

}  // namespace

int inet_csk_listen_start(struct sock* sk, int backlog) {
    tcp_sock* tp = tcp_sk(sk);
    tp->max_ack_backlog = static_cast<unsigned>(backlog < 0 ? 0 : backlog);
    INIT_LIST_HEAD(&tp->syn_queue);
    INIT_LIST_HEAD(&tp->accept_queue);
    tp->syn_qlen = tp->accept_qlen = 0;
    if (!inet_sk(sk)->inet_num && tcp_v4_get_port(sk, 0)) {
        return -EADDRINUSE;
    }
    // The bind is checked again as a listener's (Linux's inet_csk_listen_start):
    // SO_REUSEADDR lets socks share a port, never two listeners.
    sk->sk_state = TCP_LISTEN;
    if (tcp_v4_port_conflict(sk)) {
        sk->sk_state = TCP_CLOSE;
        return -EADDRINUSE;
    }
    tcp_v4_hash(sk);
    return 0;
}

// Linux's inet_csk_listen_stop: every child not accepted is reset and freed.
void inet_csk_listen_stop(struct sock* sk) {
    tcp_sock* lp = tcp_sk(sk);
    bh_guard bh;
    list_head* queues[] = {&lp->syn_queue, &lp->accept_queue};
    for (list_head* q : queues) {
        for (tcp_sock& child : child_list(q)) {
            struct sock* c = tsk(&child);
            list_del(&child.accept_node);
            INIT_LIST_HEAD(&child.accept_node);
            child.listener = nullptr;
            if (c->sk_state != TCP_CLOSE) {
                tcp_send_active_reset(c);
                NET_INC_STATS(LINUX_MIB_TCPABORTONCLOSE);
            }
            sock_orphan(c);
            tcp_done(c);
        }
    }
    lp->syn_qlen = lp->accept_qlen = 0;
}

void tcp_v4_conn_request(struct sock* sk, sk_buff* skb) {
    tcp_sock* lp = tcp_sk(sk);
    if (lp->accept_qlen >= lp->max_ack_backlog) {
        // Linux drops the SYN when the accept queue is full: the client retries.
        NET_INC_STATS(LINUX_MIB_LISTENOVERFLOWS);
        NET_INC_STATS(LINUX_MIB_LISTENDROPS);
        kfree_skb(skb);
        return;
    }
    tcp_options_received opt{};
    tcp_parse_options(tcp_hdr(skb), &opt, true);
    opt.tstamp_ok = opt.saw_tstamp && sysctl_tcp.timestamps;
    opt.sack_ok = opt.sack_ok && sysctl_tcp.sack;
    opt.wscale_ok = opt.wscale_ok && sysctl_tcp.window_scaling;
    if (lp->syn_qlen >= syn_queue_limit(lp)) {
        if (sysctl_tcp.syncookies) {
            cookie_last_sent = jiffies;
            cookie_ever_sent = true;
            tcp_send_cookie_synack(sk, skb, opt.mss_clamp ? opt.mss_clamp : TCP_MSS_DEFAULT);
        } else {
            NET_INC_STATS(LINUX_MIB_LISTENDROPS);
        }
        kfree_skb(skb);
        return;
    }
    struct sock* child = tcp_create_child(sk, skb, opt);
    if (!child) {
        NET_INC_STATS(LINUX_MIB_LISTENDROPS);
        kfree_skb(skb);
        return;
    }
    const iphdr* iph = ip_hdr(skb);
    const tcphdr* th = tcp_hdr(skb);
    tcp_sock* tp = tcp_sk(child);
    tp->iss = secure_tcp_seq(iph->daddr, iph->saddr, th->dest, th->source, ktime_get_ns());
    tp->snd_una = tp->iss;
    tp->rto = TCP_TIMEOUT_INIT;
    TCP_INC_STATS(TCP_MIB_PASSIVEOPENS);
    kfree_skb(skb);
    if (tcp_send_synack(child)) {
        // No memory for the SYN-ACK: with nothing queued no timer would end
        // the child, which would hold a SYN queue place for good. It goes;
        // the client's retransmitted SYN starts again.
        NET_INC_STATS(LINUX_MIB_LISTENDROPS);
        tcp_done(child);
    }
}

struct sock* tcp_v4_cookie_check(struct sock* sk, sk_buff* skb) {
    const tcphdr* th = tcp_hdr(skb);
    tcp_skb_cb* cb = TCP_SKB_CB(skb);
    if ((cb->tcp_flags & (TCPHDR_SYN | TCPHDR_RST)) || !sysctl_tcp.syncookies ||
        !cookie_ever_sent || time_after(jiffies, cookie_last_sent + 2 * 60 * HZ)) {
        return nullptr;
    }
    const iphdr* iph = ip_hdr(skb);
    uint16_t mss = cookie_v4_check(iph->saddr, iph->daddr, th->source, th->dest, cb->seq - 1, cb->ack_seq - 1,
                                   tcp_cookie_time(ktime_get_ns()));
    if (!mss) {
        NET_INC_STATS(LINUX_MIB_SYNCOOKIESFAILED);
        return nullptr;
    }
    tcp_sock* lp = tcp_sk(sk);
    if (lp->accept_qlen >= lp->max_ack_backlog) {
        NET_INC_STATS(LINUX_MIB_LISTENOVERFLOWS);
        return nullptr;
    }
    NET_INC_STATS(LINUX_MIB_SYNCOOKIESRECV);
    tcp_options_received opt{};
    opt.mss_clamp = mss;
    // The ACK's seq is the SYN's plus one: the child's irs is one less.
    cb->seq -= 1;
    struct sock* child = tcp_create_child(sk, skb, opt);
    cb->seq += 1;
    if (!child) {
        return nullptr;
    }
    tcp_sock* tp = tcp_sk(child);
    tp->iss = cb->ack_seq - 1;
    tp->snd_una = tp->iss;
    tp->snd_nxt = tp->iss + 1;
    tp->write_seq = tp->iss + 1;
    tp->cookie_mss = mss;
    TCP_INC_STATS(TCP_MIB_PASSIVEOPENS);
    return child;
}

bool inet_csk_accept_queue_full(struct sock* child) {
    tcp_sock* lp = tcp_sk(child)->listener;
    return lp && lp->accept_qlen >= lp->max_ack_backlog;
}

void inet_csk_complete_hashdance(struct sock* child) {
    tcp_sock* tp = tcp_sk(child);
    tcp_sock* lp = tp->listener;
    if (!lp) {
        return;
    }
    bh_guard bh;
    list_del(&tp->accept_node);
    --lp->syn_qlen;
    list_add_tail(&tp->accept_node, &lp->accept_queue);
    ++lp->accept_qlen;
    struct sock* lsk = tsk(lp);
    lsk->sk_data_ready(lsk);
}

void inet_csk_child_forget(struct sock* child) {
    tcp_sock* tp = tcp_sk(child);
    tcp_sock* lp = tp->listener;
    if (!lp) {
        return;
    }
    bh_guard bh;
    list_del(&tp->accept_node);
    INIT_LIST_HEAD(&tp->accept_node);
    if (child->sk_state == TCP_SYN_RECV) {
        --lp->syn_qlen;
    } else {
        --lp->accept_qlen;
    }
    tp->listener = nullptr;
}

// Linux's inet_csk_accept: the first established child, waiting (the
// socket lock let go meanwhile) unless O_NONBLOCK.
struct sock* inet_csk_accept(struct sock* sk, int flags, int* err) {
    tcp_sock* lp = tcp_sk(sk);
    if (sk->sk_state != TCP_LISTEN) {
        *err = -EINVAL;
        return nullptr;
    }
    long timeo = sock_rcvtimeo(sk, flags & uapi::o_nonblock);
    while (list_empty(&lp->accept_queue)) {
        if (!timeo) {
            *err = -EAGAIN;
            return nullptr;
        }
        release_sock(sk);
        timeo = wait_event_interruptible_timeout(
            *sk_sleep(sk), [sk, lp] { return !list_empty(&lp->accept_queue) || sk->sk_state != TCP_LISTEN; }, timeo);
        lock_sock(sk);
        if (sk->sk_state != TCP_LISTEN) {
            *err = -EINVAL;
            return nullptr;
        }
        if (list_empty(&lp->accept_queue) && !timeo) {
            *err = -EAGAIN;
            return nullptr;
        }
    }
    bh_guard bh;
    tcp_sock* child = container_of(lp->accept_queue.next, &tcp_sock::accept_node);
    list_del(&child->accept_node);
    INIT_LIST_HEAD(&child->accept_node);
    --lp->accept_qlen;
    child->listener = nullptr;
    *err = 0;
    return tsk(child);
}
