// host-only: raw IPv4 sockets (net/ipv4/raw.cpp, af_inet.cpp) on the fake
// eth0 of ipv4_test_util: delivery of every datagram of the protocol with
// its IP header, ICMP_FILTER, the header built on send (and IP_HDRINCL's
// own), addresses and errors, a ping through the loopback device, and the
// IPv4 interface ioctls on an inet socket.
#include <CppUTest/TestHarness.h>

#include <string.h>

#include "kernel/syscalls.h"
#include "kernel/uapi/errno.h"
#include "tests/unit/socket_test_util.h"

using namespace socket_test;
using namespace ipv4_test;

namespace {

int raw_socket(int protocol) {
    long fd = sys_socket(AF_INET, SOCK_RAW, protocol);
    CHECK_TRUE(fd >= 0);
    return static_cast<int>(fd);
}

struct rx {
    long n;
    bytes data;
    sockaddr_in from;
    int fromlen;
};

rx recv_in(int fd, size_t size = 2048, unsigned flags = MSG_DONTWAIT) {
    rx r{};
    r.data.resize(size);
    r.fromlen = sizeof r.from;
    r.n = sys_recvfrom(fd, r.data.data(), size, flags, reinterpret_cast<sockaddr*>(&r.from), &r.fromlen);
    if (r.n >= 0 && static_cast<size_t>(r.n) <= size) {
        r.data.resize(static_cast<size_t>(r.n));
    }
    return r;
}

long send_in(int fd, const bytes& data, __be32 to) {
    sockaddr_in sin = sin_of(to);
    return sys_sendto(fd, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&sin), sizeof sin);
}

}  // namespace

TEST_GROUP(raw) {
    socket_test::env e;
    net_device* eth = nullptr;
    void setup() override {
        e.setup();
        eth = e.ip.eth;
        e.ip.know(peer_ip, peer_mac);
    }
    void teardown() override { e.teardown(); }
};

TEST(raw, icmp_socket_gets_each_icmp_datagram_with_its_ip_header) {
    int fd = raw_socket(IPPROTO_ICMP);
    bytes reply = icmp_message(ICMP_ECHOREPLY, 0, 0x12340001, pattern(56));
    bytes packet = ip_packet(ip_spec{}, reply);
    receive_ip(eth, packet);
    rx r = recv_in(fd);
    LONGS_EQUAL(static_cast<long>(packet.size()), r.n);
    CHECK_TRUE(r.data == packet);
    LONGS_EQUAL(AF_INET, r.from.sin_family);
    LONGS_EQUAL(peer_ip, r.from.sin_addr.s_addr);
    LONGS_EQUAL(sizeof(sockaddr_in), r.fromlen);
    // An echo request: the socket sees it, and the kernel still answers.
    receive_ip(eth, ip_packet(ip_spec{}, echo_request(7, 1, pattern(8))));
    r = recv_in(fd);
    LONGS_EQUAL(ICMP_ECHO, r.data[20]);
    auto sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    LONGS_EQUAL(ICMP_ECHOREPLY, sent[0].icmp()->type);
    // Other protocols do not reach it.
    ip_spec udp;
    udp.protocol = IPPROTO_UDP;
    receive_ip(eth, ip_packet(udp, pattern(16)));
    LONGS_EQUAL(-EAGAIN, recv_in(fd).n);
    take_sent(eth);   // the port unreachable for that UDP datagram
    sys_close(fd);
}

TEST(raw, any_protocol_and_no_unreachable_when_a_socket_takes_it) {
    int fd = raw_socket(TEST_PROTO + 1);
    ip_spec s;
    s.protocol = TEST_PROTO + 1;
    bytes p = ip_packet(s, pattern(40));
    unsigned long unknown = ipstat(IPSTATS_MIB_INUNKNOWNPROTOS);
    receive_ip(eth, p);
    rx r = recv_in(fd);
    CHECK_TRUE(r.data == p);
    LONGS_EQUAL(unknown, ipstat(IPSTATS_MIB_INUNKNOWNPROTOS));
    LONGS_EQUAL(0, only(eth, ETH_P_IP).size());   // no protocol unreachable
    sys_close(fd);
    receive_ip(eth, p);
    LONGS_EQUAL(unknown + 1, ipstat(IPSTATS_MIB_INUNKNOWNPROTOS));
    LONGS_EQUAL(1, only(eth, ETH_P_IP).size());
}

