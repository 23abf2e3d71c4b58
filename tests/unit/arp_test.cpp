// host-only: resets the slab allocator, the net core and IPv4, and drives jiffies.
#include <string.h>

#include <string>
#include <vector>

#include "net/ipv4/proc.h"
#include "tests/unit/ipv4_test_util.h"
#include "net/core/rtnetlink.h"

using namespace ipv4_test;

namespace {

// An IP datagram of ours to dst (TEST_PROTO, n octets of payload).
int send_to(__be32 dst, unsigned n = 32) {
    sk_buff* skb = alloc_skb(IP_MAX_HEADROOM + n, GFP_KERNEL);
    skb_reserve(skb, IP_MAX_HEADROOM);
    skb_put_data(skb, pattern(n).data(), n);
    flowi4 fl4;
    fl4.daddr = dst;
    fl4.flowi4_proto = TEST_PROTO;
    return ip_build_and_send_pkt(skb, &fl4, ip_xmit_opts{});
}

neighbour* entry(__be32 ip, net_device* dev) { return neigh_lookup(&arp_tbl, ip, dev); }
uint8_t state_of(__be32 ip, net_device* dev) {
    neighbour* n = entry(ip, dev);
    return n ? n->nud_state : 0xff;
}

void receive_arp(net_device* dev, const bytes& body, const uint8_t* dst = our_mac,
                 const uint8_t* src = peer_mac) {
    receive_frame(dev, ether(dst, src, ETH_P_ARP, body));
}

const uint8_t zero_mac[6] = {};
const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

}  // namespace

TEST_GROUP(arp) {
    env e;
    void setup() override { e.setup(); }
    void teardown() override { e.teardown(); }
    // The peer answers our request.
    void reply_from_peer(const uint8_t* mac = peer_mac, const uint8_t* dst = our_mac) {
        receive_arp(e.eth, arp_packet(ARPOP_REPLY, mac, peer_ip, our_mac, our_ip), dst, mac);
    }
};

TEST(arp, request_for_our_address_is_answered_and_the_sender_learned) {
    receive_arp(e.eth, arp_packet(ARPOP_REQUEST, peer_mac, peer_ip, zero_mac, our_ip), bcast);
    auto sent = only(e.eth, ETH_P_ARP);
    LONGS_EQUAL(1, sent.size());
    MEMCMP_EQUAL(peer_mac, sent[0].dst(), 6);
    MEMCMP_EQUAL(our_mac, sent[0].src(), 6);
    arp_view v = parse_arp(sent[0]);
    LONGS_EQUAL(ARPOP_REPLY, v.op);
    LONGS_EQUAL(ARPHRD_ETHER, v.hrd);
    LONGS_EQUAL(ETH_P_IP, v.pro);
    LONGS_EQUAL(6, v.hln);
    LONGS_EQUAL(4, v.pln);
    MEMCMP_EQUAL(our_mac, v.sha, 6);
    CHECK_EQUAL(our_ip, v.sip);
    MEMCMP_EQUAL(peer_mac, v.tha, 6);
    CHECK_EQUAL(peer_ip, v.tip);
    LONGS_EQUAL(NUD_STALE, state_of(peer_ip, e.eth));
    MEMCMP_EQUAL(peer_mac, entry(peer_ip, e.eth)->ha, 6);
    LONGS_EQUAL(1, arpstat(ARP_MIB_INREQUESTS));
    LONGS_EQUAL(1, arpstat(ARP_MIB_OUTREPLIES));
}

TEST(arp, request_for_another_host_is_neither_answered_nor_learned) {
    receive_arp(e.eth, arp_packet(ARPOP_REQUEST, peer_mac, peer_ip, zero_mac, ipv4_addr(10, 0, 2, 99)), bcast);
    LONGS_EQUAL(0, only(e.eth, ETH_P_ARP).size());
    POINTERS_EQUAL(nullptr, entry(peer_ip, e.eth));
}

