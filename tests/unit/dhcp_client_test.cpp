// host-only: the scripted replies are std::vectors (no C++ library on the target).
// The DHCP client's state machine with a virtual clock and a recording
// transport: every state, retransmission back-off, T1/T2, expiry, NAK,
// DECLINE, and junk that must not move it.
#include <string.h>

#include <vector>

#include "net/ipv4/dhcp_client.h"
#include "tests/unit/dhcp_test_util.h"

#include <CppUTest/TestHarness.h>

using namespace dhcp_test;

namespace {

struct sent_msg {
    std::vector<uint8_t> b;
    __be32 src, dst;
    dhcp_type type() const {
        // The client's own messages: option 53 first (builder order).
        return static_cast<dhcp_type>(b[DHCP_OPTIONS_OFFSET + 2]);
    }
    uint32_t xid() const { return uint32_t(b[4]) << 24 | uint32_t(b[5]) << 16 | uint32_t(b[6]) << 8 | b[7]; }
    __be32 ciaddr() const {
        __be32 a;
        memcpy(&a, &b[12], 4);
        return a;
    }
    bool has_option(uint8_t code) const {
        for (size_t i = DHCP_OPTIONS_OFFSET; i + 1 < b.size() && b[i] != 255; i += 2 + b[i + 1]) {
            if (b[i] == code) {
                return true;
            }
        }
        return false;
    }
};

struct fake_transport final : dhcp_transport {
    std::vector<sent_msg> sent;
    std::vector<__be32> probes;
    int binds = 0, unbinds = 0;
    dhcp_lease bound{};
    uint32_t rnd = 1000;   // random() % 2001 - 1000 == 0: no jitter unless changed
    void send(const uint8_t* msg, size_t len, __be32 src, __be32 dst) override {
        sent.push_back({std::vector<uint8_t>(msg, msg + len), src, dst});
    }
    void arp_probe(__be32 addr) override { probes.push_back(addr); }
    void bind(const dhcp_lease& l) override {
        ++binds;
        bound = l;
    }
    void unbind(const dhcp_lease&) override { ++unbinds; }
    uint32_t random() override { return rnd; }
};

constexpr uint64_t S = 1000;

fake_transport* tr;
dhcp_client* cl;

void deliver(uint64_t now, const reply& r) { cl->receive(now, r.b.data(), r.b.size()); }

// Runs the timer at every deadline up to until.
void run_until(uint64_t until) {
    while (cl->deadline() <= until) {
        cl->timer(cl->deadline());
    }
}

// start, OFFER, ACK, probes: BOUND at time 'now' (returned).
uint64_t get_bound(uint32_t lease_s = 3600, uint32_t t1 = 0, uint32_t t2 = 0) {
    cl->start(0);
    cl->timer(0);
    reply offer(cl->xid(), offered_ip);
    offer.lease(dhcp_type::offer).end();
    deliver(100, offer);
    reply ack(cl->xid(), offered_ip);
    ack.lease(dhcp_type::ack, lease_s);
    if (t1) {
        ack.secs(dhcp_opt::t1, t1);
    }
    if (t2) {
        ack.secs(dhcp_opt::t2, t2);
    }
    ack.end();
    deliver(200, ack);
    run_until(200 + 2 * S);
    CHECK(cl->state() == dhcp_state::bound);
    return 200 + 2 * S;
}

}  // namespace

TEST_GROUP(dhcp_client) {
    void setup() override {
        tr = new fake_transport;
        cl = new dhcp_client(*tr, client_mac);
    }
    void teardown() override {
        delete cl;
        delete tr;
    }
};

TEST(dhcp_client, discover_at_once_then_backoff_4_8_16_32_64_64) {
    cl->start(0);
    CHECK(cl->state() == dhcp_state::init);
    cl->timer(0);
    CHECK(cl->state() == dhcp_state::selecting);
    const uint64_t waits[] = {4, 8, 16, 32, 64, 64};
    uint64_t now = 0;
    for (uint64_t w : waits) {
        UNSIGNED_LONGS_EQUAL(now + w * S, cl->deadline());
        now = cl->deadline();
        cl->timer(now);
    }
    UNSIGNED_LONGS_EQUAL(7, tr->sent.size());
    for (const sent_msg& m : tr->sent) {
        CHECK(m.type() == dhcp_type::discover);
        CHECK(m.src == 0);
        CHECK(m.dst == htonl(INADDR_BROADCAST));
        UNSIGNED_LONGS_EQUAL(cl->xid(), m.xid());
        CHECK(m.has_option(55) && m.has_option(57) && m.has_option(61));
    }
}

