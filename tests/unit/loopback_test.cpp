// host-only: resets the slab allocator and the net core, which the live kernel owns.
#include <string.h>

#include <string>

#include "net/core/rtnetlink.h"
#include "net/core/selftest.h"
#include "tests/unit/net_test_util.h"

using net_test::rec;
using net_test::record_rcv;

namespace {

// What a protocol above would do: payload, link header for lo, send.
sk_buff* lo_frame(const char* payload) {
    net_device* lo = init_net.loopback_dev;
    unsigned len = static_cast<unsigned>(strlen(payload));
    sk_buff* skb = alloc_skb(len + NET_SKB_PAD, GFP_KERNEL);
    skb_reserve(skb, NET_SKB_PAD);
    skb_put_data(skb, payload, len);
    skb_reset_network_header(skb);
    LONGS_EQUAL(ETH_HLEN, dev_hard_header(skb, lo, ETH_P_IP, nullptr, nullptr, len));
    skb->dev = lo;
    return skb;
}

char received[64];

int copy_rcv(sk_buff* skb, net_device* dev, packet_type*, net_device*) {
    POINTERS_EQUAL(init_net.loopback_dev, dev);
    LONGS_EQUAL(PACKET_HOST, skb->pkt_type);
    LONGS_EQUAL(htons(ETH_P_IP), skb->protocol);
    LONGS_EQUAL(CHECKSUM_UNNECESSARY, skb->ip_summed);
    LONGS_EQUAL(0, skb_network_offset(skb));
    memcpy(received, skb->data, skb->len);
    received[skb->len] = 0;
    consume_skb(skb);
    return NET_RX_SUCCESS;
}

}  // namespace

TEST_GROUP(loopback) {
    net_test::leak_check leaks;
    void setup() override {
        net_test::setup();
        leaks = net_test::leak_check{};
        received[0] = 0;
    }
    void teardown() override {
        rec.release();
        leaks.verify();
        net_test::teardown();
    }
};

TEST(loopback, a_sent_frame_comes_back_as_received) {
    packet_type ip{};
    ip.type = htons(ETH_P_IP);
    ip.func = copy_rcv;
    packet_type tap{};
    tap.type = htons(ETH_P_ALL);
    tap.func = record_rcv<1>;
    dev_add_pack(&ip);
    dev_add_pack(&tap);
    net_device* lo = init_net.loopback_dev;
    LONGS_EQUAL(NET_XMIT_SUCCESS, dev_queue_xmit(lo_frame("ping over lo")));
    STRCMP_EQUAL("ping over lo", received);
    LONGS_EQUAL(1, lo->stats.tx_packets);
    LONGS_EQUAL(1, lo->stats.rx_packets);
    LONGS_EQUAL(12, lo->stats.tx_bytes);
    LONGS_EQUAL(12, lo->stats.rx_bytes);
    // The tap saw it leave and arrive.
    LONGS_EQUAL(2, rec.n);
    LONGS_EQUAL(PACKET_OUTGOING, rec.calls[0].pkt_type);
    LONGS_EQUAL(PACKET_HOST, rec.calls[1].pkt_type);
    dev_remove_pack(&ip);
    dev_remove_pack(&tap);
}

TEST(loopback, the_sender_lets_go_of_the_frame) {
    static int runs;
    runs = 0;
    sk_buff* skb = lo_frame("x");
    int sock_id;
    skb->sk = reinterpret_cast<sock*>(&sock_id);
    skb->destructor = [](sk_buff* s) {
        ++runs;
        CHECK_TRUE(s->sk != nullptr);
    };
    dev_queue_xmit(skb);  // nobody wants IP here: dropped on the way in
    LONGS_EQUAL(1, runs);
    LONGS_EQUAL(1, init_net.loopback_dev->stats.rx_nohandler);
}

TEST(loopback, frames_beyond_the_backlog_are_dropped_and_not_counted_as_sent) {
    packet_type ip{};
    ip.type = htons(ETH_P_IP);
    ip.func = record_rcv<1>;
    dev_add_pack(&ip);
    netdev_max_backlog = 3;
    net_device* lo = init_net.loopback_dev;
    {
        bh_guard bh;  // a burst before the receive softirq gets to run
        for (int i = 0; i < 5; ++i) {
            LONGS_EQUAL(NET_XMIT_SUCCESS, dev_queue_xmit(lo_frame("burst")));
        }
    }
    LONGS_EQUAL(3, rec.n);
    LONGS_EQUAL(3, lo->stats.tx_packets);
    LONGS_EQUAL(2, lo->stats.rx_dropped);
    LONGS_EQUAL(2, this_softnet_data()->dropped);
    dev_remove_pack(&ip);
}

TEST(loopback, is_not_queued_and_comes_back_up_on_open) {
    net_device* lo = init_net.loopback_dev;
    LONGS_EQUAL(0, lo->tx_queue_len);
    rtnl_guard rtnl;   // configuration changes below
    dev_close(lo);
    LONGS_EQUAL(-ENETDOWN, dev_queue_xmit(lo_frame("down")));
    LONGS_EQUAL(0, dev_open(lo));
    LONGS_EQUAL(NET_XMIT_SUCCESS, dev_queue_xmit(lo_frame("up")));
}

TEST(loopback, the_boot_selftest_passes_here_too) {
    CHECK_TRUE(net_selftest());
    CHECK_TRUE(host_stub::console.find("net: selftest passed (1504 frames") != std::string::npos);
}
