// The loopback device "lo" (Linux's drivers/net/loopback.c, here portable):
// every frame sent through it comes back through netif_rx().
#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/core/rtnetlink.h"
#include "net/ethernet/etherdevice.h"

namespace {

constexpr unsigned LOOPBACK_MTU = 64 * 1024;

// Called with softirqs disabled (dev_queue_xmit), so netif_rx() only queues:
// the frame is received when the sender's bh_enable runs NET_RX_SOFTIRQ,
// never recursively inside the sender.
netdev_tx_t loopback_xmit(sk_buff* skb, net_device* dev) {
    skb->tstamp = 0;   // stamped again on the way in
    skb_orphan(skb);   // no longer the sending socket's memory
    skb->nit_done = 0;
    skb->protocol = eth_type_trans(skb, dev);
    // The bytes never left memory: nothing to verify, and a sum left to
    // the device (CHECKSUM_PARTIAL) stays unfilled, as Linux's loopback
    // does with its checksum offload. lo.verify_csum=1 makes every sum
    // real and checked by the receiver instead, so that a test over lo
    // can catch a checksum bug.
    if (!(dev->features & NETIF_F_HW_CSUM)) {
        skb->ip_summed = CHECKSUM_NONE;   // dev_queue_xmit filled in any partial sum
    } else if (skb->ip_summed != CHECKSUM_PARTIAL) {
        skb->ip_summed = CHECKSUM_UNNECESSARY;
    }
    skb->netfault_done = 0;  // it arrives anew: receive faults apply
    unsigned len = skb->len;
    if (netif_rx(skb) == NET_RX_SUCCESS) {
        cpu::irq_guard guard;
        ++dev->stats.tx_packets;
        dev->stats.tx_bytes += len;
        ++dev->stats.rx_packets;
        dev->stats.rx_bytes += len;
    }
    return NETDEV_TX_OK;
}

const net_device_ops loopback_ops = {
    .ndo_init = nullptr,
    .ndo_uninit = nullptr,
    .ndo_open = nullptr,
    .ndo_stop = nullptr,
    .ndo_start_xmit = loopback_xmit,
    .ndo_set_rx_mode = nullptr,
    .ndo_change_mtu = nullptr,
    .ndo_get_stats = nullptr,
};

}  // namespace

void loopback_setup(net_device* dev) {
    dev->mtu = LOOPBACK_MTU;
    dev->min_mtu = ETH_MIN_MTU;
    dev->max_mtu = LOOPBACK_MTU;
    dev->hard_header_len = ETH_HLEN;
    dev->addr_len = ETH_ALEN;
    dev->tx_queue_len = 0;
    dev->type = ARPHRD_LOOPBACK;
    dev->flags = IFF_LOOPBACK;
    dev->header_ops = &eth_header_ops;
    dev->netdev_ops = &loopback_ops;
    dev->features = cmdline::get_int("lo.verify_csum", 0) ? 0 : NETIF_F_HW_CSUM;
}

int loopback_net_init() {
    net_device* dev = alloc_netdev(0, "lo", loopback_setup);
    if (!dev) {
        return -ENOMEM;
    }
    rtnl_guard rtnl;
    int err = register_netdevice(dev);
    if (err) {
        free_netdev(dev);
        return err;
    }
    init_net.loopback_dev = dev;
    return dev_open(dev);
}