TEST(dhcp_client, backoff_is_randomized_by_one_second) {
    tr->rnd = 0;          // -1000 ms
    cl->start(0);
    cl->timer(0);
    UNSIGNED_LONGS_EQUAL(3 * S, cl->deadline());
    tr->rnd = 2000;       // +1000 ms
    cl->timer(cl->deadline());
    UNSIGNED_LONGS_EQUAL(3 * S + 9 * S, cl->deadline());
}

TEST(dhcp_client, offer_request_ack_probe_bound) {
    cl->start(0);
    cl->timer(0);
    reply offer(cl->xid(), offered_ip);
    offer.lease(dhcp_type::offer).end();
    deliver(100, offer);
    CHECK(cl->state() == dhcp_state::requesting);
    const sent_msg& req = tr->sent.back();
    CHECK(req.type() == dhcp_type::request);
    CHECK(req.has_option(50) && req.has_option(54));
    CHECK(req.dst == htonl(INADDR_BROADCAST));
    UNSIGNED_LONGS_EQUAL(cl->xid(), req.xid());   // the OFFER's xid (RFC 2131 4.4.1)
    reply ack(cl->xid(), offered_ip);
    ack.lease(dhcp_type::ack, 3600).opt(dhcp_opt::hostname, "guest", 5).end();
    deliver(300, ack);
    CHECK(cl->state() == dhcp_state::probing);
    UNSIGNED_LONGS_EQUAL(1, tr->probes.size());
    CHECK(tr->probes[0] == offered_ip);
    LONGS_EQUAL(0, tr->binds);
    run_until(300 + 2 * S);
    UNSIGNED_LONGS_EQUAL(2, tr->probes.size());
    CHECK(cl->state() == dhcp_state::bound);
    LONGS_EQUAL(1, tr->binds);
    CHECK(tr->bound.addr == offered_ip);
    CHECK(tr->bound.router == server_ip);
    CHECK(tr->bound.dns[0] == ipv4_addr(10, 0, 2, 3));
    STRCMP_EQUAL("guest", tr->bound.hostname);
    // Times count from the REQUEST (at 100 ms): T1 0.5, T2 0.875 of the lease.
    UNSIGNED_LONGS_EQUAL(100 + 1800 * S, cl->t1_at());
    UNSIGNED_LONGS_EQUAL(100 + 3150 * S, cl->t2_at());
    UNSIGNED_LONGS_EQUAL(100 + 3600 * S, cl->expire_at());
    UNSIGNED_LONGS_EQUAL(cl->t1_at(), cl->deadline());
}

TEST(dhcp_client, renew_unicast_at_t1_then_ack) {
    get_bound(120, 10, 15);
    UNSIGNED_LONGS_EQUAL(100 + 10 * S, cl->t1_at());
    UNSIGNED_LONGS_EQUAL(100 + 15 * S, cl->t2_at());
    size_t before = tr->sent.size();
    cl->timer(cl->t1_at());
    CHECK(cl->state() == dhcp_state::renewing);
    const sent_msg& m = tr->sent.at(before);
    CHECK(m.type() == dhcp_type::request);
    CHECK(m.dst == server_ip);
    CHECK(m.src == offered_ip);
    CHECK(m.ciaddr() == offered_ip);
    CHECK(!m.has_option(50) && !m.has_option(54));   // RFC 2131 table 5
    // No answer: the next try is at T2 (half the time left is under 60 s).
    UNSIGNED_LONGS_EQUAL(cl->t2_at(), cl->deadline());
    reply ack(cl->xid(), offered_ip);
    ack.lease(dhcp_type::ack, 120).secs(dhcp_opt::t1, 10).secs(dhcp_opt::t2, 15).end();
    uint64_t now = cl->t1_at() + 50;
    deliver(now, ack);
    CHECK(cl->state() == dhcp_state::bound);
    UNSIGNED_LONGS_EQUAL(1, cl->stats.renewals);
    LONGS_EQUAL(2, tr->binds);
    LONGS_EQUAL(0, tr->unbinds);
    UNSIGNED_LONGS_EQUAL(now - 50 + 10 * S, cl->t1_at());
}

