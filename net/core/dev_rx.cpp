// The receive path: protocol handlers (ptype_all, ptype_base), the
// netif_rx() backlog, NAPI and NET_RX_SOFTIRQ (Linux's net/core/dev.c).
#include "kernel/cpu.h"
#include "kernel/jiffies.h"
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/trace.h"
#include "net/core/dev_internal.h"
#include "net/core/netdevice.h"
#include "net/core/netfault.h"

int netdev_max_backlog = 1000;
int netdev_budget = 300;
unsigned long netdev_budget_jiffies = 2;
int dev_tx_weight = 64;

namespace {

// Handlers by ntohs(type) & 15, as Linux's ptype_base: a short list to walk
// for each frame without a table of 65536 entries.
constexpr unsigned PTYPE_HASH_SIZE = 16;
constexpr unsigned PTYPE_HASH_MASK = PTYPE_HASH_SIZE - 1;

list_head ptype_all;
list_head ptype_base[PTYPE_HASH_SIZE];
softnet_data softnet;

using ptype_list = list_entries<packet_type, &packet_type::list>;

list_head* ptype_head(const packet_type* pt) {
    if (pt->type == htons(ETH_P_ALL)) {
        return &ptype_all;
    }
    return &ptype_base[ntohs(pt->type) & PTYPE_HASH_MASK];
}

void net_timestamp_check(sk_buff* skb) {
    if (!skb->tstamp) {
        skb->tstamp = ktime_get_ns();
    }
}

bool dev_matches(const packet_type& pt, const net_device* dev) { return !pt.dev || pt.dev == dev; }

// Every handler but the last gets a reference of its own.
int deliver_skb(sk_buff* skb, packet_type* pt_prev, net_device* orig_dev) {
    trace::scope t(trace::cat::rx, "deliver_skb");
    skb_get(skb);
    return pt_prev->func(skb, skb->dev, pt_prev, orig_dev);
}

// Linux's __netif_receive_skb_core: the taps, then the handlers of the
// frame's protocol. Handlers are called one step late (pt_prev), so that the
// last one gets the caller's reference instead of taking one more.
int __netif_receive_skb(sk_buff* skb) {
    trace::scope t(trace::cat::rx, "netif_receive_skb");
    net_device* dev = skb->dev;
    if (!dev) {
        pr_err("netif_receive_skb: frame without a device dropped\n");
        kfree_skb(skb);
        return NET_RX_DROP;
    }
    ++softnet.processed;
    skb_reset_network_header(skb);
    if (!skb_transport_header_was_set(skb)) {
        skb_reset_transport_header(skb);
    }
    skb_reset_mac_len(skb);
    if (skb->protocol == 0) {
        kfree_skb(skb);  // too short for its link header; the driver's eth_type_trans counted it
        return NET_RX_DROP;
    }
    packet_type* pt_prev = nullptr;
    for (packet_type& pt : ptype_list(&ptype_all)) {
        if (dev_matches(pt, dev)) {
            if (pt_prev) {
                deliver_skb(skb, pt_prev, dev);
            }
            pt_prev = &pt;
        }
    }
    __be16 type = skb->protocol;
    for (packet_type& pt : ptype_list(&ptype_base[ntohs(type) & PTYPE_HASH_MASK])) {
        if (pt.type == type && dev_matches(pt, dev)) {
            if (pt_prev) {
                deliver_skb(skb, pt_prev, dev);
            }
            pt_prev = &pt;
        }
    }
    if (pt_prev) {
        return pt_prev->func(skb, dev, pt_prev, dev);
    }
    {
        cpu::irq_guard guard;  // drivers count in their interrupt handlers
        ++dev->stats.rx_dropped;
        ++dev->stats.rx_nohandler;
    }
    kfree_skb(skb);
    return NET_RX_DROP;
}

// Linux's enqueue_to_backlog. The queue holds at most netdev_max_backlog
// frames (Linux lets one more in).
int enqueue_to_backlog(sk_buff* skb) {
    softnet_data* sd = &softnet;
    {
        cpu::irq_guard guard;
        if (skb_queue_len(&sd->input_pkt_queue) < static_cast<unsigned>(netdev_max_backlog)) {
            if (skb_queue_empty(&sd->input_pkt_queue) && !(sd->backlog.state & NAPI_STATE_SCHED)) {
                sd->backlog.state |= NAPI_STATE_SCHED;
                list_add_tail(&sd->backlog.poll_list, &sd->poll_list);
                raise_softirq_irqoff(NET_RX_SOFTIRQ);
            }
            __skb_queue_tail(&sd->input_pkt_queue, skb);
            return NET_RX_SUCCESS;
        }
        ++sd->dropped;
        ++skb->dev->stats.rx_dropped;
    }
    kfree_skb(skb);
    return NET_RX_DROP;
}

// The backlog's NAPI poll: delivers from process_queue, refilling it from
// input_pkt_queue in one step, so interrupts are masked once per batch
// rather than once per frame.
int process_backlog(napi_struct* napi, int quota) {
    softnet_data* sd = container_of(napi, &softnet_data::backlog);
    int work = 0;
    for (;;) {
        while (sk_buff* skb = __skb_dequeue(&sd->process_queue)) {
            __netif_receive_skb(skb);
            if (++work >= quota) {
                return work;
            }
        }
        cpu::irq_guard guard;
        if (skb_queue_empty(&sd->input_pkt_queue)) {
            napi->state = 0;  // the backlog is never disabled: done, without napi_complete
            return work;
        }
        skb_queue_splice_tail_init(&sd->input_pkt_queue, &sd->process_queue);
    }
}

// One instance's turn. At full weight it stays scheduled and goes on repoll.
int napi_poll(napi_struct* n, list_head* repoll) {
    int weight = n->weight;
    int work = n->poll(n, weight);
    if (work > weight) {
        pr_warn("napi: %s poll returned %d, more than its weight %d\n", n->dev ? n->dev->name : "backlog",
                work, weight);
        work = weight;
    }
    if (work < weight) {
        return work;  // it completed (napi_complete_done), or must have
    }
    cpu::irq_guard guard;
    if (!(n->state & NAPI_STATE_SCHED) || !list_empty(&n->poll_list)) {
        // Completed although it used its whole budget, or rescheduled
        // itself: either way it is not ours to requeue.
        return work;
    }
    list_add_tail(&n->poll_list, repoll);
    return work;
}

}  // namespace