TEST(raw, icmp_filter_drops_the_types_it_names) {
    int fd = raw_socket(IPPROTO_ICMP);
    icmp_filter f{1u << ICMP_ECHO};
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_RAW, ICMP_FILTER, &f, sizeof f));
    icmp_filter g{};
    int len = sizeof g;
    LONGS_EQUAL(0, sys_getsockopt(fd, SOL_RAW, ICMP_FILTER, &g, &len));
    LONGS_EQUAL(f.data, g.data);
    receive_ip(eth, ip_packet(ip_spec{}, echo_request(7, 1, pattern(8))));
    receive_ip(eth, ip_packet(ip_spec{}, icmp_message(ICMP_ECHOREPLY, 0, 0x00070001, pattern(8))));
    rx r = recv_in(fd);
    LONGS_EQUAL(ICMP_ECHOREPLY, r.data[20]);
    LONGS_EQUAL(-EAGAIN, recv_in(fd).n);
    take_sent(eth);
    int other = raw_socket(IPPROTO_UDP);
    LONGS_EQUAL(-EOPNOTSUPP, sys_setsockopt(other, SOL_RAW, ICMP_FILTER, &f, sizeof f));
    LONGS_EQUAL(-ENOPROTOOPT, sys_setsockopt(fd, SOL_RAW, 2, &f, sizeof f));
    sys_close(other);
    sys_close(fd);
}

TEST(raw, send_builds_the_ip_header) {
    int fd = raw_socket(IPPROTO_ICMP);
    bytes req = echo_request(0x4242, 3, pattern(56));
    LONGS_EQUAL(64, send_in(fd, req, peer_ip));
    auto sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    const iphdr* iph = sent[0].ip();
    LONGS_EQUAL(4, iph->version());
    LONGS_EQUAL(5, iph->ihl());
    LONGS_EQUAL(84, ntohs(iph->tot_len));
    LONGS_EQUAL(IPDEFTTL, iph->ttl);
    LONGS_EQUAL(IPPROTO_ICMP, iph->protocol);
    LONGS_EQUAL(our_ip, iph->saddr);
    LONGS_EQUAL(peer_ip, iph->daddr);
    LONGS_EQUAL(IP_DF, ntohs(iph->frag_off));   // fits the path: DF, as Linux's IP_PMTUDISC_WANT
    CHECK_TRUE(csum_ok(iph, 20));
    CHECK_TRUE(bytes(sent[0].ip_payload(), sent[0].ip_payload() + 64) == req);
    MEMCMP_EQUAL(peer_mac, sent[0].dst(), ETH_ALEN);
    // TTL and TOS from the socket.
    int ttl = 3, tos = 0x10;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_IP, IP_TTL, &ttl, sizeof ttl));
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_IP, IP_TOS, &tos, sizeof tos));
    LONGS_EQUAL(3, getint(fd, SOL_IP, IP_TTL));
    send_in(fd, req, peer_ip);
    sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(3, sent[0].ip()->ttl);
    LONGS_EQUAL(0x10, sent[0].ip()->tos);
    ttl = 0;
    LONGS_EQUAL(-EINVAL, sys_setsockopt(fd, SOL_IP, IP_TTL, &ttl, sizeof ttl));
    sys_close(fd);
}

