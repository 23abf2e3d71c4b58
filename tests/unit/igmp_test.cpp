// host-only: multicast (net/ipv4/igmp.cpp, igmp_sock.cpp, ip_sockglue.cpp)
// on the fake eth0 of ipv4_test_util: IP_ADD_MEMBERSHIP's report and its
// repeat, shared memberships and the leave, answers to queries within
// the maximum response time, suppression by another member's report,
// bad IGMP counted, delivery to a UDP socket only while joined,
// IP_MULTICAST_IF/TTL/LOOP, and /proc/net/igmp.
#include <string>

#include <CppUTest/TestHarness.h>

#include <string.h>

#include "kernel/syscalls.h"
#include "kernel/uapi/errno.h"
#include "net/ipv4/igmp.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/udp.h"
#include "tests/unit/socket_test_util.h"

using namespace socket_test;
using namespace ipv4_test;

namespace {

constexpr __be32 group_a = ipv4_addr(239, 1, 2, 3);
constexpr __be32 group_b = ipv4_addr(239, 9, 9, 9);
constexpr __be32 all_hosts = ipv4_addr(224, 0, 0, 1);
constexpr __be32 all_routers = ipv4_addr(224, 0, 0, 2);

int udp_socket() {
    long fd = sys_socket(AF_INET, SOCK_DGRAM, 0);
    CHECK_TRUE(fd >= 0);
    return static_cast<int>(fd);
}

long membership(int fd, int opt, __be32 group, __be32 iface = 0) {
    ip_mreqn m{group, iface, 0};
    return sys_setsockopt(fd, SOL_IP, opt, &m, 8);   // struct ip_mreq
}

struct igmp_seen {
    uint8_t type;
    __be32 group;
    __be32 daddr;
    uint8_t ttl;
    bool router_alert;
    bool csum_ok;
};

std::vector<igmp_seen> igmp_sent(net_device* eth) {
    std::vector<igmp_seen> out;
    for (auto& f : only(eth, ETH_P_IP)) {
        const iphdr* iph = f.ip();
        if (iph->protocol != IPPROTO_IGMP) {
            continue;
        }
        const auto* ih = reinterpret_cast<const igmphdr*>(f.ip_payload());
        const uint8_t* opt = f.l3() + 20;
        out.push_back({ih->type, ih->group, iph->daddr, iph->ttl, iph->ihl() == 6 && opt[0] == 0x94 && opt[1] == 4,
                       csum_ok(ih, f.ip_payload_len())});
    }
    return out;
}

bytes igmp_message(uint8_t type, uint8_t code, __be32 group) {
    bytes m(8);
    auto* ih = reinterpret_cast<igmphdr*>(m.data());
    ih->type = type;
    ih->code = code;
    ih->group = group;
    ih->csum = ip_compute_csum(m.data(), 8);
    return m;
}

void receive_igmp(net_device* eth, const bytes& msg, __be32 daddr) {
    ip_spec s;
    s.protocol = IPPROTO_IGMP;
    s.daddr = daddr;
    s.ttl = 1;
    uint8_t mac[ETH_ALEN];
    ip_eth_mc_map(daddr, mac);
    receive_ip(eth, ip_packet(s, msg), mac);
}

}  // namespace

TEST_GROUP(igmp) {
    socket_test::env e;
    net_device* eth = nullptr;
    void setup() override {
        e.setup();
        eth = e.ip.eth;
    }
    void teardown() override { e.teardown(); }
};

TEST(igmp, join_reports_at_once_and_once_more_then_leave) {
    int fd = udp_socket();
    LONGS_EQUAL(0, membership(fd, IP_ADD_MEMBERSHIP, group_a));
    auto sent = igmp_sent(eth);
    LONGS_EQUAL(1, sent.size());
    LONGS_EQUAL(IGMPV2_HOST_MEMBERSHIP_REPORT, sent[0].type);
    LONGS_EQUAL(group_a, sent[0].group);
    LONGS_EQUAL(group_a, sent[0].daddr);   // RFC 2236 2: to the group itself
    LONGS_EQUAL(1, sent[0].ttl);
    CHECK_TRUE(sent[0].router_alert);
    CHECK_TRUE(sent[0].csum_ok);
    CHECK_TRUE(ip_check_mc(__in_dev_get(eth), group_a));
    // The repeat comes within the Unsolicited Report Interval (10 s), once.
    advance_ms(10100);
    sent = igmp_sent(eth);
    LONGS_EQUAL(1, sent.size());
    LONGS_EQUAL(group_a, sent[0].group);
    advance_ms(20000);
    LONGS_EQUAL(0, igmp_sent(eth).size());
    LONGS_EQUAL(-EADDRINUSE, membership(fd, IP_ADD_MEMBERSHIP, group_a));
    // A second socket shares the device's membership: no report, no leave
    // until the last one goes.
    int other = udp_socket();
    LONGS_EQUAL(0, membership(other, IP_ADD_MEMBERSHIP, group_a));
    LONGS_EQUAL(0, igmp_sent(eth).size());
    LONGS_EQUAL(0, membership(fd, IP_DROP_MEMBERSHIP, group_a));
    LONGS_EQUAL(0, igmp_sent(eth).size());
    LONGS_EQUAL(-EADDRNOTAVAIL, membership(fd, IP_DROP_MEMBERSHIP, group_a));
    sys_close(other);   // closing drops its groups
    sent = igmp_sent(eth);
    LONGS_EQUAL(1, sent.size());
    LONGS_EQUAL(IGMP_HOST_LEAVE_MESSAGE, sent[0].type);
    LONGS_EQUAL(all_routers, sent[0].daddr);
    CHECK_FALSE(ip_check_mc(__in_dev_get(eth), group_a));
    sys_close(fd);
}

