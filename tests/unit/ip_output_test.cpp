// host-only: resets the slab allocator, the net core and IPv4, and drives jiffies.
#include <string.h>

#include <vector>

#include "tests/unit/ipv4_test_util.h"
#include "net/core/rtnetlink.h"

using namespace ipv4_test;

namespace {

const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

sk_buff* payload_skb(const bytes& data) {
    sk_buff* skb = alloc_skb(IP_MAX_HEADROOM + static_cast<unsigned>(data.size()), GFP_KERNEL);
    skb_reserve(skb, IP_MAX_HEADROOM);
    skb_put_data(skb, data.data(), static_cast<unsigned>(data.size()));
    return skb;
}

int send(__be32 dst, const bytes& data, const ip_xmit_opts& o = {}, __be32 src = 0, uint8_t proto = TEST_PROTO) {
    flowi4 fl4;
    fl4.daddr = dst;
    fl4.saddr = src;
    fl4.flowi4_proto = proto;
    return ip_build_and_send_pkt(payload_skb(data), &fl4, o);
}

}  // namespace

TEST_GROUP(ip_output) {
    env e;
    void setup() override {
        e.setup();
        e.know(peer_ip, peer_mac);
        e.know(gw_ip, gw_mac);
        take_sent(e.eth);
    }
    void teardown() override { e.teardown(); }
};

TEST(ip_output, the_header_is_built_as_rfc_791_says) {
    ip_xmit_opts o;
    o.tos = 0x08;
    o.df = true;
    LONGS_EQUAL(0, send(peer_ip, pattern(100), o));
    LONGS_EQUAL(0, send(peer_ip, pattern(100)));
    auto sent = take_sent(e.eth);
    LONGS_EQUAL(2, sent.size());
    const iphdr* iph = sent[0].ip();
    LONGS_EQUAL(ETH_P_IP, sent[0].type());
    MEMCMP_EQUAL(peer_mac, sent[0].dst(), 6);
    MEMCMP_EQUAL(our_mac, sent[0].src(), 6);
    LONGS_EQUAL(4, iph->version());
    LONGS_EQUAL(5, iph->ihl());
    LONGS_EQUAL(0x08, iph->tos);
    LONGS_EQUAL(120, ntohs(iph->tot_len));
    LONGS_EQUAL(IP_DF, ntohs(iph->frag_off));
    LONGS_EQUAL(64, iph->ttl);
    LONGS_EQUAL(TEST_PROTO, iph->protocol);
    CHECK_EQUAL(our_ip, iph->saddr);
    CHECK_EQUAL(peer_ip, iph->daddr);
    LONGS_EQUAL(0, ip_fast_csum(iph, 5));
    MEMCMP_EQUAL(pattern(100).data(), sent[0].ip_payload(), 100);
    LONGS_EQUAL(0, ntohs(sent[1].ip()->frag_off));
    // Consecutive datagrams to one destination: consecutive ids.
    LONGS_EQUAL(static_cast<uint16_t>(ntohs(iph->id) + 1), ntohs(sent[1].ip()->id));
    LONGS_EQUAL(2, ipstat(IPSTATS_MIB_OUTREQUESTS));
}

TEST(ip_output, off_link_goes_to_the_gateway) {
    LONGS_EQUAL(0, send(remote_ip, pattern(10)));
    auto sent = take_sent(e.eth);
    LONGS_EQUAL(1, sent.size());
    MEMCMP_EQUAL(gw_mac, sent[0].dst(), 6);
    CHECK_EQUAL(remote_ip, sent[0].ip()->daddr);
}

TEST(ip_output, fragments_at_the_mtu_with_aligned_offsets) {
    const unsigned mtus[] = {1500, 576, 68};
    for (unsigned mtu : mtus) {
        e.eth->mtu = mtu;
        bytes data = pattern(4000, mtu);
        LONGS_EQUAL(0, send(peer_ip, data));
        auto sent = take_sent(e.eth);
        unsigned per = (mtu - 20) & ~7u;
        LONGS_EQUAL((4000 + per - 1) / per, sent.size());
        bytes joined;
        for (size_t i = 0; i < sent.size(); ++i) {
            const iphdr* iph = sent[i].ip();
            bool last = i + 1 == sent.size();
            CHECK(ntohs(iph->tot_len) <= mtu);
            LONGS_EQUAL(last ? 4000 - per * i : per, sent[i].ip_payload_len());
            LONGS_EQUAL(i * per / 8, ntohs(iph->frag_off) & IP_OFFSET);
            LONGS_EQUAL(last ? 0 : IP_MF, ntohs(iph->frag_off) & IP_MF);
            LONGS_EQUAL(0, ip_fast_csum(iph, iph->ihl()));
            LONGS_EQUAL(sent[0].ip()->id, iph->id);
            joined.insert(joined.end(), sent[i].ip_payload(), sent[i].ip_payload() + sent[i].ip_payload_len());
        }
        CHECK(joined == data);
    }
    LONGS_EQUAL(3, ipstat(IPSTATS_MIB_FRAGOKS));
}

