// host-only: UDP sockets (net/ipv4/udp.cpp, udp_sock.cpp, af_inet.cpp's
// bind/connect/getname) on the fake eth0 of ipv4_test_util: bind's
// errors, ephemeral ports and their exhaustion, the lookup order, the
// checksum and length checks with their counters, port unreachable, the
// datagrams sent, connect and disconnect, MSG_PEEK/MSG_TRUNC, ICMP errors,
// UDP_CORK, the receive buffer bound, and loopback.
#include <string.h>

#include <set>
#include <string>

#include <CppUTest/TestHarness.h>

#include "kernel/syscalls.h"
#include "kernel/uapi/errno.h"
#include "net/core/errqueue.h"
#include "net/ipv4/udp.h"
#include "net/ipv4/udp_kernel_port.h"
#include "tests/unit/socket_test_util.h"

using namespace socket_test;
using namespace ipv4_test;

namespace {

int udp_socket() {
    long fd = sys_socket(AF_INET, SOCK_DGRAM, 0);
    CHECK_TRUE(fd >= 0);
    return static_cast<int>(fd);
}

sockaddr_in sin_at(__be32 addr, uint16_t port) {
    sockaddr_in sin = sin_of(addr);
    sin.sin_port = htons(port);
    return sin;
}

long bind_to(int fd, __be32 addr, uint16_t port) {
    sockaddr_in sin = sin_at(addr, port);
    return sys_bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin);
}

long connect_to(int fd, __be32 addr, uint16_t port) {
    sockaddr_in sin = sin_at(addr, port);
    return sys_connect(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin);
}

long send_to(int fd, const bytes& data, __be32 addr, uint16_t port, unsigned flags = 0) {
    sockaddr_in sin = sin_at(addr, port);
    return sys_sendto(fd, data.data(), data.size(), flags, reinterpret_cast<sockaddr*>(&sin), sizeof sin);
}

sockaddr_in name_of(int fd, bool peer = false, long* rc = nullptr) {
    sockaddr_in sin{};
    int len = sizeof sin;
    long r = peer ? sys_getpeername(fd, reinterpret_cast<sockaddr*>(&sin), &len)
                  : sys_getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
    if (rc) {
        *rc = r;
    }
    return sin;
}

struct rx {
    long n;
    bytes data;
    sockaddr_in from;
};

rx recv_udp(int fd, size_t size = 70000, unsigned flags = MSG_DONTWAIT) {
    rx r{};
    r.data.resize(size);
    int fromlen = sizeof r.from;
    r.n = sys_recvfrom(fd, r.data.data(), size, flags, reinterpret_cast<sockaddr*>(&r.from), &fromlen);
    if (r.n >= 0) {
        r.data.resize(static_cast<size_t>(r.n) < size ? static_cast<size_t>(r.n) : size);
    }
    return r;
}

enum class csum { good, zero, bad };

// A UDP datagram as the peer sends it; ulen -1: the real length.
bytes udp_datagram(uint16_t sport, uint16_t dport, const bytes& payload, csum c = csum::good, int ulen = -1,
                   __be32 saddr = peer_ip, __be32 daddr = our_ip) {
    bytes d(8 + payload.size());
    auto* uh = reinterpret_cast<udphdr*>(d.data());
    uh->source = htons(sport);
    uh->dest = htons(dport);
    uh->len = htons(static_cast<uint16_t>(ulen >= 0 ? static_cast<unsigned>(ulen) : d.size()));
    if (!payload.empty()) {
        memcpy(d.data() + 8, payload.data(), payload.size());
    }
    if (c != csum::zero) {
        uh->check = csum_tcpudp_magic(saddr, daddr, static_cast<unsigned>(d.size()), IPPROTO_UDP,
                                      csum_partial(d.data(), static_cast<int>(d.size()), 0));
        if (!uh->check) {
            uh->check = 0xffff;
        }
        if (c == csum::bad) {
            uh->check ^= 0x0100;
        }
    }
    return d;
}

void receive_udp(net_device* eth, const bytes& datagram, __be32 saddr = peer_ip, __be32 daddr = our_ip) {
    ip_spec s;
    s.protocol = IPPROTO_UDP;
    s.saddr = saddr;
    s.daddr = daddr;
    receive_ip(eth, ip_packet(s, datagram));
}

unsigned long udpstat(udp_mib f) { return udp_mib_get(f); }

const udphdr* udp_of(const sent_frame& f) { return reinterpret_cast<const udphdr*>(f.ip_payload()); }

bool udp_csum_ok(const sent_frame& f) {
    const iphdr* iph = f.ip();
    unsigned len = f.ip_payload_len();
    return csum_tcpudp_magic(iph->saddr, iph->daddr, len, IPPROTO_UDP,
                             csum_partial(f.ip_payload(), static_cast<int>(len), 0)) == 0;
}

}  // namespace

TEST_GROUP(udp) {
    socket_test::env e;
    net_device* eth = nullptr;
    void setup() override {
        e.setup();
        eth = e.ip.eth;
        e.ip.know(peer_ip, peer_mac);
        sysctl_local_ports = local_port_range{};
    }
    void teardown() override {
        sysctl_local_ports = local_port_range{};
        e.teardown();
    }
};

TEST(udp, bind_errors_as_linux) {
    int fd = udp_socket();
    sockaddr_in sin = sin_at(our_ip, 5000);
    LONGS_EQUAL(-EINVAL, sys_bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin - 1));
    sin.sin_family = AF_PACKET;
    LONGS_EQUAL(-EAFNOSUPPORT, sys_bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin));
    LONGS_EQUAL(-EADDRNOTAVAIL, bind_to(fd, peer_ip, 5000));   // not ours
    set_privileged(false);
    LONGS_EQUAL(-EACCES, bind_to(fd, 0, 7));                    // below 1024
    LONGS_EQUAL(-EACCES, bind_to(fd, 0, 1023));
    LONGS_EQUAL(0, bind_to(fd, our_ip, 1024));
    LONGS_EQUAL(-EINVAL, bind_to(fd, our_ip, 1025));            // bound already
    sockaddr_in me = name_of(fd);
    LONGS_EQUAL(htons(1024), me.sin_port);
    LONGS_EQUAL(our_ip, me.sin_addr.s_addr);
    set_privileged(true);
    int priv = udp_socket();
    LONGS_EQUAL(0, bind_to(priv, 0, 7));
    // AF_UNSPEC with INADDR_ANY is taken as AF_INET (Linux's compatibility rule).
    int unspec = udp_socket();
    sockaddr_in any = sin_at(0, 6000);
    any.sin_family = AF_UNSPEC;
    LONGS_EQUAL(0, sys_bind(unspec, reinterpret_cast<sockaddr*>(&any), sizeof any));
    sys_close(unspec);
    sys_close(priv);
    sys_close(fd);
}

