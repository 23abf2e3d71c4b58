// Bytes -> TCP with a peer that keeps up: the input drives up to four
// peer connections to a listener on port 80 (and outgoing connects), each
// segment built with a correct checksum and its sequence and ACK numbers
// as offsets from what the stack last sent, so the fuzzer reaches every
// state instead of stopping at the checksum. The application side reads,
// writes, shuts down, closes and sets options between segments; the clock
// moves so every timer runs. Every 1024 inputs (MIPSNET_FUZZ_CHECK_EVERY)
// all sockets close, the clock runs on until only the listener is left (at
// most 20 minutes), and the sk_buffs in use must be back where they were.
//
// Operations, an opcode byte each (% 9):
//   syn:     slot, window, option bytes
//   segment: slot, flags, seq delta (s16), ack delta (s16), window, options, payload length
//   tick:    u16 ms (at most 3 s)
//   accept:  every pending connection
//   app:     fd slot, action, argument
//   connect: port
//   raw:     a TCP header and payload as given (checksum fixed)
//   nomem:   u8 space, u8 times: after `space` more sk_buffs, `times`
//            allocations fail (skb_fail_allocations; undone after each input)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/syscalls.h"
#include "net/core/checksum.h"
#include "net/ipv4/tcp.h"
#include "tests/fuzz/stack.h"
#include "tests/unit/socket_test_util.h"

namespace {

using namespace ipv4_test;

constexpr unsigned SLOTS = 4;
constexpr unsigned FDS = 8;

struct slot {
    uint16_t port;        // the peer's
    uint16_t our_port;
    uint32_t seq;         // the peer's next
    uint32_t our_nxt;     // what the stack sent up to
};

slot slots[SLOTS];
int fds[FDS];
int lfd = -1;
unsigned long skb_baseline;
uint8_t pattern_buf[65536];

void send_tcp(const slot& s, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win, const uint8_t* opts,
              unsigned optlen, const uint8_t* data, unsigned len) {
    alignas(4) static uint8_t buf[NET_IP_ALIGN + ETH_HLEN + 20 + 60 + 1600];
    uint8_t* f = buf + NET_IP_ALIGN;
    memcpy(f, our_mac, ETH_ALEN);
    memcpy(f + ETH_ALEN, peer_mac, ETH_ALEN);
    f[12] = 0x08;
    f[13] = 0x00;
    optlen &= ~3u;
    unsigned tlen = 20 + optlen + len;
    auto* iph = reinterpret_cast<iphdr*>(f + ETH_HLEN);
    iph->set_version_ihl(4, 5);
    iph->tos = 0;
    iph->tot_len = htons(static_cast<uint16_t>(20 + tlen));
    iph->id = 0;
    iph->frag_off = htons(IP_DF);
    iph->ttl = 64;
    iph->protocol = IPPROTO_TCP;
    iph->saddr = peer_ip;
    iph->daddr = our_ip;
    iph->check = 0;
    iph->check = ip_fast_csum(iph, 5);
    auto* th = reinterpret_cast<tcphdr*>(f + ETH_HLEN + 20);
    memset(th, 0, sizeof *th);
    th->source = htons(s.port);
    th->dest = htons(s.our_port);
    th->seq = htonl(seq);
    th->ack_seq = htonl(ack);
    th->set_doff((20 + optlen) / 4);
    th->flags = flags;
    th->window = htons(win);
    if (optlen) {
        memcpy(th + 1, opts, optlen);
    }
    if (len) {
        memcpy(reinterpret_cast<uint8_t*>(th + 1) + optlen, data, len);
    }
    th->check = csum_tcpudp_magic(peer_ip, our_ip, tlen, IPPROTO_TCP, csum_partial(th, static_cast<int>(tlen), 0));
    fuzz::receive_irq(f, ETH_HLEN + 20 + tlen);
}

// What the stack sent tells each slot where our sequence is.
void observe_and_drain() {
    auto* priv = net_test::priv_of(fuzz::eth());
    while (sk_buff* skb = __skb_dequeue(&priv->sent)) {
        const uint8_t* d = skb->data;
        if (skb->len >= ETH_HLEN + 40 && d[12] == 0x08 && d[13] == 0x00 && d[ETH_HLEN + 9] == IPPROTO_TCP) {
            const auto* iph = reinterpret_cast<const iphdr*>(d + ETH_HLEN);
            const auto* th = reinterpret_cast<const tcphdr*>(d + ETH_HLEN + iph->ihl() * 4);
            unsigned plen = ntohs(iph->tot_len) - iph->ihl() * 4 - th->doff() * 4;
            for (slot& s : slots) {
                if (s.port == ntohs(th->dest)) {
                    s.our_port = ntohs(th->source);
                    s.our_nxt = ntohl(th->seq) + plen + ((th->flags & TCPHDR_SYN) ? 1 : 0) +
                                ((th->flags & TCPHDR_FIN) ? 1 : 0);
                }
            }
        }
        consume_skb(skb);
    }
}

void op_syn(fuzz::reader& in) {
    slot& s = slots[in.u8() % SLOTS];
    uint16_t win = in.u16();
    const uint8_t* opts;
    unsigned optlen = static_cast<unsigned>(in.take(in.u8() % 41, &opts));
    s.our_port = 80;
    s.seq = in.u32();
    send_tcp(s, TCPHDR_SYN, s.seq, 0, win, opts, optlen, nullptr, 0);
    ++s.seq;
}

void op_segment(fuzz::reader& in) {
    slot& s = slots[in.u8() % SLOTS];
    uint8_t flags = in.u8();
    auto sd = static_cast<int16_t>(in.u16());
    auto ad = static_cast<int16_t>(in.u16());
    uint16_t win = in.u16();
    const uint8_t* opts;
    unsigned optlen = static_cast<unsigned>(in.take(in.u8() % 41, &opts));
    unsigned len = in.u16() % 1500;
    uint32_t seq = s.seq + static_cast<uint32_t>(static_cast<int32_t>(sd));
    send_tcp(s, flags, seq, s.our_nxt + static_cast<uint32_t>(static_cast<int32_t>(ad)), win, opts, optlen,
             pattern_buf, len);
    if (sd == 0) {
        s.seq += len + ((flags & TCPHDR_FIN) ? 1 : 0);   // in order: the peer moves on
    }
}

void put_fd(long fd) {
    if (fd < 0) {
        return;
    }
    for (int& f : fds) {
        if (f < 0) {
            f = static_cast<int>(fd);
            return;
        }
    }
    sys_close(static_cast<int>(fd));
}

void op_accept() {
    long fd;
    while ((fd = sys_accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK)) >= 0) {
        put_fd(fd);
    }
}

