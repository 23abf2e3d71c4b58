// host-only: resets the slab allocator and the net core, which the live kernel owns.
#include <string.h>

#include <initializer_list>
#include <string>

#include "kernel/time.h"
#include "tests/unit/net_test_util.h"

using net_test::fake_etherdev;
using net_test::in_irq_handler;
using net_test::rec;
using net_test::record_rcv;
using net_test::rx_frame;

namespace {

packet_type make_pt(uint16_t type, int (*func)(sk_buff*, net_device*, packet_type*, net_device*),
                    net_device* dev = nullptr) {
    packet_type pt{};
    pt.type = htons(type);
    pt.func = func;
    pt.dev = dev;
    return pt;
}

// A NAPI driver without hardware: poll hands up frames from rxq.
struct fake_napi {
    napi_struct napi;
    sk_buff_head rxq;
    int polls;
    int complete_refused;          // napi_complete_done() said "poll again"
    unsigned long advance_jiffies; // per poll, to trip the time limit
    bool schedule_during_poll;     // an interrupt arrives while it is polled
};

int fake_poll(napi_struct* napi, int budget) {
    auto* f = container_of(napi, &fake_napi::napi);
    ++f->polls;
    jiffies = jiffies + f->advance_jiffies;
    if (f->schedule_during_poll) {
        f->schedule_during_poll = false;
        CHECK_FALSE(napi_schedule(napi));  // already scheduled: marked missed
    }
    int work = 0;
    while (work < budget) {
        sk_buff* skb = __skb_dequeue(&f->rxq);
        if (!skb) {
            break;
        }
        netif_receive_skb(skb);
        ++work;
    }
    if (work < budget && !napi_complete_done(napi, work)) {
        ++f->complete_refused;
    }
    return work;
}

void fill(fake_napi& f, net_device* dev, int frames) {
    for (int i = 0; i < frames; ++i) {
        __skb_queue_tail(&f.rxq, rx_frame(dev, ETH_P_IP));
    }
}

void init(fake_napi& f, net_device* dev, int weight) {
    f = fake_napi{};
    skb_queue_head_init(&f.rxq);
    netif_napi_add(dev, &f.napi, fake_poll, weight);
    napi_enable(&f.napi);
}

}  // namespace