TEST(arp, a_miss_sends_a_request_queues_and_the_reply_releases) {
    LONGS_EQUAL(0, send_to(peer_ip));
    auto sent = take_sent(e.eth);
    LONGS_EQUAL(1, sent.size());
    LONGS_EQUAL(ETH_P_ARP, sent[0].type());
    MEMCMP_EQUAL(bcast, sent[0].dst(), 6);
    arp_view v = parse_arp(sent[0]);
    LONGS_EQUAL(ARPOP_REQUEST, v.op);
    CHECK_EQUAL(our_ip, v.sip);
    CHECK_EQUAL(peer_ip, v.tip);
    MEMCMP_EQUAL(zero_mac, v.tha, 6);
    LONGS_EQUAL(NUD_INCOMPLETE, state_of(peer_ip, e.eth));
    LONGS_EQUAL(1, skb_queue_len(&entry(peer_ip, e.eth)->arp_queue));

    reply_from_peer();
    LONGS_EQUAL(NUD_REACHABLE, state_of(peer_ip, e.eth));
    auto out = take_sent(e.eth);
    LONGS_EQUAL(1, out.size());
    LONGS_EQUAL(ETH_P_IP, out[0].type());
    MEMCMP_EQUAL(peer_mac, out[0].dst(), 6);
    CHECK_EQUAL(peer_ip, out[0].ip()->daddr);
    // Now known: the next one goes at once.
    LONGS_EQUAL(0, send_to(peer_ip));
    LONGS_EQUAL(1, only(e.eth, ETH_P_IP).size());
}

TEST(arp, the_queue_keeps_the_newest_three_and_counts_the_rest) {
    for (int i = 0; i < 5; ++i) {
        LONGS_EQUAL(0, send_to(peer_ip, 10 + i));
    }
    LONGS_EQUAL(1, only(e.eth, ETH_P_ARP).size());  // one request, not five
    LONGS_EQUAL(3, skb_queue_len(&entry(peer_ip, e.eth)->arp_queue));
    LONGS_EQUAL(2, arpstat(ARP_MIB_UNRES_DISCARDS));
    reply_from_peer();
    auto out = only(e.eth, ETH_P_IP);
    LONGS_EQUAL(3, out.size());
    LONGS_EQUAL(12, out[0].ip_payload_len());  // the oldest ones went
    LONGS_EQUAL(14, out[2].ip_payload_len());
}

TEST(arp, three_requests_a_second_apart_then_failed_with_host_unreachable) {
    LONGS_EQUAL(0, send_to(peer_ip));
    LONGS_EQUAL(0, send_to(peer_ip));
    LONGS_EQUAL(1, only(e.eth, ETH_P_ARP).size());
    for (int second = 1; second <= 2; ++second) {
        advance_ms(990);
        LONGS_EQUAL(0, only(e.eth, ETH_P_ARP).size());
        advance_ms(10);
        LONGS_EQUAL(1, only(e.eth, ETH_P_ARP).size());
        LONGS_EQUAL(NUD_INCOMPLETE, state_of(peer_ip, e.eth));
    }
    advance_ms(1000);
    LONGS_EQUAL(NUD_FAILED, state_of(peer_ip, e.eth));
    LONGS_EQUAL(0, take_sent(e.eth).size());
    LONGS_EQUAL(1, arpstat(ARP_MIB_RES_FAILED));
    LONGS_EQUAL(2, arpstat(ARP_MIB_UNRES_DISCARDS));
    // Each dropped datagram came back to us as host unreachable (through
    // lo) and reached TEST_PROTO's error handler.
    LONGS_EQUAL(2, icmpstat(ICMP_MIB_OUTDESTUNREACHS));
    LONGS_EQUAL(2, icmpstat(ICMP_MIB_INDESTUNREACHS));
    LONGS_EQUAL(2, e.r.err_packets.size());
    CHECK_EQUAL(peer_ip, reinterpret_cast<const iphdr*>(e.r.err_packets[0].data())->daddr);
    // A new datagram starts a new round.
    LONGS_EQUAL(0, send_to(peer_ip));
    LONGS_EQUAL(NUD_INCOMPLETE, state_of(peer_ip, e.eth));
    LONGS_EQUAL(1, only(e.eth, ETH_P_ARP).size());
}

