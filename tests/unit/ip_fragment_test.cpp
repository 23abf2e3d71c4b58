// host-only: resets the slab allocator, the net core and IPv4, drives jiffies, times on the host.
#include <stdio.h>
#include <string.h>

#include <algorithm>
#include <vector>

#include "tests/unit/ipv4_test_util.h"
#include "tests/unit/mm_arena.h"

using namespace ipv4_test;

namespace {

struct piece {
    unsigned off;
    unsigned len;
    bool mf;
};

bytes fragment(const bytes& payload, const piece& p, uint16_t id = 0x4242, __be32 src = peer_ip) {
    ip_spec s;
    s.protocol = TEST_PROTO;
    s.id = id;
    s.saddr = src;
    s.frag = static_cast<uint16_t>((p.mf ? IP_MF : 0) | (p.off / 8));
    return ip_packet(s, bytes(payload.begin() + p.off, payload.begin() + p.off + p.len));
}

// Cuts payload into pieces of at most step octets (step a multiple of 8).
std::vector<piece> cut(unsigned total, unsigned step) {
    std::vector<piece> out;
    for (unsigned off = 0; off < total; off += step) {
        unsigned len = std::min(step, total - off);
        out.push_back({off, len, off + len < total});
    }
    return out;
}

}  // namespace

TEST_GROUP(ip_fragment) {
    env e;
    void setup() override {
        e.setup();
        e.know(peer_ip, peer_mac);
        take_sent(e.eth);
    }
    void teardown() override { e.teardown(); }
    void send(const bytes& payload, const std::vector<piece>& pieces, uint16_t id = 0x4242) {
        for (const piece& p : pieces) {
            receive_ip(e.eth, fragment(payload, p, id));
        }
    }
    void expect_one(const bytes& payload) {
        LONGS_EQUAL(1, e.r.proto.size());
        CHECK(e.r.proto[0].payload == payload);
        CHECK(e.r.proto[0].ipcb_flags & IPSKB_REASSEMBLED);
        LONGS_EQUAL(0, ipfrag_queue_count());
    }
};

TEST(ip_fragment, in_order) {
    bytes payload = pattern(3000);
    send(payload, cut(3000, 1480));
    expect_one(payload);
    LONGS_EQUAL(3, ipstat(IPSTATS_MIB_REASMREQDS));
    LONGS_EQUAL(1, ipstat(IPSTATS_MIB_REASMOKS));
    LONGS_EQUAL(0, ipstat(IPSTATS_MIB_REASMFAILS));
    LONGS_EQUAL(1, ipstat(IPSTATS_MIB_INDELIVERS));
    LONGS_EQUAL(0, ipfrag_mem_usage());
}

TEST(ip_fragment, reverse_order) {
    bytes payload = pattern(5000, 3);
    auto pieces = cut(5000, 1000);
    std::reverse(pieces.begin(), pieces.end());
    send(payload, pieces);
    expect_one(payload);
}

// Random sizes and orders (the run's seed). At most 32 fragments a
// datagram, so one fits the 256 KiB of high_thresh; past it is the
// memory-limit test's case.
TEST(ip_fragment, random_order) {
    mm_test::rng rng(1);
    for (int round = 0; round < 20; ++round) {
        unsigned total = 200 + rng.below(9000);
        bytes payload = pattern(total, static_cast<unsigned>(round));
        unsigned least = (total / 32 + 7) / 8;   // in 8-octet units
        unsigned units = 1 + rng.below(60);
        auto pieces = cut(total, 8 * (units > least ? units : least));
        for (size_t i = pieces.size(); i > 1; --i) {
            std::swap(pieces[i - 1], pieces[rng.below(static_cast<unsigned>(i))]);
        }
        send(payload, pieces, static_cast<uint16_t>(round));
        LONGS_EQUAL(round + 1, e.r.proto.size());
        CHECK(e.r.proto.back().payload == payload);
    }
    LONGS_EQUAL(0, ipfrag_queue_count());
}

TEST(ip_fragment, exact_duplicates_are_dropped_alone) {
    bytes payload = pattern(3000);
    auto pieces = cut(3000, 1480);
    send(payload, {pieces[0], pieces[0], pieces[1], pieces[1], pieces[2]});
    expect_one(payload);
    LONGS_EQUAL(2, ipstat(IPSTATS_MIB_REASMDUPLICATES));
    LONGS_EQUAL(0, ipstat(IPSTATS_MIB_REASMFAILS));
}