TEST(udp, address_in_use_and_the_reuse_options) {
    int a = udp_socket(), b = udp_socket(), c = udp_socket();
    LONGS_EQUAL(0, bind_to(a, 0, 5000));
    LONGS_EQUAL(-EADDRINUSE, bind_to(b, 0, 5000));
    LONGS_EQUAL(-EADDRINUSE, bind_to(b, our_ip, 5000));         // the wildcard covers it
    LONGS_EQUAL(0, bind_to(b, our_ip, 5001));
    LONGS_EQUAL(0, bind_to(c, htonl(INADDR_LOOPBACK), 5001));   // another address: no conflict
    sys_close(a);
    sys_close(b);
    sys_close(c);
    // Both SO_REUSEADDR, or both SO_REUSEPORT: shared; one alone is not enough.
    int one = 1;
    a = udp_socket();
    b = udp_socket();
    c = udp_socket();
    LONGS_EQUAL(0, sys_setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    LONGS_EQUAL(0, bind_to(a, 0, 5002));
    LONGS_EQUAL(-EADDRINUSE, bind_to(b, 0, 5002));
    LONGS_EQUAL(0, sys_setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    LONGS_EQUAL(0, bind_to(b, 0, 5002));
    LONGS_EQUAL(0, sys_setsockopt(c, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one));
    LONGS_EQUAL(-EADDRINUSE, bind_to(c, 0, 5002));
    LONGS_EQUAL(1, getint(c, SOL_SOCKET, SO_REUSEPORT));
    sys_close(a);
    sys_close(b);
    sys_close(c);
    a = udp_socket();
    b = udp_socket();
    LONGS_EQUAL(0, sys_setsockopt(a, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one));
    LONGS_EQUAL(0, sys_setsockopt(b, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one));
    LONGS_EQUAL(0, bind_to(a, 0, 5003));
    LONGS_EQUAL(0, bind_to(b, 0, 5003));
    // Each flow goes to one of them, always the same one.
    std::set<int> hit;
    for (uint16_t sport = 1000; sport < 1064; ++sport) {
        receive_udp(eth, udp_datagram(sport, 5003, pattern(4)));
        receive_udp(eth, udp_datagram(sport, 5003, pattern(4)));
        long na = 0, nb = 0;
        while (recv_udp(a).n == 4) {
            ++na;
        }
        while (recv_udp(b).n == 4) {
            ++nb;
        }
        CHECK_TRUE((na == 2 && nb == 0) || (na == 0 && nb == 2));
        hit.insert(na ? a : b);
    }
    LONGS_EQUAL(2, hit.size());
    sys_close(a);
    sys_close(b);
}

TEST(udp, ephemeral_ports_from_the_range_until_exhausted) {
    int fd = udp_socket();
    LONGS_EQUAL(0, bind_to(fd, 0, 0));
    unsigned port = ntohs(name_of(fd).sin_port);
    CHECK_TRUE(port >= 32768 && port <= 60999);
    sys_close(fd);
    // Sending unbound binds (inet_autobind), and successive ports differ.
    std::set<unsigned> seen;
    for (int i = 0; i < 8; ++i) {
        fd = udp_socket();
        LONGS_EQUAL(4, send_to(fd, pattern(4), peer_ip, 9));
        unsigned p = ntohs(name_of(fd).sin_port);
        CHECK_TRUE(p >= 32768 && p <= 60999);
        seen.insert(p);
        sys_close(fd);
    }
    CHECK_TRUE(seen.size() >= 7);
    take_sent(eth);
    // A range of four: four sockets, then EADDRINUSE from bind, EAGAIN from
    // autobind (Linux's answers), and a closed socket's port is free again.
    sysctl_local_ports = {40000, 40003};
    int s[4];
    std::set<unsigned> ports;
    for (int& f : s) {
        f = udp_socket();
        LONGS_EQUAL(0, bind_to(f, 0, 0));
        ports.insert(ntohs(name_of(f).sin_port));
    }
    LONGS_EQUAL(4, ports.size());
    CHECK_TRUE(*ports.begin() == 40000 && *ports.rbegin() == 40003);
    int extra = udp_socket();
    LONGS_EQUAL(-EADDRINUSE, bind_to(extra, 0, 0));
    LONGS_EQUAL(-EAGAIN, send_to(extra, pattern(4), peer_ip, 9));
    LONGS_EQUAL(-EAGAIN, connect_to(extra, peer_ip, 9));
    unsigned freed = ntohs(name_of(s[2]).sin_port);
    sys_close(s[2]);
    LONGS_EQUAL(0, bind_to(extra, 0, 0));
    LONGS_EQUAL(freed, ntohs(name_of(extra).sin_port));
    sys_close(extra);
    for (int i : {0, 1, 3}) {
        sys_close(s[i]);
    }
    take_sent(eth);
}

TEST(udp, lookup_prefers_connected_then_bound_address_then_wildcard) {
    int any = udp_socket(), bound = udp_socket(), conn = udp_socket();
    int one = 1;
    for (int fd : {any, bound, conn}) {
        LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    }
    LONGS_EQUAL(0, bind_to(any, 0, 5000));
    LONGS_EQUAL(0, bind_to(bound, our_ip, 5000));
    LONGS_EQUAL(0, bind_to(conn, our_ip, 5000));
    LONGS_EQUAL(0, connect_to(conn, peer_ip, 6000));
    receive_udp(eth, udp_datagram(6000, 5000, pattern(11)));   // the exact 4-tuple
    receive_udp(eth, udp_datagram(6001, 5000, pattern(12)));   // another peer port: the bound address
    LONGS_EQUAL(11, recv_udp(conn).n);
    LONGS_EQUAL(12, recv_udp(bound).n);
    LONGS_EQUAL(-EAGAIN, recv_udp(any).n);
    sys_close(bound);
    receive_udp(eth, udp_datagram(6001, 5000, pattern(13)));
    LONGS_EQUAL(13, recv_udp(any).n);
    sys_close(conn);
    sys_close(any);
    take_sent(eth);
}

TEST(udp, received_datagram_with_its_source) {
    int fd = udp_socket();
    LONGS_EQUAL(0, bind_to(fd, 0, 5000));
    bytes data = pattern(100, 3);
    unsigned long before = udpstat(UDP_MIB_INDATAGRAMS);
    receive_udp(eth, udp_datagram(4242, 5000, data));
    rx r = recv_udp(fd);
    LONGS_EQUAL(100, r.n);
    CHECK_TRUE(r.data == data);
    LONGS_EQUAL(AF_INET, r.from.sin_family);
    LONGS_EQUAL(htons(4242), r.from.sin_port);
    LONGS_EQUAL(peer_ip, r.from.sin_addr.s_addr);
    LONGS_EQUAL(before + 1, udpstat(UDP_MIB_INDATAGRAMS));
    // An empty datagram is a datagram.
    receive_udp(eth, udp_datagram(4242, 5000, bytes{}));
    LONGS_EQUAL(0, recv_udp(fd).n);
    sys_close(fd);
}

TEST(udp, checksum_and_length_checks_with_their_counters) {
    int fd = udp_socket();
    LONGS_EQUAL(0, bind_to(fd, 0, 5000));
    receive_udp(eth, udp_datagram(1, 5000, pattern(20), csum::bad));
    LONGS_EQUAL(-EAGAIN, recv_udp(fd).n);
    LONGS_EQUAL(1, udpstat(UDP_MIB_CSUMERRORS));
    LONGS_EQUAL(1, udpstat(UDP_MIB_INERRORS));
    receive_udp(eth, udp_datagram(1, 5000, pattern(20), csum::zero));   // none computed: accepted
    LONGS_EQUAL(20, recv_udp(fd).n);
    receive_udp(eth, bytes{0x00, 0x01, 0x13, 0x88});                 // a short header
    LONGS_EQUAL(2, udpstat(UDP_MIB_INERRORS));
    receive_udp(eth, udp_datagram(1, 5000, pattern(20), csum::zero, 40));   // length past the datagram
    LONGS_EQUAL(3, udpstat(UDP_MIB_INERRORS));
    receive_udp(eth, udp_datagram(1, 5000, pattern(20), csum::zero, 7));    // shorter than a header
    LONGS_EQUAL(4, udpstat(UDP_MIB_INERRORS));
    LONGS_EQUAL(-EAGAIN, recv_udp(fd).n);
    // A length short of the datagram: the rest is padding, cut off; the
    // checksum covers the length the header gives.
    bytes d = udp_datagram(1, 5000, pattern(10), csum::good);
    bytes padded = d;
    padded.insert(padded.end(), {0xde, 0xad, 0xbe, 0xef});
    receive_udp(eth, padded);
    rx r = recv_udp(fd);
    LONGS_EQUAL(10, r.n);
    CHECK_TRUE(r.data == pattern(10));
    LONGS_EQUAL(4, udpstat(UDP_MIB_INERRORS));
    LONGS_EQUAL(1, udpstat(UDP_MIB_CSUMERRORS));
    LONGS_EQUAL(0, only(eth, ETH_P_IP).size());   // no ICMP about any of them
    sys_close(fd);
}

TEST(udp, port_unreachable_when_nobody_listens) {
    bytes d = udp_datagram(4000, 5999, pattern(30));
    receive_udp(eth, d);
    auto sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    LONGS_EQUAL(ICMP_DEST_UNREACH, sent[0].icmp()->type);
    LONGS_EQUAL(ICMP_PORT_UNREACH, sent[0].icmp()->code);
    LONGS_EQUAL(peer_ip, sent[0].ip()->daddr);
    // The quoted datagram: our IP header and the UDP header at least.
    const auto* quoted = reinterpret_cast<const iphdr*>(sent[0].ip_payload() + 8);
    LONGS_EQUAL(IPPROTO_UDP, quoted->protocol);
    CHECK_TRUE(memcmp(sent[0].ip_payload() + 8 + 20, d.data(), 8) == 0);
    LONGS_EQUAL(1, udpstat(UDP_MIB_NOPORTS));
    // A broadcast nobody wants: counted, and no ICMP (RFC 1122 3.2.2).
    receive_udp(eth, udp_datagram(4000, 5999, pattern(30), csum::good, -1, peer_ip, subnet_bcast), peer_ip,
                subnet_bcast);
    LONGS_EQUAL(0, only(eth, ETH_P_IP).size());
    LONGS_EQUAL(1, udpstat(UDP_MIB_IGNOREDMULTI));
    LONGS_EQUAL(1, udpstat(UDP_MIB_NOPORTS));
}

// A port a kernel client claims (the DHCP client's 68, taken at the
// packet_type level): delivered there, so no port unreachable and no
// NoPorts; once released, the port is closed like any other.
TEST(udp, a_claimed_port_gets_no_port_unreachable) {
    udp_kernel_port_claim(68);
    receive_udp(eth, udp_datagram(67, 68, pattern(30)));
    LONGS_EQUAL(0, only(eth, ETH_P_IP).size());
    LONGS_EQUAL(0, udpstat(UDP_MIB_NOPORTS));
    receive_udp(eth, udp_datagram(67, 69, pattern(30)));
    LONGS_EQUAL(1, only(eth, ETH_P_IP).size());
    udp_kernel_port_release(68);
    CHECK_FALSE(udp_kernel_port_claimed(68));
    receive_udp(eth, udp_datagram(67, 68, pattern(30)));
    LONGS_EQUAL(1, only(eth, ETH_P_IP).size());
    LONGS_EQUAL(2, udpstat(UDP_MIB_NOPORTS));
}

TEST(udp, kernel_port_claims_are_counted) {
    udp_kernel_port_claim(68);
    udp_kernel_port_claim(68);
    udp_kernel_port_release(68);
    CHECK_TRUE(udp_kernel_port_claimed(68));
    udp_kernel_port_release(68);
    CHECK_FALSE(udp_kernel_port_claimed(68));
    CHECK_FALSE(udp_kernel_port_claimed(67));
}

TEST(udp, broadcast_reaches_every_matching_socket) {
    int one = 1;
    int a = udp_socket(), b = udp_socket(), mine = udp_socket();
    for (int fd : {a, b, mine}) {
        LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    }
    LONGS_EQUAL(0, bind_to(a, 0, 67));
    LONGS_EQUAL(0, bind_to(b, subnet_bcast, 67));
    LONGS_EQUAL(0, bind_to(mine, our_ip, 67));   // a unicast address does not hear broadcasts
    receive_udp(eth, udp_datagram(68, 67, pattern(50), csum::good, -1, peer_ip, subnet_bcast), peer_ip, subnet_bcast);
    LONGS_EQUAL(50, recv_udp(a).n);
    LONGS_EQUAL(50, recv_udp(b).n);
    LONGS_EQUAL(-EAGAIN, recv_udp(mine).n);
    sys_close(a);
    sys_close(b);
    sys_close(mine);
}

TEST(udp, sent_datagram_header_and_checksum) {
    int fd = udp_socket();
    LONGS_EQUAL(0, bind_to(fd, 0, 5000));
    bytes data = pattern(333, 9);
    LONGS_EQUAL(333, send_to(fd, data, peer_ip, 7777));
    auto sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    const iphdr* iph = sent[0].ip();
    LONGS_EQUAL(IPPROTO_UDP, iph->protocol);
    LONGS_EQUAL(our_ip, iph->saddr);
    LONGS_EQUAL(peer_ip, iph->daddr);
    LONGS_EQUAL(IPDEFTTL, iph->ttl);
    const udphdr* uh = udp_of(sent[0]);
    LONGS_EQUAL(htons(5000), uh->source);
    LONGS_EQUAL(htons(7777), uh->dest);
    LONGS_EQUAL(341, ntohs(uh->len));
    CHECK_TRUE(uh->check != 0);
    CHECK_TRUE(udp_csum_ok(sent[0]));
    CHECK_TRUE(memcmp(sent[0].ip_payload() + 8, data.data(), data.size()) == 0);
    LONGS_EQUAL(1, udpstat(UDP_MIB_OUTDATAGRAMS));
    // IP_TTL applies.
    int ttl = 9;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_IP, IP_TTL, &ttl, sizeof ttl));
    LONGS_EQUAL(1, send_to(fd, pattern(1), peer_ip, 7777));
    sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(9, sent[0].ip()->ttl);
    sys_close(fd);
}

