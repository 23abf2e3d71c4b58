// host-only: resets the slab allocator and the net core, which the live kernel owns.
#include <string.h>

#include <string>

#include "tests/unit/net_test_util.h"
#include "net/core/rtnetlink.h"

using net_test::fake_etherdev;
using net_test::priv_of;

namespace {

unsigned long events[32];
net_device* event_devs[32];
int nevents;

int log_event(notifier_block*, unsigned long action, void* data) {
    if (nevents < 32) {
        event_devs[nevents] = netdev_notifier_info_to_dev(data);
        events[nevents++] = action;
    }
    return NOTIFY_DONE;
}

}  // namespace

TEST_GROUP(netdev) {
    net_test::leak_check leaks;
    void setup() override {
        net_test::setup();
        leaks = net_test::leak_check{};
        nevents = 0;
    }
    void teardown() override {
        leaks.verify();
        net_test::teardown();
    }
};

TEST(netdev, loopback_is_registered_first_and_up) {
    net_device* lo = init_net.loopback_dev;
    CHECK_TRUE(lo != nullptr);
    STRCMP_EQUAL("lo", lo->name);
    LONGS_EQUAL(1, lo->ifindex);
    LONGS_EQUAL(65536, lo->mtu);
    LONGS_EQUAL(ARPHRD_LOOPBACK, lo->type);
    CHECK_TRUE(netif_running(lo));
    LONGS_EQUAL(IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP, dev_get_flags(lo));
    POINTERS_EQUAL(lo, __dev_get_by_name("lo"));
    POINTERS_EQUAL(lo, __dev_get_by_index(1));
}

TEST(netdev, eth_names_take_the_lowest_free_unit_and_indexes_grow) {
    net_device* a = fake_etherdev(false);
    net_device* b = fake_etherdev(false);
    STRCMP_EQUAL("eth0", a->name);
    STRCMP_EQUAL("eth1", b->name);
    LONGS_EQUAL(2, a->ifindex);
    LONGS_EQUAL(3, b->ifindex);
    net_test::destroy(a);
    net_device* c = fake_etherdev(false);
    STRCMP_EQUAL("eth0", c->name);
    LONGS_EQUAL(4, c->ifindex);
    const char* names[] = {"lo", "eth1", "eth0"};
    int i = 0;
    for (net_device& dev : for_each_netdev()) {
        STRCMP_EQUAL(names[i++], dev.name);
    }
    LONGS_EQUAL(3, i);
    net_test::destroy(b);
    net_test::destroy(c);
}

TEST(netdev, registration_errors) {
    net_device* dev = alloc_netdev(0, "lo", ether_setup);
    dev->netdev_ops = &net_test::fake_ops;
    LONGS_EQUAL(-EEXIST, register_netdev(dev));
    strcpy(dev->name, "a/b");
    LONGS_EQUAL(-EINVAL, register_netdev(dev));
    strcpy(dev->name, "x%s");
    LONGS_EQUAL(-EINVAL, register_netdev(dev));
    strcpy(dev->name, "eth0");
    dev->netdev_ops = nullptr;
    LONGS_EQUAL(-EINVAL, register_netdev(dev));
    dev->netdev_ops = &net_test::fake_ops;
    LONGS_EQUAL(0, register_netdev(dev));
    LONGS_EQUAL(-EINVAL, register_netdev(dev));  // twice
    free_netdev(dev);                            // refused: registered
    CHECK_TRUE(host_stub::console.find("still registered") != std::string::npos);
    unregister_netdev(dev);
    free_netdev(dev);
    POINTERS_EQUAL(nullptr, alloc_netdev(0, "a-name-far-too-long-for-ifnamsiz", ether_setup));
}

