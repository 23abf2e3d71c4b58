// Devices: allocation, registration, lookup, up/down, flags, notifiers.
// The receive path is in dev_rx.cpp, the transmit path in dev_tx.cpp.
#include <stdio.h>
#include <string.h>

#include <initializer_list>
#include <new>

#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/mm/slab.h"
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/uapi/errno.h"
#include "net/core/dev_internal.h"
#include "net/core/netfault.h"
#include "net/core/netdevice.h"
#include "net/core/rtnetlink.h"
#include "net/core/selftest.h"

net init_net;

namespace {

raw_notifier_head netdev_chain;

size_t netdev_alloc_size(size_t sizeof_priv) {
    size_t base = (sizeof(net_device) + NETDEV_ALIGN - 1) / NETDEV_ALIGN * NETDEV_ALIGN;
    return base + sizeof_priv;
}

bool name_valid(const char* name) {
    size_t n = strnlen(name, IFNAMSIZ);
    if (n == 0 || n == IFNAMSIZ || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        return false;
    }
    for (const char* p = name; *p; ++p) {
        if (*p == '/' || *p == ':' || *p == ' ' || *p == '\t' || *p == '\n') {
            return false;
        }
    }
    return true;
}

// Completes "eth%d" with the lowest unit number not in use (Linux's
// dev_alloc_name); names without %d are taken as they are.
int resolve_name(net_device* dev) {
    const char* pct = strchr(dev->name, '%');
    if (!pct) {
        return __dev_get_by_name(dev->name) ? -EEXIST : 0;
    }
    if (pct[1] != 'd' || strchr(pct + 2, '%')) {
        return -EINVAL;
    }
    char fmt[IFNAMSIZ];
    memcpy(fmt, dev->name, sizeof fmt);
    constexpr int max_units = 256;
    for (int unit = 0; unit < max_units; ++unit) {
        char buf[IFNAMSIZ + 8];
        snprintf(buf, sizeof buf, fmt, unit);
        if (strlen(buf) >= IFNAMSIZ) {
            return -EINVAL;
        }
        if (!__dev_get_by_name(buf)) {
            memcpy(dev->name, buf, IFNAMSIZ);
            return 0;
        }
    }
    return -ENFILE;
}

int notify(netdev_cmd event, net_device* dev) {
    netdev_notifier_info info{dev};
    return notifier_to_errno(raw_notifier_call_chain(&netdev_chain, event, &info));
}

void set_state(net_device* dev, unsigned long set, unsigned long clear) {
    cpu::irq_guard guard;
    dev->state = (dev->state | set) & ~clear;
}

// The device's counter of users of a flag: promiscuity or allmulti.
int change_counted_flag(net_device* dev, unsigned int& users, unsigned int flag, int inc, const char* what) {
    long now = static_cast<long>(users) + inc;
    if (now < 0 || now > 0x7fffffff) {
        pr_warn("%s: %s counter would overflow; unchanged\n", dev->name, what);
        return -EOVERFLOW;
    }
    unsigned old_flags = dev->flags;
    users = static_cast<unsigned>(now);
    dev->flags = users ? dev->flags | flag : dev->flags & ~flag;
    if (dev->flags != old_flags) {
        if (flag == IFF_PROMISC) {
            pr_info("device %s %s promiscuous mode\n", dev->name, users ? "entered" : "left");
        }
        dev_set_rx_mode(dev);
    }
    return 0;
}

}  // namespace

namespace netcore {

void reset_devices() {
    INIT_LIST_HEAD(&init_net.dev_base_head);
    init_net.loopback_dev = nullptr;
    init_net.ifindex = 0;
    netdev_chain.head = nullptr;
}

}  // namespace netcore

net_device* alloc_netdev(size_t sizeof_priv, const char* name, void (*setup)(net_device* dev)) {
    if (!name || strlen(name) >= IFNAMSIZ) {
        pr_err("alloc_netdev: bad name\n");
        return nullptr;
    }
    void* mem = kzalloc(netdev_alloc_size(sizeof_priv), GFP_KERNEL);
    if (!mem) {
        return nullptr;
    }
    auto* dev = new (mem) net_device{};
    strcpy(dev->name, name);
    INIT_LIST_HEAD(&dev->mc.list);
    INIT_LIST_HEAD(&dev->napi_list);
    skb_queue_head_init(&dev->qdisc.q);
    dev->mtu = dev->max_mtu = ETH_DATA_LEN;
    dev->tx_queue_len = DEFAULT_TX_QUEUE_LEN;
    if (setup) {
        setup(dev);
    }
    return dev;
}

void free_netdev(net_device* dev) {
    if (!dev) {
        return;
    }
    if (dev->reg_state == NETREG_REGISTERED) {
        pr_err("free_netdev: %s is still registered; not freed\n", dev->name);
        return;
    }
    if (dev->refcnt) {
        pr_err("free_netdev: %s still has %d users; not freed\n", dev->name, dev->refcnt);
        return;
    }
    dev_mc_flush(dev);
    kfree(dev);
}