TEST(ip_fragment, any_overlap_discards_the_whole_datagram) {
    bytes payload = pattern(4000);
    bytes other = pattern(4000, 99);
    struct scenario {
        std::vector<piece> first;
        piece overlapping;
        const bytes* data;
    };
    const scenario cases[] = {
        {{{0, 1000, true}}, {992, 1000, true}, &payload},                    // into its tail
        {{{1000, 1000, true}}, {8, 1000, true}, &payload},                   // into its head
        {{{0, 2000, true}}, {800, 400, true}, &payload},                     // inside, same octets
        {{{0, 2000, true}}, {800, 400, true}, &other},                       // inside, other octets
        {{{0, 1000, true}}, {0, 1000, true}, &other},                        // same place, other octets
        {{{0, 1000, true}}, {0, 1008, true}, &payload},                      // same start, longer
        {{{8, 992, true}, {2000, 1000, true}}, {0, 3000, true}, &payload},   // covers both
        {{{3000, 1000, false}}, {2992, 16, true}, &payload},                 // into the last
    };
    uint16_t id = 100;
    for (const scenario& c : cases) {
        for (const piece& p : c.first) {
            receive_ip(e.eth, fragment(payload, p, id));
        }
        receive_ip(e.eth, fragment(*c.data, c.overlapping, id));
        // The rest of it arrives: swallowed, nothing delivered.
        for (const piece& p : cut(4000, 1000)) {
            receive_ip(e.eth, fragment(payload, p, id));
        }
        ++id;
    }
    LONGS_EQUAL(0, e.r.proto.size());
    LONGS_EQUAL(8, ipstat(IPSTATS_MIB_REASMFAILS));
    LONGS_EQUAL(8, ipstat(IPSTATS_MIB_REASMOVERLAPS));
    LONGS_EQUAL(0, ipstat(IPSTATS_MIB_REASMOKS));
    // The discarded datagrams' queues stay, empty, until their timers.
    LONGS_EQUAL(8, ipfrag_queue_count());
    advance_ms(30000);
    LONGS_EQUAL(0, ipfrag_queue_count());
    LONGS_EQUAL(0, ipstat(IPSTATS_MIB_REASMTIMEOUT));   // already counted as failed
    LONGS_EQUAL(0, only(e.eth, ETH_P_IP).size());       // and no ICMP about them
}

TEST(ip_fragment, malformed_fragments_discard_the_datagram) {
    bytes payload = pattern(4000);
    uint16_t id = 200;
    // A middle fragment not ending on an 8-octet boundary.
    send(payload, {{0, 1000, true}, {1000, 1001, true}}, id++);
    // Two last fragments with different ends.
    send(payload, {{1000, 1000, false}, {2000, 1000, false}}, id++);
    // Data past the end the last one gave.
    send(payload, {{1000, 1000, false}, {2000, 8, true}}, id++);
    // A fragment of nothing.
    send(payload, {{0, 1000, true}, {1000, 0, true}}, id++);
    LONGS_EQUAL(4, ipstat(IPSTATS_MIB_REASMFAILS));
    LONGS_EQUAL(0, e.r.proto.size());
}

TEST(ip_fragment, more_than_65535_octets_is_the_ping_of_death) {
    bytes payload = pattern(65535);
    receive_ip(e.eth, fragment(payload, {0, 1480, true}));
    receive_ip(e.eth, fragment(payload, {65528, 8, false}));   // 20 + 65536
    LONGS_EQUAL(1, ipstat(IPSTATS_MIB_REASMFAILS));
    receive_ip(e.eth, fragment(payload, {65504, 8, false}, 7));  // 20 + 65512: fine, just incomplete
    LONGS_EQUAL(1, ipstat(IPSTATS_MIB_REASMFAILS));
    LONGS_EQUAL(0, e.r.proto.size());
}

TEST(ip_fragment, the_largest_datagram_reassembles) {
    bytes payload = pattern(65515);  // 65535 with the header
    auto pieces = cut(65515, 1480);
    std::vector<bytes> frames;
    for (const piece& p : pieces) {
        frames.push_back(ether(our_mac, peer_mac, ETH_P_IP, fragment(payload, p)));
    }
    for (const bytes& f : frames) {
        receive_frame(e.eth, f);
    }
    expect_one(payload);
}

