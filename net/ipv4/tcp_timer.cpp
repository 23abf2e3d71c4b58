// TCP's timers (Linux's net/ipv4/tcp_timer.c), on the kernel timer wheel:
// retransmission with exponential back-off (RFC 6298 5), the persist timer
// (RFC 9293 3.8.6.1), delayed ACKs (RFC 1122 4.2.3.2), keepalive (RFC 1122
// 4.2.3.6), and the ends of FIN_WAIT2 and TIME_WAIT. A timer that finds the
// sock owned by a process comes back a tick later, as Linux's do.
#include "kernel/jiffies.h"
#include "kernel/trace.h"
#include "kernel/uapi/errno.h"
#include "net/ipv4/tcp.h"

unsigned long keepalive_time_when(const tcp_sock* tp) {
    return tp->keepalive_time ? tp->keepalive_time * HZ : TCP_KEEPALIVE_TIME;
}
unsigned long keepalive_intvl_when(const tcp_sock* tp) {
    return tp->keepalive_intvl ? tp->keepalive_intvl * HZ : TCP_KEEPALIVE_INTVL;
}
namespace {
unsigned keepalive_probes(const tcp_sock* tp) {
    return tp->keepalive_probes ? tp->keepalive_probes : TCP_KEEPALIVE_PROBES;
}

// A process holds the sock: try again shortly (Linux's TCP_*_DEFERRED, in small).
bool deferred(struct sock* sk, timer_list* t) {
    if (!sock_owned_by_user(sk)) {
        return false;
    }
    mod_timer(t, jiffies + (HZ / 20 ? HZ / 20 : 1));
    return true;
}

// The sock is done with: an error for whoever still holds it.
void tcp_write_err(struct sock* sk) {
    sk->sk_err = sk->sk_err_soft ? sk->sk_err_soft : ETIMEDOUT;
    sk->sk_error_report(sk);
    NET_INC_STATS(LINUX_MIB_TCPABORTONTIMEOUT);
    tcp_write_queue_purge(sk);
    tcp_done(sk);
}

// Linux's tcp_write_timeout: too many retries (or TCP_USER_TIMEOUT passed).
bool tcp_write_timeout(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    unsigned limit;
    if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV) {
        limit = sk->sk_state == TCP_SYN_SENT ? (tp->syn_retries ? tp->syn_retries : sysctl_tcp.syn_retries)
                                             : sysctl_tcp.synack_retries;
    } else {
        limit = sock_flag(sk, SOCK_DEAD) ? sysctl_tcp.orphan_retries : sysctl_tcp.retries2;
    }
    bool expired = tp->retransmits >= limit;
    if (tp->user_timeout && tp->retrans_stamp &&
        jiffies_to_msecs(jiffies - tp->retrans_stamp) >= tp->user_timeout) {
        expired = true;
    }
    if (expired) {
        if (sk->sk_state == TCP_SYN_RECV) {
            tcp_done(sk);   // a child that never completed: gone quietly
        } else {
            tcp_write_err(sk);
        }
    }
    return expired;
}

// RFC 6298 5.4-5.7: resend the oldest unacknowledged segment, double the RTO.
void tcp_retransmit_timer(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    if (!tp->packets_out) {
        return;
    }
    if (tcp_write_timeout(sk)) {
        return;
    }
    NET_INC_STATS(LINUX_MIB_TCPTIMEOUTS);
    if (sk->sk_state != TCP_SYN_SENT && sk->sk_state != TCP_SYN_RECV) {
        tcp_enter_loss(sk);
    }
    sk_buff* head = skb_peek(&tp->write_queue);
    trace::event(trace::cat::tcp, "tcp_retransmit_timer", "%s rto %lu retransmits %u",
                 tcp_state_name(sk->sk_state), tp->rto, tp->retransmits);
    if (head && tcp_retransmit_skb(sk, head)) {
        // No memory: again soon, not backed off (Linux's TCP_RESOURCE_PROBE_INTERVAL).
        tcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, TCP_RESOURCE_PROBE_INTERVAL);
        return;
    }
    ++tp->retransmits;
    if (tp->backoff < 15) {
        ++tp->backoff;
    }
    tp->rto = tp->rto * 2 > TCP_RTO_MAX ? TCP_RTO_MAX : tp->rto * 2;
    tcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, tp->rto);
}

void tcp_probe_timer(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    if (tp->packets_out || !tp->send_head) {
        tp->probes_out = 0;
        return;
    }
    unsigned limit = sock_flag(sk, SOCK_DEAD) ? sysctl_tcp.orphan_retries : sysctl_tcp.retries2;
    if (tp->probes_out >= limit) {
        tcp_write_err(sk);
        return;
    }
    tcp_send_probe0(sk);
}

