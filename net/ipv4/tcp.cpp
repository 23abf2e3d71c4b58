// TCP's socket side (Linux's net/ipv4/tcp.c): tcp_prot, the state
// changes, sending (one copy in, the checksum folded into it), receiving
// (one copy out), poll, close with its FIN or RST, shutdown, disconnect,
// ioctls, and the counters.
#include <string.h>

#include "kernel/fs/poll.h"
#include "kernel/jiffies.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/random.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/trace.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "net/core/iov_iter.h"
#include "net/core/sockios.h"
#include "net/ipv4/tcp.h"

tcp_sysctl sysctl_tcp;
long tcp_memory_allocated;
int tcp_memory_pressure;
unsigned long tcp_sockets_allocated;

namespace tcp_mib_counters {
unsigned long tcp[__TCP_MIB_MAX];
unsigned long ext[__LINUX_MIB_TCP_MAX];
const char* const tcp_names[__TCP_MIB_MAX] = {
    "RtoAlgorithm", "RtoMin",  "RtoMax",  "MaxConn",     "ActiveOpens", "PassiveOpens", "AttemptFails", "EstabResets",
    "CurrEstab",    "InSegs",  "OutSegs", "RetransSegs", "InErrs",      "OutRsts",      "InCsumErrors",
};
const char* const ext_names[__LINUX_MIB_TCP_MAX] = {
    "SyncookiesSent",     "SyncookiesRecv",   "SyncookiesFailed",  "ListenOverflows",  "ListenDrops",
    "PAWSEstab",          "DelayedACKs",      "TCPPureAcks",       "TCPHPAcks",        "TCPRenoRecovery",
    "TCPSackRecovery",    "TCPLossUndo",      "TCPFastRetrans",    "TCPSlowStartRetrans", "TCPTimeouts",
    "TCPOFOQueue",        "TCPOFODrop",       "TCPRcvQDrop",       "TCPAbortOnData",   "TCPAbortOnClose",
    "TCPAbortOnTimeout",  "TCPAbortOnLinger", "TCPChallengeACK",   "TCPSACKDiscard",   "TCPDSACKRecv",
    "TCPDSACKOldSent",    "TCPWinProbe",      "TCPKeepAlive",      "TCPTimeWaitReuse", "TW",
    "TCPMemoryPressures",
};
}  // namespace tcp_mib_counters

uint64_t tcp_clock_us() { return ktime_get_ns() / 1000; }
uint32_t tcp_time_stamp_ms(const tcp_sock* tp) { return static_cast<uint32_t>(ktime_get_ns() / 1000000) + tp->tsoffset; }

const char* tcp_state_name(uint8_t state) {
    static const char* const names[] = {"UNKNOWN",  "ESTABLISHED", "SYN_SENT",   "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
                                        "TIME_WAIT", "CLOSE",      "CLOSE_WAIT", "LAST_ACK", "LISTEN",    "CLOSING"};
    return state < sizeof names / sizeof names[0] ? names[state] : "UNKNOWN";
}

void tcp_enter_memory_pressure(struct sock*) {
    if (!tcp_memory_pressure) {
        NET_INC_STATS(LINUX_MIB_TCPMEMORYPRESSURES);
        tcp_memory_pressure = 1;
    }
}

void tcp_leave_memory_pressure(struct sock*) { tcp_memory_pressure = 0; }

void tcp_init_mem(unsigned long free_pages) {
    long limit = static_cast<long>(free_pages / 16);
    if (limit < 128) {
        limit = 128;
    }
    sysctl_tcp.mem[0] = limit / 4 * 3;
    sysctl_tcp.mem[1] = limit;
    sysctl_tcp.mem[2] = sysctl_tcp.mem[0] * 2;
    // A socket may use half of the pressure point (Linux: limit << (PAGE_SHIFT - 1)).
    long share = limit * (SK_MEM_QUANTUM / 2);
    sysctl_tcp.wmem[2] = static_cast<int>(share < 4l * 1024 * 1024 ? share : 4l * 1024 * 1024);
    sysctl_tcp.rmem[2] = static_cast<int>(share < 6l * 1024 * 1024 ? share : 6l * 1024 * 1024);
}

