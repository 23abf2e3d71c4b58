// The transmit path: dev_queue_xmit(), the per-device FIFO, NET_TX_SOFTIRQ
// and deferred frees from interrupt handlers (Linux's net/core/dev.c and
// the pfifo qdisc of net/sched/).
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/uapi/errno.h"
#include "net/core/dev_internal.h"
#include "net/core/netdevice.h"
#include "net/core/netfault.h"

namespace {

void set_sched(net_device* dev) {
    cpu::irq_guard guard;
    if (!(dev->state & __QDISC_STATE_SCHED)) {
        dev->state |= __QDISC_STATE_SCHED;
        list_add_tail(&dev->tx_sched, &this_softnet_data()->output_queue);
        raise_softirq_irqoff(NET_TX_SOFTIRQ);
    }
}

void clear_sched(net_device* dev) {
    cpu::irq_guard guard;
    if (dev->state & __QDISC_STATE_SCHED) {
        dev->state &= ~__QDISC_STATE_SCHED;
        list_del(&dev->tx_sched);
    }
}

void count_tx_dropped(net_device* dev) {
    cpu::irq_guard guard;  // drivers count in their interrupt handlers
    ++dev->stats.tx_dropped;
}

int netfault_xmit(sk_buff* skb, net_device* dev) { return dev->netdev_ops->ndo_start_xmit(skb, dev); }

// A frame the injected faults release later: back on the queue, marked so
// that it meets them only once, sent from NET_TX_SOFTIRQ.
void netfault_xmit_later(sk_buff* skb, net_device* dev) {
    if (!netif_running(dev) || skb_queue_len(&dev->qdisc.q) >= dev->tx_queue_len + 1) {
        count_tx_dropped(dev);
        kfree_skb(skb);
        return;
    }
    skb->netfault_done = 1;
    __skb_queue_tail(&dev->qdisc.q, skb);
    set_sched(dev);
}

constexpr netfault_ops netfault_tx_ops = {netfault_xmit, netfault_xmit_later};

// Taps first (once per frame, however often the driver says busy), then
// the injected faults if any (once per frame too), then the driver. After
// NETDEV_TX_OK the skb is the driver's: not touched.
netdev_tx_t dev_hard_start_xmit(sk_buff* skb, net_device* dev) {
    if (!skb->nit_done) {
        skb->nit_done = 1;
        if (netcore::taps_present()) {
            netcore::dev_queue_xmit_nit(skb, dev);
        }
    }
    netdev_tx_t rc;
    if (dev->netfault && !skb->netfault_done) {
        skb->netfault_done = 1;
        rc = static_cast<netdev_tx_t>(netfault_apply(dev, netfault_dir::tx, skb, netfault_tx_ops, NETDEV_TX_OK));
    } else {
        rc = dev->netdev_ops->ndo_start_xmit(skb, dev);
    }
    if (rc == NETDEV_TX_OK) {
        dev->trans_start = jiffies;
    }
    return rc;
}

// The driver refused it: back to the head of the queue, and another try
// from NET_TX_SOFTIRQ unless the driver stopped the queue (then
// netif_wake_queue schedules it).
void requeue(sk_buff* skb, net_device* dev) {
    __skb_queue_head(&dev->qdisc.q, skb);
    ++dev->qdisc.requeues;
    if (!netif_queue_stopped(dev)) {
        set_sched(dev);
    }
}

// Sends from the queue while the driver takes frames, at most
// dev_tx_weight of them before letting others run.
void qdisc_run(net_device* dev) {
    for (int quota = dev_tx_weight; quota > 0; --quota) {
        if (!netif_running(dev) || netif_queue_stopped(dev)) {
            return;
        }
        sk_buff* skb = __skb_dequeue(&dev->qdisc.q);
        if (!skb) {
            return;
        }
        if (dev_hard_start_xmit(skb, dev) != NETDEV_TX_OK) {
            requeue(skb, dev);
            return;
        }
    }
    if (!skb_queue_empty(&dev->qdisc.q)) {
        set_sched(dev);
    }
}

// Devices without a queue (loopback): the driver takes it or it is lost.
int xmit_noqueue(sk_buff* skb, net_device* dev) {
    if (!netif_queue_stopped(dev) && dev_hard_start_xmit(skb, dev) == NETDEV_TX_OK) {
        return NET_XMIT_SUCCESS;
    }
    pr_warn("Virtual device %s asks to queue packet!\n", dev->name);
    count_tx_dropped(dev);
    kfree_skb(skb);
    return NET_XMIT_DROP;
}

// The last reference is kept (users stays 1) and freed in net_tx_action.
void defer_free(sk_buff* skb, bool consumed) {
    if (!skb) {
        return;
    }
    if (__atomic_load_n(&skb->users, __ATOMIC_ACQUIRE) != 1) {
        if (__atomic_sub_fetch(&skb->users, 1, __ATOMIC_ACQ_REL) != 0) {
            return;
        }
        skb->users = 1;
    }
    cpu::irq_guard guard;
    skb->free_consumed = consumed;
    softnet_data* sd = this_softnet_data();
    __skb_queue_tail(&sd->completion_queue, skb);
    raise_softirq_irqoff(NET_TX_SOFTIRQ);
}

}  // namespace

