// Raw IPv4 sockets (Linux's net/ipv4/raw.c): every datagram of their
// protocol for this host, IP header included, through IP's raw delivery
// hook (net/ipv4/raw.h); datagrams sent with an IP header built here, or
// by the caller (IP_HDRINCL, IPPROTO_RAW).
#include <string.h>

#include "kernel/cpu.h"
#include "kernel/softirq.h"
#include "kernel/trace.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "net/core/net_procfs.h"
#include "net/core/netdevice.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/inet_sock.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/raw.h"
#include "net/ipv4/route.h"

namespace {

struct raw_sock {
    inet_sock inet;              // first
    icmp_filter filter;          // ICMP types (0-31) not to deliver
};
inline raw_sock* raw_sk(struct sock* sk) { return reinterpret_cast<raw_sock*>(sk); }

// Raw socks by protocol (Linux's raw_v4_hashinfo). Changed under
// bh_guard, walked by the delivery hook in softirq context.
constexpr unsigned RAW_HTABLE_SIZE = MAX_INET_PROTOS;
list_head raw_v4_htable[RAW_HTABLE_SIZE];

list_head* raw_bucket(unsigned num) { return &raw_v4_htable[num & (RAW_HTABLE_SIZE - 1)]; }

using sk_list = list_entries<struct sock, &sock::sk_node>;

// Linux's raw_v4_match: the protocol, and the peer, local address and
// device if the socket has them.
bool raw_v4_match(struct sock* sk, unsigned num, __be32 raddr, __be32 laddr, int dif) {
    inet_sock* inet = inet_sk(sk);
    return inet->inet_num == num && !(inet->inet_daddr && inet->inet_daddr != raddr) &&
           !(inet->inet_rcv_saddr && inet->inet_rcv_saddr != laddr) &&
           !(sk->sk_bound_dev_if && sk->sk_bound_dev_if != dif);
}

// ICMP_FILTER: true when the message's type is filtered out.
bool icmp_filter_drops(struct sock* sk, const sk_buff* skb) {
    uint8_t type;
    if (skb_copy_bits(skb, 0, &type, 1) < 0) {
        return true;   // no ICMP header: nothing for the filter to pass
    }
    return type < 32 && ((1u << type) & raw_sk(sk)->filter.data) != 0;
}

// One socket's copy: the IP header put back in front, queued (counted as
// a drop if the receive buffer is full).
void raw_rcv(struct sock* sk, sk_buff* skb) {
    skb_push(skb, static_cast<unsigned>(skb->data - skb_network_header(skb)));
    if (sock_queue_rcv_skb(sk, skb) < 0) {
        kfree_skb(skb);
    }
}

// The deliver hook (Linux's raw_v4_input): a clone for every matching
// socket. IP counts the datagram delivered if any socket matched.
bool raw_v4_input(sk_buff* skb, uint8_t protocol) {
    const iphdr* iph = ip_hdr(skb);
    int dif = skb->dev ? skb->dev->ifindex : 0;
    bool delivered = false;
    for (struct sock& sk : sk_list(raw_bucket(protocol))) {
        if (!raw_v4_match(&sk, protocol, iph->saddr, iph->daddr, dif)) {
            continue;
        }
        delivered = true;
        if (protocol == IPPROTO_ICMP && icmp_filter_drops(&sk, skb)) {
            continue;
        }
        if (sk_buff* clone = skb_clone(skb, GFP_ATOMIC)) {
            raw_rcv(&sk, clone);
        } else {
            __atomic_add_fetch(&sk.sk_drops, 1, __ATOMIC_RELAXED);
        }
    }
    return delivered;
}

// An ICMP error about one of our datagrams (Linux's raw_err): reported as
// the socket's error if it asked (IP_RECVERR, which also queues it with
// the quoted datagram from its IP header with IP_HDRINCL, else from its
// payload) or is connected and the error is hard. The ICMP message itself
// also reaches raw ICMP sockets the ordinary way.
void raw_err(struct sock* sk, sk_buff* skb, uint32_t info) {
    inet_sock* inet = inet_sk(sk);
    const icmphdr* icmph = icmp_hdr(skb);
    if (!inet->recverr && sk->sk_state != TCP_ESTABLISHED) {
        return;
    }
    int err = EHOSTUNREACH;
    bool harderr = false;
    switch (icmph->type) {
    case ICMP_SOURCE_QUENCH:
        return;
    case ICMP_PARAMETERPROB:
        err = EPROTO;
        harderr = true;
        break;
    case ICMP_DEST_UNREACH:
        if (icmph->code == ICMP_FRAG_NEEDED) {
            harderr = inet->pmtudisc != IP_PMTUDISC_DONT;
            err = EMSGSIZE;
        } else if (icmph->code <= NR_ICMP_UNREACH) {
            err = icmp_err_convert[icmph->code].errnum;
            harderr = icmp_err_convert[icmph->code].fatal;
        }
        break;
    default:
        break;   // time exceeded and the rest: EHOSTUNREACH, soft
    }
    if (inet->recverr) {
        const auto* iph = reinterpret_cast<const iphdr*>(skb->data);
        const uint8_t* payload = inet->hdrincl ? skb->data : skb->data + iph->ihl() * 4u;
        ip_icmp_error(sk, skb, err, 0, info, payload);
    }
    if (inet->recverr || harderr) {
        sk->sk_err = err;
        sk->sk_error_report(sk);
    }
}

void raw_v4_icmp_error(sk_buff* skb, uint8_t protocol, uint32_t info) {
    const auto* iph = reinterpret_cast<const iphdr*>(skb->data);
    int dif = skb->dev ? skb->dev->ifindex : 0;
    for (struct sock& sk : sk_list(raw_bucket(protocol))) {
        if (raw_v4_match(&sk, iph->protocol, iph->daddr, iph->saddr, dif)) {
            raw_err(&sk, skb, info);
        }
    }
}

constexpr raw_v4_hooks raw_hooks = {
    .deliver = raw_v4_input,
    .icmp_error = raw_v4_icmp_error,
};

int raw_hash_sk(struct sock* sk) {
    bh_guard bh;
    list_add(&sk->sk_node, raw_bucket(inet_sk(sk)->inet_num));
    return 0;
}

void raw_unhash_sk(struct sock* sk) {
    bh_guard bh;
    list_del(&sk->sk_node);
}

int raw_sk_init(struct sock* sk) {
    if (inet_sk(sk)->inet_num == IPPROTO_ICMP) {
        raw_sk(sk)->filter.data = 0;
    }
    return 0;
}

void raw_close(struct sock* sk, long) { sk_common_release(sk); }

// Linux's raw_bind: an address of this host (or a broadcast or multicast
// one, which only filters what is received), the family not looked at.
int raw_bind(struct sock* sk, sockaddr* uaddr, int addr_len) {
    inet_sock* inet = inet_sk(sk);
    auto* addr = reinterpret_cast<sockaddr_in*>(uaddr);
    if (sk->sk_state != TCP_CLOSE || addr_len < static_cast<int>(sizeof(sockaddr_in))) {
        return -EINVAL;
    }
    unsigned type = inet_addr_type(addr->sin_addr.s_addr);
    if (addr->sin_addr.s_addr != htonl(INADDR_ANY) && type != RTN_LOCAL && type != RTN_MULTICAST &&
        type != RTN_BROADCAST) {
        return -EADDRNOTAVAIL;
    }
    bh_guard bh;   // the delivery hook reads the bound address
    inet->inet_rcv_saddr = inet->inet_saddr = addr->sin_addr.s_addr;
    if (type == RTN_MULTICAST || type == RTN_BROADCAST) {
        inet->inet_saddr = 0;   // use the device's
    }
    return 0;
}

// Linux's __udp_disconnect, which raw sockets share.
int raw_disconnect(struct sock* sk, int) {
    inet_sock* inet = inet_sk(sk);
    bh_guard bh;
    sk->sk_state = TCP_CLOSE;
    inet->inet_daddr = 0;
    inet->inet_rcv_saddr = inet->inet_saddr = 0;
    return 0;
}

int raw_connect(struct sock* sk, sockaddr* uaddr, int addr_len) { return ip4_datagram_connect(sk, uaddr, addr_len); }

// The message's data under a header built here: TTL, TOS and DF as the
// socket says (DF when the datagram fits the path, for IP_PMTUDISC_WANT).
int raw_send_built(struct sock* sk, msghdr* msg, size_t len, flowi4* fl4, const rtable& rt) {
    inet_sock* inet = inet_sk(sk);
    int err;
    sk_buff* skb = sock_alloc_send_skb(sk, IP_MAX_HEADROOM + len, msg->msg_flags & MSG_DONTWAIT, &err);
    if (!skb) {
        return err;
    }
    skb_reserve(skb, IP_MAX_HEADROOM);
    if (skb_copy_datagram_from_msg(skb, msg, static_cast<int>(len))) {
        kfree_skb(skb);
        return -EFAULT;
    }
    skb->priority = sk->sk_priority;
    skb->mark = sk->sk_mark;
    ip_xmit_opts o;
    o.tos = inet->tos;
    if (ipv4_is_multicast(fl4->daddr)) {
        o.ttl = inet->mc_ttl;
    } else if (inet->uc_ttl > 0) {
        o.ttl = static_cast<uint8_t>(inet->uc_ttl);
    }
    bool fits = len + sizeof(iphdr) <= rt.rt_mtu;
    o.df = inet->pmtudisc == IP_PMTUDISC_DO || inet->pmtudisc == IP_PMTUDISC_PROBE ||
           (inet->pmtudisc == IP_PMTUDISC_WANT && fits);
    if ((inet->pmtudisc == IP_PMTUDISC_DO || inet->pmtudisc == IP_PMTUDISC_PROBE) && !fits) {
        kfree_skb(skb);
        return -EMSGSIZE;
    }
    bh_guard bh;
    return ip_queue_xmit(skb, *fl4, rt, o);
}

// IP_HDRINCL: the caller's header, completed by ip_send_raw (length and
// checksum always, source and id when zero), never fragmented (Linux's
// raw_send_hdrinc).
int raw_send_hdrinc(struct sock* sk, msghdr* msg, size_t len, const rtable& rt, int oif) {
    if (len > rt.rt_mtu) {
        return -EMSGSIZE;
    }
    if (len < sizeof(iphdr)) {
        return -EINVAL;
    }
    int err;
    unsigned hh = LL_MAX_HEADER + 16;   // a multiple of 4: the header stays aligned
    sk_buff* skb = sock_alloc_send_skb(sk, hh + len, msg->msg_flags & MSG_DONTWAIT, &err);
    if (!skb) {
        return err;
    }
    skb_reserve(skb, static_cast<int>(hh));
    if (skb_copy_datagram_from_msg(skb, msg, static_cast<int>(len))) {
        kfree_skb(skb);
        return -EFAULT;
    }
    skb->priority = sk->sk_priority;
    skb->mark = sk->sk_mark;
    if ((skb->data[0] & 0x0fu) * 4u > len) {   // IHL past the data
        kfree_skb(skb);
        return -EINVAL;
    }
    return ip_send_raw(skb, oif);
}

int raw_sendmsg(struct sock* sk, msghdr* msg, size_t len) {
    trace::scope t(trace::cat::tx, "raw_sendmsg");
    inet_sock* inet = inet_sk(sk);
    if (len > 0xffff) {
        return -EMSGSIZE;
    }
    if (msg->msg_flags & MSG_OOB) {
        return -EOPNOTSUPP;   // mirror BSD
    }
    __be32 daddr;
    if (msg->msg_namelen) {
        auto* usin = static_cast<sockaddr_in*>(msg->msg_name);
        if (msg->msg_namelen < static_cast<int>(sizeof(sockaddr_in))) {
            return -EINVAL;
        }
        if (usin->sin_family != AF_INET && usin->sin_family != AF_UNSPEC) {
            return -EAFNOSUPPORT;   // AF_UNSPEC is tolerated, as Linux does for old programs
        }
        daddr = usin->sin_addr.s_addr;
    } else {
        if (sk->sk_state != TCP_ESTABLISHED) {
            return -EDESTADDRREQ;
        }
        daddr = inet->inet_daddr;
    }
    flowi4 fl4;
    fl4.flowi4_oif = sk->sk_bound_dev_if;
    fl4.flowi4_tos = inet->tos;
    fl4.flowi4_proto = static_cast<uint8_t>(inet->hdrincl ? IPPROTO_RAW : sk->sk_protocol);
    fl4.saddr = inet->inet_saddr;
    fl4.daddr = daddr;
    rtable rt;
    int err;
    {
        bh_guard bh;
        err = ip_route_output_key(&fl4, &rt);
    }
    if (err) {
        return err;
    }
    if ((rt.rt_flags & RTCF_BROADCAST) && !sock_flag(sk, SOCK_BROADCAST)) {
        return -EACCES;
    }
    err = inet->hdrincl ? raw_send_hdrinc(sk, msg, len, rt, fl4.flowi4_oif) : raw_send_built(sk, msg, len, &fl4, rt);
    if (err > 0) {
        err = err == NET_XMIT_CN ? 0 : -ENOBUFS;
    }
    return err < 0 ? err : static_cast<int>(len);
}

// Linux's raw_recvmsg: one datagram, IP header first, the source as a
// sockaddr_in.
int raw_recvmsg(struct sock* sk, msghdr* msg, size_t len, int flags, int* addr_len) {
    unsigned fl = static_cast<unsigned>(flags);
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
    size_t copied = skb->len;
    if (len < copied) {
        msg->msg_flags |= MSG_TRUNC;
        copied = len;
    }
    err = skb_copy_datagram_msg(skb, 0, msg, static_cast<int>(copied));
    if (!err) {
        sock_recv_timestamp(msg, sk, skb);
        ip_cmsg_recv(msg, sk, skb);
        if (auto* sin = static_cast<sockaddr_in*>(msg->msg_name)) {
            memset(sin, 0, sizeof *sin);
            sin->sin_family = AF_INET;
            sin->sin_addr.s_addr = ip_hdr(skb)->saddr;
            *addr_len = sizeof *sin;
        }
        if (fl & MSG_TRUNC) {
            copied = skb->len;
        }
    }
    skb_free_datagram(sk, skb);
    return err ? err : static_cast<int>(copied);
}

int raw_setsockopt(struct sock* sk, int level, int optname, const void* optval, unsigned optlen) {
    if (level != SOL_RAW) {
        return ip_setsockopt(sk, level, optname, optval, optlen);
    }
    if (optname != ICMP_FILTER) {
        return -ENOPROTOOPT;
    }
    if (inet_sk(sk)->inet_num != IPPROTO_ICMP) {
        return -EOPNOTSUPP;
    }
    if (optlen > sizeof(icmp_filter)) {
        optlen = sizeof(icmp_filter);
    }
    icmp_filter f = raw_sk(sk)->filter;
    if (copy_from_user(&f, optval, optlen)) {
        return -EFAULT;
    }
    bh_guard bh;
    raw_sk(sk)->filter = f;
    return 0;
}

int raw_getsockopt(struct sock* sk, int level, int optname, void* optval, int* optlen) {
    if (level != SOL_RAW) {
        return ip_getsockopt(sk, level, optname, optval, optlen);
    }
    if (optname != ICMP_FILTER) {
        return -ENOPROTOOPT;
    }
    if (inet_sk(sk)->inet_num != IPPROTO_ICMP) {
        return -EOPNOTSUPP;
    }
    int len;
    if (copy_from_user(&len, optlen, sizeof len)) {
        return -EFAULT;
    }
    if (len < 0) {
        return -EINVAL;
    }
    if (len > static_cast<int>(sizeof(icmp_filter))) {
        len = sizeof(icmp_filter);
    }
    if (copy_to_user(optlen, &len, sizeof len) ||
        copy_to_user(optval, &raw_sk(sk)->filter, static_cast<size_t>(len))) {
        return -EFAULT;
    }
    return 0;
}

int raw_ioctl(struct sock* sk, unsigned cmd, unsigned long arg) { return datagram_queue_ioctl(sk, cmd, arg); }

}  // namespace

