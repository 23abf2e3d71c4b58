// Receiving segments (Linux's net/ipv4/tcp_input.c): options, the
// acceptability tests of RFC 9293 3.10.7.4 with PAWS (RFC 7323 5) and the
// blind-attack defences of RFC 5961, ACK processing (RTT, the congestion
// window, SACK scoreboard, fast retransmit and recovery), data into the
// receive and out-of-order queues with SACK blocks, FIN, and the
// handshake states.
#include <string.h>

#include "kernel/bug.h"
#include "kernel/jiffies.h"
#include "kernel/trace.h"
#include "kernel/uapi/errno.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/tcp.h"

// Options -----------------------------------------------------------------------

void tcp_parse_options(const tcphdr* th, tcp_options_received* opt, bool syn) {
    const auto* p = reinterpret_cast<const uint8_t*>(th + 1);
    int length = static_cast<int>(th->doff() * 4u) - static_cast<int>(sizeof(tcphdr));
    opt->saw_tstamp = false;
    opt->num_sacks = 0;
    while (length > 0) {
        uint8_t kind = *p++;
        if (kind == TCPOPT_EOL) {
            return;
        }
        if (kind == TCPOPT_NOP) {
            --length;
            continue;
        }
        if (length < 2) {
            return;
        }
        uint8_t size = *p;
        if (size < 2 || size > length) {
            return;   // "silly options" or a partial one: Linux stops here too
        }
        const uint8_t* v = p + 1;
        switch (kind) {
            case TCPOPT_MSS:
                if (size == TCPOLEN_MSS && syn) {
                    uint16_t mss = static_cast<uint16_t>((v[0] << 8) | v[1]);
                    if (mss) {
                        opt->mss_clamp = mss;
                    }
                }
                break;
            case TCPOPT_WINDOW:
                if (size == TCPOLEN_WINDOW && syn) {
                    opt->wscale_ok = true;
                    // RFC 7323 2.3: a shift over 14 is taken as 14.
                    opt->snd_wscale = v[0] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : v[0];
                }
                break;
            case TCPOPT_SACK_PERM:
                if (size == TCPOLEN_SACK_PERM && syn) {
                    opt->sack_ok = true;
                }
                break;
            case TCPOPT_TIMESTAMP:
                if (size == TCPOLEN_TIMESTAMP) {
                    opt->saw_tstamp = true;
                    opt->rcv_tsval = (uint32_t{v[0]} << 24) | (uint32_t{v[1]} << 16) | (uint32_t{v[2]} << 8) | v[3];
                    opt->rcv_tsecr = (uint32_t{v[4]} << 24) | (uint32_t{v[5]} << 16) | (uint32_t{v[6]} << 8) | v[7];
                }
                break;
            case TCPOPT_SACK:
                if (size >= 10 && (size - 2) % 8 == 0 && !syn) {
                    unsigned n = (size - 2) / 8u;
                    for (unsigned i = 0; i < n && i < TCP_NUM_SACKS; ++i) {
                        const uint8_t* b = v + 8 * i;
                        opt->sack[i][0] = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
                        opt->sack[i][1] = (uint32_t{b[4]} << 24) | (uint32_t{b[5]} << 16) | (uint32_t{b[6]} << 8) | b[7];
                    }
                    opt->num_sacks = static_cast<uint8_t>(n < TCP_NUM_SACKS ? n : TCP_NUM_SACKS);
                }
                break;
            default:
                break;   // unknown options are skipped (RFC 9293 3.2)
        }
        p += size - 1;
        length -= size;
    }
}

// RTT and RTO (RFC 6298) ------------------------------------------------------------

void tcp_rtt_estimator(struct sock* sk, long mrtt_us) {
    tcp_sock* tp = tcp_sk(sk);
    if (mrtt_us <= 0) {
        mrtt_us = 1;
    }
    auto m = static_cast<uint32_t>(mrtt_us);
    if (!tp->min_rtt_us || m < tp->min_rtt_us) {
        tp->min_rtt_us = m;
    }
    if (tp->srtt_us) {
        // 2.3: SRTT += (R' - SRTT)/8, RTTVAR += (|SRTT - R'| - RTTVAR)/4,
        // in Linux's scaled form (srtt << 3, mdev << 2).
        long delta = static_cast<long>(m) - static_cast<long>(tp->srtt_us >> 3);
        tp->srtt_us = static_cast<uint32_t>(static_cast<long>(tp->srtt_us) + delta);
        long err = delta < 0 ? -delta : delta;
        long mdev = static_cast<long>(tp->mdev_us);
        mdev += err - (mdev >> 2);
        tp->mdev_us = static_cast<uint32_t>(mdev);
    } else {
        // 2.2: the first measurement.
        tp->srtt_us = m << 3;
        tp->mdev_us = m << 1;
    }
    tp->rttvar_us = tp->mdev_us >> 2;
    tp->cc.srtt_us = tp->srtt_us;
}

void tcp_set_rto(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    // RTO = SRTT + max(G, 4 * RTTVAR), at least Linux's 200 ms (RFC 6298 2.4 allows it).
    uint64_t rto_us = (tp->srtt_us >> 3) + 4ull * tp->rttvar_us;
    unsigned long rto = usecs_to_jiffies(static_cast<unsigned>(rto_us > 0xffffffffull ? 0xffffffffull : rto_us));
    if (rto < TCP_RTO_MIN) {
        rto = TCP_RTO_MIN;
    }
    if (rto > TCP_RTO_MAX) {
        rto = TCP_RTO_MAX;
    }
    tp->rto = rto;
}

