// Host timings of the net core's hot paths, printed, never asserted.
#include <stdio.h>
#include <string.h>

#include "tests/unit/net_test_util.h"

using mm_test::now_ns;

namespace {

int delivered;

int count_rcv(sk_buff* skb, net_device*, packet_type*, net_device*) {
    ++delivered;
    consume_skb(skb);
    return NET_RX_SUCCESS;
}

}  // namespace

TEST_GROUP(net_bench) {
    net_device* dev;
    packet_type ip{};
    void setup() override {
        net_test::setup();
        dev = net_test::fake_etherdev();
        ip.type = htons(ETH_P_IP);
        ip.func = count_rcv;
        dev_add_pack(&ip);
        delivered = 0;
    }
    void teardown() override {
        dev_remove_pack(&ip);
        net_test::destroy(dev);
        net_test::teardown();
    }
};

TEST(net_bench, hot_paths) {
    constexpr int pairs = 20000;
    uint64_t t0 = now_ns();
    for (int i = 0; i < pairs; ++i) {
        kfree_skb(netdev_alloc_skb_ip_align(dev, 1514));
    }
    double alloc_ns = double(now_ns() - t0) / pairs;

    // netif_rx from an "interrupt" in batches of 64, delivered by the
    // softirq at irq_exit. The frames are reused (an extra reference keeps
    // them), so this is the core alone: queueing, backlog poll, delivery.
    constexpr int batch = 64, rounds = 200;
    sk_buff* frames[batch];
    for (sk_buff*& skb : frames) {
        skb = net_test::make_frame(dev, net_test::mac_a, ETH_P_IP, 46);  // our reference
    }
    uint64_t rx_total = 0;
    for (int r = 0; r < rounds; ++r) {
        for (sk_buff* skb : frames) {
            skb->data = skb->head + NET_SKB_PAD + NET_IP_ALIGN;
            skb->len = ETH_HLEN + 46;
            skb->protocol = eth_type_trans(skb, dev);
            skb->tstamp = 1;
        }
        uint64_t t = now_ns();
        net_test::in_irq_handler([&] {
            for (sk_buff* skb : frames) {
                skb_get(skb);  // the handler's consume_skb drops this one, not ours
                netif_rx(skb);
            }
        });
        rx_total += now_ns() - t;
    }
    LONGS_EQUAL(batch * rounds, delivered);
    double rx_ns = double(rx_total) / (batch * rounds);

    // The NAPI way: netif_receive_skb straight from a poll function.
    uint64_t napi_total = 0;
    for (int r = 0; r < rounds; ++r) {
        for (sk_buff* skb : frames) {
            skb->data = skb->head + NET_SKB_PAD + NET_IP_ALIGN;
            skb->len = ETH_HLEN + 46;
            skb->protocol = eth_type_trans(skb, dev);
            skb->tstamp = 1;
        }
        uint64_t t = now_ns();
        for (sk_buff* skb : frames) {
            skb_get(skb);
            netif_receive_skb(skb);
        }
        napi_total += now_ns() - t;
    }
    double napi_ns = double(napi_total) / (batch * rounds);
    for (sk_buff* skb : frames) {
        kfree_skb(skb);
    }

    // Transmit to a driver that frees at once, through dev_queue_xmit.
    constexpr int sends = 10000;
    uint64_t tx_total = 0;
    for (int i = 0; i < sends; ++i) {
        sk_buff* skb = alloc_skb(128, GFP_KERNEL);
        skb_reserve(skb, NET_SKB_PAD);
        skb_put(skb, 46);
        dev_hard_header(skb, dev, ETH_P_IP, net_test::mac_b, nullptr, 46);
        skb->dev = dev;
        uint64_t t = now_ns();
        dev_queue_xmit(skb);
        tx_total += now_ns() - t;
        __skb_queue_purge(&net_test::priv_of(dev)->sent);
    }
    double tx_ns = double(tx_total) / sends;

    static uint8_t buf[65536];
    for (size_t i = 0; i < sizeof buf; ++i) {
        buf[i] = static_cast<uint8_t>(i * 31);
    }
    volatile __wsum sink = 0;
    t0 = now_ns();
    constexpr int frames1500 = 20000;
    for (int i = 0; i < frames1500; ++i) {
        sink = csum_partial(buf + (i & 7), 1500, sink);
    }
    double mbs_1500 = 1500.0 * frames1500 / double(now_ns() - t0) * 1e9 / 1e6;
    t0 = now_ns();
    for (int i = 0; i < 200; ++i) {
        sink = csum_partial(buf, sizeof buf, sink);
    }
    double mbs_64k = double(sizeof buf) * 200 / double(now_ns() - t0) * 1e9 / 1e6;
    (void)sink;

    printf("\n[net] alloc_skb+kfree_skb (1514 B, netdev_alloc_skb_ip_align): %.1f ns; "
           "netif_rx->handler: %.1f ns/frame; netif_receive_skb->handler: %.1f ns/frame; "
           "dev_queue_xmit->driver: %.1f ns/frame; csum_partial: %.0f MB/s (1500 B), %.0f MB/s (64 KiB)\n",
           alloc_ns, rx_ns, napi_ns, tx_ns, mbs_1500, mbs_64k);
}
