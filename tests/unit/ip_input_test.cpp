// host-only: resets the slab allocator, the net core and IPv4, and drives jiffies.
#include <string.h>

#include <vector>

#include "tests/unit/ipv4_test_util.h"

using namespace ipv4_test;

namespace {

const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

bytes test_datagram(ip_spec s, unsigned n = 16) {
    s.protocol = TEST_PROTO;
    return ip_packet(s, pattern(n));
}

}  // namespace

TEST_GROUP(ip_input) {
    env e;
    void setup() override {
        e.setup();
        e.know(peer_ip, peer_mac);
        take_sent(e.eth);
    }
    void teardown() override { e.teardown(); }
    // Sends s (TEST_PROTO) and says whether it was delivered; checks
    // exactly one counter moved by one otherwise.
    void expect_dropped(const bytes& frame_ip, ipstats_mib counter, const uint8_t* dst_mac = our_mac) {
        unsigned long before = ipstat(counter);
        size_t delivered = e.r.proto.size();
        receive_ip(e.eth, frame_ip, dst_mac);
        LONGS_EQUAL(delivered, e.r.proto.size());
        LONGS_EQUAL(before + 1, ipstat(counter));
    }
};

TEST(ip_input, a_valid_datagram_is_delivered_to_its_protocol_and_raw_hook) {
    receive_ip(e.eth, test_datagram({}, 40));
    LONGS_EQUAL(1, e.r.proto.size());
    LONGS_EQUAL(1, e.r.raw.size());
    CHECK(e.r.proto[0].payload == pattern(40));
    LONGS_EQUAL(20, e.r.proto[0].ip_header.size());
    LONGS_EQUAL(RTN_LOCAL, e.r.proto[0].rt_type);
    LONGS_EQUAL(1, ipstat(IPSTATS_MIB_INRECEIVES));
    LONGS_EQUAL(1, ipstat(IPSTATS_MIB_INDELIVERS));
}

TEST(ip_input, ethernet_padding_is_trimmed) {
    bytes p = test_datagram({}, 4);  // 24 octets, padded to 46 on the wire
    p.resize(46, 0xee);
    receive_ip(e.eth, p);
    LONGS_EQUAL(1, e.r.proto.size());
    LONGS_EQUAL(4, e.r.proto[0].payload.size());
}

TEST(ip_input, header_errors_each_in_their_counter) {
    bytes tiny = test_datagram({});
    tiny.resize(19);
    expect_dropped(tiny, IPSTATS_MIB_INHDRERRORS);
    ip_spec v6;
    v6.version = 6;
    expect_dropped(test_datagram(v6), IPSTATS_MIB_INHDRERRORS);
    ip_spec ihl4;
    ihl4.ihl = 4;
    expect_dropped(test_datagram(ihl4), IPSTATS_MIB_INHDRERRORS);
    ip_spec ihl15;  // says 60 octets of header, the frame has 36 in all
    ihl15.ihl = 15;
    expect_dropped(test_datagram(ihl15), IPSTATS_MIB_INHDRERRORS);
    ip_spec bad;
    bad.bad_csum = true;
    expect_dropped(test_datagram(bad), IPSTATS_MIB_INHDRERRORS);
    LONGS_EQUAL(1, ipstat(IPSTATS_MIB_CSUMERRORS));
    ip_spec longer;
    longer.tot_len = 200;
    expect_dropped(test_datagram(longer), IPSTATS_MIB_INTRUNCATEDPKTS);
    ip_spec shorter;
    shorter.tot_len = 19;
    expect_dropped(test_datagram(shorter), IPSTATS_MIB_INHDRERRORS);
    LONGS_EQUAL(0, take_sent(e.eth).size());  // no ICMP about garbage
    LONGS_EQUAL(7, ipstat(IPSTATS_MIB_INRECEIVES));
    LONGS_EQUAL(0, ipstat(IPSTATS_MIB_INDELIVERS));
}

