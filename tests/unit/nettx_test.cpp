// host-only: resets the slab allocator and the net core, which the live kernel owns.
#include <string.h>

#include <initializer_list>

#include "tests/unit/net_test_util.h"
#include "net/core/rtnetlink.h"

using net_test::fake_etherdev;
using net_test::in_irq_handler;
using net_test::priv_of;
using net_test::rec;
using net_test::record_rcv;

namespace {

// A frame ready for dev_queue_xmit: link header pushed, first payload byte n.
sk_buff* tx_frame(net_device* dev, uint8_t n, unsigned payload = 50) {
    sk_buff* skb = alloc_skb(ETH_HLEN + payload + NET_SKB_PAD, GFP_KERNEL);
    skb_reserve(skb, NET_SKB_PAD);
    auto* p = static_cast<uint8_t*>(skb_put_zero(skb, payload));
    p[0] = n;
    skb_reset_network_header(skb);
    CHECK_EQUAL(static_cast<int>(ETH_HLEN), dev_hard_header(skb, dev, ETH_P_IP, net_test::mac_b, nullptr, payload));
    skb->dev = dev;
    skb->protocol = htons(ETH_P_IP);
    return skb;
}

// The first payload bytes of what the driver sent, in order.
int sent_order(net_device* dev, uint8_t* out, int max) {
    int n = 0;
    for (sk_buff& skb : skb_queue_walk(&priv_of(dev)->sent)) {
        if (n < max) {
            out[n++] = skb.data[ETH_HLEN];
        }
    }
    return n;
}

packet_type tap_pt(int (*func)(sk_buff*, net_device*, packet_type*, net_device*)) {
    packet_type pt{};
    pt.type = htons(ETH_P_ALL);
    pt.func = func;
    return pt;
}

}  // namespace

TEST_GROUP(nettx) {
    net_test::leak_check leaks;
    net_device* dev;
    void setup() override {
        net_test::setup();
        leaks = net_test::leak_check{};
        dev = fake_etherdev();
    }
    void teardown() override {
        rec.release();
        net_test::destroy(dev);
        leaks.verify();
        net_test::teardown();
    }
};

TEST(nettx, straight_to_the_driver_and_a_clone_to_each_tap) {
    packet_type tap1 = tap_pt(record_rcv<1>);
    packet_type tap2 = tap_pt(record_rcv<2>);
    packet_type deaf = tap_pt(record_rcv<3>);
    deaf.ignore_outgoing = true;
    net_device* other = fake_etherdev();
    packet_type elsewhere = tap_pt(record_rcv<4>);
    elsewhere.dev = other;
    int sock_id;
    packet_type sender = tap_pt(record_rcv<5>);  // the sending packet socket
    sender.af_packet_priv = &sock_id;
    for (packet_type* pt : {&tap1, &tap2, &deaf, &elsewhere, &sender}) {
        dev_add_pack(pt);
    }
    rec.keep = true;
    sk_buff* skb = tx_frame(dev, 7);
    skb->sk = reinterpret_cast<sock*>(&sock_id);
    LONGS_EQUAL(NET_XMIT_SUCCESS, dev_queue_xmit(skb));
    LONGS_EQUAL(1, skb_queue_len(&priv_of(dev)->sent));
    POINTERS_EQUAL(skb, skb_peek(&priv_of(dev)->sent));
    LONGS_EQUAL(1, skb->users);  // the driver's alone
    LONGS_EQUAL(2, rec.n);
    LONGS_EQUAL(2, rec.calls[0].id);
    LONGS_EQUAL(1, rec.calls[1].id);
    sk_buff* copy = rec.calls[0].skb;
    POINTERS_EQUAL(copy, rec.calls[1].skb);  // one clone, shared by the taps
    CHECK_TRUE(copy != skb);
    POINTERS_EQUAL(skb->data, copy->data);  // no data copied
    LONGS_EQUAL(PACKET_OUTGOING, rec.calls[0].pkt_type);
    POINTERS_EQUAL(copy->data, skb_mac_header(copy));
    LONGS_EQUAL(ETH_HLEN, skb_network_offset(copy));
    CHECK_TRUE(skb_cloned(skb));
    rec.release();
    for (packet_type* pt : {&tap1, &tap2, &deaf, &elsewhere, &sender}) {
        dev_remove_pack(pt);
    }
    net_test::destroy(other);
}