TEST(raw, large_datagrams_fragment_unless_pmtudisc_do) {
    int fd = raw_socket(IPPROTO_ICMP);
    bytes req = echo_request(1, 1, pattern(3000));
    LONGS_EQUAL(3008, send_in(fd, req, peer_ip));
    auto sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(3, sent.size());
    CHECK_TRUE(ntohs(sent[0].ip()->frag_off) & IP_MF);
    CHECK_FALSE(ntohs(sent[0].ip()->frag_off) & IP_DF);
    int pmtu = IP_PMTUDISC_DO;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu));
    LONGS_EQUAL(-EMSGSIZE, send_in(fd, req, peer_ip));
    LONGS_EQUAL(0, only(eth, ETH_P_IP).size());
    LONGS_EQUAL(-EMSGSIZE, send_in(fd, bytes(0x10000), peer_ip));
    sys_close(fd);
}

TEST(raw, ipproto_raw_sends_the_callers_header) {
    int fd = raw_socket(IPPROTO_RAW);
    LONGS_EQUAL(1, getint(fd, SOL_IP, IP_HDRINCL));
    ip_spec s;
    s.saddr = 0;          // filled in
    s.daddr = peer_ip;
    s.id = 0;             // filled in
    s.protocol = IPPROTO_ICMP;
    s.tot_len = 9999;     // always corrected
    s.bad_csum = true;    // always recomputed
    bytes p = ip_packet(s, echo_request(9, 9, pattern(20)));
    LONGS_EQUAL(static_cast<long>(p.size()), send_in(fd, p, peer_ip));
    auto sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    const iphdr* iph = sent[0].ip();
    LONGS_EQUAL(our_ip, iph->saddr);
    CHECK_TRUE(iph->id != 0);
    LONGS_EQUAL(p.size(), ntohs(iph->tot_len));
    CHECK_TRUE(csum_ok(iph, 20));
    LONGS_EQUAL(-EINVAL, send_in(fd, bytes(19), peer_ip));
    bytes big = ip_packet(s, bytes(eth->mtu));   // over the MTU: no fragmenting the caller's header
    LONGS_EQUAL(-EMSGSIZE, send_in(fd, big, peer_ip));
    // IP_HDRINCL on an ICMP socket does the same.
    int icmp = raw_socket(IPPROTO_ICMP);
    int one = 1;
    LONGS_EQUAL(0, sys_setsockopt(icmp, SOL_IP, IP_HDRINCL, &one, sizeof one));
    LONGS_EQUAL(static_cast<long>(p.size()), send_in(icmp, p, peer_ip));
    LONGS_EQUAL(1, only(eth, ETH_P_IP).size());
    sys_close(icmp);
    sys_close(fd);
}

TEST(raw, address_checks) {
    int fd = raw_socket(IPPROTO_ICMP);
    bytes req = echo_request(1, 1, pattern(8));
    sockaddr_in sin = sin_of(peer_ip);
    LONGS_EQUAL(-EINVAL, sys_sendto(fd, req.data(), req.size(), 0, reinterpret_cast<sockaddr*>(&sin), sizeof sin - 1));
    sin.sin_family = AF_INET6;
    LONGS_EQUAL(-EAFNOSUPPORT, sys_sendto(fd, req.data(), req.size(), 0, reinterpret_cast<sockaddr*>(&sin), sizeof sin));
    LONGS_EQUAL(-EDESTADDRREQ, sys_sendto(fd, req.data(), req.size(), 0, nullptr, 0));
    LONGS_EQUAL(-EACCES, send_in(fd, req, subnet_bcast));   // SO_BROADCAST not set
    int one = 1;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one));
    LONGS_EQUAL(static_cast<long>(req.size()), send_in(fd, req, subnet_bcast));
    take_sent(eth);
    // bind: an address of ours, any, or not ours.
    sockaddr_in b = sin_of(peer_ip);
    LONGS_EQUAL(-EADDRNOTAVAIL, sys_bind(fd, reinterpret_cast<sockaddr*>(&b), sizeof b));
    LONGS_EQUAL(-EINVAL, sys_bind(fd, reinterpret_cast<sockaddr*>(&b), sizeof b - 1));
    b = sin_of(our_ip);
    LONGS_EQUAL(0, sys_bind(fd, reinterpret_cast<sockaddr*>(&b), sizeof b));
    sockaddr_in name{};
    int len = sizeof name;
    LONGS_EQUAL(0, sys_getsockname(fd, reinterpret_cast<sockaddr*>(&name), &len));
    LONGS_EQUAL(sizeof name, len);
    LONGS_EQUAL(our_ip, name.sin_addr.s_addr);
    LONGS_EQUAL(htons(IPPROTO_ICMP), name.sin_port);   // a raw socket's "port" is its protocol
    LONGS_EQUAL(-ENOTCONN, sys_getpeername(fd, reinterpret_cast<sockaddr*>(&name), &len));
    sys_close(fd);
}