TEST(ip_input, address_errors_each_counted) {
    ip_spec not_ours;
    not_ours.daddr = ipv4_addr(10, 0, 2, 99);
    expect_dropped(test_datagram(not_ours), IPSTATS_MIB_INADDRERRORS);
    const __be32 bad_sources[] = {ipv4_addr(224, 0, 0, 1), ipv4_addr(255, 255, 255, 255), ipv4_addr(127, 0, 0, 1),
                                  ipv4_addr(0, 0, 0, 0), ipv4_addr(240, 0, 0, 1)};
    for (__be32 src : bad_sources) {
        ip_spec s;
        s.saddr = src;
        expect_dropped(test_datagram(s), IPSTATS_MIB_INADDRERRORS);
    }
    ip_spec to_loopback;
    to_loopback.daddr = ipv4_addr(127, 0, 0, 1);
    expect_dropped(test_datagram(to_loopback), IPSTATS_MIB_INADDRERRORS);
    ip_spec group;
    group.daddr = ipv4_addr(224, 0, 0, 9);  // not joined
    expect_dropped(test_datagram(group), IPSTATS_MIB_INADDRERRORS, net_test::mac_mcast);
    ip_spec zero_dst;
    zero_dst.daddr = 0;
    expect_dropped(test_datagram(zero_dst), IPSTATS_MIB_INADDRERRORS);
    // RFC 1122 3.3.6: a link broadcast carrying a unicast destination.
    expect_dropped(test_datagram({}), IPSTATS_MIB_INADDRERRORS, bcast_mac);
    // Our own address, or our subnet's broadcast, as the source of a frame
    // from the wire (Linux's martian source): to us, to broadcast, to a group.
    const __be32 own_sources[] = {our_ip, ipv4_addr(10, 0, 2, 255)};
    for (__be32 src : own_sources) {
        ip_spec to_us;
        to_us.saddr = src;
        expect_dropped(test_datagram(to_us), IPSTATS_MIB_INADDRERRORS);
        ip_spec to_all = to_us;
        to_all.daddr = ipv4_addr(255, 255, 255, 255);
        expect_dropped(test_datagram(to_all), IPSTATS_MIB_INADDRERRORS, bcast_mac);
        ip_spec to_subnet = to_us;
        to_subnet.daddr = ipv4_addr(10, 0, 2, 255);
        expect_dropped(test_datagram(to_subnet), IPSTATS_MIB_INADDRERRORS, bcast_mac);
    }
    LONGS_EQUAL(0, take_sent(e.eth).size());
}

TEST(ip_input, broadcasts_and_joined_groups_are_ours) {
    ip_spec limited;
    limited.daddr = ipv4_addr(255, 255, 255, 255);
    receive_ip(e.eth, test_datagram(limited), bcast_mac);
    ip_spec directed;
    directed.daddr = subnet_bcast;
    receive_ip(e.eth, test_datagram(directed), bcast_mac);
    ip_spec old_style;   // the all-zeros host part (RFC 1122 3.3.6)
    old_style.daddr = ipv4_addr(10, 0, 2, 0);
    receive_ip(e.eth, test_datagram(old_style), bcast_mac);
    ip_spec all_hosts;
    all_hosts.daddr = ipv4_addr(224, 0, 0, 1);
    receive_ip(e.eth, test_datagram(all_hosts), net_test::mac_mcast);
    ip_spec dhcp;  // a client without an address yet
    dhcp.saddr = 0;
    dhcp.daddr = ipv4_addr(255, 255, 255, 255);
    receive_ip(e.eth, test_datagram(dhcp), bcast_mac);
    LONGS_EQUAL(5, e.r.proto.size());
    LONGS_EQUAL(RTN_BROADCAST, e.r.proto[0].rt_type);
    LONGS_EQUAL(RTN_BROADCAST, e.r.proto[1].rt_type);
    LONGS_EQUAL(RTN_BROADCAST, e.r.proto[2].rt_type);
    LONGS_EQUAL(RTN_MULTICAST, e.r.proto[3].rt_type);
    LONGS_EQUAL(4, ipstat(IPSTATS_MIB_INBCASTPKTS));
    LONGS_EQUAL(1, ipstat(IPSTATS_MIB_INMCASTPKTS));
}

