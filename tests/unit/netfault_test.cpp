// host-only: resets the slab allocator and the net core, which the live kernel owns.
#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/uapi/errno.h"
#include "net/core/netfault.h"
#include "tests/unit/net_test_util.h"

using net_test::priv_of;
using net_test::rec;
using net_test::record_rcv;

namespace {

// One tick interrupt of `ticks` jiffies, as the trap code runs it.
void tick(unsigned long ticks = 1) {
    cpu::irq_guard guard;
    irq_enter();
    do_timer(ticks);
    irq_exit();
}

// A frame for dev_queue_xmit whose first payload byte is n.
sk_buff* tx_frame(net_device* dev, uint8_t n, unsigned payload = 50) {
    sk_buff* skb = alloc_skb(ETH_HLEN + payload + NET_SKB_PAD, GFP_KERNEL);
    skb_reserve(skb, NET_SKB_PAD);
    auto* p = static_cast<uint8_t*>(skb_put_zero(skb, payload));
    p[0] = n;
    skb_reset_network_header(skb);
    dev_hard_header(skb, dev, ETH_P_IP, net_test::mac_b, nullptr, payload);
    skb->dev = dev;
    skb->protocol = htons(ETH_P_IP);
    return skb;
}

// Sends n frames (payload byte i & 0xff); returns how many the driver got.
unsigned send_many(net_device* dev, unsigned n) {
    unsigned got = 0;
    for (unsigned i = 0; i < n; ++i) {
        dev_queue_xmit(tx_frame(dev, static_cast<uint8_t>(i)));
        do_softirq();
        got += skb_queue_len(&priv_of(dev)->sent);
        __skb_queue_purge(&priv_of(dev)->sent);
    }
    return got;
}

int sent_order(net_device* dev, uint8_t* out, int max) {
    int n = 0;
    for (sk_buff& skb : skb_queue_walk(&priv_of(dev)->sent)) {
        if (n < max) {
            out[n++] = skb.data[ETH_HLEN];
        }
    }
    return n;
}

const netfault_counters& stats(net_device* dev, netfault_dir dir) {
    return netfault_find(dev->name)->path[static_cast<unsigned>(dir)].stats;
}

void setup_faults(net_device* dev, const char* faults) {
    char spec[128];
    snprintf(spec, sizeof spec, "%s:%s", dev->name, faults);
    LONGS_EQUAL(0, netfault_setup(spec));
    CHECK_TRUE(dev->netfault != nullptr);
}

}  // namespace

TEST_GROUP(netfault_parse) {
    netfault_config cfg;
    void setup() override { host_stub::console.clear(); }
    bool logged(const char* s) { return host_stub::console.find(s) != std::string::npos; }
};

TEST(netfault_parse, every_fault) {
    LONGS_EQUAL(0, netfault_parse("eth0:drop=5%,dup=0.5%,reorder=2%,corrupt=1%,delay=20ms,seed=42,dir=rx", &cfg));
    STRCMP_EQUAL("eth0", cfg.ifname);
    LONGS_EQUAL(50000, cfg.drop);
    LONGS_EQUAL(5000, cfg.dup);
    LONGS_EQUAL(20000, cfg.reorder);
    LONGS_EQUAL(10000, cfg.corrupt);
    LONGS_EQUAL(20, cfg.delay_ms);
    LONGS_EQUAL(42, cfg.seed);
    CHECK_TRUE(cfg.dirs[0]);
    CHECK_FALSE(cfg.dirs[1]);
    CHECK_FALSE(logged("bad token"));
}

TEST(netfault_parse, defaults_both_directions_and_no_faults) {
    LONGS_EQUAL(0, netfault_parse("lo:", &cfg));
    STRCMP_EQUAL("lo", cfg.ifname);
    LONGS_EQUAL(0, cfg.drop + cfg.dup + cfg.reorder + cfg.corrupt + cfg.delay_ms);
    CHECK_TRUE(cfg.dirs[0] && cfg.dirs[1]);
}