TEST(netdev, lookups_hold_a_reference) {
    net_device* dev = fake_etherdev(false);
    net_device* got = dev_get_by_name("eth0");
    POINTERS_EQUAL(dev, got);
    LONGS_EQUAL(1, dev->refcnt);
    POINTERS_EQUAL(dev, dev_get_by_index(dev->ifindex));
    LONGS_EQUAL(2, dev->refcnt);
    POINTERS_EQUAL(nullptr, dev_get_by_name("eth9"));
    POINTERS_EQUAL(nullptr, dev_get_by_index(99));
    POINTERS_EQUAL(dev, __dev_get_by_name("eth0"));
    LONGS_EQUAL(2, dev->refcnt);
    dev_put(dev);
    unregister_netdev(dev);
    free_netdev(dev);  // still held once: refused
    CHECK_TRUE(host_stub::console.find("still has 1 users") != std::string::npos);
    dev_put(dev);
    free_netdev(dev);
}

TEST(netdev, private_area_is_aligned_and_zeroed) {
    net_device* dev = alloc_etherdev(100);
    LONGS_EQUAL(0, reinterpret_cast<uintptr_t>(netdev_priv(dev)) % NETDEV_ALIGN);
    CHECK_TRUE(static_cast<char*>(netdev_priv(dev)) >= reinterpret_cast<char*>(dev + 1));
    for (int i = 0; i < 100; ++i) {
        LONGS_EQUAL(0, static_cast<uint8_t*>(netdev_priv(dev))[i]);
    }
    LONGS_EQUAL(ETH_DATA_LEN, dev->mtu);
    LONGS_EQUAL(ETH_HLEN, dev->hard_header_len);
    LONGS_EQUAL(DEFAULT_TX_QUEUE_LEN, dev->tx_queue_len);
    LONGS_EQUAL(IFF_BROADCAST | IFF_MULTICAST, dev->flags);
    MEMCMP_EQUAL(net_test::mac_bcast, dev->broadcast, ETH_ALEN);
    free_netdev(dev);
}

TEST(netdev, open_and_close_call_the_driver_once) {
    net_device* dev = fake_etherdev(false);
    CHECK_FALSE(netif_running(dev));
    rtnl_lock();
    LONGS_EQUAL(0, dev_open(dev));
    LONGS_EQUAL(0, dev_open(dev));
    LONGS_EQUAL(1, priv_of(dev)->opens);
    CHECK_TRUE(dev->flags & IFF_UP);
    CHECK_TRUE(netif_running(dev));
    LONGS_EQUAL(1, priv_of(dev)->rx_mode_calls);
    LONGS_EQUAL(0, dev_close(dev));
    LONGS_EQUAL(0, dev_close(dev));
    LONGS_EQUAL(1, priv_of(dev)->stops);
    CHECK_FALSE(dev->flags & IFF_UP);
    CHECK_FALSE(netif_running(dev));
    net_device* unreg = alloc_etherdev(0);
    LONGS_EQUAL(-ENODEV, dev_open(unreg));
    rtnl_unlock();
    free_netdev(unreg);
    net_test::destroy(dev);
}

TEST(netdev, a_failing_open_leaves_it_down) {
    static net_device_ops ops = net_test::fake_ops;
    ops.ndo_open = [](net_device*) { return -EIO; };
    net_device* dev = alloc_etherdev(sizeof(net_test::fake_priv));
    dev->netdev_ops = &ops;
    LONGS_EQUAL(0, register_netdev(dev));
    {
        rtnl_guard rtnl;
        LONGS_EQUAL(-EIO, dev_open(dev));
    }
    CHECK_FALSE(netif_running(dev));
    CHECK_FALSE(dev_get_flags(dev) & (IFF_UP | IFF_RUNNING));
    unregister_netdev(dev);
    free_netdev(dev);
}