TEST_GROUP(netrx) {
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

TEST(netrx, taps_then_protocol_handlers_each_with_its_own_reference) {
    packet_type tap1 = make_pt(ETH_P_ALL, record_rcv<1>);
    packet_type tap2 = make_pt(ETH_P_ALL, record_rcv<2>);
    packet_type ip1 = make_pt(ETH_P_IP, record_rcv<3>);
    packet_type ip2 = make_pt(ETH_P_IP, record_rcv<4>);
    packet_type arp = make_pt(ETH_P_ARP, record_rcv<5>);
    for (packet_type* pt : {&tap1, &tap2, &ip1, &ip2, &arp}) {
        dev_add_pack(pt);
    }
    rec.keep = true;  // every handler keeps its reference: users counts them
    sk_buff* skb = rx_frame(dev, ETH_P_IP);
    LONGS_EQUAL(NET_RX_SUCCESS, netif_receive_skb(skb));
    // Newest first in each list (Linux adds at the head); the last handler
    // gets the caller's reference, the others one taken for them.
    LONGS_EQUAL(4, rec.n);
    const int order[] = {2, 1, 4, 3};
    const int users[] = {2, 3, 4, 4};
    for (int i = 0; i < 4; ++i) {
        LONGS_EQUAL(order[i], rec.calls[i].id);
        POINTERS_EQUAL(skb, rec.calls[i].skb);
        LONGS_EQUAL(users[i], rec.calls[i].users);
    }
    LONGS_EQUAL(4, skb->users);
    rec.release();  // four references, four frees, one sk_buff freed
    LONGS_EQUAL(leaks.heads, skb_heads_in_use());
    for (packet_type* pt : {&tap1, &tap2, &ip1, &ip2, &arp}) {
        dev_remove_pack(pt);
    }
}

TEST(netrx, handlers_that_free_at_once_leave_nothing) {
    packet_type tap = make_pt(ETH_P_ALL, record_rcv<1>);
    packet_type ip = make_pt(ETH_P_IP, record_rcv<2>);
    dev_add_pack(&tap);
    dev_add_pack(&ip);
    for (int i = 0; i < 10; ++i) {
        netif_receive_skb(rx_frame(dev, ETH_P_IP));
    }
    LONGS_EQUAL(20, rec.n);
    LONGS_EQUAL(2, rec.calls[0].users);  // the tap: one extra
    LONGS_EQUAL(1, rec.calls[1].users);  // the last: the original alone
    dev_remove_pack(&tap);
    dev_remove_pack(&ip);
}

TEST(netrx, only_the_exact_type_in_a_hash_bucket_matches) {
    // 0x0806 and 0x0816 share bucket 6.
    packet_type arp = make_pt(ETH_P_ARP, record_rcv<1>);
    packet_type other = make_pt(0x0816, record_rcv<2>);
    dev_add_pack(&arp);
    dev_add_pack(&other);
    netif_receive_skb(rx_frame(dev, ETH_P_ARP));
    netif_receive_skb(rx_frame(dev, 0x0816));
    netif_receive_skb(rx_frame(dev, 0x0826));  // same bucket, nobody's
    LONGS_EQUAL(2, rec.n);
    LONGS_EQUAL(1, rec.calls[0].id);
    LONGS_EQUAL(2, rec.calls[1].id);
    LONGS_EQUAL(1, dev->stats.rx_nohandler);
    dev_remove_pack(&arp);
    dev_remove_pack(&other);
}

TEST(netrx, a_device_bound_handler_sees_only_its_device) {
    net_device* other = fake_etherdev();
    packet_type bound = make_pt(ETH_P_IP, record_rcv<1>, other);
    packet_type bound_tap = make_pt(ETH_P_ALL, record_rcv<2>, other);
    packet_type any = make_pt(ETH_P_IP, record_rcv<3>);
    dev_add_pack(&bound);
    dev_add_pack(&bound_tap);
    dev_add_pack(&any);
    netif_receive_skb(rx_frame(dev, ETH_P_IP));
    LONGS_EQUAL(1, rec.n);
    LONGS_EQUAL(3, rec.calls[0].id);
    netif_receive_skb(rx_frame(other, ETH_P_IP));
    LONGS_EQUAL(4, rec.n);
    LONGS_EQUAL(2, rec.calls[1].id);
    LONGS_EQUAL(3, rec.calls[2].id);
    LONGS_EQUAL(1, rec.calls[3].id);
    dev_remove_pack(&bound);
    dev_remove_pack(&bound_tap);
    dev_remove_pack(&any);
    net_test::destroy(other);
}

TEST(netrx, frames_nobody_wants_are_counted_and_freed) {
    LONGS_EQUAL(NET_RX_DROP, netif_receive_skb(rx_frame(dev, 0x1234)));
    LONGS_EQUAL(1, dev->stats.rx_dropped);
    LONGS_EQUAL(1, dev->stats.rx_nohandler);
    packet_type tap = make_pt(ETH_P_ALL, record_rcv<1>);
    dev_add_pack(&tap);  // a tap alone takes it: not a drop
    LONGS_EQUAL(NET_RX_SUCCESS, netif_receive_skb(rx_frame(dev, 0x1234)));
    LONGS_EQUAL(1, dev->stats.rx_nohandler);
    LONGS_EQUAL(1, rec.calls[0].users);
    dev_remove_pack(&tap);
    sk_buff* orphan = rx_frame(dev, ETH_P_IP);
    orphan->dev = nullptr;
    LONGS_EQUAL(NET_RX_DROP, netif_receive_skb(orphan));
}

TEST(netrx, removed_handlers_are_not_called) {
    packet_type ip = make_pt(ETH_P_IP, record_rcv<1>);
    dev_add_pack(&ip);
    dev_remove_pack(&ip);
    dev_remove_pack(&ip);  // twice: warned, harmless
    netif_receive_skb(rx_frame(dev, ETH_P_IP));
    LONGS_EQUAL(0, rec.n);
    CHECK_TRUE(host_stub::console.find("dev_remove_pack") != std::string::npos);
}

TEST(netrx, netif_rx_from_an_interrupt_is_bounded_by_the_backlog) {
    packet_type ip = make_pt(ETH_P_IP, record_rcv<1>);
    dev_add_pack(&ip);
    netdev_max_backlog = 10;
    softnet_data* sd = this_softnet_data();
    int ok = 0, dropped = 0;
    in_irq_handler([&] {
        for (int i = 0; i < 15; ++i) {
            (netif_rx(rx_frame(dev, ETH_P_IP)) == NET_RX_SUCCESS ? ok : dropped)++;
        }
        LONGS_EQUAL(10, skb_queue_len(&sd->input_pkt_queue));
        LONGS_EQUAL(0, rec.n);  // nothing delivered inside the hard interrupt
    });
    LONGS_EQUAL(10, ok);
    LONGS_EQUAL(5, dropped);
    LONGS_EQUAL(5, sd->dropped);
    LONGS_EQUAL(5, dev->stats.rx_dropped);
    LONGS_EQUAL(10, rec.n);  // irq_exit ran NET_RX_SOFTIRQ
    LONGS_EQUAL(0, skb_queue_len(&sd->input_pkt_queue));
    LONGS_EQUAL(0, sd->backlog.state);
    dev_remove_pack(&ip);
}

TEST(netrx, netif_rx_from_a_thread_delivers_before_it_returns) {
    packet_type ip = make_pt(ETH_P_IP, record_rcv<1>);
    dev_add_pack(&ip);
    LONGS_EQUAL(NET_RX_SUCCESS, netif_rx(rx_frame(dev, ETH_P_IP)));
    LONGS_EQUAL(1, rec.n);
    dev_remove_pack(&ip);
}

TEST(netrx, the_backlog_keeps_order_across_polls) {
    static int seen[40];
    static int nseen;
    nseen = 0;
    packet_type ip = make_pt(ETH_P_IP, [](sk_buff* skb, net_device*, packet_type*, net_device*) {
        seen[nseen++] = skb->data[0];
        consume_skb(skb);
        return NET_RX_SUCCESS;
    });
    dev_add_pack(&ip);
    {
        bh_guard bh;  // queue everything first
        for (int i = 0; i < 40; ++i) {
            sk_buff* skb = rx_frame(dev, ETH_P_IP);
            skb->data[0] = static_cast<uint8_t>(i);
            netif_rx(skb);
        }
    }
    LONGS_EQUAL(40, nseen);
    for (int i = 0; i < 40; ++i) {
        LONGS_EQUAL(i, seen[i]);
    }
    dev_remove_pack(&ip);
}

TEST(netrx, unregister_drops_the_devices_frames_from_the_backlog) {
    net_device* other = fake_etherdev();
    packet_type ip = make_pt(ETH_P_IP, record_rcv<1>);
    dev_add_pack(&ip);
    {
        bh_guard bh;
        netif_rx(rx_frame(other, ETH_P_IP));
        netif_rx(rx_frame(dev, ETH_P_IP));
        netif_rx(rx_frame(other, ETH_P_IP));
        net_test::destroy(other);
        LONGS_EQUAL(1, skb_queue_len(&this_softnet_data()->input_pkt_queue));
    }
    LONGS_EQUAL(1, rec.n);
    POINTERS_EQUAL(dev, rec.calls[0].dev);
    dev_remove_pack(&ip);
}

TEST(netrx, napi_polls_until_done_from_the_interrupt_it_was_scheduled_in) {
    packet_type ip = make_pt(ETH_P_IP, record_rcv<1>);
    dev_add_pack(&ip);
    fake_napi f;
    init(f, dev, 4);
    fill(f, dev, 10);
    in_irq_handler([&] { CHECK_TRUE(napi_schedule(&f.napi)); });
    LONGS_EQUAL(10, rec.n);
    LONGS_EQUAL(3, f.polls);  // 4 + 4 + 2, the last one completes
    LONGS_EQUAL(0, f.napi.state);
    CHECK_TRUE(list_empty(&f.napi.poll_list));
    in_irq_handler([&] { CHECK_TRUE(napi_schedule(&f.napi)); });  // schedulable again
    LONGS_EQUAL(4, f.polls);
    netif_napi_del(&f.napi);
    dev_remove_pack(&ip);
}

TEST(netrx, net_rx_action_stops_at_the_budget_and_comes_back) {
    packet_type ip = make_pt(ETH_P_IP, record_rcv<1>);
    dev_add_pack(&ip);
    fake_napi a, b, c;
    init(a, dev, 4);
    init(b, dev, 4);
    init(c, dev, 4);
    fill(a, dev, 20);
    fill(b, dev, 20);
    fill(c, dev, 20);
    netdev_budget = 6;
    softnet_data* sd = this_softnet_data();
    {
        bh_guard bh;  // schedule all three, then run one net_rx_action by hand
        napi_schedule(&a.napi);
        napi_schedule(&b.napi);
        napi_schedule(&c.napi);
        unsigned long squeeze = sd->time_squeeze;
        net_rx_action();
        LONGS_EQUAL(1, a.polls);
        LONGS_EQUAL(1, b.polls);
        LONGS_EQUAL(0, c.polls);  // 4 + 4 > 6: out of budget before c
        LONGS_EQUAL(8, rec.n);
        LONGS_EQUAL(squeeze + 1, sd->time_squeeze);
        CHECK_TRUE(local_softirq_pending() & (1u << NET_RX_SOFTIRQ));
        // c first: it was waiting; then a and b, which used their weight.
        POINTERS_EQUAL(&c.napi.poll_list, sd->poll_list.next);
        POINTERS_EQUAL(&a.napi.poll_list, c.napi.poll_list.next);
        POINTERS_EQUAL(&b.napi.poll_list, a.napi.poll_list.next);
    }
    // bh enabled: the pending softirq runs until all 60 are through.
    LONGS_EQUAL(60, rec.n);
    CHECK_TRUE(list_empty(&sd->poll_list));
    for (fake_napi* f : {&a, &b, &c}) {
        netif_napi_del(&f->napi);
    }
    dev_remove_pack(&ip);
}

TEST(netrx, net_rx_action_stops_at_the_time_limit) {
    packet_type ip = make_pt(ETH_P_IP, record_rcv<1>);
    dev_add_pack(&ip);
    fake_napi a, b;
    init(a, dev, 4);
    init(b, dev, 4);
    fill(a, dev, 2);
    fill(b, dev, 2);
    a.advance_jiffies = 2;  // one poll takes two ticks
    {
        bh_guard bh;
        napi_schedule(&a.napi);
        napi_schedule(&b.napi);
        net_rx_action();
        LONGS_EQUAL(1, a.polls);
        LONGS_EQUAL(0, b.polls);
    }
    LONGS_EQUAL(1, b.polls);
    LONGS_EQUAL(4, rec.n);
    netif_napi_del(&a.napi);
    netif_napi_del(&b.napi);
    dev_remove_pack(&ip);
}

TEST(netrx, an_interrupt_during_poll_is_not_lost) {
    packet_type ip = make_pt(ETH_P_IP, record_rcv<1>);
    dev_add_pack(&ip);
    fake_napi f;
    init(f, dev, 4);
    fill(f, dev, 1);
    f.schedule_during_poll = true;
    in_irq_handler([&] { napi_schedule(&f.napi); });
    LONGS_EQUAL(1, f.complete_refused);  // told to poll again
    LONGS_EQUAL(2, f.polls);             // and it was
    LONGS_EQUAL(0, f.napi.state);
    netif_napi_del(&f.napi);
    dev_remove_pack(&ip);
}

TEST(netrx, a_disabled_napi_is_not_polled) {
    fake_napi f;
    init(f, dev, 4);
    fill(f, dev, 3);
    {
        bh_guard bh;
        CHECK_TRUE(napi_schedule(&f.napi));
        napi_disable(&f.napi);
        CHECK_TRUE(list_empty(&this_softnet_data()->poll_list));
        CHECK_FALSE(napi_schedule(&f.napi));
    }
    LONGS_EQUAL(0, f.polls);
    napi_enable(&f.napi);
    in_irq_handler([&] { napi_schedule(&f.napi); });
    LONGS_EQUAL(1, f.polls);
    LONGS_EQUAL(3, dev->stats.rx_nohandler);  // no IP handler in this test
    netif_napi_del(&f.napi);
}
