// host-only: a fake NIC built on the host C++ library (std::vector).
// The wire self-test responder (drivers/net/eth_selftest.h) against a fake
// controller behind the eth_hw ops, and the eth_hw list.
// Standard headers before CppUTest's, whose leak checker redefines new.
#include <string.h>

#include <string>
#include <vector>

#include <CppUTest/TestHarness.h>


#include "drivers/net/eth_selftest.h"
#include "kernel/uapi/errno.h"
#include "tests/unit/net_test_util.h"

namespace {

struct fake_nic {
    eth_hw hw{};
    bool opened = false, promisc = false;
    int xmit_result = 0;
    size_t mcast_n = 99;
    std::vector<std::vector<uint8_t>> sent;
    eth_stats stats{};
};
fake_nic* nic;

int f_open(eth_hw& hw) {
    CHECK_TRUE(hw.hooks.rx != nullptr);
    nic->opened = true;
    return 0;
}
void f_stop(eth_hw&) { nic->opened = false; }
int f_xmit(eth_hw&, sk_buff* skb) {
    if (nic->xmit_result == 0) {
        nic->sent.emplace_back(skb->data, skb->data + skb->len);
        consume_skb(skb);   // "sent": the driver frees it
    }
    return nic->xmit_result;
}
int f_poll(eth_hw&, int) { return 0; }
void f_promisc(eth_hw&, bool on) { nic->promisc = on; }
int f_mcast(eth_hw&, const uint8_t (*addrs)[ETH_ALEN], size_t n) {
    for (size_t i = 0; i < n; ++i) {
        if (!(addrs[i][0] & 1)) {
            return -EINVAL;
        }
    }
    nic->mcast_n = n;
    return 0;
}
bool f_link(eth_hw&) { return true; }
void f_stats(eth_hw&, eth_stats& out) { out = nic->stats; }
const eth_hw_ops fake_ops{f_open, f_stop, f_xmit, f_poll, f_promisc, f_mcast, f_link, f_stats};

const uint8_t guest_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
const uint8_t peer_mac[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};

std::vector<uint8_t> request(const std::string& payload, size_t pad_to = 60) {
    std::vector<uint8_t> f(guest_mac, guest_mac + 6);
    f.insert(f.end(), peer_mac, peer_mac + 6);
    f.push_back(0x88);
    f.push_back(0xb5);
    f.insert(f.end(), payload.begin(), payload.end());
    if (f.size() < pad_to) {
        f.resize(pad_to, 0);
    }
    return f;
}

std::vector<uint8_t> echo_request(uint32_t tag, size_t len) {
    std::string p(len - ETH_HLEN, '\0');
    p[0] = static_cast<char>(tag >> 24);
    p[3] = static_cast<char>(tag);
    p[4] = 'x';   // the guest overwrites 4..7
    for (size_t i = 8; i < p.size(); ++i) {
        p[i] = static_cast<char>(i * 13);
    }
    return request(p, len);
}

uint32_t be32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

std::string text_of(const std::vector<uint8_t>& f) {
    return std::string(reinterpret_cast<const char*>(f.data() + ETH_HLEN));
}

}  // namespace

TEST_GROUP(eth_selftest) {
    fake_nic fake;
    net_test::leak_check leaks;
    void setup() override {
        net_test::setup();
        leaks = net_test::leak_check{};
        nic = &fake;
        fake.hw.ops = &fake_ops;
        strcpy(fake.hw.name, "eth9");
        memcpy(fake.hw.dev_addr, guest_mac, 6);
        LONGS_EQUAL(0, eth_selftest_start(fake.hw));
        CHECK(fake.opened);
    }
    void teardown() override {
        eth_selftest_stop(fake.hw);
        CHECK_FALSE(fake.opened);
        fake.sent.clear();
        fake.sent.shrink_to_fit();
        leaks.verify();
        net_test::teardown();
    }
    // As the driver hands a frame up: an skb the receiver owns.
    void deliver(const std::vector<uint8_t>& f) {
        sk_buff* skb = dev_alloc_skb(static_cast<unsigned>(f.size()));
        skb_put_data(skb, f.data(), static_cast<unsigned>(f.size()));
        fake.hw.hooks.rx(fake.hw.hooks.ctx, skb);
    }
};

TEST(eth_selftest, echo_swaps_addresses_keeps_payload_and_numbers_replies) {
    for (size_t len : {size_t{60}, size_t{1514}, size_t{777}}) {
        deliver(echo_request(static_cast<uint32_t>(len), len));
    }
    LONGS_EQUAL(3, fake.sent.size());
    uint32_t seq = 0;
    for (const auto& r : fake.sent) {
        size_t len = r.size();
        auto req = echo_request(static_cast<uint32_t>(len), len);
        MEMCMP_EQUAL(peer_mac, r.data(), 6);
        MEMCMP_EQUAL(guest_mac, r.data() + 6, 6);
        LONGS_EQUAL(0x88, r[12]);
        LONGS_EQUAL(0xb5, r[13]);
        MEMCMP_EQUAL(req.data() + 14, r.data() + 14, 4);           // tag
        LONGS_EQUAL(++seq, be32(r.data() + 18));                    // reply number
        MEMCMP_EQUAL(req.data() + 22, r.data() + 22, len - 22);    // data
    }
}

