// TCP (RFC 9293; Linux's include/net/tcp.h, include/linux/tcp.h,
// include/uapi/linux/tcp.h): the header, the states, the per-segment
// control block, struct tcp_sock, and the entry points the files of
// net/ipv4/tcp*.cpp share.
//
// Files: tcp.cpp (the socket calls: sendmsg, recvmsg, poll, close,
// options), tcp_ipv4.cpp (tables, tcp_v4_rcv, connect, resets),
// tcp_input.cpp (the state machine and ACK processing), tcp_output.cpp
// (building and sending segments), tcp_timer.cpp (retransmit, delayed
// ACK, keepalive, persist, TIME_WAIT), tcp_listen.cpp (SYN and accept
// queues, inet_csk_accept).
//
// Locking is Linux's: process context owns the sock with lock_sock(); a
// segment arriving meanwhile waits on the backlog (tcp_v4_do_rcv runs it
// at release_sock), a timer that finds the sock owned tries again a tick
// later. Everything that runs in softirq context, or from process context
// under bh_guard, may touch the sock's state.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/byteorder.h"
#include "kernel/list.h"
#include "kernel/timer.h"
#include "net/core/skbuff.h"
#include "net/ipv4/inet_sock.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/route.h"
#include "net/ipv4/tcp_cong.h"

// RFC 9293 3.1. Fields in network order; doff and flags share 16 bits.
struct tcphdr {
    __be16 source;
    __be16 dest;
    __be32 seq;
    __be32 ack_seq;
    uint8_t doff_res;   // data offset (32-bit words) << 4
    uint8_t flags;      // TCPHDR_*
    __be16 window;
    __sum16 check;
    __be16 urg_ptr;
    unsigned doff() const { return doff_res >> 4; }
    void set_doff(unsigned words) { doff_res = static_cast<uint8_t>(words << 4); }
};
static_assert(sizeof(tcphdr) == 20);
inline tcphdr* tcp_hdr(const sk_buff* skb) { return reinterpret_cast<tcphdr*>(skb_transport_header(skb)); }

constexpr uint8_t TCPHDR_FIN = 0x01;
constexpr uint8_t TCPHDR_SYN = 0x02;
constexpr uint8_t TCPHDR_RST = 0x04;
constexpr uint8_t TCPHDR_PSH = 0x08;
constexpr uint8_t TCPHDR_ACK = 0x10;
constexpr uint8_t TCPHDR_URG = 0x20;
constexpr uint8_t TCPHDR_ECE = 0x40;
constexpr uint8_t TCPHDR_CWR = 0x80;

// include/net/tcp_states.h (TCP_ESTABLISHED and TCP_CLOSE are in sock.h).
constexpr uint8_t TCP_SYN_SENT = 2;
constexpr uint8_t TCP_SYN_RECV = 3;
constexpr uint8_t TCP_FIN_WAIT1 = 4;
constexpr uint8_t TCP_FIN_WAIT2 = 5;
constexpr uint8_t TCP_TIME_WAIT = 6;
constexpr uint8_t TCP_CLOSE_WAIT = 8;
constexpr uint8_t TCP_LAST_ACK = 9;
constexpr uint8_t TCP_LISTEN = 10;
constexpr uint8_t TCP_CLOSING = 11;
const char* tcp_state_name(uint8_t state);

// Options (RFC 9293 3.2, RFC 7323, RFC 2018).
constexpr uint8_t TCPOPT_EOL = 0;
constexpr uint8_t TCPOPT_NOP = 1;
constexpr uint8_t TCPOPT_MSS = 2;
constexpr uint8_t TCPOPT_WINDOW = 3;
constexpr uint8_t TCPOPT_SACK_PERM = 4;
constexpr uint8_t TCPOPT_SACK = 5;
constexpr uint8_t TCPOPT_TIMESTAMP = 8;
constexpr unsigned TCPOLEN_MSS = 4;
constexpr unsigned TCPOLEN_WINDOW = 3;
constexpr unsigned TCPOLEN_SACK_PERM = 2;
constexpr unsigned TCPOLEN_TIMESTAMP = 10;
constexpr unsigned TCPOLEN_TSTAMP_ALIGNED = 12;
constexpr unsigned TCP_MAX_OPTION_SPACE = 40;
constexpr unsigned TCP_NUM_SACKS = 4;
constexpr unsigned TCP_MAX_WSCALE = 14;           // RFC 7323 2.3

