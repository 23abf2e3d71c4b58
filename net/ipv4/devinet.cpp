// Interface addresses and multicast membership (Linux's net/ipv4/devinet.c
// and the membership half of igmp.c).
#include <stdio.h>
#include <string.h>

#include <new>

#include "kernel/mm/slab.h"
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/core/rtnetlink.h"
#include "net/ethernet/etherdevice.h"
#include "net/ipv4/arp.h"
#include "net/ipv4/igmp.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/neighbour.h"
#include "net/ipv4/route.h"

namespace {

list_head in_devices;
notifier_block inetdev_notifier;

in_device* inetdev_init(net_device* dev) {
    if (in_device* in_dev = __in_dev_get(dev)) {
        return in_dev;
    }
    void* mem = kzalloc(sizeof(in_device), GFP_KERNEL);
    if (!mem) {
        pr_err("devinet: no memory for %s's IPv4 state\n", dev->name);
        return nullptr;
    }
    auto* in_dev = new (mem) in_device{};
    in_dev->dev = dev;
    INIT_LIST_HEAD(&in_dev->ifa_list);
    dev_hold(dev);
    list_add_tail(&in_dev->node, &in_devices);
    return in_dev;
}

bool is_loopback(const net_device* dev) { return dev->flags & IFF_LOOPBACK; }

// Another address of the device in the same subnet (the one that then
// carries the connected route).
in_ifaddr* same_subnet(in_device* in_dev, const in_ifaddr* ifa) {
    for (in_ifaddr& other : in_dev_for_each_ifa(in_dev)) {
        if (&other != ifa && other.ifa_prefixlen == ifa->ifa_prefixlen &&
            ((other.ifa_local ^ ifa->ifa_local) & ifa->ifa_mask) == 0) {
            return &other;
        }
    }
    return nullptr;
}

void ifa_free(in_ifaddr* ifa) {
    list_del(&ifa->node);
    --ifa->ifa_dev->ifa_count;
    kfree(ifa);
}

// Removes ifa with its route; a secondary of the same subnet becomes
// primary and keeps the route.
void inet_del_ifa(in_device* in_dev, in_ifaddr* ifa) {
    net_device* dev = in_dev->dev;
    in_ifaddr* heir = same_subnet(in_dev, ifa);
    if (!(ifa->ifa_flags & IFA_F_SECONDARY) && !is_loopback(dev)) {
        if (heir) {
            // Linux's promote_secondaries: the subnet stays reachable.
            heir->ifa_flags &= static_cast<uint8_t>(~IFA_F_SECONDARY);
            fib_replace_prefsrc(dev, ifa->ifa_local, heir->ifa_local);
        } else {
            fib_del_ifaddr(dev, ifa->ifa_local, ifa->ifa_prefixlen);
        }
    }
    char a[INET_ADDRSTRLEN];
    pr_info("IPv4: %s: address %s/%u removed\n", dev->name, in_ntoa(ifa->ifa_local, a), ifa->ifa_prefixlen);
    ifa_free(ifa);
}

void inetdev_destroy(in_device* in_dev) {
    while (!list_empty(&in_dev->ifa_list)) {
        inet_del_ifa(in_dev, container_of(in_dev->ifa_list.next, &in_ifaddr::node));
    }
    net_device* dev = in_dev->dev;
    for (unsigned i = 0; i < in_dev->mc_count; ++i) {
        uint8_t mac[ETH_ALEN];
        ip_eth_mc_map(in_dev->mc[i].multiaddr, mac);
        dev_mc_del(dev, mac);
    }
    fib_flush_dev(dev);
    neigh_ifdown(&arp_tbl, dev);
    list_del(&in_dev->node);
    dev_put(dev);
    kfree(in_dev);
}

// The device came up: loopback gets 127.0.0.1/8, every device 224.0.0.1,
// and its addresses are announced.
void inetdev_up(net_device* dev) {
    in_device* in_dev = inetdev_init(dev);
    if (!in_dev) {
        return;
    }
    if (is_loopback(dev) && list_empty(&in_dev->ifa_list)) {
        inet_ifa_add(dev, htonl(INADDR_LOOPBACK), 8, 0, nullptr);
    }
    if (is_loopback(dev) || (dev->flags & IFF_MULTICAST)) {
        if (!ip_check_mc(in_dev, htonl(INADDR_ALLHOSTS_GROUP))) {
            ip_mc_inc_group(in_dev, htonl(INADDR_ALLHOSTS_GROUP));
        }
    }
    for (in_ifaddr& ifa : in_dev_for_each_ifa(in_dev)) {
        arp_send_gratuitous(dev, ifa.ifa_local);
    }
}

int inetdev_event(notifier_block*, unsigned long event, void* ptr) {
    net_device* dev = netdev_notifier_info_to_dev(ptr);
    switch (event) {
    case NETDEV_REGISTER:
        inetdev_init(dev);
        break;
    case NETDEV_UP:
        inetdev_up(dev);
        break;
    case NETDEV_CHANGEADDR:
        if (in_device* in_dev = __in_dev_get(dev); in_dev && netif_running(dev)) {
            for (in_ifaddr& ifa : in_dev_for_each_ifa(in_dev)) {
                arp_send_gratuitous(dev, ifa.ifa_local);
            }
        }
        break;
    case NETDEV_DOWN:
        neigh_ifdown(&arp_tbl, dev);
        break;
    case NETDEV_UNREGISTER:
        if (in_device* in_dev = __in_dev_get(dev)) {
            inetdev_destroy(in_dev);
        }
        break;
    default:
        break;
    }
    return NOTIFY_DONE;
}

__be32 default_broadcast(__be32 local, unsigned prefixlen) {
    if (prefixlen >= 31) {
        return 0;
    }
    return local | ~inet_make_mask(prefixlen);
}

// "eth0:1" names the address labelled so; "eth0" the device's primary.
net_device* dev_of_label(const char* ifname, char* devname) {
    strncpy(devname, ifname, IFNAMSIZ - 1);
    devname[IFNAMSIZ - 1] = '\0';
    if (char* colon = strchr(devname, ':')) {
        *colon = '\0';
    }
    return __dev_get_by_name(devname);
}

in_ifaddr* ifa_of_label(in_device* in_dev, const char* ifname) {
    for (in_ifaddr& ifa : in_dev_for_each_ifa(in_dev)) {
        if (strncmp(ifa.ifa_label, ifname, IFNAMSIZ) == 0) {
            return &ifa;
        }
    }
    return nullptr;
}

int set_ifa_field(unsigned cmd, net_device* dev, in_device* in_dev, in_ifaddr* ifa, const char* label,
                  __be32 value) {
    switch (cmd) {
    case SIOCSIFADDR: {
        unsigned prefixlen = ifa ? ifa->ifa_prefixlen : static_cast<unsigned>(inet_mask_len(inet_classful_mask(value)));
        __be32 old = ifa ? ifa->ifa_local : 0;
        if (ifa) {
            inet_del_ifa(in_dev, ifa);
        }
        if (value == 0) {
            return 0;
        }
        int err = inet_ifa_add(dev, value, prefixlen, 0, label);
        if (err && old) {
            inet_ifa_add(dev, old, prefixlen, 0, label);  // put it back
        }
        return err;
    }
    case SIOCSIFNETMASK: {
        int len = inet_mask_len(value);
        if (!ifa) {
            return -EADDRNOTAVAIL;
        }
        if (len < 0) {
            return -EINVAL;
        }
        __be32 local = ifa->ifa_local;
        inet_del_ifa(in_dev, ifa);
        return inet_ifa_add(dev, local, static_cast<unsigned>(len), 0, label);
    }
    case SIOCSIFBRDADDR:
        if (!ifa) {
            return -EADDRNOTAVAIL;
        }
        ifa->ifa_broadcast = value;
        return 0;
    default:
        return -EINVAL;
    }
}

}  // namespace