void tcp_set_state(struct sock* sk, uint8_t state) {
    uint8_t old = sk->sk_state;
    if (old == state) {
        return;
    }
    if (state == TCP_ESTABLISHED) {
        TCP_INC_STATS(TCP_MIB_CURRESTAB);
    } else if (old == TCP_ESTABLISHED) {
        TCP_DEC_STATS(TCP_MIB_CURRESTAB);
    }
    if (state == TCP_CLOSE) {
        if (old == TCP_CLOSE_WAIT || old == TCP_ESTABLISHED) {
            TCP_INC_STATS(TCP_MIB_ESTABRESETS);
        }
        if (old == TCP_SYN_SENT || old == TCP_SYN_RECV) {
            TCP_INC_STATS(TCP_MIB_ATTEMPTFAILS);
        }
        tcp_unhash(sk);
        tcp_put_port(sk);
    }
    sk->sk_state = state;
    trace::event(trace::cat::tcp, "tcp_set_state", "%s -> %s", tcp_state_name(old), tcp_state_name(state));
}

namespace {
// Linux's inet_csk_destroy_sock: an orphan that reached CLOSE is freed.
void inet_csk_destroy_sock(struct sock* sk) {
    tcp_v4_destroy_sock(sk);
    tcp_unhash(sk);
    sock_put(sk);   // its owner's reference
}
}  // namespace

void tcp_done(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    // A child that never completed leaves its listener's SYN queue while
    // its state still says it is on it: inet_csk_child_forget tells the
    // two queues apart by that state (Linux's inet_csk_reqsk_queue_drop).
    bool half_open = tp->listener && sk->sk_state == TCP_SYN_RECV;
    if (half_open) {
        inet_csk_child_forget(sk);   // never accepted, never will be
    }
    tcp_set_state(sk, TCP_CLOSE);
    tcp_clear_xmit_timers(sk);
    del_timer(&tp->keepalive_timer);
    sk->sk_shutdown = SHUTDOWN_MASK;
    if (half_open) {
        sock_orphan(sk);
    }
    if (!sock_flag(sk, SOCK_DEAD)) {
        sk->sk_state_change(sk);
    } else if (!tp->listener) {
        inet_csk_destroy_sock(sk);
    }
}

void tcp_write_queue_purge(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    __skb_queue_purge(&tp->write_queue);
    tp->send_head = nullptr;
    tp->packets_out = tp->retrans_out = tp->sacked_out = tp->lost_out = 0;
}

// A valid RST (RFC 9293 3.10.7.4; Linux's tcp_reset).
void tcp_reset(struct sock* sk) {
    switch (sk->sk_state) {
        case TCP_SYN_SENT:
            sk->sk_err = ECONNREFUSED;
            break;
        case TCP_CLOSE_WAIT:
            sk->sk_err = EPIPE;
            break;
        case TCP_CLOSE:
            return;
        default:
            sk->sk_err = ECONNRESET;
    }
    tcp_write_queue_purge(sk);
    if (!sock_flag(sk, SOCK_DEAD)) {
        sk->sk_error_report(sk);
    }
    tcp_done(sk);
}

int tcp_v4_init_sock(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    skb_queue_head_init(&tp->write_queue);
    skb_queue_head_init(&tp->out_of_order_queue);
    INIT_LIST_HEAD(&tp->bind_node);
    INIT_LIST_HEAD(&tp->accept_node);
    INIT_LIST_HEAD(&tp->syn_queue);
    INIT_LIST_HEAD(&tp->accept_queue);
    INIT_LIST_HEAD(&sk->sk_node);
    tcp_init_xmit_timers(sk);
    tp->rto = TCP_TIMEOUT_INIT;
    tp->mdev_us = jiffies_to_usecs(TCP_TIMEOUT_INIT);
    tp->cc.snd_cwnd = TCP_INIT_CWND;
    tp->cc.snd_ssthresh = TCP_INFINITE_SSTHRESH;
    tp->cc.snd_cwnd_clamp = 0xffff;
    tp->mss_cache = TCP_MSS_DEFAULT;
    tp->cc.mss_cache = TCP_MSS_DEFAULT;
    tp->reordering = TCP_FASTRETRANS_THRESH;
    tp->ato = TCP_DELACK_MIN;
    tp->scaling_ratio = TCP_DEFAULT_SCALING_RATIO;
    tp->cc.ca_ops = tcp_default_congestion_control();   // Linux's tcp_assign_congestion_control
    sk->sk_state = TCP_CLOSE;
    sk->sk_sndbuf = sysctl_tcp.wmem[1];
    sk->sk_rcvbuf = sysctl_tcp.rmem[1];
    sk->sk_write_space = sk_stream_write_space;
    __atomic_add_fetch(&tcp_sockets_allocated, 1, __ATOMIC_RELAXED);
    return 0;
}