TEST(igmp, membership_errors) {
    int fd = udp_socket();
    LONGS_EQUAL(-EINVAL, membership(fd, IP_ADD_MEMBERSHIP, our_ip));   // not a group
    ip_mreqn m{group_a, 0, 0};
    LONGS_EQUAL(-EINVAL, sys_setsockopt(fd, SOL_IP, IP_ADD_MEMBERSHIP, &m, 7));
    m.imr_ifindex = 99;
    LONGS_EQUAL(-ENODEV, sys_setsockopt(fd, SOL_IP, IP_ADD_MEMBERSHIP, &m, sizeof m));
    LONGS_EQUAL(-ENODEV, membership(fd, IP_ADD_MEMBERSHIP, group_a, peer_ip));   // no device has that address
    for (unsigned i = 0; i < IGMP_MAX_MEMBERSHIPS; ++i) {
        LONGS_EQUAL(0, membership(fd, IP_ADD_MEMBERSHIP, ipv4_addr(239, 2, 0, static_cast<uint8_t>(i))));
    }
    LONGS_EQUAL(-ENOBUFS, membership(fd, IP_ADD_MEMBERSHIP, group_b));
    sys_close(fd);
    take_sent(eth);
}

TEST(igmp, queries_are_answered_within_the_maximum_response_time) {
    int fd = udp_socket();
    LONGS_EQUAL(0, membership(fd, IP_ADD_MEMBERSHIP, group_a));
    LONGS_EQUAL(0, membership(fd, IP_ADD_MEMBERSHIP, group_b));
    advance_ms(10100);   // past the join reports' repeats
    take_sent(eth);
    // A general query with 1 s: one report per group within it.
    receive_igmp(eth, igmp_message(IGMP_HOST_MEMBERSHIP_QUERY, 10, 0), all_hosts);
    LONGS_EQUAL(0, igmp_sent(eth).size());   // not at once: a random delay
    advance_ms(1020);
    auto sent = igmp_sent(eth);
    LONGS_EQUAL(2, sent.size());
    CHECK_TRUE((sent[0].group == group_a && sent[1].group == group_b) ||
               (sent[0].group == group_b && sent[1].group == group_a));
    LONGS_EQUAL(1, igmp_mib_get(IGMP_MIB_INQUERIES));
    // A query for one group: only that one.
    receive_igmp(eth, igmp_message(IGMP_HOST_MEMBERSHIP_QUERY, 5, group_b), group_b);
    advance_ms(520);
    sent = igmp_sent(eth);
    LONGS_EQUAL(1, sent.size());
    LONGS_EQUAL(group_b, sent[0].group);
    // Another member's report first: ours is suppressed (RFC 2236 3).
    receive_igmp(eth, igmp_message(IGMP_HOST_MEMBERSHIP_QUERY, 100, group_a), group_a);
    receive_igmp(eth, igmp_message(IGMPV2_HOST_MEMBERSHIP_REPORT, 0, group_a), group_a);
    advance_ms(10100);
    LONGS_EQUAL(0, igmp_sent(eth).size());
    LONGS_EQUAL(1, igmp_mib_get(IGMP_MIB_INREPORTS));
    // Not the reporter any more: leaving sends no leave (RFC 2236 3).
    LONGS_EQUAL(0, membership(fd, IP_DROP_MEMBERSHIP, group_a));
    LONGS_EQUAL(0, igmp_sent(eth).size());
    sys_close(fd);
    take_sent(eth);
}

TEST(igmp, bad_messages_are_counted) {
    ip_spec s;
    s.protocol = IPPROTO_IGMP;
    s.daddr = all_hosts;
    uint8_t mac[ETH_ALEN];
    ip_eth_mc_map(all_hosts, mac);
    receive_ip(eth, ip_packet(s, bytes{0x11, 0x0a, 0x00}), mac);   // short
    bytes bad = igmp_message(IGMP_HOST_MEMBERSHIP_QUERY, 10, 0);
    bad[2] ^= 0xff;
    receive_ip(eth, ip_packet(s, bad), mac);
    LONGS_EQUAL(2, igmp_mib_get(IGMP_MIB_INERRORS));
    LONGS_EQUAL(0, igmp_mib_get(IGMP_MIB_INMSGS));
    LONGS_EQUAL(0, only(eth, ETH_P_IP).size());
}

