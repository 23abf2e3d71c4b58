// ipv4_init: the order of Linux's inet_init (net/ipv4/af_inet.c) for what exists.
#include "net/ipv4/af_inet.h"

#include <string.h>

#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/trace.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "net/core/rtnetlink.h"
#include "net/core/dev_ioctl.h"
#include "net/core/netdevice.h"
#include "net/ipv4/arp.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/igmp.h"
#include "net/ipv4/inet_sock.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/ipconfig.h"
#include "net/ipv4/neighbour.h"
#include "net/ipv4/proc.h"
#include "net/ipv4/protocol.h"
#include "net/ipv4/route.h"
#include "net/ipv4/snmp.h"
#include "net/ipv4/tcp.h"
#include "net/ipv4/udp.h"
#include "net/packet/af_packet.h"

void ipv4_init() {
    ipv4_mib::reset();
    inet_protos_reset();
    arp_init();
    ip_init();
    icmp_init();
    ipfrag_init();
    ipv4_proc_init();
    pr_info("IPv4: ARP, ICMP, reassembly (%lu KiB, %lu s), routing ready\n", sysctl_ipfrag.high_thresh / 1024,
            sysctl_ipfrag.time / HZ);
    ip_auto_config();
}

void ipv4_exit() {
    ip_auto_config_exit();
    ipfrag_exit();
    icmp_exit();
    ip_exit();
    arp_exit();
    inet_protos_reset();
}

// ---------------------------------------------------------------------------
// The PF_INET socket family (Linux's net/ipv4/af_inet.c): inet_create over
// the protocol switch inetsw, the proto_ops of datagram and raw sockets,
// and inet_init in Linux's order.