TEST(raw, connect_filters_and_addresses_sends) {
    int fd = raw_socket(IPPROTO_ICMP);
    sockaddr_in peer = sin_of(peer_ip);
    LONGS_EQUAL(-EINVAL, sys_connect(fd, reinterpret_cast<sockaddr*>(&peer), sizeof peer - 1));
    peer.sin_family = AF_INET6;
    LONGS_EQUAL(-EAFNOSUPPORT, sys_connect(fd, reinterpret_cast<sockaddr*>(&peer), sizeof peer));
    peer.sin_family = AF_INET;
    LONGS_EQUAL(0, sys_connect(fd, reinterpret_cast<sockaddr*>(&peer), sizeof peer));
    bytes req = echo_request(1, 1, pattern(8));
    LONGS_EQUAL(16, sys_send(fd, req.data(), req.size(), 0));
    LONGS_EQUAL(1, only(eth, ETH_P_IP).size());
    // From someone else: filtered out.
    ip_spec other;
    other.saddr = gw_ip;
    receive_ip(eth, ip_packet(other, icmp_message(ICMP_ECHOREPLY, 0, 1, pattern(8))));
    LONGS_EQUAL(-EAGAIN, recv_in(fd).n);
    receive_ip(eth, ip_packet(ip_spec{}, icmp_message(ICMP_ECHOREPLY, 0, 1, pattern(8))));
    LONGS_EQUAL(36, recv_in(fd).n);
    // AF_UNSPEC disconnects.
    sockaddr unspec{};
    LONGS_EQUAL(0, sys_connect(fd, &unspec, sizeof unspec));
    LONGS_EQUAL(-EDESTADDRREQ, sys_send(fd, req.data(), req.size(), 0));
    take_sent(eth);
    sys_close(fd);
}

TEST(raw, icmp_errors_reach_connected_sockets_as_so_error) {
    int fd = raw_socket(IPPROTO_UDP);
    sockaddr_in peer = sin_of(peer_ip);
    LONGS_EQUAL(0, sys_connect(fd, reinterpret_cast<sockaddr*>(&peer), sizeof peer));
    ip_spec ours;
    ours.saddr = our_ip;
    ours.daddr = peer_ip;
    ours.protocol = IPPROTO_UDP;
    bytes inner = ip_packet(ours, pattern(8));
    receive_ip(eth, ip_packet(ip_spec{}, icmp_message(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, inner)));
    LONGS_EQUAL(ECONNREFUSED, getint(fd, SOL_SOCKET, SO_ERROR));
    // Soft errors only with IP_RECVERR.
    receive_ip(eth, ip_packet(ip_spec{}, icmp_message(ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0, inner)));
    LONGS_EQUAL(0, getint(fd, SOL_SOCKET, SO_ERROR));
    int one = 1;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_IP, IP_RECVERR, &one, sizeof one));
    receive_ip(eth, ip_packet(ip_spec{}, icmp_message(ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0, inner)));
    char buf[8];
    LONGS_EQUAL(-EHOSTUNREACH, sys_recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, nullptr, nullptr));
    sys_close(fd);
}