namespace {

void tcp_ack_update_rtt(struct sock* sk, long seq_rtt_us) {
    tcp_sock* tp = tcp_sk(sk);
    // RFC 7323 4.3: with timestamps every ACK of new data gives a sample,
    // retransmissions included (the echo says which copy arrived).
    if (tp->rx_opt.saw_tstamp && tp->rx_opt.rcv_tsecr) {
        uint32_t now = tcp_time_stamp_ms(tp);
        uint32_t delta_ms = now - tp->rx_opt.rcv_tsecr;
        if (static_cast<int32_t>(delta_ms) >= 0 && delta_ms < 60000) {
            long us = static_cast<long>(delta_ms) * 1000;
            seq_rtt_us = seq_rtt_us > 0 && seq_rtt_us < us + 1000 ? seq_rtt_us : (us ? us : seq_rtt_us);
        }
    }
    if (seq_rtt_us < 0) {
        return;   // Karn: nothing but retransmissions acknowledged
    }
    tcp_rtt_estimator(sk, seq_rtt_us);
    tcp_set_rto(sk);
    tp->backoff = 0;
}

// Challenge ACKs (RFC 5961 7): at most 1000 a second for the host, as Linux's
// net.ipv4.tcp_challenge_ack_limit.
void tcp_send_challenge_ack(struct sock* sk) {
    static unsigned long window_start;
    static unsigned count;
    if (time_after(jiffies, window_start + HZ)) {
        window_start = jiffies;
        count = 0;
    }
    if (++count > 1000) {
        return;
    }
    NET_INC_STATS(LINUX_MIB_TCPCHALLENGEACK);
    tcp_send_ack(sk);
}

bool tcp_is_sack(const tcp_sock* tp) { return tp->rx_opt.sack_ok; }

// Without SACK, duplicate ACKs stand for segments that left the network
// (Linux's tcp_add_reno_sack): the pipe shrinks, limited transmit
// (RFC 3042) and recovery's inflation (RFC 5681 3.2) follow from it.
void tcp_add_reno_sack(tcp_sock* tp) {
    if (tp->sacked_out + 1 < tp->packets_out) {
        ++tp->sacked_out;
    }
}
void tcp_remove_reno_sacks(tcp_sock* tp, uint32_t acked) {
    tp->sacked_out = acked >= tp->sacked_out ? 0 : tp->sacked_out - acked;
    if (tp->sacked_out && acked) {
        --tp->sacked_out;   // the one that made it the cumulative ACK
    }
}

// SACK scoreboard (RFC 2018, RFC 6675) --------------------------------------------

void tcp_sacktag_write_queue(struct sock* sk, uint32_t ack) {
    tcp_sock* tp = tcp_sk(sk);
    tcp_options_received& o = tp->rx_opt;
    for (unsigned i = 0; i < o.num_sacks; ++i) {
        uint32_t start = o.sack[i][0], end = o.sack[i][1];
        // D-SACK (RFC 2883 4): the first block below the ACK, or inside the second.
        if (i == 0 && (before(start, ack) ||
                       (o.num_sacks > 1 && !before(start, o.sack[1][0]) && !after(end, o.sack[1][1])))) {
            ++tp->dsack_dups;
            NET_INC_STATS(LINUX_MIB_TCPDSACKRECV);
            continue;
        }
        if (!after(end, start) || before(start, tp->snd_una) || after(end, tp->snd_nxt)) {
            NET_INC_STATS(LINUX_MIB_TCPSACKDISCARD);
            continue;   // RFC 2018: blocks outside what is in flight are ignored
        }
        for (sk_buff& s : skb_queue_walk(&tp->write_queue)) {
            if (&s == tp->send_head) {
                break;
            }
            tcp_skb_cb* cb = TCP_SKB_CB(&s);
            if (!before(cb->seq, end)) {
                break;
            }
            if (before(cb->seq, start) || after(cb->end_seq, end) || (cb->sacked & TCPCB_SACKED_ACKED)) {
                continue;
            }
            if (cb->sacked & TCPCB_SACKED_RETRANS) {
                cb->sacked &= static_cast<uint8_t>(~TCPCB_SACKED_RETRANS);
                --tp->retrans_out;
            }
            if (cb->sacked & TCPCB_LOST) {
                cb->sacked &= static_cast<uint8_t>(~TCPCB_LOST);
                --tp->lost_out;
            }
            cb->sacked |= TCPCB_SACKED_ACKED;
            ++tp->sacked_out;
            if (after(cb->end_seq, tp->highest_sack)) {
                tp->highest_sack = cb->end_seq;
            }
        }
    }
}

// RFC 6675 IsLost(): a segment with DupThresh SACKed segments above it.
// Without SACK: the first unacknowledged segment once recovery starts.
void tcp_mark_head_lost(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    if (!tcp_is_sack(tp)) {
        sk_buff* head = skb_peek(&tp->write_queue);
        if (head && head != tp->send_head && !(TCP_SKB_CB(head)->sacked & (TCPCB_LOST | TCPCB_SACKED_RETRANS))) {
            TCP_SKB_CB(head)->sacked |= TCPCB_LOST;
            ++tp->lost_out;
        }
        return;
    }
    unsigned above = tp->sacked_out;
    for (sk_buff& s : skb_queue_walk(&tp->write_queue)) {
        if (&s == tp->send_head || above < TCP_FASTRETRANS_THRESH) {
            break;
        }
        tcp_skb_cb* cb = TCP_SKB_CB(&s);
        if (cb->sacked & TCPCB_SACKED_ACKED) {
            --above;
            continue;
        }
        if (!(cb->sacked & (TCPCB_LOST | TCPCB_SACKED_RETRANS))) {
            cb->sacked |= TCPCB_LOST;
            ++tp->lost_out;
        }
    }
}

// Dropping acknowledged segments ----------------------------------------------------

struct clean_result {
    uint32_t acked = 0;       // segments
    long rtt_us = -1;         // from the newest never-retransmitted one (Karn)
    bool any_retrans = false;
};

clean_result tcp_clean_rtx_queue(struct sock* sk, uint32_t ack) {
    tcp_sock* tp = tcp_sk(sk);
    clean_result r;
    uint64_t now = tcp_clock_us();
    while (sk_buff* skb = skb_peek(&tp->write_queue)) {
        if (skb == tp->send_head) {
            break;
        }
        tcp_skb_cb* cb = TCP_SKB_CB(skb);
        if (after(cb->end_seq, ack)) {
            break;   // partly acknowledged: trimmed when retransmitted
        }
        uint8_t s = cb->sacked;
        if (s & TCPCB_SACKED_RETRANS) {
            --tp->retrans_out;
        }
        if (s & TCPCB_LOST) {
            --tp->lost_out;
        }
        if (s & TCPCB_SACKED_ACKED) {
            --tp->sacked_out;
        }
        if (s & TCPCB_EVER_RETRANS) {
            r.any_retrans = true;
        } else {
            r.rtt_us = static_cast<long>(now - cb->when_us);
        }
        if (cb->tcp_flags & TCPHDR_SYN) {
            tp->retrans_stamp = 0;
        }
        if (WARN_ON_ONCE(!tp->packets_out, "packets_out underflow")) {
            tp->packets_out = 1;   // counted wrong somewhere: keep the queue and the count consistent
        }
        --tp->packets_out;
        ++r.acked;
        __skb_unlink(skb, &tp->write_queue);
        kfree_skb(skb);
    }
    return r;
}

// The peer's window (RFC 9293 3.10.7.4 "update the send window").
bool tcp_ack_update_window(struct sock* sk, const tcp_skb_cb* cb) {
    tcp_sock* tp = tcp_sk(sk);
    uint32_t nwin = uint32_t{cb->rx_window};
    if (!(cb->tcp_flags & TCPHDR_SYN)) {
        nwin <<= tp->rx_opt.snd_wscale;
    }
    uint32_t ack = cb->ack_seq;
    if (after(ack, tp->snd_una) || after(cb->seq, tp->snd_wl1) || (cb->seq == tp->snd_wl1 && nwin > tp->snd_wnd) ||
        (cb->seq == tp->snd_wl1 && ack == tp->snd_wl2)) {
        bool opened = nwin > tp->snd_wnd;
        tp->snd_wnd = nwin;
        tp->snd_wl1 = cb->seq;
        tp->snd_wl2 = ack;
        if (nwin > tp->max_window) {
            tp->max_window = nwin;
        }
        return opened;
    }
    return false;
}

void tcp_enter_recovery(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    NET_INC_STATS(tcp_is_sack(tp) ? LINUX_MIB_TCPSACKRECOVERY : LINUX_MIB_TCPRENORECOVERY);
    tp->high_seq = tp->snd_nxt;
    tp->undo_marker = tp->snd_una;
    tp->cc.prior_cwnd = tp->cc.snd_cwnd;
    tp->cc.snd_ssthresh = tp->cc.ca_ops->ssthresh(tp->cc);
    // RFC 6675 5 (and RFC 5681 3.2 step 2): cwnd = ssthresh; the pipe
    // decides what goes.
    tp->cc.snd_cwnd = tp->cc.snd_ssthresh;
    tcp_set_ca_state(tp->cc, tcp_ca_state::Recovery);
}

// Linux's tcp_fastretrans_alert, with NewReno (RFC 6582) and SACK
// (RFC 6675) recovery: enter on DupThresh, retransmit what is lost, leave
// when everything sent before it began is acknowledged.
void tcp_fastretrans_alert(struct sock* sk, uint32_t prior_snd_una, bool is_dupack) {
    tcp_sock* tp = tcp_sk(sk);
    tcp_cc_sock& cc = tp->cc;
    if (!tp->packets_out) {
        tp->sacked_out = 0;
    }
    if (cc.ca_state == tcp_ca_state::Recovery || cc.ca_state == tcp_ca_state::Loss) {
        if (!before(tp->snd_una, tp->high_seq)) {
            if (cc.ca_state == tcp_ca_state::Recovery) {
                cc.snd_cwnd = cc.snd_ssthresh;   // RFC 6582 3.2 step 3: deflate
            }
            tcp_set_ca_state(cc, tcp_ca_state::Open);
            tp->dupacks = 0;
            if (!tcp_is_sack(tp)) {
                tp->sacked_out = 0;
            }
            return;
        }
        if (cc.ca_state == tcp_ca_state::Recovery && after(tp->snd_una, prior_snd_una)) {
            tcp_mark_head_lost(sk);   // a partial ACK: the next hole is lost too (RFC 6582 3.2 step 5)
        } else if (tcp_is_sack(tp)) {
            tcp_mark_head_lost(sk);
        }
        tcp_xmit_retransmit_queue(sk);
        return;
    }
    // RFC 5827 early retransmit: with fewer than four segments out and
    // nothing new to send, DupThresh duplicates can never come; one less
    // than what is out will do.
    uint32_t thresh = TCP_FASTRETRANS_THRESH;
    if (!tp->send_head && tp->packets_out < 4 && tp->packets_out > 1) {
        thresh = tp->packets_out - 1;
    }
    bool enter = tcp_is_sack(tp) ? tp->sacked_out >= thresh || tp->dupacks >= thresh : tp->dupacks >= thresh;
    if (enter && tp->packets_out) {
        tcp_enter_recovery(sk);
        tcp_mark_head_lost(sk);
        if (tcp_is_sack(tp)) {
            // The head is lost whatever the count says: it started this.
            sk_buff* head = skb_peek(&tp->write_queue);
            if (head && head != tp->send_head &&
                !(TCP_SKB_CB(head)->sacked & (TCPCB_LOST | TCPCB_SACKED_ACKED | TCPCB_SACKED_RETRANS))) {
                TCP_SKB_CB(head)->sacked |= TCPCB_LOST;
                ++tp->lost_out;
            }
        }
        NET_INC_STATS(LINUX_MIB_TCPFASTRETRANS);
        tcp_xmit_retransmit_queue(sk);
        return;
    }
    if (is_dupack || tp->sacked_out) {
        tcp_set_ca_state(cc, tcp_ca_state::Disorder);
    } else if (cc.ca_state == tcp_ca_state::Disorder) {
        tcp_set_ca_state(cc, tcp_ca_state::Open);
    }
}

}  // namespace

