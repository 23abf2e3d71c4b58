// UDP's socket side (Linux's net/ipv4/udp.c): udp_prot with sending
// (the header and its checksum, UDP_CORK), receiving, the options and
// ioctls, and /proc/net/udp.
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "kernel/cpu.h"
#include "kernel/softirq.h"
#include "kernel/trace.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "net/core/net_procfs.h"
#include "net/core/netdevice.h"
#include "net/ipv4/inet_sock.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/route.h"
#include "net/ipv4/snmp.h"
#include "net/ipv4/udp.h"

namespace {

// Linux's struct udp_sock: what a corked socket has gathered.
struct udp_sock {
    inet_sock inet;        // first
    bool corkflag;         // UDP_CORK
    sk_buff* pending;      // corked: header room and the data so far
    flowi4 pending_fl;     // where it goes (saddr as routed at the first part)
    __be16 pending_dport;
};
udp_sock* udp_sk(struct sock* sk) { return reinterpret_cast<udp_sock*>(sk); }

constexpr __sum16 CSUM_MANGLED_0 = 0xffff;   // a sum of zero goes out as all ones (RFC 768)

struct route_result {
    int err;
    rtable rt;
};

// The connected peer's kept route while it is valid (a path MTU learned
// for it applied), else a lookup, kept again when it is for the peer.
route_result udp_route(struct sock* sk, flowi4* fl4) {
    route_result r{};
    inet_sock* inet = inet_sk(sk);
    bool to_peer = sk->sk_state == TCP_ESTABLISHED && fl4->daddr == inet->inet_daddr && !fl4->flowi4_oif &&
                   fl4->saddr == inet->inet_saddr;
    dst_entry* dst = to_peer ? sk_dst_check(sk) : nullptr;
    if (dst) {
        r.rt = dst->rt;
        r.rt.rt_mtu = dst_mtu(dst);
        fl4->saddr = r.rt.rt_src;
        dst_release(dst);
    } else {
        {
            bh_guard bh;
            r.err = ip_route_output_key(fl4, &r.rt);
        }
        if (!r.err && to_peer) {
            sk_dst_set(sk, dst_alloc(r.rt));
        }
    }
    if (!r.err && (r.rt.rt_flags & RTCF_BROADCAST) && !sock_flag(sk, SOCK_BROADCAST)) {
        r.err = -EACCES;   // RFC 1122 4.1.3.6 leaves it to the application: SO_BROADCAST
    }
    return r;
}

// The header's checksum over the pseudo-header (RFC 768). Through a device
// that fills sums in (lo), only the pseudo-header's part, the rest left to
// it as CHECKSUM_PARTIAL (Linux's udp4_hwcsum); otherwise the whole sum,
// from data_sum (the payload's, summed while it was copied) when known.
void udp_set_csum(sk_buff* skb, const flowi4& fl4, const rtable& rt, const __wsum* data_sum) {
    auto* uh = reinterpret_cast<udphdr*>(skb->data);
    unsigned ulen = skb->len;
    uh->check = 0;
    if ((rt.dev->features & NETIF_F_HW_CSUM) && ulen + sizeof(iphdr) <= rt.rt_mtu) {
        skb_partial_csum_set(skb, skb->data, offsetof(udphdr, check));
        uh->check = static_cast<__sum16>(~csum_tcpudp_magic(fl4.saddr, fl4.daddr, ulen, IPPROTO_UDP, 0));
        return;
    }
    __wsum sum = data_sum ? csum_partial(uh, sizeof *uh, *data_sum) : csum_partial(skb->data, static_cast<int>(ulen), 0);
    uh->check = csum_tcpudp_magic(fl4.saddr, fl4.daddr, ulen, IPPROTO_UDP, sum);
    if (!uh->check) {
        uh->check = CSUM_MANGLED_0;
    }
}

// skb->data at the UDP header's room, the payload after it: the header
// filled in and sent (Linux's udp_send_skb). Consumes skb.
int udp_send_skb(struct sock* sk, sk_buff* skb, flowi4* fl4, __be16 dport, const __wsum* data_sum) {
    inet_sock* inet = inet_sk(sk);
    route_result r = udp_route(sk, fl4);
    if (r.err) {
        kfree_skb(skb);
        return r.err;
    }
    unsigned ulen = skb->len;
    if (inet->pmtudisc >= IP_PMTUDISC_DO && ulen + sizeof(iphdr) > r.rt.rt_mtu) {
        kfree_skb(skb);
        if (inet->recverr) {
            ip_local_error(sk, EMSGSIZE, fl4->daddr, dport, r.rt.rt_mtu);
        }
        return -EMSGSIZE;
    }
    auto* uh = reinterpret_cast<udphdr*>(skb->data);
    uh->source = inet->inet_sport;
    uh->dest = dport;
    uh->len = htons(static_cast<uint16_t>(ulen));
    udp_set_csum(skb, *fl4, r.rt, data_sum);
    skb->priority = sk->sk_priority;
    skb->mark = sk->sk_mark;
    ip_xmit_opts o;
    o.tos = inet->tos;
    if (ipv4_is_multicast(fl4->daddr)) {
        o.ttl = inet->mc_ttl;
        o.mc_loop = inet->mc_loop;
    } else if (inet->uc_ttl > 0) {
        o.ttl = static_cast<uint8_t>(inet->uc_ttl);
    }
    o.df = inet->pmtudisc >= IP_PMTUDISC_DO ||
           (inet->pmtudisc == IP_PMTUDISC_WANT && ulen + sizeof(iphdr) <= r.rt.rt_mtu);
    int err;
    {
        bh_guard bh;
        err = ip_queue_xmit(skb, *fl4, r.rt, o);
    }
    if (err > 0) {
        err = -ENOBUFS;
    }
    if (err == -ENOBUFS) {
        UDP_INC_STATS(UDP_MIB_SNDBUFERRORS);
        // No kernel memory is not the application's doing (Linux's comment):
        // said only to those who asked for errors.
        return inet->recverr ? err : 0;
    }
    if (!err) {
        UDP_INC_STATS(UDP_MIB_OUTDATAGRAMS);
    }
    return err;
}

int udp_push_pending_frames(struct sock* sk) {
    udp_sock* up = udp_sk(sk);
    sk_buff* skb = up->pending;
    if (!skb) {
        return 0;
    }
    up->pending = nullptr;
    return udp_send_skb(sk, skb, &up->pending_fl, up->pending_dport, nullptr);
}

void udp_flush_pending_frames(struct sock* sk) {
    udp_sock* up = udp_sk(sk);
    if (up->pending) {
        kfree_skb(up->pending);
        up->pending = nullptr;
    }
}

// More data for a corked datagram (Linux's ip_append_data, linear): the
// buffer grows by a copy when it has no room.
int udp_append(struct sock* sk, msghdr* msg, size_t len) {
    udp_sock* up = udp_sk(sk);
    sk_buff* skb = up->pending;
    if (skb->len - sizeof(udphdr) + len > UDP_MAX_PAYLOAD) {
        udp_flush_pending_frames(sk);
        return -EMSGSIZE;
    }
    if (skb_tailroom(skb) < len) {
        unsigned grow = static_cast<unsigned>(len) + skb->len;   // doubling, at least what is needed
        sk_buff* bigger = skb_copy_expand(skb, skb_headroom(skb), grow, GFP_KERNEL);
        if (!bigger) {
            return -ENOBUFS;
        }
        skb_set_owner_w(bigger, sk);
        kfree_skb(skb);
        up->pending = skb = bigger;
    }
    if (skb_copy_datagram_from_msg(skb, msg, static_cast<int>(len))) {
        udp_flush_pending_frames(sk);
        return -EFAULT;
    }
    return 0;
}

struct udp_dest {
    int err;
    __be32 daddr;
    __be16 dport;
};

udp_dest udp_destination(struct sock* sk, msghdr* msg) {
    inet_sock* inet = inet_sk(sk);
    if (!msg->msg_namelen) {
        if (sk->sk_state != TCP_ESTABLISHED) {
            return {-EDESTADDRREQ, 0, 0};
        }
        return {0, inet->inet_daddr, inet->inet_dport};
    }
    auto* usin = static_cast<sockaddr_in*>(msg->msg_name);
    if (msg->msg_namelen < static_cast<int>(sizeof *usin)) {
        return {-EINVAL, 0, 0};
    }
    if (usin->sin_family != AF_INET && usin->sin_family != AF_UNSPEC) {
        return {-EAFNOSUPPORT, 0, 0};
    }
    if (!usin->sin_port) {
        return {-EINVAL, 0, 0};
    }
    return {0, usin->sin_addr.s_addr, usin->sin_port};
}

// Linux's udp_sendmsg. MSG_CONFIRM would confirm the neighbour (Linux's
// dst_confirm_neigh); here every neighbour is confirmed by its replies,
// so it is accepted and changes nothing.
int udp_sendmsg(struct sock* sk, msghdr* msg, size_t len) {
    trace::scope t(trace::cat::tx, "udp_sendmsg");
    udp_sock* up = udp_sk(sk);
    if (len > UDP_MAX_PAYLOAD) {
        return -EMSGSIZE;
    }
    if (msg->msg_flags & MSG_OOB) {
        return -EOPNOTSUPP;
    }
    bool corkreq = up->corkflag || (msg->msg_flags & MSG_MORE);
    // The corked datagram is the socket's state: its owner may sleep for
    // memory holding it (Linux's lock_sock in udp_sendmsg).
    sock_lock_guard lock(sk);
    if (up->pending) {   // the rest of a corked datagram: its address stands
        int err = udp_append(sk, msg, len);
        if (!err && !corkreq) {
            err = udp_push_pending_frames(sk);
        }
        return err ? err : static_cast<int>(len);
    }
    udp_dest d = udp_destination(sk, msg);
    if (d.err) {
        return d.err;
    }
    if (!inet_sk(sk)->inet_num && inet_autobind(sk)) {
        return -EAGAIN;
    }
    flowi4 fl4;
    fl4.flowi4_oif = sk->sk_bound_dev_if;
    fl4.flowi4_tos = inet_sk(sk)->tos;
    fl4.flowi4_proto = IPPROTO_UDP;
    fl4.saddr = inet_sk(sk)->inet_saddr;
    fl4.daddr = d.daddr;
    if (ipv4_is_multicast(d.daddr)) {   // IP_MULTICAST_IF's choice
        if (!fl4.flowi4_oif) {
            fl4.flowi4_oif = inet_sk(sk)->mc_index;
        }
        if (!fl4.saddr) {
            fl4.saddr = inet_sk(sk)->mc_addr;
        }
    }
    route_result r = udp_route(sk, &fl4);   // errors now, not at uncork
    if (r.err) {
        return r.err;
    }
    int err;
    sk_buff* skb = sock_alloc_send_skb(sk, IP_MAX_HEADROOM + sizeof(udphdr) + len, msg->msg_flags & MSG_DONTWAIT, &err);
    if (!skb) {
        return err;
    }
    skb_reserve(skb, IP_MAX_HEADROOM);
    skb_put(skb, sizeof(udphdr));
    __wsum data_sum;
    if (!csum_and_copy_from_iter_full(skb_put(skb, static_cast<unsigned>(len)), len, &data_sum, &msg->msg_iter)) {
        kfree_skb(skb);
        return -EFAULT;
    }
    if (corkreq) {
        up->pending = skb;
        up->pending_fl = fl4;
        up->pending_dport = d.dport;
        return static_cast<int>(len);
    }
    err = udp_send_skb(sk, skb, &fl4, d.dport, &data_sum);
    return err ? err : static_cast<int>(len);
}

// Linux's udp_recvmsg: one datagram (MSG_TRUNC says when it did not fit,
// and makes the call return its whole length), its source, InDatagrams
// counted unless only peeked.
int udp_recvmsg(struct sock* sk, msghdr* msg, size_t len, int flags, int* addr_len) {
    auto fl = static_cast<unsigned>(flags);
    if (fl & MSG_OOB) {
        return -EOPNOTSUPP;
    }
    if (fl & MSG_ERRQUEUE) {
        return ip_recv_error(sk, msg, len, addr_len);
    }
    int err;
    sk_buff* skb = skb_recv_datagram(sk, fl, &err);
    if (!skb) {
        return err;
    }
    size_t ulen = skb->len;
    size_t copied = ulen;
    if (len < copied) {
        msg->msg_flags |= MSG_TRUNC;
        copied = len;
    }
    err = skb_copy_datagram_msg(skb, 0, msg, static_cast<int>(copied));
    if (err) {
        UDP_INC_STATS(UDP_MIB_INERRORS);
        skb_free_datagram(sk, skb);
        return err;
    }
    if (!(fl & MSG_PEEK)) {
        UDP_INC_STATS(UDP_MIB_INDATAGRAMS);
    }
    sock_recv_timestamp(msg, sk, skb);
    ip_cmsg_recv(msg, sk, skb);
    if (auto* sin = static_cast<sockaddr_in*>(msg->msg_name)) {
        memset(sin, 0, sizeof *sin);
        sin->sin_family = AF_INET;
        sin->sin_port = udp_hdr(skb)->source;
        sin->sin_addr.s_addr = ip_hdr(skb)->saddr;
        *addr_len = sizeof *sin;
    }
    skb_free_datagram(sk, skb);
    return static_cast<int>((fl & MSG_TRUNC) ? ulen : copied);
}

int udp_connect(struct sock* sk, sockaddr* uaddr, int addr_len) { return ip4_datagram_connect(sk, uaddr, addr_len); }

// Linux's __udp_disconnect: the peer forgotten, and the address and port
// too unless bind() chose them.
int udp_disconnect(struct sock* sk, int) {
    inet_sock* inet = inet_sk(sk);
    {
        bh_guard bh;
        sk->sk_state = TCP_CLOSE;
        inet->inet_daddr = 0;
        inet->inet_dport = 0;
        if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK)) {
            inet->inet_rcv_saddr = inet->inet_saddr = 0;
        }
    }
    sk_dst_reset(sk);
    if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK)) {
        udp_lib_unhash(sk);
    }
    return 0;
}

