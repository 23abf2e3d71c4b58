// CUBIC (RFC 9438), as Linux's net/ipv4/tcp_cubic.c: after a loss the
// window follows W(t) = C (t - K)^3 + Wmax, C = 0.4, K the time the curve
// needs to climb back from beta * Wmax (beta = 0.7) to Wmax; never slower
// than Reno would be (the Reno-friendly region, RFC 9438 4.3); Wmax lowered
// when losses come below the last one (fast convergence, 4.7); HyStart
// ends slow start early on an ACK train or a delay rise.
//
// Integer arithmetic as Linux's: time in 2^-10 s units, C scaled by 2^10,
// the cube root exact. Linux keeps the epoch in jiffies; the clock here is
// tcp_mstamp (µs), so the epoch and the HyStart samples share it.
#include <string.h>

#include "net/ipv4/tcp_cong.h"

namespace {

constexpr uint32_t BICTCP_BETA_SCALE = 1024;
constexpr uint32_t BICTCP_HZ = 10;             // time unit 2^-10 s
constexpr uint32_t beta = 717;                 // 717/1024 = 0.7 (RFC 9438 4.6)
constexpr uint32_t bic_scale = 41;             // Linux's: C = 41 * 10 / 1024 = 0.4
constexpr bool fast_convergence = true;
constexpr bool tcp_friendliness = true;
constexpr bool hystart = true;
constexpr uint32_t hystart_low_window = 16;
constexpr uint32_t hystart_ack_delta_us = 2000;
constexpr uint8_t HYSTART_MIN_SAMPLES = 8;
constexpr uint32_t HYSTART_DELAY_MIN = 4000;   // µs
constexpr uint32_t HYSTART_DELAY_MAX = 16000;  // µs

constexpr uint64_t USEC_PER_SEC = 1000000;
constexpr uint64_t tick_us = 1000;             // Linux recomputes at most once a jiffy (HZ=1000)
constexpr uint64_t same_cwnd_us = USEC_PER_SEC / 32;   // Linux's HZ / 32

// Reno's rate in CUBIC's units: 8 * alpha^-1 with alpha = 3(1-beta)/(1+beta)
// (RFC 9438 4.3), the ACKs per segment of growth times 8. Linux's beta_scale.
constexpr uint32_t beta_scale = 8 * (BICTCP_BETA_SCALE + beta) / 3 / (BICTCP_BETA_SCALE - beta);
constexpr uint64_t cube_rtt_scale = bic_scale * 10;   // 1024 * C
// 2^(3 * BICTCP_HZ) / C, so K = cbrt(cube_factor * (Wmax - cwnd)) in 2^-10 s.
constexpr uint64_t cube_factor = (1ull << (10 + 3 * BICTCP_HZ)) / (bic_scale * 10);
// |t - K| past this (256 s) would overflow the cube; the curve is held there.
constexpr uint64_t max_offs = 1ull << 18;

struct bictcp {
    uint32_t cnt;              // ACKs per segment of growth
    uint32_t last_max_cwnd;    // Wmax
    uint32_t last_cwnd;
    uint32_t bic_origin_point; // the plateau the curve returns to
    uint32_t bic_K;            // 2^-10 s from the epoch to the plateau
    uint32_t delay_min;        // µs, the least RTT seen
    uint32_t ack_cnt;          // segments acknowledged this epoch
    uint32_t tcp_cwnd;         // Reno's window for the same time (W_est)
    uint64_t last_time;        // µs, when cnt was last computed
    uint64_t epoch_start;      // µs, 0: no epoch (after a reduction)
    // HyStart, kept across bictcp_reset as Linux's fields after "unused".
    uint64_t round_start;
    uint64_t last_ack;
    uint32_t end_seq;
    uint32_t curr_rtt;
    uint8_t sample_cnt;
    bool found;
};
static_assert(sizeof(bictcp) <= TCP_CA_PRIV_SIZE);

bool after(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) > 0; }

void bictcp_reset(bictcp* ca) {
    memset(ca, 0, offsetof(bictcp, round_start));
    ca->found = false;
}

void bictcp_hystart_reset(tcp_cc_sock& tp) {
    bictcp* ca = inet_csk_ca<bictcp>(tp);
    ca->round_start = ca->last_ack = tp.tcp_mstamp;
    ca->end_seq = tp.snd_nxt;
    ca->curr_rtt = ~0u;
    ca->sample_cnt = 0;
}

void cubictcp_init(tcp_cc_sock& tp) {
    bictcp_reset(inet_csk_ca<bictcp>(tp));
    if (hystart) {
        bictcp_hystart_reset(tp);
    }
}

