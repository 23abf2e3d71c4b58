// SOL_IP socket options of datagram and raw sockets (Linux's
// net/ipv4/ip_sockglue.c, the options that exist here).
#include "kernel/softirq.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/ipv4/igmp.h"
#include "net/ipv4/inet_sock.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/route.h"

namespace {

// An int option's value: 4 bytes, or 1 (an unsigned char), or 0 bytes
// meaning 0 (Linux's do_ip_setsockopt).
int get_val(const void* optval, unsigned optlen, int* val) {
    *val = 0;
    if (optlen >= sizeof(int)) {
        return copy_from_user(val, optval, sizeof(int));
    }
    if (optlen >= 1) {
        unsigned char uc;
        if (copy_from_user(&uc, optval, 1)) {
            return -EFAULT;
        }
        *val = uc;
    }
    return 0;
}

// IP_MTU: the path MTU to the connected peer.
int connected_mtu(struct sock* sk, int* val) {
    inet_sock* inet = inet_sk(sk);
    if (sk->sk_state != TCP_ESTABLISHED) {
        return -ENOTCONN;
    }
    if (dst_entry* dst = sk_dst_check(sk)) {   // what the kept route learned
        *val = static_cast<int>(dst_mtu(dst));
        dst_release(dst);
        return 0;
    }
    flowi4 fl4;
    fl4.flowi4_oif = sk->sk_bound_dev_if;
    fl4.saddr = inet->inet_saddr;
    fl4.daddr = inet->inet_daddr;
    rtable rt;
    bh_guard bh;
    if (ip_route_output_key(&fl4, &rt) != 0) {
        return -ENOTCONN;
    }
    *val = static_cast<int>(rt.rt_mtu);
    return 0;
}

}  // namespace

namespace {

// struct ip_mreq (8 octets) or struct ip_mreqn (12), as Linux takes either.
int get_mreqn(const void* optval, unsigned optlen, ip_mreqn* mreq) {
    *mreq = {};
    if (optlen < 8) {
        return -EINVAL;
    }
    unsigned n = optlen >= sizeof(ip_mreqn) ? sizeof(ip_mreqn) : 8;
    return copy_from_user(mreq, optval, n) ? -EFAULT : 0;
}

// IP_MULTICAST_IF (Linux's do_ip_setsockopt): an address (in_addr or
// ip_mreq's interface), or an ip_mreqn's index; INADDR_ANY unsets.
int set_multicast_if(inet_sock* inet, const void* optval, unsigned optlen) {
    ip_mreqn mreq{};
    if (optlen >= sizeof(ip_mreqn)) {
        if (copy_from_user(&mreq, optval, sizeof mreq)) {
            return -EFAULT;
        }
    } else if (optlen >= 8) {
        if (copy_from_user(&mreq, optval, 8)) {   // struct ip_mreq: the interface is its second word
            return -EFAULT;
        }
    } else if (optlen >= sizeof(in_addr)) {
        if (copy_from_user(&mreq.imr_address, optval, sizeof(in_addr))) {
            return -EFAULT;
        }
    } else {
        return -EINVAL;
    }
    if (!mreq.imr_ifindex && !mreq.imr_address) {
        inet->mc_index = 0;
        inet->mc_addr = 0;
        return 0;
    }
    int ifindex = ip_mc_find_ifindex({0, mreq.imr_address, mreq.imr_ifindex});
    if (!ifindex) {
        return -EADDRNOTAVAIL;
    }
    inet->mc_index = ifindex;
    inet->mc_addr = mreq.imr_address;
    return 0;
}

}  // namespace