int udp_setsockopt(struct sock* sk, int level, int optname, const void* optval, unsigned optlen) {
    if (level != SOL_UDP) {
        return ip_setsockopt(sk, level, optname, optval, optlen);
    }
    if (optlen < sizeof(int)) {
        return -EINVAL;
    }
    int val;
    if (copy_from_user(&val, optval, sizeof val)) {
        return -EFAULT;
    }
    if (optname != UDP_CORK) {
        return -ENOPROTOOPT;
    }
    sock_lock_guard lock(sk);
    udp_sk(sk)->corkflag = val != 0;
    return val ? 0 : udp_push_pending_frames(sk);
}

int udp_getsockopt(struct sock* sk, int level, int optname, void* optval, int* optlen) {
    if (level != SOL_UDP) {
        return ip_getsockopt(sk, level, optname, optval, optlen);
    }
    int len;
    if (copy_from_user(&len, optlen, sizeof len)) {
        return -EFAULT;
    }
    if (len < 0) {
        return -EINVAL;
    }
    if (optname != UDP_CORK) {
        return -ENOPROTOOPT;
    }
    int val = udp_sk(sk)->corkflag;
    return sockopt_put(optval, optlen, len, &val, sizeof val);
}

// SIOCINQ: the payload of the next datagram (Linux's first_packet_length);
// SIOCOUTQ: what is sent but not yet freed.
int udp_ioctl(struct sock* sk, unsigned cmd, unsigned long arg) { return datagram_queue_ioctl(sk, cmd, arg); }