namespace {

// inetsw[type]: the protocols of each socket type (Linux's inetsw).
list_head inetsw[SOCK_MAX];

inet_protosw inetsw_array[] = {
    {.list = {}, .type = SOCK_STREAM, .protocol = IPPROTO_TCP, .prot = &tcp_prot, .ops = &inet_stream_ops,
     .capability = -1, .flags = INET_PROTOSW_PERMANENT | INET_PROTOSW_ICSK},
    {.list = {}, .type = SOCK_DGRAM, .protocol = IPPROTO_UDP, .prot = &udp_prot, .ops = &inet_dgram_ops,
     .capability = -1, .flags = INET_PROTOSW_PERMANENT},
    {.list = {}, .type = SOCK_DGRAM, .protocol = IPPROTO_ICMP, .prot = &ping_prot, .ops = &inet_sockraw_ops,
     .capability = -1, .flags = INET_PROTOSW_REUSE},
    {.list = {}, .type = SOCK_RAW, .protocol = IPPROTO_IP, /* wild card */ .prot = &raw_prot,
     .ops = &inet_sockraw_ops, .capability = CAP_NET_RAW, .flags = INET_PROTOSW_REUSE},
};

void inet_sock_destruct(struct sock* sk) {
    skb_queue_purge(&sk->sk_receive_queue);
    sk_dst_reset(sk);
}

// Linux's inet_create: the protocol's entry in inetsw[type] (an exact
// match, or the wildcard on either side), its capability, then the sock.
int inet_create(socket* sock, int protocol, int kern) {
    trace::scope t(trace::cat::socket, "inet_create");
    if (protocol < 0 || protocol >= IPPROTO_MAX) {
        return -EINVAL;
    }
    sock->state = SS_UNCONNECTED;
    int err = -ESOCKTNOSUPPORT;
    inet_protosw* answer = nullptr;
    for (inet_protosw& a : list_entries<inet_protosw, &inet_protosw::list>(&inetsw[sock->type])) {
        err = 0;
        if (protocol == a.protocol) {
            if (protocol != IPPROTO_IP) {
                answer = &a;
                break;
            }
        } else {
            if (protocol == IPPROTO_IP) {   // the two wild cases
                protocol = a.protocol;
                answer = &a;
                break;
            }
            if (a.protocol == IPPROTO_IP) {
                answer = &a;
                break;
            }
        }
        err = -EPROTONOSUPPORT;
    }
    if (!answer) {
        return err;
    }
    if (answer->capability > 0 && !kern && !capable(answer->capability)) {
        return -EPERM;
    }
    sock->ops = answer->ops;
    struct sock* sk = sk_alloc(PF_INET, GFP_KERNEL, answer->prot, kern);
    if (!sk) {
        return -ENOMEM;
    }
    sk->sk_reuse = (answer->flags & INET_PROTOSW_REUSE) != 0;
    inet_sock* inet = inet_sk(sk);
    if (sock->type == SOCK_RAW) {
        inet->inet_num = static_cast<uint16_t>(protocol);
        inet->inet_sport = htons(inet->inet_num);
        if (protocol == IPPROTO_RAW) {
            inet->hdrincl = true;
        }
    }
    inet->pmtudisc = IP_PMTUDISC_WANT;
    sock_init_data(sock, sk);
    sk->sk_destruct = inet_sock_destruct;
    sk->sk_protocol = static_cast<uint16_t>(protocol);
    inet->uc_ttl = -1;
    inet->mc_loop = true;
    inet->mc_ttl = 1;
    if (inet->inet_num) {
        // A protocol that takes its number at creation shares it: onto the hash.
        err = sk->sk_prot->hash ? sk->sk_prot->hash(sk) : 0;
        if (err) {
            sk_common_release(sk);
            sock->sk = nullptr;
            return err;
        }
    }
    if (sk->sk_prot->init) {
        err = sk->sk_prot->init(sk);
        if (err) {
            sk_common_release(sk);
            sock->sk = nullptr;
            return err;
        }
    }
    return 0;
}

const net_proto_family inet_family_ops = {
    .family = PF_INET,
    .create = inet_create,
};

// The socket side of IPv4's ioctls (Linux's inet_ioctl): routes, ARP and
// interface addresses; other requests go to the protocol, then (by
// returning ENOIOCTLCMD) to the device layer.
int inet_ifreq_ioctl(unsigned cmd, unsigned long arg) {
    auto* uifr = reinterpret_cast<ifreq*>(arg);
    ifreq ifr;
    if (copy_from_user(&ifr, uifr, sizeof ifr)) {
        return -EFAULT;
    }
    ifr.ifr_name[IFNAMSIZ - 1] = '\0';
    auto* sin = reinterpret_cast<sockaddr_in*>(&ifr.ifr_addr);
    bool set = cmd == SIOCSIFADDR || cmd == SIOCSIFBRDADDR || cmd == SIOCSIFNETMASK || cmd == SIOCSIFDSTADDR;
    if (set) {
        if (!capable(CAP_NET_ADMIN)) {
            return -EPERM;
        }
        if (sin->sin_family != AF_INET) {
            return -EINVAL;
        }
    }
    __be32 value = sin->sin_addr.s_addr;
    int err = devinet_ioctl(cmd, ifr.ifr_name, &value);
    if (err || set) {
        return err;
    }
    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = value;
    return copy_to_user(uifr, &ifr, sizeof ifr);
}

// struct rtentry as an o32 route(8) passes it.
struct rtentry {
    uint32_t rt_pad1;
    sockaddr rt_dst;
    sockaddr rt_gateway;
    sockaddr rt_genmask;
    uint16_t rt_flags;
    int16_t rt_pad2;
    uint32_t rt_pad3;
    void* rt_pad4;
    int16_t rt_metric;          // +1 for binary compatibility
    char* rt_dev;               // user pointer to a name
    uint32_t rt_mtu;
    uint32_t rt_window;
    uint16_t rt_irtt;
};
static_assert(sizeof(void*) != 4 || sizeof(rtentry) == 84, "o32 struct rtentry");

__be32 sin_addr_of(const sockaddr& sa) { return reinterpret_cast<const sockaddr_in&>(sa).sin_addr.s_addr; }

int inet_rt_ioctl(unsigned cmd, unsigned long arg) {
    if (!capable(CAP_NET_ADMIN)) {
        return -EPERM;
    }
    rtentry rt;
    if (copy_from_user(&rt, reinterpret_cast<const void*>(arg), sizeof rt)) {
        return -EFAULT;
    }
    rtentry_in r{};
    r.rt_dst = sin_addr_of(rt.rt_dst);
    r.rt_gateway = sin_addr_of(rt.rt_gateway);
    r.rt_genmask = sin_addr_of(rt.rt_genmask);
    r.rt_flags = rt.rt_flags;
    r.rt_metric = static_cast<unsigned>(rt.rt_metric);
    r.rt_mtu = rt.rt_mtu;
    if (rt.rt_dev) {
        long n = strnlen_user(rt.rt_dev, IFNAMSIZ);
        if (n == -EFAULT) {
            return -EFAULT;
        }
        size_t len = n < 0 ? IFNAMSIZ - 1 : static_cast<size_t>(n);
        if (len > IFNAMSIZ - 1) {
            len = IFNAMSIZ - 1;
        }
        memcpy(r.rt_dev, rt.rt_dev, len);
    }
    if (rt.rt_dst.sa_family != AF_INET) {
        return -EAFNOSUPPORT;
    }
    return ip_rt_ioctl(cmd, &r);
}

// struct arpreq (include/uapi/linux/if_arp.h).
struct arpreq {
    sockaddr arp_pa;
    sockaddr arp_ha;
    int arp_flags;
    sockaddr arp_netmask;
    char arp_dev[IFNAMSIZ];
};
constexpr int ATF_PUBL = 0x08;
constexpr int ATF_NETMASK = 0x20;
constexpr int ATF_DONTPUB = 0x40;

// Linux's arp_ioctl over ARP's arp_req_set/delete/get.
int inet_arp_ioctl(unsigned cmd, unsigned long arg) {
    if ((cmd == SIOCDARP || cmd == SIOCSARP) && !capable(CAP_NET_ADMIN)) {
        return -EPERM;
    }
    arpreq r;
    if (copy_from_user(&r, reinterpret_cast<const void*>(arg), sizeof r)) {
        return -EFAULT;
    }
    if (r.arp_pa.sa_family != AF_INET) {
        return -EPFNOSUPPORT;
    }
    if (!(r.arp_flags & ATF_PUBL) && (r.arp_flags & (ATF_NETMASK | ATF_DONTPUB))) {
        return -EINVAL;
    }
    if (r.arp_flags & ATF_PUBL) {
        return -EINVAL;   // no proxy ARP here
    }
    net_device* dev = nullptr;
    r.arp_dev[IFNAMSIZ - 1] = '\0';
    rtnl_guard rtnl;   // Linux's arp_ioctl: the device stays while the entry changes
    if (r.arp_dev[0]) {
        dev = __dev_get_by_name(r.arp_dev);
        if (!dev) {
            return -ENODEV;
        }
        if (!r.arp_ha.sa_family) {
            r.arp_ha.sa_family = dev->type;
        }
        if ((r.arp_flags & ATF_COM) && r.arp_ha.sa_family != dev->type) {
            return -EINVAL;
        }
    } else if (cmd == SIOCGARP) {
        return -ENODEV;
    }
    __be32 ip = sin_addr_of(r.arp_pa);
    switch (cmd) {
    case SIOCDARP:
        return arp_req_delete(ip, dev);
    case SIOCSARP:
        return arp_req_set(ip, reinterpret_cast<const uint8_t*>(r.arp_ha.sa_data), dev, (r.arp_flags & ATF_PERM) != 0);
    default: {
        uint8_t state = 0;
        int err = arp_req_get(ip, dev, reinterpret_cast<uint8_t*>(r.arp_ha.sa_data), &state);
        if (err) {
            return err;
        }
        r.arp_ha.sa_family = dev->type;
        r.arp_flags = ((state & NUD_VALID) ? ATF_COM : 0) | ((state & NUD_PERMANENT) ? ATF_PERM : 0);
        return copy_to_user(reinterpret_cast<void*>(arg), &r, sizeof r);
    }
    }
}

// SIOCGIFCONF for PF_INET (Linux 2.6's inet_gifconf): an ifreq per address.
int inet_gifconf(net_device* dev, char* buf, int len) {
    in_device* in_dev = __in_dev_get(dev);
    if (!in_dev) {
        return 0;
    }
    int done = 0;
    for (in_ifaddr& ifa : in_dev_for_each_ifa(in_dev)) {
        if (!buf) {
            done += sizeof(ifreq);
            continue;
        }
        if (len < static_cast<int>(sizeof(ifreq))) {
            break;
        }
        ifreq ifr{};
        strncpy(ifr.ifr_name, ifa.ifa_label, IFNAMSIZ - 1);
        auto* sin = reinterpret_cast<sockaddr_in*>(&ifr.ifr_addr);
        sin->sin_family = AF_INET;
        sin->sin_addr.s_addr = ifa.ifa_local;
        if (copy_to_user(buf, &ifr, sizeof ifr)) {
            return -EFAULT;
        }
        buf += sizeof ifr;
        len -= static_cast<int>(sizeof ifr);
        done += static_cast<int>(sizeof ifr);
    }
    return done;
}

}  // namespace