TEST(dhcp_client, rebind_broadcast_at_t2_then_expiry_gives_the_address_up) {
    get_bound(120, 10, 15);
    cl->timer(cl->t1_at());
    cl->timer(cl->t2_at());
    CHECK(cl->state() == dhcp_state::rebinding);
    const sent_msg& m = tr->sent.back();
    CHECK(m.type() == dhcp_type::request);
    CHECK(m.dst == htonl(INADDR_BROADCAST));
    CHECK(m.ciaddr() == offered_ip);
    // Half of the 105 s left is under 60 s: 60 s, then the expiry.
    UNSIGNED_LONGS_EQUAL(cl->t2_at() + 60 * S, cl->deadline());
    cl->timer(cl->deadline());
    CHECK(cl->state() == dhcp_state::rebinding);
    UNSIGNED_LONGS_EQUAL(cl->expire_at(), cl->deadline());
    uint64_t expiry = cl->expire_at();
    cl->timer(expiry);
    CHECK(cl->state() == dhcp_state::init);
    LONGS_EQUAL(1, tr->unbinds);
    UNSIGNED_LONGS_EQUAL(1, cl->stats.expiries);
    CHECK(cl->lease().addr == 0);
    cl->timer(cl->deadline());
    CHECK(cl->state() == dhcp_state::selecting);
    CHECK(tr->sent.back().type() == dhcp_type::discover);
}

TEST(dhcp_client, ack_while_rebinding_counts_a_rebind) {
    get_bound(120, 10, 15);
    cl->timer(cl->t1_at());
    cl->timer(cl->t2_at());
    reply ack(cl->xid(), offered_ip);
    ack.lease(dhcp_type::ack, 120).end();
    deliver(cl->t2_at() + 10, ack);
    CHECK(cl->state() == dhcp_state::bound);
    UNSIGNED_LONGS_EQUAL(1, cl->stats.rebinds);
}

TEST(dhcp_client, nak_while_renewing_unbinds_and_restarts) {
    get_bound(120, 10, 15);
    cl->timer(cl->t1_at());
    reply nak(cl->xid(), 0);
    nak.type(dhcp_type::nak).addr(dhcp_opt::server_id, server_ip).end();
    uint64_t now = cl->t1_at() + 10;
    deliver(now, nak);
    CHECK(cl->state() == dhcp_state::init);
    LONGS_EQUAL(1, tr->unbinds);
    UNSIGNED_LONGS_EQUAL(1, cl->stats.naks);
    CHECK(cl->deadline() >= now + S && cl->deadline() < now + 2 * S);
    cl->timer(cl->deadline());
    CHECK(cl->state() == dhcp_state::selecting);
}

TEST(dhcp_client, nak_while_requesting_restarts_without_unbind) {
    cl->start(0);
    cl->timer(0);
    reply offer(cl->xid(), offered_ip);
    offer.lease(dhcp_type::offer).end();
    deliver(10, offer);
    reply other(cl->xid(), 0);
    other.type(dhcp_type::nak).addr(dhcp_opt::server_id, ipv4_addr(10, 0, 2, 9)).end();
    deliver(20, other);   // another server's NAK: not for this REQUEST
    CHECK(cl->state() == dhcp_state::requesting);
    reply nak(cl->xid(), 0);
    nak.type(dhcp_type::nak).addr(dhcp_opt::server_id, server_ip).end();
    deliver(30, nak);
    CHECK(cl->state() == dhcp_state::init);
    LONGS_EQUAL(0, tr->unbinds);
}

TEST(dhcp_client, requesting_gives_up_after_its_tries) {
    cl->start(0);
    cl->timer(0);
    reply offer(cl->xid(), offered_ip);
    offer.lease(dhcp_type::offer).end();
    deliver(10, offer);
    for (int i = 0; i < 4; ++i) {
        cl->timer(cl->deadline());
        CHECK(cl->state() == dhcp_state::requesting);
    }
    UNSIGNED_LONGS_EQUAL(5, cl->stats.tx_request);
    cl->timer(cl->deadline());
    CHECK(cl->state() == dhcp_state::init);
}

TEST(dhcp_client, arp_conflict_declines_and_waits_ten_seconds) {
    cl->start(0);
    cl->timer(0);
    reply offer(cl->xid(), offered_ip);
    offer.lease(dhcp_type::offer).end();
    deliver(10, offer);
    reply ack(cl->xid(), offered_ip);
    ack.lease(dhcp_type::ack).end();
    deliver(20, ack);
    cl->arp_conflict(30, ipv4_addr(10, 0, 2, 99));   // someone else's address: ignored
    CHECK(cl->state() == dhcp_state::probing);
    cl->arp_conflict(40, offered_ip);
    CHECK(cl->state() == dhcp_state::init);
    const sent_msg& d = tr->sent.back();
    CHECK(d.type() == dhcp_type::decline);
    CHECK(d.has_option(50) && d.has_option(54));
    CHECK(d.dst == htonl(INADDR_BROADCAST));
    LONGS_EQUAL(0, tr->binds);
    UNSIGNED_LONGS_EQUAL(1, cl->stats.conflicts);
    UNSIGNED_LONGS_EQUAL(40 + 10 * S, cl->deadline());
}

