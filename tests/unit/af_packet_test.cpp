// host-only: packet sockets (net/packet/af_packet.cpp) on the fake eth0 of
// ipv4_test_util: which frames each kind of socket sees (ETH_P_ALL taps
// incoming and outgoing, a protocol only its own, a bound device only its
// own), what recvfrom reports in sockaddr_ll, sending whole frames and
// payloads, the bounded receive queue and PACKET_STATISTICS, memberships,
// SOCK_PACKET, and the device going down and away.
#include <CppUTest/TestHarness.h>

#include <string.h>

#include <algorithm>

#include "kernel/syscalls.h"
#include "kernel/uapi/errno.h"
#include "net/ethernet/etherdevice.h"
#include "tests/unit/socket_test_util.h"
#include "net/core/rtnetlink.h"

using namespace socket_test;
using namespace ipv4_test;

namespace {

constexpr uint16_t ETH_P_TEST = 0x88b5;   // IEEE 802 local experimental

bytes frame_to_us(uint16_t type, unsigned payload, unsigned seed = 0) {
    return ether(our_mac, peer_mac, type, pattern(payload, seed));
}

sockaddr_ll ll_to(int ifindex, uint16_t protocol, const uint8_t* mac) {
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(protocol);
    sll.sll_ifindex = ifindex;
    sll.sll_halen = ETH_ALEN;
    memcpy(sll.sll_addr, mac, ETH_ALEN);
    return sll;
}

long send_ll(int fd, const bytes& data, const sockaddr_ll& to) {
    return sys_sendto(fd, data.data(), data.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
}

}  // namespace

TEST_GROUP(af_packet) {
    socket_test::env e;
    net_device* eth = nullptr;
    void setup() override {
        e.setup();
        eth = e.ip.eth;
    }
    void teardown() override { e.teardown(); }
};

TEST(af_packet, eth_p_all_sees_incoming_and_outgoing_frames) {
    int all = packet_socket(SOCK_RAW, ETH_P_ALL);
    receive_frame(eth, frame_to_us(ETH_P_TEST, 50));
    received r = recv_ll(all);
    LONGS_EQUAL(ETH_HLEN + 50, r.n);
    CHECK_TRUE(r.data == frame_to_us(ETH_P_TEST, 50));   // the whole frame, link header first
    LONGS_EQUAL(AF_PACKET, r.from.sll_family);
    LONGS_EQUAL(htons(ETH_P_TEST), r.from.sll_protocol);
    LONGS_EQUAL(eth->ifindex, r.from.sll_ifindex);
    LONGS_EQUAL(ARPHRD_ETHER, r.from.sll_hatype);
    LONGS_EQUAL(PACKET_HOST, r.from.sll_pkttype);
    LONGS_EQUAL(ETH_ALEN, r.from.sll_halen);
    MEMCMP_EQUAL(peer_mac, r.from.sll_addr, ETH_ALEN);
    LONGS_EQUAL(offsetof(sockaddr_ll, sll_addr) + ETH_ALEN, r.fromlen);   // 18, as Linux
    // Broadcast, multicast, someone else's: each says so.
    receive_frame(eth, ether(net_test::mac_bcast, peer_mac, ETH_P_TEST, pattern(46)));
    LONGS_EQUAL(PACKET_BROADCAST, recv_ll(all).from.sll_pkttype);
    receive_frame(eth, ether(net_test::mac_mcast, peer_mac, ETH_P_TEST, pattern(46)));
    LONGS_EQUAL(PACKET_MULTICAST, recv_ll(all).from.sll_pkttype);
    receive_frame(eth, ether(gw_mac, peer_mac, ETH_P_TEST, pattern(46)));
    LONGS_EQUAL(PACKET_OTHERHOST, recv_ll(all).from.sll_pkttype);
    // What another socket sends is seen as outgoing.
    int tx = packet_socket(SOCK_RAW, 0);
    bytes f = ether(peer_mac, our_mac, ETH_P_TEST, pattern(60));
    LONGS_EQUAL(static_cast<long>(f.size()), send_ll(tx, f, ll_to(eth->ifindex, ETH_P_TEST, peer_mac)));
    r = recv_ll(all);
    LONGS_EQUAL(PACKET_OUTGOING, r.from.sll_pkttype);
    CHECK_TRUE(r.data == f);
    LONGS_EQUAL(1, take_sent(eth).size());
    LONGS_EQUAL(-EAGAIN, recv_ll(all).n);
    sys_close(tx);
    sys_close(all);
}

TEST(af_packet, the_sender_does_not_see_its_own_frame) {
    int all = packet_socket(SOCK_RAW, ETH_P_ALL);
    bytes f = ether(peer_mac, our_mac, ETH_P_TEST, pattern(60));
    LONGS_EQUAL(static_cast<long>(f.size()), send_ll(all, f, ll_to(eth->ifindex, ETH_P_TEST, peer_mac)));
    LONGS_EQUAL(-EAGAIN, recv_ll(all).n);
    LONGS_EQUAL(1, take_sent(eth).size());
    sys_close(all);
}

TEST(af_packet, a_protocol_sees_only_its_type_and_a_device_only_its_own) {
    int arp = packet_socket(SOCK_RAW, ETH_P_ARP);
    int test_any = packet_socket(SOCK_RAW, ETH_P_TEST);
    int test_lo = packet_socket(SOCK_RAW, ETH_P_TEST, init_net.loopback_dev->ifindex);
    int test_eth = packet_socket(SOCK_RAW, ETH_P_TEST, eth->ifindex);
    receive_frame(eth, frame_to_us(ETH_P_TEST, 46));
    LONGS_EQUAL(-EAGAIN, recv_ll(arp).n);
    LONGS_EQUAL(ETH_HLEN + 46, recv_ll(test_any).n);
    LONGS_EQUAL(-EAGAIN, recv_ll(test_lo).n);
    LONGS_EQUAL(ETH_HLEN + 46, recv_ll(test_eth).n);
    // Rebinding to another protocol moves the hook.
    sockaddr_ll sll = ll_to(eth->ifindex, ETH_P_ARP, peer_mac);
    LONGS_EQUAL(0, sys_bind(test_eth, reinterpret_cast<sockaddr*>(&sll), sizeof sll));
    receive_frame(eth, frame_to_us(ETH_P_TEST, 46));
    LONGS_EQUAL(-EAGAIN, recv_ll(test_eth).n);
    LONGS_EQUAL(ETH_HLEN + 46, recv_ll(test_any).n);
    sockaddr_ll name{};
    int len = sizeof name;
    LONGS_EQUAL(0, sys_getsockname(test_eth, reinterpret_cast<sockaddr*>(&name), &len));
    LONGS_EQUAL(18, len);
    LONGS_EQUAL(eth->ifindex, name.sll_ifindex);
    LONGS_EQUAL(htons(ETH_P_ARP), name.sll_protocol);
    MEMCMP_EQUAL(our_mac, name.sll_addr, ETH_ALEN);
    for (int fd : {arp, test_any, test_lo, test_eth}) {
        sys_close(fd);
    }
}

TEST(af_packet, protocol_zero_sees_nothing_until_bound) {
    int fd = packet_socket(SOCK_RAW, 0);
    receive_frame(eth, frame_to_us(ETH_P_TEST, 46));
    LONGS_EQUAL(-EAGAIN, recv_ll(fd).n);
    sockaddr_ll sll = ll_to(0, ETH_P_TEST, peer_mac);
    LONGS_EQUAL(0, sys_bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll));
    receive_frame(eth, frame_to_us(ETH_P_TEST, 46));
    LONGS_EQUAL(ETH_HLEN + 46, recv_ll(fd).n);
    sys_close(fd);
}