int udp_init_sock(struct sock*) { return 0; }

void udp_destroy_sock(struct sock* sk) { udp_flush_pending_frames(sk); }

void udp_lib_close(struct sock* sk, long) { sk_common_release(sk); }

int udp_get_port(struct sock* sk, unsigned short snum) { return udp_v4_get_port(sk, snum); }

// /proc/net/udp: Linux's udp4_format_sock, each line padded to 127.
void udp4_format_sock(struct sock* sk, unsigned bucket, void* arg) {
    auto* m = static_cast<seq_file*>(arg);
    inet_sock* inet = inet_sk(sk);
    unsigned long ino = sk->sk_socket ? SOCK_INODE(sk->sk_socket)->i_ino : 0;
    char line[160];
    snprintf(line, sizeof line,
             "%5u: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d %08lx %u", bucket,
             static_cast<unsigned>(inet->inet_rcv_saddr), ntohs(inet->inet_sport),
             static_cast<unsigned>(inet->inet_daddr), ntohs(inet->inet_dport), sk->sk_state,
             sk_wmem_alloc_get(sk), sk_rmem_alloc_get(sk), 0, 0ul, 0u, 0u, 0, ino, sk->sk_refcnt,
             static_cast<unsigned long>(reinterpret_cast<uintptr_t>(sk)), sk->sk_drops);
    seq_printf(m, "%-127s\n", line);
}

int udp4_seq_show(seq_file* m, void*) {
    seq_printf(m, "%-127s\n",
               "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
               "inode ref pointer drops");
    udp_for_each(udp4_format_sock, m);
    return 0;
}

}  // namespace

proto udp_prot = {
    .name = "UDP",
    .obj_size = sizeof(udp_sock),
    .init = udp_init_sock,
    .close = udp_lib_close,
    .destroy = udp_destroy_sock,
    .bind = nullptr,   // inet_bind, with get_port
    .connect = udp_connect,
    .disconnect = udp_disconnect,
    .ioctl = udp_ioctl,
    .setsockopt = udp_setsockopt,
    .getsockopt = udp_getsockopt,
    .sendmsg = udp_sendmsg,
    .recvmsg = udp_recvmsg,
    .backlog_rcv = __udp_queue_rcv_skb,
    .hash = udp_lib_hash,
    .unhash = udp_lib_unhash,
    .shutdown = nullptr,
    .get_port = udp_get_port,
};

void udp_proc_init() {
    if (proc_dir_entry* net = proc_net_dir()) {
        remove_proc_entry("udp", net);
        proc_create_single("udp", 0444, net, udp4_seq_show);
    }
}
