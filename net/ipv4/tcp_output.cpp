// Sending segments (Linux's net/ipv4/tcp_output.c): the header and its
// options, the window we offer, the MSS, what the congestion and receive
// windows let go (with Nagle), ACKs, FIN, RST, SYN and SYN-ACK,
// retransmissions and window probes.
#include <string.h>

#include "kernel/softirq.h"
#include "kernel/trace.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/tcp.h"

namespace {

// Options on a SYN: MSS, SACK permitted with the timestamp, window scale
// (Linux's order, so captures compare).
unsigned syn_options(struct sock* sk, uint8_t* p, bool synack) {
    tcp_sock* tp = tcp_sk(sk);
    uint8_t* start = p;
    *p++ = TCPOPT_MSS;
    *p++ = TCPOLEN_MSS;
    *p++ = static_cast<uint8_t>(tp->advmss >> 8);
    *p++ = static_cast<uint8_t>(tp->advmss);
    bool ts = synack ? tp->rx_opt.tstamp_ok : sysctl_tcp.timestamps;
    bool sack = synack ? tp->rx_opt.sack_ok : sysctl_tcp.sack;
    bool ws = synack ? tp->rx_opt.wscale_ok : sysctl_tcp.window_scaling;
    if (ts) {
        if (sack) {
            *p++ = TCPOPT_SACK_PERM;
            *p++ = TCPOLEN_SACK_PERM;
        } else {
            *p++ = TCPOPT_NOP;
            *p++ = TCPOPT_NOP;
        }
        *p++ = TCPOPT_TIMESTAMP;
        *p++ = TCPOLEN_TIMESTAMP;
        uint32_t tsval = htonl(tcp_time_stamp_ms(tp));
        uint32_t tsecr = htonl(synack ? tp->ts_recent : 0);
        memcpy(p, &tsval, 4);
        memcpy(p + 4, &tsecr, 4);
        p += 8;
    } else if (sack) {
        *p++ = TCPOPT_NOP;
        *p++ = TCPOPT_NOP;
        *p++ = TCPOPT_SACK_PERM;
        *p++ = TCPOLEN_SACK_PERM;
    }
    if (ws) {
        *p++ = TCPOPT_NOP;
        *p++ = TCPOPT_WINDOW;
        *p++ = TCPOLEN_WINDOW;
        *p++ = tp->rcv_wscale;
    }
    return static_cast<unsigned>(p - start);
}

// Options on the other segments: the timestamp, and SACK blocks (D-SACK
// first, RFC 2883) as room allows.
unsigned established_options(struct sock* sk, uint8_t* p) {
    tcp_sock* tp = tcp_sk(sk);
    uint8_t* start = p;
    unsigned room = TCP_MAX_OPTION_SPACE;
    if (tp->rx_opt.tstamp_ok) {
        *p++ = TCPOPT_NOP;
        *p++ = TCPOPT_NOP;
        *p++ = TCPOPT_TIMESTAMP;
        *p++ = TCPOLEN_TIMESTAMP;
        uint32_t tsval = htonl(tcp_time_stamp_ms(tp));
        uint32_t tsecr = htonl(tp->ts_recent);
        memcpy(p, &tsval, 4);
        memcpy(p + 4, &tsecr, 4);
        p += 8;
        room -= TCPOLEN_TSTAMP_ALIGNED;
    }
    unsigned blocks = tp->num_sacks + (tp->dsack ? 1 : 0);
    if (tp->rx_opt.sack_ok && blocks) {
        unsigned fit = (room - 4) / 8;
        blocks = blocks < fit ? blocks : fit;
        *p++ = TCPOPT_NOP;
        *p++ = TCPOPT_NOP;
        *p++ = TCPOPT_SACK;
        *p++ = static_cast<uint8_t>(2 + 8 * blocks);
        unsigned i = 0;
        auto put = [&p](const tcp_sack_block& b) {
            uint32_t s = htonl(b.start_seq), e = htonl(b.end_seq);
            memcpy(p, &s, 4);
            memcpy(p + 4, &e, 4);
            p += 8;
        };
        if (tp->dsack) {
            put(tp->duplicate_sack);
            ++i;
            tp->dsack = false;   // reported once (RFC 2883 4)
        }
        for (unsigned k = 0; i < blocks; ++i, ++k) {
            put(tp->selective_acks[k]);
        }
    }
    return static_cast<unsigned>(p - start);
}

uint8_t* tcp_reserve_header(sk_buff* skb, unsigned len) {
    if (skb_headroom(skb) < len + IP_MAX_HEADROOM) {
        return nullptr;
    }
    skb_push(skb, len);
    skb_reset_transport_header(skb);
    return skb->data;
}

// The window field: the scaled window, or on a SYN the unscaled one (RFC 7323 2.2).
uint16_t window_field(struct sock* sk, bool syn) {
    tcp_sock* tp = tcp_sk(sk);
    if (syn) {
        uint32_t w = tp->rcv_wnd;
        return static_cast<uint16_t>(w > 65535 ? 65535 : w);
    }
    return static_cast<uint16_t>(tcp_select_window(sk));
}

// Linux's tcp_event_data_sent: the congestion control hears of the first
// transmission after the pipe drained, cwnd restarts after an idle RTO
// (RFC 5681 4.1), and data sent soon after data arrived marks an
// interactive exchange, whose ACKs ride on the replies (pingpong).
void tcp_event_data_sent(tcp_sock* tp) {
    unsigned long now = jiffies;
    if (!tp->packets_out) {
        tp->cc.tcp_mstamp = tcp_clock_us();   // CUBIC measures the idle gap to now
        if (tp->cc.lsndtime && now - tp->lsndtime > tp->rto && tp->cc.snd_cwnd > TCP_INIT_CWND) {
            tcp_ca_event_notify(tp->cc, tcp_ca_event::cwnd_restart);
            tp->cc.snd_cwnd = TCP_INIT_CWND;
        }
        tcp_ca_event_notify(tp->cc, tcp_ca_event::tx_start);
    }
    // lrcvtime means nothing before the first data has come in.
    if (tp->data_segs_in && now - tp->lrcvtime < tp->ato) {
        tp->pingpong = true;
    }
    tp->lsndtime = now;
    tp->cc.lsndtime = tcp_clock_us();
}

// An ACK went out: no delayed ACK is owed any more (Linux's tcp_event_ack_sent).
void tcp_event_ack_sent(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    if (tp->quick) {
        --tp->quick;
    }
    tp->ack_pending = 0;
    del_timer(&tp->delack_timer);
}

unsigned in_flight(const tcp_sock* tp) {
    // RFC 6675's pipe, as Linux's tcp_packets_in_flight.
    uint32_t left = tp->sacked_out + tp->lost_out;
    uint32_t out = tp->packets_out > left ? tp->packets_out - left : 0;
    return out + tp->retrans_out;
}

}  // namespace