TEST(af_packet, bind_errors) {
    int fd = packet_socket(SOCK_RAW, 0);
    sockaddr_ll sll = ll_to(eth->ifindex, ETH_P_TEST, peer_mac);
    LONGS_EQUAL(-EINVAL, sys_bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll - 1));
    sll.sll_family = AF_INET;
    LONGS_EQUAL(-EINVAL, sys_bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll));
    sll.sll_family = AF_PACKET;
    sll.sll_ifindex = 77;
    LONGS_EQUAL(-ENODEV, sys_bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll));
    sys_close(fd);
}

TEST(af_packet, dgram_sockets_see_payloads_and_send_with_a_built_header) {
    int fd = packet_socket(SOCK_DGRAM, ETH_P_TEST);
    receive_frame(eth, frame_to_us(ETH_P_TEST, 46, 5));
    received r = recv_ll(fd);
    LONGS_EQUAL(46, r.n);
    CHECK_TRUE(r.data == pattern(46, 5));
    MEMCMP_EQUAL(peer_mac, r.from.sll_addr, ETH_ALEN);
    LONGS_EQUAL(htons(ETH_P_TEST), r.from.sll_protocol);
    bytes payload = pattern(100, 9);
    LONGS_EQUAL(100, send_ll(fd, payload, ll_to(eth->ifindex, ETH_P_TEST, gw_mac)));
    auto sent = take_sent(eth);
    LONGS_EQUAL(1, sent.size());
    MEMCMP_EQUAL(gw_mac, sent[0].dst(), ETH_ALEN);
    MEMCMP_EQUAL(our_mac, sent[0].src(), ETH_ALEN);
    LONGS_EQUAL(ETH_P_TEST, sent[0].type());
    CHECK_TRUE(bytes(sent[0].l3(), sent[0].l3() + 100) == payload);
    // An ETH_P_ALL DGRAM socket sees outgoing frames from their network header.
    int all = packet_socket(SOCK_DGRAM, ETH_P_ALL);
    LONGS_EQUAL(100, send_ll(fd, payload, ll_to(eth->ifindex, ETH_P_TEST, gw_mac)));
    r = recv_ll(all);
    LONGS_EQUAL(100, r.n);
    CHECK_TRUE(r.data == payload);
    LONGS_EQUAL(PACKET_OUTGOING, r.from.sll_pkttype);
    take_sent(eth);
    sys_close(all);
    sys_close(fd);
}

