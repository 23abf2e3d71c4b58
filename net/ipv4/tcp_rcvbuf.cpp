// Receive-buffer autotuning (Linux's dynamic right-sizing in
// net/ipv4/tcp_input.c: tcp_rcv_rtt_measure, tcp_rcv_space_adjust,
// tcp_grow_window, tcp_measure_rcv_mss). The receiver estimates the RTT
// from its own side, counts what the application read in one RTT, and
// lets the buffer (and with it the window, RFC 7323 2) grow to twice that
// plus slow start's growth, up to tcp_rmem[2], so a fast reader on a long
// path is not held to the default 64 KiB window.
#include "kernel/uapi/errno.h"
#include "net/ipv4/tcp.h"

namespace {

// A sample in us: smoothed as 7/8 old + 1/8 new from timestamps; from a
// window's worth of data, only the smallest counts (the window may have
// been idle, Linux's win_dep).
void tcp_rcv_rtt_update(tcp_sock* tp, uint32_t sample_us, bool win_dep) {
    uint32_t est = tp->rcv_rtt_est.rtt_us;
    long m = sample_us;
    if (!est) {
        est = static_cast<uint32_t>(m << 3);
    } else if (!win_dep) {
        m -= est >> 3;
        est = static_cast<uint32_t>(static_cast<long>(est) + m);
    } else if (static_cast<uint32_t>(m << 3) < est) {
        est = static_cast<uint32_t>(m << 3);
    }
    tp->rcv_rtt_est.rtt_us = est ? est : 1;
}

// Without timestamps: the time to receive one window of data.
void tcp_rcv_rtt_measure(tcp_sock* tp, uint64_t now) {
    if (tp->rcv_rtt_est.time && !before(tp->rcv_nxt, tp->rcv_rtt_est.seq)) {
        uint64_t delta = now - tp->rcv_rtt_est.time;
        tcp_rcv_rtt_update(tp, delta ? static_cast<uint32_t>(delta) : 1, true);
    } else if (tp->rcv_rtt_est.time) {
        return;
    }
    tp->rcv_rtt_est.seq = tp->rcv_nxt + tp->rcv_wnd;
    tp->rcv_rtt_est.time = now;
}

// With timestamps: a full-sized segment echoing a new TSval of ours.
void tcp_rcv_rtt_measure_ts(tcp_sock* tp, const sk_buff* skb) {
    if (!tp->rx_opt.saw_tstamp || !tp->rx_opt.rcv_tsecr || tp->rx_opt.rcv_tsecr == tp->rcv_rtt_last_tsecr) {
        return;
    }
    tp->rcv_rtt_last_tsecr = tp->rx_opt.rcv_tsecr;
    if (skb->len < tp->rcv_mss) {
        return;
    }
    uint32_t delta_ms = tcp_time_stamp_ms(tp) - tp->rx_opt.rcv_tsecr;
    if (delta_ms < 0x7fffffffu / 1000) {
        tcp_rcv_rtt_update(tp, (delta_ms ? delta_ms : 1) * 1000, false);
    }
}

// Linux's tcp_grow_window: rcv_ssthresh (what the window may offer) follows
// the data while memory allows, by at least two segments a time.
void tcp_grow_window(struct sock* sk, const sk_buff* skb) {
    tcp_sock* tp = tcp_sk(sk);
    int space = tcp_space(sk);
    int room = (static_cast<int>(tp->window_clamp) < space ? static_cast<int>(tp->window_clamp) : space) -
               static_cast<int>(tp->rcv_ssthresh);
    if (room <= 0 || sk_under_memory_pressure(sk)) {
        return;
    }
    int incr = 2 * tp->advmss > 2 * static_cast<int>(skb->len) ? 2 * tp->advmss : 2 * static_cast<int>(skb->len);
    tp->rcv_ssthresh += static_cast<uint32_t>(incr < room ? incr : room);
}

}  // namespace