// RFC 6298 5.5-5.7 and RFC 5681 3.1: on a retransmission timeout
// everything in flight is deemed lost, cwnd one segment (Linux's tcp_enter_loss).
void tcp_enter_loss(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    tcp_cc_sock& cc = tp->cc;
    if (cc.ca_state != tcp_ca_state::Loss) {
        cc.prior_cwnd = cc.snd_cwnd;
        cc.snd_ssthresh = cc.ca_ops->ssthresh(cc);
        tcp_ca_event_notify(cc, tcp_ca_event::loss);
    }
    cc.snd_cwnd = 1;
    cc.snd_cwnd_cnt = 0;
    tp->retrans_out = 0;
    tp->lost_out = 0;
    if (!tcp_is_sack(tp)) {
        tp->sacked_out = 0;
    }
    for (sk_buff& s : skb_queue_walk(&tp->write_queue)) {
        if (&s == tp->send_head) {
            break;
        }
        tcp_skb_cb* cb = TCP_SKB_CB(&s);
        cb->sacked &= static_cast<uint8_t>(~(TCPCB_SACKED_RETRANS | TCPCB_LOST));
        if (!tcp_is_sack(tp)) {
            cb->sacked &= static_cast<uint8_t>(~TCPCB_SACKED_ACKED);
        }
        if (!(cb->sacked & TCPCB_SACKED_ACKED)) {
            cb->sacked |= TCPCB_LOST;
            ++tp->lost_out;
        }
    }
    tp->high_seq = tp->snd_nxt;
    tp->dupacks = 0;
    tcp_set_ca_state(cc, tcp_ca_state::Loss);
}