TEST(udp, checksum_over_every_length_and_odd_sums) {
    int fd = udp_socket();
    for (unsigned n = 0; n < 300; ++n) {
        LONGS_EQUAL(static_cast<long>(n), send_to(fd, pattern(n, n), peer_ip, static_cast<uint16_t>(1 + n)));
        auto sent = only(eth, ETH_P_IP);
        LONGS_EQUAL(1, sent.size());
        CHECK_TRUE(udp_csum_ok(sent[0]));
        CHECK_TRUE(udp_of(sent[0])->check != 0);
    }
    sys_close(fd);
}

TEST(udp, send_errors) {
    int fd = udp_socket();
    LONGS_EQUAL(-EDESTADDRREQ, sys_sendto(fd, "x", 1, 0, nullptr, 0));
    LONGS_EQUAL(-EINVAL, send_to(fd, pattern(1), peer_ip, 0));   // port 0
    sockaddr_in sin = sin_at(peer_ip, 9);
    LONGS_EQUAL(-EINVAL, sys_sendto(fd, "x", 1, 0, reinterpret_cast<sockaddr*>(&sin), sizeof sin - 1));
    sin.sin_family = AF_PACKET;
    LONGS_EQUAL(-EAFNOSUPPORT, sys_sendto(fd, "x", 1, 0, reinterpret_cast<sockaddr*>(&sin), sizeof sin));
    bytes big(UDP_MAX_PAYLOAD + 1);
    LONGS_EQUAL(-EMSGSIZE, send_to(fd, big, peer_ip, 9));
    LONGS_EQUAL(-EOPNOTSUPP, sys_sendto(fd, "x", 1, MSG_OOB, reinterpret_cast<sockaddr*>(&(sin = sin_at(peer_ip, 9))),
                                        sizeof sin));
    // Broadcast only with SO_BROADCAST (EACCES, as Linux).
    LONGS_EQUAL(-EACCES, send_to(fd, pattern(4), subnet_bcast, 9));
    LONGS_EQUAL(-EACCES, send_to(fd, pattern(4), htonl(INADDR_BROADCAST), 9));
    int one = 1;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one));
    LONGS_EQUAL(4, send_to(fd, pattern(4), subnet_bcast, 9));
    auto sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    CHECK_TRUE(memcmp(sent[0].dst(), "\xff\xff\xff\xff\xff\xff", 6) == 0);
    // MSG_CONFIRM is accepted.
    LONGS_EQUAL(2, send_to(fd, pattern(2), peer_ip, 9, MSG_CONFIRM));
    LONGS_EQUAL(1, only(eth, ETH_P_IP).size());
    sys_close(fd);
}