TEST(igmp, a_udp_socket_hears_the_group_only_while_joined) {
    int fd = udp_socket();
    sockaddr_in at = sin_of(0);
    at.sin_port = htons(5000);
    LONGS_EQUAL(0, sys_bind(fd, reinterpret_cast<sockaddr*>(&at), sizeof at));
    auto datagram = [](uint16_t dport) {
        bytes d(8 + 4, 'm');
        auto* uh = reinterpret_cast<udphdr*>(d.data());
        uh->source = htons(1);
        uh->dest = htons(dport);
        uh->len = htons(12);
        uh->check = 0;
        return d;
    };
    ip_spec s;
    s.protocol = IPPROTO_UDP;
    s.daddr = group_a;
    uint8_t mac[ETH_ALEN];
    ip_eth_mc_map(group_a, mac);
    char buf[64];
    receive_ip(eth, ip_packet(s, datagram(5000)), mac);
    LONGS_EQUAL(-EAGAIN, sys_recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, nullptr, nullptr));   // not joined
    LONGS_EQUAL(0, membership(fd, IP_ADD_MEMBERSHIP, group_a));
    receive_ip(eth, ip_packet(s, datagram(5000)), mac);
    LONGS_EQUAL(4, sys_recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, nullptr, nullptr));
    receive_ip(eth, ip_packet(s, datagram(5001)), mac);   // nobody on that port: no ICMP about a group
    LONGS_EQUAL(1, udp_mib_get(UDP_MIB_IGNOREDMULTI));
    take_sent(eth);
    // Sending to the group: TTL 1 by default, IP_MULTICAST_TTL's otherwise,
    // and a copy back to us unless IP_MULTICAST_LOOP is off.
    sockaddr_in to = sin_of(group_a);
    to.sin_port = htons(5000);
    LONGS_EQUAL(2, sys_sendto(fd, "hi", 2, 0, reinterpret_cast<sockaddr*>(&to), sizeof to));
    auto sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    LONGS_EQUAL(1, sent[0].ip()->ttl);
    CHECK_TRUE(memcmp(sent[0].dst(), mac, ETH_ALEN) == 0);
    settle();
    LONGS_EQUAL(2, sys_recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, nullptr, nullptr));
    int ttl = 4, off = 0;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl));
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_IP, IP_MULTICAST_LOOP, &off, sizeof off));
    LONGS_EQUAL(2, sys_sendto(fd, "hi", 2, 0, reinterpret_cast<sockaddr*>(&to), sizeof to));
    sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(4, sent[0].ip()->ttl);
    settle();
    LONGS_EQUAL(-EAGAIN, sys_recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, nullptr, nullptr));
    // IP_MULTICAST_IF by address: that device and that source.
    in_addr ifa{our_ip};
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_IP, IP_MULTICAST_IF, &ifa, sizeof ifa));
    in_addr got{};
    int len = sizeof got;
    LONGS_EQUAL(0, sys_getsockopt(fd, SOL_IP, IP_MULTICAST_IF, &got, &len));
    LONGS_EQUAL(our_ip, got.s_addr);
    in_addr nobody{peer_ip};
    LONGS_EQUAL(-EADDRNOTAVAIL, sys_setsockopt(fd, SOL_IP, IP_MULTICAST_IF, &nobody, sizeof nobody));
    LONGS_EQUAL(2, sys_sendto(fd, "hi", 2, 0, reinterpret_cast<sockaddr*>(&to), sizeof to));
    sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    LONGS_EQUAL(our_ip, sent[0].ip()->saddr);
    sys_close(fd);
    take_sent(eth);
    receive_ip(eth, ip_packet(s, datagram(5000)), mac);   // the close left the group
    LONGS_EQUAL(0, only(eth, ETH_P_IP).size());
}

TEST(igmp, proc_net_igmp_in_linux_format) {
    int fd = udp_socket();
    LONGS_EQUAL(0, membership(fd, IP_ADD_MEMBERSHIP, group_a));
    long pfd = sys_open("/proc/net/igmp", uapi::o_rdonly, 0);
    CHECK_TRUE(pfd >= 0);
    char buf[1024] = {};
    long n = sys_read(static_cast<int>(pfd), buf, sizeof buf - 1);
    CHECK_TRUE(n > 0);
    sys_close(static_cast<int>(pfd));
    std::string text(buf);
    CHECK_TRUE(text.rfind("Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n", 0) == 0);
    char dev[64];
    snprintf(dev, sizeof dev, "%d\t%-10s:     2      V2\n", eth->ifindex, eth->name);
    CHECK_TRUE(text.find(dev) != std::string::npos);
    CHECK_TRUE(text.find("\t\t\t\t010000E0     1 0:00000000\t\t0\n") != std::string::npos);   // all hosts
    char grp[64];
    snprintf(grp, sizeof grp, "\t\t\t\t%08X     1 1:", group_a);   // the repeat's timer runs
    CHECK_TRUE(text.find(grp) != std::string::npos);
    sys_close(fd);
    take_sent(eth);
}