TEST(netdev, running_needs_up_and_carrier) {
    net_device* dev = fake_etherdev();
    CHECK_TRUE(dev_get_flags(dev) & IFF_RUNNING);
    netif_carrier_off(dev);
    CHECK_FALSE(netif_carrier_ok(dev));
    CHECK_FALSE(dev_get_flags(dev) & (IFF_RUNNING | IFF_LOWER_UP));
    CHECK_TRUE(dev_get_flags(dev) & IFF_UP);
    netif_carrier_on(dev);
    CHECK_TRUE(dev_get_flags(dev) & IFF_RUNNING);
    net_test::destroy(dev);
}

TEST(netdev, promiscuity_is_counted) {
    net_device* dev = fake_etherdev();
    int calls = priv_of(dev)->rx_mode_calls;
    LONGS_EQUAL(0, dev_set_promiscuity(dev, 1));
    CHECK_TRUE(dev->flags & IFF_PROMISC);
    LONGS_EQUAL(calls + 1, priv_of(dev)->rx_mode_calls);
    CHECK_TRUE(host_stub::console.find("device eth0 entered promiscuous mode") != std::string::npos);
    LONGS_EQUAL(0, dev_set_promiscuity(dev, 1));
    LONGS_EQUAL(0, dev_set_promiscuity(dev, -1));
    CHECK_TRUE(dev->flags & IFF_PROMISC);  // one user left
    LONGS_EQUAL(calls + 1, priv_of(dev)->rx_mode_calls);  // no change, no reprogramming
    LONGS_EQUAL(0, dev_set_promiscuity(dev, -1));
    CHECK_FALSE(dev->flags & IFF_PROMISC);
    LONGS_EQUAL(calls + 2, priv_of(dev)->rx_mode_calls);
    LONGS_EQUAL(-EOVERFLOW, dev_set_promiscuity(dev, -1));
    LONGS_EQUAL(0, dev->promiscuity);
    LONGS_EQUAL(0, dev_set_allmulti(dev, 1));
    CHECK_TRUE(dev->flags & IFF_ALLMULTI);
    LONGS_EQUAL(0, dev_set_allmulti(dev, -1));
    CHECK_FALSE(dev->flags & IFF_ALLMULTI);
    net_test::destroy(dev);
}

TEST(netdev, change_flags_opens_closes_and_counts_the_administrator_once) {
    net_device* dev = fake_etherdev(false);
    rtnl_lock();
    LONGS_EQUAL(0, dev_change_flags(dev, dev->flags | IFF_UP | IFF_PROMISC));
    CHECK_TRUE(netif_running(dev));
    LONGS_EQUAL(1, dev->promiscuity);
    LONGS_EQUAL(0, dev_set_promiscuity(dev, 1));  // a packet socket, say
    LONGS_EQUAL(0, dev_change_flags(dev, dev->flags | IFF_PROMISC));  // again: no new user
    LONGS_EQUAL(2, dev->promiscuity);
    LONGS_EQUAL(0, dev_change_flags(dev, dev->flags & ~IFF_PROMISC));
    LONGS_EQUAL(1, dev->promiscuity);
    CHECK_TRUE(dev->flags & IFF_PROMISC);  // the socket still wants it
    LONGS_EQUAL(0, dev_set_promiscuity(dev, -1));
    LONGS_EQUAL(0, dev_change_flags(dev, dev->flags & ~IFF_UP));
    rtnl_unlock();
    CHECK_FALSE(netif_running(dev));
    net_test::destroy(dev);
}