TEST(netfault_parse, edges_of_the_ranges) {
    LONGS_EQUAL(0, netfault_parse("eth0:drop=100%,dup=0.0001%,corrupt=0%,delay=1s,seed=0x10,dir=tx", &cfg));
    LONGS_EQUAL(1000000, cfg.drop);
    LONGS_EQUAL(1, cfg.dup);
    LONGS_EQUAL(0, cfg.corrupt);
    LONGS_EQUAL(1000, cfg.delay_ms);
    LONGS_EQUAL(16, cfg.seed);
    CHECK_FALSE(cfg.dirs[0]);
    CHECK_TRUE(cfg.dirs[1]);
    LONGS_EQUAL(0, netfault_parse("eth0:delay=500us", &cfg));
    LONGS_EQUAL(1, cfg.delay_ms);  // rounded up, never shorter
    CHECK_FALSE(logged("bad token"));
}

TEST(netfault_parse, bad_tokens_are_named_and_ignored_the_rest_applies) {
    LONGS_EQUAL(0, netfault_parse("eth0:drop=150%,dup=abc,frob=1,delay=5parsecs,dir=up,reorder=3%,corrupt=5,"
                                  "drop=0.00001%,seed=-1,nothing",
                                  &cfg));
    LONGS_EQUAL(0, cfg.drop);
    LONGS_EQUAL(0, cfg.dup);
    LONGS_EQUAL(30000, cfg.reorder);
    LONGS_EQUAL(0, cfg.corrupt);
    LONGS_EQUAL(0, cfg.delay_ms);
    CHECK_TRUE(cfg.dirs[0] && cfg.dirs[1]);
    for (const char* t : {"'drop=150%'", "'dup=abc'", "'frob=1'", "'delay=5parsecs'", "'dir=up'", "'corrupt=5'",
                          "'drop=0.00001%'", "'seed=-1'", "'nothing'"}) {
        CHECK_TEXT(logged(t), t);
    }
    CHECK_FALSE(logged("'reorder=3%'"));
}

TEST(netfault_parse, an_interface_is_needed) {
    LONGS_EQUAL(-EINVAL, netfault_parse("drop=5%", &cfg));
    LONGS_EQUAL(-EINVAL, netfault_parse(":drop=5%", &cfg));
    LONGS_EQUAL(-EINVAL, netfault_parse("averyveryverylongname:drop=5%", &cfg));
    LONGS_EQUAL(-EINVAL, netfault_parse("", &cfg));
    CHECK_TRUE(logged("interface name"));
}

TEST(netfault_parse, same_seed_same_sequence) {
    uint32_t a = 7, b = 7, c = 8;
    bool differs = false;
    for (int i = 0; i < 100; ++i) {
        uint32_t x = netfault_next(&a);
        LONGS_EQUAL(x, netfault_next(&b));
        CHECK_TRUE(x < NETFAULT_PPM);
        differs |= x != netfault_next(&c);
    }
    CHECK_TRUE(differs);
}

TEST_GROUP(netfault) {
    net_test::leak_check leaks;
    net_device* dev;
    packet_type ip_pt;
    void setup() override {
        net_test::setup();
        init_timers();
        do_softirq();
        jiffies = 5000;
        leaks = net_test::leak_check{};
        dev = net_test::fake_etherdev();
        ip_pt = packet_type{};
        ip_pt.type = htons(ETH_P_IP);
        ip_pt.func = record_rcv<1>;
        dev_add_pack(&ip_pt);
    }
    void teardown() override {
        dev_remove_pack(&ip_pt);
        rec.release();
        net_test::destroy(dev);
        raise_softirq(TIMER_SOFTIRQ);
        do_softirq();
        leaks.verify();
        cmdline::parse("");
        net_test::teardown();
    }
};

TEST(netfault, no_faults_configured_nothing_changes) {
    CHECK_TRUE(dev->netfault == nullptr);
    LONGS_EQUAL(100, send_many(dev, 100));
}

TEST(netfault, drop_rate_over_ten_thousand_frames) {
    setup_faults(dev, "drop=20%,seed=1,dir=tx");
    unsigned got = send_many(dev, 10000);
    const netfault_counters& s = stats(dev, netfault_dir::tx);
    LONGS_EQUAL(10000, s.frames);
    LONGS_EQUAL(10000 - got, s.drops);
    CHECK_TEXT(s.drops > 1800 && s.drops < 2200, "20% of 10000, give or take 2 points");
    LONGS_EQUAL(0, stats(dev, netfault_dir::rx).frames);
}