int register_netdevice(net_device* dev) {
    ASSERT_RTNL();
    if (dev->reg_state != NETREG_UNINITIALIZED) {
        return -EINVAL;
    }
    if (!dev->netdev_ops || !dev->netdev_ops->ndo_start_xmit) {
        pr_err("register_netdevice: %s has no ndo_start_xmit\n", dev->name);
        return -EINVAL;
    }
    bh_guard bh;
    int err = resolve_name(dev);
    if (err == 0 && !name_valid(dev->name)) {
        err = -EINVAL;
    }
    if (err) {
        return err;
    }
    if (dev->netdev_ops->ndo_init && (err = dev->netdev_ops->ndo_init(dev)) != 0) {
        return err;
    }
    dev->ifindex = ++init_net.ifindex;
    netfault_attach(dev);
    list_add_tail(&dev->dev_list, &init_net.dev_base_head);
    dev->reg_state = NETREG_REGISTERED;
    notify(NETDEV_REGISTER, dev);
    return 0;
}

void unregister_netdevice(net_device* dev) {
    ASSERT_RTNL();
    if (dev->reg_state != NETREG_REGISTERED) {
        pr_err("unregister_netdevice: %s is not registered\n", dev->name);
        return;
    }
    dev_close(dev);
    bh_guard bh;
    notify(NETDEV_UNREGISTER, dev);
    list_del(&dev->dev_list);
    dev->reg_state = NETREG_UNREGISTERED;
    netcore::flush_backlog(dev);
    netfault_detach(dev);
    for (napi_struct& napi : list_entries<napi_struct, &napi_struct::dev_list>(&dev->napi_list)) {
        netif_napi_del(&napi);
    }
    if (dev->netdev_ops->ndo_uninit) {
        dev->netdev_ops->ndo_uninit(dev);
    }
    if (init_net.loopback_dev == dev) {
        init_net.loopback_dev = nullptr;
    }
    if (dev->refcnt) {
        pr_warn("unregister_netdevice: %s still has %d users\n", dev->name, dev->refcnt);
    }
}

int register_netdev(net_device* dev) {
    rtnl_guard rtnl;
    return register_netdevice(dev);
}

void unregister_netdev(net_device* dev) {
    rtnl_guard rtnl;
    unregister_netdevice(dev);
}

net_device* __dev_get_by_name(const char* name) {
    for (net_device& dev : for_each_netdev()) {
        if (strncmp(dev.name, name, IFNAMSIZ) == 0) {
            return &dev;
        }
    }
    return nullptr;
}

net_device* dev_get_by_name(const char* name) {
    bh_guard bh;
    net_device* dev = __dev_get_by_name(name);
    dev_hold(dev);
    return dev;
}

net_device* __dev_get_by_index(int ifindex) {
    for (net_device& dev : for_each_netdev()) {
        if (dev.ifindex == ifindex) {
            return &dev;
        }
    }
    return nullptr;
}

net_device* dev_get_by_index(int ifindex) {
    bh_guard bh;
    net_device* dev = __dev_get_by_index(ifindex);
    dev_hold(dev);
    return dev;
}

int dev_open(net_device* dev) {
    ASSERT_RTNL();
    if (dev->reg_state != NETREG_REGISTERED) {
        return -ENODEV;
    }
    if (netif_running(dev)) {
        return 0;
    }
    // ndo_open runs without softirqs held off: it may wait for the hardware.
    set_state(dev, __LINK_STATE_START, 0);
    int err = dev->netdev_ops->ndo_open ? dev->netdev_ops->ndo_open(dev) : 0;
    if (err) {
        set_state(dev, 0, __LINK_STATE_START);
        return err;
    }
    dev->flags |= IFF_UP;
    dev_set_rx_mode(dev);
    notify(NETDEV_UP, dev);
    return 0;
}

int dev_close(net_device* dev) {
    ASSERT_RTNL();
    if (!netif_running(dev)) {
        return 0;
    }
    notify(NETDEV_GOING_DOWN, dev);
    set_state(dev, 0, __LINK_STATE_START);
    netcore::qdisc_reset(dev);
    if (dev->netdev_ops->ndo_stop) {
        dev->netdev_ops->ndo_stop(dev);
    }
    netfault_flush(dev);  // after ndo_stop: nothing more arrives to hold
    dev->flags &= ~IFF_UP;
    notify(NETDEV_DOWN, dev);
    return 0;
}

unsigned int dev_get_flags(const net_device* dev) {
    unsigned flags = dev->flags & ~(IFF_RUNNING | IFF_LOWER_UP);
    if (netif_running(dev) && netif_carrier_ok(dev)) {
        flags |= IFF_RUNNING | IFF_LOWER_UP;
    }
    return flags;
}