TEST(udp, largest_datagram_goes_out_in_fragments) {
    int fd = udp_socket();
    bytes data = pattern(UDP_MAX_PAYLOAD, 5);
    LONGS_EQUAL(static_cast<long>(UDP_MAX_PAYLOAD), send_to(fd, data, peer_ip, 9));
    auto sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(45, sent.size());   // 65515 octets of IP payload in 1480-octet pieces
    bytes whole;
    for (auto& f : sent) {
        whole.insert(whole.end(), f.ip_payload(), f.ip_payload() + f.ip_payload_len());
    }
    LONGS_EQUAL(UDP_MAX_PAYLOAD + 8, whole.size());
    const auto* uh = reinterpret_cast<const udphdr*>(whole.data());
    LONGS_EQUAL(0xffff - 20, ntohs(uh->len));
    CHECK_TRUE(csum_tcpudp_magic(our_ip, peer_ip, static_cast<unsigned>(whole.size()), IPPROTO_UDP,
                                 csum_partial(whole.data(), static_cast<int>(whole.size()), 0)) == 0);
    CHECK_TRUE(memcmp(whole.data() + 8, data.data(), data.size()) == 0);
    // A datagram that fits leaves with DF (IP_PMTUDISC_WANT); one that does
    // not leaves without it, fragmented.
    LONGS_EQUAL(1472, send_to(fd, pattern(1472), peer_ip, 9));
    sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    LONGS_EQUAL(IP_DF, ntohs(sent[0].ip()->frag_off));
    LONGS_EQUAL(1473, send_to(fd, pattern(1473), peer_ip, 9));
    sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(2, sent.size());
    LONGS_EQUAL(IP_MF, ntohs(sent[0].ip()->frag_off));
    int pmtu = IP_PMTUDISC_DO;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu));
    LONGS_EQUAL(-EMSGSIZE, send_to(fd, pattern(1473), peer_ip, 9));
    sys_close(fd);
}

TEST(udp, connect_getpeername_and_disconnect) {
    int fd = udp_socket();
    long rc;
    name_of(fd, true, &rc);
    LONGS_EQUAL(-ENOTCONN, rc);
    LONGS_EQUAL(0, connect_to(fd, peer_ip, 5353));
    sockaddr_in peer = name_of(fd, true, &rc);
    LONGS_EQUAL(0, rc);
    LONGS_EQUAL(htons(5353), peer.sin_port);
    LONGS_EQUAL(peer_ip, peer.sin_addr.s_addr);
    sockaddr_in me = name_of(fd);
    LONGS_EQUAL(our_ip, me.sin_addr.s_addr);   // the route's source
    CHECK_TRUE(ntohs(me.sin_port) >= 32768);    // bound on connect
    LONGS_EQUAL(3, sys_sendto(fd, "abc", 3, 0, nullptr, 0));
    auto sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    LONGS_EQUAL(htons(5353), udp_of(sent[0])->dest);
    LONGS_EQUAL(me.sin_port, udp_of(sent[0])->source);
    // Only the peer's datagrams arrive now.
    receive_udp(eth, udp_datagram(5353, ntohs(me.sin_port), pattern(5)));
    receive_udp(eth, udp_datagram(5354, ntohs(me.sin_port), pattern(6)));
    LONGS_EQUAL(5, recv_udp(fd).n);
    LONGS_EQUAL(-EAGAIN, recv_udp(fd).n);
    take_sent(eth);   // the port unreachable for the other one
    // AF_UNSPEC disconnects; the port came from autobind and goes.
    sockaddr unspec{};
    unspec.sa_family = AF_UNSPEC;
    LONGS_EQUAL(0, sys_connect(fd, &unspec, sizeof unspec));
    name_of(fd, true, &rc);
    LONGS_EQUAL(-ENOTCONN, rc);
    me = name_of(fd);
    LONGS_EQUAL(0, me.sin_port);
    LONGS_EQUAL(0, me.sin_addr.s_addr);
    LONGS_EQUAL(-EDESTADDRREQ, sys_sendto(fd, "abc", 3, 0, nullptr, 0));
    sys_close(fd);
    // A port bind() chose stays through a disconnect.
    fd = udp_socket();
    LONGS_EQUAL(0, bind_to(fd, 0, 5000));
    LONGS_EQUAL(0, connect_to(fd, peer_ip, 5353));
    LONGS_EQUAL(0, sys_connect(fd, &unspec, sizeof unspec));
    me = name_of(fd);
    LONGS_EQUAL(htons(5000), me.sin_port);
    LONGS_EQUAL(0, me.sin_addr.s_addr);
    // Connecting to a broadcast address needs SO_BROADCAST.
    LONGS_EQUAL(-EACCES, connect_to(fd, subnet_bcast, 9));
    sys_close(fd);
}

TEST(udp, peek_and_trunc) {
    int fd = udp_socket();
    LONGS_EQUAL(0, bind_to(fd, 0, 5000));
    receive_udp(eth, udp_datagram(1, 5000, pattern(100, 1)));
    receive_udp(eth, udp_datagram(2, 5000, pattern(50, 2)));
    int inq = -1;
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCINQ, reinterpret_cast<unsigned long>(&inq)));
    LONGS_EQUAL(100, inq);   // the next datagram's payload
    rx p = recv_udp(fd, 10, MSG_DONTWAIT | MSG_PEEK);
    LONGS_EQUAL(10, p.n);
    bytes first = pattern(100, 1), second = pattern(50, 2);
    CHECK_TRUE(p.data == bytes(first.begin(), first.begin() + 10));
    LONGS_EQUAL(0, udpstat(UDP_MIB_INDATAGRAMS));   // peeking is not reading
    rx t = recv_udp(fd, 10, MSG_DONTWAIT | MSG_TRUNC);
    LONGS_EQUAL(100, t.n);   // the datagram's real length
    LONGS_EQUAL(10, t.data.size());
    rx s = recv_udp(fd, 20);
    LONGS_EQUAL(20, s.n);   // truncated, the rest is gone
    CHECK_TRUE(s.data == bytes(second.begin(), second.begin() + 20));
    LONGS_EQUAL(-EAGAIN, recv_udp(fd).n);
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCINQ, reinterpret_cast<unsigned long>(&inq)));
    LONGS_EQUAL(0, inq);
    int outq = -1;
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCOUTQ, reinterpret_cast<unsigned long>(&outq)));
    LONGS_EQUAL(0, outq);
    sys_close(fd);
}