TEST(nettx, busy_driver_frames_wait_then_go_in_order_once_woken) {
    packet_type tap = tap_pt(record_rcv<1>);
    dev_add_pack(&tap);
    {
        net_test::fake_priv* p = priv_of(dev);
        p->busy_left = 1;
        p->stop_when_busy = true;
        LONGS_EQUAL(NET_XMIT_SUCCESS, dev_queue_xmit(tx_frame(dev, 1)));
        CHECK_TRUE(netif_queue_stopped(dev));
        LONGS_EQUAL(NET_XMIT_SUCCESS, dev_queue_xmit(tx_frame(dev, 2)));
        LONGS_EQUAL(NET_XMIT_SUCCESS, dev_queue_xmit(tx_frame(dev, 3)));
        LONGS_EQUAL(1, p->xmit_calls);  // the stopped queue holds the rest
        LONGS_EQUAL(3, skb_queue_len(&dev->qdisc.q));
        LONGS_EQUAL(1, dev->qdisc.requeues);
        LONGS_EQUAL(1, rec.n);  // frame 1 was shown to the tap when first tried
        in_irq_handler([&] { netif_wake_queue(dev); });  // "transmit done" interrupt
        uint8_t order[3];
        LONGS_EQUAL(3, sent_order(dev, order, 3));
        LONGS_EQUAL(1, order[0]);
        LONGS_EQUAL(2, order[1]);
        LONGS_EQUAL(3, order[2]);
        LONGS_EQUAL(4, p->xmit_calls);
        LONGS_EQUAL(0, skb_queue_len(&dev->qdisc.q));
        LONGS_EQUAL(3, rec.n);  // each frame once, the retried one too
    }
    dev_remove_pack(&tap);
}

TEST(nettx, busy_without_stopping_is_retried_from_the_softirq) {
    priv_of(dev)->busy_left = 1;
    LONGS_EQUAL(NET_XMIT_SUCCESS, dev_queue_xmit(tx_frame(dev, 1)));
    // The bh_enable at the end of dev_queue_xmit ran NET_TX_SOFTIRQ.
    LONGS_EQUAL(2, priv_of(dev)->xmit_calls);
    LONGS_EQUAL(1, skb_queue_len(&priv_of(dev)->sent));
}

TEST(nettx, the_queue_is_bounded_by_tx_queue_len) {
    dev->tx_queue_len = 5;
    netif_stop_queue(dev);
    int ok = 0, dropped = 0;
    for (int i = 0; i < 8; ++i) {
        (dev_queue_xmit(tx_frame(dev, static_cast<uint8_t>(i))) == NET_XMIT_SUCCESS ? ok : dropped)++;
    }
    LONGS_EQUAL(5, ok);
    LONGS_EQUAL(3, dropped);
    LONGS_EQUAL(3, dev->stats.tx_dropped);
    LONGS_EQUAL(3, dev->qdisc.drops);
    in_irq_handler([&] { netif_wake_queue(dev); });
    LONGS_EQUAL(5, skb_queue_len(&priv_of(dev)->sent));
}

TEST(nettx, a_long_queue_drains_in_rounds_of_dev_tx_weight) {
    netif_stop_queue(dev);
    for (int i = 0; i < 150; ++i) {
        dev_queue_xmit(tx_frame(dev, static_cast<uint8_t>(i)));
    }
    in_irq_handler([&] { netif_wake_queue(dev); });
    LONGS_EQUAL(150, skb_queue_len(&priv_of(dev)->sent));
    uint8_t order[150];
    sent_order(dev, order, 150);
    for (int i = 0; i < 150; ++i) {
        LONGS_EQUAL(i, order[i]);
    }
}