void op_app(fuzz::reader& in) {
    int& fd = fds[in.u8() % FDS];
    uint8_t action = in.u8();
    uint16_t arg = in.u16();
    if (fd < 0) {
        return;
    }
    static uint8_t buf[70000];
    int v = arg & 1;
    switch (action % 10) {
    case 0: sys_recvfrom(fd, buf, arg, MSG_DONTWAIT, nullptr, nullptr); break;
    case 1: sys_recvfrom(fd, buf, arg, MSG_DONTWAIT | MSG_PEEK, nullptr, nullptr); break;
    case 2: sys_sendto(fd, pattern_buf, arg, MSG_DONTWAIT, nullptr, 0); break;
    case 3: sys_shutdown(fd, arg % 3); break;
    case 4: sys_close(fd); fd = -1; break;
    case 5: sys_setsockopt(fd, SOL_TCP, TCP_NODELAY, &v, sizeof v); break;
    case 6: sys_setsockopt(fd, SOL_TCP, TCP_CORK, &v, sizeof v); break;
    case 7: {
        int idle = 1 + arg % 5;
        sys_setsockopt(fd, SOL_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
        sys_setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v);
        break;
    }
    case 8: {
        tcp_info ti;
        int len = sizeof ti;
        sys_getsockopt(fd, SOL_TCP, TCP_INFO, &ti, &len);
        break;
    }
    case 9: {
        linger l{1, 0};   // zero linger: close sends a RST
        sys_setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        break;
    }
    }
}

void op_connect(fuzz::reader& in) {
    slot& s = slots[in.u8() % SLOTS];
    long fd = sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return;
    }
    sockaddr_in to = socket_test::sin_of(peer_ip);
    to.sin_port = htons(s.port);
    sys_connect(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&to), sizeof to);
    s.seq = in.u32();
    put_fd(fd);
}