void tcp_write_timer(timer_list* t) {
    tcp_sock* tp = from_timer(t, &tcp_sock::retransmit_timer);
    struct sock* sk = tsk(tp);
    if (deferred(sk, t)) {
        return;
    }
    sock_hold(sk);
    uint8_t what = tp->pending;
    tp->pending = 0;
    if (sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_LISTEN) {
        if (what == ICSK_TIME_RETRANS) {
            tcp_retransmit_timer(sk);
        } else if (what == ICSK_TIME_PROBE0) {
            tcp_probe_timer(sk);
        }
    }
    sock_put(sk);
}

void tcp_delack_timer(timer_list* t) {
    tcp_sock* tp = from_timer(t, &tcp_sock::delack_timer);
    struct sock* sk = tsk(tp);
    if (deferred(sk, t)) {
        return;
    }
    if (sk->sk_state == TCP_CLOSE || !(tp->ack_pending & ICSK_ACK_TIMER)) {
        return;
    }
    tp->ack_pending &= static_cast<uint8_t>(~ICSK_ACK_TIMER);
    if (tp->ack_pending & ICSK_ACK_SCHED) {
        // Linux's tcp_delack_timer_handler: an interactive peer got a
        // delayed ACK once; ACK the next ones sooner.
        if (tp->pingpong) {
            tp->ato = tp->ato / 2 > TCP_DELACK_MIN ? tp->ato / 2 : TCP_DELACK_MIN;
        } else {
            tp->ato = TCP_DELACK_MIN;
        }
        NET_INC_STATS(LINUX_MIB_DELAYEDACKS);
        tcp_send_ack(sk);
    }
}

void tcp_keepalive_timer(timer_list* t) {
    tcp_sock* tp = from_timer(t, &tcp_sock::keepalive_timer);
    struct sock* sk = tsk(tp);
    if (deferred(sk, t)) {
        return;
    }
    sock_hold(sk);
    switch (sk->sk_state) {
        case TCP_TIME_WAIT:
            tcp_done(sk);   // 2 MSL passed
            break;
        case TCP_FIN_WAIT2:
            if (sock_flag(sk, SOCK_DEAD)) {
                tcp_send_active_reset(sk);   // tcp_fin_timeout: the peer never closed
                tcp_done(sk);
            }
            break;
        case TCP_ESTABLISHED:
        case TCP_CLOSE_WAIT:
            if (tp->keepalive && !tp->packets_out && !tp->send_head) {
                unsigned long idle = jiffies - tp->rcv_tstamp;
                if (idle >= keepalive_time_when(tp)) {
                    if (tp->probes_out >= keepalive_probes(tp)) {
                        tcp_write_err(sk);
                        break;
                    }
                    NET_INC_STATS(LINUX_MIB_TCPKEEPALIVE);
                    tcp_write_wakeup(sk);
                    ++tp->probes_out;
                    inet_csk_reset_keepalive_timer(sk, keepalive_intvl_when(tp));
                } else {
                    inet_csk_reset_keepalive_timer(sk, keepalive_time_when(tp) - idle);
                }
            } else if (tp->keepalive) {
                inet_csk_reset_keepalive_timer(sk, keepalive_time_when(tp));
            }
            break;
        default:
            break;
    }
    sock_put(sk);
}

}  // namespace

void tcp_init_xmit_timers(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    timer_setup(&tp->retransmit_timer, tcp_write_timer, 0);
    timer_setup(&tp->delack_timer, tcp_delack_timer, 0);
    timer_setup(&tp->keepalive_timer, tcp_keepalive_timer, 0);
}

void inet_csk_reset_keepalive_timer(struct sock* sk, unsigned long len) {
    mod_timer(&tcp_sk(sk)->keepalive_timer, jiffies + (len ? len : 1));
}

void tcp_set_keepalive(struct sock* sk, bool on) {
    tcp_sock* tp = tcp_sk(sk);
    tp->keepalive = on;
    if (sk->sk_state != TCP_ESTABLISHED && sk->sk_state != TCP_CLOSE_WAIT) {
        return;
    }
    if (on) {
        tp->probes_out = 0;
        inet_csk_reset_keepalive_timer(sk, keepalive_time_when(tp));
    } else {
        del_timer(&tp->keepalive_timer);
    }
}

// Linux's tcp_time_wait: the sock keeps the 4-tuple for 2 MSL (RFC 9293
// 3.6.1) with nothing queued; TIME_WAIT is a state of the same sock here,
// not a separate minisock, so it costs a struct tcp_sock.
void tcp_time_wait(struct sock* sk, uint8_t state, unsigned long timeo) {
    tcp_set_state(sk, state);
    tcp_clear_xmit_timers(sk);
    tcp_write_queue_purge(sk);
    sk->sk_shutdown = SHUTDOWN_MASK;
    NET_INC_STATS(LINUX_MIB_TW);
    inet_csk_reset_keepalive_timer(sk, timeo ? timeo : sysctl_tcp.timewait_len);
    if (!sock_flag(sk, SOCK_DEAD)) {
        sk->sk_state_change(sk);
    }
}

void tcp_schedule_delack(struct sock* sk) { tcp_send_delayed_ack(sk); }