namespace netcore {

void reset_packet_types() {
    INIT_LIST_HEAD(&ptype_all);
    for (list_head& h : ptype_base) {
        INIT_LIST_HEAD(&h);
    }
}

void softnet_init() {
    softnet_data* sd = &softnet;
    INIT_LIST_HEAD(&sd->poll_list);
    skb_queue_head_init(&sd->input_pkt_queue);
    __skb_queue_head_init(&sd->process_queue);
    INIT_LIST_HEAD(&sd->output_queue);
    skb_queue_head_init(&sd->completion_queue);
    INIT_LIST_HEAD(&sd->backlog.poll_list);
    INIT_LIST_HEAD(&sd->backlog.dev_list);
    sd->backlog.poll = process_backlog;
    sd->backlog.weight = NAPI_POLL_WEIGHT;
    sd->backlog.state = 0;
    sd->backlog.dev = nullptr;
    sd->processed = sd->dropped = sd->time_squeeze = 0;
}

void flush_backlog(net_device* dev) {
    softnet_data* sd = &softnet;
    sk_buff_head doomed;
    __skb_queue_head_init(&doomed);
    {
        cpu::irq_guard guard;
        for (sk_buff& skb : skb_queue_walk(&sd->input_pkt_queue)) {
            if (skb.dev == dev) {
                __skb_unlink(&skb, &sd->input_pkt_queue);
                __skb_queue_tail(&doomed, &skb);
            }
        }
    }
    for (sk_buff& skb : skb_queue_walk(&sd->process_queue)) {
        if (skb.dev == dev) {
            __skb_unlink(&skb, &sd->process_queue);
            __skb_queue_tail(&doomed, &skb);
        }
    }
    __skb_queue_purge(&doomed);
}

bool taps_present() { return !list_empty(&ptype_all); }

void dev_queue_xmit_nit(sk_buff* skb, net_device* dev) {
    sk_buff* skb2 = nullptr;
    packet_type* pt_prev = nullptr;
    for (packet_type& pt : ptype_list(&ptype_all)) {
        if (pt.ignore_outgoing || !dev_matches(pt, dev)) {
            continue;
        }
        if (pt.af_packet_priv && pt.af_packet_priv == skb->sk) {
            continue;  // the sending socket does not see its own frame
        }
        if (pt_prev) {
            deliver_skb(skb2, pt_prev, dev);
            pt_prev = &pt;
            continue;
        }
        skb2 = skb_clone(skb, GFP_ATOMIC);
        if (!skb2) {
            break;
        }
        net_timestamp_check(skb2);
        skb_reset_mac_header(skb2);
        if (skb_network_header(skb2) < skb2->data || skb_network_header(skb2) > skb_tail_pointer(skb2)) {
            skb_reset_network_header(skb2);
        }
        skb2->transport_header = skb2->network_header;
        skb2->pkt_type = PACKET_OUTGOING;
        pt_prev = &pt;
    }
    if (pt_prev) {
        pt_prev->func(skb2, dev, pt_prev, dev);
    }
}

}  // namespace netcore