unsigned tcp_send_head_bytes(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    return tp->write_seq - tp->snd_nxt;
}

uint16_t tcp_mss_for_mtu(unsigned mtu) {
    unsigned mss = mtu > sizeof(iphdr) + sizeof(tcphdr) ? mtu - sizeof(iphdr) - sizeof(tcphdr) : 0;
    return static_cast<uint16_t>(mss < TCP_MIN_MSS - 40 ? TCP_MIN_MSS - 40 : mss);
}

// Linux's tcp_sync_mss: the segment size for a path MTU, within the
// peer's MSS and TCP_MAXSEG, less the options every segment carries.
unsigned tcp_sync_mss(struct sock* sk, unsigned pmtu) {
    tcp_sock* tp = tcp_sk(sk);
    unsigned mss = tcp_mss_for_mtu(pmtu);
    if (tp->rx_opt.mss_clamp && mss > tp->rx_opt.mss_clamp) {
        mss = tp->rx_opt.mss_clamp;
    }
    if (tp->user_mss && mss > tp->user_mss) {
        mss = tp->user_mss;
    }
    if (tp->rx_opt.tstamp_ok) {
        mss -= TCPOLEN_TSTAMP_ALIGNED;
    }
    if (mss < 48) {
        mss = 48;   // Linux's floor: a tiny MSS from a peer never stalls us
    }
    tp->mss_cache = static_cast<uint16_t>(mss);
    tp->cc.mss_cache = mss;
    tp->pmtu_cookie = pmtu;
    return mss;
}

unsigned tcp_current_mss(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    if (dst_entry* dst = sk_dst_check(sk)) {
        unsigned mtu = dst_mtu(dst);
        dst_release(dst);
        if (mtu != tp->pmtu_cookie) {
            tcp_sync_mss(sk, mtu);
        }
    }
    return tp->mss_cache;
}