namespace {

// Send buffer growth with cwnd (Linux's tcp_sndbuf_expand): room for two
// windows of segments, up to tcp_wmem[2], unless SO_SNDBUF fixed it.
void tcp_sndbuf_expand(struct sock* sk) {
    // Not under pressure nor past tcp_mem's low mark (Linux's tcp_should_expand_sndbuf).
    if ((sk->sk_userlocks & SOCK_SNDBUF_LOCK) || sk_under_memory_pressure(sk) ||
        sk_memory_allocated(sk) >= sysctl_tcp.mem[0]) {
        return;
    }
    tcp_sock* tp = tcp_sk(sk);
    unsigned per = tp->mss_cache + MAX_TCP_HEADER + 2 * L1_CACHE_BYTES + 256;
    long want = 2l * (tp->cc.snd_cwnd > TCP_INIT_CWND ? tp->cc.snd_cwnd : TCP_INIT_CWND) * per * 2;
    if (want > sysctl_tcp.wmem[2]) {
        want = sysctl_tcp.wmem[2];
    }
    if (want > sk->sk_sndbuf) {
        sk->sk_sndbuf = static_cast<int>(want);
    }
}

// Linux's tcp_ack. -1: the ACK is for something not sent (answered) or
// too old to trust (RFC 5961 5.2); 0 otherwise.
int tcp_ack(struct sock* sk, sk_buff* skb) {
    tcp_sock* tp = tcp_sk(sk);
    tcp_skb_cb* cb = TCP_SKB_CB(skb);
    uint32_t ack = cb->ack_seq;
    uint32_t prior_snd_una = tp->snd_una;
    if (before(ack, prior_snd_una - tp->max_window) && before(ack, prior_snd_una)) {
        tcp_send_challenge_ack(sk);
        return -1;
    }
    if (after(ack, tp->snd_nxt)) {
        tcp_send_ack(sk);   // RFC 9293 3.10.7.4: ACK it, drop the segment
        return -1;
    }
    tp->rcv_tstamp = jiffies;
    if (before(ack, prior_snd_una)) {
        return 0;   // old, but data or a window may still be in it
    }
    uint32_t prior_wnd = tp->snd_wnd;
    bool window_opened = tcp_ack_update_window(sk, cb);
    if (tcp_is_sack(tp) && tp->rx_opt.num_sacks) {
        tcp_sacktag_write_queue(sk, ack);
    }
    bool is_dupack = ack == prior_snd_una && skb->len == tcp_hdr(skb)->doff() * 4u &&
                     !(cb->tcp_flags & (TCPHDR_SYN | TCPHDR_FIN)) && tp->snd_wnd == prior_wnd && tp->packets_out;
    tp->snd_una = ack;
    tp->cc.snd_una = ack;
    tp->cc.snd_nxt = tp->snd_nxt;
    tp->cc.tcp_mstamp = tcp_clock_us();
    uint32_t acked_bytes = ack - prior_snd_una;
    clean_result r;
    if (acked_bytes) {
        r = tcp_clean_rtx_queue(sk, ack);
        tp->bytes_acked += acked_bytes;
        tp->dupacks = 0;
        tp->probes_out = 0;
        tp->retransmits = 0;
        tp->retrans_stamp = tp->retrans_out ? tp->retrans_stamp : 0;
        if (!tcp_is_sack(tp)) {
            tcp_remove_reno_sacks(tp, r.acked);
        }
        tcp_ack_update_rtt(sk, r.rtt_us);
        if (tp->cc.ca_ops->pkts_acked) {
            ack_sample sample{r.acked, static_cast<int32_t>(r.rtt_us), tp->packets_out};
            tp->cc.ca_ops->pkts_acked(tp->cc, sample);
        }
    } else if (is_dupack) {
        ++tp->dupacks;
        if (!tcp_is_sack(tp)) {
            tcp_add_reno_sack(tp);
        }
    }
    tp->cc.packets_out = tp->packets_out;
    // Linux's tcp_cong_control: outside a window reduction (Recovery, CWR)
    // cwnd grows, in Loss too, where slow start from one segment resends
    // what the timeout marked lost (RFC 5681 3.1).
    tcp_ca_state st = tp->cc.ca_state;
    if (acked_bytes && r.acked && st != tcp_ca_state::Recovery && st != tcp_ca_state::CWR) {
        tp->cc.ca_ops->cong_avoid(tp->cc, ack, r.acked);
        tcp_sndbuf_expand(sk);
    }
    if (is_dupack || tp->cc.ca_state != tcp_ca_state::Open || tp->sacked_out || tp->rx_opt.num_sacks) {
        tcp_fastretrans_alert(sk, prior_snd_una, is_dupack);
    } else if (tp->cc.ca_state == tcp_ca_state::Loss) {
        tcp_fastretrans_alert(sk, prior_snd_una, false);
    }
    tp->cc.is_cwnd_limited = false;
    if (acked_bytes) {
        tcp_rearm_rto(sk);
    }
    if ((window_opened || acked_bytes) && tp->pending == ICSK_TIME_PROBE0 && tp->snd_wnd) {
        tp->pending = 0;
        del_timer(&tp->retransmit_timer);
        tp->backoff = 0;
    }
    if (acked_bytes && !sock_flag(sk, SOCK_DEAD)) {
        sk_stream_write_space(sk);
    }
    return 0;
}

// Receive side --------------------------------------------------------------------

uint32_t tcp_receive_window(const tcp_sock* tp) {
    int32_t win = static_cast<int32_t>(tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt);
    return win < 0 ? 0 : static_cast<uint32_t>(win);
}

// RFC 9293 3.10.7.4's acceptability test (Linux's tcp_sequence).
bool tcp_sequence(const tcp_sock* tp, uint32_t seq, uint32_t end_seq) {
    return !before(end_seq, tp->rcv_wup) && !after(seq, tp->rcv_nxt + tcp_receive_window(tp));
}

// PAWS (RFC 7323 5.3): an older timestamp than the last one echoed is a
// segment from a previous incarnation; after 24 days idle it no longer says so.
bool tcp_paws_discard(const tcp_sock* tp) {
    const tcp_options_received& o = tp->rx_opt;
    if (!o.saw_tstamp || !o.tstamp_ok || !tp->ts_recent_stamp) {
        return false;
    }
    if (static_cast<int32_t>(o.rcv_tsval - tp->ts_recent) >= 0) {
        return false;
    }
    uint32_t now_s = tcp_ts_recent_clock();
    return now_s - tp->ts_recent_stamp < 24u * 24 * 3600;
}

void tcp_store_ts_recent(tcp_sock* tp, uint32_t seq) {
    // RFC 7323 4.3 (3): only from a segment that covers rcv_wup (Linux's
    // tcp_replace_ts_recent), never going back.
    const tcp_options_received& o = tp->rx_opt;
    if (o.saw_tstamp && !after(seq, tp->rcv_wup) &&
        (static_cast<int32_t>(o.rcv_tsval - tp->ts_recent) >= 0 || !tp->ts_recent_stamp)) {
        tp->ts_recent = o.rcv_tsval;
        tp->ts_recent_stamp = tcp_ts_recent_clock();
    }
}

void tcp_enter_quickack(tcp_sock* tp) {
    tp->quick = 16;
    tp->pingpong = false;
    tp->ack_pending |= ICSK_ACK_NOW;
}

void tcp_dsack_set(tcp_sock* tp, uint32_t seq, uint32_t end_seq) {
    if (tp->rx_opt.sack_ok) {
        tp->dsack = true;
        tp->duplicate_sack = {seq, end_seq};
        NET_INC_STATS(LINUX_MIB_TCPDSACKOLDSENT);
    }
}

// The SACK blocks we send: the out-of-order queue's runs, the one that
// just grew first (RFC 2018 4).
void tcp_sack_rebuild(tcp_sock* tp, uint32_t newest_seq) {
    tcp_sack_block runs[TCP_NUM_SACKS * 4];
    unsigned n = 0;
    for (sk_buff& s : skb_queue_walk(&tp->out_of_order_queue)) {
        tcp_skb_cb* cb = TCP_SKB_CB(&s);
        if (n && runs[n - 1].end_seq == cb->seq) {
            runs[n - 1].end_seq = cb->end_seq;
        } else if (n < sizeof runs / sizeof runs[0]) {
            runs[n++] = {cb->seq, cb->end_seq};
        }
    }
    unsigned out = 0;
    for (unsigned i = 0; i < n; ++i) {
        if (!before(newest_seq, runs[i].start_seq) && before(newest_seq, runs[i].end_seq)) {
            tp->selective_acks[out++] = runs[i];
            break;
        }
    }
    for (unsigned i = n; i-- > 0 && out < TCP_NUM_SACKS;) {
        if (out && runs[i].start_seq == tp->selective_acks[0].start_seq) {
            continue;
        }
        tp->selective_acks[out++] = runs[i];
    }
    tp->num_sacks = static_cast<uint8_t>(out);
}

void tcp_queue_rcv(struct sock* sk, sk_buff* skb) {
    tcp_sock* tp = tcp_sk(sk);
    skb_set_owner_r(skb, sk);
    __skb_queue_tail(&sk->sk_receive_queue, skb);
    tp->rcv_nxt = TCP_SKB_CB(skb)->end_seq;
    tp->bytes_received += skb->len;
}

bool rcvbuf_full(struct sock* sk, const sk_buff* skb) {
    return sk_rmem_alloc_get(sk) + static_cast<int>(skb->truesize) > sk->sk_rcvbuf;
}

// Room in tcp_mem for skb (Linux's tcp_try_rmem_schedule): what waits
// beyond a hole gives its memory first; data already acknowledged is never
// given up, new data is dropped and the sender resends it.
bool tcp_try_rmem_schedule(struct sock* sk, const sk_buff* skb) {
    if (sk_rmem_schedule(sk, skb)) {
        return true;
    }
    tcp_sock* tp = tcp_sk(sk);
    if (sk_under_memory_pressure(sk) && tp->rcv_ssthresh > 4u * tp->advmss) {
        tp->rcv_ssthresh = 4u * tp->advmss;   // Linux's tcp_adjust_rcv_ssthresh: offer less from now on
    }
    if (!skb_queue_empty(&tp->out_of_order_queue)) {
        __skb_queue_purge(&tp->out_of_order_queue);
        tp->num_sacks = 0;
        NET_INC_STATS(LINUX_MIB_TCPOFODROP);
        return sk_rmem_schedule(sk, skb);
    }
    return false;
}

// In-order data inside the window we offered is taken while what the
// socket holds stays under twice its buffer: the window promised payload
// bytes, and small segments in big receive buffers cost more than the
// window assumed (Linux collapses its queue instead, tcp_collapse).
bool rcvbuf_over_limit(struct sock* sk, const sk_buff* skb) {
    return sk_rmem_alloc_get(sk) + static_cast<int>(skb->truesize) > 2 * sk->sk_rcvbuf;
}

// What the out-of-order queue now continues (Linux's tcp_ofo_queue).
void tcp_ofo_queue(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    while (sk_buff* skb = skb_peek(&tp->out_of_order_queue)) {
        tcp_skb_cb* cb = TCP_SKB_CB(skb);
        if (after(cb->seq, tp->rcv_nxt)) {
            break;
        }
        __skb_unlink(skb, &tp->out_of_order_queue);
        if (!after(cb->end_seq, tp->rcv_nxt)) {
            kfree_skb(skb);
            continue;
        }
        unsigned overlap = tp->rcv_nxt - cb->seq;
        if (overlap) {
            skb_pull(skb, overlap);
            cb->seq = tp->rcv_nxt;
        }
        skb_orphan(skb);
        tcp_queue_rcv(sk, skb);
        if (cb->tcp_flags & TCPHDR_FIN) {
            tcp_fin(sk);
            break;
        }
    }
}

// Linux's tcp_data_queue_ofo: into the out-of-order queue by seq, what
// older segments already cover cut away.
void tcp_data_queue_ofo(struct sock* sk, sk_buff* skb) {
    tcp_sock* tp = tcp_sk(sk);
    tcp_skb_cb* cb = TCP_SKB_CB(skb);
    if (rcvbuf_full(sk, skb) || !sk_rmem_schedule(sk, skb)) {
        NET_INC_STATS(LINUX_MIB_TCPOFODROP);
        kfree_skb(skb);
        return;
    }
    NET_INC_STATS(LINUX_MIB_TCPOFOQUEUE);
    ++tp->rcv_ooopack;
    uint32_t seq = cb->seq, end = cb->end_seq;
    list_head* pos = &tp->out_of_order_queue.list;   // insert before pos
    for (sk_buff& s : skb_queue_walk(&tp->out_of_order_queue)) {
        tcp_skb_cb* c = TCP_SKB_CB(&s);
        if (!before(c->seq, end)) {
            pos = &s.list;
            break;
        }
        if (!after(c->end_seq, seq)) {
            continue;   // wholly before us
        }
        if (!before(seq, c->seq) && !after(end, c->end_seq)) {
            tcp_dsack_set(tp, seq, end);   // all of it is here already
            kfree_skb(skb);
            tcp_enter_quickack(tp);
            return;
        }
        if (!before(c->seq, seq) && !after(c->end_seq, end)) {
            __skb_unlink(&s, &tp->out_of_order_queue);   // we cover it
            kfree_skb(&s);
            continue;
        }
        if (before(c->seq, seq)) {
            unsigned cut = c->end_seq - seq;   // its tail overlaps our head
            skb_pull(skb, cut);
            cb->seq = seq = c->end_seq;
            continue;
        }
        // Its head overlaps our tail: keep ours short of it.
        unsigned keep = c->seq - seq;
        skb_trim(skb, keep);
        cb->tcp_flags &= static_cast<uint8_t>(~TCPHDR_FIN);
        cb->end_seq = end = c->seq;
        pos = &s.list;
        break;
    }
    skb_set_owner_r(skb, sk);
    list_add_tail(&skb->list, pos);
    ++tp->out_of_order_queue.qlen;
    if (tp->rx_opt.sack_ok) {
        tcp_sack_rebuild(tp, seq);
    }
    tcp_enter_quickack(tp);   // RFC 5681 4.2: out-of-order data is ACKed at once
}

void tcp_data_queue(struct sock* sk, sk_buff* skb) {
    tcp_sock* tp = tcp_sk(sk);
    tcp_skb_cb* cb = TCP_SKB_CB(skb);
    skb_pull(skb, tcp_hdr(skb)->doff() * 4u);
    if (cb->tcp_flags & TCPHDR_SYN) {
        ++cb->seq;   // the SYN's own place; any data on it is dropped below
        skb_trim(skb, 0);
    }
    if (cb->seq == cb->end_seq) {
        kfree_skb(skb);
        return;
    }
    if (skb->len) {
        ++tp->data_segs_in;
        tcp_measure_rcv_mss(sk, skb);
        tp->lrcvtime = jiffies;
    }
    if (before(cb->seq, tp->rcv_nxt) && after(cb->end_seq, tp->rcv_nxt)) {
        // Partly old: the new part goes on (RFC 9293 3.10.7.4, trimming).
        tcp_dsack_set(tp, cb->seq, tp->rcv_nxt);
        unsigned old = tp->rcv_nxt - cb->seq;
        skb_pull(skb, old < skb->len ? old : skb->len);
        cb->seq = tp->rcv_nxt;
    }
    if (cb->seq == tp->rcv_nxt) {
        if (!tcp_receive_window(tp) && skb->len) {
            tcp_enter_quickack(tp);   // a zero window: nothing fits (RFC 9293 3.10.7.4)
            kfree_skb(skb);
            return;
        }
        if (skb->len && rcvbuf_full(sk, skb) && !skb_queue_empty(&tp->out_of_order_queue)) {
            // In-order data first (Linux's tcp_prune_ofo_queue): what waits
            // beyond a hole gives its room, the sender resends it.
            __skb_queue_purge(&tp->out_of_order_queue);
            tp->num_sacks = 0;
            NET_INC_STATS(LINUX_MIB_TCPOFODROP);
        }
        if (skb->len && (rcvbuf_over_limit(sk, skb) || !tcp_try_rmem_schedule(sk, skb))) {
            NET_INC_STATS(LINUX_MIB_TCPRCVQDROP);
            tcp_enter_quickack(tp);
            kfree_skb(skb);
            return;
        }
        bool fin = cb->tcp_flags & TCPHDR_FIN;
        if (!skb->len) {
            // A bare FIN takes no buffer: the end of the stream is the state.
            tp->rcv_nxt = cb->end_seq;
            consume_skb(skb);
            tcp_fin(sk);
            if (!sock_flag(sk, SOCK_DEAD)) {
                sk->sk_data_ready(sk);
            }
            return;
        }
        tcp_queue_rcv(sk, skb);
        tcp_event_data_recv(sk, skb);
        if (!skb_queue_empty(&tp->out_of_order_queue)) {
            tcp_ofo_queue(sk);
            if (skb_queue_empty(&tp->out_of_order_queue)) {
                tcp_enter_quickack(tp);   // a hole just filled: tell the sender now
            }
            if (tp->rx_opt.sack_ok) {
                tcp_sack_rebuild(tp, 0);
            }
        }
        if (fin) {
            tcp_fin(sk);
        }
        if (!sock_flag(sk, SOCK_DEAD)) {
            sk->sk_data_ready(sk);
        }
        return;
    }
    if (!after(cb->end_seq, tp->rcv_nxt)) {
        tcp_dsack_set(tp, cb->seq, cb->end_seq);   // a retransmission we have
        tcp_enter_quickack(tp);
        kfree_skb(skb);
        return;
    }
    if (!before(cb->seq, tp->rcv_nxt + tcp_receive_window(tp))) {
        tcp_enter_quickack(tp);
        kfree_skb(skb);
        return;
    }
    tcp_data_queue_ofo(sk, skb);
}

// Linux's __tcp_ack_snd_check: at once when a full segment beyond the last
// window update is owed (RFC 1122 4.2.3.2 "every second segment"), in
// quick-ACK mode, or with a hole; otherwise delayed.
void tcp_ack_snd_check(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    if (!(tp->ack_pending & (ICSK_ACK_SCHED | ICSK_ACK_NOW))) {
        return;
    }
    bool now = (tp->ack_pending & ICSK_ACK_NOW) || (tp->quick && !tp->pingpong) || !skb_queue_empty(&tp->out_of_order_queue) ||
               tp->rcv_nxt - tp->rcv_wup > tp->rcv_mss;
    if (now) {
        tcp_send_ack(sk);
    } else {
        tcp_send_delayed_ack(sk);
    }
}

}  // namespace