int dev_change_flags(net_device* dev, unsigned int flags) {
    ASSERT_RTNL();
    constexpr unsigned settable = IFF_DEBUG | IFF_NOTRAILERS | IFF_NOARP | IFF_DYNAMIC | IFF_MULTICAST |
                                  IFF_PORTSEL | IFF_AUTOMEDIA;
    unsigned old = dev->flags;
    dev->flags = (old & ~settable) | (flags & settable);
    int err = 0;
    if ((old ^ flags) & IFF_UP) {
        err = (flags & IFF_UP) ? dev_open(dev) : dev_close(dev);
    }
    // The administrator's promiscuous and allmulti wishes (gflags) count as
    // one user each, besides packet sockets and the like.
    for (unsigned flag : {IFF_PROMISC, IFF_ALLMULTI}) {
        if (!err && ((flags ^ dev->gflags) & flag)) {
            int inc = (flags & flag) ? 1 : -1;
            err = flag == IFF_PROMISC ? dev_set_promiscuity(dev, inc) : dev_set_allmulti(dev, inc);
            if (!err) {
                dev->gflags ^= flag;
            }
        }
    }
    if (!err && dev->flags != old) {
        notify(NETDEV_CHANGE, dev);
    }
    return err;
}

int dev_set_promiscuity(net_device* dev, int inc) {
    return change_counted_flag(dev, dev->promiscuity, IFF_PROMISC, inc, "promiscuity");
}

int dev_set_allmulti(net_device* dev, int inc) {
    return change_counted_flag(dev, dev->allmulti, IFF_ALLMULTI, inc, "allmulti");
}

void dev_set_rx_mode(net_device* dev) {
    if (netif_running(dev) && dev->netdev_ops->ndo_set_rx_mode) {
        bh_guard bh;
        dev->netdev_ops->ndo_set_rx_mode(dev);
    }
}

int dev_set_mtu(net_device* dev, int new_mtu) {
    ASSERT_RTNL();
    if (new_mtu < 0 || static_cast<unsigned>(new_mtu) < dev->min_mtu ||
        static_cast<unsigned>(new_mtu) > dev->max_mtu) {
        return -EINVAL;
    }
    if (static_cast<unsigned>(new_mtu) == dev->mtu) {
        return 0;
    }
    if (dev->netdev_ops->ndo_change_mtu) {
        if (int err = dev->netdev_ops->ndo_change_mtu(dev, new_mtu)) {
            return err;
        }
    }
    dev->mtu = static_cast<unsigned>(new_mtu);
    notify(NETDEV_CHANGEMTU, dev);
    return 0;
}

const net_device_stats* dev_get_stats(net_device* dev) {
    if (dev->netdev_ops && dev->netdev_ops->ndo_get_stats) {
        return dev->netdev_ops->ndo_get_stats(dev);
    }
    return &dev->stats;
}

void netif_carrier_on(net_device* dev) {
    bool changed;
    {
        cpu::irq_guard guard;
        changed = dev->state & __LINK_STATE_NOCARRIER;
        dev->state &= ~__LINK_STATE_NOCARRIER;
    }
    if (changed && !in_hardirq()) {
        notify(NETDEV_CHANGE, dev);
    }
}

void netif_carrier_off(net_device* dev) {
    bool changed;
    {
        cpu::irq_guard guard;
        changed = !(dev->state & __LINK_STATE_NOCARRIER);
        dev->state |= __LINK_STATE_NOCARRIER;
    }
    if (changed && !in_hardirq()) {
        notify(NETDEV_CHANGE, dev);
    }
}

int register_netdevice_notifier(notifier_block* nb) {
    rtnl_guard rtnl;   // the replay may configure devices (ip=)
    bh_guard bh;
    int err = raw_notifier_chain_register(&netdev_chain, nb);
    if (err) {
        return err;
    }
    for (net_device& dev : for_each_netdev()) {
        netdev_notifier_info info{&dev};
        nb->notifier_call(nb, NETDEV_REGISTER, &info);
        if (netif_running(&dev)) {
            nb->notifier_call(nb, NETDEV_UP, &info);
        }
    }
    return 0;
}

int unregister_netdevice_notifier(notifier_block* nb) {
    bh_guard bh;
    return raw_notifier_chain_unregister(&netdev_chain, nb);
}

int call_netdevice_notifiers(netdev_cmd event, net_device* dev) { return notify(event, dev); }

void net_dev_init() {
    skb_init();
    netcore::reset_devices();
    netcore::reset_packet_types();
    netcore::softnet_init();
    netfault_init();  // before "lo" registers, so it can have faults too
    open_softirq(NET_TX_SOFTIRQ, net_tx_action);
    open_softirq(NET_RX_SOFTIRQ, net_rx_action);
    if (int err = loopback_net_init()) {
        pr_err("net: loopback device: error %d\n", err);
    }
    pr_info("NET: core up: %s ifindex %d, backlog %d, budget %d\n", init_net.loopback_dev ? "lo" : "no lo",
            init_net.loopback_dev ? init_net.loopback_dev->ifindex : 0, netdev_max_backlog, netdev_budget);
    if (cmdline::get("net_selftest")) {
        net_selftest_start();
    }
}