void tcp_v4_destroy_sock(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    tcp_clear_xmit_timers(sk);
    del_timer(&tp->keepalive_timer);
    tcp_write_queue_purge(sk);
    __skb_queue_purge(&tp->out_of_order_queue);
    skb_queue_purge(&sk->sk_receive_queue);
    if (tp->cc.ca_ops) {
        tcp_cleanup_congestion_control(tp->cc);
    }
    sk->sk_userlocks &= static_cast<uint8_t>(~SOCK_BINDPORT_LOCK);
    tcp_put_port(sk);
    sk_dst_reset(sk);
    __atomic_sub_fetch(&tcp_sockets_allocated, 1, __ATOMIC_RELAXED);
}

// Send buffer ---------------------------------------------------------------------

sk_buff* sk_stream_alloc_skb(struct sock* sk, unsigned size, gfp_t gfp, bool force) {
    if (!force && sk_wmem_alloc_get(sk) >= sk->sk_sndbuf) {
        return nullptr;
    }
    sk_buff* skb = alloc_skb(size + MAX_TCP_HEADER, gfp);
    if (!skb) {
        tcp_enter_memory_pressure(sk);
        return nullptr;
    }
    if (!force && !sk_wmem_schedule(sk, static_cast<int>(skb->truesize))) {
        // tcp_mem says no: the buffer shrinks to what is queued, and the
        // writer waits for ACKs to give memory back (Linux's sk_stream_alloc_skb).
        kfree_skb(skb);
        sk_stream_moderate_sndbuf(sk);
        return nullptr;
    }
    skb_reserve(skb, static_cast<int>(MAX_TCP_HEADER));
    skb_set_owner_w(skb, sk);
    memset(TCP_SKB_CB(skb), 0, sizeof(tcp_skb_cb));
    skb->csum = 0;
    return skb;
}

// Linux's sk_stream_is_writeable: free room at least half of what is queued.
bool sk_stream_is_writeable(struct sock* sk) {
    int queued = sk_wmem_alloc_get(sk);
    return sk->sk_sndbuf - queued >= queued / 2 && queued < sk->sk_sndbuf;
}

void sk_stream_write_space(struct sock* sk) {
    if (sk->sk_socket && sk_stream_is_writeable(sk)) {
        sk->sk_socket->flags &= ~SOCKWQ_ASYNC_NOSPACE;
        if (sk->sk_wq) {
            wake_up_all(sk->sk_wq);
        }
    }
}

namespace {

// Waits (the lock let go) until cond, an error, or the timeout.
template <typename Cond>
void sk_wait_event(struct sock* sk, long* timeo, Cond cond) {
    release_sock(sk);
    if (sk->sk_wq) {
        *timeo = wait_event_interruptible_timeout(*sk->sk_wq, cond, *timeo);
    }
    lock_sock(sk);
}

// Linux's sk_stream_wait_connect: a send while the handshake runs waits for it.
int sk_stream_wait_connect(struct sock* sk, long* timeo) {
    for (;;) {
        if (sk->sk_err) {
            return sock_error(sk);
        }
        if (sk->sk_state != TCP_SYN_SENT && sk->sk_state != TCP_SYN_RECV) {
            return -EPIPE;
        }
        if (!*timeo) {
            return -EAGAIN;
        }
        sk_wait_event(sk, timeo, [sk] { return sk->sk_err || (sk->sk_state != TCP_SYN_SENT && sk->sk_state != TCP_SYN_RECV); });
        if (sk->sk_state == TCP_ESTABLISHED || sk->sk_state == TCP_CLOSE_WAIT) {
            return 0;
        }
    }
}

// Below its send buffer the socket was refused an sk_buff by the allocator,
// not by its own limit: waiting for the buffer to drain would return at
// once and the writer would spin. It sleeps a moment instead, 2 jiffies to
// HZ/5, for memory to come back (Linux's sk_stream_wait_memory, vm_wait).
void wait_for_the_allocator(struct sock* sk, long* timeo) {
    long nap = static_cast<long>(get_random_u32_below(HZ / 5)) + 2;
    long left = nap < *timeo ? nap : *timeo;
    long slept = left;
    sk_wait_event(sk, &left, [sk] { return sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN); });
    if (*timeo != MAX_SCHEDULE_TIMEOUT) {
        *timeo -= slept - left;
    }
}

