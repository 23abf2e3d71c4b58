// The multicast addresses a device's receive filter lets through (Linux's
// net/core/dev_addr_lists.c), counted per address.
#include <string.h>

#include "kernel/mm/slab.h"
#include "kernel/softirq.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"

namespace {

netdev_hw_addr* find(net_device* dev, const uint8_t* addr) {
    for (netdev_hw_addr& ha : netdev_for_each_mc_addr(dev)) {
        if (memcmp(ha.addr, addr, dev->addr_len) == 0) {
            return &ha;
        }
    }
    return nullptr;
}

}  // namespace

int dev_mc_add(net_device* dev, const uint8_t* addr) {
    // The group bit (IEEE 802-2014 8.2.2) of the first octet as sent.
    if (dev->addr_len == 0 || !(addr[0] & 0x01)) {
        return -EINVAL;
    }
    {
        bh_guard bh;
        if (netdev_hw_addr* ha = find(dev, addr)) {
            ++ha->refcount;
            return 0;
        }
        auto* ha = static_cast<netdev_hw_addr*>(kzalloc(sizeof(netdev_hw_addr), GFP_ATOMIC));
        if (!ha) {
            return -ENOMEM;
        }
        memcpy(ha->addr, addr, dev->addr_len);
        ha->refcount = 1;
        list_add_tail(&ha->list, &dev->mc.list);
        ++dev->mc.count;
    }
    dev_set_rx_mode(dev);
    return 0;
}

int dev_mc_del(net_device* dev, const uint8_t* addr) {
    {
        bh_guard bh;
        netdev_hw_addr* ha = find(dev, addr);
        if (!ha) {
            return -ENOENT;
        }
        if (--ha->refcount > 0) {
            return 0;
        }
        list_del(&ha->list);
        --dev->mc.count;
        kfree(ha);
    }
    dev_set_rx_mode(dev);
    return 0;
}

void dev_mc_flush(net_device* dev) {
    bh_guard bh;
    for (netdev_hw_addr& ha : netdev_for_each_mc_addr(dev)) {
        list_del(&ha.list);
        kfree(&ha);
    }
    dev->mc.count = 0;
}
