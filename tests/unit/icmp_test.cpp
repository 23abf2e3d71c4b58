// host-only: resets the slab allocator, the net core and IPv4, drives jiffies, times on the host.
#include <stdio.h>
#include <string.h>

#include <vector>

#include "tests/unit/ipv4_test_util.h"
#include "tests/unit/mm_arena.h"

using namespace ipv4_test;

namespace {

const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

// A datagram as IP holds one it received: data at the IP header.
sk_buff* received_skb(net_device* dev, const bytes& packet, uint8_t rt_type = RTN_LOCAL,
                      uint8_t pkt_type = PACKET_HOST) {
    sk_buff* skb = alloc_skb(IP_MAX_HEADROOM + static_cast<unsigned>(packet.size()), GFP_KERNEL);
    skb_reserve(skb, IP_MAX_HEADROOM);
    skb_put_data(skb, packet.data(), static_cast<unsigned>(packet.size()));
    skb_reset_network_header(skb);
    skb->dev = dev;
    skb->pkt_type = pkt_type;
    memset(IPCB(skb), 0, sizeof(inet_skb_parm));
    IPCB(skb)->rt_type = rt_type;
    return skb;
}

// Reassembles the IP payload of a train of fragments.
bytes join(const std::vector<sent_frame>& frags) {
    bytes out;
    for (const sent_frame& f : frags) {
        unsigned off = (ntohs(f.ip()->frag_off) & IP_OFFSET) * 8u;
        if (out.size() < off + f.ip_payload_len()) {
            out.resize(off + f.ip_payload_len());
        }
        memcpy(out.data() + off, f.ip_payload(), f.ip_payload_len());
    }
    return out;
}

}  // namespace

TEST_GROUP(icmp) {
    env e;
    void setup() override {
        e.setup();
        e.know(peer_ip, peer_mac);
        take_sent(e.eth);
    }
    void teardown() override { e.teardown(); }
    // icmp_send about packet, as if it had been received: how many went out.
    size_t errors_about(const bytes& packet, uint8_t rt_type = RTN_LOCAL, uint8_t pkt_type = PACKET_HOST,
                        uint8_t type = ICMP_DEST_UNREACH, uint8_t code = ICMP_PORT_UNREACH) {
        sk_buff* skb = received_skb(e.eth, packet, rt_type, pkt_type);
        icmp_send(skb, type, code, 0);
        kfree_skb(skb);
        return only(e.eth, ETH_P_IP).size();
    }
};