void dev_add_pack(packet_type* pt) {
    bh_guard bh;
    list_add(&pt->list, ptype_head(pt));
}

void dev_remove_pack(packet_type* pt) {
    bh_guard bh;
    for (packet_type& p : ptype_list(ptype_head(pt))) {
        if (&p == pt) {
            list_del(&pt->list);
            return;
        }
    }
    pr_warn("dev_remove_pack: %p not found\n", static_cast<void*>(pt));
}

namespace {

// What the injected faults hand on (net/core/netfault.h): now through the
// entry point the driver called, later through the backlog.
int netfault_pass_receive(sk_buff* skb, net_device*) { return __netif_receive_skb(skb); }
int netfault_pass_backlog(sk_buff* skb, net_device*) { return enqueue_to_backlog(skb); }
void netfault_rx_later(sk_buff* skb, net_device*) { netif_rx(skb); }

constexpr netfault_ops netfault_receive_ops = {netfault_pass_receive, netfault_rx_later};
constexpr netfault_ops netfault_backlog_ops = {netfault_pass_backlog, netfault_rx_later};

}  // namespace

int netif_receive_skb(sk_buff* skb) {
    net_timestamp_check(skb);
    if (skb->dev && skb->dev->netfault && !skb->netfault_done) {
        skb->netfault_done = 1;
        return netfault_apply(skb->dev, netfault_dir::rx, skb, netfault_receive_ops, NET_RX_SUCCESS);
    }
    return __netif_receive_skb(skb);
}

int netif_rx(sk_buff* skb) {
    if (!skb->dev) {
        pr_err("netif_rx: frame without a device dropped\n");
        kfree_skb(skb);
        return NET_RX_DROP;
    }
    net_timestamp_check(skb);
    // Outside interrupt context nothing would run the softirq this raises
    // until the next interrupt: the bh_enable at the end runs it (Linux).
    bool need_bh_off = !(hardirq_count() | softirq_count());
    if (need_bh_off) {
        local_bh_disable();
    }
    int ret;
    if (skb->dev->netfault && !skb->netfault_done) {
        skb->netfault_done = 1;
        ret = netfault_apply(skb->dev, netfault_dir::rx, skb, netfault_backlog_ops, NET_RX_SUCCESS);
    } else {
        ret = enqueue_to_backlog(skb);
    }
    if (need_bh_off) {
        local_bh_enable();
    }
    return ret;
}