TEST(udp, port_unreachable_refuses_the_next_call_of_a_connected_socket) {
    int fd = udp_socket();
    LONGS_EQUAL(0, connect_to(fd, peer_ip, 9));
    LONGS_EQUAL(4, sys_sendto(fd, "ping", 4, 0, nullptr, 0));
    auto sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    // The peer answers with port unreachable quoting what we sent.
    bytes quoted(sent[0].l3(), sent[0].l3() + 28);
    ip_spec s;
    s.protocol = IPPROTO_ICMP;
    receive_ip(eth, ip_packet(s, icmp_message(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, quoted)));
    LONGS_EQUAL(-ECONNREFUSED, recv_udp(fd).n);
    LONGS_EQUAL(-EAGAIN, recv_udp(fd).n);   // reported once
    // Again, seen by send this time.
    receive_ip(eth, ip_packet(s, icmp_message(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, quoted)));
    LONGS_EQUAL(-ECONNREFUSED, sys_sendto(fd, "ping", 4, 0, nullptr, 0));
    // An unconnected socket is not told (soft errors without IP_RECVERR).
    int other = udp_socket();
    LONGS_EQUAL(4, send_to(other, pattern(4), peer_ip, 9));
    sent = only(eth, ETH_P_IP);
    quoted.assign(sent[0].l3(), sent[0].l3() + 28);
    receive_ip(eth, ip_packet(s, icmp_message(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, quoted)));
    LONGS_EQUAL(-EAGAIN, recv_udp(other).n);
    // With IP_RECVERR it is.
    int one = 1;
    LONGS_EQUAL(0, sys_setsockopt(other, SOL_IP, IP_RECVERR, &one, sizeof one));
    receive_ip(eth, ip_packet(s, icmp_message(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, quoted)));
    LONGS_EQUAL(-ECONNREFUSED, recv_udp(other).n);
    sys_close(other);
    sys_close(fd);
}

TEST(udp, cork_gathers_one_datagram) {
    int fd = udp_socket();
    int one = 1, zero = 0;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_UDP, UDP_CORK, &one, sizeof one));
    LONGS_EQUAL(1, getint(fd, SOL_UDP, UDP_CORK));
    LONGS_EQUAL(3, send_to(fd, pattern(3, 1), peer_ip, 9));
    LONGS_EQUAL(2000, send_to(fd, pattern(2000, 2), peer_ip, 10));   // the first address stands
    LONGS_EQUAL(0, only(eth, ETH_P_IP).size());
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_UDP, UDP_CORK, &zero, sizeof zero));
    auto sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(2, sent.size());   // 2011 octets of UDP: two fragments
    bytes whole;
    for (auto& f : sent) {
        whole.insert(whole.end(), f.ip_payload(), f.ip_payload() + f.ip_payload_len());
    }
    LONGS_EQUAL(2011, whole.size());
    LONGS_EQUAL(htons(9), reinterpret_cast<const udphdr*>(whole.data())->dest);
    bytes want = pattern(3, 1);
    bytes second = pattern(2000, 2);
    want.insert(want.end(), second.begin(), second.end());
    CHECK_TRUE(memcmp(whole.data() + 8, want.data(), want.size()) == 0);
    // MSG_MORE without the option does the same for one call.
    LONGS_EQUAL(2, send_to(fd, pattern(2), peer_ip, 9, MSG_MORE));
    LONGS_EQUAL(0, only(eth, ETH_P_IP).size());
    LONGS_EQUAL(2, send_to(fd, pattern(2), peer_ip, 9));
    sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    LONGS_EQUAL(12, ntohs(udp_of(sent[0])->len));
    // A corked datagram past the limit is EMSGSIZE and dropped; closing drops one too.
    LONGS_EQUAL(60000, send_to(fd, pattern(60000), peer_ip, 9, MSG_MORE));
    LONGS_EQUAL(-EMSGSIZE, send_to(fd, pattern(6000), peer_ip, 9, MSG_MORE));
    LONGS_EQUAL(5, send_to(fd, pattern(5), peer_ip, 9, MSG_MORE));
    sys_close(fd);
    LONGS_EQUAL(0, only(eth, ETH_P_IP).size());
    LONGS_EQUAL(-ENOPROTOOPT, sys_setsockopt(udp_socket(), SOL_UDP, UDP_ENCAP, &one, sizeof one));
}

TEST(udp, full_receive_buffer_counts_rcvbuf_errors) {
    int fd = udp_socket();
    LONGS_EQUAL(0, bind_to(fd, 0, 5000));
    int small = 1;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small));
    for (int i = 0; i < 20; ++i) {
        receive_udp(eth, udp_datagram(1, 5000, pattern(1000)));
    }
    int got = 0;
    while (recv_udp(fd).n == 1000) {
        ++got;
    }
    CHECK_TRUE(got >= 1 && got < 20);
    LONGS_EQUAL(20 - got, udpstat(UDP_MIB_RCVBUFERRORS));
    LONGS_EQUAL(20 - got, udpstat(UDP_MIB_INERRORS));
    sys_close(fd);
}

TEST(udp, loopback_both_ways) {
    int server = udp_socket(), client = udp_socket();
    LONGS_EQUAL(0, bind_to(server, htonl(INADDR_LOOPBACK), 7000));
    bytes data = pattern(5000, 4);   // one frame on lo's 65536-octet MTU
    LONGS_EQUAL(5000, send_to(client, data, htonl(INADDR_LOOPBACK), 7000));
    settle();
    rx r = recv_udp(server);
    LONGS_EQUAL(5000, r.n);
    CHECK_TRUE(r.data == data);
    LONGS_EQUAL(htonl(INADDR_LOOPBACK), r.from.sin_addr.s_addr);
    LONGS_EQUAL(name_of(client).sin_port, r.from.sin_port);
    // The reply goes back to the sender's port.
    LONGS_EQUAL(5, sys_sendto(server, "hello", 5, 0, reinterpret_cast<sockaddr*>(&r.from), sizeof r.from));
    settle();
    rx back = recv_udp(client);
    LONGS_EQUAL(5, back.n);
    CHECK_TRUE(memcmp(back.data.data(), "hello", 5) == 0);
    LONGS_EQUAL(htons(7000), back.from.sin_port);
    sys_close(client);
    sys_close(server);
}

TEST(udp, proc_net_udp_and_snmp_rows_in_linux_format) {
    int fd = udp_socket();
    LONGS_EQUAL(0, bind_to(fd, our_ip, 0x1388));
    LONGS_EQUAL(0, connect_to(fd, peer_ip, 0x35));
    std::string text = read_proc("/proc/net/udp");
    size_t nl = text.find('\n');
    LONGS_EQUAL(127, nl);   // padded as Linux's seq_setwidth(127)
    CHECK_TRUE(text.rfind("   sl  local_address rem_address   st tx_queue rx_queue", 0) == 0);
    char want[64];
    snprintf(want, sizeof want, "%08X:1388 %08X:0035 01 ", our_ip, peer_ip);
    CHECK_TRUE(text.find(want) != std::string::npos);
    CHECK_TRUE(read_proc("/proc/net/snmp").find("Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors "
                                     "InCsumErrors IgnoredMulti MemErrors\nUdp: 0 0 0 0 0 0 0 0 0\n") !=
               std::string::npos);
    sys_close(fd);
}

// Checksum plumbing: the partial sum over lo, its software completion, the
// sum taken while copying, and lo.verify_csum's switch.