constexpr uint16_t TCP_DEFAULT_SCALING_RATIO = 128;   // half, until a segment says better
constexpr unsigned TCP_MSS_DEFAULT = 536;         // RFC 9293 3.7.1 without an MSS option
constexpr unsigned TCP_MIN_MSS = 88;              // Linux's floor for the peer's MSS
// Headroom a segment is built with: the largest TCP header, IP's and a link header.
constexpr unsigned MAX_TCP_HEADER = 60 + IP_MAX_HEADROOM;
static_assert(MAX_TCP_HEADER % 4 == 0, "payloads start word aligned (tcp_transmit_skb)");

// Timing (Linux's include/net/tcp.h; HZ from kernel/time.h).
constexpr unsigned long TCP_RTO_MIN = HZ / 5;              // 200 ms
constexpr unsigned long TCP_RTO_MAX = 120 * HZ;
constexpr unsigned long TCP_TIMEOUT_INIT = HZ;             // RFC 6298 2.1: 1 s
constexpr unsigned long TCP_DELACK_MIN = HZ / 25;          // 40 ms
constexpr unsigned long TCP_DELACK_MAX = HZ / 5;           // 200 ms
constexpr unsigned long TCP_KEEPALIVE_TIME = 7200ul * HZ;  // RFC 1122 4.2.3.6: two hours
constexpr unsigned long TCP_KEEPALIVE_INTVL = 75ul * HZ;
constexpr unsigned TCP_KEEPALIVE_PROBES = 9;
constexpr unsigned long TCP_RESOURCE_PROBE_INTERVAL = HZ / 2;
constexpr unsigned TCP_INIT_CWND = 10;                     // RFC 6928
constexpr unsigned TCP_FASTRETRANS_THRESH = 3;             // RFC 5681 3.2
constexpr unsigned TCP_SYN_RETRIES = 6;
constexpr unsigned TCP_SYNACK_RETRIES = 5;
constexpr unsigned TCP_RETRIES2 = 15;                      // ~13-30 minutes of data retries
constexpr unsigned TCP_ORPHAN_RETRIES = 8;

// The tunables Linux has as net.ipv4.tcp_* sysctls.
struct tcp_sysctl {
    unsigned long fin_timeout = 60ul * HZ;        // tcp_fin_timeout: FIN_WAIT2 of an orphan
    unsigned long timewait_len = 60ul * HZ;       // TCP_TIMEWAIT_LEN: 2 MSL as Linux
    bool timestamps = true;
    bool window_scaling = true;
    bool sack = true;
    bool syncookies = true;                       // 1: when the SYN queue is full
    unsigned max_syn_backlog = 256;
    int wmem[3] = {4096, 16384, 4 * 1024 * 1024};
    int rmem[3] = {4096, 131072, 6 * 1024 * 1024};
    long mem[3] = {768, 1024, 1536};              // pages: low, pressure, high (tcp_mem)
    unsigned syn_retries = TCP_SYN_RETRIES;
    unsigned synack_retries = TCP_SYNACK_RETRIES;
    unsigned retries2 = TCP_RETRIES2;
    unsigned orphan_retries = TCP_ORPHAN_RETRIES;
};
extern tcp_sysctl sysctl_tcp;

// TCP's part of sk_buff::cb (Linux's struct tcp_skb_cb).
struct tcp_skb_cb {
    uint32_t seq;        // first sequence number
    uint32_t end_seq;    // seq + SYN + FIN + data length
    uint64_t when_us;    // sent (tx) or arrived (rx), µs
    uint32_t ack_seq;    // rx: the segment's ACK
    uint8_t tcp_flags;   // TCPHDR_*
    uint8_t sacked;      // TCPCB_*
    uint8_t retrans;     // times retransmitted
    uint16_t rx_window;  // rx: the window field, unscaled
};
static_assert(sizeof(tcp_skb_cb) <= sizeof(sk_buff::cb));
inline tcp_skb_cb* TCP_SKB_CB(sk_buff* skb) { return reinterpret_cast<tcp_skb_cb*>(skb->cb); }
constexpr uint8_t TCPCB_SACKED_ACKED = 0x01;   // the peer SACKed it
constexpr uint8_t TCPCB_SACKED_RETRANS = 0x02; // retransmitted, not yet acknowledged
constexpr uint8_t TCPCB_LOST = 0x04;           // deemed lost (RFC 6675 IsLost)
constexpr uint8_t TCPCB_EVER_RETRANS = 0x80;   // Karn: no RTT sample from it

// Sequence space comparisons (RFC 9293 3.4, modulo 2^32).
constexpr bool before(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) < 0; }
constexpr bool after(uint32_t a, uint32_t b) { return before(b, a); }
constexpr bool between(uint32_t seq, uint32_t lo, uint32_t hi) { return hi - lo >= seq - lo; }

