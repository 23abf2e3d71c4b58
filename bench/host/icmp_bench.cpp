// Host timing of an ICMP echo through the whole receive and transmit path
// (netif_rx .. ip_rcv .. icmp_echo .. the fake device), printed, never asserted.
#include <stdio.h>

#include "tests/unit/ipv4_test_util.h"
#include "tests/unit/mm_arena.h"

using namespace ipv4_test;

TEST_GROUP(icmp_bench) {
    env e;
    void setup() override {
        e.setup();
        e.know(peer_ip, peer_mac);
        take_sent(e.eth);
    }
    void teardown() override { e.teardown(); }
};

TEST(icmp_bench, echo_round_trip) {
    bytes frame = ether(our_mac, peer_mac, ETH_P_IP, ip_packet({}, echo_request(9, 1, pattern(56))));
    constexpr int rounds = 20000;
    auto* priv = net_test::priv_of(e.eth);
    uint64_t t0 = mm_test::now_ns();
    for (int i = 0; i < rounds; ++i) {
        receive_frame(e.eth, frame);
        consume_skb(__skb_dequeue(&priv->sent));
    }
    uint64_t t1 = mm_test::now_ns();
    LONGS_EQUAL(rounds, icmpstat(ICMP_MIB_OUTECHOREPS));
    printf("\n[icmp] echo request in (netif_rx .. ip_rcv .. icmp_echo) to reply on the fake device: %llu ns each "
           "(host, %d rounds)\n",
           static_cast<unsigned long long>((t1 - t0) / rounds), rounds);
}