// Buffer space as window: the payload share of what received skbs cost
// (Linux's tcp_win_from_space, with scaling_ratio measured from full-sized
// segments in tcp_measure_rcv_mss), and back (tcp_space_from_win).
int tcp_win_from_space(const tcp_sock* tp, int space) {
    return space <= 0 ? 0 : static_cast<int>((static_cast<int64_t>(space) * tp->scaling_ratio) >> 8);
}
int tcp_space_from_win(const tcp_sock* tp, int64_t win) {
    int64_t space = (win << 8) / (tp->scaling_ratio ? tp->scaling_ratio : 1);
    return space > INT32_MAX ? INT32_MAX : static_cast<int>(space);
}
int tcp_full_space(struct sock* sk) { return tcp_win_from_space(tcp_sk(sk), sk->sk_rcvbuf); }
int tcp_space(struct sock* sk) { return tcp_win_from_space(tcp_sk(sk), sk->sk_rcvbuf - sk_rmem_alloc_get(sk)); }

// Linux's tcp_select_initial_window: the first window and our scale, so
// the whole receive buffer can be offered later (RFC 7323 2.3).
void tcp_select_initial_window(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    int space = tcp_full_space(sk);
    if (!tp->window_clamp || tp->window_clamp > static_cast<uint32_t>(space)) {
        tp->window_clamp = static_cast<uint32_t>(space);
    }
    tp->rcv_wscale = 0;
    if (sysctl_tcp.window_scaling) {
        int most = sk->sk_userlocks & SOCK_RCVBUF_LOCK ? sk->sk_rcvbuf : sysctl_tcp.rmem[2];
        while (most > 65535 && tp->rcv_wscale < TCP_MAX_WSCALE) {
            most >>= 1;
            ++tp->rcv_wscale;
        }
    }
    uint32_t w = tp->window_clamp;
    tp->rcv_wnd = w > 65535u ? 65535u & ~((1u << tp->rcv_wscale) - 1) : w;
    tp->rcv_ssthresh = tp->window_clamp;
}

namespace {
// Linux's __tcp_select_window with silly-window avoidance (RFC 1122
// 4.2.3.3): no window under an MSS once the buffer is half full; without
// scaling, whole MSSes.
uint32_t __tcp_select_window(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    unsigned mss = tp->rcv_mss ? tp->rcv_mss : tp->advmss;
    int full = tcp_full_space(sk);
    if (static_cast<uint32_t>(full) > tp->window_clamp) {
        full = static_cast<int>(tp->window_clamp);
    }
    int free_space = tcp_space(sk);
    if (mss > static_cast<unsigned>(full)) {
        mss = static_cast<unsigned>(full > 0 ? full : 1);
    }
    if (free_space < full / 2) {
        tp->quick = 0;
        if (tcp_memory_pressure) {
            tp->rcv_ssthresh = tp->rcv_ssthresh < 4u * tp->advmss ? tp->rcv_ssthresh : 4u * tp->advmss;
        }
        if (free_space < static_cast<int>(mss)) {
            return 0;
        }
    }
    if (free_space > static_cast<int>(tp->rcv_ssthresh)) {
        free_space = static_cast<int>(tp->rcv_ssthresh);
    }
    uint32_t window = tp->rcv_wnd;
    if (tp->rx_opt.wscale_ok) {
        uint32_t gran = 1u << tp->rcv_wscale;
        window = (static_cast<uint32_t>(free_space) + gran - 1) & ~(gran - 1);
        if (window > static_cast<uint32_t>(free_space) + gran) {
            window = static_cast<uint32_t>(free_space) & ~(gran - 1);
        }
    } else if (window <= static_cast<uint32_t>(free_space) - mss || window > static_cast<uint32_t>(free_space)) {
        window = (static_cast<uint32_t>(free_space) / mss) * mss;
    }
    return window;
}
}  // namespace

uint32_t tcp_window_would_offer(struct sock* sk) { return __tcp_select_window(sk); }

// The window to put in a header, never shrinking what was offered
// (RFC 9293 3.8.6.2.2), scaled.
uint32_t tcp_select_window(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    uint32_t cur = tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt;
    if (static_cast<int32_t>(cur) < 0) {
        cur = 0;
    }
    uint32_t nw = __tcp_select_window(sk);
    if (nw < cur) {
        uint32_t gran = 1u << (tp->rx_opt.wscale_ok ? tp->rcv_wscale : 0);
        nw = (cur + gran - 1) & ~(gran - 1);
    }
    uint32_t limit = 65535u << (tp->rx_opt.wscale_ok ? tp->rcv_wscale : 0);
    if (nw > limit) {
        nw = limit;
    }
    tp->rcv_wnd = nw;
    tp->rcv_wup = tp->rcv_nxt;
    nw >>= tp->rx_opt.wscale_ok ? tp->rcv_wscale : 0;
    if (!nw) {
        tp->pingpong = false;   // a zero window goes out at once when it opens
    }
    return nw;
}