TEST(ip_input, an_unknown_protocol_gets_protocol_unreachable) {
    ip_spec s;
    s.protocol = 99;
    bytes dgram = ip_packet(s, pattern(100));
    receive_ip(e.eth, dgram);
    LONGS_EQUAL(1, ipstat(IPSTATS_MIB_INUNKNOWNPROTOS));
    auto sent = only(e.eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    const sent_frame& f = sent[0];
    MEMCMP_EQUAL(peer_mac, f.dst(), 6);
    CHECK_EQUAL(our_ip, f.ip()->saddr);
    CHECK_EQUAL(peer_ip, f.ip()->daddr);
    LONGS_EQUAL(IPPROTO_ICMP, f.ip()->protocol);
    LONGS_EQUAL(IPTOS_PREC_INTERNETCONTROL, f.ip()->tos);
    LONGS_EQUAL(ICMP_DEST_UNREACH, f.icmp()->type);
    LONGS_EQUAL(ICMP_PROT_UNREACH, f.icmp()->code);
    CHECK(csum_ok(f.ip_payload(), f.ip_payload_len()));
    // The whole offending datagram fits in 576 octets: all of it comes back.
    LONGS_EQUAL(8 + dgram.size(), f.ip_payload_len());
    MEMCMP_EQUAL(dgram.data(), f.ip_payload() + 8, dgram.size());
}

TEST(ip_input, a_long_datagram_is_quoted_up_to_576_octets) {
    ip_spec s;
    s.protocol = 99;
    receive_ip(e.eth, ip_packet(s, pattern(1400)));
    auto sent = only(e.eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    LONGS_EQUAL(576, ntohs(sent[0].ip()->tot_len));
}

TEST(ip_input, a_raw_socket_taking_it_means_no_protocol_unreachable) {
    e.r.raw_claims = true;
    ip_spec s;
    s.protocol = 99;
    receive_ip(e.eth, ip_packet(s, pattern(10)));
    LONGS_EQUAL(0, take_sent(e.eth).size());
    LONGS_EQUAL(0, ipstat(IPSTATS_MIB_INUNKNOWNPROTOS));
    LONGS_EQUAL(1, ipstat(IPSTATS_MIB_INDELIVERS));
    LONGS_EQUAL(1, e.r.raw.size());
    CHECK(e.r.raw[0].payload == pattern(10));
}

TEST(ip_input, no_protocol_unreachable_for_a_broadcast) {
    ip_spec s;
    s.protocol = 99;
    s.daddr = subnet_bcast;
    receive_ip(e.eth, ip_packet(s, pattern(10)), bcast_mac);
    LONGS_EQUAL(1, ipstat(IPSTATS_MIB_INUNKNOWNPROTOS));
    LONGS_EQUAL(0, take_sent(e.eth).size());
}

TEST(ip_input, the_protocol_table_takes_one_handler_per_number) {
    LONGS_EQUAL(-1, inet_add_protocol(&test_protocol, TEST_PROTO));
    LONGS_EQUAL(-1, inet_del_protocol(&test_protocol, 77));
    LONGS_EQUAL(0, inet_del_protocol(&test_protocol, TEST_PROTO));
    POINTERS_EQUAL(nullptr, inet_protocol(TEST_PROTO));
    LONGS_EQUAL(0, inet_add_protocol(&test_protocol, TEST_PROTO));
}

TEST(ip_input, options_good_bad_and_source_routed) {
    ip_spec nop_rr;  // NOP, record route with room for one address, EOL
    nop_rr.options = {IPOPT_NOOP, IPOPT_RR, 7, 4, 0, 0, 0, 0};
    receive_ip(e.eth, test_datagram(nop_rr));
    LONGS_EQUAL(1, e.r.proto.size());
    LONGS_EQUAL(28, e.r.proto[0].ip_header.size());
    ip_spec unknown;  // an option nobody knows, well formed: ignored (RFC 1122 3.2.1.8)
    unknown.options = {0x9e, 4, 0, 0};
    receive_ip(e.eth, test_datagram(unknown));
    LONGS_EQUAL(2, e.r.proto.size());

    ip_spec bad_len;  // RR whose length runs past the header
    bad_len.options = {IPOPT_RR, 9, 4, 0};
    expect_dropped(test_datagram(bad_len), IPSTATS_MIB_INHDRERRORS);
    auto sent = only(e.eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    LONGS_EQUAL(ICMP_PARAMETERPROB, sent[0].icmp()->type);
    LONGS_EQUAL(21, sent[0].ip_payload()[4]);  // the pointer: the length octet
    ip_spec bad_ptr;  // timestamp with pointer 1
    bad_ptr.options = {IPOPT_TIMESTAMP, 8, 1, 0, 0, 0, 0, 0};
    expect_dropped(test_datagram(bad_ptr), IPSTATS_MIB_INHDRERRORS);
    ip_spec twice;
    twice.options = {IPOPT_RR, 3, 4, IPOPT_RR, 3, 4, 0, 0};
    expect_dropped(test_datagram(twice), IPSTATS_MIB_INHDRERRORS);
    ip_spec lsrr;
    lsrr.options = {IPOPT_NOOP, IPOPT_LSRR, 7, 4, 10, 0, 2, 1};
    expect_dropped(test_datagram(lsrr), IPSTATS_MIB_INDISCARDS);
    // Someone else's datagram with bad options: not ours to complain about.
    take_sent(e.eth);
    bad_len.daddr = ipv4_addr(10, 0, 2, 99);
    expect_dropped(test_datagram(bad_len), IPSTATS_MIB_INADDRERRORS);
    LONGS_EQUAL(0, only(e.eth, ETH_P_IP).size());
}

TEST(ip_input, a_host_takes_any_ttl) {
    ip_spec zero;  // RFC 1122 3.2.1.7: not discarded for a TTL below 2
    zero.ttl = 0;
    receive_ip(e.eth, test_datagram(zero));
    ip_spec one;
    one.ttl = 1;
    receive_ip(e.eth, test_datagram(one));
    LONGS_EQUAL(2, e.r.proto.size());
}

TEST(ip_input, someone_elses_frame_is_ignored_uncounted) {
    const uint8_t other[6] = {0x02, 0, 0, 0, 0, 0x77};
    receive_ip(e.eth, test_datagram({}), other);
    LONGS_EQUAL(0, e.r.proto.size());
    LONGS_EQUAL(0, ipstat(IPSTATS_MIB_INRECEIVES));
}

TEST(ip_input, a_misaligned_header_is_realigned) {
    bytes frame = ether(our_mac, peer_mac, ETH_P_IP, test_datagram({}, 33));
    receive_frame(e.eth, frame, 1);
    LONGS_EQUAL(1, e.r.proto.size());
    CHECK(e.r.proto[0].payload == pattern(33));
}

TEST(ip_input, local_traffic_goes_through_loopback) {
    const __be32 targets[] = {our_ip, ipv4_addr(127, 0, 0, 1), ipv4_addr(127, 1, 2, 3)};
    for (__be32 dst : targets) {
        sk_buff* skb = alloc_skb(IP_MAX_HEADROOM + 8, GFP_KERNEL);
        skb_reserve(skb, IP_MAX_HEADROOM);
        skb_put_data(skb, "loopback", 8);
        flowi4 fl4;
        fl4.daddr = dst;
        fl4.flowi4_proto = TEST_PROTO;
        LONGS_EQUAL(0, ip_build_and_send_pkt(skb, &fl4, ip_xmit_opts{}));
    }
    LONGS_EQUAL(3, e.r.proto.size());
    const auto* iph = reinterpret_cast<const iphdr*>(e.r.proto[1].ip_header.data());
    CHECK_EQUAL(ipv4_addr(127, 0, 0, 1), iph->saddr);
    iph = reinterpret_cast<const iphdr*>(e.r.proto[2].ip_header.data());
    CHECK_EQUAL(ipv4_addr(127, 0, 0, 1), iph->saddr);
    CHECK_EQUAL(ipv4_addr(127, 1, 2, 3), iph->daddr);
    LONGS_EQUAL(0, take_sent(e.eth).size());
}
