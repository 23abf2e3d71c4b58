// The routing table and the input/output route decisions.
#include "net/ipv4/route.h"

#include <string.h>

#include <new>

#include "kernel/mm/slab.h"
#include "kernel/softirq.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/core/rtnetlink.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/snmp.h"

namespace {

// Longest prefix first, then lowest metric: the first match is the answer.
list_head fib_table;
unsigned fib_count;

using fib_list = list_entries<fib_entry, &fib_entry::node>;

bool usable(const fib_entry& fe) { return fe.dev == nullptr || netif_running(fe.dev); }

const fib_entry* fib_lookup(__be32 dst, int oif) {
    for (fib_entry& fe : fib_list(&fib_table)) {
        if (((dst ^ fe.dst) & fe.mask) != 0 || !usable(fe)) {
            continue;
        }
        if (oif && fe.dev && fe.dev->ifindex != oif) {
            continue;
        }
        return &fe;
    }
    return nullptr;
}

void fib_insert(fib_entry* fe) {
    rt_cache_flush();   // sockets' routes are looked up again
    for (fib_entry& at : fib_list(&fib_table)) {
        if (fe->prefixlen > at.prefixlen || (fe->prefixlen == at.prefixlen && fe->priority < at.priority)) {
            list_add_tail(&fe->node, &at.node);
            ++fib_count;
            return;
        }
    }
    list_add_tail(&fe->node, &fib_table);
    ++fib_count;
}

void fib_free(fib_entry* fe) {
    rt_cache_flush();
    list_del(&fe->node);
    --fib_count;
    dev_put(fe->dev);
    kfree(fe);
}

// Our local addresses, their directed broadcasts (and the old all-zeros
// host part), and 127/8 while lo has a 127 address.
struct addr_class {
    __be32 addr;
    unsigned type = RTN_UNICAST;
    net_device* dev = nullptr;
};

void classify_on(in_device& in_dev, void* arg) {
    auto* c = static_cast<addr_class*>(arg);
    if (c->type != RTN_UNICAST) {
        return;
    }
    bool loop = in_dev.dev->flags & IFF_LOOPBACK;
    for (in_ifaddr& ifa : in_dev_for_each_ifa(&in_dev)) {
        if (ifa.ifa_local == c->addr || (loop && ((ifa.ifa_local ^ c->addr) & ifa.ifa_mask) == 0)) {
            c->type = RTN_LOCAL;
            c->dev = in_dev.dev;
            return;
        }
        if (loop || ifa.ifa_prefixlen >= 31) {
            continue;
        }
        __be32 net = ifa.ifa_local & ifa.ifa_mask;
        if ((ifa.ifa_broadcast && c->addr == ifa.ifa_broadcast) || c->addr == net ||
            c->addr == (net | ~ifa.ifa_mask)) {
            c->type = RTN_BROADCAST;
            c->dev = in_dev.dev;
            return;
        }
    }
}

addr_class classify(__be32 addr) {
    addr_class c{addr};
    if (ipv4_is_zeronet(addr) || ipv4_is_lbcast(addr)) {
        c.type = RTN_BROADCAST;
    } else if (ipv4_is_multicast(addr)) {
        c.type = RTN_MULTICAST;
    } else {
        for_each_in_dev(classify_on, &c);
    }
    return c;
}

unsigned route_mtu(const fib_entry* fe, const net_device* dev) {
    unsigned mtu = fe && fe->mtu ? fe->mtu : dev->mtu;
    if (mtu > dev->mtu) {
        mtu = dev->mtu;
    }
    return mtu > IP_MAX_MTU ? IP_MAX_MTU : mtu;
}

int no_route() {
    IP_INC_STATS(IPSTATS_MIB_OUTNOROUTES);
    return -ENETUNREACH;
}

// Local destinations go through the loopback device.
int output_local(flowi4* fl4, rtable* rt) {
    net_device* lo = init_net.loopback_dev;
    if (!lo || !netif_running(lo)) {
        return no_route();
    }
    if (!fl4->saddr) {
        fl4->saddr = ipv4_is_loopback(fl4->daddr) ? htonl(INADDR_LOOPBACK) : fl4->daddr;
    }
    rt->rt_src = fl4->saddr;
    rt->dev = lo;
    rt->rt_type = RTN_LOCAL;
    rt->rt_flags = RTCF_LOCAL;
    rt->rt_gateway = fl4->daddr;
    rt->rt_mtu = route_mtu(nullptr, lo);
    return 0;
}

net_device* device_of(int oif) {
    net_device* dev = __dev_get_by_index(oif);
    return dev && netif_running(dev) ? dev : nullptr;
}

}  // namespace

