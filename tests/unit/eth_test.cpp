// host-only: resets the slab allocator and the net core, which the live kernel owns.
#include <string.h>

#include "tests/unit/net_test_util.h"

using net_test::fake_etherdev;
using net_test::make_frame;
using net_test::rec;
using net_test::record_rcv;

TEST_GROUP(eth) {
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

TEST(eth, classifies_by_destination_and_pulls_the_header) {
    struct {
        const uint8_t* dst;
        uint8_t type;
    } cases[] = {{net_test::mac_a, PACKET_HOST},
                 {net_test::mac_bcast, PACKET_BROADCAST},
                 {net_test::mac_mcast, PACKET_MULTICAST},
                 {net_test::mac_b, PACKET_OTHERHOST}};
    for (auto& c : cases) {
        sk_buff* skb = make_frame(nullptr, c.dst, ETH_P_IP, 46);
        uint8_t* frame = skb->data;
        LONGS_EQUAL(htons(ETH_P_IP), eth_type_trans(skb, dev));
        LONGS_EQUAL(c.type, skb->pkt_type);
        POINTERS_EQUAL(dev, skb->dev);
        POINTERS_EQUAL(frame, skb_mac_header(skb));
        POINTERS_EQUAL(frame + ETH_HLEN, skb->data);
        LONGS_EQUAL(46, skb->len);
        MEMCMP_EQUAL(c.dst, eth_hdr(skb)->h_dest, ETH_ALEN);
        kfree_skb(skb);
    }
}

TEST(eth, length_field_frames_are_802_3_or_llc) {
    sk_buff* raw = make_frame(dev, net_test::mac_a, 46, 46);  // "type" 46: an 802.3 length
    raw->data[ETH_HLEN] = 0xff;
    raw->data[ETH_HLEN + 1] = 0xff;
    LONGS_EQUAL(htons(ETH_P_802_3), eth_type_trans(raw, dev));
    sk_buff* llc = make_frame(dev, net_test::mac_a, 46, 46);
    LONGS_EQUAL(htons(ETH_P_802_2), eth_type_trans(llc, dev));
    sk_buff* min_type = make_frame(dev, net_test::mac_a, ETH_P_802_3_MIN, 46);
    LONGS_EQUAL(htons(ETH_P_802_3_MIN), eth_type_trans(min_type, dev));
    sk_buff* bare = make_frame(dev, net_test::mac_a, 0, 0);  // a length field and nothing after
    LONGS_EQUAL(htons(ETH_P_802_2), eth_type_trans(bare, dev));
    for (sk_buff* skb : {raw, llc, min_type, bare}) {
        kfree_skb(skb);
    }
}

TEST(eth, short_frames_are_counted_and_dropped_without_reaching_anyone) {
    packet_type tap{};
    tap.type = htons(ETH_P_ALL);
    tap.func = record_rcv<1>;
    dev_add_pack(&tap);
    for (unsigned len : {0u, 1u, 13u}) {
        sk_buff* skb = netdev_alloc_skb(dev, 64);
        memset(skb_put(skb, len), 0xff, len);
        LONGS_EQUAL(0, eth_type_trans(skb, dev));
        LONGS_EQUAL(len, skb->len);  // nothing pulled
        skb->protocol = 0;
        LONGS_EQUAL(NET_RX_DROP, netif_receive_skb(skb));
    }
    LONGS_EQUAL(3, dev->stats.rx_length_errors);
    LONGS_EQUAL(3, dev->stats.rx_errors);
    LONGS_EQUAL(0, dev->stats.rx_nohandler);
    LONGS_EQUAL(0, rec.n);
    sk_buff* exact = make_frame(dev, net_test::mac_a, ETH_P_IP, 0);  // 14 bytes: fine
    LONGS_EQUAL(htons(ETH_P_IP), eth_type_trans(exact, dev));
    LONGS_EQUAL(0, exact->len);
    kfree_skb(exact);
    dev_remove_pack(&tap);
}

TEST(eth, header_create_and_parse) {
    sk_buff* skb = alloc_skb(128, GFP_KERNEL);
    skb_reserve(skb, 32);
    skb_put_data(skb, "payload", 7);
    LONGS_EQUAL(ETH_HLEN, dev_hard_header(skb, dev, ETH_P_ARP, net_test::mac_bcast, nullptr, 7));
    LONGS_EQUAL(7 + ETH_HLEN, skb->len);
    auto* eth = reinterpret_cast<ethhdr*>(skb->data);
    MEMCMP_EQUAL(net_test::mac_bcast, eth->h_dest, ETH_ALEN);
    MEMCMP_EQUAL(net_test::mac_a, eth->h_source, ETH_ALEN);  // dev_addr
    LONGS_EQUAL(0x08, skb->data[12]);
    LONGS_EQUAL(0x06, skb->data[13]);
    LONGS_EQUAL(htons(ETH_P_ARP), eth_type_trans(skb, dev));
    uint8_t src[ETH_ALEN];
    LONGS_EQUAL(ETH_ALEN, dev_parse_header(skb, src));
    MEMCMP_EQUAL(net_test::mac_a, src, ETH_ALEN);
    // Unknown destination on a real link: the caller must resolve it first.
    sk_buff* unresolved = alloc_skb(64, GFP_KERNEL);
    skb_reserve(unresolved, 16);
    LONGS_EQUAL(-static_cast<int>(ETH_HLEN), dev_hard_header(unresolved, dev, ETH_P_IP, nullptr, nullptr, 0));
    // No headroom: refused, not written.
    sk_buff* tight = alloc_skb(64, GFP_KERNEL);
    CHECK_TRUE(dev_hard_header(tight, dev, ETH_P_IP, net_test::mac_b, nullptr, 0) < 0);
    LONGS_EQUAL(0, tight->len);
    for (sk_buff* s : {skb, unresolved, tight}) {
        kfree_skb(s);
    }
}

TEST(eth, reserved_space_covers_the_header_in_whole_16_bytes) {
    LONGS_EQUAL(16, LL_RESERVED_SPACE(dev));
    dev->hard_header_len = 16;
    LONGS_EQUAL(32, LL_RESERVED_SPACE(dev));
    dev->hard_header_len = ETH_HLEN;
}

TEST(eth, address_helpers) {
    CHECK_TRUE(is_valid_ether_addr(net_test::mac_a));
    CHECK_FALSE(is_valid_ether_addr(net_test::mac_mcast));
    CHECK_TRUE(is_broadcast_ether_addr(net_test::mac_bcast));
    CHECK_TRUE(is_multicast_ether_addr(net_test::mac_bcast));
    const uint8_t zero[ETH_ALEN] = {};
    CHECK_TRUE(is_zero_ether_addr(zero));
    CHECK_FALSE(is_valid_ether_addr(zero));
    eth_hw_addr_random(dev);
    CHECK_TRUE(is_valid_ether_addr(dev->dev_addr));
    CHECK_TRUE(is_local_ether_addr(dev->dev_addr));
}