// The FIN (RFC 9293 3.10.7.4 "eighth, check the FIN bit"; Linux's tcp_fin).
void tcp_fin(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    sk->sk_shutdown |= RCV_SHUTDOWN;
    sock_set_flag(sk, SOCK_DONE);
    tcp_enter_quickack(tp);
    switch (sk->sk_state) {
        case TCP_SYN_RECV:
        case TCP_ESTABLISHED:
            tcp_set_state(sk, TCP_CLOSE_WAIT);
            tp->pingpong = true;
            break;
        case TCP_FIN_WAIT1:
            // Simultaneous close: our FIN not yet acknowledged.
            tcp_set_state(sk, TCP_CLOSING);
            break;
        case TCP_FIN_WAIT2:
            tcp_send_ack(sk);
            tcp_time_wait(sk, TCP_TIME_WAIT, 0);
            break;
        default:
            break;   // CLOSE_WAIT, CLOSING, LAST_ACK: a retransmitted FIN
    }
    __skb_queue_purge(&tp->out_of_order_queue);
    tp->num_sacks = 0;
    if (!sock_flag(sk, SOCK_DEAD)) {
        sk->sk_state_change(sk);
    }
}

void tcp_update_pmtu(struct sock* sk, unsigned mtu) {
    tcp_sock* tp = tcp_sk(sk);
    if (dst_entry* dst = sk_dst_check(sk)) {
        dst_update_pmtu(dst, mtu);
        dst_release(dst);
    }
    unsigned old = tp->mss_cache;
    if (tcp_current_mss(sk) < old) {
        // RFC 1191 6.5: what was sent at the old size is resent at the new
        // one at once, not after an RTO.
        for (sk_buff& s : skb_queue_walk(&tp->write_queue)) {
            if (&s == tp->send_head) {
                break;
            }
            if (s.len > tp->mss_cache && !(TCP_SKB_CB(&s)->sacked & TCPCB_LOST)) {
                TCP_SKB_CB(&s)->sacked |= TCPCB_LOST;
                ++tp->lost_out;
            }
        }
        tcp_xmit_retransmit_queue(sk);
    }
}