int sk_stream_wait_memory(struct sock* sk, long* timeo) {
    if (!*timeo) {
        return -EAGAIN;
    }
    if (sk->sk_socket) {
        sk->sk_socket->flags |= SOCKWQ_ASYNC_NOSPACE;
    }
    if (sk_wmem_alloc_get(sk) < sk->sk_sndbuf) {
        wait_for_the_allocator(sk, timeo);
        if (sk->sk_err) {
            return sock_error(sk);
        }
        return sk->sk_shutdown & SEND_SHUTDOWN ? -EPIPE : (*timeo ? 0 : -EAGAIN);
    }
    sk_wait_event(sk, timeo, [sk] {
        return sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN) || sk_wmem_alloc_get(sk) < sk->sk_sndbuf;
    });
    if (sk->sk_err) {
        return sock_error(sk);
    }
    if (sk->sk_shutdown & SEND_SHUTDOWN) {
        return -EPIPE;
    }
    return sk_wmem_alloc_get(sk) < sk->sk_sndbuf ? 0 : (*timeo ? 0 : -EAGAIN);
}

// The unsent tail that still has room for more of the same segment.
sk_buff* tcp_tail_with_room(tcp_sock* tp, unsigned mss) {
    if (!tp->send_head) {
        return nullptr;
    }
    sk_buff* tail = skb_peek_tail(&tp->write_queue);
    if (!tail || (TCP_SKB_CB(tail)->tcp_flags & (TCPHDR_FIN | TCPHDR_SYN)) || tail->len >= mss || !skb_tailroom(tail)) {
        return nullptr;
    }
    return tail;
}

}  // namespace

// Linux's tcp_sendmsg_locked without pages: whole-MSS skbs filled from the
// user with the checksum taken in the same pass, sent as they fill.
int tcp_sendmsg(struct sock* sk, msghdr* msg, size_t) {
    sock_lock_guard lock(sk);
    tcp_sock* tp = tcp_sk(sk);
    int flags = static_cast<int>(msg->msg_flags);
    long timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
    if (flags & MSG_OOB) {
        return -EOPNOTSUPP;   // no urgent data here
    }
    if (sk->sk_state != TCP_ESTABLISHED && sk->sk_state != TCP_CLOSE_WAIT) {
        if (int err = sk_stream_wait_connect(sk, &timeo)) {
            return err == -EPIPE && sk->sk_state == TCP_CLOSE && !sock_flag(sk, SOCK_DONE) ? -EPIPE : err;
        }
    }
    size_t copied = 0;
    unsigned mss = tcp_current_mss(sk);
    while (msg_data_left(msg)) {
        if (sk->sk_err) {
            int e = sock_error(sk);
            return copied ? static_cast<int>(copied) : e;
        }
        if (sk->sk_shutdown & SEND_SHUTDOWN) {
            return copied ? static_cast<int>(copied) : -EPIPE;
        }
        sk_buff* skb = tcp_tail_with_room(tp, mss);
        if (!skb) {
            skb = sk_stream_alloc_skb(sk, mss, GFP_KERNEL, false);
            if (!skb) {
                tcp_push(sk, flags & ~MSG_MORE);
                int err = sk_stream_wait_memory(sk, &timeo);
                if (err) {
                    return copied ? static_cast<int>(copied) : err;
                }
                mss = tcp_current_mss(sk);
                continue;
            }
            tcp_skb_cb* cb = TCP_SKB_CB(skb);
            cb->seq = cb->end_seq = tp->write_seq;
            cb->tcp_flags = TCPHDR_ACK;
            __skb_queue_tail(&tp->write_queue, skb);
            if (!tp->send_head) {
                tp->send_head = skb;
            }
        }
        size_t room = mss - skb->len;
        if (room > skb_tailroom(skb)) {
            room = skb_tailroom(skb);
        }
        size_t copy = msg_data_left(msg) < room ? msg_data_left(msg) : room;
        unsigned offset = skb->len;
        __wsum sum;
        if (!csum_and_copy_from_iter_full(skb_put(skb, static_cast<unsigned>(copy)), copy, &sum, &msg->msg_iter)) {
            skb_trim(skb, offset);
            return copied ? static_cast<int>(copied) : -EFAULT;
        }
        skb->csum = csum_block_add(skb->csum, sum, static_cast<int>(offset));
        tp->write_seq += static_cast<uint32_t>(copy);
        TCP_SKB_CB(skb)->end_seq += static_cast<uint32_t>(copy);
        copied += copy;
        if (skb->len >= mss) {
            tcp_write_xmit(sk, mss, 0);   // full segments go at once, Nagle or not
        }
    }
    tcp_push(sk, flags);
    return static_cast<int>(copied);
}

