#include "drivers/net/eth_netdev.h"

#include <string.h>

#include "drivers/net/eth_hw.h"
#include "kernel/printk.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/core/rtnetlink.h"
#include "net/core/skbuff.h"
#include "net/ethernet/etherdevice.h"

namespace {

struct eth_priv {
    eth_hw* hw;
    napi_struct napi;
};

eth_priv* priv(net_device* dev) { return static_cast<eth_priv*>(netdev_priv(dev)); }

// The driver's receive buffer, or its copy of a short frame, as the skb.
void rx_frame(void* ctx, sk_buff* skb) {
    auto* dev = static_cast<net_device*>(ctx);
    skb->protocol = eth_type_trans(skb, dev);
    netif_receive_skb(skb);
}

int napi_poll(napi_struct* napi, int budget) {
    eth_hw* hw = priv(napi->dev)->hw;
    return hw->ops->poll(*hw, budget);
}

void rx_schedule(void* ctx) { napi_schedule(&priv(static_cast<net_device*>(ctx))->napi); }

bool rx_complete(void* ctx, int work) {
    return napi_complete_done(&priv(static_cast<net_device*>(ctx))->napi, work);
}

void tx_stop(void* ctx) { netif_stop_queue(static_cast<net_device*>(ctx)); }

void tx_wake(void* ctx) {
    auto* dev = static_cast<net_device*>(ctx);
    if (netif_queue_stopped(dev)) {
        netif_wake_queue(dev);
    }
}

void link_change(void* ctx, bool up) {
    auto* dev = static_cast<net_device*>(ctx);
    if (up) {
        netif_carrier_on(dev);
    } else {
        netif_carrier_off(dev);
    }
}

int ndo_open(net_device* dev) {
    eth_hw* hw = priv(dev)->hw;
    hw->hooks = {rx_frame, rx_schedule, rx_complete, tx_stop, tx_wake, dev, link_change};
    napi_enable(&priv(dev)->napi);
    netif_start_queue(dev);
    int err = hw->ops->open(*hw);
    if (err) {
        netif_stop_queue(dev);
        napi_disable(&priv(dev)->napi);
        return err;
    }
    if (hw->ops->link_up && !hw->ops->link_up(*hw)) {
        netif_carrier_off(dev);
    } else {
        netif_carrier_on(dev);
    }
    return 0;
}

int ndo_stop(net_device* dev) {
    eth_hw* hw = priv(dev)->hw;
    netif_stop_queue(dev);
    napi_disable(&priv(dev)->napi);
    hw->ops->stop(*hw);
    return 0;
}

// The driver sends from the skb's data and frees it when the card is done.
netdev_tx_t ndo_start_xmit(sk_buff* skb, net_device* dev) {
    eth_hw* hw = priv(dev)->hw;
    int err = hw->ops->xmit(*hw, skb);
    if (err == -EBUSY) {
        return NETDEV_TX_BUSY;   // the driver stopped the queue; the core keeps the skb
    }
    if (err) {
        ++dev->stats.tx_dropped;
        dev_kfree_skb_any(skb);
    }
    return NETDEV_TX_OK;
}

void ndo_set_rx_mode(net_device* dev) {
    eth_hw* hw = priv(dev)->hw;
    if (hw->ops->set_promisc) {
        hw->ops->set_promisc(*hw, dev->flags & IFF_PROMISC);
    }
    if (!hw->ops->set_multicast) {
        return;
    }
    uint8_t addrs[32][ETH_ALEN];
    size_t n = 0;
    for (netdev_hw_addr& ha : netdev_for_each_mc_addr(dev)) {
        if (n == 32) {
            break;
        }
        memcpy(addrs[n++], ha.addr, ETH_ALEN);
    }
    hw->ops->set_multicast(*hw, addrs, n);
}

net_device_stats* ndo_get_stats(net_device* dev) {
    eth_hw* hw = priv(dev)->hw;
    eth_stats s{};
    hw->ops->get_stats(*hw, s);
    net_device_stats& d = dev->stats;
    // Packets and bytes are counted by the controller; drops the core made
    // (backlog full, no skb) are in dev->stats already and are kept.
    d.rx_packets = s.rx_packets;
    d.tx_packets = s.tx_packets;
    d.rx_bytes = s.rx_bytes;
    d.tx_bytes = s.tx_bytes;
    d.rx_errors = s.rx_errors;
    d.tx_errors = s.tx_errors;
    d.multicast = s.multicast;
    d.collisions = s.collisions;
    d.rx_length_errors = s.rx_length_errors;
    d.rx_over_errors = s.rx_over_errors;
    d.rx_crc_errors = s.rx_crc_errors;
    d.rx_frame_errors = s.rx_frame_errors;
    d.rx_fifo_errors = s.rx_fifo_errors;
    d.rx_missed_errors = s.rx_missed_errors;
    d.tx_aborted_errors = s.tx_aborted_errors;
    d.tx_carrier_errors = s.tx_carrier_errors;
    d.tx_fifo_errors = s.tx_fifo_errors;
    d.tx_window_errors = s.tx_window_errors;
    return &d;
}

const net_device_ops eth_netdev_ops = {
    .ndo_init = nullptr,
    .ndo_uninit = nullptr,
    .ndo_open = ndo_open,
    .ndo_stop = ndo_stop,
    .ndo_start_xmit = ndo_start_xmit,
    .ndo_set_rx_mode = ndo_set_rx_mode,
    .ndo_change_mtu = nullptr,
    .ndo_get_stats = ndo_get_stats,
};

}  // namespace

net_device* eth_netdev_register(eth_hw& hw) {
    net_device* dev = alloc_etherdev(sizeof(eth_priv));
    if (!dev) {
        pr_err("%s: no memory for its net_device\n", hw.name);
        return nullptr;
    }
    strncpy(dev->name, hw.name, sizeof dev->name - 1);
    memcpy(dev->dev_addr, hw.dev_addr, ETH_ALEN);
    dev->netdev_ops = &eth_netdev_ops;
    priv(dev)->hw = &hw;
    netif_napi_add(dev, &priv(dev)->napi, napi_poll);
    // Registration runs the notifiers (ip= configures the device from
    // them) and dev_open: all under the RTNL, as Linux's register_netdev.
    rtnl_guard rtnl;
    if (int err = register_netdevice(dev)) {
        pr_err("%s: register_netdevice: %d\n", hw.name, err);
        free_netdev(dev);
        return nullptr;
    }
    // An embedded stack's one NIC comes up at boot; ip= gives it an address.
    if (int err = dev_open(dev)) {
        pr_err("%s: cannot bring it up: %d\n", dev->name, err);
    }
    return dev;
}