// The options a segment carried (Linux's struct tcp_options_received, in part).
struct tcp_options_received {
    uint16_t mss_clamp;    // the peer's MSS option, 0: none
    uint8_t snd_wscale;    // the peer's window scale
    bool wscale_ok;
    bool saw_tstamp;       // this segment carried a timestamp
    bool tstamp_ok;        // timestamps negotiated
    bool sack_ok;
    uint8_t num_sacks;
    uint32_t rcv_tsval;
    uint32_t rcv_tsecr;
    uint32_t sack[TCP_NUM_SACKS][2];   // host order start, end
};
// Parses the options of th (of the segment's length). As Linux's, it stops
// at an option whose length is silly (0, 1) or runs past the header and
// keeps what came before: the segment itself is still good.
void tcp_parse_options(const tcphdr* th, tcp_options_received* opt, bool syn);

struct tcp_sack_block {
    uint32_t start_seq;
    uint32_t end_seq;
};

// TCP_INFO, Linux's struct tcp_info layout (include/uapi/linux/tcp.h).
struct tcp_info {
    uint8_t tcpi_state;
    uint8_t tcpi_ca_state;
    uint8_t tcpi_retransmits;
    uint8_t tcpi_probes;
    uint8_t tcpi_backoff;
    uint8_t tcpi_options;
    // Bit-fields as Linux declares them: which nibble holds which follows
    // the compiler's bit-field order, so the byte order (snd_wscale is the
    // low nibble on a little-endian machine, the high one on a big-endian).
    uint8_t tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4;
    uint8_t tcpi_delivery_rate_app_limited : 1, tcpi_fastopen_client_fail : 2;
    uint32_t tcpi_rto;             // µs
    uint32_t tcpi_ato;
    uint32_t tcpi_snd_mss;
    uint32_t tcpi_rcv_mss;
    uint32_t tcpi_unacked;
    uint32_t tcpi_sacked;
    uint32_t tcpi_lost;
    uint32_t tcpi_retrans;
    uint32_t tcpi_fackets;
    uint32_t tcpi_last_data_sent;  // ms
    uint32_t tcpi_last_ack_sent;
    uint32_t tcpi_last_data_recv;
    uint32_t tcpi_last_ack_recv;
    uint32_t tcpi_pmtu;
    uint32_t tcpi_rcv_ssthresh;
    uint32_t tcpi_rtt;             // µs
    uint32_t tcpi_rttvar;
    uint32_t tcpi_snd_ssthresh;
    uint32_t tcpi_snd_cwnd;
    uint32_t tcpi_advmss;
    uint32_t tcpi_reordering;
    uint32_t tcpi_rcv_rtt;
    uint32_t tcpi_rcv_space;
    uint32_t tcpi_total_retrans;
    uint64_t tcpi_pacing_rate;
    uint64_t tcpi_max_pacing_rate;
    uint64_t tcpi_bytes_acked;
    uint64_t tcpi_bytes_received;
    uint32_t tcpi_segs_out;
    uint32_t tcpi_segs_in;
    uint32_t tcpi_notsent_bytes;
    uint32_t tcpi_min_rtt;
    uint32_t tcpi_data_segs_in;
    uint32_t tcpi_data_segs_out;
    uint64_t tcpi_delivery_rate;
    uint64_t tcpi_busy_time;
    uint64_t tcpi_rwnd_limited;
    uint64_t tcpi_sndbuf_limited;
    uint32_t tcpi_delivered;
    uint32_t tcpi_delivered_ce;
    uint64_t tcpi_bytes_sent;
    uint64_t tcpi_bytes_retrans;
    uint32_t tcpi_dsack_dups;
    uint32_t tcpi_reord_seen;
    uint32_t tcpi_rcv_ooopack;
    uint32_t tcpi_snd_wnd;
};
constexpr uint8_t TCPI_OPT_TIMESTAMPS = 1;
constexpr uint8_t TCPI_OPT_SACK = 2;
constexpr uint8_t TCPI_OPT_WSCALE = 4;