int fib_add_route(const fib_config& cfg) {
    if (cfg.prefixlen > 32 || (cfg.dst & ~inet_make_mask(cfg.prefixlen)) != 0 ||
        (cfg.gw && !ipv4_is_unicast(cfg.gw))) {
        return -EINVAL;
    }
    bh_guard bh;
    net_device* dev = cfg.dev;
    uint8_t scope = RT_SCOPE_LINK;
    if (cfg.gw) {
        // RFC 1122 3.3.1.1: a gateway must be on a connected network.
        const fib_entry* via = fib_lookup(cfg.gw, dev ? dev->ifindex : 0);
        if (!via || via->gw || via->type != RTN_UNICAST) {
            return -ENETUNREACH;
        }
        dev = via->dev;
        scope = RT_SCOPE_UNIVERSE;
    } else if (!dev && cfg.type == RTN_UNICAST) {
        return -ENODEV;
    }
    for (fib_entry& fe : fib_list(&fib_table)) {
        if (fe.dst == cfg.dst && fe.prefixlen == cfg.prefixlen && fe.priority == cfg.priority &&
            fe.gw == cfg.gw && fe.dev == dev) {
            return -EEXIST;
        }
    }
    if (fib_count >= FIB_MAX_ENTRIES) {
        return -ENOSPC;
    }
    void* mem = kzalloc(sizeof(fib_entry), GFP_KERNEL);
    if (!mem) {
        return -ENOMEM;
    }
    auto* fe = new (mem) fib_entry{};
    fe->dst = cfg.dst;
    fe->prefixlen = static_cast<uint8_t>(cfg.prefixlen);
    fe->mask = inet_make_mask(cfg.prefixlen);
    fe->type = cfg.type;
    fe->scope = scope;
    fe->protocol = cfg.protocol;
    fe->gw = cfg.gw;
    fe->dev = dev;
    dev_hold(dev);
    fe->prefsrc = cfg.prefsrc;
    fe->priority = cfg.priority;
    fe->mtu = cfg.mtu;
    fib_insert(fe);
    return 0;
}

int fib_del_route(const fib_config& cfg) {
    bh_guard bh;
    for (fib_entry& fe : fib_list(&fib_table)) {
        if (fe.dst != cfg.dst || fe.prefixlen != cfg.prefixlen) {
            continue;
        }
        if ((cfg.gw && fe.gw != cfg.gw) || (cfg.dev && fe.dev != cfg.dev) ||
            (cfg.priority && fe.priority != cfg.priority)) {
            continue;
        }
        fib_free(&fe);
        return 0;
    }
    return -ESRCH;
}

void fib_add_ifaddr(net_device* dev, __be32 local, unsigned prefixlen) {
    fib_config cfg;
    cfg.dst = local & inet_make_mask(prefixlen);
    cfg.prefixlen = prefixlen;
    cfg.dev = dev;
    cfg.prefsrc = local;
    cfg.protocol = RTPROT_KERNEL;
    fib_add_route(cfg);
}

void fib_del_ifaddr(net_device* dev, __be32 local, unsigned prefixlen) {
    bh_guard bh;
    __be32 dst = local & inet_make_mask(prefixlen);
    for (fib_entry& fe : fib_list(&fib_table)) {
        if (fe.dev != dev) {
            continue;
        }
        // Its connected route, and every route through a gateway that
        // only this subnet reached (Linux's fib_sync_down_addr).
        bool connected = fe.dst == dst && fe.prefixlen == prefixlen && !fe.gw && fe.prefsrc == local;
        bool via_subnet = fe.gw && ((fe.gw ^ local) & inet_make_mask(prefixlen)) == 0;
        if (connected || via_subnet) {
            fib_free(&fe);
        }
    }
}