TEST(netdev, multicast_list_is_counted_per_address) {
    net_device* dev = fake_etherdev();
    int calls = priv_of(dev)->rx_mode_calls;
    const uint8_t group2[ETH_ALEN] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x02};
    LONGS_EQUAL(0, dev_mc_add(dev, net_test::mac_mcast));
    LONGS_EQUAL(0, dev_mc_add(dev, net_test::mac_mcast));
    LONGS_EQUAL(0, dev_mc_add(dev, group2));
    LONGS_EQUAL(2, netdev_mc_count(dev));
    LONGS_EQUAL(calls + 2, priv_of(dev)->rx_mode_calls);  // not for the second join
    LONGS_EQUAL(-EINVAL, dev_mc_add(dev, net_test::mac_b));  // unicast
    int seen = 0;
    for (netdev_hw_addr& ha : netdev_for_each_mc_addr(dev)) {
        MEMCMP_EQUAL(seen == 0 ? net_test::mac_mcast : group2, ha.addr, ETH_ALEN);
        ++seen;
    }
    LONGS_EQUAL(2, seen);
    LONGS_EQUAL(0, dev_mc_del(dev, net_test::mac_mcast));
    LONGS_EQUAL(2, netdev_mc_count(dev));  // joined twice
    LONGS_EQUAL(0, dev_mc_del(dev, net_test::mac_mcast));
    LONGS_EQUAL(1, netdev_mc_count(dev));
    LONGS_EQUAL(-ENOENT, dev_mc_del(dev, net_test::mac_mcast));
    net_test::destroy(dev);  // frees what is left on the list
}

TEST(netdev, mtu_within_bounds) {
    net_device* dev = fake_etherdev();
    rtnl_lock();
    LONGS_EQUAL(0, dev_set_mtu(dev, 576));
    LONGS_EQUAL(576, dev->mtu);
    LONGS_EQUAL(-EINVAL, dev_set_mtu(dev, 67));
    LONGS_EQUAL(-EINVAL, dev_set_mtu(dev, 1501));
    LONGS_EQUAL(-EINVAL, dev_set_mtu(dev, -1));
    rtnl_unlock();
    LONGS_EQUAL(576, dev->mtu);
    net_test::destroy(dev);
}

TEST(netdev, notifiers_see_the_life_of_a_device) {
    notifier_block nb{log_event, nullptr, 0};
    LONGS_EQUAL(0, register_netdevice_notifier(&nb));
    LONGS_EQUAL(-EEXIST, register_netdevice_notifier(&nb));
    // Replayed for what is there: lo, registered and up.
    LONGS_EQUAL(2, nevents);
    LONGS_EQUAL(NETDEV_REGISTER, events[0]);
    LONGS_EQUAL(NETDEV_UP, events[1]);
    POINTERS_EQUAL(init_net.loopback_dev, event_devs[1]);
    nevents = 0;
    net_device* dev = fake_etherdev();
    {
        rtnl_guard rtnl;
        dev_set_mtu(dev, 1000);
    }
    netif_carrier_off(dev);
    net_test::destroy(dev);
    const unsigned long want[] = {NETDEV_REGISTER, NETDEV_UP,   NETDEV_CHANGEMTU, NETDEV_CHANGE,
                                  NETDEV_GOING_DOWN, NETDEV_DOWN, NETDEV_UNREGISTER};
    LONGS_EQUAL(7, nevents);
    for (int i = 0; i < 7; ++i) {
        LONGS_EQUAL(want[i], events[i]);
        POINTERS_EQUAL(dev, event_devs[i]);
    }
    LONGS_EQUAL(0, unregister_netdevice_notifier(&nb));
    LONGS_EQUAL(-ENOENT, unregister_netdevice_notifier(&nb));
}

TEST(netdev, napi_instances_belong_to_their_device) {
    net_device* dev = fake_etherdev();
    napi_struct napi{};
    netif_napi_add(dev, &napi, [](napi_struct*, int) { return 0; });
    LONGS_EQUAL(NAPI_POLL_WEIGHT, napi.weight);
    POINTERS_EQUAL(dev, napi.dev);
    CHECK_FALSE(list_empty(&dev->napi_list));
    CHECK_FALSE(napi_schedule(&napi));  // disabled until napi_enable
    napi_enable(&napi);
    CHECK_TRUE(napi_schedule(&napi));
    net_test::destroy(dev);  // unregister deletes it, off the poll list too
    CHECK_TRUE(list_empty(&this_softnet_data()->poll_list));
    CHECK_TRUE(list_empty(&napi.dev_list));
}