TEST(udp, skb_checksum_help_completes_a_partial_sum) {
    for (unsigned n : {0u, 1u, 7u, 8u, 333u, 1472u}) {
        sk_buff* skb = alloc_skb(IP_MAX_HEADROOM + 8 + n, GFP_KERNEL);
        skb_reserve(skb, IP_MAX_HEADROOM);
        auto* uh = reinterpret_cast<udphdr*>(skb_put(skb, 8));
        bytes data = pattern(n, n);
        if (n) {
            memcpy(skb_put(skb, n), data.data(), n);
        }
        uh->source = htons(1);
        uh->dest = htons(2);
        uh->len = htons(static_cast<uint16_t>(8 + n));
        uh->check = static_cast<__sum16>(~csum_tcpudp_magic(our_ip, peer_ip, 8 + n, IPPROTO_UDP, 0));
        skb_partial_csum_set(skb, skb->data, 6);
        LONGS_EQUAL(0, skb_checksum_help(skb));
        LONGS_EQUAL(CHECKSUM_NONE, skb->ip_summed);
        CHECK_TRUE(uh->check != 0);
        LONGS_EQUAL(0, csum_tcpudp_magic(our_ip, peer_ip, 8 + n, IPPROTO_UDP, csum_partial(skb->data, 8 + n, 0)));
        kfree_skb(skb);
    }
}

TEST(udp, sum_while_copying_matches_csum_partial_over_odd_segments) {
    bytes data = pattern(1001, 77);
    uapi::iovec iov[4] = {{data.data(), 3}, {data.data() + 3, 0}, {data.data() + 3, 500}, {data.data() + 503, 498}};
    iov_iter it;
    it.init(iov, 4, 1001);
    bytes out(1001);
    __wsum sum = 0;
    CHECK_TRUE(csum_and_copy_from_iter_full(out.data(), 1001, &sum, &it));
    CHECK_TRUE(out == data);
    LONGS_EQUAL(csum_fold(csum_partial(data.data(), 1001, 0)), csum_fold(sum));
    LONGS_EQUAL(0, it.count);
    CHECK_FALSE(csum_and_copy_from_iter_full(out.data(), 1, &sum, &it));
}

namespace {

// A UDP datagram to 127.0.0.1:port with its checksum spoilt, through a raw
// IP_HDRINCL socket (so nothing on the way fixes it).
void send_bad_udp_over_lo(uint16_t port) {
    long raw = sys_socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    CHECK_TRUE(raw >= 0);
    __be32 lo = htonl(INADDR_LOOPBACK);
    ip_spec s;
    s.protocol = IPPROTO_UDP;
    s.saddr = lo;
    s.daddr = lo;
    bytes pkt = ip_packet(s, udp_datagram(4000, port, pattern(16), csum::bad, -1, lo, lo));
    sockaddr_in to = sin_of(lo);
    LONGS_EQUAL(static_cast<long>(pkt.size()), sys_sendto(static_cast<int>(raw), pkt.data(), pkt.size(), 0,
                                                          reinterpret_cast<sockaddr*>(&to), sizeof to));
    settle();
    sys_close(static_cast<int>(raw));
}

}  // namespace

TEST(udp, lo_vouches_for_sums_unless_told_to_verify_them) {
    net_device* lo = init_net.loopback_dev;
    CHECK_TRUE(lo->features & NETIF_F_HW_CSUM);   // the default: Linux's loopback
    int server = udp_socket();
    LONGS_EQUAL(0, bind_to(server, 0, 7000));
    // By default a spoilt sum over lo goes unnoticed: the reason for the switch.
    send_bad_udp_over_lo(7000);
    LONGS_EQUAL(16, recv_udp(server).n);
    LONGS_EQUAL(0, udpstat(UDP_MIB_CSUMERRORS));
    // lo.verify_csum=1: every sum is computed and checked by the receiver.
    lo->features &= ~NETIF_F_HW_CSUM;
    send_bad_udp_over_lo(7000);
    LONGS_EQUAL(-EAGAIN, recv_udp(server).n);
    LONGS_EQUAL(1, udpstat(UDP_MIB_CSUMERRORS));
    int client = udp_socket();
    for (unsigned n : {1u, 2u, 1000u, 9000u}) {
        LONGS_EQUAL(static_cast<long>(n), send_to(client, pattern(n, n), htonl(INADDR_LOOPBACK), 7000));
        settle();
        rx r = recv_udp(server);
        LONGS_EQUAL(static_cast<long>(n), r.n);
        CHECK_TRUE(r.data == pattern(n, n));
    }
    LONGS_EQUAL(1, udpstat(UDP_MIB_CSUMERRORS));
    lo->features |= NETIF_F_HW_CSUM;
    sys_close(client);
    sys_close(server);
}

// recvmsg's control messages (put_cmsg): IP_PKTINFO, IP_RECVTTL,
// IP_RECVTOS, SO_TIMESTAMP(NS), and MSG_CTRUNC when they do not fit.

namespace {

struct cmsg_view {
    int level, type;
    bytes data;
};

struct recvmsg_result {
    long n;
    unsigned flags;
    std::vector<cmsg_view> cmsgs;
};

recvmsg_result recv_with_control(int fd, size_t control_room, int flags = MSG_DONTWAIT, sockaddr_in* from = nullptr,
                                 bytes* data = nullptr, size_t data_room = 2048) {
    char buf[2048];
    char control[256] = {};
    uapi::iovec iov{buf, data_room < sizeof buf ? data_room : sizeof buf};
    user_msghdr m{};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = control;
    m.msg_controllen = static_cast<uint32_t>(control_room);
    if (from) {
        m.msg_name = from;
        m.msg_namelen = sizeof *from;
    }
    recvmsg_result r{};
    r.n = sys_recvmsg(fd, &m, flags);
    r.flags = m.msg_flags;
    if (data && r.n > 0) {
        data->assign(buf, buf + (static_cast<size_t>(r.n) < iov.iov_len ? r.n : iov.iov_len));
    }
    size_t off = 0;
    while (r.n >= 0 && off + sizeof(cmsghdr) <= m.msg_controllen) {   // msghdr is not written back on error
        cmsghdr h;
        memcpy(&h, control + off, sizeof h);
        if (h.cmsg_len < sizeof h) {
            break;
        }
        size_t datalen = h.cmsg_len - sizeof h;
        size_t avail = m.msg_controllen - off - sizeof h;
        const char* d = control + off + sizeof h;
        r.cmsgs.push_back({h.cmsg_level, h.cmsg_type, bytes(d, d + (datalen < avail ? datalen : avail))});
        off += CMSG_SPACE(datalen);
    }
    return r;
}

}  // namespace