TEST(arp, reachable_ages_to_stale_then_delay_probe_and_back) {
    LONGS_EQUAL(0, send_to(peer_ip));
    reply_from_peer();
    take_sent(e.eth);
    LONGS_EQUAL(NUD_REACHABLE, state_of(peer_ip, e.eth));
    advance_ms(29000);
    LONGS_EQUAL(NUD_REACHABLE, state_of(peer_ip, e.eth));
    advance_ms(1010);
    LONGS_EQUAL(NUD_STALE, state_of(peer_ip, e.eth));
    // Used while stale: sent at once, DELAY for 5 s, then unicast probes.
    LONGS_EQUAL(0, send_to(peer_ip));
    LONGS_EQUAL(1, only(e.eth, ETH_P_IP).size());
    LONGS_EQUAL(NUD_DELAY, state_of(peer_ip, e.eth));
    advance_ms(5000);
    LONGS_EQUAL(NUD_PROBE, state_of(peer_ip, e.eth));
    auto probe = only(e.eth, ETH_P_ARP);
    LONGS_EQUAL(1, probe.size());
    MEMCMP_EQUAL(peer_mac, probe[0].dst(), 6);  // unicast
    reply_from_peer();
    LONGS_EQUAL(NUD_REACHABLE, state_of(peer_ip, e.eth));
}

TEST(arp, unanswered_probes_end_failed) {
    LONGS_EQUAL(0, send_to(peer_ip));
    reply_from_peer();
    take_sent(e.eth);
    advance_ms(31000);
    LONGS_EQUAL(0, send_to(peer_ip));
    advance_ms(5000);
    LONGS_EQUAL(NUD_PROBE, state_of(peer_ip, e.eth));
    advance_ms(3000);
    LONGS_EQUAL(NUD_FAILED, state_of(peer_ip, e.eth));
    LONGS_EQUAL(3, only(e.eth, ETH_P_ARP).size());
}

TEST(arp, recently_used_reachable_goes_to_delay_not_stale) {
    LONGS_EQUAL(0, send_to(peer_ip));
    reply_from_peer();
    advance_ms(28000);
    LONGS_EQUAL(0, send_to(peer_ip));
    advance_ms(2010);
    LONGS_EQUAL(NUD_DELAY, state_of(peer_ip, e.eth));
    // A reply (an upper-layer confirmation would do too) within the delay.
    reply_from_peer();
    advance_ms(5000);
    LONGS_EQUAL(NUD_REACHABLE, state_of(peer_ip, e.eth));
}

TEST(arp, static_entries_never_expire_and_ignore_the_wire) {
    LONGS_EQUAL(0, arp_req_set(peer_ip, peer_mac, e.eth, true));
    LONGS_EQUAL(NUD_PERMANENT, state_of(peer_ip, e.eth));
    advance_ms(10 * 60 * 1000);
    LONGS_EQUAL(NUD_PERMANENT, state_of(peer_ip, e.eth));
    const uint8_t other[6] = {0x02, 0, 0, 0, 0, 0x66};
    receive_arp(e.eth, arp_packet(ARPOP_REPLY, other, peer_ip, our_mac, our_ip), our_mac, other);
    MEMCMP_EQUAL(peer_mac, entry(peer_ip, e.eth)->ha, 6);
    LONGS_EQUAL(0, send_to(peer_ip));
    auto out = only(e.eth, ETH_P_IP);
    LONGS_EQUAL(1, out.size());
    MEMCMP_EQUAL(peer_mac, out[0].dst(), 6);
    // arp -d
    LONGS_EQUAL(0, arp_req_delete(peer_ip, nullptr));
    POINTERS_EQUAL(nullptr, entry(peer_ip, e.eth));
    LONGS_EQUAL(-ENXIO, arp_req_delete(peer_ip, nullptr));
}

