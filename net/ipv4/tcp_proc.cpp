// /proc/net/tcp (Linux's tcp4_seq_show and get_tcp4_sock in
// net/ipv4/tcp_ipv4.c): one line per sock in the tables, the columns
// netstat -t and ss read.
#include <stdio.h>

#include "kernel/fs/proc.h"
#include "kernel/jiffies.h"
#include "net/core/net_procfs.h"
#include "net/ipv4/tcp.h"
#include "net/socket.h"

namespace {

struct tcp4_iter {
    seq_file* m;
    unsigned n;
};

// Linux's timer codes: 1 retransmit, 4 zero-window probe, 2 keepalive,
// 3 TIME_WAIT, 0 none.
void timer_of(struct sock* sk, int* code, unsigned long* when) {
    tcp_sock* tp = tcp_sk(sk);
    unsigned long now = jiffies;
    *code = 0;
    *when = 0;
    if (timer_pending(&tp->retransmit_timer)) {
        *code = tp->pending == ICSK_TIME_PROBE0 ? 4 : 1;
        *when = tp->retransmit_timer.expires - now;
    } else if (timer_pending(&tp->keepalive_timer)) {
        *code = sk->sk_state == TCP_TIME_WAIT ? 3 : 2;
        *when = tp->keepalive_timer.expires - now;
    }
}

void get_tcp4_sock(struct sock* sk, void* arg) {
    auto* it = static_cast<tcp4_iter*>(arg);
    tcp_sock* tp = tcp_sk(sk);
    inet_sock* inet = inet_sk(sk);
    int code;
    unsigned long when;
    timer_of(sk, &code, &when);
    uint32_t rx = sk->sk_state == TCP_LISTEN ? tp->accept_qlen : tcp_inq(sk);
    uint32_t tx = sk->sk_state == TCP_LISTEN ? tp->max_ack_backlog : tp->write_seq - tp->snd_una;
    unsigned long ino = sk->sk_socket ? SOCK_INODE(sk->sk_socket)->i_ino : 0;
    char line[192];
    snprintf(line, sizeof line,
             "%4u: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d %08lx %lu %lu %u %u %d",
             it->n++, static_cast<unsigned>(inet->inet_rcv_saddr), ntohs(inet->inet_sport),
             static_cast<unsigned>(inet->inet_daddr), ntohs(inet->inet_dport), sk->sk_state, tx, rx, code, when,
             tp->retransmits, 0u, 0, ino, sk->sk_refcnt, static_cast<unsigned long>(reinterpret_cast<uintptr_t>(sk)),
             tp->rto, tp->ato, (tp->quick << 1) | (tp->pingpong ? 1 : 0), tp->cc.snd_cwnd,
             sk->sk_state == TCP_LISTEN ? -1 : static_cast<int>(tp->cc.snd_ssthresh > 0xffff ? -1 : tp->cc.snd_ssthresh));
    seq_printf(it->m, "%-149s\n", line);
}

int tcp4_seq_show(seq_file* m, void*) {
    seq_printf(m, "%-149s\n",
               "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode");
    tcp4_iter it{m, 0};
    tcp_for_each(get_tcp4_sock, &it);
    return 0;
}

struct sockstat_counts {
    unsigned inuse, orphan, tw;
};

void count_sock(struct sock* sk, void* arg) {
    auto* c = static_cast<sockstat_counts*>(arg);
    if (sk->sk_state == TCP_TIME_WAIT) {
        ++c->tw;
        return;
    }
    ++c->inuse;
    if (sock_flag(sk, SOCK_DEAD) && sk->sk_state != TCP_LISTEN) {
        ++c->orphan;
    }
}

// /proc/net/sockstat as Linux's sockstat_seq_show (net/ipv4/proc.c) has
// its first two lines: mem is tcp_mem's pages in use.
int sockstat_seq_show(seq_file* m, void*) {
    sockstat_counts c{};
    tcp_for_each(count_sock, &c);
    seq_printf(m, "sockets: used %u\n", sockets_in_use());
    seq_printf(m, "TCP: inuse %u orphan %u tw %u alloc %lu mem %ld\n", c.inuse, c.orphan, c.tw,
               __atomic_load_n(&tcp_sockets_allocated, __ATOMIC_RELAXED),
               sk_mem_pages(__atomic_load_n(&tcp_memory_allocated, __ATOMIC_RELAXED)));
    return 0;
}

}  // namespace

void tcp_proc_init() {
    if (proc_dir_entry* net = proc_net_dir()) {
        remove_proc_entry("tcp", net);
        proc_create_single("tcp", 0444, net, tcp4_seq_show);
        remove_proc_entry("sockstat", net);
        proc_create_single("sockstat", 0444, net, sockstat_seq_show);
    }
}