// Receiving ----------------------------------------------------------------------

uint32_t tcp_inq(struct sock* sk) {
    tcp_sock* tp = tcp_sk(sk);
    if (sk->sk_state == TCP_LISTEN) {
        return 0;
    }
    uint32_t answ = tp->rcv_nxt - tp->copied_seq;
    // A FIN counts in rcv_nxt but is no byte to read.
    if (answ && sock_flag(sk, SOCK_DONE)) {
        --answ;
    }
    return answ;
}

// Linux's tcp_cleanup_rbuf: after a read, an ACK opens the window when it
// has grown to twice what the peer last saw (RFC 1122 4.2.3.3's receiver
// side of silly-window avoidance).
void tcp_cleanup_rbuf(struct sock* sk, int copied) {
    tcp_sock* tp = tcp_sk(sk);
    bool ack = (tp->ack_pending & ICSK_ACK_SCHED) && tp->rcv_nxt - tp->rcv_wup > tp->rcv_mss;
    if (copied > 0 && !ack && !(sk->sk_shutdown & RCV_SHUTDOWN)) {
        uint32_t now = tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt;
        if (static_cast<int32_t>(now) < 0) {
            now = 0;
        }
        if (2 * now <= tp->window_clamp) {
            uint32_t nw = tcp_window_would_offer(sk);
            if (nw && nw >= 2 * now) {
                ack = true;
            }
        }
    }
    if (ack && sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_LISTEN) {
        tcp_send_ack(sk);
    }
}

namespace {
bool tcp_rcv_ready(struct sock* sk, uint32_t seq) {
    return tcp_sk(sk)->rcv_nxt != seq || sk->sk_err || (sk->sk_shutdown & RCV_SHUTDOWN) ||
           sk->sk_state == TCP_CLOSE;
}

// One step: bytes from the queued skb holding seq, or -1 when nothing
// there; *fin when the next thing is the FIN.
long tcp_copy_one(struct sock* sk, msghdr* msg, size_t want, uint32_t* seq, bool peek, bool* fin) {
    for (sk_buff& s : skb_queue_walk(&sk->sk_receive_queue)) {
        tcp_skb_cb* cb = TCP_SKB_CB(&s);
        uint32_t offset = *seq - cb->seq;
        if (offset < s.len) {
            size_t used = s.len - offset < want ? s.len - offset : want;
            if (skb_copy_datagram_msg(&s, static_cast<int>(offset), msg, static_cast<int>(used))) {
                return -EFAULT;
            }
            *seq += static_cast<uint32_t>(used);
            if (!peek && offset + used == s.len && !(cb->tcp_flags & TCPHDR_FIN)) {
                __skb_unlink(&s, &sk->sk_receive_queue);
                consume_skb(&s);
            }
            return static_cast<long>(used);
        }
        if (cb->tcp_flags & TCPHDR_FIN) {
            *fin = true;
            if (!peek) {
                ++*seq;
                __skb_unlink(&s, &sk->sk_receive_queue);
                consume_skb(&s);
            }
            return -1;
        }
        if (!peek) {
            __skb_unlink(&s, &sk->sk_receive_queue);   // all read already
            consume_skb(&s);
        }
    }
    return -1;
}
}  // namespace