TEST(af_packet, send_errors) {
    int fd = packet_socket(SOCK_RAW, ETH_P_TEST);
    bytes f = ether(peer_mac, our_mac, ETH_P_TEST, pattern(46));
    LONGS_EQUAL(-ENXIO, sys_sendto(fd, f.data(), f.size(), 0, nullptr, 0));   // no device
    sockaddr_ll to = ll_to(eth->ifindex, ETH_P_TEST, peer_mac);
    LONGS_EQUAL(-EINVAL, sys_sendto(fd, f.data(), f.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to - 1));
    LONGS_EQUAL(-EINVAL, sys_sendto(fd, f.data(), ETH_HLEN - 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to));
    bytes big(ETH_HLEN + eth->mtu + 1);
    LONGS_EQUAL(-EMSGSIZE, send_ll(fd, big, to));
    big.resize(ETH_HLEN + eth->mtu);
    LONGS_EQUAL(static_cast<long>(big.size()), send_ll(fd, big, to));
    to.sll_ifindex = 99;
    LONGS_EQUAL(-ENXIO, send_ll(fd, f, to));
    to.sll_ifindex = eth->ifindex;
    rtnl_guard rtnl;   // configuration changes below
    LONGS_EQUAL(0, dev_close(eth));
    LONGS_EQUAL(-ENETDOWN, send_ll(fd, f, to));
    LONGS_EQUAL(0, dev_open(eth));
    take_sent(eth);
    sys_close(fd);
}

TEST(af_packet, truncation_peek_and_inq) {
    int fd = packet_socket(SOCK_RAW, ETH_P_TEST);
    receive_frame(eth, frame_to_us(ETH_P_TEST, 100));
    int inq = -1;
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCINQ, reinterpret_cast<unsigned long>(&inq)));
    LONGS_EQUAL(ETH_HLEN + 100, inq);
    received r = recv_ll(fd, 10, MSG_DONTWAIT | MSG_PEEK);
    LONGS_EQUAL(10, r.n);
    r = recv_ll(fd, 10, MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC);
    LONGS_EQUAL(ETH_HLEN + 100, r.n);   // the real length
    // recvmsg says MSG_TRUNC in msg_flags and fills the address.
    char buf[20];
    sockaddr_ll from{};
    uapi::iovec iov{buf, sizeof buf};
    user_msghdr m{};
    m.msg_name = &from;
    m.msg_namelen = sizeof from;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_controllen = 99;
    LONGS_EQUAL(20, sys_recvmsg(fd, &m, MSG_DONTWAIT));
    CHECK_TRUE(m.msg_flags & MSG_TRUNC);
    LONGS_EQUAL(18, m.msg_namelen);
    LONGS_EQUAL(0, m.msg_controllen);
    MEMCMP_EQUAL(peer_mac, from.sll_addr, ETH_ALEN);
    LONGS_EQUAL(-EAGAIN, recv_ll(fd).n);   // it was taken
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCINQ, reinterpret_cast<unsigned long>(&inq)));
    LONGS_EQUAL(0, inq);
    LONGS_EQUAL(-EINVAL, recv_ll(fd, 64, MSG_DONTWAIT | MSG_WAITALL).n);   // not a packet socket flag
    sys_close(fd);
}

