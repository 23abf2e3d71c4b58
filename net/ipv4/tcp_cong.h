// TCP congestion control behind Linux's seam (include/net/tcp.h,
// net/ipv4/tcp_cong.c): a tcp_congestion_ops per algorithm, registered by
// name, one chosen per socket (TCP_CONGESTION) with CUBIC the default, as
// Linux's. Reno's pieces (slow start, additive increase, halving) are
// shared helpers the algorithms build on (RFC 5681 3.1).
//
// The algorithms see only tcp_cc_sock: the fields of Linux's tcp_sock and
// inet_connection_sock that the ops read and write. The TCP sock holds one
// and keeps it current before each call, so this code builds and is tested
// without the rest of TCP.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/list.h"

// Linux's enum tcp_ca_state (include/uapi/linux/tcp.h).
enum class tcp_ca_state : uint8_t { Open = 0, Disorder = 1, CWR = 2, Recovery = 3, Loss = 4 };

// Linux's enum tcp_ca_event.
enum class tcp_ca_event : uint8_t {
    tx_start,       // first transmit when nothing was in flight
    cwnd_restart,   // congestion window restart after idle (RFC 5681 4.1)
    complete_cwr,   // end of congestion window reduction
    loss,           // retransmission timeout
};

// Linux's struct ack_sample: what one ACK acknowledged.
struct ack_sample {
    uint32_t pkts_acked;
    int32_t rtt_us;        // -1: no valid sample (Karn's rule)
    uint32_t in_flight;
};

constexpr uint32_t TCP_INFINITE_SSTHRESH = 0x7fffffff;
constexpr size_t TCP_CA_PRIV_SIZE = 104;   // Linux's ICSK_CA_PRIV_SIZE
constexpr size_t TCP_CA_NAME_MAX = 16;

struct tcp_congestion_ops;

struct tcp_cc_sock {
    uint32_t snd_cwnd = 10;            // segments (RFC 6928's initial window)
    uint32_t snd_cwnd_cnt = 0;         // linear increase counter
    uint32_t snd_cwnd_clamp = 0xffffffff;
    uint32_t snd_ssthresh = TCP_INFINITE_SSTHRESH;
    uint32_t prior_cwnd = 0;           // cwnd before the last reduction (undo)
    uint32_t mss_cache = 536;          // bytes
    uint32_t srtt_us = 0;              // smoothed RTT, µs << 3 (Linux's)
    uint32_t packets_out = 0;          // segments in flight
    uint32_t snd_una = 0;
    uint32_t snd_nxt = 0;
    uint64_t tcp_mstamp = 0;           // µs, the clock when the segment being handled arrived;
                                       // the clock now before tx_start (Linux's tcp_mstamp_refresh)
    uint64_t lsndtime = 0;             // µs, when data was last sent (Linux's tp->lsndtime; 0: never),
                                       // set after the tx_start event, as tcp_event_data_sent()
    tcp_ca_state ca_state = tcp_ca_state::Open;
    bool is_cwnd_limited = false;      // the sender used all of cwnd lately
    const tcp_congestion_ops* ca_ops = nullptr;
    alignas(8) uint8_t ca_priv[TCP_CA_PRIV_SIZE] = {};   // the algorithm's own state
};

template <typename T>
T* inet_csk_ca(tcp_cc_sock& tp) {
    static_assert(sizeof(T) <= TCP_CA_PRIV_SIZE);
    return reinterpret_cast<T*>(tp.ca_priv);
}

// Linux's struct tcp_congestion_ops. ssthresh, cong_avoid and undo_cwnd
// are required; the rest may be nullptr.
struct tcp_congestion_ops {
    list_head list{};
    uint32_t (*ssthresh)(tcp_cc_sock& tp) = nullptr;     // on loss
    void (*cong_avoid)(tcp_cc_sock& tp, uint32_t ack, uint32_t acked) = nullptr;
    void (*set_state)(tcp_cc_sock& tp, tcp_ca_state new_state) = nullptr;
    void (*cwnd_event)(tcp_cc_sock& tp, tcp_ca_event ev) = nullptr;
    void (*pkts_acked)(tcp_cc_sock& tp, const ack_sample& sample) = nullptr;
    uint32_t (*undo_cwnd)(tcp_cc_sock& tp) = nullptr;    // cwnd after a spurious loss
    void (*init)(tcp_cc_sock& tp) = nullptr;
    void (*release)(tcp_cc_sock& tp) = nullptr;
    char name[TCP_CA_NAME_MAX] = {};
};

// 0; -EEXIST for a name already there; -EINVAL when a required op is missing.
int tcp_register_congestion_control(tcp_congestion_ops* ca);
void tcp_unregister_congestion_control(tcp_congestion_ops* ca);
// Registers Reno and CUBIC and makes CUBIC the default (boot, host tests).
void tcp_congestion_init();
const tcp_congestion_ops* tcp_ca_find(const char* name);
// The default for new sockets (net.ipv4.tcp_congestion_control): 0 or -ENOENT.
int tcp_set_default_congestion_control(const char* name);
const tcp_congestion_ops* tcp_default_congestion_control();
// "reno cubic": the names, space-separated, into buf (Linux's
// tcp_available_congestion_control); the length written.
size_t tcp_get_available_congestion_control(char* buf, size_t len);

// Socket side: ca_ops chosen, release/init run. 0 or -ENOENT.
int tcp_set_congestion_control(tcp_cc_sock& tp, const char* name);
void tcp_init_congestion_control(tcp_cc_sock& tp);   // ca_ops = default when unset, then init
void tcp_cleanup_congestion_control(tcp_cc_sock& tp);
void tcp_set_ca_state(tcp_cc_sock& tp, tcp_ca_state s);
void tcp_ca_event_notify(tcp_cc_sock& tp, tcp_ca_event ev);   // Linux's tcp_ca_event()

// Reno's building blocks (net/ipv4/tcp_cong.c).
bool tcp_in_slow_start(const tcp_cc_sock& tp);
uint32_t tcp_slow_start(tcp_cc_sock& tp, uint32_t acked);       // acked left over past ssthresh
void tcp_cong_avoid_ai(tcp_cc_sock& tp, uint32_t w, uint32_t acked);
bool tcp_is_cwnd_limited(const tcp_cc_sock& tp);
uint32_t tcp_reno_ssthresh(tcp_cc_sock& tp);
void tcp_reno_cong_avoid(tcp_cc_sock& tp, uint32_t ack, uint32_t acked);
uint32_t tcp_reno_undo_cwnd(tcp_cc_sock& tp);

extern tcp_congestion_ops tcp_reno;
extern tcp_congestion_ops cubictcp;   // net/ipv4/tcp_cubic.cpp

// floor(cbrt(a)): CUBIC's K (Linux's cubic_root in net/ipv4/tcp_cubic.c).
uint32_t cubic_root(uint64_t a);