in_device* __in_dev_get(const net_device* dev) {
    if (!in_devices.next) {
        return nullptr;
    }
    for (in_device& in_dev : list_entries<in_device, &in_device::node>(&in_devices)) {
        if (in_dev.dev == dev) {
            return &in_dev;
        }
    }
    return nullptr;
}

in_ifaddr* in_dev_primary_ifa(in_device* in_dev) {
    return list_first_entry_or_null<in_ifaddr, &in_ifaddr::node>(&in_dev->ifa_list);
}

void for_each_in_dev(void (*fn)(in_device& in_dev, void* arg), void* arg) {
    for (in_device& in_dev : list_entries<in_device, &in_device::node>(&in_devices)) {
        fn(in_dev, arg);
    }
}

in_ifaddr* inet_ifa_find(const net_device* dev, __be32 local) {
    in_device* in_dev = __in_dev_get(dev);
    if (!in_dev) {
        return nullptr;
    }
    for (in_ifaddr& ifa : in_dev_for_each_ifa(in_dev)) {
        if (ifa.ifa_local == local) {
            return &ifa;
        }
    }
    return nullptr;
}

int inet_ifa_add(net_device* dev, __be32 local, unsigned prefixlen, __be32 broadcast, const char* label) {
    ASSERT_RTNL();
    bh_guard bh;
    in_device* in_dev = __in_dev_get(dev);
    if (!in_dev) {
        return -ENODEV;
    }
    bool loop = is_loopback(dev);
    if (prefixlen > 32 || ipv4_is_zeronet(local) || ipv4_is_multicast(local) || ipv4_is_class_e(local) ||
        (ipv4_is_loopback(local) && !loop)) {
        return -EINVAL;
    }
    if (inet_ifa_find(dev, local)) {
        return -EEXIST;
    }
    if (in_dev->ifa_count >= IN_DEV_MAX_ADDRS) {
        return -ENOSPC;
    }
    void* mem = kzalloc(sizeof(in_ifaddr), GFP_KERNEL);
    if (!mem) {
        return -ENOMEM;
    }
    auto* ifa = new (mem) in_ifaddr{};
    ifa->ifa_dev = in_dev;
    ifa->ifa_local = ifa->ifa_address = local;
    ifa->ifa_prefixlen = static_cast<uint8_t>(prefixlen);
    ifa->ifa_mask = inet_make_mask(prefixlen);
    ifa->ifa_broadcast = loop ? 0 : (broadcast ? broadcast : default_broadcast(local, prefixlen));
    snprintf(ifa->ifa_label, sizeof ifa->ifa_label, "%s", label && *label ? label : dev->name);
    if (same_subnet(in_dev, ifa)) {
        ifa->ifa_flags |= IFA_F_SECONDARY;
    }
    list_add_tail(&ifa->node, &in_dev->ifa_list);
    ++in_dev->ifa_count;
    if (!(ifa->ifa_flags & IFA_F_SECONDARY) && !loop) {
        fib_add_ifaddr(dev, local, prefixlen);
    }
    char a[INET_ADDRSTRLEN];
    pr_info("IPv4: %s: address %s/%u\n", dev->name, in_ntoa(local, a), prefixlen);
    if (netif_running(dev)) {
        arp_send_gratuitous(dev, local);
    }
    return 0;
}