TEST(raw, ping_through_loopback) {
    int fd = raw_socket(IPPROTO_ICMP);
    bytes req = echo_request(0x77, 1, pattern(56));
    LONGS_EQUAL(64, send_in(fd, req, htonl(INADDR_LOOPBACK)));
    settle();
    rx first = recv_in(fd);
    rx second = recv_in(fd);
    LONGS_EQUAL(84, first.n);   // our own request, seen as any raw ICMP socket would
    LONGS_EQUAL(ICMP_ECHO, first.data[20]);
    LONGS_EQUAL(84, second.n);
    LONGS_EQUAL(ICMP_ECHOREPLY, second.data[20]);
    LONGS_EQUAL(htonl(INADDR_LOOPBACK), second.from.sin_addr.s_addr);
    CHECK_TRUE(memcmp(second.data.data() + 24, req.data() + 4, 60) == 0);   // id, seq, data echoed
    sys_close(fd);
}

TEST(raw, a_full_receive_buffer_drops) {
    int fd = raw_socket(IPPROTO_ICMP);
    int small = 1;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small));
    for (int i = 0; i < 10; ++i) {
        receive_ip(eth, ip_packet(ip_spec{}, icmp_message(ICMP_ECHOREPLY, 0, static_cast<uint32_t>(i), pattern(1000))));
    }
    int got = 0;
    while (recv_in(fd).n > 0) {
        ++got;
    }
    CHECK_TRUE(got >= 1 && got < 10);
    sys_close(fd);
}

TEST(raw, interface_ioctls_on_an_inet_socket) {
    int fd = raw_socket(IPPROTO_ICMP);
    ifreq ifr{};
    strcpy(ifr.ifr_name, eth->name);
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCGIFADDR, reinterpret_cast<unsigned long>(&ifr)));
    auto* sin = reinterpret_cast<sockaddr_in*>(&ifr.ifr_addr);
    LONGS_EQUAL(AF_INET, sin->sin_family);
    LONGS_EQUAL(our_ip, sin->sin_addr.s_addr);
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCGIFNETMASK, reinterpret_cast<unsigned long>(&ifr)));
    LONGS_EQUAL(inet_make_mask(24), sin->sin_addr.s_addr);
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCGIFINDEX, reinterpret_cast<unsigned long>(&ifr)));
    LONGS_EQUAL(eth->ifindex, ifr.ifr_ifindex);
    memset(ifr.ifr_name, 0, sizeof ifr.ifr_name);
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCGIFNAME, reinterpret_cast<unsigned long>(&ifr)));
    STRCMP_EQUAL(eth->name, ifr.ifr_name);
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCGIFHWADDR, reinterpret_cast<unsigned long>(&ifr)));
    LONGS_EQUAL(ARPHRD_ETHER, ifr.ifr_hwaddr.sa_family);
    MEMCMP_EQUAL(our_mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCGIFMTU, reinterpret_cast<unsigned long>(&ifr)));
    LONGS_EQUAL(1500, ifr.ifr_mtu);
    strcpy(ifr.ifr_name, "nosuch0");
    LONGS_EQUAL(-ENODEV, sys_ioctl(fd, SIOCGIFFLAGS, reinterpret_cast<unsigned long>(&ifr)));
    ifr.ifr_ifindex = 99;
    LONGS_EQUAL(-ENODEV, sys_ioctl(fd, SIOCGIFNAME, reinterpret_cast<unsigned long>(&ifr)));
    LONGS_EQUAL(-EFAULT, sys_ioctl(fd, SIOCGIFFLAGS, 0x10));
    LONGS_EQUAL(-ENOTTY, sys_ioctl(fd, 0x5401, reinterpret_cast<unsigned long>(&ifr)));
    // Setting an address needs CAP_NET_ADMIN, and AF_INET.
    strcpy(ifr.ifr_name, eth->name);
    *sin = sin_of(ipv4_addr(10, 0, 2, 99));
    set_privileged(false);
    LONGS_EQUAL(-EPERM, sys_ioctl(fd, SIOCSIFADDR, reinterpret_cast<unsigned long>(&ifr)));
    set_privileged(true);
    sin->sin_family = AF_PACKET;
    LONGS_EQUAL(-EINVAL, sys_ioctl(fd, SIOCSIFADDR, reinterpret_cast<unsigned long>(&ifr)));
    sin->sin_family = AF_INET;
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCSIFADDR, reinterpret_cast<unsigned long>(&ifr)));
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCGIFADDR, reinterpret_cast<unsigned long>(&ifr)));
    LONGS_EQUAL(ipv4_addr(10, 0, 2, 99), sin->sin_addr.s_addr);
    take_sent(eth);   // the gratuitous ARP
    // SIOCGIFCONF: an ifreq per IPv4 address; the length alone with no buffer.
    ifconf ifc{};
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCGIFCONF, reinterpret_cast<unsigned long>(&ifc)));
    LONGS_EQUAL(2 * sizeof(ifreq), ifc.ifc_len);   // lo 127.0.0.1 and eth0
    ifreq list[4];
    ifc.ifc_len = sizeof list;
    ifc.ifc_req = list;
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCGIFCONF, reinterpret_cast<unsigned long>(&ifc)));
    LONGS_EQUAL(2 * sizeof(ifreq), ifc.ifc_len);
    STRCMP_EQUAL("lo", list[0].ifr_name);
    STRCMP_EQUAL(eth->name, list[1].ifr_name);
    sys_close(fd);
}