// Linux's tcp_recvmsg_locked: bytes in order from the receive queue,
// waiting (the lock let go) for at least SO_RCVLOWAT, all of len with
// MSG_WAITALL; MSG_PEEK leaves them.
int tcp_recvmsg(struct sock* sk, msghdr* msg, size_t len, int flags, int* addr_len) {
    if (flags & MSG_ERRQUEUE) {
        return ip_recv_error(sk, msg, len, addr_len);   // Linux's inet_recv_error
    }
    sock_lock_guard lock(sk);
    tcp_sock* tp = tcp_sk(sk);
    if (sk->sk_state == TCP_LISTEN) {
        return -ENOTCONN;
    }
    if (flags & MSG_OOB) {
        return -EINVAL;   // no urgent data is ever held (Linux's answer without it)
    }
    long timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
    bool peek = flags & MSG_PEEK;
    uint32_t peek_seq = tp->copied_seq;
    uint32_t* seq = peek ? &peek_seq : &tp->copied_seq;
    size_t target = flags & MSG_WAITALL ? len : (static_cast<size_t>(sk->sk_rcvlowat) < len ? static_cast<size_t>(sk->sk_rcvlowat) : len);
    if (!target) {
        target = 1;
    }
    size_t copied = 0;
    while (copied < len) {
        bool fin = false;
        long n = tcp_copy_one(sk, msg, len - copied, seq, peek, &fin);
        if (n == -EFAULT) {
            return copied ? static_cast<int>(copied) : -EFAULT;
        }
        if (n > 0) {
            copied += static_cast<size_t>(n);
            continue;
        }
        if (fin || copied >= target) {
            break;
        }
        if (copied) {
            if (sk->sk_err || sk->sk_state == TCP_CLOSE || (sk->sk_shutdown & RCV_SHUTDOWN) || !timeo) {
                break;
            }
        } else {
            if (sock_flag(sk, SOCK_DONE)) {
                break;
            }
            if (sk->sk_err) {
                return sock_error(sk);
            }
            if (sk->sk_shutdown & RCV_SHUTDOWN) {
                break;
            }
            if (sk->sk_state == TCP_CLOSE) {
                return -ENOTCONN;   // never connected, or reset and reported
            }
            if (!timeo) {
                return -EAGAIN;
            }
        }
        tcp_cleanup_rbuf(sk, static_cast<int>(copied));
        uint32_t at = tp->rcv_nxt;
        sk_wait_event(sk, &timeo, [sk, at] { return tcp_rcv_ready(sk, at); });
        if (!timeo && copied < target && !tcp_rcv_ready(sk, at)) {
            if (!copied) {
                return -EAGAIN;
            }
            break;
        }
    }
    if (!peek) {
        if (copied) {
            tcp_rcv_space_adjust(sk);
        }
        tcp_cleanup_rbuf(sk, static_cast<int>(copied));
    }
    return static_cast<int>(copied);
}

// poll -------------------------------------------------------------------------

poll_t tcp_poll(file* f, socket* sock, poll_table_struct* wait) {
    struct sock* sk = sock->sk;
    poll_wait(f, &sock->wq, wait);
    uint8_t state = sk->sk_state;
    if (state == TCP_LISTEN) {
        return list_empty(&tcp_sk(sk)->accept_queue) ? 0 : (uapi::pollin | uapi::pollrdnorm);
    }
    poll_t mask = 0;
    if (sk->sk_shutdown == SHUTDOWN_MASK || state == TCP_CLOSE) {
        mask |= uapi::pollhup;
    }
    if (sk->sk_shutdown & RCV_SHUTDOWN) {
        mask |= uapi::pollin | uapi::pollrdnorm | uapi::pollrdhup;
    }
    if (state != TCP_SYN_SENT && state != TCP_SYN_RECV) {
        int target = sk->sk_rcvlowat > 0 ? sk->sk_rcvlowat : 1;
        if (tcp_inq(sk) >= static_cast<uint32_t>(target)) {
            mask |= uapi::pollin | uapi::pollrdnorm;
        }
        if (!(sk->sk_shutdown & SEND_SHUTDOWN)) {
            if (sk_stream_is_writeable(sk)) {
                mask |= uapi::pollout | uapi::pollwrnorm;
            } else {
                sock->flags |= SOCKWQ_ASYNC_NOSPACE;
            }
        } else {
            mask |= uapi::pollout | uapi::pollwrnorm;
        }
    }
    if (sk->sk_err || !skb_queue_empty(&sk->sk_error_queue)) {
        mask |= uapi::pollerr;
    }
    return mask;
}

// Closing ------------------------------------------------------------------------

namespace {
// RFC 9293 3.10.4 CLOSE: the next state, and whether a FIN goes (Linux's new_state table).
bool tcp_close_state(struct sock* sk) {
    switch (sk->sk_state) {
        case TCP_ESTABLISHED:
        case TCP_SYN_RECV:
            tcp_set_state(sk, TCP_FIN_WAIT1);
            return true;
        case TCP_CLOSE_WAIT:
            tcp_set_state(sk, TCP_LAST_ACK);
            return true;
        case TCP_SYN_SENT:
        case TCP_LISTEN:
            tcp_set_state(sk, TCP_CLOSE);
            return false;
        default:
            return false;
    }
}

bool closing_state(uint8_t s) { return s == TCP_FIN_WAIT1 || s == TCP_CLOSING || s == TCP_LAST_ACK; }
}  // namespace

void tcp_shutdown(struct sock* sk, int how) {
    if (!(how & SEND_SHUTDOWN)) {
        return;
    }
    sock_lock_guard lock(sk);
    uint8_t s = sk->sk_state;
    if (s == TCP_ESTABLISHED || s == TCP_SYN_RECV || s == TCP_CLOSE_WAIT) {
        if (tcp_close_state(sk)) {
            tcp_send_fin(sk);
        }
    }
}