// SOL_TCP options (include/uapi/linux/tcp.h).
constexpr int SOL_TCP = 6;
constexpr int TCP_NODELAY = 1;
constexpr int TCP_MAXSEG = 2;
constexpr int TCP_CORK = 3;
constexpr int TCP_KEEPIDLE = 4;
constexpr int TCP_KEEPINTVL = 5;
constexpr int TCP_KEEPCNT = 6;
constexpr int TCP_SYNCNT = 7;
constexpr int TCP_LINGER2 = 8;
constexpr int TCP_DEFER_ACCEPT = 9;
constexpr int TCP_WINDOW_CLAMP = 10;
constexpr int TCP_INFO = 11;
constexpr int TCP_QUICKACK = 12;
constexpr int TCP_CONGESTION = 13;
constexpr int TCP_USER_TIMEOUT = 18;

// Linux's struct tcp_sock with inet_connection_sock folded in.
struct tcp_sock {
    inet_sock inet;                // first
    // Sequence space (RFC 9293 3.3.1).
    uint32_t snd_una;              // oldest unacknowledged
    uint32_t snd_nxt;              // next to send
    uint32_t write_seq;            // end of the data queued by the application
    uint32_t snd_wl1, snd_wl2;     // segment seq/ack of the last window update
    uint32_t snd_wnd;              // the peer's window, scaled
    uint32_t max_window;
    uint32_t snd_up;
    uint32_t snd_sml;              // end of the last small segment sent (Minshall's Nagle)
    uint32_t rcv_nxt;              // next expected
    uint32_t copied_seq;           // next the application reads
    uint32_t rcv_wup;              // rcv_nxt at the last window advertised
    uint32_t rcv_wnd;              // the window advertised then
    uint32_t rcv_ssthresh;         // the window grows up to this (Linux's)
    uint32_t window_clamp;
    uint32_t iss, irs;
    // Segment size.
    uint16_t mss_cache;            // what we send: the peer's MSS and the path MTU
    uint16_t advmss;               // what we announce
    uint16_t user_mss;             // TCP_MAXSEG
    uint16_t rcv_mss;              // estimate of the peer's segments
    uint16_t scaling_ratio;        // payload / truesize of received skbs, of 256 (Linux 6.x)
    // Receive-buffer autotuning (Linux's tcp_rcv_space_adjust, DRS): the
    // receiver's RTT (us << 3) and what the application read per RTT.
    struct {
        uint32_t rtt_us;
        uint32_t seq;
        uint64_t time;
    } rcv_rtt_est;
    uint32_t rcv_rtt_last_tsecr;
    struct {
        int space;
        uint32_t seq;
        uint64_t time;
    } rcvq_space;
    uint32_t pmtu_cookie;          // the path MTU mss_cache was made for
    tcp_options_received rx_opt;
    uint8_t rcv_wscale;            // ours
    // Timestamps (RFC 7323).
    uint32_t ts_recent;            // the peer's last TSval we echo
    uint32_t ts_recent_stamp;      // seconds when it was taken (PAWS's 24 days)
    uint32_t tsoffset;
    // RTT (RFC 6298), µs; srtt << 3, mdev << 2 as Linux's.
    uint32_t srtt_us;
    uint32_t mdev_us;
    uint32_t rttvar_us;
    uint32_t min_rtt_us;
    unsigned long rto;             // jiffies
    uint8_t retransmits;           // of the head segment (RTO back-offs)
    uint8_t backoff;
    uint8_t probes_out;            // zero-window or keepalive probes unanswered
    uint8_t syn_retries;           // TCP_SYNCNT, 0: the sysctl
    // Loss recovery (RFC 5681, 6582, 6675).
    uint32_t packets_out;
    uint32_t retrans_out;
    uint32_t sacked_out;
    uint32_t lost_out;
    uint32_t dupacks;
    uint32_t high_seq;             // snd_nxt when recovery started (RFC 6582 "recover")
    uint32_t undo_marker;
    uint32_t reordering;
    uint32_t highest_sack;         // end of the highest SACKed block
    tcp_cc_sock cc;                // cwnd, ssthresh, ca_state, the algorithm
    // Queues.
    sk_buff_head write_queue;      // sent-unacknowledged, then unsent (from send_head)
    sk_buff* send_head;            // first unsent, nullptr: all sent
    sk_buff_head out_of_order_queue;   // by seq, not overlapping
    tcp_sack_block selective_acks[TCP_NUM_SACKS];   // what we SACK (RFC 2018 4)
    tcp_sack_block duplicate_sack; // D-SACK to report (RFC 2883)
    uint8_t num_sacks;
    bool dsack;
    // Timers (inet_connection_sock's).
    timer_list retransmit_timer;   // RTO, persist (probe0), SYN-ACK retries
    timer_list delack_timer;
    timer_list keepalive_timer;    // keepalive, FIN_WAIT2 and TIME_WAIT, listener's SYN-ACK retries
    uint8_t pending;               // ICSK_TIME_* armed on retransmit_timer
    uint8_t ack_pending;           // ICSK_ACK_*
    uint8_t quick;                 // quick ACKs left (RFC 1122 4.2.3.2 says ACK at least every 2nd)
    bool pingpong;                 // interactive: delay ACKs
    unsigned long ato;             // delayed-ACK timeout
    unsigned long lrcvtime;        // jiffies of the last data received
    unsigned long lsndtime;        // and sent
    unsigned long rcv_tstamp;      // of the last ACK received
    // Application's choices.
    bool nodelay;                  // TCP_NODELAY
    bool cork;                     // TCP_CORK
    bool keepalive;                // SO_KEEPALIVE
    unsigned keepalive_time;       // seconds, 0: default
    unsigned keepalive_intvl;
    uint8_t keepalive_probes;
    int linger2;                   // TCP_LINGER2: FIN_WAIT2 seconds, <0: none
    unsigned user_timeout;         // TCP_USER_TIMEOUT, ms
    unsigned long retrans_stamp;   // jiffies of the first retransmission (timeouts)
    // Listening (inet_connection_sock's icsk_accept_queue).
    tcp_sock* listener;            // a child not yet accepted: its listener
    list_head accept_node;         // on listener's syn_queue or accept_queue
    list_head syn_queue;           // children in SYN_RECV
    list_head accept_queue;        // established, for accept()
    unsigned syn_qlen;
    unsigned accept_qlen;
    unsigned max_ack_backlog;
    uint32_t cookie_mss;           // made from a SYN cookie (no SYN queue entry)
    // Tables.
    list_head bind_node;           // bhash, by local port
    // Counters (TCP_INFO).
    uint32_t segs_in, segs_out, data_segs_in, data_segs_out, total_retrans;
    uint64_t bytes_acked, bytes_received, bytes_sent, bytes_retrans;
    uint32_t rcv_ooopack;
    uint32_t dsack_dups;
};
inline tcp_sock* tcp_sk(struct sock* sk) { return reinterpret_cast<tcp_sock*>(sk); }
inline struct sock* tsk(tcp_sock* tp) { return &tp->inet.sk; }