void tcp_measure_rcv_mss(struct sock* sk, const sk_buff* skb) {
    tcp_sock* tp = tcp_sk(sk);
    if (skb->len < tp->rcv_mss || !skb->truesize) {
        return;
    }
    if (skb->len != tp->rcv_mss) {
        // The payload share of a full segment's buffer (Linux 6.x).
        uint64_t ratio = (uint64_t{skb->len} << 8) / skb->truesize;
        uint16_t old = tp->scaling_ratio;
        tp->scaling_ratio = static_cast<uint16_t>(ratio ? (ratio > 255 ? 255 : ratio) : 1);
        if (old != tp->scaling_ratio) {
            uint32_t clamp = static_cast<uint32_t>(tcp_win_from_space(tp, sk->sk_rcvbuf));
            if (!(sk->sk_userlocks & SOCK_RCVBUF_LOCK) || clamp < tp->window_clamp) {
                tp->window_clamp = clamp;
            }
            if (tp->window_clamp < tp->rcv_ssthresh) {
                tp->rcv_ssthresh = tp->window_clamp;
            }
        }
    }
    tp->rcv_mss = static_cast<uint16_t>(skb->len < tp->advmss ? skb->len : tp->advmss);
}

void tcp_event_data_recv(struct sock* sk, const sk_buff* skb) {
    tcp_sock* tp = tcp_sk(sk);
    tcp_rcv_rtt_measure_ts(tp, skb);
    tcp_rcv_rtt_measure(tp, tcp_clock_us());
    if (skb->len >= 128) {
        tcp_grow_window(sk, skb);
    }
}

void tcp_init_buffer_space(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    uint32_t full = static_cast<uint32_t>(tcp_full_space(sk));
    if (tp->window_clamp > full) {
        tp->window_clamp = full;
    }
    if (tp->rcv_ssthresh > tp->window_clamp) {
        tp->rcv_ssthresh = tp->window_clamp;
    }
    uint32_t space = tp->rcv_ssthresh < tp->rcv_wnd ? tp->rcv_ssthresh : tp->rcv_wnd;
    uint32_t init = 10u * tp->advmss;   // TCP_INIT_CWND segments (RFC 6928)
    tp->rcvq_space.space = static_cast<int>(space < init ? space : init);
    tp->rcvq_space.seq = tp->copied_seq;
    tp->rcvq_space.time = tcp_clock_us();
}

void tcp_rcv_space_adjust(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    uint64_t now = tcp_clock_us();
    if (!tp->rcv_rtt_est.rtt_us || now - tp->rcvq_space.time < (tp->rcv_rtt_est.rtt_us >> 3)) {
        return;
    }
    int copied = static_cast<int>(tp->copied_seq - tp->rcvq_space.seq);
    if (copied > tp->rcvq_space.space && tp->rcvq_space.space > 0) {
        if (!(sk->sk_userlocks & SOCK_RCVBUF_LOCK) && !sk_under_memory_pressure(sk)) {
            // Two RTTs of what was read, a cushion of 16 segments, and the
            // sender's growth since the last measure twice over.
            int64_t rcvwin = (int64_t{copied} << 1) + 16 * tp->advmss;
            int64_t grow = rcvwin * (copied - tp->rcvq_space.space) / tp->rcvq_space.space;
            rcvwin += grow << 1;
            int64_t rcvbuf = tcp_space_from_win(tp, rcvwin);
            if (rcvbuf > sysctl_tcp.rmem[2]) {
                rcvbuf = sysctl_tcp.rmem[2];
            }
            if (rcvbuf > sk->sk_rcvbuf) {
                sk->sk_rcvbuf = static_cast<int>(rcvbuf);
                tp->window_clamp = static_cast<uint32_t>(tcp_win_from_space(tp, sk->sk_rcvbuf));
            }
        }
        tp->rcvq_space.space = copied;
    }
    tp->rcvq_space.seq = tp->copied_seq;
    tp->rcvq_space.time = now;
}