int inet_ifa_del(net_device* dev, __be32 local) {
    ASSERT_RTNL();
    bh_guard bh;
    in_device* in_dev = __in_dev_get(dev);
    if (!in_dev) {
        return -ENODEV;
    }
    in_ifaddr* ifa = inet_ifa_find(dev, local);
    if (!ifa) {
        return -EADDRNOTAVAIL;
    }
    inet_del_ifa(in_dev, ifa);
    return 0;
}

net_device* __ip_dev_find(__be32 addr) {
    for (in_device& in_dev : list_entries<in_device, &in_device::node>(&in_devices)) {
        for (in_ifaddr& ifa : in_dev_for_each_ifa(&in_dev)) {
            if (ifa.ifa_local == addr) {
                return in_dev.dev;
            }
        }
    }
    return nullptr;
}

__be32 inet_select_addr(const net_device* dev, __be32 dst) {
    in_device* in_dev = __in_dev_get(dev);
    if (!in_dev) {
        return 0;
    }
    __be32 primary = 0;
    for (in_ifaddr& ifa : in_dev_for_each_ifa(in_dev)) {
        if (ipv4_is_loopback(ifa.ifa_local) && !is_loopback(dev)) {
            continue;
        }
        if (dst && ((ifa.ifa_local ^ dst) & ifa.ifa_mask) == 0) {
            return ifa.ifa_local;
        }
        if (!primary) {
            primary = ifa.ifa_local;
        }
    }
    return primary;
}