TEST(af_packet, a_full_queue_drops_and_statistics_count_and_reset) {
    int fd = packet_socket(SOCK_RAW, ETH_P_TEST);
    int small = 4096;   // doubled: 8192, a few frames' truesize
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small));
    for (unsigned i = 0; i < 20; ++i) {
        receive_frame(eth, frame_to_us(ETH_P_TEST, 1000, i));
    }
    tpacket_stats st = packet_stats(fd);
    LONGS_EQUAL(20, st.tp_packets);   // seen: queued and dropped
    CHECK_TRUE(st.tp_drops > 0);
    CHECK_TRUE(st.tp_drops < 20);
    unsigned queued = 0;
    for (received r = recv_ll(fd); r.n > 0; r = recv_ll(fd)) {
        ++queued;
    }
    LONGS_EQUAL(20 - st.tp_drops, queued);
    st = packet_stats(fd);   // reset by the read
    LONGS_EQUAL(0, st.tp_packets);
    LONGS_EQUAL(0, st.tp_drops);
    receive_frame(eth, frame_to_us(ETH_P_TEST, 46));
    st = packet_stats(fd);
    LONGS_EQUAL(1, st.tp_packets);
    LONGS_EQUAL(0, st.tp_drops);
    // A short buffer gets tp_packets only.
    unsigned one = 99;
    int len = sizeof one;
    LONGS_EQUAL(0, sys_getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &one, &len));
    LONGS_EQUAL(4, len);
    LONGS_EQUAL(0, one);
    LONGS_EQUAL(-ENOPROTOOPT, sys_getsockopt(fd, SOL_PACKET, 99, &one, &len));
    LONGS_EQUAL(-ENOPROTOOPT, sys_getsockopt(fd, SOL_IP, PACKET_STATISTICS, &one, &len));
    sys_close(fd);
}

TEST(af_packet, memberships_change_the_device_and_go_with_the_socket) {
    int fd = packet_socket(SOCK_RAW, ETH_P_ALL);
    packet_mreq mr{};
    mr.mr_ifindex = eth->ifindex;
    mr.mr_type = PACKET_MR_PROMISC;
    unsigned before = eth->promiscuity;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr));
    LONGS_EQUAL(before + 1, eth->promiscuity);
    CHECK_TRUE(dev_get_flags(eth) & IFF_PROMISC);
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr));
    LONGS_EQUAL(before + 1, eth->promiscuity);   // counted in the socket, once on the device
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_PACKET, PACKET_DROP_MEMBERSHIP, &mr, sizeof mr));
    LONGS_EQUAL(before + 1, eth->promiscuity);
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_PACKET, PACKET_DROP_MEMBERSHIP, &mr, sizeof mr));
    LONGS_EQUAL(before, eth->promiscuity);
    LONGS_EQUAL(-EADDRNOTAVAIL, sys_setsockopt(fd, SOL_PACKET, PACKET_DROP_MEMBERSHIP, &mr, sizeof mr));
    // Multicast: the address goes on the device's list.
    packet_mreq mc{};
    mc.mr_ifindex = eth->ifindex;
    mc.mr_type = PACKET_MR_MULTICAST;
    mc.mr_alen = ETH_ALEN;
    const uint8_t group[ETH_ALEN] = {0x01, 0x00, 0x5e, 0x01, 0x02, 0x03};
    memcpy(mc.mr_address, group, ETH_ALEN);
    int mc_before = netdev_mc_count(eth);
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mc, sizeof mc));
    LONGS_EQUAL(mc_before + 1, netdev_mc_count(eth));
    mr.mr_type = PACKET_MR_ALLMULTI;
    unsigned allmulti = eth->allmulti;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr));
    LONGS_EQUAL(allmulti + 1, eth->allmulti);
    mr.mr_type = PACKET_MR_PROMISC;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr));
    // Errors.
    packet_mreq bad = mc;
    bad.mr_ifindex = 99;
    LONGS_EQUAL(-ENODEV, sys_setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &bad, sizeof bad));
    bad = mc;
    bad.mr_alen = 7;
    LONGS_EQUAL(-EINVAL, sys_setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &bad, sizeof bad));
    bad.mr_alen = 5;
    LONGS_EQUAL(-EINVAL, sys_setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &bad, sizeof bad));
    LONGS_EQUAL(-EINVAL, sys_setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mc, sizeof mc - 1));
    LONGS_EQUAL(-ENOPROTOOPT, sys_setsockopt(fd, SOL_IP, PACKET_ADD_MEMBERSHIP, &mc, sizeof mc));
    // Closing gives everything back.
    sys_close(fd);
    LONGS_EQUAL(before, eth->promiscuity);
    LONGS_EQUAL(allmulti, eth->allmulti);
    LONGS_EQUAL(mc_before, netdev_mc_count(eth));
}