proto raw_prot = {
    .name = "RAW",
    .obj_size = sizeof(raw_sock),
    .init = raw_sk_init,
    .close = raw_close,
    .destroy = nullptr,
    .bind = raw_bind,
    .connect = raw_connect,
    .disconnect = raw_disconnect,
    .ioctl = raw_ioctl,
    .setsockopt = raw_setsockopt,
    .getsockopt = raw_getsockopt,
    .sendmsg = raw_sendmsg,
    .recvmsg = raw_recvmsg,
    .backlog_rcv = nullptr,
    .hash = raw_hash_sk,
    .unhash = raw_unhash_sk,
};

// /proc/net/raw, Linux's raw_seq_show columns (addresses and ports in
// hex as the kernel holds them; the "port" is the protocol).
int raw_seq_show(seq_file* m, void*) {
    seq_puts(m, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n");
    bh_guard bh;
    int i = 0;
    for (list_head& bucket : raw_v4_htable) {
        for (struct sock& sk : sk_list(&bucket)) {
            inet_sock* inet = inet_sk(&sk);
            unsigned long ino = sk.sk_socket ? SOCK_INODE(sk.sk_socket)->i_ino : 0;
            seq_printf(m, "%4d: %08X:%04X %08X:%04X %02X %08X:%08X 00:00000000 00000000 %5u %8d %lu %d %08lx %u\n", i++,
                       inet->inet_rcv_saddr, inet->inet_num, inet->inet_daddr, 0u, sk.sk_state,
                       sk_wmem_alloc_get(&sk), sk_rmem_alloc_get(&sk), 0u, 0, ino, sk.sk_refcnt,
                       static_cast<unsigned long>(reinterpret_cast<uintptr_t>(&sk)), sk.sk_drops);
        }
    }
    return 0;
}

void raw_init() {
    for (list_head& h : raw_v4_htable) {
        INIT_LIST_HEAD(&h);
    }
    raw_v4_set_hooks(&raw_hooks);
    if (proc_dir_entry* net = proc_net_dir()) {
        remove_proc_entry("raw", net);
        proc_create_single("raw", 0444, net, raw_seq_show);
    }
}

void raw_exit() { raw_v4_set_hooks(nullptr); }