int inet_ioctl(socket* sock, unsigned cmd, unsigned long arg) {
    struct sock* sk = sock->sk;
    switch (cmd) {
    case SIOCADDRT:
    case SIOCDELRT:
        return inet_rt_ioctl(cmd, arg);
    case SIOCDARP:
    case SIOCGARP:
    case SIOCSARP:
        return inet_arp_ioctl(cmd, arg);
    case SIOCGIFADDR:
    case SIOCGIFBRDADDR:
    case SIOCGIFNETMASK:
    case SIOCGIFDSTADDR:
    case SIOCSIFADDR:
    case SIOCSIFBRDADDR:
    case SIOCSIFNETMASK:
    case SIOCSIFDSTADDR:
        return inet_ifreq_ioctl(cmd, arg);
    default:
        if (sk && sk->sk_prot->ioctl) {
            return sk->sk_prot->ioctl(sk, cmd, arg);
        }
        return -ENOIOCTLCMD;
    }
}

void inet_register_protosw(inet_protosw* p) {
    if (p->type >= SOCK_MAX) {
        pr_err("Attempt to register invalid socket type %d.\n", p->type);
        return;
    }
    // Permanent entries first; one permanent per (type, protocol).
    list_head* last_perm = &inetsw[p->type];
    for (inet_protosw& a : list_entries<inet_protosw, &inet_protosw::list>(&inetsw[p->type])) {
        if (!(a.flags & INET_PROTOSW_PERMANENT)) {
            break;
        }
        if (a.protocol == p->protocol) {
            pr_err("Attempt to override permanent protocol %d\n", p->protocol);
            return;
        }
        last_perm = &a.list;
    }
    list_add(&p->list, last_perm);
}