TEST(ip_output, only_copied_options_go_into_later_fragments) {
    // Security (130, copied) and record route (7, not copied), 12 octets.
    const uint8_t opts[12] = {IPOPT_SEC, 4, 0xab, 0xcd, IPOPT_RR, 7, 4, 0, 0, 0, 0, IPOPT_END};
    ip_xmit_opts o;
    o.opt = opts;
    o.optlen = sizeof opts;
    LONGS_EQUAL(0, send(peer_ip, pattern(3000), o));
    auto sent = take_sent(e.eth);
    LONGS_EQUAL(3, sent.size());
    LONGS_EQUAL(8, sent[0].ip()->ihl());
    MEMCMP_EQUAL(opts, sent[0].l3() + 20, 12);
    const uint8_t later[12] = {IPOPT_SEC, 4, 0xab, 0xcd, 1, 1, 1, 1, 1, 1, 1, IPOPT_END};
    for (size_t i = 1; i < sent.size(); ++i) {
        LONGS_EQUAL(8, sent[i].ip()->ihl());
        MEMCMP_EQUAL(later, sent[i].l3() + 20, 12);
        LONGS_EQUAL(0, ip_fast_csum(sent[i].ip(), 8));
    }
    LONGS_EQUAL(1464, sent[0].ip_payload_len());  // 1500 - 32, down to a multiple of 8
}

TEST(ip_output, df_and_size_limits) {
    ip_xmit_opts df;
    df.df = true;
    LONGS_EQUAL(-EMSGSIZE, send(peer_ip, pattern(1481), df));
    LONGS_EQUAL(1, ipstat(IPSTATS_MIB_FRAGFAILS));
    LONGS_EQUAL(0, send(peer_ip, pattern(1480), df));
    LONGS_EQUAL(-EMSGSIZE, send(peer_ip, pattern(65516)));
    LONGS_EQUAL(0, send(peer_ip, pattern(65515)));
    LONGS_EQUAL(1 + 45, take_sent(e.eth).size());
    ip_xmit_opts bad;
    const uint8_t opt[3] = {1, 1, 1};
    bad.opt = opt;
    bad.optlen = 3;
    LONGS_EQUAL(-EINVAL, send(peer_ip, pattern(10), bad));
}

TEST(ip_output, no_route_and_bad_sources) {
    fib_config def;
    def.gw = gw_ip;
    LONGS_EQUAL(0, fib_del_route(def));
    LONGS_EQUAL(-ENETUNREACH, send(remote_ip, pattern(10)));
    LONGS_EQUAL(1, ipstat(IPSTATS_MIB_OUTNOROUTES));
    LONGS_EQUAL(-EINVAL, send(peer_ip, pattern(10), {}, ipv4_addr(10, 0, 2, 99)));  // not ours
    LONGS_EQUAL(-EINVAL, send(0, pattern(10)));
    LONGS_EQUAL(0, take_sent(e.eth).size());
}

TEST(ip_output, a_device_that_is_down_has_no_routes) {
    rtnl_guard rtnl;   // configuration changes below
    dev_close(e.eth);
    LONGS_EQUAL(-ENETUNREACH, send(peer_ip, pattern(10)));
    LONGS_EQUAL(0, dev_open(e.eth));
    e.know(peer_ip, peer_mac);
    take_sent(e.eth);
    LONGS_EQUAL(0, send(peer_ip, pattern(10)));
    LONGS_EQUAL(1, take_sent(e.eth).size());
}

TEST(ip_output, broadcast_goes_to_all_and_comes_back_to_us) {
    LONGS_EQUAL(0, send(subnet_bcast, pattern(10)));
    auto sent = take_sent(e.eth);
    LONGS_EQUAL(1, sent.size());
    MEMCMP_EQUAL(bcast_mac, sent[0].dst(), 6);
    CHECK_EQUAL(our_ip, sent[0].ip()->saddr);
    LONGS_EQUAL(1, e.r.proto.size());
    LONGS_EQUAL(RTN_BROADCAST, e.r.proto[0].rt_type);
    LONGS_EQUAL(1, ipstat(IPSTATS_MIB_OUTBCASTPKTS));
    // The limited broadcast leaves by the default route's device.
    LONGS_EQUAL(0, send(ipv4_addr(255, 255, 255, 255), pattern(10)));
    sent = take_sent(e.eth);
    LONGS_EQUAL(1, sent.size());
    MEMCMP_EQUAL(bcast_mac, sent[0].dst(), 6);
}