void tcp_init_transfer(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    tcp_init_congestion_control(tp->cc);
    tp->cc.snd_cwnd = TCP_INIT_CWND;
    if (tp->retransmits || tp->total_retrans) {
        tp->cc.snd_cwnd = 1;   // RFC 5681 3.1: the SYN was lost: loss window (Linux's tcp_init_cwnd)
    }
    tp->cc.snd_cwnd_clamp = 0xffff;
    tp->snd_wl1 = tp->rcv_nxt - 1;
    tp->rcv_tstamp = jiffies;
    tp->lsndtime = jiffies;
    tp->retransmits = 0;
    tp->retrans_stamp = 0;
    tp->backoff = 0;
    tcp_set_rto(sk);
    if (!tp->srtt_us) {
        tp->rto = TCP_TIMEOUT_INIT;
    }
    tp->rcv_mss = static_cast<uint16_t>(tp->advmss < TCP_MSS_DEFAULT ? tp->advmss : TCP_MSS_DEFAULT);
    tp->quick = 16;   // Linux's TCP_MAX_QUICKACKS: the start of a transfer is ACKed at once
    tcp_sndbuf_expand(sk);
    tcp_init_buffer_space(sk);
    if (tp->keepalive) {
        inet_csk_reset_keepalive_timer(sk, keepalive_time_when(tp));
    }
}