void inet_unregister_protosw(inet_protosw* p) {
    if (p->flags & INET_PROTOSW_PERMANENT) {
        pr_err("Attempt to unregister permanent protocol %d\n", p->protocol);
        return;
    }
    list_del(&p->list);
}

int inet_release(socket* sock) {
    if (struct sock* sk = sock->sk) {
        ip_mc_drop_socket(sk);   // the groups it joined (Linux's inet_release)
        sk->sk_prot->close(sk, 0);
        sock->sk = nullptr;
    }
    return 0;
}

namespace {

// Linux's inet_addr_valid_or_nonlocal without ip_nonlocal_bind: one of
// ours, a broadcast or a group (those only filter what is received), or
// any.
bool inet_bind_addr_ok(__be32 addr, unsigned type) {
    return addr == htonl(INADDR_ANY) || type == RTN_LOCAL || type == RTN_MULTICAST || type == RTN_BROADCAST;
}

}  // namespace

// Linux's __inet_bind: the address checked, a port below 1024 only with
// CAP_NET_BIND_SERVICE, a socket binds once, and the protocol's get_port
// says whether the port is free.
int inet_bind(socket* sock, sockaddr* uaddr, int addr_len) {
    struct sock* sk = sock->sk;
    if (sk->sk_prot->bind) {
        return sk->sk_prot->bind(sk, uaddr, addr_len);   // RAW binds its own way
    }
    if (addr_len < static_cast<int>(sizeof(sockaddr_in))) {
        return -EINVAL;
    }
    auto* addr = reinterpret_cast<sockaddr_in*>(uaddr);
    if (addr->sin_family != AF_INET &&
        (addr->sin_family != AF_UNSPEC || addr->sin_addr.s_addr != htonl(INADDR_ANY))) {
        return -EAFNOSUPPORT;
    }
    if (!sk->sk_prot->get_port) {
        return -EOPNOTSUPP;
    }
    __be32 a = addr->sin_addr.s_addr;
    unsigned type = inet_addr_type(a);
    if (!inet_bind_addr_ok(a, type)) {
        return -EADDRNOTAVAIL;
    }
    unsigned short snum = ntohs(addr->sin_port);
    if (snum && snum < PROT_SOCK && !capable(CAP_NET_BIND_SERVICE)) {
        return -EACCES;
    }
    inet_sock* inet = inet_sk(sk);
    if (sk->sk_state != TCP_CLOSE || inet->inet_num) {
        return -EINVAL;   // bound already
    }
    inet->inet_rcv_saddr = inet->inet_saddr = a;
    if (type == RTN_MULTICAST || type == RTN_BROADCAST) {
        inet->inet_saddr = 0;   // send from the device's address
    }
    if (sk->sk_prot->get_port(sk, snum)) {
        inet->inet_saddr = inet->inet_rcv_saddr = 0;
        return -EADDRINUSE;
    }
    if (a) {
        sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
    }
    if (snum) {
        sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
    }
    inet->inet_daddr = 0;
    inet->inet_dport = 0;
    return 0;
}