namespace {
// What goes out of a segment on the write queue: a clone, or a copy when a
// clone is still out. The TCP, IP and link headers are pushed in front of
// the payload and written with word stores, which the MIPS32 core refuses
// off a word boundary (AdES; Linux's MIPS kernel emulates them in
// arch/mips/kernel/unaligned.c, this one does not). A payload that
// tcp_retransmit_skb trimmed after an ACK into the middle of the segment
// (any byte may be ACKed, RFC 9293 3.4) is off it: that one goes out from
// a copy whose payload starts MAX_TCP_HEADER into a fresh buffer again.
sk_buff* tcp_xmit_clone(sk_buff* skb) {
    if (reinterpret_cast<uintptr_t>(skb->data) % sizeof(uint32_t)) {
        return skb_copy_expand(skb, MAX_TCP_HEADER, 0, GFP_ATOMIC);
    }
    return skb_cloned(skb) ? skb_copy(skb, GFP_ATOMIC) : skb_clone(skb, GFP_ATOMIC);
}
}  // namespace

// Linux's __tcp_transmit_skb: a header in front of (a clone of) skb,
// options, checksum, and IP. The original stays on the write queue.
int tcp_transmit_skb(struct sock* sk, sk_buff* oskb, bool clone_it) {
    tcp_sock* tp = tcp_sk(sk);
    inet_sock* inet = inet_sk(sk);
    tcp_skb_cb* cb = TCP_SKB_CB(oskb);
    sk_buff* skb = oskb;
    if (clone_it) {
        oskb->sk = nullptr;
        skb = tcp_xmit_clone(oskb);
        oskb->sk = sk;
        if (!skb) {
            return -ENOBUFS;
        }
        cb->when_us = tcp_clock_us();
    }
    rtable rt;
    if (int err = tcp_route(sk, &rt)) {
        kfree_skb(skb);
        return err;
    }
    bool syn = cb->tcp_flags & TCPHDR_SYN;
    uint8_t opts[TCP_MAX_OPTION_SPACE];
    unsigned optlen = syn ? syn_options(sk, opts, cb->tcp_flags & TCPHDR_ACK) : established_options(sk, opts);
    unsigned hlen = sizeof(tcphdr) + ((optlen + 3) & ~3u);
    auto* th = reinterpret_cast<tcphdr*>(tcp_reserve_header(skb, hlen));
    if (!th) {
        kfree_skb(skb);
        return -ENOBUFS;
    }
    th->source = inet->inet_sport;
    th->dest = inet->inet_dport;
    th->seq = htonl(cb->seq);
    th->ack_seq = htonl(tp->rcv_nxt);
    th->set_doff(hlen / 4);
    th->flags = cb->tcp_flags;
    th->window = htons(window_field(sk, syn));
    th->urg_ptr = 0;
    memcpy(th + 1, opts, optlen);
    memset(reinterpret_cast<uint8_t*>(th + 1) + optlen, TCPOPT_NOP, hlen - sizeof(tcphdr) - optlen);
    tcp_v4_send_check(skb, rt.rt_src, inet->inet_daddr, rt.dev, rt.rt_mtu);
    if (cb->tcp_flags & TCPHDR_ACK) {
        tcp_event_ack_sent(sk);
    }
    unsigned data = skb->len - hlen;
    if (data) {
        tcp_event_data_sent(tp);
        ++tp->data_segs_out;
    }
    ++tp->segs_out;
    TCP_INC_STATS(TCP_MIB_OUTSEGS);
    if (cb->tcp_flags & TCPHDR_RST) {
        TCP_INC_STATS(TCP_MIB_OUTRSTS);
    }
    skb->priority = sk->sk_priority;
    skb->mark = sk->sk_mark;
    flowi4 fl4;
    fl4.daddr = inet->inet_daddr;
    fl4.saddr = rt.rt_src;
    fl4.flowi4_proto = IPPROTO_TCP;
    ip_xmit_opts o;
    o.tos = inet->tos;
    o.ttl = inet->uc_ttl > 0 ? static_cast<uint8_t>(inet->uc_ttl) : 0;
    o.df = inet->pmtudisc != IP_PMTUDISC_DONT;
    int err;
    {
        bh_guard bh;
        err = ip_queue_xmit(skb, fl4, rt, o);
    }
    trace::event(trace::cat::tcp, "tcp_transmit_skb", "seq %u len %u flags 0x%02x err %d", cb->seq, data,
                 cb->tcp_flags, err);
    return err > 0 ? -ENOBUFS : err;
}

// Timers the output path arms --------------------------------------------------