TEST(eth_selftest, other_frames_are_ignored) {
    auto f = echo_request(1, 60);
    f[13] = 0x00;   // IPv4
    deliver(f);
    LONGS_EQUAL(0, fake.sent.size());
    uint8_t out[ETH_FRAME_LEN];
    LONGS_EQUAL(0, selftest_echo_reply(echo_request(1, 60).data(), 21, guest_mac, 1, out));
}

TEST(eth_selftest, busy_ring_drops_the_reply_without_using_a_number) {
    fake.xmit_result = -EBUSY;
    deliver(echo_request(1, 100));
    fake.xmit_result = 0;
    deliver(echo_request(2, 100));
    deliver(request("STATS"));
    LONGS_EQUAL(2, fake.sent.size());
    LONGS_EQUAL(1, be32(fake.sent[0].data() + 18));
    std::string stats = text_of(fake.sent[1]);
    CHECK(stats.find("echoed=1 busy=1 other=0") != std::string::npos);
}

TEST(eth_selftest, stats_reports_the_controller_counters) {
    fake.stats.rx_packets = 1234;
    fake.stats.rx_missed_errors = 56;
    fake.stats.tx_carrier_errors = 7;
    deliver(request("STATS"));
    LONGS_EQUAL(1, fake.sent.size());
    std::string text = text_of(fake.sent[0]);
    CHECK(text.rfind("STATS rx=1234 tx=0 miss=56 ", 0) == 0);
    CHECK(text.find(" lcar=7 ") != std::string::npos);
    LONGS_EQUAL(ETH_ZLEN < text.size() + 15 ? text.size() + 15 : ETH_ZLEN, fake.sent[0].size());
}

TEST(eth_selftest, promisc_and_multicast_commands) {
    deliver(request("PROMISC 1"));
    CHECK(fake.promisc);
    deliver(request("PROMISC 0"));
    CHECK_FALSE(fake.promisc);
    deliver(request("PROMISC maybe"));
    deliver(request("MCAST 01:00:5e:00:00:01 33:33:00:00:00:01"));
    LONGS_EQUAL(2, fake.mcast_n);
    deliver(request("MCAST"));
    LONGS_EQUAL(0, fake.mcast_n);
    deliver(request("MCAST 02:00:00:00:00:01"));
    deliver(request("MCAST 01:00:5e:00:00"));
    LONGS_EQUAL(0, fake.mcast_n);
    const char* want[] = {"OK PROMISC 1", "OK PROMISC 0", "ERR PROMISC: bad arguments",
                          "OK MCAST 2",   "OK MCAST 0",   "ERR MCAST -22",
                          "ERR MCAST bad list"};
    LONGS_EQUAL(7, fake.sent.size());
    for (size_t i = 0; i < 7; ++i) {
        STRCMP_EQUAL(want[i], text_of(fake.sent[i]).c_str());
    }
}

TEST(eth_selftest, command_words_must_stand_alone) {
    char line[64];
    auto f = request("STATSX");
    CHECK_FALSE(selftest_command(f.data(), f.size(), line, sizeof line));
    f = request("STATS");
    CHECK(selftest_command(f.data(), f.size(), line, sizeof line));
    STRCMP_EQUAL("STATS", line);
    f = request("MCAST 01:00:5e:00:00:01");
    CHECK(selftest_command(f.data(), f.size(), line, 10));   // cut to fit
    STRCMP_EQUAL("MCAST 01:", line);
    f = echo_request(0x53544154, 60);   // a tag of "STAT" is still binary after it
    CHECK_FALSE(selftest_command(f.data(), f.size(), line, sizeof line));
}

TEST(eth_selftest, text_reply_is_padded_and_bounded) {
    uint8_t out[ETH_FRAME_LEN];
    auto req = request("STATS");
    LONGS_EQUAL(ETH_ZLEN, selftest_text_reply(req.data(), guest_mac, "hi", out));
    STRCMP_EQUAL("hi", reinterpret_cast<char*>(out + ETH_HLEN));
    LONGS_EQUAL(0, out[ETH_ZLEN - 1]);
    std::string big(3000, 'a');
    LONGS_EQUAL(ETH_FRAME_LEN, selftest_text_reply(req.data(), guest_mac, big.c_str(), out));
    LONGS_EQUAL(0, out[ETH_FRAME_LEN - 1]);
}

TEST(eth_selftest, parse_mac) {
    uint8_t m[6];
    CHECK(parse_mac("01:00:5E:7f:ff:fa", m));
    const uint8_t want[6] = {0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa};
    MEMCMP_EQUAL(want, m, 6);
    CHECK_FALSE(parse_mac("01:00:5e:7f:ff", m));
    CHECK_FALSE(parse_mac("01:00:5e:7f:ff:fa:00", m));
    CHECK_FALSE(parse_mac("01-00-5e-7f-ff-fa", m));
    CHECK_FALSE(parse_mac("0g:00:5e:7f:ff:fa", m));
}

TEST_GROUP(eth_hw) {};

TEST(eth_hw, register_names_and_finds) {
    eth_hw a{}, b{};
    eth_hw_register(a);
    eth_hw_register(b);
    CHECK(eth_hw_find(a.name) == &a);
    CHECK(eth_hw_find(b.name) == &b);
    CHECK(strcmp(a.name, b.name) != 0);
    CHECK(strncmp(a.name, "eth", 3) == 0);
    eth_hw_unregister(a);
    CHECK(eth_hw_find(a.name) == nullptr);
    CHECK(eth_hw_first() == &b);
    eth_hw_unregister(b);
    CHECK(eth_hw_first() == nullptr);
}