int inet_autobind(struct sock* sk) {
    inet_sock* inet = inet_sk(sk);
    if (!inet->inet_num && (!sk->sk_prot->get_port || sk->sk_prot->get_port(sk, 0))) {
        return -EAGAIN;
    }
    return 0;
}

int ip4_datagram_connect(struct sock* sk, sockaddr* uaddr, int addr_len) {
    auto* usin = reinterpret_cast<sockaddr_in*>(uaddr);
    inet_sock* inet = inet_sk(sk);
    if (addr_len < static_cast<int>(sizeof *usin)) {
        return -EINVAL;
    }
    if (usin->sin_family != AF_INET) {
        return -EAFNOSUPPORT;
    }
    flowi4 fl4;
    fl4.flowi4_oif = sk->sk_bound_dev_if;
    fl4.flowi4_proto = static_cast<uint8_t>(sk->sk_protocol);
    fl4.flowi4_tos = inet->tos;
    fl4.saddr = inet->inet_saddr;
    fl4.daddr = usin->sin_addr.s_addr;
    rtable rt;
    bh_guard bh;
    int err = ip_route_output_key(&fl4, &rt);
    if (err) {
        return err;
    }
    if ((rt.rt_flags & RTCF_BROADCAST) && !sock_flag(sk, SOCK_BROADCAST)) {
        return -EACCES;
    }
    sk_dst_set(sk, dst_alloc(rt));   // the peer's route, kept (Linux's sk_dst_set)
    if (!inet->inet_saddr) {
        inet->inet_saddr = fl4.saddr;
    }
    if (!inet->inet_rcv_saddr) {
        inet->inet_rcv_saddr = fl4.saddr;
    }
    inet->inet_daddr = fl4.daddr;
    inet->inet_dport = usin->sin_port;
    sk->sk_state = TCP_ESTABLISHED;
    return 0;
}

int inet_dgram_connect(socket* sock, sockaddr* uaddr, int addr_len, int) {
    struct sock* sk = sock->sk;
    if (addr_len < static_cast<int>(sizeof uaddr->sa_family)) {
        return -EINVAL;
    }
    if (uaddr->sa_family == AF_UNSPEC) {
        return sk->sk_prot->disconnect ? sk->sk_prot->disconnect(sk, 0) : -EOPNOTSUPP;
    }
    if (!inet_sk(sk)->inet_num && inet_autobind(sk)) {
        return -EAGAIN;
    }
    return sk->sk_prot->connect ? sk->sk_prot->connect(sk, uaddr, addr_len) : -EOPNOTSUPP;
}

// Linux's inet_getname: our address and port, or the peer's once
// connected with a port (so a raw socket, whose "port" is its protocol,
// never has a peer to name).
int inet_getname(socket* sock, sockaddr* uaddr, int peer) {
    struct sock* sk = sock->sk;
    inet_sock* inet = inet_sk(sk);
    auto* sin = reinterpret_cast<sockaddr_in*>(uaddr);
    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    if (peer) {
        // Linux's test: a peer once there is one and until the sock is closed.
        if (!inet->inet_dport || (peer == 1 && (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_SYN_SENT))) {
            return -ENOTCONN;
        }
        sin->sin_port = inet->inet_dport;
        sin->sin_addr.s_addr = inet->inet_daddr;
        return sizeof *sin;
    }
    sin->sin_port = inet->inet_sport;
    sin->sin_addr.s_addr = inet->inet_rcv_saddr ? inet->inet_rcv_saddr : inet->inet_saddr;
    return sizeof *sin;
}