void tcp_reset_xmit_timer(struct sock* sk, uint8_t what, unsigned long when) {
    tcp_sock* tp = tcp_sk(sk);
    if (when > TCP_RTO_MAX) {
        when = TCP_RTO_MAX;
    }
    tp->pending = what;
    mod_timer(&tp->retransmit_timer, jiffies + when);
}

void tcp_clear_xmit_timers(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    tp->pending = 0;
    del_timer(&tp->retransmit_timer);
    del_timer(&tp->delack_timer);
    tp->ack_pending = 0;
}

// RFC 6298 5.1 and 5.3: the RTO runs while data is in flight, restarted
// when new data is acknowledged.
void tcp_rearm_rto(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    if (!tp->packets_out) {
        if (tp->pending == ICSK_TIME_RETRANS) {
            tp->pending = 0;
            del_timer(&tp->retransmit_timer);
        }
        return;
    }
    tcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, tp->rto);
}

// Splitting --------------------------------------------------------------------

namespace {
__wsum payload_csum(sk_buff* skb) { return csum_partial(skb->data, static_cast<int>(skb->len), 0); }

// Linux's tcp_fragment: skb keeps its first len bytes, a new skb after it
// on the write queue takes the rest (and the FIN/PSH).
int tcp_fragment(struct sock* sk, sk_buff* skb, unsigned len) {
    tcp_sock* tp = tcp_sk(sk);
    if (len >= skb->len) {
        return 0;
    }
    unsigned rest = skb->len - len;
    sk_buff* buff = sk_stream_alloc_skb(sk, rest, GFP_ATOMIC, true);
    if (!buff) {
        return -ENOMEM;
    }
    skb_put_data(buff, skb->data + len, rest);
    skb_trim(skb, len);
    tcp_skb_cb* cb = TCP_SKB_CB(skb);
    tcp_skb_cb* ncb = TCP_SKB_CB(buff);
    *ncb = *cb;
    ncb->seq = cb->seq + len;
    cb->end_seq = ncb->seq;
    cb->tcp_flags &= static_cast<uint8_t>(~(TCPHDR_FIN | TCPHDR_PSH));
    skb->csum = payload_csum(skb);
    buff->csum = payload_csum(buff);
    list_add(&buff->list, &skb->list);
    ++tp->write_queue.qlen;
    if (before(ncb->seq, tp->snd_nxt)) {
        ++tp->packets_out;   // both halves were in flight
        if (cb->sacked & TCPCB_SACKED_RETRANS) {
            ++tp->retrans_out;
        }
        if (cb->sacked & TCPCB_LOST) {
            ++tp->lost_out;
        }
        if (cb->sacked & TCPCB_SACKED_ACKED) {
            ++tp->sacked_out;
        }
    }
    return 0;
}
}  // namespace

// Sending new data --------------------------------------------------------------

namespace {
// Nagle (RFC 896, RFC 1122 4.2.3.4): a short segment waits while data is
// unacknowledged, unless TCP_NODELAY, or it carries the FIN. Corked
// (TCP_CORK, or a write with MSG_MORE: Linux's TCP_NAGLE_CORK) it waits
// even with nothing in flight, for the rest of the segment.
bool tcp_nagle_check(const tcp_sock* tp, const sk_buff* skb, unsigned mss, int nonagle) {
    if (skb->len >= mss || (TCP_SKB_CB(const_cast<sk_buff*>(skb))->tcp_flags & TCPHDR_FIN)) {
        return false;
    }
    if (nonagle == 2) {
        return false;   // pushed regardless (TCP_NODELAY set, or a probe)
    }
    if (tp->cork || nonagle == TCP_NAGLE_CORK) {
        return true;
    }
    // Minshall's variant, as Linux's tcp_minshall_check: wait only while a
    // small segment is unacknowledged, so a write's short tail is not held
    // behind full segments.
    bool small_out = after(tp->snd_sml, tp->snd_una) && !after(tp->snd_sml, tp->snd_nxt);
    return !tp->nodelay && tp->packets_out != 0 && nonagle != 1 && small_out;
}

sk_buff* next_skb(tcp_sock* tp, sk_buff* skb) {
    list_head* n = skb->list.next;
    return n == &tp->write_queue.list ? nullptr : container_of(n, &sk_buff::list);
}
}  // namespace