TEST(udp, control_messages_pktinfo_ttl_tos_timestamps) {
    int fd = udp_socket();
    LONGS_EQUAL(0, bind_to(fd, 0, 5000));
    int one = 1;
    for (int opt : {IP_PKTINFO, IP_RECVTTL, IP_RECVTOS}) {
        LONGS_EQUAL(0, sys_setsockopt(fd, SOL_IP, opt, &one, sizeof one));
        LONGS_EQUAL(1, getint(fd, SOL_IP, opt));
    }
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one));
    LONGS_EQUAL(1, getint(fd, SOL_SOCKET, SO_TIMESTAMPNS));
    LONGS_EQUAL(0, getint(fd, SOL_SOCKET, SO_TIMESTAMP));
    ip_spec s;
    s.protocol = IPPROTO_UDP;
    s.ttl = 33;
    s.tos = 0x10;
    receive_ip(eth, ip_packet(s, udp_datagram(1, 5000, pattern(9))));
    recvmsg_result r = recv_with_control(fd, 256);
    LONGS_EQUAL(9, r.n);
    CHECK_FALSE(r.flags & MSG_CTRUNC);
    LONGS_EQUAL(4, r.cmsgs.size());
    LONGS_EQUAL(SOL_SOCKET, r.cmsgs[0].level);
    LONGS_EQUAL(SCM_TIMESTAMPNS, r.cmsgs[0].type);
    LONGS_EQUAL(sizeof(uapi::timespec), r.cmsgs[0].data.size());
    LONGS_EQUAL(SOL_IP, r.cmsgs[1].level);
    LONGS_EQUAL(IP_PKTINFO, r.cmsgs[1].type);
    in_pktinfo info;
    memcpy(&info, r.cmsgs[1].data.data(), sizeof info);
    LONGS_EQUAL(eth->ifindex, info.ipi_ifindex);
    LONGS_EQUAL(our_ip, info.ipi_addr.s_addr);
    LONGS_EQUAL(our_ip, info.ipi_spec_dst.s_addr);
    LONGS_EQUAL(IP_TTL, r.cmsgs[2].type);
    int ttl;
    memcpy(&ttl, r.cmsgs[2].data.data(), sizeof ttl);
    LONGS_EQUAL(33, ttl);
    LONGS_EQUAL(IP_TOS, r.cmsgs[3].type);
    LONGS_EQUAL(1, r.cmsgs[3].data.size());
    LONGS_EQUAL(0x10, r.cmsgs[3].data[0]);
    // A broadcast: the reply's source is our address, not the broadcast.
    int b = udp_socket();
    LONGS_EQUAL(0, sys_setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof one));   // timeval now
    receive_udp(eth, udp_datagram(1, 5000, pattern(3), csum::good, -1, peer_ip, subnet_bcast), peer_ip, subnet_bcast);
    r = recv_with_control(fd, 256);
    LONGS_EQUAL(3, r.n);
    LONGS_EQUAL(SCM_TIMESTAMP, r.cmsgs[0].type);
    LONGS_EQUAL(sizeof(uapi::timeval), r.cmsgs[0].data.size());
    memcpy(&info, r.cmsgs[1].data.data(), sizeof info);
    LONGS_EQUAL(subnet_bcast, info.ipi_addr.s_addr);
    LONGS_EQUAL(our_ip, info.ipi_spec_dst.s_addr);
    // Too little room: MSG_CTRUNC, and what fitted.
    receive_udp(eth, udp_datagram(1, 5000, pattern(3)));
    r = recv_with_control(fd, CMSG_SPACE(sizeof(uapi::timeval)) + sizeof(cmsghdr) + 4);
    LONGS_EQUAL(3, r.n);
    CHECK_TRUE(r.flags & MSG_CTRUNC);
    LONGS_EQUAL(2, r.cmsgs.size());
    LONGS_EQUAL(IP_PKTINFO, r.cmsgs[1].type);
    LONGS_EQUAL(4, r.cmsgs[1].data.size());   // the index only
    sys_close(b);
    sys_close(fd);
}

TEST(udp, datagrams_for_an_owned_socket_wait_on_its_backlog) {
    int fd = udp_socket();
    LONGS_EQUAL(0, bind_to(fd, 0, 5000));
    struct sock* sk = udp4_lib_lookup(peer_ip, htons(1), our_ip, htons(5000), eth->ifindex);
    CHECK_TRUE(sk != nullptr);
    lock_sock(sk);
    CHECK_TRUE(sock_owned_by_user(sk));
    for (int i = 0; i < 3; ++i) {
        receive_udp(eth, udp_datagram(1, 5000, pattern(10 + i)));
    }
    LONGS_EQUAL(-EAGAIN, recv_udp(fd).n);   // on the backlog, not the queue
    LONGS_EQUAL(3, skb_queue_len(&sk->sk_backlog));
    release_sock(sk);
    CHECK_FALSE(sock_owned_by_user(sk));
    for (int i = 0; i < 3; ++i) {
        LONGS_EQUAL(10 + i, recv_udp(fd).n);   // in the order they came
    }
    // The backlog is bounded by the receive buffer: the rest is dropped and counted.
    int small = 1;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small));
    lock_sock(sk);
    for (int i = 0; i < 10; ++i) {
        receive_udp(eth, udp_datagram(1, 5000, pattern(1000)));
    }
    unsigned queued = skb_queue_len(&sk->sk_backlog);
    CHECK_TRUE(queued >= 1 && queued < 10);
    LONGS_EQUAL(10 - queued, udpstat(UDP_MIB_RCVBUFERRORS));
    release_sock(sk);
    sys_close(fd);
}

// The connected socket's kept route (sk_dst_cache): used while valid,
// looked up again when routes or the device change, lowered by ICMP
// fragmentation needed (RFC 1191).

TEST(udp, connected_socket_keeps_its_route_until_something_changes) {
    e.ip.know(gw_ip, gw_mac);
    int fd = udp_socket();
    LONGS_EQUAL(0, connect_to(fd, peer_ip, 9));
    struct sock* sk = udp4_lib_lookup(peer_ip, htons(9), our_ip, name_of(fd).sin_port, eth->ifindex);
    CHECK_TRUE(sk != nullptr);
    CHECK_TRUE(inet_sk(sk)->sk_dst_cache != nullptr);
    LONGS_EQUAL(1, sys_sendto(fd, "a", 1, 0, nullptr, 0));
    auto sent = only(eth, ETH_P_IP);
    CHECK_TRUE(memcmp(sent[0].dst(), peer_mac, ETH_ALEN) == 0);
    // A host route through the gateway: the kept route is stale, the next
    // send goes the new way.
    fib_config host;
    host.dst = peer_ip;
    host.prefixlen = 32;
    host.gw = gw_ip;
    LONGS_EQUAL(0, fib_add_route(host));
    CHECK_FALSE(dst_valid(inet_sk(sk)->sk_dst_cache));
    LONGS_EQUAL(1, sys_sendto(fd, "b", 1, 0, nullptr, 0));
    sent = only(eth, ETH_P_IP);
    CHECK_TRUE(memcmp(sent[0].dst(), gw_mac, ETH_ALEN) == 0);
    CHECK_TRUE(dst_valid(inet_sk(sk)->sk_dst_cache));
    // The gateway says the path takes 1000 octets: IP_MTU tells, DF sends
    // over it are EMSGSIZE, others are cut at it.
    LONGS_EQUAL(1500, getint(fd, SOL_IP, IP_MTU));
    LONGS_EQUAL(1200, send_to(fd, pattern(1200), peer_ip, 9));
    sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    bytes quoted(sent[0].l3(), sent[0].l3() + 28);
    ip_spec s;
    s.protocol = IPPROTO_ICMP;
    s.saddr = gw_ip;
    receive_ip(eth, ip_packet(s, icmp_message(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1000, quoted)), our_mac, gw_mac);
    LONGS_EQUAL(-EMSGSIZE, recv_udp(fd).n);   // the hard error, once (DF was set: IP_PMTUDISC_WANT)
    LONGS_EQUAL(1000, getint(fd, SOL_IP, IP_MTU));
    LONGS_EQUAL(1200, sys_sendto(fd, pattern(1200).data(), 1200, 0, nullptr, 0));
    sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(2, sent.size());
    CHECK_TRUE(ntohs(sent[0].ip()->tot_len) <= 1000);
    int pmtu = IP_PMTUDISC_DO;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu));
    LONGS_EQUAL(-EMSGSIZE, sys_sendto(fd, pattern(1200).data(), 1200, 0, nullptr, 0));
    // A smaller device MTU makes the kept route stale too.
    {
        rtnl_guard rtnl;   // a configuration change
        LONGS_EQUAL(0, dev_set_mtu(eth, 900));
    }
    LONGS_EQUAL(900, getint(fd, SOL_IP, IP_MTU));
    // Disconnecting drops it.
    sockaddr unspec{};
    unspec.sa_family = AF_UNSPEC;
    LONGS_EQUAL(0, sys_connect(fd, &unspec, sizeof unspec));
    CHECK_TRUE(inet_sk(sk)->sk_dst_cache == nullptr);
    sys_close(fd);
    take_sent(eth);
}