TEST(arp, static_entries_refuse_bad_addresses) {
    LONGS_EQUAL(-EINVAL, arp_req_set(peer_ip, bcast, e.eth, true));
    LONGS_EQUAL(-EINVAL, arp_req_set(peer_ip, zero_mac, e.eth, true));
    LONGS_EQUAL(-EINVAL, arp_req_set(ipv4_addr(224, 0, 0, 5), peer_mac, e.eth, true));
    LONGS_EQUAL(-EINVAL, arp_req_set(peer_ip, peer_mac, init_net.loopback_dev, true));
    // No device given: found through the route.
    LONGS_EQUAL(0, arp_req_set(peer_ip, peer_mac, nullptr, true));
    LONGS_EQUAL(NUD_PERMANENT, state_of(peer_ip, e.eth));
    fib_config def;
    def.gw = gw_ip;
    LONGS_EQUAL(0, fib_del_route(def));
    LONGS_EQUAL(-ENETUNREACH, arp_req_set(ipv4_addr(10, 9, 9, 9), peer_mac, nullptr, true));
}

TEST(arp, junk_is_counted_and_dropped) {
    std::vector<bytes> bad = {
        arp_packet(ARPOP_REQUEST, peer_mac, peer_ip, zero_mac, our_ip, 6 /* IEEE 802 */),
        arp_packet(ARPOP_REQUEST, peer_mac, peer_ip, zero_mac, our_ip, ARPHRD_ETHER, ETH_P_IPV6),
        arp_packet(ARPOP_REQUEST, peer_mac, peer_ip, zero_mac, our_ip, ARPHRD_ETHER, ETH_P_IP, 8),
        arp_packet(ARPOP_REQUEST, peer_mac, peer_ip, zero_mac, our_ip, ARPHRD_ETHER, ETH_P_IP, 6, 16),
        arp_packet(3, peer_mac, peer_ip, zero_mac, our_ip),
        arp_packet(ARPOP_REQUEST, bcast, peer_ip, zero_mac, our_ip),
        arp_packet(ARPOP_REQUEST, net_test::mac_mcast, peer_ip, zero_mac, our_ip),
        arp_packet(ARPOP_REQUEST, zero_mac, peer_ip, zero_mac, our_ip),
        arp_packet(ARPOP_REQUEST, peer_mac, ipv4_addr(224, 0, 0, 1), zero_mac, our_ip),
        arp_packet(ARPOP_REQUEST, peer_mac, ipv4_addr(255, 255, 255, 255), zero_mac, our_ip),
        arp_packet(ARPOP_REQUEST, peer_mac, ipv4_addr(127, 0, 0, 1), zero_mac, our_ip),
        arp_packet(ARPOP_REQUEST, peer_mac, peer_ip, zero_mac, ipv4_addr(127, 0, 0, 1)),
        arp_packet(ARPOP_REQUEST, peer_mac, peer_ip, zero_mac, ipv4_addr(224, 0, 0, 1)),
    };
    bytes shortpkt = arp_packet(ARPOP_REQUEST, peer_mac, peer_ip, zero_mac, our_ip);
    shortpkt.resize(27);
    bad.push_back(shortpkt);
    for (const bytes& b : bad) {
        receive_arp(e.eth, b, bcast);
    }
    LONGS_EQUAL(bad.size(), arpstat(ARP_MIB_INERRORS));
    LONGS_EQUAL(0, arpstat(ARP_MIB_INREQUESTS));
    LONGS_EQUAL(0, take_sent(e.eth).size());
    LONGS_EQUAL(0, arp_tbl.entries_count);
    // Ethernet padding after a valid body is fine.
    bytes padded = arp_packet(ARPOP_REQUEST, peer_mac, peer_ip, zero_mac, our_ip);
    padded.resize(46);
    receive_arp(e.eth, padded, bcast);
    LONGS_EQUAL(1, only(e.eth, ETH_P_ARP).size());
}

TEST(arp, someone_elses_frame_in_promiscuous_mode_is_ignored) {
    const uint8_t other[6] = {0x02, 0, 0, 0, 0, 0x77};
    receive_arp(e.eth, arp_packet(ARPOP_REQUEST, peer_mac, peer_ip, zero_mac, our_ip), other);
    LONGS_EQUAL(1, arpstat(ARP_MIB_INDISCARDS));
    LONGS_EQUAL(0, take_sent(e.eth).size());
}