int ip_setsockopt(struct sock* sk, int level, int optname, const void* optval, unsigned optlen) {
    inet_sock* inet = inet_sk(sk);
    if (level != SOL_IP) {
        return -ENOPROTOOPT;
    }
    if (optname == IP_ADD_MEMBERSHIP || optname == IP_DROP_MEMBERSHIP) {
        if (sk->sk_type == SOCK_STREAM) {
            return -EPROTO;
        }
        ip_mreqn mreq;
        if (int err = get_mreqn(optval, optlen, &mreq)) {
            return err;
        }
        return optname == IP_ADD_MEMBERSHIP ? ip_mc_join_group(sk, mreq) : ip_mc_leave_group(sk, mreq);
    }
    if (optname == IP_MULTICAST_IF) {
        return sk->sk_type == SOCK_STREAM ? -EINVAL : set_multicast_if(inet, optval, optlen);
    }
    int val;
    if (get_val(optval, optlen, &val)) {
        return -EFAULT;
    }
    switch (optname) {
    case IP_TOS:
        inet->tos = static_cast<uint8_t>(val);
        return 0;
    case IP_TTL:
        if (optlen < 1) {
            return -EINVAL;
        }
        if (val != -1 && (val < 1 || val > 255)) {
            return -EINVAL;
        }
        inet->uc_ttl = val;
        return 0;
    case IP_HDRINCL:
        if (sk->sk_type != SOCK_RAW) {
            return -ENOPROTOOPT;
        }
        inet->hdrincl = val != 0;
        return 0;
    case IP_MTU_DISCOVER:
        if (val < IP_PMTUDISC_DONT || val > 5) {   // up to IP_PMTUDISC_OMIT
            return -EINVAL;
        }
        inet->pmtudisc = static_cast<uint8_t>(val > IP_PMTUDISC_PROBE ? IP_PMTUDISC_WANT : val);
        return 0;
    case IP_RECVERR:
        inet->recverr = val != 0;
        return 0;
    case IP_PKTINFO:
    case IP_RECVTTL:
    case IP_RECVTOS: {
        unsigned bit = optname == IP_PKTINFO ? IP_CMSG_PKTINFO : optname == IP_RECVTTL ? IP_CMSG_TTL : IP_CMSG_TOS;
        inet->cmsg_flags = static_cast<uint8_t>(val ? inet->cmsg_flags | bit : inet->cmsg_flags & ~bit);
        return 0;
    }
    case IP_MULTICAST_TTL:
        if (sk->sk_type == SOCK_STREAM || optlen < 1) {
            return -EINVAL;
        }
        if (val == -1) {
            val = 1;
        }
        if (val < 0 || val > 255) {
            return -EINVAL;
        }
        inet->mc_ttl = static_cast<uint8_t>(val);
        return 0;
    case IP_MULTICAST_LOOP:
        if (optlen < 1) {
            return -EINVAL;
        }
        inet->mc_loop = val != 0;
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

int ip_getsockopt(struct sock* sk, int level, int optname, void* optval, int* optlen) {
    inet_sock* inet = inet_sk(sk);
    if (level != SOL_IP) {
        return -EOPNOTSUPP;
    }
    int len;
    if (copy_from_user(&len, optlen, sizeof len)) {
        return -EFAULT;
    }
    if (len < 0) {
        return -EINVAL;
    }
    int val;
    switch (optname) {
    case IP_TOS: val = inet->tos; break;
    case IP_TTL: val = inet->uc_ttl < 0 ? IPDEFTTL : inet->uc_ttl; break;
    case IP_HDRINCL: val = inet->hdrincl; break;
    case IP_MTU_DISCOVER: val = inet->pmtudisc; break;
    case IP_RECVERR: val = inet->recverr; break;
    case IP_MULTICAST_IF: {
        // Linux answers with the address as an in_addr.
        __be32 a = inet->mc_addr;
        if (len > static_cast<int>(sizeof a)) {
            len = sizeof a;
        }
        if (copy_to_user(optlen, &len, sizeof len) || copy_to_user(optval, &a, static_cast<size_t>(len))) {
            return -EFAULT;
        }
        return 0;
    }
    case IP_PKTINFO: val = (inet->cmsg_flags & IP_CMSG_PKTINFO) != 0; break;
    case IP_RECVTTL: val = (inet->cmsg_flags & IP_CMSG_TTL) != 0; break;
    case IP_RECVTOS: val = (inet->cmsg_flags & IP_CMSG_TOS) != 0; break;
    case IP_MULTICAST_TTL: val = inet->mc_ttl; break;
    case IP_MULTICAST_LOOP: val = inet->mc_loop; break;
    case IP_MTU:
        if (int err = connected_mtu(sk, &val)) {
            return err;
        }
        break;
    default:
        return -ENOPROTOOPT;
    }
    // A short buffer gets one byte when the value fits (Linux's).
    if (len < static_cast<int>(sizeof(int)) && len > 0 && val >= 0 && val <= 255) {
        unsigned char uc = static_cast<unsigned char>(val);
        len = 1;
        if (copy_to_user(optlen, &len, sizeof len) || copy_to_user(optval, &uc, 1)) {
            return -EFAULT;
        }
        return 0;
    }
    if (len > static_cast<int>(sizeof(int))) {
        len = sizeof(int);
    }
    if (copy_to_user(optlen, &len, sizeof len) || copy_to_user(optval, &val, static_cast<size_t>(len))) {
        return -EFAULT;
    }
    return 0;
}

void ip_cmsg_recv(msghdr* msg, struct sock* sk, const sk_buff* skb) {
    unsigned flags = inet_sk(sk)->cmsg_flags;
    const iphdr* iph = ip_hdr(skb);
    if (flags & IP_CMSG_PKTINFO) {
        // Linux's ipv4_pktinfo_prepare: the arrival device, the address
        // the datagram was sent to, and the local address a reply would
        // come from (the destination itself unless it was a broadcast or
        // a group).
        in_pktinfo info{};
        info.ipi_ifindex = IPCB(skb)->iif ? IPCB(skb)->iif : (skb->dev ? skb->dev->ifindex : 0);
        info.ipi_addr.s_addr = iph->daddr;
        info.ipi_spec_dst.s_addr = iph->daddr;
        if (IPCB(skb)->rt_type != RTN_LOCAL) {
            // The queue let go of skb->dev (sock_queue_rcv_skb); iif names it.
            bh_guard bh;
            net_device* dev = __dev_get_by_index(info.ipi_ifindex);
            info.ipi_spec_dst.s_addr = dev ? inet_select_addr(dev, iph->saddr) : 0;
        }
        put_cmsg(msg, SOL_IP, IP_PKTINFO, sizeof info, &info);
    }
    if (flags & IP_CMSG_TTL) {
        int ttl = iph->ttl;
        put_cmsg(msg, SOL_IP, IP_TTL, sizeof ttl, &ttl);
    }
    if (flags & IP_CMSG_TOS) {
        uint8_t tos = iph->tos;
        put_cmsg(msg, SOL_IP, IP_TOS, sizeof tos, &tos);
    }
}