TEST(af_packet, promiscuous_via_ifreq_flags_needs_cap_net_admin) {
    int fd = packet_socket(SOCK_DGRAM, 0);
    ifreq ifr{};
    strcpy(ifr.ifr_name, eth->name);
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCGIFFLAGS, reinterpret_cast<unsigned long>(&ifr)));
    CHECK_TRUE(ifr.ifr_flags & IFF_UP);
    CHECK_FALSE(ifr.ifr_flags & IFF_PROMISC);
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_PROMISC);
    set_privileged(false);
    LONGS_EQUAL(-EPERM, sys_ioctl(fd, SIOCSIFFLAGS, reinterpret_cast<unsigned long>(&ifr)));
    set_privileged(true);
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCSIFFLAGS, reinterpret_cast<unsigned long>(&ifr)));
    CHECK_TRUE(dev_get_flags(eth) & IFF_PROMISC);
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags & ~IFF_PROMISC);
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCSIFFLAGS, reinterpret_cast<unsigned long>(&ifr)));
    CHECK_FALSE(dev_get_flags(eth) & IFF_PROMISC);
    sys_close(fd);
}

TEST(af_packet, sock_packet_binds_by_name_and_sends_by_name) {
    long fd = sys_socket(AF_PACKET, SOCK_PACKET, htons(ETH_P_ALL));
    CHECK_TRUE(fd >= 0);
    receive_frame(eth, frame_to_us(ETH_P_TEST, 46));
    char buf[128];
    sockaddr_pkt from{};
    int len = sizeof from;
    LONGS_EQUAL(ETH_HLEN + 46,
                sys_recvfrom(static_cast<int>(fd), buf, sizeof buf, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &len));
    LONGS_EQUAL(sizeof(sockaddr_pkt), len);
    STRCMP_EQUAL(eth->name, reinterpret_cast<const char*>(from.spkt_device));
    LONGS_EQUAL(htons(ETH_P_TEST), from.spkt_protocol);
    LONGS_EQUAL(ARPHRD_ETHER, from.spkt_family);
    // Bound to lo by name: eth0's frames no longer arrive.
    sockaddr name{};
    name.sa_family = AF_PACKET;
    strcpy(name.sa_data, "lo");
    LONGS_EQUAL(-EINVAL, sys_bind(static_cast<int>(fd), &name, sizeof name - 1));
    LONGS_EQUAL(0, sys_bind(static_cast<int>(fd), &name, sizeof name));
    receive_frame(eth, frame_to_us(ETH_P_TEST, 46));
    LONGS_EQUAL(-EAGAIN, sys_recvfrom(static_cast<int>(fd), buf, sizeof buf, MSG_DONTWAIT, nullptr, nullptr));
    sockaddr got{};
    len = sizeof got;
    LONGS_EQUAL(0, sys_getsockname(static_cast<int>(fd), &got, &len));
    STRCMP_EQUAL("lo", got.sa_data);
    // Sent to the device named in a sockaddr_pkt.
    sockaddr_pkt to{};
    to.spkt_family = AF_PACKET;
    strcpy(reinterpret_cast<char*>(to.spkt_device), eth->name);
    to.spkt_protocol = htons(ETH_P_TEST);
    bytes f = ether(peer_mac, our_mac, ETH_P_TEST, pattern(46));
    LONGS_EQUAL(static_cast<long>(f.size()),
                sys_sendto(static_cast<int>(fd), f.data(), f.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to));
    LONGS_EQUAL(1, take_sent(eth).size());
    LONGS_EQUAL(-ENOTCONN, sys_sendto(static_cast<int>(fd), f.data(), f.size(), 0, nullptr, 0));
    strcpy(reinterpret_cast<char*>(to.spkt_device), "nosuch");
    LONGS_EQUAL(-ENODEV,
                sys_sendto(static_cast<int>(fd), f.data(), f.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to));
    int one = 1;
    LONGS_EQUAL(-EOPNOTSUPP, sys_setsockopt(static_cast<int>(fd), SOL_PACKET, PACKET_ADD_MEMBERSHIP, &one, sizeof one));
    sys_close(static_cast<int>(fd));
}