// IP_RECVERR's error queue (Linux's ip_icmp_error/ip_recv_error): each
// ICMP error about a datagram the socket sent is kept, with the quoted
// payload, the destination it was sent to and who reported it.
TEST(udp, recverr_queues_each_icmp_error_for_msg_errqueue) {
    int fd = udp_socket();
    int one = 1;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_IP, IP_RECVERR, &one, sizeof one));
    LONGS_EQUAL(-EAGAIN, recv_with_control(fd, 256, MSG_DONTWAIT | MSG_ERRQUEUE).n);   // nothing yet
    LONGS_EQUAL(6, send_to(fd, pattern(6, 7), peer_ip, 9));
    auto sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    bytes quoted(sent[0].l3(), sent[0].l3() + 20 + 8 + 6);   // header, UDP header, all 6 octets
    ip_spec s;
    s.protocol = IPPROTO_ICMP;
    s.saddr = ipv4_addr(10, 0, 2, 1);                        // a router, not the peer
    receive_ip(eth, ip_packet(s, icmp_message(ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0, quoted)));
    receive_ip(eth, ip_packet(s, icmp_message(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, quoted)));
    LONGS_EQUAL(ECONNREFUSED, getint(fd, SOL_SOCKET, SO_ERROR));   // the last one, and cleared
    uapi::pollfd p{fd, uapi::pollin, 0};
    LONGS_EQUAL(1, sys_poll(&p, 1, 0));
    CHECK_TRUE(p.revents & uapi::pollerr);                   // the queue is not empty
    for (int code : {ICMP_HOST_UNREACH, ICMP_PORT_UNREACH}) {
        sockaddr_in to{};
        bytes data;
        recvmsg_result r = recv_with_control(fd, 256, MSG_DONTWAIT | MSG_ERRQUEUE, &to, &data);
        LONGS_EQUAL(6, r.n);
        CHECK_TRUE(data == pattern(6, 7));
        CHECK_TRUE(r.flags & MSG_ERRQUEUE);
        LONGS_EQUAL(peer_ip, to.sin_addr.s_addr);
        LONGS_EQUAL(htons(9), to.sin_port);
        LONGS_EQUAL(1, r.cmsgs.size());
        LONGS_EQUAL(SOL_IP, r.cmsgs[0].level);
        LONGS_EQUAL(IP_RECVERR, r.cmsgs[0].type);
        LONGS_EQUAL(sizeof(sock_extended_err) + sizeof(sockaddr_in), r.cmsgs[0].data.size());
        sock_extended_err ee;
        memcpy(&ee, r.cmsgs[0].data.data(), sizeof ee);
        LONGS_EQUAL(code == ICMP_PORT_UNREACH ? ECONNREFUSED : EHOSTUNREACH, ee.ee_errno);
        LONGS_EQUAL(SO_EE_ORIGIN_ICMP, ee.ee_origin);
        LONGS_EQUAL(ICMP_DEST_UNREACH, ee.ee_type);
        LONGS_EQUAL(code, ee.ee_code);
        sockaddr_in offender;
        memcpy(&offender, r.cmsgs[0].data.data() + sizeof ee, sizeof offender);
        LONGS_EQUAL(AF_INET, offender.sin_family);
        LONGS_EQUAL(ipv4_addr(10, 0, 2, 1), offender.sin_addr.s_addr);
    }
    LONGS_EQUAL(0, getint(fd, SOL_SOCKET, SO_ERROR));        // the queue took the last with it
    LONGS_EQUAL(-EAGAIN, recv_with_control(fd, 256, MSG_DONTWAIT | MSG_ERRQUEUE).n);
    p.revents = 0;
    LONGS_EQUAL(0, sys_poll(&p, 1, 0));
    // A short buffer truncates the payload.
    receive_ip(eth, ip_packet(s, icmp_message(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, quoted)));
    bytes data;
    recvmsg_result r = recv_with_control(fd, 256, MSG_DONTWAIT | MSG_ERRQUEUE, nullptr, &data, 4);
    LONGS_EQUAL(4, r.n);
    CHECK_TRUE(r.flags & MSG_TRUNC);
    // Without IP_RECVERR nothing is queued.
    int plain = udp_socket();
    LONGS_EQUAL(6, send_to(plain, pattern(6, 7), peer_ip, 9));
    sent = only(eth, ETH_P_IP);
    quoted.assign(sent[0].l3(), sent[0].l3() + 34);
    receive_ip(eth, ip_packet(s, icmp_message(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, quoted)));
    LONGS_EQUAL(-EAGAIN, recv_with_control(plain, 256, MSG_DONTWAIT | MSG_ERRQUEUE).n);
    // Errors still queued are freed with the socket.
    receive_ip(eth, ip_packet(s, icmp_message(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, quoted)));
    sys_close(plain);
    sys_close(fd);
}

TEST(udp, recverr_queue_is_bounded_by_the_receive_buffer) {
    int fd = udp_socket();
    int one = 1, small = 2048;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_IP, IP_RECVERR, &one, sizeof one));
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small));
    LONGS_EQUAL(6, send_to(fd, pattern(6, 7), peer_ip, 9));
    auto sent = only(eth, ETH_P_IP);
    bytes quoted(sent[0].l3(), sent[0].l3() + 34);
    ip_spec s;
    s.protocol = IPPROTO_ICMP;
    for (int i = 0; i < 200; ++i) {
        receive_ip(eth, ip_packet(s, icmp_message(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, quoted)));
    }
    int queued = 0;
    while (queued < 300 && recv_with_control(fd, 256, MSG_DONTWAIT | MSG_ERRQUEUE).n == 6) {
        ++queued;
    }
    CHECK_TRUE(queued > 0);
    CHECK_TRUE(queued < 200);
    LONGS_EQUAL(-EAGAIN, recv_with_control(fd, 256, MSG_DONTWAIT | MSG_ERRQUEUE).n);
    sys_close(fd);
}

// A datagram bigger than the path with DF set (IP_PMTUDISC_DO): EMSGSIZE
// from send and, with IP_RECVERR, a local error naming the MTU.
TEST(udp, recverr_local_error_for_a_datagram_past_the_mtu) {
    int fd = udp_socket();
    int one = 1, pmtu_do = IP_PMTUDISC_DO;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_IP, IP_RECVERR, &one, sizeof one));
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_IP, IP_MTU_DISCOVER, &pmtu_do, sizeof pmtu_do));
    LONGS_EQUAL(-EMSGSIZE, send_to(fd, pattern(2000), peer_ip, 4000));
    sockaddr_in to{};
    recvmsg_result r = recv_with_control(fd, 256, MSG_DONTWAIT | MSG_ERRQUEUE, &to);
    LONGS_EQUAL(0, r.n);
    LONGS_EQUAL(peer_ip, to.sin_addr.s_addr);
    LONGS_EQUAL(htons(4000), to.sin_port);
    LONGS_EQUAL(1, r.cmsgs.size());
    sock_extended_err ee;
    memcpy(&ee, r.cmsgs[0].data.data(), sizeof ee);
    LONGS_EQUAL(EMSGSIZE, ee.ee_errno);
    LONGS_EQUAL(SO_EE_ORIGIN_LOCAL, ee.ee_origin);
    LONGS_EQUAL(1500, ee.ee_info);
    sys_close(fd);
}