TEST(raw, routes_and_arp_through_ioctls) {
    int fd = raw_socket(IPPROTO_ICMP);
    struct {
        uint32_t pad1;
        sockaddr dst, gw, mask;
        uint16_t flags;
        int16_t pad2;
        uint32_t pad3;
        void* pad4;
        int16_t metric;
        char* dev;
        uint32_t mtu, window;
        uint16_t irtt;
    } rt{};
    reinterpret_cast<sockaddr_in&>(rt.dst) = sin_of(ipv4_addr(192, 168, 7, 0));
    reinterpret_cast<sockaddr_in&>(rt.gw) = sin_of(peer_ip);
    reinterpret_cast<sockaddr_in&>(rt.mask) = sin_of(inet_make_mask(24));
    rt.flags = RTF_UP | RTF_GATEWAY;
    set_privileged(false);
    LONGS_EQUAL(-EPERM, sys_ioctl(fd, SIOCADDRT, reinterpret_cast<unsigned long>(&rt)));
    set_privileged(true);
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCADDRT, reinterpret_cast<unsigned long>(&rt)));
    bytes req = echo_request(1, 1, pattern(8));
    send_in(fd, req, ipv4_addr(192, 168, 7, 9));
    auto sent = only(eth, ETH_P_IP);
    LONGS_EQUAL(1, sent.size());
    MEMCMP_EQUAL(peer_mac, sent[0].dst(), ETH_ALEN);   // through the new gateway
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCDELRT, reinterpret_cast<unsigned long>(&rt)));
    // ARP: set a permanent entry, read it back, delete it.
    struct {
        sockaddr pa, ha;
        int flags;
        sockaddr netmask;
        char dev[16];
    } ar{};
    reinterpret_cast<sockaddr_in&>(ar.pa) = sin_of(ipv4_addr(10, 0, 2, 50));
    ar.ha.sa_family = ARPHRD_ETHER;
    memcpy(ar.ha.sa_data, gw_mac, ETH_ALEN);
    ar.flags = 0x04 | 0x02;   // ATF_PERM | ATF_COM
    strcpy(ar.dev, eth->name);
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCSARP, reinterpret_cast<unsigned long>(&ar)));
    memset(ar.ha.sa_data, 0, sizeof ar.ha.sa_data);
    ar.flags = 0;
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCGARP, reinterpret_cast<unsigned long>(&ar)));
    MEMCMP_EQUAL(gw_mac, ar.ha.sa_data, ETH_ALEN);
    LONGS_EQUAL(0x06, ar.flags);
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCDARP, reinterpret_cast<unsigned long>(&ar)));
    LONGS_EQUAL(-ENXIO, sys_ioctl(fd, SIOCGARP, reinterpret_cast<unsigned long>(&ar)));
    ar.pa.sa_family = AF_PACKET;
    LONGS_EQUAL(-EPFNOSUPPORT, sys_ioctl(fd, SIOCGARP, reinterpret_cast<unsigned long>(&ar)));
    sys_close(fd);
}