TEST(netfault, same_seed_same_pattern_another_seed_another) {
    auto pattern = [&](const char* faults, uint8_t* out) {
        setup_faults(dev, faults);
        for (unsigned i = 0; i < 200; ++i) {
            dev_queue_xmit(tx_frame(dev, static_cast<uint8_t>(i)));
            do_softirq();
            out[i] = static_cast<uint8_t>(skb_queue_len(&priv_of(dev)->sent));
            __skb_queue_purge(&priv_of(dev)->sent);
        }
    };
    uint8_t a[200], b[200], c[200];
    pattern("drop=30%,seed=42", a);
    pattern("drop=30%,seed=42", b);
    pattern("drop=30%,seed=43", c);
    MEMCMP_EQUAL(a, b, sizeof a);
    CHECK_TRUE(memcmp(a, c, sizeof a) != 0);
}

TEST(netfault, duplicates_arrive_twice) {
    setup_faults(dev, "dup=10%,seed=3,dir=rx");
    for (unsigned i = 0; i < 1000; ++i) {
        netif_receive_skb(net_test::rx_frame(dev, ETH_P_IP));
        do_softirq();
    }
    const netfault_counters& s = stats(dev, netfault_dir::rx);
    CHECK_TEXT(s.dups > 60 && s.dups < 140, "10% of 1000");
    // The recorder logs at most 64 calls; count what reached IP instead.
    LONGS_EQUAL(1000 + s.dups, this_softnet_data()->processed);
}

TEST(netfault, reorder_swaps_a_frame_with_the_next) {
    setup_faults(dev, "reorder=100%,dir=tx");
    for (uint8_t n = 1; n <= 4; ++n) {
        dev_queue_xmit(tx_frame(dev, n));
        do_softirq();
    }
    uint8_t order[8];
    LONGS_EQUAL(4, sent_order(dev, order, 8));
    const uint8_t want[] = {2, 1, 4, 3};
    MEMCMP_EQUAL(want, order, 4);
    LONGS_EQUAL(2, stats(dev, netfault_dir::tx).reorders);
}

TEST(netfault, a_held_frame_goes_after_a_while_without_a_next) {
    setup_faults(dev, "reorder=100%,dir=tx");
    dev_queue_xmit(tx_frame(dev, 9));
    do_softirq();
    LONGS_EQUAL(0, skb_queue_len(&priv_of(dev)->sent));
    for (int i = 0; i < 5; ++i) {
        tick();
    }
    do_softirq();
    LONGS_EQUAL(1, skb_queue_len(&priv_of(dev)->sent));
}

TEST(netfault, corrupt_flips_exactly_one_bit_past_the_ethernet_header) {
    setup_faults(dev, "corrupt=100%,seed=5,dir=rx");
    rec.keep = true;
    for (int round = 0; round < 20; ++round) {
        sk_buff* skb = net_test::rx_frame(dev, ETH_P_IP, 100);
        uint8_t before[ETH_HLEN + 100];
        memcpy(before, skb_mac_header(skb), sizeof before);
        netif_receive_skb(skb);
        LONGS_EQUAL(round + 1, rec.nkept);
        const uint8_t* after = skb_mac_header(rec.kept[round]);
        MEMCMP_EQUAL(before, after, ETH_HLEN);
        int bits = 0;
        for (unsigned i = ETH_HLEN; i < sizeof before; ++i) {
            bits += __builtin_popcount(before[i] ^ after[i]);
        }
        LONGS_EQUAL(1, bits);
    }
    LONGS_EQUAL(20, stats(dev, netfault_dir::rx).corrupts);
}

TEST(netfault, corrupt_leaves_a_shared_buffer_alone) {
    setup_faults(dev, "corrupt=100%,dir=tx");
    sk_buff* skb = tx_frame(dev, 1);
    sk_buff* keep = skb_clone(skb, GFP_KERNEL);  // as TCP keeps its sent data
    uint8_t before[64];
    memcpy(before, keep->data, sizeof before);
    dev_queue_xmit(skb);
    do_softirq();
    MEMCMP_EQUAL(before, keep->data, sizeof before);
    LONGS_EQUAL(1, skb_queue_len(&priv_of(dev)->sent));
    CHECK_TRUE(memcmp(before, skb_peek(&priv_of(dev)->sent)->data, sizeof before) != 0);
    kfree_skb(keep);
}