namespace {

// Options a SYN or SYN-ACK agreed on (RFC 7323 1.3, RFC 2018 2): each
// only when both sides offered it.
void tcp_apply_syn_options(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    tcp_options_received& o = tp->rx_opt;
    if (!sysctl_tcp.window_scaling || !o.wscale_ok) {
        o.wscale_ok = false;
        o.snd_wscale = 0;
        tp->rcv_wscale = 0;
    }
    o.sack_ok = o.sack_ok && sysctl_tcp.sack;
    o.tstamp_ok = o.saw_tstamp && sysctl_tcp.timestamps;
    if (o.tstamp_ok) {
        tp->ts_recent = o.rcv_tsval;
        tp->ts_recent_stamp = tcp_ts_recent_clock();
    }
    if (!o.mss_clamp) {
        o.mss_clamp = TCP_MSS_DEFAULT;
    }
}

// RFC 9293 3.10.7.3: SYN-SENT.
int tcp_rcv_synsent_state_process(struct sock* sk, sk_buff* skb) {
    tcp_sock* tp = tcp_sk(sk);
    tcp_skb_cb* cb = TCP_SKB_CB(skb);
    const tcphdr* th = tcp_hdr(skb);
    uint8_t f = cb->tcp_flags;
    if (f & TCPHDR_ACK) {
        if (!after(cb->ack_seq, tp->iss) || after(cb->ack_seq, tp->snd_nxt)) {
            if (f & TCPHDR_RST) {
                kfree_skb(skb);
                return 0;
            }
            return 1;   // an unacceptable ACK: RST (seq = its ACK)
        }
        if (f & TCPHDR_RST) {
            tcp_reset(sk);   // connection refused
            kfree_skb(skb);
            return 0;
        }
    } else if (f & TCPHDR_RST) {
        kfree_skb(skb);
        return 0;
    }
    if (!(f & TCPHDR_SYN)) {
        kfree_skb(skb);
        return 0;
    }
    tcp_options_received& o = tp->rx_opt;
    o.wscale_ok = o.sack_ok = false;
    o.mss_clamp = 0;
    tcp_parse_options(th, &o, true);
    tp->irs = cb->seq;
    tp->rcv_nxt = cb->seq + 1;
    tp->rcv_wup = tp->rcv_nxt;
    tp->copied_seq = tp->rcv_nxt;
    if (!(f & TCPHDR_ACK)) {
        // Simultaneous open (RFC 9293 3.5 figure 8): SYN-RECEIVED, our SYN
        // retransmitted as a SYN-ACK.
        tcp_apply_syn_options(sk);
        tcp_set_state(sk, TCP_SYN_RECV);
        tcp_sync_mss(sk, tp->pmtu_cookie);
        tp->snd_wnd = cb->rx_window;
        tp->snd_wl1 = cb->seq;
        sk_buff* syn = skb_peek(&tp->write_queue);
        if (syn) {
            TCP_SKB_CB(syn)->tcp_flags = TCPHDR_SYN | TCPHDR_ACK;
            tcp_transmit_skb(sk, syn, true);
        }
        kfree_skb(skb);
        return 0;
    }
    tcp_apply_syn_options(sk);
    if (o.tstamp_ok && o.rcv_tsecr) {
        uint32_t rtt_ms = tcp_time_stamp_ms(tp) - o.rcv_tsecr;
        if (static_cast<int32_t>(rtt_ms) >= 0 && !tp->total_retrans) {
            tcp_rtt_estimator(sk, static_cast<long>(rtt_ms) * 1000 + 1);
        }
    }
    tcp_ack(sk, skb);   // the SYN acknowledged: RTT taken, queue cleaned
    tp->snd_wnd = cb->rx_window;   // a SYN's window is never scaled
    tp->snd_wl1 = cb->seq;
    tp->snd_wl2 = cb->ack_seq;
    tp->max_window = tp->snd_wnd;
    tcp_sync_mss(sk, tp->pmtu_cookie);
    tcp_set_state(sk, TCP_ESTABLISHED);
    tcp_init_transfer(sk);
    if (!sock_flag(sk, SOCK_DEAD)) {
        sk->sk_state_change(sk);
        sk_stream_write_space(sk);
    }
    kfree_skb(skb);
    tcp_send_ack(sk);
    tcp_push_pending_frames(sk);
    return 0;
}

// TIME_WAIT (RFC 9293 3.10.7.4; Linux's tcp_timewait_state_process): a
// retransmitted FIN is ACKed again and restarts the 2 MSL; a RST ends it
// early (Linux's default, net.ipv4.tcp_rfc1337 = 0); the rest is ACKed.
void tcp_timewait_process(struct sock* sk, sk_buff* skb) {
    tcp_sock* tp = tcp_sk(sk);
    tcp_skb_cb* cb = TCP_SKB_CB(skb);
    if (cb->tcp_flags & TCPHDR_RST) {
        if (cb->seq == tp->rcv_nxt) {
            tcp_done(sk);
        }
        kfree_skb(skb);
        return;
    }
    if (cb->tcp_flags & TCPHDR_FIN) {
        tcp_time_wait(sk, TCP_TIME_WAIT, 0);
    }
    if (cb->tcp_flags & (TCPHDR_FIN | TCPHDR_SYN) || cb->end_seq != cb->seq) {
        tcp_send_ack(sk);
    }
    kfree_skb(skb);
}

bool acks_our_fin(const tcp_sock* tp) { return tp->snd_una == tp->write_seq; }

// The states after the handshake once the ACK was taken.
// Returns true when the segment was consumed (the sock may be gone).
bool tcp_ack_state_changes(struct sock* sk, sk_buff* skb) {
    tcp_sock* tp = tcp_sk(sk);
    switch (sk->sk_state) {
        case TCP_FIN_WAIT1:
            if (acks_our_fin(tp)) {
                tcp_set_state(sk, TCP_FIN_WAIT2);
                sk->sk_shutdown |= SEND_SHUTDOWN;
                if (!sock_flag(sk, SOCK_DEAD)) {
                    sk->sk_state_change(sk);
                } else if (tp->linger2 < 0) {
                    tcp_done(sk);
                    NET_INC_STATS(LINUX_MIB_TCPABORTONDATA);
                    kfree_skb(skb);
                    return true;
                } else {
                    unsigned long tmo = tp->linger2 ? static_cast<unsigned long>(tp->linger2) * HZ : sysctl_tcp.fin_timeout;
                    inet_csk_reset_keepalive_timer(sk, tmo);
                }
            }
            break;
        case TCP_CLOSING:
            if (acks_our_fin(tp)) {
                tcp_time_wait(sk, TCP_TIME_WAIT, 0);
                kfree_skb(skb);
                return true;
            }
            break;
        case TCP_LAST_ACK:
            if (acks_our_fin(tp)) {
                tcp_done(sk);
                kfree_skb(skb);
                return true;
            }
            break;
        default:
            break;
    }
    return false;
}

// SYN-RECEIVED's ACK (RFC 9293 3.10.7.4 "fifth"): ESTABLISHED, or a RST
// for an ACK of something we never sent.
bool tcp_synrecv_ack(struct sock* sk, sk_buff* skb) {
    tcp_sock* tp = tcp_sk(sk);
    tcp_skb_cb* cb = TCP_SKB_CB(skb);
    if (!between(cb->ack_seq, tp->snd_una + 1, tp->snd_nxt)) {
        return false;
    }
    if (tp->rx_opt.tstamp_ok && tp->rx_opt.saw_tstamp && tp->rx_opt.rcv_tsecr && !tp->total_retrans) {
        uint32_t rtt_ms = tcp_time_stamp_ms(tp) - tp->rx_opt.rcv_tsecr;
        if (static_cast<int32_t>(rtt_ms) >= 0) {
            tcp_rtt_estimator(sk, static_cast<long>(rtt_ms) * 1000 + 1);
        }
    }
    tcp_set_state(sk, TCP_ESTABLISHED);
    tcp_ack(sk, skb);
    tp->snd_wnd = uint32_t{cb->rx_window} << tp->rx_opt.snd_wscale;
    tp->snd_wl1 = cb->seq;
    tp->max_window = tp->snd_wnd;
    tcp_init_transfer(sk);
    inet_csk_complete_hashdance(sk);
    if (!sock_flag(sk, SOCK_DEAD)) {
        sk->sk_state_change(sk);
    }
    return true;
}

}  // namespace