TEST(arp, an_address_added_on_a_running_device_is_announced) {
    rtnl_guard rtnl;   // configuration changes below
    LONGS_EQUAL(0, inet_ifa_add(e.eth, ipv4_addr(10, 0, 3, 1), 24, 0, nullptr));
    auto sent = only(e.eth, ETH_P_ARP);
    LONGS_EQUAL(1, sent.size());
    MEMCMP_EQUAL(bcast, sent[0].dst(), 6);
    arp_view v = parse_arp(sent[0]);
    LONGS_EQUAL(ARPOP_REQUEST, v.op);
    CHECK_EQUAL(ipv4_addr(10, 0, 3, 1), v.sip);
    CHECK_EQUAL(ipv4_addr(10, 0, 3, 1), v.tip);
    MEMCMP_EQUAL(zero_mac, v.tha, 6);
    LONGS_EQUAL(1, arpstat(ARP_MIB_OUTGRATUITOUS));
}

TEST(arp, ifup_announces_every_address) {
    rtnl_guard rtnl;   // configuration changes below
    dev_close(e.eth);
    take_sent(e.eth);
    LONGS_EQUAL(0, dev_open(e.eth));
    auto sent = only(e.eth, ETH_P_ARP);
    LONGS_EQUAL(1, sent.size());
    CHECK_EQUAL(our_ip, parse_arp(sent[0]).tip);
}

TEST(arp, a_conflict_is_counted_and_never_cached) {
    const uint8_t thief[6] = {0x02, 0, 0, 0, 0, 0x99};
    receive_arp(e.eth, arp_packet(ARPOP_REQUEST, thief, our_ip, zero_mac, our_ip), bcast, thief);
    LONGS_EQUAL(1, arpstat(ARP_MIB_INCONFLICTS));
    POINTERS_EQUAL(nullptr, entry(our_ip, e.eth));
}

TEST(arp, a_probe_for_our_address_is_defended) {
    // RFC 5227 2.1.1: sender IP 0, target our address.
    receive_arp(e.eth, arp_packet(ARPOP_REQUEST, peer_mac, 0, zero_mac, our_ip), bcast);
    auto sent = only(e.eth, ETH_P_ARP);
    LONGS_EQUAL(1, sent.size());
    arp_view v = parse_arp(sent[0]);
    LONGS_EQUAL(ARPOP_REPLY, v.op);
    CHECK_EQUAL(our_ip, v.sip);
    POINTERS_EQUAL(nullptr, entry(0, e.eth));
}

TEST(arp, a_second_answer_within_locktime_does_not_replace_the_first) {
    LONGS_EQUAL(0, send_to(peer_ip));
    reply_from_peer();
    const uint8_t other[6] = {0x02, 0, 0, 0, 0, 0x55};
    reply_from_peer(other);
    MEMCMP_EQUAL(peer_mac, entry(peer_ip, e.eth)->ha, 6);
    advance_ms(1100);
    reply_from_peer(other);
    MEMCMP_EQUAL(other, entry(peer_ip, e.eth)->ha, 6);
}

TEST(arp, a_broadcast_reply_only_makes_it_stale) {
    LONGS_EQUAL(0, send_to(peer_ip));
    reply_from_peer(peer_mac, bcast);
    LONGS_EQUAL(NUD_STALE, state_of(peer_ip, e.eth));
    LONGS_EQUAL(1, only(e.eth, ETH_P_IP).size());  // the waiting datagram went anyway
}

