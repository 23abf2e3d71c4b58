// A socket's multicast memberships (Linux's ip_mc_join_group,
// ip_mc_leave_group and ip_mc_drop_socket in net/ipv4/igmp.c): each holds
// its group on a device once, through devinet's ip_mc_inc_group, which
// starts IGMP and programs the device's filter.
#include "kernel/mm/slab.h"
#include "kernel/softirq.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/ipv4/igmp.h"
#include "net/ipv4/inet_sock.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/route.h"

struct ip_mc_socklist {
    ip_mc_socklist* next;
    __be32 multiaddr;
    int ifindex;
};

namespace {

// Linux's ip_mc_find_dev: by index, by address, else the route to the group.
net_device* ip_mc_find_dev(const ip_mreqn& mreq) {
    if (mreq.imr_ifindex) {
        return __dev_get_by_index(mreq.imr_ifindex);
    }
    if (mreq.imr_address) {
        return __ip_dev_find(mreq.imr_address);
    }
    flowi4 fl4;
    fl4.daddr = mreq.imr_multiaddr;
    rtable rt;
    return ip_route_output_key(&fl4, &rt) == 0 ? rt.dev : nullptr;
}

}  // namespace

int ip_mc_find_ifindex(const ip_mreqn& mreq) {
    bh_guard bh;
    net_device* dev = ip_mc_find_dev(mreq);
    return dev ? dev->ifindex : 0;
}

int ip_mc_join_group(struct sock* sk, const ip_mreqn& mreq) {
    if (!ipv4_is_multicast(mreq.imr_multiaddr)) {
        return -EINVAL;
    }
    inet_sock* inet = inet_sk(sk);
    bh_guard bh;
    net_device* dev = ip_mc_find_dev(mreq);
    in_device* in_dev = dev ? __in_dev_get(dev) : nullptr;
    if (!in_dev) {
        return -ENODEV;
    }
    unsigned count = 0;
    for (ip_mc_socklist* i = inet->mc_list; i; i = i->next) {
        if (i->multiaddr == mreq.imr_multiaddr && i->ifindex == dev->ifindex) {
            return -EADDRINUSE;
        }
        ++count;
    }
    if (count >= IGMP_MAX_MEMBERSHIPS) {
        return -ENOBUFS;
    }
    auto* iml = static_cast<ip_mc_socklist*>(kmalloc(sizeof(ip_mc_socklist), GFP_ATOMIC));
    if (!iml) {
        return -ENOBUFS;
    }
    int err = ip_mc_inc_group(in_dev, mreq.imr_multiaddr);
    if (err) {
        kfree(iml);
        return err == -ENOSPC ? -ENOBUFS : err;
    }
    *iml = {inet->mc_list, mreq.imr_multiaddr, dev->ifindex};
    inet->mc_list = iml;
    return 0;
}

int ip_mc_leave_group(struct sock* sk, const ip_mreqn& mreq) {
    inet_sock* inet = inet_sk(sk);
    bh_guard bh;
    int ifindex = 0;
    if (mreq.imr_ifindex || mreq.imr_address) {
        net_device* dev = ip_mc_find_dev(mreq);
        if (!dev) {
            return -ENODEV;
        }
        ifindex = dev->ifindex;
    }
    for (ip_mc_socklist** p = &inet->mc_list; *p; p = &(*p)->next) {
        ip_mc_socklist* i = *p;
        if (i->multiaddr != mreq.imr_multiaddr || (ifindex && i->ifindex != ifindex)) {
            continue;
        }
        *p = i->next;
        net_device* dev = __dev_get_by_index(i->ifindex);
        if (in_device* in_dev = dev ? __in_dev_get(dev) : nullptr) {
            ip_mc_dec_group(in_dev, i->multiaddr);
        }
        kfree(i);
        return 0;
    }
    return -EADDRNOTAVAIL;
}

void ip_mc_drop_socket(struct sock* sk) {
    inet_sock* inet = inet_sk(sk);
    bh_guard bh;
    while (ip_mc_socklist* i = inet->mc_list) {
        inet->mc_list = i->next;
        net_device* dev = __dev_get_by_index(i->ifindex);
        if (in_device* in_dev = dev ? __in_dev_get(dev) : nullptr) {
            ip_mc_dec_group(in_dev, i->multiaddr);   // the device kept its groups if it is still there
        }
        kfree(i);
    }
}