TEST(dhcp_client, junk_is_counted_and_changes_nothing) {
    cl->start(0);
    cl->timer(0);
    uint64_t deadline = cl->deadline();
    reply wrong_xid(cl->xid() + 1, offered_ip);
    wrong_xid.lease(dhcp_type::offer).end();
    deliver(1, wrong_xid);
    const uint8_t other_mac[6] = {2, 0, 0, 0, 0, 1};
    reply wrong_mac(cl->xid(), offered_ip, other_mac);
    wrong_mac.lease(dhcp_type::offer).end();
    deliver(2, wrong_mac);
    const __be32 bad[] = {0, htonl(INADDR_BROADCAST), ipv4_addr(224, 0, 0, 1), ipv4_addr(127, 0, 0, 1)};
    for (__be32 a : bad) {
        reply r(cl->xid(), a);
        r.lease(dhcp_type::offer).end();
        deliver(3, r);
    }
    reply truncated(cl->xid(), offered_ip);
    truncated.lease(dhcp_type::offer).raw({6, 40, 1, 2});
    deliver(4, truncated);
    reply no_server(cl->xid(), offered_ip);
    no_server.type(dhcp_type::offer).end();
    deliver(5, no_server);
    reply ack(cl->xid(), offered_ip);
    ack.lease(dhcp_type::ack).end();
    deliver(6, ack);   // an ACK while SELECTING
    cl->receive(7, nullptr, 0);
    CHECK(cl->state() == dhcp_state::selecting);
    UNSIGNED_LONGS_EQUAL(deadline, cl->deadline());
    UNSIGNED_LONGS_EQUAL(1, cl->stats.rx_bad_xid);
    UNSIGNED_LONGS_EQUAL(1, cl->stats.rx_bad_chaddr);
    UNSIGNED_LONGS_EQUAL(4, cl->stats.rx_bad_yiaddr);
    UNSIGNED_LONGS_EQUAL(2, cl->stats.rx_malformed);
    UNSIGNED_LONGS_EQUAL(2, cl->stats.rx_unexpected);
    UNSIGNED_LONGS_EQUAL(1, tr->sent.size());
    // And the real OFFER still works.
    reply offer(cl->xid(), offered_ip);
    offer.lease(dhcp_type::offer).end();
    deliver(8, offer);
    CHECK(cl->state() == dhcp_state::requesting);
}

TEST(dhcp_client, ack_without_lease_time_is_refused) {
    cl->start(0);
    cl->timer(0);
    reply offer(cl->xid(), offered_ip);
    offer.lease(dhcp_type::offer).end();
    deliver(10, offer);
    reply ack(cl->xid(), offered_ip);
    ack.type(dhcp_type::ack).addr(dhcp_opt::server_id, server_ip).end();
    deliver(20, ack);
    CHECK(cl->state() == dhcp_state::requesting);
    UNSIGNED_LONGS_EQUAL(1, cl->stats.rx_malformed);
}

TEST(dhcp_client, inconsistent_t1_t2_fall_back_to_defaults) {
    get_bound(1000, 900, 800);   // T1 > T2: T2 is kept, T1 becomes half the lease
    UNSIGNED_LONGS_EQUAL(100 + 500 * S, cl->t1_at());
    UNSIGNED_LONGS_EQUAL(100 + 800 * S, cl->t2_at());
}

TEST(dhcp_client, infinite_lease_never_renews) {
    get_bound(0xffffffff);
    UNSIGNED_LONGS_EQUAL(dhcp_client::NEVER, cl->deadline());
    UNSIGNED_LONGS_EQUAL(dhcp_client::NEVER, cl->expire_at());
}

TEST(dhcp_client, replies_in_bound_are_ignored) {
    get_bound();
    reply ack(cl->xid(), offered_ip);
    ack.lease(dhcp_type::ack).end();
    deliver(5000, ack);
    CHECK(cl->state() == dhcp_state::bound);
    LONGS_EQUAL(1, tr->binds);
}