TEST(arp, a_full_table_evicts_the_oldest_non_permanent_entry) {
    arp_tbl.parms.gc_thresh = 4;
    LONGS_EQUAL(0, arp_req_set(ipv4_addr(10, 0, 2, 100), peer_mac, e.eth, true));
    for (int i = 1; i <= 3; ++i) {
        LONGS_EQUAL(0, send_to(ipv4_addr(10, 0, 2, static_cast<uint8_t>(i))));
        advance_ms(10);
    }
    LONGS_EQUAL(4, arp_tbl.entries_count);
    LONGS_EQUAL(0, send_to(ipv4_addr(10, 0, 2, 4)));
    LONGS_EQUAL(4, arp_tbl.entries_count);
    POINTERS_EQUAL(nullptr, entry(ipv4_addr(10, 0, 2, 1), e.eth));  // the oldest went, its packet counted
    CHECK(entry(ipv4_addr(10, 0, 2, 100), e.eth) != nullptr);
    LONGS_EQUAL(1, arpstat(ARP_MIB_FORCED_GC_RUNS));
    LONGS_EQUAL(1, arpstat(ARP_MIB_UNRES_DISCARDS));
    // Only permanent entries: nothing to evict, nothing created.
    arp_tbl.parms.gc_thresh = 1;
    neigh_table_clear(&arp_tbl);
    neigh_table_init(&arp_tbl, arp_tbl.parms, arp_tbl.ops);
    LONGS_EQUAL(0, arp_req_set(ipv4_addr(10, 0, 2, 100), peer_mac, e.eth, true));
    LONGS_EQUAL(-ENOBUFS, send_to(ipv4_addr(10, 0, 2, 5)));
    LONGS_EQUAL(1, arpstat(ARP_MIB_TABLE_FULLS));
}

TEST(arp, periodic_collection_frees_failed_and_long_unused_entries) {
    LONGS_EQUAL(0, send_to(ipv4_addr(10, 0, 2, 50)));  // will fail
    LONGS_EQUAL(0, send_to(peer_ip));
    reply_from_peer();
    LONGS_EQUAL(0, arp_req_set(gw_ip, gw_mac, e.eth, true));
    advance_ms(4000);
    LONGS_EQUAL(NUD_FAILED, state_of(ipv4_addr(10, 0, 2, 50), e.eth));
    advance_ms(12000);  // the 15 s collection
    POINTERS_EQUAL(nullptr, entry(ipv4_addr(10, 0, 2, 50), e.eth));
    CHECK(entry(peer_ip, e.eth) != nullptr);
    advance_ms(120000);  // stale and unused for over 60 s
    POINTERS_EQUAL(nullptr, entry(peer_ip, e.eth));
    LONGS_EQUAL(NUD_PERMANENT, state_of(gw_ip, e.eth));
    CHECK(arpstat(ARP_MIB_PERIODIC_GC_RUNS) >= 2);
}

TEST(arp, device_down_flushes_its_entries_and_their_queues) {
    LONGS_EQUAL(0, send_to(peer_ip));
    LONGS_EQUAL(0, arp_req_set(gw_ip, gw_mac, e.eth, true));
    LONGS_EQUAL(2, arp_tbl.entries_count);
    rtnl_guard rtnl;   // configuration changes below
    dev_close(e.eth);
    LONGS_EQUAL(0, arp_tbl.entries_count);
    LONGS_EQUAL(1, arpstat(ARP_MIB_UNRES_DISCARDS));
}

TEST(arp, listings_show_state_and_address) {
    LONGS_EQUAL(0, arp_req_set(gw_ip, gw_mac, e.eth, true));
    LONGS_EQUAL(0, send_to(peer_ip));
    char buf[1024];
    size_t n = arp_seq_show(buf, sizeof buf);
    CHECK(n < sizeof buf);
    STRCMP_EQUAL("IP address       HW type     Flags       HW address            Mask     Device\n"
                 "10.0.2.2         0x1         0x6         52:55:0a:00:02:02     *        eth0\n"
                 "10.0.2.3         0x1         0x0         00:00:00:00:00:00     *        eth0\n",
                 buf);
    neigh_show(buf, sizeof buf);
    STRCMP_EQUAL("10.0.2.2 dev eth0 lladdr 52:55:0a:00:02:02 PERMANENT\n10.0.2.3 dev eth0 INCOMPLETE\n", buf);
    // Truncation reports the length needed.
    char small[8];
    LONGS_EQUAL(n, arp_seq_show(small, sizeof small));
    LONGS_EQUAL(7, strlen(small));
}