void tcp_close(struct sock* sk, long) {
    tcp_sock* tp = tcp_sk(sk);
    sock_hold(sk);
    lock_sock(sk);
    sk->sk_shutdown = SHUTDOWN_MASK;
    if (sk->sk_state == TCP_LISTEN) {
        tcp_set_state(sk, TCP_CLOSE);
        inet_csk_listen_stop(sk);
    }
    uint32_t unread = 0;
    while (sk_buff* skb = __skb_dequeue(&sk->sk_receive_queue)) {
        tcp_skb_cb* cb = TCP_SKB_CB(skb);
        uint32_t end = cb->seq + skb->len;
        if (after(end, tp->copied_seq)) {
            unread += end - (before(cb->seq, tp->copied_seq) ? tp->copied_seq : cb->seq);
        }
        kfree_skb(skb);
    }
    if (sk->sk_state == TCP_CLOSE) {
        // nothing to tell anyone
    } else if (unread) {
        // RFC 2525 2.17: unread data is lost, and the peer must know.
        NET_INC_STATS(LINUX_MIB_TCPABORTONCLOSE);
        tcp_set_state(sk, TCP_CLOSE);
        tcp_send_active_reset(sk);
    } else if (sk->sk_linger.l_onoff && !sk->sk_linger.l_linger) {
        NET_INC_STATS(LINUX_MIB_TCPABORTONLINGER);
        tcp_disconnect(sk, 0);
    } else if (tcp_close_state(sk)) {
        tcp_send_fin(sk);
    }
    if (closing_state(sk->sk_state) && !fin_queued(sk)) {
        // No memory for the FIN (now or at shutdown()): nothing would ever
        // end the orphan, so it ends now, and the peer hears of it.
        tcp_set_state(sk, TCP_CLOSE);
        tcp_send_active_reset(sk);
    }
    if (sk->sk_linger.l_onoff && sk->sk_linger.l_linger && closing_state(sk->sk_state)) {
        // SO_LINGER: wait for the FIN's ACK, at most the linger time.
        long timeo = static_cast<long>(sk->sk_linger.l_linger) * HZ;
        while (closing_state(sk->sk_state) && timeo) {
            sk_wait_event(sk, &timeo, [sk] { return !closing_state(sk->sk_state); });
        }
    }
    sock_orphan(sk);
    uint8_t state = sk->sk_state;
    release_sock(sk);   // what the backlog holds runs now, as an orphan's
    {
        bh_guard bh;
        if (state != TCP_CLOSE && sk->sk_state == TCP_CLOSE) {
            // The backlog brought the last ACK (LAST_ACK, CLOSING) or a RST:
            // tcp_done freed the orphan already (Linux's "already destroyed").
            sock_put(sk);
            return;
        }
        if (sk->sk_state == TCP_FIN_WAIT2) {
            if (tp->linger2 < 0) {
                tcp_send_active_reset(sk);
                NET_INC_STATS(LINUX_MIB_TCPABORTONLINGER);
                tcp_done(sk);
            } else {
                unsigned long tmo = tp->linger2 ? static_cast<unsigned long>(tp->linger2) * HZ : sysctl_tcp.fin_timeout;
                inet_csk_reset_keepalive_timer(sk, tmo);
            }
        } else if (sk->sk_state == TCP_CLOSE) {
            tcp_done(sk);   // no timers left: freed now
        }
    }
    sock_put(sk);
}