void ip_eth_mc_map(__be32 group, uint8_t* mac) {
    uint32_t g = ntohl(group);
    mac[0] = 0x01;
    mac[1] = 0x00;
    mac[2] = 0x5e;
    mac[3] = static_cast<uint8_t>((g >> 16) & 0x7f);
    mac[4] = static_cast<uint8_t>(g >> 8);
    mac[5] = static_cast<uint8_t>(g);
}

bool ip_check_mc(const in_device* in_dev, __be32 group) {
    for (unsigned i = 0; i < in_dev->mc_count; ++i) {
        if (in_dev->mc[i].multiaddr == group) {
            return true;
        }
    }
    return false;
}

int ip_mc_inc_group(in_device* in_dev, __be32 group) {
    if (!ipv4_is_multicast(group)) {
        return -EINVAL;
    }
    bh_guard bh;
    for (unsigned i = 0; i < in_dev->mc_count; ++i) {
        if (in_dev->mc[i].multiaddr == group) {
            ++in_dev->mc[i].users;
            return 0;
        }
    }
    if (in_dev->mc_count == IN_DEV_MAX_MC) {
        return -ENOSPC;
    }
    in_dev->mc[in_dev->mc_count++] = {group, 1};
    if (!is_loopback(in_dev->dev)) {
        uint8_t mac[ETH_ALEN];
        ip_eth_mc_map(group, mac);
        dev_mc_add(in_dev->dev, mac);
    }
    igmp_group_added(in_dev, group);   // the report (RFC 2236 3)
    return 0;
}

int ip_mc_dec_group(in_device* in_dev, __be32 group) {
    bh_guard bh;
    for (unsigned i = 0; i < in_dev->mc_count; ++i) {
        if (in_dev->mc[i].multiaddr != group) {
            continue;
        }
        if (--in_dev->mc[i].users == 0) {
            igmp_group_dropped(in_dev, group);   // the leave
            in_dev->mc[i] = in_dev->mc[--in_dev->mc_count];
            if (!is_loopback(in_dev->dev)) {
                uint8_t mac[ETH_ALEN];
                ip_eth_mc_map(group, mac);
                dev_mc_del(in_dev->dev, mac);
            }
        }
        return 0;
    }
    return -ENOENT;
}

int devinet_ioctl(unsigned cmd, const char* ifname, __be32* value) {
    char devname[IFNAMSIZ];
    rtnl_guard rtnl;   // before bh_guard: it may sleep
    bh_guard bh;
    net_device* dev = dev_of_label(ifname, devname);
    in_device* in_dev = dev ? __in_dev_get(dev) : nullptr;
    if (!in_dev) {
        return -ENODEV;
    }
    in_ifaddr* ifa = ifa_of_label(in_dev, ifname);
    switch (cmd) {
    case SIOCGIFADDR:
    case SIOCGIFDSTADDR:
    case SIOCGIFBRDADDR:
    case SIOCGIFNETMASK:
        if (!ifa) {
            return -EADDRNOTAVAIL;
        }
        *value = cmd == SIOCGIFNETMASK   ? ifa->ifa_mask
                 : cmd == SIOCGIFBRDADDR ? ifa->ifa_broadcast
                                         : ifa->ifa_local;
        return 0;
    case SIOCSIFADDR:
    case SIOCSIFNETMASK:
    case SIOCSIFBRDADDR:
        return set_ifa_field(cmd, dev, in_dev, ifa, ifname, *value);
    default:
        return -EINVAL;
    }
}

void devinet_init() {
    INIT_LIST_HEAD(&in_devices);
    inetdev_notifier = {inetdev_event, nullptr, 0};
    register_netdevice_notifier(&inetdev_notifier);  // replays REGISTER and UP for lo
}

void devinet_exit() {
    unregister_netdevice_notifier(&inetdev_notifier);
    bh_guard bh;
    while (in_devices.next && !list_empty(&in_devices)) {
        inetdev_destroy(container_of(in_devices.next, &in_device::node));
    }
}