// Linux's tcp_write_xmit: from send_head, what cwnd and the peer's window
// allow, each skb sent as a clone and kept for retransmission.
void tcp_write_xmit(struct sock* sk, unsigned mss_now, int nonagle) {
    tcp_sock* tp = tcp_sk(sk);
    bool sent = false;
    while (sk_buff* skb = tp->send_head) {
        tcp_skb_cb* cb = TCP_SKB_CB(skb);
        if (in_flight(tp) >= tp->cc.snd_cwnd) {
            tp->cc.is_cwnd_limited = true;
            break;
        }
        uint32_t wnd_end = tp->snd_una + tp->snd_wnd;
        if (after(cb->end_seq, wnd_end)) {
            // RFC 9293 3.8.6.2.1: the usable window; a part of skb that fits
            // goes when it is a whole MSS or nothing else is in flight.
            uint32_t room = after(wnd_end, cb->seq) ? wnd_end - cb->seq : 0;
            if (room >= mss_now || (room && !tp->packets_out && room >= tp->max_window / 2)) {
                unsigned cut = room >= mss_now ? (room / mss_now) * mss_now : room;
                if (cut < skb->len && tcp_fragment(sk, skb, cut)) {
                    break;
                }
            } else {
                break;
            }
        }
        if (skb->len > mss_now && tcp_fragment(sk, skb, mss_now)) {
            break;
        }
        if (tcp_nagle_check(tp, skb, mss_now, nonagle) && next_skb(tp, skb) == nullptr) {
            break;
        }
        if (tcp_transmit_skb(sk, skb, true) == -ENOBUFS) {
            break;
        }
        tp->send_head = next_skb(tp, skb);
        tp->snd_nxt = cb->end_seq;
        tp->bytes_sent += skb->len;
        if (skb->len < mss_now) {
            tp->snd_sml = cb->end_seq;
        }
        ++tp->packets_out;
        sent = true;
        if (tp->pending != ICSK_TIME_RETRANS) {
            tcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, tp->rto);
        }
    }
    if (!sent && tp->send_head && !tp->packets_out && !timer_pending(&tp->retransmit_timer)) {
        // The peer's window is closed with data waiting: probe it (RFC 9293 3.8.6.1).
        tp->probes_out = 0;
        tcp_reset_xmit_timer(sk, ICSK_TIME_PROBE0, tp->rto);
    }
}

void tcp_push_pending_frames(struct sock* sk) {
    if (tcp_sk(sk)->send_head) {
        tcp_write_xmit(sk, tcp_current_mss(sk), 0);
    }
}

void tcp_push(struct sock* sk, int flags) {
    tcp_sock* tp = tcp_sk(sk);
    if (!tp->send_head) {
        return;
    }
    sk_buff* tail = skb_peek_tail(&tp->write_queue);
    if (!(flags & MSG_MORE)) {
        TCP_SKB_CB(tail)->tcp_flags |= TCPHDR_PSH;
    }
    int nonagle = (flags & MSG_MORE) ? TCP_NAGLE_CORK : tp->cork ? 0 : (tp->nodelay ? 2 : 0);
    tcp_write_xmit(sk, tcp_current_mss(sk), nonagle);
}

// Control segments ----------------------------------------------------------------

namespace {
sk_buff* control_skb(struct sock* sk, uint32_t seq, uint8_t flags) {
    sk_buff* skb = alloc_skb(MAX_TCP_HEADER, GFP_ATOMIC);
    if (!skb) {
        return nullptr;
    }
    skb_reserve(skb, static_cast<int>(MAX_TCP_HEADER));
    skb->csum = 0;
    skb->sk = sk;
    tcp_skb_cb* cb = TCP_SKB_CB(skb);
    memset(cb, 0, sizeof *cb);
    cb->seq = seq;
    cb->end_seq = seq;
    cb->tcp_flags = flags;
    return skb;
}
}  // namespace

void tcp_send_ack(struct sock* sk) {
    if (sk->sk_state == TCP_CLOSE) {
        return;
    }
    tcp_sock* tp = tcp_sk(sk);
    sk_buff* skb = control_skb(sk, tp->snd_nxt, TCPHDR_ACK);
    if (!skb) {
        // No memory: the delayed ACK tries again (Linux's tcp_send_ack).
        tp->ack_pending |= ICSK_ACK_SCHED;
        mod_timer(&tp->delack_timer, jiffies + TCP_DELACK_MAX);
        return;
    }
    skb->sk = nullptr;
    tcp_transmit_skb(sk, skb, false);
}

// Linux's tcp_send_delayed_ack (RFC 1122 4.2.3.2: at most 500 ms; ours ato,
// 40-200 ms).
void tcp_send_delayed_ack(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    unsigned long ato = tp->ato ? tp->ato : TCP_DELACK_MIN;
    if (ato > TCP_DELACK_MAX) {
        ato = TCP_DELACK_MAX;
    }
    unsigned long timeout = jiffies + ato;
    if (tp->ack_pending & ICSK_ACK_TIMER) {
        if (!time_before(timeout, tp->delack_timer.expires)) {
            return;
        }
    }
    tp->ack_pending |= ICSK_ACK_SCHED | ICSK_ACK_TIMER;
    mod_timer(&tp->delack_timer, timeout);
}

