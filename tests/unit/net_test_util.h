// Shared by the net core tests: a fresh slab and net core per test, leak
// accounting of sk_buffs, a fake Ethernet driver and a recording protocol
// handler.
#pragma once
#include <string.h>

#include <CppUTest/TestHarness.h>

#include "kernel/cpu.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/mm/slab.h"
#include "kernel/softirq.h"
#include "net/core/netdevice.h"
#include "net/core/rtnetlink.h"
#include "net/core/skb_fault.h"
#include "net/ethernet/etherdevice.h"
#include "tests/unit/host/host_stub.h"
#include "tests/unit/mm_arena.h"

namespace net_test {

inline void teardown() {
    skb_fail_allocations(0, 0);   // a failing test must not fail the next one's allocations
    mm::normal_zone().reset();
}

// Every sk_buff and data buffer allocated since mark() has been freed.
struct leak_check {
    unsigned long heads = skb_heads_in_use();
    unsigned long data = skb_data_in_use();
    void verify() const {
        LONGS_EQUAL(heads, skb_heads_in_use());
        LONGS_EQUAL(data, skb_data_in_use());
    }
};

// What a hardware interrupt handler runs in: masked, irq_enter ... irq_exit
// (which runs the softirqs raised meanwhile).
template <typename F>
void in_irq_handler(F f) {
    cpu::irq_guard guard;
    irq_enter();
    f();
    irq_exit();
}

constexpr uint8_t mac_a[ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0a};
constexpr uint8_t mac_b[ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0b};
constexpr uint8_t mac_bcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
constexpr uint8_t mac_mcast[ETH_ALEN] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};

// A frame as a driver receives it: dst, src, type, payload of n bytes
// (0, 1, 2, ...), in a buffer from netdev_alloc_skb_ip_align.
inline sk_buff* make_frame(net_device* dev, const uint8_t* dst, uint16_t type, unsigned payload) {
    sk_buff* skb = netdev_alloc_skb_ip_align(dev, ETH_HLEN + payload);
    CHECK_TRUE(skb != nullptr);
    auto* eth = static_cast<ethhdr*>(skb_put_zero(skb, ETH_HLEN));
    memcpy(eth->h_dest, dst, ETH_ALEN);
    memcpy(eth->h_source, mac_b, ETH_ALEN);
    eth->h_proto = htons(type);
    auto* p = static_cast<uint8_t*>(skb_put_zero(skb, payload));
    for (unsigned i = 0; i < payload; ++i) {
        p[i] = static_cast<uint8_t>(i);
    }
    return skb;
}

// A received frame, classified, ready for netif_rx / netif_receive_skb.
inline sk_buff* rx_frame(net_device* dev, uint16_t type, unsigned payload = 46, const uint8_t* dst = mac_a) {
    sk_buff* skb = make_frame(dev, dst, type, payload);
    skb->protocol = eth_type_trans(skb, dev);
    return skb;
}

// The fake driver: its frames land in priv->sent (it keeps the reference).
// busy_left > 0: that many NETDEV_TX_BUSY answers first, stopping the queue
// if stop_when_busy. ring: after that many frames in sent, stop the queue.
struct fake_priv {
    sk_buff_head sent;
    int xmit_calls;
    int busy_left;
    bool stop_when_busy;
    unsigned ring;
    int opens, stops, rx_mode_calls;
    int misaligned_ip;   // IPv4 frames whose IP header was not word aligned
};

inline fake_priv* priv_of(net_device* dev) { return static_cast<fake_priv*>(netdev_priv(dev)); }