void fib_replace_prefsrc(net_device* dev, __be32 old_src, __be32 new_src) {
    bh_guard bh;
    for (fib_entry& fe : fib_list(&fib_table)) {
        if (fe.dev == dev && fe.prefsrc == old_src) {
            fe.prefsrc = new_src;
        }
    }
    rt_cache_flush();
}

void fib_flush_dev(net_device* dev) {
    bh_guard bh;
    for (fib_entry& fe : fib_list(&fib_table)) {
        if (fe.dev == dev) {
            fib_free(&fe);
        }
    }
}

void fib_flush() {
    bh_guard bh;
    if (!fib_table.next) {
        INIT_LIST_HEAD(&fib_table);
    }
    for (fib_entry& fe : fib_list(&fib_table)) {
        fib_free(&fe);
    }
    fib_count = 0;
}

void fib_for_each(void (*fn)(const fib_entry& fe, void* arg), void* arg) {
    for (fib_entry& fe : fib_list(&fib_table)) {
        fn(fe, arg);
    }
}

unsigned inet_addr_type(__be32 addr) {
    bh_guard bh;  // the tables change only with softirqs (and so preemption) held off
    return classify(addr).type;
}

int ip_route_output_key(flowi4* fl4, rtable* rt) {
    bh_guard bh;
    *rt = rtable{};
    rt->rt_dst = fl4->daddr;
    __be32 daddr = fl4->daddr;
    if (fl4->saddr) {
        // Only our own addresses as source (Linux's __ip_dev_find check).
        if (!ipv4_is_unicast(fl4->saddr) || classify(fl4->saddr).type != RTN_LOCAL) {
            return -EINVAL;
        }
    }
    net_device* oif_dev = nullptr;
    if (fl4->flowi4_oif) {
        oif_dev = device_of(fl4->flowi4_oif);
        if (!oif_dev) {
            return -ENODEV;
        }
    }
    if (ipv4_is_zeronet(daddr)) {
        return -EINVAL;
    }
    addr_class c = classify(daddr);
    if (c.type == RTN_LOCAL) {
        return output_local(fl4, rt);  // whatever oif says, as Linux
    }
    if ((ipv4_is_lbcast(daddr) || ipv4_is_multicast(daddr)) && !oif_dev && fl4->saddr) {
        oif_dev = __ip_dev_find(fl4->saddr);  // "send from this address's link"
    }
    const fib_entry* fe = nullptr;
    net_device* dev = oif_dev;
    if (!dev || !(ipv4_is_lbcast(daddr) || ipv4_is_multicast(daddr))) {
        fe = fib_lookup(daddr, fl4->flowi4_oif);
        if (!fe) {
            return no_route();
        }
        if (fe->type != RTN_UNICAST) {
            IP_INC_STATS(IPSTATS_MIB_OUTNOROUTES);
            return fe->type == RTN_PROHIBIT ? -EACCES : -EHOSTUNREACH;
        }
        dev = fe->dev;
    }
    rt->dev = dev;
    rt->rt_gateway = fe && fe->gw ? fe->gw : daddr;
    rt->rt_mtu = route_mtu(fe, dev);
    if (ipv4_is_lbcast(daddr) || c.type == RTN_BROADCAST) {
        rt->rt_type = RTN_BROADCAST;
        rt->rt_flags = RTCF_BROADCAST | RTCF_LOCAL;
        rt->rt_gateway = daddr;
    } else if (ipv4_is_multicast(daddr)) {
        rt->rt_type = RTN_MULTICAST;
        rt->rt_flags = RTCF_MULTICAST;
        rt->rt_gateway = daddr;
    } else {
        rt->rt_type = RTN_UNICAST;
    }
    if (!fl4->saddr) {
        fl4->saddr = fe && fe->prefsrc ? fe->prefsrc : inet_select_addr(dev, rt->rt_gateway);
        if (!fl4->saddr) {
            return no_route();  // a device without an address cannot speak IP
        }
    }
    rt->rt_src = fl4->saddr;
    return 0;
}