TEST(ip_output, multicast_maps_to_its_ethernet_group) {
    fib_config mc;
    mc.dst = ipv4_addr(224, 0, 0, 0);
    mc.prefixlen = 4;
    mc.dev = e.eth;
    LONGS_EQUAL(0, fib_add_route(mc));
    LONGS_EQUAL(0, send(ipv4_addr(239, 129, 2, 3), pattern(10)));
    auto sent = take_sent(e.eth);
    LONGS_EQUAL(1, sent.size());
    const uint8_t group[6] = {0x01, 0x00, 0x5e, 0x01, 0x02, 0x03};  // the top bit of 129 dropped
    MEMCMP_EQUAL(group, sent[0].dst(), 6);
    LONGS_EQUAL(1, sent[0].ip()->ttl);  // RFC 1112 6.1: one link unless asked
    ip_xmit_opts far;
    far.ttl = 16;
    LONGS_EQUAL(0, send(ipv4_addr(239, 129, 2, 3), pattern(10), far));
    LONGS_EQUAL(16, take_sent(e.eth)[0].ip()->ttl);
    LONGS_EQUAL(0, e.r.proto.size());  // not a member
    LONGS_EQUAL(0, send(ipv4_addr(224, 0, 0, 1), pattern(10)));
    LONGS_EQUAL(1, take_sent(e.eth).size());
    LONGS_EQUAL(1, e.r.proto.size());  // all-hosts: we are one
}

TEST(ip_output, raw_headers_are_checked_and_completed) {
    ip_spec s;
    s.saddr = 0;
    s.daddr = peer_ip;
    s.protocol = TEST_PROTO;
    s.id = 0;
    bytes pkt = ip_packet(s, pattern(30));
    pkt[10] = pkt[11] = 0;  // no checksum
    sk_buff* skb = alloc_skb(IP_MAX_HEADROOM + static_cast<unsigned>(pkt.size()), GFP_KERNEL);
    skb_reserve(skb, IP_MAX_HEADROOM);
    skb_put_data(skb, pkt.data(), static_cast<unsigned>(pkt.size()));
    LONGS_EQUAL(0, ip_send_raw(skb, 0));
    auto sent = take_sent(e.eth);
    LONGS_EQUAL(1, sent.size());
    CHECK_EQUAL(our_ip, sent[0].ip()->saddr);
    CHECK(sent[0].ip()->id != 0);
    LONGS_EQUAL(0, ip_fast_csum(sent[0].ip(), 5));
    // Not IPv4, or a header longer than the packet: refused.
    bytes v6 = pkt;
    v6[0] = 0x65;
    skb = alloc_skb(IP_MAX_HEADROOM + 64, GFP_KERNEL);
    skb_reserve(skb, IP_MAX_HEADROOM);
    skb_put_data(skb, v6.data(), static_cast<unsigned>(v6.size()));
    LONGS_EQUAL(-EINVAL, ip_send_raw(skb, 0));
    bytes longhdr = pkt;
    longhdr[0] = 0x4f;
    longhdr.resize(40);
    skb = alloc_skb(IP_MAX_HEADROOM + 64, GFP_KERNEL);
    skb_reserve(skb, IP_MAX_HEADROOM);
    skb_put_data(skb, longhdr.data(), static_cast<unsigned>(longhdr.size()));
    LONGS_EQUAL(-EINVAL, ip_send_raw(skb, 0));
}

TEST(ip_output, too_little_headroom_is_made_up) {
    sk_buff* skb = alloc_skb(40, GFP_KERNEL);
    skb_put_data(skb, pattern(40).data(), 40);
    flowi4 fl4;
    fl4.daddr = peer_ip;
    fl4.flowi4_proto = TEST_PROTO;
    LONGS_EQUAL(0, ip_build_and_send_pkt(skb, &fl4, {}));
    auto sent = take_sent(e.eth);
    LONGS_EQUAL(1, sent.size());
    MEMCMP_EQUAL(pattern(40).data(), sent[0].ip_payload(), 40);
}