int inet_shutdown(socket* sock, int how) {
    struct sock* sk = sock->sk;
    if (how < 0 || how > 2) {
        return -EINVAL;   // checked before the increment: INT_MAX must not overflow
    }
    ++how;   // 0->1 (receive), 1->2 (send), 2->3 (both)
    int err = 0;
    if (sk->sk_state == TCP_CLOSE) {
        err = -ENOTCONN;   // still shut down, so that poll() sees it (Linux's "hack")
    }
    sk->sk_shutdown |= static_cast<uint8_t>(how);
    if (sk->sk_prot->shutdown) {
        sk->sk_prot->shutdown(sk, how);
    }
    sk->sk_state_change(sk);
    return err;
}

int inet_sendmsg(socket* sock, msghdr* msg, size_t size) {
    struct sock* sk = sock->sk;
    return sk->sk_prot->sendmsg ? sk->sk_prot->sendmsg(sk, msg, size) : -EOPNOTSUPP;
}

int inet_recvmsg(socket* sock, msghdr* msg, size_t size, int flags) {
    struct sock* sk = sock->sk;
    if (!sk->sk_prot->recvmsg) {
        return -EOPNOTSUPP;
    }
    int addr_len = 0;
    int err = sk->sk_prot->recvmsg(sk, msg, size, flags, &addr_len);
    if (err >= 0) {
        msg->msg_namelen = addr_len;
    }
    return err;
}

const proto_ops inet_sockraw_ops = {
    .family = PF_INET,
    .release = inet_release,
    .bind = inet_bind,
    .connect = inet_dgram_connect,
    .socketpair = sock_no_socketpair,
    .accept = sock_no_accept,
    .getname = inet_getname,
    .poll = datagram_poll,
    .ioctl = inet_ioctl,
    .listen = sock_no_listen,
    .shutdown = inet_shutdown,
    .setsockopt = sock_common_setsockopt,
    .getsockopt = sock_common_getsockopt,
    .sendmsg = inet_sendmsg,
    .recvmsg = inet_recvmsg,
    .mmap = sock_no_mmap,
    .sendpage = sock_no_sendpage,
};

// UDP's operations: the same calls as raw sockets, as in Linux where the
// two tables differ only in poll (udp_poll's checksum deferral).
const proto_ops inet_dgram_ops = inet_sockraw_ops;

// TCP's operations (Linux's inet_stream_ops): the stream calls are in
// inet_stream.cpp, poll is tcp_poll.
const proto_ops inet_stream_ops = {
    .family = PF_INET,
    .release = inet_release,
    .bind = inet_bind,
    .connect = inet_stream_connect,
    .socketpair = sock_no_socketpair,
    .accept = inet_accept,
    .getname = inet_getname,
    .poll = tcp_poll,
    .ioctl = inet_ioctl,
    .listen = inet_listen,
    .shutdown = inet_shutdown,
    .setsockopt = sock_common_setsockopt,
    .getsockopt = sock_common_getsockopt,
    .sendmsg = inet_sendmsg,
    .recvmsg = sock_common_recvmsg,
    .mmap = sock_no_mmap,
    .sendpage = sock_no_sendpage,
};

// The socket family's part of Linux's inet_init: the protocols' slab
// caches, the family, the protocol switch from inetsw_array.
int inet_family_init() {
    proto* protos[] = {&tcp_prot, &udp_prot, &raw_prot, &ping_prot};
    for (proto* p : protos) {
        if (int rc = proto_register(p, 1)) {
            pr_err("inet_init: cannot register %s (%d)\n", p->name, rc);
            return rc;
        }
    }
    sock_register(&inet_family_ops);
    for (list_head& r : inetsw) {
        INIT_LIST_HEAD(&r);
    }
    for (inet_protosw& q : inetsw_array) {
        inet_register_protosw(&q);
    }
    register_gifconf(PF_INET, inet_gifconf);
    packet_register_inet_ioctl(inet_ioctl);
    return 0;
}

// Linux's inet_init: the family, then IPv4 itself (ARP, IP, ICMP,
// reassembly, /proc/net files, ip=) as ipv4_init() brings it up, and raw
// sockets' delivery hook on it (ipv4_init starts with none).
int inet_init() {
    if (int rc = inet_family_init()) {
        return rc;
    }
    ipv4_init();
    raw_init();
    tcp_v4_init();   // the tables
    tcp_init();      // inet_add_protocol(&tcp_protocol, IPPROTO_TCP), congestion control
    udp_init();   // inet_add_protocol(&udp_protocol, IPPROTO_UDP)
    igmp_init();  // inet_add_protocol(&igmp_protocol, IPPROTO_IGMP)
    return 0;
}