// Linux's tcp_disconnect (connect(AF_UNSPEC), or a zero linger): the
// connection aborted with a RST where one is owed, the sock back to CLOSE.
int tcp_disconnect(struct sock* sk, int) {
    tcp_sock* tp = tcp_sk(sk);
    inet_sock* inet = inet_sk(sk);
    uint8_t old = sk->sk_state;
    if (old != TCP_CLOSE) {
        tcp_set_state(sk, TCP_CLOSE);
    }
    if (old == TCP_LISTEN) {
        inet_csk_listen_stop(sk);
    } else if (old != TCP_CLOSE && old != TCP_SYN_SENT && old != TCP_TIME_WAIT) {
        tcp_send_active_reset(sk);
        sk->sk_err = ECONNRESET;
    }
    tcp_clear_xmit_timers(sk);
    del_timer(&tp->keepalive_timer);
    skb_queue_purge(&sk->sk_receive_queue);
    tcp_write_queue_purge(sk);
    __skb_queue_purge(&tp->out_of_order_queue);
    inet->inet_dport = 0;
    inet->inet_daddr = 0;
    if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK)) {
        inet->inet_saddr = inet->inet_rcv_saddr = 0;
    }
    sk->sk_shutdown = 0;
    sock_reset_flag(sk, SOCK_DONE);
    tp->srtt_us = tp->mdev_us = 0;
    tp->rto = TCP_TIMEOUT_INIT;
    tp->retransmits = tp->backoff = tp->probes_out = 0;
    tp->cc.snd_cwnd = TCP_INIT_CWND;
    tp->cc.snd_ssthresh = TCP_INFINITE_SSTHRESH;
    tp->cc.ca_state = tcp_ca_state::Open;
    tp->write_seq += tp->max_window + 2;
    tp->num_sacks = 0;
    tp->dsack = false;
    tp->rx_opt = {};
    tp->ts_recent = tp->ts_recent_stamp = 0;
    sk_dst_reset(sk);
    sk->sk_error_report(sk);
    return 0;
}

// ioctl ---------------------------------------------------------------------------

int tcp_ioctl(struct sock* sk, unsigned cmd, unsigned long arg) {
    int answ;
    switch (cmd) {
        case SIOCINQ: {
            if (sk->sk_state == TCP_LISTEN) {
                return -EINVAL;
            }
            sock_lock_guard lock(sk);
            answ = static_cast<int>(tcp_inq(sk));
            break;
        }
        case SIOCOUTQ: {
            if (sk->sk_state == TCP_LISTEN) {
                return -EINVAL;
            }
            tcp_sock* tp = tcp_sk(sk);
            answ = sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV ? 0
                                                                                : static_cast<int>(tp->write_seq - tp->snd_una);
            break;
        }
        default:
            return -ENOIOCTLCMD;
    }
    return copy_to_user(reinterpret_cast<void*>(arg), &answ, sizeof answ) ? -EFAULT : 0;
}

void tcp_init() {
    tcp_congestion_init();
    memset(tcp_mib_counters::tcp, 0, sizeof tcp_mib_counters::tcp);
    memset(tcp_mib_counters::ext, 0, sizeof tcp_mib_counters::ext);
    tcp_mib_counters::tcp[TCP_MIB_RTOALGORITHM] = 1;   // "other" is what Linux reports too
    tcp_mib_counters::tcp[TCP_MIB_RTOMIN] = jiffies_to_msecs(TCP_RTO_MIN);
    tcp_mib_counters::tcp[TCP_MIB_RTOMAX] = jiffies_to_msecs(TCP_RTO_MAX);
    tcp_mib_counters::tcp[TCP_MIB_MAXCONN] = static_cast<unsigned long>(-1);
    tcp_memory_allocated = 0;
    tcp_memory_pressure = 0;
    tcp_init_mem(nr_free_pages());
    tcp_protocol_add();
    tcp_proc_init();
}

namespace {
void tcp_keepalive(struct sock* sk, bool on) {
    sock_lock_guard lock(sk);
    tcp_set_keepalive(sk, on);
}
}  // namespace

proto tcp_prot = {
    .name = "TCP",
    .obj_size = sizeof(tcp_sock),
    .init = tcp_v4_init_sock,
    .close = tcp_close,
    .destroy = tcp_v4_destroy_sock,
    .connect = tcp_v4_connect,
    .disconnect = tcp_disconnect,
    .ioctl = tcp_ioctl,
    .setsockopt = tcp_setsockopt,
    .getsockopt = tcp_getsockopt,
    .sendmsg = tcp_sendmsg,
    .recvmsg = tcp_recvmsg,
    .backlog_rcv = tcp_v4_do_rcv,
    .hash = tcp_v4_hash,
    .unhash = tcp_unhash,
    .shutdown = tcp_shutdown,
    .get_port = tcp_v4_get_port,
    .keepalive = tcp_keepalive,
    .enter_memory_pressure = tcp_enter_memory_pressure,
    .leave_memory_pressure = tcp_leave_memory_pressure,
    .memory_allocated = &tcp_memory_allocated,
    .memory_pressure = &tcp_memory_pressure,
    .sockets_allocated = &tcp_sockets_allocated,
    .sysctl_mem = sysctl_tcp.mem,
    .sysctl_wmem = sysctl_tcp.wmem,
    .sysctl_rmem = sysctl_tcp.rmem,
    .max_header = MAX_TCP_HEADER,
};