// After idle (nothing in flight), the epoch moves by the idle time so the
// curve does not jump ahead (Linux's cubictcp_cwnd_event, RFC 9438 5.8).
void cubictcp_cwnd_event(tcp_cc_sock& tp, tcp_ca_event ev) {
    if (ev != tcp_ca_event::tx_start) {
        return;
    }
    bictcp* ca = inet_csk_ca<bictcp>(tp);
    uint64_t now = tp.tcp_mstamp;
    if (ca->epoch_start && tp.lsndtime && now > tp.lsndtime) {
        ca->epoch_start += now - tp.lsndtime;
        if (ca->epoch_start > now) {
            ca->epoch_start = now;
        }
    }
}

// Starts an epoch: K and the origin from Wmax and the window now.
void bictcp_new_epoch(bictcp* ca, uint32_t cwnd, uint32_t acked, uint64_t now) {
    ca->epoch_start = now ? now : 1;   // 0 means "none"
    ca->ack_cnt = acked;
    ca->tcp_cwnd = cwnd;
    if (ca->last_max_cwnd <= cwnd) {
        ca->bic_K = 0;
        ca->bic_origin_point = cwnd;
    } else {
        ca->bic_K = cubic_root(cube_factor * (ca->last_max_cwnd - cwnd));
        ca->bic_origin_point = ca->last_max_cwnd;
    }
}

// W(t) of RFC 9438 4.2 at t (2^-10 s since the epoch), in segments.
uint32_t bictcp_target(const bictcp* ca, uint64_t t) {
    uint64_t offs = t < ca->bic_K ? ca->bic_K - t : t - ca->bic_K;
    if (offs > max_offs) {
        offs = max_offs;
    }
    uint64_t delta = (cube_rtt_scale * offs * offs * offs) >> (10 + 3 * BICTCP_HZ);
    uint64_t origin = ca->bic_origin_point;
    uint64_t target = t < ca->bic_K ? (delta < origin ? origin - delta : 0) : origin + delta;
    return target > 0xffffffffu ? 0xffffffffu : static_cast<uint32_t>(target);
}

// The Reno-friendly region (RFC 9438 4.3): W_est grows by one segment per
// beta_scale/8 windows' worth of ACKs; when it is ahead, CUBIC goes at least
// as fast.
void bictcp_friendliness(bictcp* ca, uint32_t cwnd) {
    uint32_t per_segment = (cwnd * beta_scale) >> 3;
    if (per_segment == 0) {
        per_segment = 1;
    }
    while (ca->ack_cnt > per_segment) {
        ca->ack_cnt -= per_segment;
        ca->tcp_cwnd++;
    }
    if (ca->tcp_cwnd > cwnd) {
        uint32_t max_cnt = cwnd / (ca->tcp_cwnd - cwnd);
        if (ca->cnt > max_cnt) {
            ca->cnt = max_cnt;
        }
    }
}

// Linux's bictcp_update: ca->cnt, the ACKs for one more segment, so that
// cwnd reaches W(t + RTT) one RTT from now.
void bictcp_update(bictcp* ca, uint32_t cwnd, uint32_t acked, uint64_t now) {
    ca->ack_cnt += acked;
    if (ca->last_cwnd == cwnd && now - ca->last_time <= same_cwnd_us) {
        return;
    }
    if (!ca->epoch_start || now - ca->last_time >= tick_us) {
        ca->last_cwnd = cwnd;
        ca->last_time = now;
        if (ca->epoch_start == 0) {
            bictcp_new_epoch(ca, cwnd, acked, now);
        }
        uint64_t t_us = now - ca->epoch_start + ca->delay_min;
        uint64_t t = (t_us << BICTCP_HZ) / USEC_PER_SEC;
        uint32_t target = bictcp_target(ca, t);
        ca->cnt = target > cwnd ? cwnd / (target - cwnd) : 100 * cwnd;   // else: barely grow
        // Before any loss the bandwidth is unknown: at least 5% per RTT.
        if (ca->last_max_cwnd == 0 && ca->cnt > 20) {
            ca->cnt = 20;
        }
    }
    if (tcp_friendliness) {
        bictcp_friendliness(ca, cwnd);
    }
    // At most one segment per two ACKed: 1.5 times per RTT (RFC 9438 4.4).
    if (ca->cnt < 2) {
        ca->cnt = 2;
    }
}

void cubictcp_cong_avoid(tcp_cc_sock& tp, uint32_t ack, uint32_t acked) {
    (void)ack;
    bictcp* ca = inet_csk_ca<bictcp>(tp);
    if (!tcp_is_cwnd_limited(tp)) {
        return;
    }
    if (tcp_in_slow_start(tp)) {
        acked = tcp_slow_start(tp, acked);
        if (!acked) {
            return;
        }
    }
    bictcp_update(ca, tp.snd_cwnd, acked, tp.tcp_mstamp);
    tcp_cong_avoid_ai(tp, ca->cnt, acked);
}