TEST(af_packet, the_device_going_down_and_away) {
    int fd = packet_socket(SOCK_RAW, ETH_P_TEST, eth->ifindex);
    rtnl_guard rtnl;   // configuration changes below
    LONGS_EQUAL(0, dev_close(eth));
    LONGS_EQUAL(ENETDOWN, getint(fd, SOL_SOCKET, SO_ERROR));
    LONGS_EQUAL(0, getint(fd, SOL_SOCKET, SO_ERROR));   // read once
    LONGS_EQUAL(0, dev_open(eth));
    receive_frame(eth, frame_to_us(ETH_P_TEST, 46));
    LONGS_EQUAL(ETH_HLEN + 46, recv_ll(fd).n);   // hooked again when it came up
    // A pending error comes before queued frames.
    receive_frame(eth, frame_to_us(ETH_P_TEST, 46));
    LONGS_EQUAL(0, dev_close(eth));
    LONGS_EQUAL(-ENETDOWN, recv_ll(fd).n);
    LONGS_EQUAL(ETH_HLEN + 46, recv_ll(fd).n);
    LONGS_EQUAL(0, dev_open(eth));
    sys_close(fd);
}

TEST(af_packet, binding_to_a_device_that_is_down_reports_enetdown) {
    rtnl_guard rtnl;   // configuration changes below
    LONGS_EQUAL(0, dev_close(eth));
    int fd = packet_socket(SOCK_RAW, 0);
    sockaddr_ll sll = ll_to(eth->ifindex, ETH_P_TEST, peer_mac);
    LONGS_EQUAL(0, sys_bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll));
    LONGS_EQUAL(ENETDOWN, getint(fd, SOL_SOCKET, SO_ERROR));
    LONGS_EQUAL(0, dev_open(eth));
    receive_frame(eth, frame_to_us(ETH_P_TEST, 46));
    LONGS_EQUAL(ETH_HLEN + 46, recv_ll(fd).n);
    sys_close(fd);
}

TEST(af_packet, proc_net_packet_lists_the_sockets) {
    int fd = packet_socket(SOCK_RAW, ETH_P_ARP, eth->ifindex);
    long pfd = sys_open("/proc/net/packet", uapi::o_rdonly, 0);
    CHECK_TRUE(pfd >= 0);
    char buf[512] = {};
    long n = sys_read(static_cast<int>(pfd), buf, sizeof buf - 1);
    CHECK_TRUE(n > 0);
    STRNCMP_EQUAL("sk       RefCnt Type Proto  Iface R Rmem", buf, 40);
    CHECK_TRUE(strstr(buf, " 3    0806   ") != nullptr);
    sys_close(static_cast<int>(pfd));
    sys_close(fd);
}

TEST(af_packet, write_on_a_bound_socket_and_the_receive_timestamp) {
    int fd = packet_socket(SOCK_RAW, ETH_P_TEST, eth->ifindex);
    bytes f = ether(peer_mac, our_mac, ETH_P_TEST, pattern(50));
    LONGS_EQUAL(static_cast<long>(f.size()), sys_write(fd, reinterpret_cast<const char*>(f.data()), f.size()));
    auto sent = take_sent(eth);
    LONGS_EQUAL(1, sent.size());
    CHECK_TRUE(std::equal(sent[0].data.begin(), sent[0].data.end(), f.begin(), f.end()));
    int outq = -1;
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCOUTQ, reinterpret_cast<unsigned long>(&outq)));
    LONGS_EQUAL(0, outq);   // freed by the driver: nothing charged any more
    uapi::timeval tv{};
    LONGS_EQUAL(-ENOENT, sys_ioctl(fd, SIOCGSTAMP, reinterpret_cast<unsigned long>(&tv)));   // nothing read yet
    receive_frame(eth, frame_to_us(ETH_P_TEST, 46));
    LONGS_EQUAL(ETH_HLEN + 46, recv_ll(fd).n);
    LONGS_EQUAL(0, sys_ioctl(fd, SIOCGSTAMP, reinterpret_cast<unsigned long>(&tv)));
    CHECK_TRUE(tv.tv_sec >= 0 && tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    sys_close(fd);
}