TEST(netfault, delay_releases_after_the_time_in_order) {
    setup_faults(dev, "delay=30ms,dir=tx");  // 3 jiffies at HZ 100
    for (uint8_t n = 1; n <= 3; ++n) {
        dev_queue_xmit(tx_frame(dev, n));
        do_softirq();
    }
    tick();
    dev_queue_xmit(tx_frame(dev, 4));  // due a jiffy later than the others
    do_softirq();
    LONGS_EQUAL(0, skb_queue_len(&priv_of(dev)->sent));
    tick();
    LONGS_EQUAL(0, skb_queue_len(&priv_of(dev)->sent));
    tick();
    do_softirq();
    uint8_t order[8];
    LONGS_EQUAL(3, sent_order(dev, order, 8));
    tick();
    do_softirq();
    LONGS_EQUAL(4, sent_order(dev, order, 8));
    const uint8_t want[] = {1, 2, 3, 4};
    MEMCMP_EQUAL(want, order, 4);
    LONGS_EQUAL(4, stats(dev, netfault_dir::tx).delayed);
}

TEST(netfault, delay_on_receive_reaches_the_stack_in_order) {
    setup_faults(dev, "delay=20ms,dir=rx");
    rec.keep = true;
    for (unsigned len = 50; len < 55; ++len) {
        netif_receive_skb(net_test::rx_frame(dev, ETH_P_IP, len));
    }
    LONGS_EQUAL(0, rec.n);
    for (int i = 0; i < 3; ++i) {
        tick();
    }
    do_softirq();
    LONGS_EQUAL(5, rec.n);
    for (int i = 0; i < 5; ++i) {
        LONGS_EQUAL(50 + i, rec.kept[i]->len);
    }
}

TEST(netfault, device_down_frees_held_and_delayed_frames) {
    setup_faults(dev, "delay=1000ms,reorder=50%,seed=9");
    for (uint8_t n = 0; n < 10; ++n) {
        dev_queue_xmit(tx_frame(dev, n));
        netif_receive_skb(net_test::rx_frame(dev, ETH_P_IP));
    }
    do_softirq();
    CHECK_TRUE(stats(dev, netfault_dir::tx).delayed > 0);
    CHECK_TRUE(skb_heads_in_use() > leaks.heads);
    {
        rtnl_guard rtnl;
        dev_close(dev);
    }
    for (const netfault_path& p : dev->netfault->path) {
        CHECK_TRUE(p.held == nullptr);
        LONGS_EQUAL(0, skb_queue_len(&p.delayq));
        CHECK_FALSE(timer_pending(&p.delay_timer));
        CHECK_FALSE(timer_pending(&p.reorder_timer));
    }
    LONGS_EQUAL(leaks.heads, skb_heads_in_use());
    // Nothing fires later on freed frames.
    for (int i = 0; i < 200; ++i) {
        tick();
    }
    do_softirq();
    LONGS_EQUAL(0, skb_queue_len(&priv_of(dev)->sent));
}

TEST(netfault, unregister_frees_held_frames_and_detaches) {
    net_device* other = net_test::fake_etherdev();
    setup_faults(other, "delay=1000ms,dir=tx");
    dev_queue_xmit(tx_frame(other, 1));
    do_softirq();
    LONGS_EQUAL(1, stats(other, netfault_dir::tx).delayed);
    char name[IFNAMSIZ];
    strcpy(name, other->name);
    net_test::destroy(other);
    LONGS_EQUAL(leaks.heads, skb_heads_in_use());
    CHECK_TRUE(netfault_find(name)->dev == nullptr);
    for (int i = 0; i < 200; ++i) {
        tick();
    }
    do_softirq();
}

TEST(netfault, from_the_command_line_each_occurrence) {
    cmdline::parse("quiet netfault=eth9:drop=5% netfault=lo:dup=1%,bogus netfault=nocolon");
    STRCMP_EQUAL("eth9:drop=5%", cmdline::get_nth("netfault", 0));
    STRCMP_EQUAL("nocolon", cmdline::get_nth("netfault", 2));
    POINTERS_EQUAL(nullptr, cmdline::get_nth("netfault", 3));
    netfault_init();
    LONGS_EQUAL(50000, netfault_find("eth9")->cfg.drop);
    LONGS_EQUAL(10000, netfault_find("lo")->cfg.dup);
    POINTERS_EQUAL(init_net.loopback_dev, netfault_find("lo")->dev);
    POINTERS_EQUAL(nullptr, netfault_find("nocolon"));
    CHECK_TRUE(host_stub::console.find("'bogus'") != std::string::npos);
    netfault_init();  // forget them: lo is shared by every test
    init_net.loopback_dev->netfault = nullptr;
}