// sk_userlocks: the port came from connect() and may be shared by other
// connections with another peer (Linux keeps this in the bind bucket).
constexpr uint8_t SOCK_CONNECT_PORT = 0x10;

// retransmit_timer's jobs (Linux's ICSK_TIME_*).
constexpr uint8_t ICSK_TIME_RETRANS = 1;
constexpr uint8_t ICSK_TIME_PROBE0 = 3;
// ack_pending bits.
constexpr uint8_t ICSK_ACK_SCHED = 1;
constexpr uint8_t ICSK_ACK_TIMER = 2;
constexpr uint8_t ICSK_ACK_PUSHED = 4;
constexpr uint8_t ICSK_ACK_NOW = 8;

// The TCP group of /proc/net/snmp (RFC 4022's tcpActiveOpens... as Linux's Tcp:
// row) and the TcpExt: counters Linux has in netstat.
enum tcp_mib : unsigned {
    TCP_MIB_RTOALGORITHM,
    TCP_MIB_RTOMIN,
    TCP_MIB_RTOMAX,
    TCP_MIB_MAXCONN,
    TCP_MIB_ACTIVEOPENS,
    TCP_MIB_PASSIVEOPENS,
    TCP_MIB_ATTEMPTFAILS,
    TCP_MIB_ESTABRESETS,
    TCP_MIB_CURRESTAB,
    TCP_MIB_INSEGS,
    TCP_MIB_OUTSEGS,
    TCP_MIB_RETRANSSEGS,
    TCP_MIB_INERRS,
    TCP_MIB_OUTRSTS,
    TCP_MIB_CSUMERRORS,
    __TCP_MIB_MAX
};
enum tcp_ext_mib : unsigned {
    LINUX_MIB_SYNCOOKIESSENT,
    LINUX_MIB_SYNCOOKIESRECV,
    LINUX_MIB_SYNCOOKIESFAILED,
    LINUX_MIB_LISTENOVERFLOWS,
    LINUX_MIB_LISTENDROPS,
    LINUX_MIB_PAWSESTABREJECTED,
    LINUX_MIB_DELAYEDACKS,
    LINUX_MIB_TCPPUREACKS,
    LINUX_MIB_TCPHPACKS,
    LINUX_MIB_TCPRENORECOVERY,
    LINUX_MIB_TCPSACKRECOVERY,
    LINUX_MIB_TCPLOSSUNDO,
    LINUX_MIB_TCPFASTRETRANS,
    LINUX_MIB_TCPSLOWSTARTRETRANS,
    LINUX_MIB_TCPTIMEOUTS,
    LINUX_MIB_TCPOFOQUEUE,
    LINUX_MIB_TCPOFODROP,
    LINUX_MIB_TCPRCVQDROP,
    LINUX_MIB_TCPABORTONDATA,
    LINUX_MIB_TCPABORTONCLOSE,
    LINUX_MIB_TCPABORTONTIMEOUT,
    LINUX_MIB_TCPABORTONLINGER,
    LINUX_MIB_TCPCHALLENGEACK,
    LINUX_MIB_TCPSACKDISCARD,
    LINUX_MIB_TCPDSACKRECV,
    LINUX_MIB_TCPDSACKOLDSENT,
    LINUX_MIB_TCPWINPROBE,
    LINUX_MIB_TCPKEEPALIVE,
    LINUX_MIB_TCPTIMEWAITREUSE,
    LINUX_MIB_TW,
    LINUX_MIB_TCPMEMORYPRESSURES,
    __LINUX_MIB_TCP_MAX
};
namespace tcp_mib_counters {
extern unsigned long tcp[__TCP_MIB_MAX];
extern unsigned long ext[__LINUX_MIB_TCP_MAX];
extern const char* const tcp_names[__TCP_MIB_MAX];
extern const char* const ext_names[__LINUX_MIB_TCP_MAX];
}  // namespace tcp_mib_counters
inline void TCP_INC_STATS(tcp_mib f) { __atomic_add_fetch(&tcp_mib_counters::tcp[f], 1, __ATOMIC_RELAXED); }
inline void TCP_DEC_STATS(tcp_mib f) { __atomic_sub_fetch(&tcp_mib_counters::tcp[f], 1, __ATOMIC_RELAXED); }
inline void NET_INC_STATS(tcp_ext_mib f) { __atomic_add_fetch(&tcp_mib_counters::ext[f], 1, __ATOMIC_RELAXED); }
inline unsigned long tcp_mib_get(tcp_mib f) { return __atomic_load_n(&tcp_mib_counters::tcp[f], __ATOMIC_RELAXED); }
inline unsigned long tcp_ext_mib_get(tcp_ext_mib f) {
    return __atomic_load_n(&tcp_mib_counters::ext[f], __ATOMIC_RELAXED);
}