// The FIN rides on the last unsent segment, or goes alone (Linux's
// tcp_send_fin). With no memory for a segment of its own it joins the last
// one sent, as Linux's does under memory pressure: the retransmit timer,
// already running for it, carries the FIN the next time it goes out. A SYN
// takes no FIN here, so then nothing is queued (fin_queued() says so).
void tcp_send_fin(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    sk_buff* tail = skb_peek_tail(&tp->write_queue);
    if (tail && tp->send_head) {
        TCP_SKB_CB(tail)->tcp_flags |= TCPHDR_FIN;
        ++TCP_SKB_CB(tail)->end_seq;
    } else if (sk_buff* skb = sk_stream_alloc_skb(sk, 0, GFP_ATOMIC, true)) {
        tcp_skb_cb* cb = TCP_SKB_CB(skb);
        cb->seq = tp->write_seq;
        cb->end_seq = tp->write_seq + 1;
        cb->tcp_flags = TCPHDR_FIN | TCPHDR_ACK;
        __skb_queue_tail(&tp->write_queue, skb);
        tp->send_head = skb;
    } else if (tail && !(TCP_SKB_CB(tail)->tcp_flags & TCPHDR_SYN)) {
        // Pretend it went with the last transmit: snd_nxt is where it would
        // be, since a retransmit does not move it.
        TCP_SKB_CB(tail)->tcp_flags |= TCPHDR_FIN;
        ++TCP_SKB_CB(tail)->end_seq;
        ++tp->snd_nxt;
    } else {
        return;
    }
    ++tp->write_seq;
    tcp_write_xmit(sk, tcp_current_mss(sk), 2);
}

bool fin_queued(struct sock* sk) {
    sk_buff* tail = skb_peek_tail(&tcp_sk(sk)->write_queue);
    return tail && (TCP_SKB_CB(tail)->tcp_flags & TCPHDR_FIN);
}

void tcp_send_active_reset(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    sk_buff* skb = control_skb(sk, tp->snd_nxt, TCPHDR_ACK | TCPHDR_RST);
    if (!skb) {
        return;
    }
    skb->sk = nullptr;
    tcp_transmit_skb(sk, skb, false);
}

namespace {
// SYN or SYN-ACK: queued like data, so the retransmit timer resends it.
int queue_syn(struct sock* sk, uint8_t flags) {
    tcp_sock* tp = tcp_sk(sk);
    sk_buff* skb = sk_stream_alloc_skb(sk, 0, GFP_ATOMIC, true);
    if (!skb) {
        return -ENOBUFS;
    }
    tcp_skb_cb* cb = TCP_SKB_CB(skb);
    cb->seq = tp->iss;
    cb->end_seq = tp->iss + 1;
    cb->tcp_flags = flags;
    __skb_queue_tail(&tp->write_queue, skb);
    tp->snd_nxt = tp->iss + 1;
    tp->write_seq = tp->iss + 1;
    tp->packets_out = 1;
    tp->send_head = nullptr;
    tcp_transmit_skb(sk, skb, true);
    tcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, tp->rto);
    return 0;
}
}  // namespace

int tcp_send_synack(struct sock* sk) { return queue_syn(sk, TCPHDR_SYN | TCPHDR_ACK); }

// Linux's tcp_connect_init and tcp_connect: the SYN (RFC 9293 3.5).
int tcp_connect(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    tp->iss = tp->write_seq;
    tp->snd_una = tp->iss;
    tp->snd_up = tp->iss;
    tp->rcv_nxt = 0;
    tp->rcv_wup = 0;
    tp->copied_seq = 0;
    tp->rto = TCP_TIMEOUT_INIT;
    tp->retransmits = 0;
    tp->advmss = tcp_mss_for_mtu(tp->pmtu_cookie);
    if (tp->user_mss && tp->advmss > tp->user_mss) {
        tp->advmss = tp->user_mss;
    }
    tcp_select_initial_window(sk);
    TCP_INC_STATS(TCP_MIB_ACTIVEOPENS);
    return queue_syn(sk, TCPHDR_SYN);
}

// Retransmission -------------------------------------------------------------------