int tcp_rcv_state_process(struct sock* sk, sk_buff* skb) {
    tcp_sock* tp = tcp_sk(sk);
    tcp_skb_cb* cb = TCP_SKB_CB(skb);
    const tcphdr* th = tcp_hdr(skb);
    ++tp->segs_in;
    switch (sk->sk_state) {
        case TCP_CLOSE:
            return 1;
        case TCP_SYN_SENT:
            return tcp_rcv_synsent_state_process(sk, skb);
        default:
            break;
    }
    tcp_parse_options(th, &tp->rx_opt, false);
    if (tcp_paws_discard(tp) && !(cb->tcp_flags & TCPHDR_RST)) {
        NET_INC_STATS(LINUX_MIB_PAWSESTABREJECTED);
        tcp_send_ack(sk);   // RFC 7323 5.3 R1: ACK and drop
        kfree_skb(skb);
        return 0;
    }
    if (sk->sk_state == TCP_TIME_WAIT) {
        tcp_timewait_process(sk, skb);
        return 0;
    }
    if (!tcp_sequence(tp, cb->seq, cb->end_seq)) {
        if (!(cb->tcp_flags & TCPHDR_RST)) {
            if (cb->seq != cb->end_seq && !after(cb->end_seq, tp->rcv_nxt)) {
                tcp_dsack_set(tp, cb->seq, cb->end_seq);
            }
            tcp_send_ack(sk);   // RFC 9293 3.10.7.4: unacceptable: ACK, drop
        }
        kfree_skb(skb);
        return 0;
    }
    if (cb->tcp_flags & TCPHDR_RST) {
        // RFC 5961 3.2: only an exact match resets; in-window draws a challenge ACK.
        if (cb->seq == tp->rcv_nxt) {
            tcp_reset(sk);
        } else {
            tcp_send_challenge_ack(sk);
        }
        kfree_skb(skb);
        return 0;
    }
    tcp_store_ts_recent(tp, cb->seq);
    if (cb->tcp_flags & TCPHDR_SYN) {
        if (sk->sk_state == TCP_SYN_RECV && cb->seq == tp->irs) {
            // The peer repeated its SYN: our SYN-ACK went missing.
            if (sk_buff* synack = skb_peek(&tp->write_queue)) {
                tcp_transmit_skb(sk, synack, true);
            }
        } else {
            tcp_send_challenge_ack(sk);   // RFC 5961 4.2
        }
        kfree_skb(skb);
        return 0;
    }
    if (!(cb->tcp_flags & TCPHDR_ACK)) {
        kfree_skb(skb);
        return 0;
    }
    if (sk->sk_state == TCP_SYN_RECV) {
        if (inet_csk_accept_queue_full(sk)) {
            // Linux (tcp_abort_on_overflow = 0): the ACK is dropped, the
            // child stays, and the SYN-ACK's retransmission asks again.
            NET_INC_STATS(LINUX_MIB_LISTENOVERFLOWS);
            kfree_skb(skb);
            return 0;
        }
        if (!tcp_synrecv_ack(sk, skb)) {
            return 1;
        }
    } else if (tcp_ack(sk, skb) < 0) {
        kfree_skb(skb);
        return 0;
    }
    if (tcp_ack_state_changes(sk, skb)) {
        return 0;
    }
    switch (sk->sk_state) {
        case TCP_ESTABLISHED:
        case TCP_FIN_WAIT1:
        case TCP_FIN_WAIT2:
            if ((sk->sk_shutdown & RCV_SHUTDOWN) && sock_flag(sk, SOCK_DEAD) && cb->end_seq != cb->seq &&
                after(cb->end_seq - ((cb->tcp_flags & TCPHDR_FIN) ? 1 : 0), tp->rcv_nxt)) {
                // Data for a socket whose owner closed it (RFC 9293 3.10.4; Linux's TCPAbortOnData).
                NET_INC_STATS(LINUX_MIB_TCPABORTONDATA);
                tcp_reset(sk);
                return 1;
            }
            if (cb->seq != cb->end_seq) {
                tp->ack_pending |= ICSK_ACK_SCHED;
            }
            tcp_data_queue(sk, skb);
            break;
        default:
            kfree_skb(skb);   // CLOSE_WAIT, CLOSING, LAST_ACK: the peer's FIN came; ignore text
            break;
    }
    if (sk->sk_state != TCP_CLOSE) {
        tcp_push_pending_frames(sk);
        tcp_ack_snd_check(sk);
    }
    return 0;
}