softnet_data* this_softnet_data() { return &softnet; }

void netif_napi_add(net_device* dev, napi_struct* napi, int (*poll)(napi_struct*, int), int weight) {
    INIT_LIST_HEAD(&napi->poll_list);
    napi->poll = poll;
    napi->weight = weight;
    napi->dev = dev;
    napi->state = NAPI_STATE_SCHED | NAPI_STATE_DISABLE;
    if (dev) {
        bh_guard bh;
        list_add_tail(&napi->dev_list, &dev->napi_list);
    } else {
        INIT_LIST_HEAD(&napi->dev_list);
    }
}

void netif_napi_del(napi_struct* napi) {
    napi_disable(napi);
    bh_guard bh;
    list_del(&napi->dev_list);
}

void napi_enable(napi_struct* napi) {
    cpu::irq_guard guard;
    napi->state &= ~(NAPI_STATE_SCHED | NAPI_STATE_MISSED | NAPI_STATE_DISABLE);
}

void napi_disable(napi_struct* napi) {
    cpu::irq_guard guard;
    if (!list_empty(&napi->poll_list)) {
        list_del(&napi->poll_list);
    }
    napi->state = NAPI_STATE_SCHED | NAPI_STATE_DISABLE;
}

bool napi_schedule_prep(napi_struct* napi) {
    cpu::irq_guard guard;
    if (napi->state & NAPI_STATE_DISABLE) {
        return false;
    }
    if (napi->state & NAPI_STATE_SCHED) {
        napi->state |= NAPI_STATE_MISSED;  // being polled: poll once more before completing
        return false;
    }
    napi->state |= NAPI_STATE_SCHED;
    return true;
}

void __napi_schedule(napi_struct* napi) {
    cpu::irq_guard guard;
    if (list_empty(&napi->poll_list)) {
        list_add_tail(&napi->poll_list, &softnet.poll_list);
    }
    raise_softirq_irqoff(NET_RX_SOFTIRQ);
}

bool napi_complete_done(napi_struct* napi, int work_done) {
    (void)work_done;
    cpu::irq_guard guard;
    if (napi->state & NAPI_STATE_DISABLE) {
        return false;
    }
    if (!list_empty(&napi->poll_list)) {
        list_del(&napi->poll_list);  // completed outside net_rx_action
    }
    if (napi->state & NAPI_STATE_MISSED) {
        // An interrupt came while it was polled and was told "already
        // scheduled": poll again rather than miss its frames.
        napi->state &= ~NAPI_STATE_MISSED;
        __napi_schedule(napi);
        return false;
    }
    napi->state &= ~NAPI_STATE_SCHED;
    return true;
}

void net_rx_action() {
    softnet_data* sd = &softnet;
    unsigned long time_limit = jiffies + netdev_budget_jiffies;
    int budget = netdev_budget;
    list_head list;
    list_head repoll;
    {
        cpu::irq_guard guard;
        list_splice_init(&sd->poll_list, &list);
    }
    for (;;) {
        if (list_empty(&list)) {
            if (list_empty(&repoll)) {
                return;
            }
            break;
        }
        napi_struct* n = container_of(list.next, &napi_struct::poll_list);
        {
            cpu::irq_guard guard;
            list_del(&n->poll_list);
        }
        budget -= napi_poll(n, &repoll);
        if (budget <= 0 || time_after_eq(jiffies, time_limit)) {
            ++sd->time_squeeze;
            break;
        }
    }
    // What is left, then what was scheduled meanwhile, then what used its
    // whole weight: goes back, and the softirq runs again.
    cpu::irq_guard guard;
    list_splice_tail_init(&sd->poll_list, &list);
    list_splice_tail_init(&repoll, &list);
    list_splice_init(&list, &sd->poll_list);
    if (!list_empty(&sd->poll_list)) {
        raise_softirq_irqoff(NET_RX_SOFTIRQ);
    }
}