int ip_route_input(sk_buff* skb, __be32 daddr, __be32 saddr, uint8_t tos, net_device* dev) {
    (void)tos;
    inet_skb_parm* cb = IPCB(skb);
    bool from_loopback = dev->flags & IFF_LOOPBACK;
    // RFC 1122 3.2.1.3: a source must name one host; 127/8 never arrives
    // from outside, nor is it sent to.
    if (ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr) || ipv4_is_class_e(saddr)) {
        return -EINVAL;
    }
    if (!from_loopback && (ipv4_is_loopback(saddr) || ipv4_is_loopback(daddr))) {
        return -EINVAL;
    }
    // Linux's fib_validate_source: from the wire, a source that is one of
    // our own addresses or a subnet broadcast is a martian (an echo of our
    // own broadcast, or a spoof). Our own broadcasts and groups looped
    // back by ip_mc_loop come as PACKET_LOOPBACK and pass.
    if (!from_loopback && skb->pkt_type != PACKET_LOOPBACK && saddr != 0) {
        unsigned t = classify(saddr).type;
        if (t == RTN_LOCAL || t == RTN_BROADCAST) {
            return -EINVAL;
        }
    }
    // A host without an address yet (DHCP) sends from 0.0.0.0 to broadcast.
    if (ipv4_is_lbcast(daddr) || (saddr == 0 && daddr == 0)) {
        cb->rt_type = RTN_BROADCAST;
        return 0;
    }
    if (ipv4_is_zeronet(saddr)) {
        return -EINVAL;
    }
    if (ipv4_is_multicast(daddr)) {
        in_device* in_dev = __in_dev_get(dev);
        if (!in_dev || !ip_check_mc(in_dev, daddr)) {
            return -EINVAL;
        }
        cb->rt_type = RTN_MULTICAST;
        return 0;
    }
    if (ipv4_is_zeronet(daddr)) {
        return -EINVAL;
    }
    addr_class c = classify(daddr);
    if (c.type == RTN_LOCAL || c.type == RTN_BROADCAST) {
        cb->rt_type = static_cast<uint8_t>(c.type);
        return 0;
    }
    return -EHOSTUNREACH;
}

int ip_rt_ioctl(unsigned cmd, const rtentry_in* rt) {
    if (cmd != SIOCADDRT && cmd != SIOCDELRT) {
        return -EINVAL;
    }
    fib_config cfg;
    int len = (rt->rt_flags & RTF_HOST) ? 32 : inet_mask_len(rt->rt_genmask);
    if (len < 0) {
        return -EINVAL;
    }
    cfg.prefixlen = static_cast<unsigned>(len);
    cfg.dst = rt->rt_dst;
    rtnl_guard rtnl;   // the device looked up stays while the route is added
    if ((cfg.dst & ~inet_make_mask(cfg.prefixlen)) != 0) {
        return -EINVAL;
    }
    if (rt->rt_flags & RTF_GATEWAY) {
        cfg.gw = rt->rt_gateway;
    }
    if (rt->rt_dev[0]) {
        char name[IFNAMSIZ];
        memcpy(name, rt->rt_dev, IFNAMSIZ);
        name[IFNAMSIZ - 1] = '\0';
        if (char* colon = strchr(name, ':')) {
            *colon = '\0';
        }
        cfg.dev = __dev_get_by_name(name);
        if (!cfg.dev) {
            return -ENODEV;
        }
    }
    cfg.priority = rt->rt_metric ? rt->rt_metric - 1 : 0;  // route(8) sends metric + 1
    cfg.mtu = rt->rt_mtu;
    cfg.type = (rt->rt_flags & RTF_REJECT) ? RTN_UNREACHABLE : RTN_UNICAST;
    if (cmd == SIOCDELRT) {
        return fib_del_route(cfg);
    }
    if (cfg.type == RTN_UNREACHABLE) {
        cfg.gw = 0;
    }
    return fib_add_route(cfg);
}

void ip_rt_init() {
    INIT_LIST_HEAD(&fib_table);
    fib_count = 0;
}