// Memory accounting (net/core/sock_mem.cpp against sysctl_tcp.mem):
// bytes of every TCP socket's queued skbs (shown in pages of 4 KiB, as
// Linux's tcp_memory_allocated), the pressure flag, and live sockets.
extern long tcp_memory_allocated;
extern int tcp_memory_pressure;
extern unsigned long tcp_sockets_allocated;
void tcp_enter_memory_pressure(struct sock* sk);
void tcp_leave_memory_pressure(struct sock* sk);
// Linux's tcp_init sizing: tcp_mem from the free pages (a 16th of them is
// the pressure point), the per-socket maxima capped by it.
void tcp_init_mem(unsigned long free_pages);

// Receive space as window and back (tcp_output.cpp).
int tcp_win_from_space(const tcp_sock* tp, int space);
int tcp_space_from_win(const tcp_sock* tp, int64_t win);
int tcp_full_space(struct sock* sk);
int tcp_space(struct sock* sk);
// Receive-buffer autotuning (tcp_rcvbuf.cpp): a full-sized segment's
// payload share sets scaling_ratio and rcv_mss; in-order data feeds the
// receiver's RTT estimate and grows rcv_ssthresh; tcp_init_buffer_space
// starts the measure when the connection is established.
void tcp_measure_rcv_mss(struct sock* sk, const sk_buff* skb);
void tcp_event_data_recv(struct sock* sk, const sk_buff* skb);
void tcp_init_buffer_space(struct sock* sk);
// After a read: the receive buffer grows to twice what the application
// drained in one RTT (tcp_input.cpp, Linux's tcp_rcv_space_adjust).
void tcp_rcv_space_adjust(struct sock* sk);

// Clocks: µs for RTT, ms for timestamps (Linux's tcp_clock_us, tcp_time_stamp).
uint64_t tcp_clock_us();
uint32_t tcp_time_stamp_ms(const tcp_sock* tp);
// Seconds for ts_recent_stamp, counted from 1: a stamp taken in the first
// second after boot must not be the 0 that means "none yet" (Linux's
// tcp_paws_check also reads !ts_recent_stamp as "no timestamp").
inline uint32_t tcp_ts_recent_clock() { return static_cast<uint32_t>(jiffies / HZ) + 1; }