void op_raw(fuzz::reader& in) {
    slot& s = slots[in.u8() % SLOTS];
    const uint8_t* hdr;
    size_t n = in.take(20, &hdr);
    if (n < 20) {
        return;
    }
    tcphdr th;
    memcpy(&th, hdr, sizeof th);
    const uint8_t* opts;
    unsigned optlen = static_cast<unsigned>(in.take(in.u8() % 41, &opts));
    const uint8_t* data;
    unsigned len = static_cast<unsigned>(in.take(in.u16() % 1500, &data));
    send_tcp(s, th.flags, ntohl(th.seq), ntohl(th.ack_seq), ntohs(th.window), opts, optlen, data, len);
}

void print_sock(struct sock* sk, void*) {
    const tcp_sock* tp = tcp_sk(sk);
    fprintf(stderr, "  state %u orphan %d port %u->%u snd_una %u snd_nxt %u write_seq %u packets_out %u queue %u "
            "send_head %p timers %d%d%d pending %d\n", sk->sk_state, sock_flag(sk, SOCK_DEAD), ntohs(inet_sk(sk)->inet_sport),
            ntohs(inet_sk(sk)->inet_dport), tp->snd_una, tp->snd_nxt, tp->write_seq, tp->packets_out,
            skb_queue_len(&tp->write_queue), static_cast<void*>(tp->send_head),
            timer_pending(&tp->retransmit_timer), timer_pending(&tp->delack_timer),
            timer_pending(&tp->keepalive_timer), tp->pending);
}

void close_all_and_check() {
    op_accept();   // an unaccepted child keeps what it received
    for (int& fd : fds) {
        if (fd >= 0) {
            sys_close(fd);
            fd = -1;
        }
    }
    // Every orphan ends on its own: its retransmits given up on (at most
    // tcp_orphan_retries of TCP_RTO_MAX each), tcp_fin_timeout, TIME_WAIT.
    fuzz::advance_ms(300000);   // and what waits for a neighbour times out
    observe_and_drain();
    for (unsigned min = 5; min < 20 && tcp_sockets_allocated > 1; ++min) {
        fuzz::advance_ms(60000);
        observe_and_drain();
    }
    if (tcp_sockets_allocated != 1) {
        fprintf(stderr, "fuzz_tcp: %lu TCP socks left, the listener alone expected\n", tcp_sockets_allocated);
        tcp_for_each(print_sock, nullptr);
        abort();
    }
    inet_twsk_purge();
    observe_and_drain();
    if (skb_heads_in_use() != skb_baseline) {
        fprintf(stderr, "fuzz_tcp: %lu sk_buffs in use, %lu at the start\n", skb_heads_in_use(), skb_baseline);
        abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::init_stack();
    for (int& fd : fds) {
        fd = -1;
    }
    for (unsigned i = 0; i < SLOTS; ++i) {
        slots[i] = {static_cast<uint16_t>(40000 + i), 80, 1000, 0};
    }
    for (unsigned i = 0; i < sizeof pattern_buf; ++i) {
        pattern_buf[i] = static_cast<uint8_t>(i * 7);
    }
    long fd = sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in any = socket_test::sin_of(0);
    any.sin_port = htons(80);
    if (fd < 0 || sys_bind(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&any), sizeof any) ||
        sys_listen(static_cast<int>(fd), 4)) {
        abort();
    }
    lfd = static_cast<int>(fd);
    fuzz::advance_ms(120000);
    observe_and_drain();
    skb_baseline = skb_heads_in_use();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static unsigned runs;
    fuzz::reader in(data, size);
    for (int ops = 0; ops < 64 && !in.empty(); ++ops) {
        switch (in.u8() % 9) {
        case 0: op_syn(in); break;
        case 1:
        case 2: op_segment(in); break;
        case 3: fuzz::advance_ms(in.u16() % 3000); break;
        case 4: op_accept(); break;
        case 5: op_app(in); break;
        case 6: op_connect(in); break;
        case 7: op_raw(in); break;
        case 8: fuzz::fail_allocations(in); break;
        }
        observe_and_drain();
    }
    fuzz::allocations_back();
    static const unsigned every = fuzz::check_every(1024);
    if (++runs % every == 0) {
        close_all_and_check();
    }
    return 0;
}