int tcp_retransmit_skb(struct sock* sk, sk_buff* skb) {
    tcp_sock* tp = tcp_sk(sk);
    tcp_skb_cb* cb = TCP_SKB_CB(skb);
    if (before(cb->seq, tp->snd_una)) {
        // Partly acknowledged: send only the rest (Linux's tcp_trim_head).
        unsigned acked = tp->snd_una - cb->seq;
        if (cb->tcp_flags & TCPHDR_SYN) {
            --acked;
            cb->tcp_flags &= static_cast<uint8_t>(~TCPHDR_SYN);
        }
        if (acked > skb->len) {
            acked = skb->len;
        }
        skb_pull(skb, acked);
        cb->seq = tp->snd_una;
        skb->csum = payload_csum(skb);
    }
    unsigned mss = tcp_current_mss(sk);
    if (skb->len > mss && tcp_fragment(sk, skb, mss)) {
        return -ENOMEM;
    }
    int err = tcp_transmit_skb(sk, skb, true);
    if (err == -ENOBUFS || err == -ENOMEM) {
        return err;
    }
    if (!(cb->sacked & TCPCB_SACKED_RETRANS)) {
        ++tp->retrans_out;
    }
    cb->sacked |= TCPCB_SACKED_RETRANS | TCPCB_EVER_RETRANS;
    ++cb->retrans;
    ++tp->total_retrans;
    tp->bytes_retrans += skb->len;
    TCP_INC_STATS(TCP_MIB_RETRANSSEGS);
    if (!tp->retrans_stamp) {
        tp->retrans_stamp = jiffies;
    }
    trace::event(trace::cat::tcp, "tcp_retransmit_skb", "seq %u len %u", cb->seq, skb->len);
    return 0;
}

// RFC 6675 NextSeg(): the segments deemed lost, not yet retransmitted and
// not SACKed, while the pipe leaves room (Linux's tcp_xmit_retransmit_queue).
void tcp_xmit_retransmit_queue(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    for (sk_buff& s : skb_queue_walk(&tp->write_queue)) {
        if (&s == tp->send_head) {
            break;
        }
        if (in_flight(tp) >= tp->cc.snd_cwnd) {
            return;
        }
        tcp_skb_cb* cb = TCP_SKB_CB(&s);
        if (!(cb->sacked & TCPCB_LOST) || (cb->sacked & (TCPCB_SACKED_ACKED | TCPCB_SACKED_RETRANS))) {
            continue;
        }
        if (tcp_retransmit_skb(sk, &s)) {
            return;
        }
        if (&s == skb_peek(&tp->write_queue)) {
            tcp_rearm_rto(sk);
        }
    }
}

// Window probes -------------------------------------------------------------------

// Linux's tcp_write_wakeup: new data if the window has room, else a
// segment the peer must answer (an ACK one below snd_una, out of its window).
int tcp_write_wakeup(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    if (sk->sk_state == TCP_CLOSE) {
        return -1;
    }
    sk_buff* skb = tp->send_head;
    if (skb && before(TCP_SKB_CB(skb)->seq, tp->snd_una + tp->snd_wnd)) {
        uint32_t room = tp->snd_una + tp->snd_wnd - TCP_SKB_CB(skb)->seq;
        unsigned mss = tcp_current_mss(sk);
        unsigned seg = room < mss ? room : mss;
        if (seg < skb->len && tcp_fragment(sk, skb, seg)) {
            return -1;
        }
        int err = tcp_transmit_skb(sk, skb, true);
        if (!err) {
            tp->send_head = next_skb(tp, skb);
            tp->snd_nxt = TCP_SKB_CB(skb)->end_seq;
            ++tp->packets_out;
            if (tp->pending != ICSK_TIME_RETRANS) {
                tcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, tp->rto);
            }
        }
        return err;
    }
    sk_buff* probe = control_skb(sk, tp->snd_una - 1, TCPHDR_ACK);
    if (!probe) {
        return -1;
    }
    probe->sk = nullptr;
    NET_INC_STATS(LINUX_MIB_TCPWINPROBE);
    return tcp_transmit_skb(sk, probe, false);
}

// The persist timer (RFC 9293 3.8.6.1): probe, backing off like the RTO.
void tcp_send_probe0(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    int err = tcp_write_wakeup(sk);
    if (tp->packets_out || !tp->send_head) {
        tp->probes_out = 0;
        tp->backoff = 0;
        return;   // the window opened, or nothing is waiting
    }
    unsigned long when;
    if (err <= 0) {
        if (tp->backoff < 15) {
            ++tp->backoff;
        }
        ++tp->probes_out;
        when = tp->rto << tp->backoff;
    } else {
        when = TCP_RESOURCE_PROBE_INTERVAL;   // no memory: try again soon, not counted
    }
    tcp_reset_xmit_timer(sk, ICSK_TIME_PROBE0, when > TCP_RTO_MAX ? TCP_RTO_MAX : when);
}