inline netdev_tx_t fake_xmit(sk_buff* skb, net_device* dev) {
    fake_priv* p = priv_of(dev);
    ++p->xmit_calls;
    if (p->busy_left > 0) {
        --p->busy_left;
        if (p->stop_when_busy) {
            netif_stop_queue(dev);
        }
        return NETDEV_TX_BUSY;
    }
    // A real MIPS core takes an address error on the word stores that
    // built such a header (the host does not): counted for the tests.
    if (skb->len >= ETH_HLEN + 20 && skb->data[12] == 0x08 && skb->data[13] == 0x00 &&
        (reinterpret_cast<uintptr_t>(skb->data) + ETH_HLEN) % 4) {
        ++p->misaligned_ip;
    }
    __skb_queue_tail(&p->sent, skb);
    ++dev->stats.tx_packets;
    dev->stats.tx_bytes += skb->len;
    if (p->ring && skb_queue_len(&p->sent) >= p->ring) {
        netif_stop_queue(dev);
    }
    return NETDEV_TX_OK;
}

inline int fake_open(net_device* dev) {
    ++priv_of(dev)->opens;
    netif_start_queue(dev);
    return 0;
}
inline int fake_stop(net_device* dev) {
    ++priv_of(dev)->stops;
    netif_stop_queue(dev);
    return 0;
}
inline void fake_set_rx_mode(net_device* dev) { ++priv_of(dev)->rx_mode_calls; }

inline const net_device_ops fake_ops = {
    .ndo_init = nullptr,
    .ndo_uninit = nullptr,
    .ndo_open = fake_open,
    .ndo_stop = fake_stop,
    .ndo_start_xmit = fake_xmit,
    .ndo_set_rx_mode = fake_set_rx_mode,
    .ndo_change_mtu = nullptr,
    .ndo_get_stats = nullptr,
};

// "eth%d", registered with MAC mac_a; up unless told otherwise.
inline net_device* fake_etherdev(bool up = true) {
    net_device* dev = alloc_etherdev(sizeof(fake_priv));
    CHECK_TRUE(dev != nullptr);
    dev->netdev_ops = &fake_ops;
    memcpy(dev->dev_addr, mac_a, ETH_ALEN);
    skb_queue_head_init(&priv_of(dev)->sent);
    LONGS_EQUAL(0, register_netdev(dev));
    if (up) {
        rtnl_guard rtnl;
        LONGS_EQUAL(0, dev_open(dev));
    }
    return dev;
}

inline void destroy(net_device* dev) {
    __skb_queue_purge(&priv_of(dev)->sent);
    unregister_netdev(dev);
    free_netdev(dev);
}

// A protocol handler that logs each call: which handler, which skb, how
// many references it had then, its device; it keeps or frees its reference
// (so skb is only an identity afterwards, unless kept).
struct call {
    int id;
    sk_buff* skb;
    int users;
    uint8_t pkt_type;
    net_device* dev;
};
struct recorder {
    call calls[64];
    int n;
    bool keep;             // keep the skbs (in kept) instead of freeing them
    sk_buff* kept[64];
    int nkept;
    void release() {
        for (int i = 0; i < nkept; ++i) {
            kfree_skb(kept[i]);
        }
        nkept = 0;
    }
};
inline recorder rec;

template <int Id>
int record_rcv(sk_buff* skb, net_device*, packet_type*, net_device*) {
    if (rec.n < 64) {
        rec.calls[rec.n++] = {Id, skb, skb->users, skb->pkt_type, skb->dev};
    }
    if (rec.keep && rec.nkept < 64) {
        rec.kept[rec.nkept++] = skb;
    } else {
        consume_skb(skb);
    }
    return NET_RX_SUCCESS;
}

// Slab over the test arena, then the net core from nothing ("lo" included).
inline void setup() {
    host_stub::console.clear();
    do_softirq();  // whatever earlier tests left pending, before the reset
    mm::zone& z = mm::normal_zone();
    z.reset();
    CHECK_TRUE(z.add_range(mm_test::arena_start(), mm_test::arena_end()));
    CHECK_TRUE(z.init("Normal"));
    z.set_min_free_pages(0);
    kmem_cache_init();
    net_dev_init();
    netdev_max_backlog = 1000;
    netdev_budget = 300;
    netdev_budget_jiffies = 2;
    rec = recorder{};
}

}  // namespace net_test