// RFC 9438 4.6 and 4.7: ssthresh = 0.7 cwnd; Wmax = cwnd, or lower still
// (cwnd (1 + beta) / 2) when this loss came below the last Wmax.
uint32_t cubictcp_recalc_ssthresh(tcp_cc_sock& tp) {
    bictcp* ca = inet_csk_ca<bictcp>(tp);
    uint32_t cwnd = tp.snd_cwnd;
    ca->epoch_start = 0;
    if (cwnd < ca->last_max_cwnd && fast_convergence) {
        ca->last_max_cwnd = static_cast<uint32_t>(static_cast<uint64_t>(cwnd) * (BICTCP_BETA_SCALE + beta) /
                                                  (2 * BICTCP_BETA_SCALE));
    } else {
        ca->last_max_cwnd = cwnd;
    }
    uint32_t ss = static_cast<uint32_t>(static_cast<uint64_t>(cwnd) * beta / BICTCP_BETA_SCALE);
    return ss > 2 ? ss : 2;
}

// A retransmission timeout forgets the curve (RFC 9438 4.8).
void cubictcp_state(tcp_cc_sock& tp, tcp_ca_state new_state) {
    if (new_state == tcp_ca_state::Loss) {
        bictcp_reset(inet_csk_ca<bictcp>(tp));
        bictcp_hystart_reset(tp);
    }
}

uint32_t hystart_delay_thresh(uint32_t x) {
    return x < HYSTART_DELAY_MIN ? HYSTART_DELAY_MIN : x > HYSTART_DELAY_MAX ? HYSTART_DELAY_MAX : x;
}

// Linux's hystart_update: slow start ends (ssthresh = cwnd) when the ACKs
// of one round come back in a train longer than half the least RTT, or when
// the round's least RTT rose by an eighth (4-16 ms) over the least ever.
// Without pacing, Linux's hystart_ack_delay is 0.
void hystart_update(tcp_cc_sock& tp, uint32_t delay) {
    bictcp* ca = inet_csk_ca<bictcp>(tp);
    if (after(tp.snd_una, ca->end_seq)) {
        bictcp_hystart_reset(tp);
    }
    if (tp.snd_cwnd < hystart_low_window) {
        return;
    }
    uint64_t now = tp.tcp_mstamp;
    if (now - ca->last_ack <= hystart_ack_delta_us) {
        ca->last_ack = now;
        uint32_t threshold = ca->delay_min >> 1;
        if (now - ca->round_start > threshold) {
            ca->found = true;
            tp.snd_ssthresh = tp.snd_cwnd;
        }
    }
    if (ca->curr_rtt > delay) {
        ca->curr_rtt = delay;
    }
    if (ca->sample_cnt < HYSTART_MIN_SAMPLES) {
        ca->sample_cnt++;
    } else if (ca->curr_rtt > ca->delay_min + hystart_delay_thresh(ca->delay_min >> 3)) {
        ca->found = true;
        tp.snd_ssthresh = tp.snd_cwnd;
    }
}

void cubictcp_acked(tcp_cc_sock& tp, const ack_sample& sample) {
    bictcp* ca = inet_csk_ca<bictcp>(tp);
    if (sample.rtt_us < 0) {
        return;   // no valid sample (Karn)
    }
    // Samples just after a reduction carry the recovery's queueing.
    if (ca->epoch_start && tp.tcp_mstamp - ca->epoch_start < USEC_PER_SEC) {
        return;
    }
    uint32_t delay = sample.rtt_us ? static_cast<uint32_t>(sample.rtt_us) : 1;
    if (ca->delay_min == 0 || ca->delay_min > delay) {
        ca->delay_min = delay;
    }
    if (!ca->found && tcp_in_slow_start(tp) && hystart && tp.snd_cwnd >= hystart_low_window) {
        hystart_update(tp, delay);
    }
}

}  // namespace

// floor(cbrt(a)), a bit at a time from the top (the schoolbook digit method
// in base 2: (2r + 1)^3 = 8r^3 + 3*(2r)(2r+1) + 1 decides each bit). Linux's
// cubic_root estimates from a table and refines once with Newton-Raphson;
// this is exact and needs no table.
uint32_t cubic_root(uint64_t a) {
    uint64_t r = 0;
    for (int s = 63; s >= 0; s -= 3) {
        r <<= 1;
        uint64_t b = 3 * r * (r + 1) + 1;
        if ((a >> s) >= b) {
            a -= b << s;
            r++;
        }
    }
    return static_cast<uint32_t>(r);
}

tcp_congestion_ops cubictcp = {
    .ssthresh = cubictcp_recalc_ssthresh,
    .cong_avoid = cubictcp_cong_avoid,
    .set_state = cubictcp_state,
    .cwnd_event = cubictcp_cwnd_event,
    .pkts_acked = cubictcp_acked,
    .undo_cwnd = tcp_reno_undo_cwnd,
    .init = cubictcp_init,
    .name = "cubic",
};