TEST(icmp, echo_reply_carries_the_request_back) {
    bytes data = pattern(56);
    ip_spec s;
    s.tos = 0x10;
    receive_ip(e.eth, ip_packet(s, echo_request(0x1234, 7, data)));
    auto sent = only(e.eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    const sent_frame& r = sent[0];
    MEMCMP_EQUAL(peer_mac, r.dst(), 6);
    MEMCMP_EQUAL(our_mac, r.src(), 6);
    LONGS_EQUAL(4, r.ip()->version());
    LONGS_EQUAL(5, r.ip()->ihl());
    LONGS_EQUAL(IPDEFTTL, r.ip()->ttl);
    LONGS_EQUAL(0x10, r.ip()->tos);
    LONGS_EQUAL(IPPROTO_ICMP, r.ip()->protocol);
    CHECK_EQUAL(our_ip, r.ip()->saddr);
    CHECK_EQUAL(peer_ip, r.ip()->daddr);
    LONGS_EQUAL(20 + 8 + 56, ntohs(r.ip()->tot_len));
    LONGS_EQUAL(0, ip_fast_csum(r.ip(), 5));
    LONGS_EQUAL(ICMP_ECHOREPLY, r.icmp()->type);
    LONGS_EQUAL(0, r.icmp()->code);
    LONGS_EQUAL(0x1234, ntohs(r.icmp()->un.echo.id));
    LONGS_EQUAL(7, ntohs(r.icmp()->un.echo.sequence));
    CHECK(csum_ok(r.ip_payload(), r.ip_payload_len()));
    MEMCMP_EQUAL(data.data(), r.ip_payload() + 8, 56);
    LONGS_EQUAL(1, icmpstat(ICMP_MIB_INMSGS));
    LONGS_EQUAL(1, icmpstat(ICMP_MIB_INECHOS));
    LONGS_EQUAL(1, icmpstat(ICMP_MIB_OUTMSGS));
    LONGS_EQUAL(1, icmpstat(ICMP_MIB_OUTECHOREPS));
    LONGS_EQUAL(1, e.r.raw.size());   // a raw ICMP socket would have seen the request
}

TEST(icmp, an_8000_octet_ping_is_answered_in_fragments) {
    bytes request = echo_request(1, 1, pattern(8000));
    // In: the request arrives in 1480-octet fragments.
    for (unsigned off = 0; off < request.size(); off += 1480) {
        unsigned len = std::min<unsigned>(1480, static_cast<unsigned>(request.size()) - off);
        ip_spec s;
        s.id = 77;
        s.frag = static_cast<uint16_t>((off + len < request.size() ? IP_MF : 0) | (off / 8));
        receive_ip(e.eth, ip_packet(s, bytes(request.begin() + off, request.begin() + off + len)));
    }
    auto sent = only(e.eth, ETH_P_IP);
    LONGS_EQUAL(6, sent.size());   // 8008 octets: 5 x 1480 + 608
    uint16_t id = sent[0].ip()->id;
    for (size_t i = 0; i < sent.size(); ++i) {
        const iphdr* iph = sent[i].ip();
        bool last = i + 1 == sent.size();
        LONGS_EQUAL(last ? 20 + 608 : 1500, ntohs(iph->tot_len));
        LONGS_EQUAL(i * 1480 / 8, ntohs(iph->frag_off) & IP_OFFSET);
        LONGS_EQUAL(last ? 0 : IP_MF, ntohs(iph->frag_off) & IP_MF);
        LONGS_EQUAL(0, ip_fast_csum(iph, iph->ihl()));
        LONGS_EQUAL(id, iph->id);
        CHECK(sent[i].data.size() <= ETH_FRAME_LEN);
    }
    bytes reply = join(sent);
    LONGS_EQUAL(request.size(), reply.size());
    LONGS_EQUAL(ICMP_ECHOREPLY, reply[0]);
    CHECK(csum_ok(reply.data(), static_cast<unsigned>(reply.size())));
    CHECK(memcmp(reply.data() + 4, request.data() + 4, request.size() - 4) == 0);
    LONGS_EQUAL(1, ipstat(IPSTATS_MIB_FRAGOKS));
    LONGS_EQUAL(6, ipstat(IPSTATS_MIB_FRAGCREATES));
}

TEST(icmp, bad_messages_are_counted_and_dropped) {
    bytes bad_sum = echo_request(1, 1, pattern(20));
    bad_sum[10] ^= 0xff;
    receive_ip(e.eth, ip_packet({}, bad_sum));
    LONGS_EQUAL(1, icmpstat(ICMP_MIB_CSUMERRORS));
    receive_ip(e.eth, ip_packet({}, bytes{8, 0, 0xf7, 0xff}));   // shorter than a header
    receive_ip(e.eth, ip_packet({}, icmp_message(42, 0, 0, pattern(8))));  // no such type
    receive_ip(e.eth, ip_packet({}, icmp_message(1, 0, 0, pattern(8))));   // unassigned
    LONGS_EQUAL(4, icmpstat(ICMP_MIB_INERRORS));
    LONGS_EQUAL(4, icmpstat(ICMP_MIB_INMSGS));
    LONGS_EQUAL(0, take_sent(e.eth).size());
}

TEST(icmp, broadcast_echo_is_ignored_unless_asked_for) {
    ip_spec s;
    s.daddr = subnet_bcast;
    receive_ip(e.eth, ip_packet(s, echo_request(1, 1, pattern(8))), bcast_mac);
    LONGS_EQUAL(0, take_sent(e.eth).size());
    LONGS_EQUAL(1, icmpstat(ICMP_MIB_INERRORS));
    sysctl_icmp.echo_ignore_broadcasts = false;
    receive_ip(e.eth, ip_packet(s, echo_request(1, 2, pattern(8))), bcast_mac);
    auto sent = only(e.eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    CHECK_EQUAL(our_ip, sent[0].ip()->saddr);  // our address, not the broadcast
    // Errors sent to a broadcast are not taken either.
    receive_ip(e.eth, ip_packet(s, icmp_message(ICMP_DEST_UNREACH, 3, 0, pattern(28))), bcast_mac);
    LONGS_EQUAL(2, icmpstat(ICMP_MIB_INERRORS));
}

TEST(icmp, echo_ignore_all) {
    sysctl_icmp.echo_ignore_all = true;
    receive_ip(e.eth, ip_packet({}, echo_request(1, 1, pattern(8))));
    LONGS_EQUAL(0, take_sent(e.eth).size());
    LONGS_EQUAL(1, icmpstat(ICMP_MIB_INECHOS));
}

TEST(icmp, timestamp_reply) {
    bytes ts(12, 0);
    ts[0] = 0x01;
    ts[3] = 0x02;  // originate
    receive_ip(e.eth, ip_packet({}, icmp_message(ICMP_TIMESTAMP, 0, 0x00050006, ts)));
    auto sent = only(e.eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    LONGS_EQUAL(ICMP_TIMESTAMPREPLY, sent[0].icmp()->type);
    LONGS_EQUAL(20, sent[0].ip_payload_len());
    MEMCMP_EQUAL(ts.data(), sent[0].ip_payload() + 8, 4);
    LONGS_EQUAL(5, ntohs(sent[0].icmp()->un.echo.id));
    CHECK(csum_ok(sent[0].ip_payload(), 20));
    LONGS_EQUAL(1, icmpstat(ICMP_MIB_OUTTIMESTAMPREPS));
}

TEST(icmp, no_errors_about_errors_fragments_or_many) {
    ip_spec udp;
    udp.protocol = IPPROTO_UDP;
    bytes plain = ip_packet(udp, pattern(20));
    LONGS_EQUAL(1, errors_about(plain));  // the control case
    bytes err_inner = ip_packet({}, icmp_message(ICMP_DEST_UNREACH, 1, 0, pattern(28)));
    LONGS_EQUAL(0, errors_about(err_inner));
    bytes weird_inner = ip_packet({}, icmp_message(200, 0, 0, pattern(8)));
    LONGS_EQUAL(0, errors_about(weird_inner));
    bytes echo_inner = ip_packet({}, echo_request(1, 1, pattern(8)));
    LONGS_EQUAL(1, errors_about(echo_inner));  // an echo is not an error
    ip_spec later = udp;
    later.frag = 185;  // offset 1480
    LONGS_EQUAL(0, errors_about(ip_packet(later, pattern(20))));
    ip_spec first = udp;
    first.frag = IP_MF;
    LONGS_EQUAL(1, errors_about(ip_packet(first, pattern(20))));
    const __be32 sources[] = {0, ipv4_addr(224, 0, 0, 1), ipv4_addr(255, 255, 255, 255), ipv4_addr(240, 1, 1, 1)};
    for (__be32 src : sources) {
        ip_spec s = udp;
        s.saddr = src;
        LONGS_EQUAL(0, errors_about(ip_packet(s, pattern(20))));
    }
    ip_spec to_bcast = udp;
    to_bcast.daddr = ipv4_addr(255, 255, 255, 255);
    LONGS_EQUAL(0, errors_about(ip_packet(to_bcast, pattern(20))));
    ip_spec to_group = udp;
    to_group.daddr = ipv4_addr(224, 0, 0, 1);
    LONGS_EQUAL(0, errors_about(ip_packet(to_group, pattern(20))));
    LONGS_EQUAL(0, errors_about(plain, RTN_BROADCAST));
    LONGS_EQUAL(0, errors_about(plain, RTN_LOCAL, PACKET_BROADCAST));
    LONGS_EQUAL(0, errors_about(plain, RTN_LOCAL, PACKET_MULTICAST));
    bytes cut = plain;
    cut.resize(10);  // not even an IP header
    LONGS_EQUAL(0, errors_about(cut));
}

TEST(icmp, errors_are_rate_limited_by_a_token_bucket) {
    ip_spec udp;
    udp.protocol = IPPROTO_UDP;
    bytes plain = ip_packet(udp, pattern(20));
    size_t sent = 0;
    for (int i = 0; i < 60; ++i) {
        sent += errors_about(plain);
    }
    LONGS_EQUAL(50, sent);
    LONGS_EQUAL(10, icmpstat(ICMP_MIB_RATELIMITGLOBAL));
    // Fragmentation needed is exempt: path MTU discovery needs it.
    LONGS_EQUAL(1, errors_about(plain, RTN_LOCAL, PACKET_HOST, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED));
    // 1000 a second: 10 ms buys 10 more.
    advance_ms(10);
    sent = 0;
    for (int i = 0; i < 20; ++i) {
        sent += errors_about(plain);
    }
    LONGS_EQUAL(10, sent);
    // A long pause refills to the burst, not beyond.
    advance_ms(5000);
    sent = 0;
    for (int i = 0; i < 100; ++i) {
        sent += errors_about(plain);
    }
    LONGS_EQUAL(50, sent);
}

TEST(icmp, errors_reach_the_protocol_and_the_raw_hook) {
    // Something we sent to the peer (TEST_PROTO), quoted back.
    ip_spec ours;
    ours.saddr = our_ip;
    ours.daddr = peer_ip;
    ours.protocol = TEST_PROTO;
    bytes quoted = ip_packet(ours, pattern(8));
    receive_ip(e.eth, ip_packet({}, icmp_message(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1400, quoted)));
    LONGS_EQUAL(1, e.r.err_infos.size());
    LONGS_EQUAL(1400, e.r.err_infos[0]);
    CHECK(e.r.err_packets[0] == quoted);
    LONGS_EQUAL(1, e.r.raw_err_protos.size());
    LONGS_EQUAL(TEST_PROTO, e.r.raw_err_protos[0]);
    receive_ip(e.eth, ip_packet({}, icmp_message(ICMP_PARAMETERPROB, 0, 21u << 24, quoted)));
    LONGS_EQUAL(21, e.r.err_infos[1]);
    receive_ip(e.eth, ip_packet({}, icmp_message(ICMP_TIME_EXCEEDED, 0, 0, quoted)));
    LONGS_EQUAL(3, e.r.err_infos.size());
    LONGS_EQUAL(1, icmpstat(ICMP_MIB_INDESTUNREACHS));
    LONGS_EQUAL(1, icmpstat(ICMP_MIB_INPARMPROBS));
    LONGS_EQUAL(1, icmpstat(ICMP_MIB_INTIMEEXCDS));
    // Too little of the datagram quoted: counted, nobody told.
    bytes short_quote(quoted.begin(), quoted.begin() + 24);
    receive_ip(e.eth, ip_packet({}, icmp_message(ICMP_DEST_UNREACH, 3, 0, short_quote)));
    LONGS_EQUAL(3, e.r.err_infos.size());
    LONGS_EQUAL(1, icmpstat(ICMP_MIB_INERRORS));
    // About a broadcast of ours: ignored.
    ours.daddr = subnet_bcast;
    receive_ip(e.eth, ip_packet({}, icmp_message(ICMP_DEST_UNREACH, 3, 0, ip_packet(ours, pattern(8)))));
    LONGS_EQUAL(3, e.r.err_infos.size());
}