// tcp.cpp ---------------------------------------------------------------------
void tcp_init();                        // after inet_init's tables (tcp_v4_init)
void tcp_proc_init();                   // /proc/net/tcp (tcp_proc.cpp)
void tcp_set_state(struct sock* sk, uint8_t state);
void tcp_done(struct sock* sk);         // to CLOSE: timers stopped, unhashed, woken
int tcp_v4_init_sock(struct sock* sk);
void tcp_v4_destroy_sock(struct sock* sk);
void tcp_close(struct sock* sk, long timeout);
int tcp_disconnect(struct sock* sk, int flags);
void tcp_shutdown(struct sock* sk, int how);
int tcp_sendmsg(struct sock* sk, msghdr* msg, size_t size);
int tcp_recvmsg(struct sock* sk, msghdr* msg, size_t len, int flags, int* addr_len);
int tcp_ioctl(struct sock* sk, unsigned cmd, unsigned long arg);
int tcp_setsockopt(struct sock* sk, int level, int optname, const void* optval, unsigned optlen);
int tcp_getsockopt(struct sock* sk, int level, int optname, void* optval, int* optlen);
poll_t tcp_poll(file* f, socket* sock, poll_table_struct* wait);
void tcp_get_info(struct sock* sk, tcp_info* info);
// The application read: maybe a window update is due (Linux's tcp_cleanup_rbuf).
void tcp_cleanup_rbuf(struct sock* sk, int copied);
// Bytes waiting to be read / not yet acknowledged.
uint32_t tcp_inq(struct sock* sk);
// Every skb of the write and out-of-order queues freed (close, reset).
void tcp_write_queue_purge(struct sock* sk);
void tcp_reset(struct sock* sk);        // a valid RST: ECONNREFUSED/ECONNRESET/EPIPE, done
// Memory for a segment of size bytes of payload, headroom reserved; charged to
// sk's send buffer unless force. nullptr when memory or the buffer is short.
sk_buff* sk_stream_alloc_skb(struct sock* sk, unsigned size, gfp_t gfp, bool force);
// Can the application queue more (Linux's sk_stream_is_writeable)?
bool sk_stream_is_writeable(struct sock* sk);
void sk_stream_write_space(struct sock* sk);

// tcp_ipv4.cpp ------------------------------------------------------------------
void tcp_v4_init();
void tcp_protocol_add();                // inet_add_protocol(&tcp_protocol, IPPROTO_TCP)
int tcp_v4_rcv(sk_buff* skb);
int tcp_v4_err(sk_buff* skb, uint32_t info);
int tcp_v4_do_rcv(struct sock* sk, sk_buff* skb);
int tcp_v4_connect(struct sock* sk, sockaddr* uaddr, int addr_len);
int tcp_v4_get_port(struct sock* sk, unsigned short snum);
int tcp_v4_hash(struct sock* sk);       // a listener onto lhash, a connection onto ehash
void tcp_unhash(struct sock* sk);
void tcp_put_port(struct sock* sk);     // off bhash
// Another sock holds sk's port in a way sk's state does not allow.
bool tcp_v4_port_conflict(struct sock* sk);
// The established (or SYN_RECV, TIME_WAIT) sock for a 4-tuple, else a listener.
struct sock* __inet_lookup(__be32 saddr, __be16 sport, __be32 daddr, __be16 dport, int dif);
struct sock* __inet_lookup_established(__be32 saddr, __be16 sport, __be32 daddr, __be16 dport);
// A RST answering skb (a segment no connection takes: RFC 9293 3.10.7.1).
void tcp_v4_send_reset(const sk_buff* skb);
// A segment no sock owns (a RST, a cookie's SYN-ACK), data at its TCP
// header: routed from saddr to daddr, summed, sent (consumed). 0 or -errno.
int tcp_v4_send_ctl(sk_buff* nskb, __be32 saddr, __be32 daddr, int oif);
// The checksum of a segment about to go out (pseudo-header, RFC 9293 3.1).
void tcp_v4_send_check(sk_buff* skb, __be32 saddr, __be32 daddr, const net_device* dev, unsigned mtu);
// Calls fn for every socket in the tables (/proc/net/tcp).
void tcp_for_each(void (*fn)(struct sock* sk, void* arg), void* arg);
unsigned tcp_hash_count();              // socks in ehash and lhash
void inet_twsk_purge();                 // every orphan ended now (teardown)
// The route of a connection: the kept one while valid, else looked up and kept.
int tcp_route(struct sock* sk, rtable* rt);