TEST(nettx, a_driver_whose_ring_fills_stops_and_resumes) {
    priv_of(dev)->ring = 2;  // stops itself after two frames
    for (int i = 0; i < 5; ++i) {
        dev_queue_xmit(tx_frame(dev, static_cast<uint8_t>(i)));
    }
    LONGS_EQUAL(2, skb_queue_len(&priv_of(dev)->sent));
    LONGS_EQUAL(3, skb_queue_len(&dev->qdisc.q));
    in_irq_handler([&] {
        __skb_queue_purge(&priv_of(dev)->sent);  // the "hardware" sent them
        netif_wake_queue(dev);
    });
    LONGS_EQUAL(2, skb_queue_len(&priv_of(dev)->sent));  // ring full again
    LONGS_EQUAL(1, skb_queue_len(&dev->qdisc.q));
}

TEST(nettx, down_or_deviceless_frames_are_dropped) {
    {
        rtnl_guard rtnl;
        dev_close(dev);
    }
    LONGS_EQUAL(-ENETDOWN, dev_queue_xmit(tx_frame(dev, 1)));
    LONGS_EQUAL(1, dev->stats.tx_dropped);
    sk_buff* skb = tx_frame(dev, 2);
    skb->dev = nullptr;
    LONGS_EQUAL(-EINVAL, dev_queue_xmit(skb));
    LONGS_EQUAL(0, priv_of(dev)->xmit_calls);
}

TEST(nettx, closing_drops_what_waits) {
    netif_stop_queue(dev);
    dev_queue_xmit(tx_frame(dev, 1));
    dev_queue_xmit(tx_frame(dev, 2));
    {
        rtnl_guard rtnl;   // a sleeping lock: before bottom halves go off
        bh_guard bh;  // the softirq that would run it cannot: it is still scheduled at close
        netif_wake_queue(dev);
        netif_stop_queue(dev);
        CHECK_FALSE(list_empty(&this_softnet_data()->output_queue));
        dev_close(dev);
    }
    LONGS_EQUAL(0, skb_queue_len(&dev->qdisc.q));
    CHECK_TRUE(list_empty(&this_softnet_data()->output_queue));
}

TEST(nettx, frees_in_an_interrupt_handler_wait_for_the_softirq) {
    static bool destructor_in_hardirq;
    static int destructor_runs;
    destructor_runs = 0;
    sk_buff* dropped = alloc_skb(64, GFP_ATOMIC);
    sk_buff* sent = alloc_skb(64, GFP_ATOMIC);
    sk_buff* shared = alloc_skb(64, GFP_ATOMIC);
    skb_get(shared);
    sent->destructor = [](sk_buff*) {
        destructor_in_hardirq = in_hardirq();
        ++destructor_runs;
    };
    unsigned long drops = skb_stats().dropped, consumed = skb_stats().consumed;
    in_irq_handler([&] {
        dev_kfree_skb_any(dropped);
        dev_consume_skb_any(sent);
        dev_kfree_skb_irq(shared);  // not the last reference: only dropped
        LONGS_EQUAL(leaks.heads + 3, skb_heads_in_use());
        LONGS_EQUAL(2, skb_queue_len(&this_softnet_data()->completion_queue));
        LONGS_EQUAL(0, destructor_runs);
    });
    LONGS_EQUAL(leaks.heads + 1, skb_heads_in_use());
    LONGS_EQUAL(1, destructor_runs);
    CHECK_FALSE(destructor_in_hardirq);
    LONGS_EQUAL(drops + 1, skb_stats().dropped);
    LONGS_EQUAL(consumed + 1, skb_stats().consumed);
    LONGS_EQUAL(1, shared->users);
    dev_consume_skb_any(shared);  // thread context: at once
    LONGS_EQUAL(leaks.heads, skb_heads_in_use());
    dev_kfree_skb_any(nullptr);
}