TEST(ip_fragment, a_timeout_sends_time_exceeded_when_the_first_fragment_came) {
    bytes payload = pattern(3000);
    receive_ip(e.eth, fragment(payload, {0, 1480, true}, 1));
    receive_ip(e.eth, fragment(payload, {1480, 1480, true}, 2));  // no first fragment
    advance_ms(29990);
    LONGS_EQUAL(2, ipfrag_queue_count());
    advance_ms(10);
    LONGS_EQUAL(0, ipfrag_queue_count());
    LONGS_EQUAL(2, ipstat(IPSTATS_MIB_REASMTIMEOUT));
    LONGS_EQUAL(2, ipstat(IPSTATS_MIB_REASMFAILS));
    auto sent = only(e.eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    LONGS_EQUAL(ICMP_TIME_EXCEEDED, sent[0].icmp()->type);
    LONGS_EQUAL(ICMP_EXC_FRAGTIME, sent[0].icmp()->code);
    CHECK_EQUAL(peer_ip, sent[0].ip()->daddr);
    const auto* quoted = reinterpret_cast<const iphdr*>(sent[0].ip_payload() + 8);
    LONGS_EQUAL(1, ntohs(quoted->id));
    LONGS_EQUAL(IP_MF, ntohs(quoted->frag_off));
    LONGS_EQUAL(0, ipfrag_mem_usage());
}

TEST(ip_fragment, memory_pressure_evicts_the_oldest_datagrams) {
    sysctl_ipfrag.high_thresh = 16 * 1024;
    sysctl_ipfrag.low_thresh = 12 * 1024;
    bytes payload = pattern(3000);
    unsigned long peak = 0;
    for (uint16_t id = 1; id <= 20; ++id) {
        receive_ip(e.eth, fragment(payload, {0, 1480, true}, id));
        peak = std::max(peak, ipfrag_mem_usage());
    }
    CHECK(peak <= sysctl_ipfrag.high_thresh);
    CHECK(ipstat(IPSTATS_MIB_REASMFAILS) > 0);
    unsigned evicted = static_cast<unsigned>(ipstat(IPSTATS_MIB_REASMFAILS));
    LONGS_EQUAL(20 - evicted, ipfrag_queue_count());
    // The newest ones are still there and complete.
    send(payload, {{1480, 1480, true}, {2960, 40, false}}, 20);
    LONGS_EQUAL(1, e.r.proto.size());
    CHECK(e.r.proto[0].payload == payload);
    // The oldest is gone: its rest starts a new queue that never completes.
    send(payload, {{1480, 1480, true}, {2960, 40, false}}, 1);
    LONGS_EQUAL(1, e.r.proto.size());
}

TEST(ip_fragment, datagrams_are_kept_apart_by_source_id_and_protocol) {
    bytes a = pattern(2000, 1);
    bytes b = pattern(2000, 2);
    const __be32 other = ipv4_addr(10, 0, 2, 77);
    receive_ip(e.eth, fragment(a, {0, 1000, true}, 5));
    receive_ip(e.eth, fragment(b, {0, 1000, true}, 5, other));
    receive_ip(e.eth, fragment(b, {1000, 1000, false}, 5, other));
    receive_ip(e.eth, fragment(a, {1000, 1000, false}, 5));
    LONGS_EQUAL(2, e.r.proto.size());
    CHECK(e.r.proto[0].payload == b);
    CHECK(e.r.proto[1].payload == a);
}

TEST(ip_fragment, a_datagram_whose_device_went_away_is_not_delivered) {
    // The first fragment arrives on eth1, which is unregistered before the
    // rest arrives on eth0: the queue must not hand up a dangling device.
    net_device* eth1 = net_test::fake_etherdev();
    bytes payload = pattern(2000);
    receive_frame(eth1, ether(our_mac, peer_mac, ETH_P_IP, fragment(payload, {0, 1000, true})));
    LONGS_EQUAL(1, ipfrag_queue_count());
    net_test::destroy(eth1);
    receive_ip(e.eth, fragment(payload, {1000, 1000, false}));
    LONGS_EQUAL(0, e.r.proto.size());
    LONGS_EQUAL(1, ipstat(IPSTATS_MIB_REASMFAILS));
    LONGS_EQUAL(0, ipstat(IPSTATS_MIB_REASMOKS));
}