// tcp_output.cpp ----------------------------------------------------------------
// Sends skb (a clone when clone_it, the original kept on the write queue)
// with a header, options, checksum. 0 or -errno.
int tcp_transmit_skb(struct sock* sk, sk_buff* skb, bool clone_it);
// tcp_write_xmit's nonagle: 0 Nagle, 2 push regardless, TCP_NAGLE_CORK hold
// short segments even with nothing in flight (a write with MSG_MORE).
constexpr int TCP_NAGLE_CORK = 3;
void tcp_write_xmit(struct sock* sk, unsigned mss_now, int nonagle);
void tcp_push(struct sock* sk, int flags);
void tcp_push_pending_frames(struct sock* sk);
void tcp_send_ack(struct sock* sk);
void tcp_send_delayed_ack(struct sock* sk);
void tcp_send_fin(struct sock* sk);
bool fin_queued(struct sock* sk);       // our FIN waits in the write queue
void tcp_send_active_reset(struct sock* sk);
int tcp_send_synack(struct sock* sk);
int tcp_connect(struct sock* sk);       // the SYN, state SYN_SENT
int tcp_retransmit_skb(struct sock* sk, sk_buff* skb);
void tcp_xmit_retransmit_queue(struct sock* sk);
void tcp_send_probe0(struct sock* sk);
int tcp_write_wakeup(struct sock* sk);   // a probe: new data if the window allows, else an old byte
unsigned tcp_current_mss(struct sock* sk);
unsigned tcp_sync_mss(struct sock* sk, unsigned pmtu);
uint32_t tcp_select_window(struct sock* sk);
// The window free space would let us offer now (Linux's __tcp_select_window).
uint32_t tcp_window_would_offer(struct sock* sk);
void tcp_select_initial_window(struct sock* sk);
uint16_t tcp_mss_for_mtu(unsigned mtu);
void tcp_init_xmit_timers(struct sock* sk);
void tcp_reset_xmit_timer(struct sock* sk, uint8_t what, unsigned long when);
void tcp_clear_xmit_timers(struct sock* sk);
void tcp_rearm_rto(struct sock* sk);
unsigned tcp_send_head_bytes(struct sock* sk);   // queued, not sent

// tcp_input.cpp -----------------------------------------------------------------
// A segment for sk (not LISTEN), data at the TCP header, TCP_SKB_CB filled in.
// Consumes skb. Nonzero: send a RST (the caller does).
int tcp_rcv_state_process(struct sock* sk, sk_buff* skb);
void tcp_rcv_established(struct sock* sk, sk_buff* skb);
void tcp_init_transfer(struct sock* sk);  // ESTABLISHED: buffers, cwnd, CC
void tcp_rtt_estimator(struct sock* sk, long mrtt_us);
void tcp_set_rto(struct sock* sk);
void tcp_enter_loss(struct sock* sk);
void tcp_fin(struct sock* sk);
void tcp_update_pmtu(struct sock* sk, unsigned mtu);

// tcp_timer.cpp -------------------------------------------------------------------
void tcp_set_keepalive(struct sock* sk, bool on);
void inet_csk_reset_keepalive_timer(struct sock* sk, unsigned long len);
void tcp_time_wait(struct sock* sk, uint8_t state, unsigned long timeo);
unsigned long keepalive_time_when(const tcp_sock* tp);
unsigned long keepalive_intvl_when(const tcp_sock* tp);
void tcp_schedule_delack(struct sock* sk);

// tcp_listen.cpp -------------------------------------------------------------------
int inet_csk_listen_start(struct sock* sk, int backlog);
void inet_csk_listen_stop(struct sock* sk);
// A SYN to a listener: a child in SYN_RECV (or a cookie). Consumes skb.
void tcp_v4_conn_request(struct sock* sk, sk_buff* skb);
// A segment to a listener that is not a SYN: the ACK of a cookie makes a
// child. Returns the child (locked by nobody) or nullptr.
struct sock* tcp_v4_cookie_check(struct sock* sk, sk_buff* skb);
// A child whose handshake completed: onto its listener's accept queue.
void inet_csk_complete_hashdance(struct sock* child);
// The child's listener cannot take another connection now.
bool inet_csk_accept_queue_full(struct sock* child);
// A child dies before accept: off its listener's queues.
void inet_csk_child_forget(struct sock* child);
struct sock* inet_csk_accept(struct sock* sk, int flags, int* err);