namespace netcore {

void qdisc_reset(net_device* dev) {
    bh_guard bh;
    clear_sched(dev);
    __skb_queue_purge(&dev->qdisc.q);
}

}  // namespace netcore

int dev_queue_xmit(sk_buff* skb) {
    net_device* dev = skb->dev;
    if (!dev) {
        pr_err("dev_queue_xmit: frame without a device dropped\n");
        kfree_skb(skb);
        return -EINVAL;
    }
    bh_guard bh;
    if (!netif_running(dev)) {
        count_tx_dropped(dev);
        kfree_skb(skb);
        return -ENETDOWN;
    }
    skb_reset_mac_header(skb);
    skb->netfault_done = 0;  // a new frame for this device
    // A sum left for the device that it cannot fill in: done here, before
    // the taps see the frame (Linux's validate_xmit_skb).
    if (skb->ip_summed == CHECKSUM_PARTIAL && !(dev->features & NETIF_F_HW_CSUM) && skb_checksum_help(skb)) {
        count_tx_dropped(dev);
        kfree_skb(skb);
        return -ENOMEM;
    }
    if (dev->tx_queue_len == 0) {
        return xmit_noqueue(skb, dev);
    }
    Qdisc* q = &dev->qdisc;
    if (skb_queue_empty(&q->q) && !netif_queue_stopped(dev)) {
        // Nothing waits: straight to the driver (Linux's TCQ_F_CAN_BYPASS).
        if (dev_hard_start_xmit(skb, dev) != NETDEV_TX_OK) {
            requeue(skb, dev);
        }
        return NET_XMIT_SUCCESS;
    }
    if (skb_queue_len(&q->q) >= dev->tx_queue_len) {
        ++q->drops;
        count_tx_dropped(dev);
        kfree_skb(skb);
        return NET_XMIT_DROP;
    }
    __skb_queue_tail(&q->q, skb);
    qdisc_run(dev);
    return NET_XMIT_SUCCESS;
}

void netif_start_queue(net_device* dev) {
    cpu::irq_guard guard;
    dev->state &= ~__QUEUE_STATE_DRV_XOFF;
}

void netif_stop_queue(net_device* dev) {
    cpu::irq_guard guard;
    dev->state |= __QUEUE_STATE_DRV_XOFF;
}

void netif_wake_queue(net_device* dev) {
    cpu::irq_guard guard;
    if (dev->state & __QUEUE_STATE_DRV_XOFF) {
        dev->state &= ~__QUEUE_STATE_DRV_XOFF;
        set_sched(dev);
    }
}

void dev_kfree_skb_irq(sk_buff* skb) { defer_free(skb, false); }
void dev_consume_skb_irq(sk_buff* skb) { defer_free(skb, true); }

void dev_kfree_skb_any(sk_buff* skb) {
    if (in_hardirq() || cpu::irqs_disabled()) {
        dev_kfree_skb_irq(skb);
    } else {
        kfree_skb(skb);
    }
}

void dev_consume_skb_any(sk_buff* skb) {
    if (in_hardirq() || cpu::irqs_disabled()) {
        dev_consume_skb_irq(skb);
    } else {
        consume_skb(skb);
    }
}

void net_tx_action() {
    softnet_data* sd = this_softnet_data();
    if (!skb_queue_empty(&sd->completion_queue)) {
        sk_buff_head done;
        __skb_queue_head_init(&done);
        {
            cpu::irq_guard guard;
            skb_queue_splice_tail_init(&sd->completion_queue, &done);
        }
        while (sk_buff* skb = __skb_dequeue(&done)) {
            if (skb->free_consumed) {
                consume_skb(skb);
            } else {
                kfree_skb(skb);
            }
        }
    }
    if (!list_empty(&sd->output_queue)) {
        list_head devs;
        {
            cpu::irq_guard guard;
            // Take the list: devices rescheduled while it runs go on a new one.
            devs.next = sd->output_queue.next;
            devs.prev = sd->output_queue.prev;
            devs.next->prev = &devs;
            devs.prev->next = &devs;
            INIT_LIST_HEAD(&sd->output_queue);
        }
        for (net_device& dev : list_entries<net_device, &net_device::tx_sched>(&devs)) {
            {
                cpu::irq_guard guard;
                list_del(&dev.tx_sched);
                dev.state &= ~__QDISC_STATE_SCHED;
            }
            qdisc_run(&dev);
        }
    }
}
