// Shared by the IPv4 tests: a fresh net core and IPv4 per test, a fake
// Ethernet device eth0 (10.0.2.15/24, default route via 10.0.2.2) whose
// transmitted frames are kept for inspection, packet builders, a test
// protocol and raw hook that record what they get, and time driven by
// ticking the timer wheel by hand.
#pragma once
#include <string.h>

#include <memory>
#include <vector>

#include "kernel/cmdline.h"
#include "kernel/jiffies.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "net/ipv4/af_inet.h"
#include "net/ipv4/arp.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/ip_options.h"
#include "net/ipv4/neighbour.h"
#include "net/ipv4/protocol.h"
#include "net/ipv4/raw.h"
#include "net/ipv4/route.h"
#include "net/ipv4/snmp.h"
#include "tests/unit/net_test_util.h"

namespace ipv4_test {

using bytes = std::vector<uint8_t>;

constexpr __be32 our_ip = ipv4_addr(10, 0, 2, 15);
constexpr __be32 gw_ip = ipv4_addr(10, 0, 2, 2);
constexpr __be32 peer_ip = ipv4_addr(10, 0, 2, 3);
constexpr __be32 remote_ip = ipv4_addr(192, 0, 2, 7);    // off-link, via the gateway
constexpr __be32 subnet_bcast = ipv4_addr(10, 0, 2, 255);
constexpr uint8_t our_mac[ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0a};   // net_test::mac_a
constexpr uint8_t peer_mac[ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0b};  // net_test::mac_b
constexpr uint8_t gw_mac[ETH_ALEN] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
constexpr uint8_t TEST_PROTO = 253;   // RFC 3692 experimentation

// One tick interrupt at a time, as the trap code runs it.
inline void tick(unsigned long n = 1) {
    for (unsigned long i = 0; i < n; ++i) {
        net_test::in_irq_handler([] { do_timer(1); });
    }
}
inline void advance_ms(unsigned ms) { tick(msecs_to_jiffies(ms)); }

// A frame as the driver would hand it up, through netif_rx in an
// interrupt handler: the receive softirq runs at its end.
inline void receive_frame(net_device* dev, const bytes& frame, int misalign = 0) {
    sk_buff* skb = netdev_alloc_skb_ip_align(dev, static_cast<unsigned>(frame.size()) + 4);
    CHECK_TRUE(skb != nullptr);
    if (misalign) {
        skb_reserve(skb, misalign);
    }
    skb_put_data(skb, frame.data(), static_cast<unsigned>(frame.size()));
    skb->protocol = eth_type_trans(skb, dev);
    net_test::in_irq_handler([&] { netif_rx(skb); });
}

inline bytes ether(const uint8_t* dst, const uint8_t* src, uint16_t type, const bytes& payload) {
    // Built in an array, then copied: GCC 12 at -O2 warns wrongly about
    // writes into a fresh vector's data().
    ethhdr h;
    memcpy(h.h_dest, dst, ETH_ALEN);
    memcpy(h.h_source, src, ETH_ALEN);
    h.h_proto = htons(type);
    bytes f(ETH_HLEN + payload.size());
    memcpy(f.data(), &h, ETH_HLEN);
    if (!payload.empty()) {
        memcpy(f.data() + ETH_HLEN, payload.data(), payload.size());
    }
    return f;
}

// An IPv4 header in front of payload; fields as given, checksum right
// unless bad_csum.
struct ip_spec {
    __be32 saddr = peer_ip;
    __be32 daddr = our_ip;
    uint8_t protocol = IPPROTO_ICMP;
    uint8_t ttl = 64;
    uint8_t tos = 0;
    uint16_t id = 0x1234;
    uint16_t frag = 0;        // host order: flags | offset/8
    bytes options;            // a multiple of 4
    int tot_len = -1;         // -1: the real length
    uint8_t version = 4;
    int ihl = -1;             // -1: from the options
    bool bad_csum = false;
};

inline bytes ip_packet(const ip_spec& s, const bytes& payload) {
    unsigned hlen = 20 + static_cast<unsigned>(s.options.size());
    bytes p(hlen + payload.size());
    auto* iph = reinterpret_cast<iphdr*>(p.data());
    iph->set_version_ihl(s.version, s.ihl >= 0 ? static_cast<unsigned>(s.ihl) : hlen / 4);
    iph->tos = s.tos;
    iph->tot_len = htons(static_cast<uint16_t>(s.tot_len >= 0 ? static_cast<unsigned>(s.tot_len) : hlen + payload.size()));
    iph->id = htons(s.id);
    iph->frag_off = htons(s.frag);
    iph->ttl = s.ttl;
    iph->protocol = s.protocol;
    iph->saddr = s.saddr;
    iph->daddr = s.daddr;
    if (!s.options.empty()) {
        memcpy(p.data() + 20, s.options.data(), s.options.size());
    }
    iph->check = 0;
    iph->check = ip_fast_csum(p.data(), hlen / 4);
    if (s.bad_csum) {
        iph->check ^= 0x0101;
    }
    if (!payload.empty()) {
        memcpy(p.data() + hlen, payload.data(), payload.size());
    }
    return p;
}

inline bytes pattern(unsigned n, unsigned seed = 0) {
    bytes b(n);
    for (unsigned i = 0; i < n; ++i) {
        b[i] = static_cast<uint8_t>(i * 7 + seed);
    }
    return b;
}

inline bytes icmp_message(uint8_t type, uint8_t code, uint32_t word, const bytes& data) {
    bytes m(8 + data.size());
    m[0] = type;
    m[1] = code;
    m[4] = static_cast<uint8_t>(word >> 24);
    m[5] = static_cast<uint8_t>(word >> 16);
    m[6] = static_cast<uint8_t>(word >> 8);
    m[7] = static_cast<uint8_t>(word);
    if (!data.empty()) {
        memcpy(m.data() + 8, data.data(), data.size());
    }
    __sum16 c = ip_compute_csum(m.data(), static_cast<int>(m.size()));
    memcpy(m.data() + 2, &c, 2);
    return m;
}
inline bytes echo_request(uint16_t id, uint16_t seq, const bytes& data) {
    return icmp_message(ICMP_ECHO, 0, (uint32_t{id} << 16) | seq, data);
}

// A received IPv4 frame from the peer (or src_mac) to us (or dst_mac).
inline void receive_ip(net_device* dev, const bytes& packet, const uint8_t* dst_mac = our_mac,
                       const uint8_t* src_mac = peer_mac) {
    receive_frame(dev, ether(dst_mac, src_mac, ETH_P_IP, packet));
}

// Frame bytes laid out as the stack lays out an sk_buff (NET_IP_ALIGN, as
// Linux's include/linux/skbuff.h): the Ethernet header starts 2 bytes past a
// 4-byte boundary, so the IP header behind it is aligned and read in place.
template <typename T>
struct ip_aligned_allocator {
    using value_type = T;
    static constexpr size_t pad = 2;
    ip_aligned_allocator() = default;
    template <typename U>
    ip_aligned_allocator(const ip_aligned_allocator<U>&) {}
    T* allocate(size_t n) { return reinterpret_cast<T*>(std::allocator<char>().allocate(n * sizeof(T) + pad) + pad); }
    void deallocate(T* p, size_t n) {
        std::allocator<char>().deallocate(reinterpret_cast<char*>(p) - pad, n * sizeof(T) + pad);
    }
    friend bool operator==(const ip_aligned_allocator&, const ip_aligned_allocator&) { return true; }
};
using frame_bytes = std::vector<uint8_t, ip_aligned_allocator<uint8_t>>;

// A frame the device sent.
struct sent_frame {
    frame_bytes data;   // from the Ethernet header
    const uint8_t* dst() const { return data.data(); }
    const uint8_t* src() const { return data.data() + 6; }
    uint16_t type() const { return static_cast<uint16_t>((data[12] << 8) | data[13]); }
    const uint8_t* l3() const { return data.data() + ETH_HLEN; }
    unsigned l3_len() const { return static_cast<unsigned>(data.size()) - ETH_HLEN; }
    const iphdr* ip() const { return reinterpret_cast<const iphdr*>(l3()); }
    const uint8_t* ip_payload() const { return l3() + ip()->ihl() * 4; }
    unsigned ip_payload_len() const { return ntohs(ip()->tot_len) - ip()->ihl() * 4; }
    const icmphdr* icmp() const { return reinterpret_cast<const icmphdr*>(ip_payload()); }
};

inline std::vector<sent_frame> take_sent(net_device* dev) {
    std::vector<sent_frame> out;
    while (sk_buff* skb = __skb_dequeue(&net_test::priv_of(dev)->sent)) {
        out.push_back({frame_bytes(skb->data, skb->data + skb->len)});
        consume_skb(skb);
    }
    return out;
}
inline std::vector<sent_frame> only(net_device* dev, uint16_t type) {
    std::vector<sent_frame> out;
    for (auto& f : take_sent(dev)) {
        if (f.type() == type) {
            out.push_back(f);
        }
    }
    return out;
}

// The ARP body of a sent or received frame.
struct arp_view {
    uint16_t hrd, pro, op;
    uint8_t hln, pln;
    uint8_t sha[6], tha[6];
    __be32 sip, tip;
};
inline arp_view parse_arp(const sent_frame& f) {
    const uint8_t* p = f.l3();
    arp_view v{};
    v.hrd = static_cast<uint16_t>((p[0] << 8) | p[1]);
    v.pro = static_cast<uint16_t>((p[2] << 8) | p[3]);
    v.hln = p[4];
    v.pln = p[5];
    v.op = static_cast<uint16_t>((p[6] << 8) | p[7]);
    memcpy(v.sha, p + 8, 6);
    memcpy(&v.sip, p + 14, 4);
    memcpy(v.tha, p + 18, 6);
    memcpy(&v.tip, p + 24, 4);
    return v;
}
inline bytes arp_packet(uint16_t op, const uint8_t* sha, __be32 sip, const uint8_t* tha, __be32 tip,
                        uint16_t hrd = ARPHRD_ETHER, uint16_t pro = ETH_P_IP, uint8_t hln = 6, uint8_t pln = 4) {
    bytes p(28);
    p[0] = static_cast<uint8_t>(hrd >> 8);
    p[1] = static_cast<uint8_t>(hrd);
    p[2] = static_cast<uint8_t>(pro >> 8);
    p[3] = static_cast<uint8_t>(pro);
    p[4] = hln;
    p[5] = pln;
    p[6] = static_cast<uint8_t>(op >> 8);
    p[7] = static_cast<uint8_t>(op);
    memcpy(p.data() + 8, sha, 6);
    memcpy(p.data() + 14, &sip, 4);
    memcpy(p.data() + 18, tha, 6);
    memcpy(p.data() + 24, &tip, 4);
    return p;
}

// What the test protocol (TEST_PROTO) and the raw hook received.
struct delivered {
    bytes payload;           // from the transport header
    bytes ip_header;
    uint8_t rt_type;
    uint16_t ipcb_flags;
};
struct recorder {
    std::vector<delivered> proto;     // the TEST_PROTO handler
    std::vector<delivered> raw;       // the raw hook (every protocol)
    bool raw_claims = false;          // the raw hook says a socket took it
    std::vector<uint32_t> err_infos;  // TEST_PROTO's err_handler
    std::vector<bytes> err_packets;   // inner IP header onwards
    std::vector<uint8_t> raw_err_protos;
};
inline recorder* rec;

inline delivered snapshot(sk_buff* skb) {
    delivered d;
    d.payload.assign(skb->data, skb->data + skb->len);
    const uint8_t* nh = skb_network_header(skb);
    d.ip_header.assign(nh, nh + reinterpret_cast<const iphdr*>(nh)->ihl() * 4);
    d.rt_type = IPCB(skb)->rt_type;
    d.ipcb_flags = IPCB(skb)->flags;
    return d;
}

inline int test_proto_rcv(sk_buff* skb) {
    rec->proto.push_back(snapshot(skb));
    consume_skb(skb);
    return 0;
}
inline int test_proto_err(sk_buff* skb, uint32_t info) {
    rec->err_infos.push_back(info);
    rec->err_packets.emplace_back(skb->data, skb->data + skb->len);
    return 0;
}
inline const net_protocol test_protocol = {test_proto_rcv, test_proto_err};

inline bool raw_deliver(sk_buff* skb, uint8_t) {
    rec->raw.push_back(snapshot(skb));
    return rec->raw_claims;
}
inline void raw_error(sk_buff*, uint8_t protocol, uint32_t) { rec->raw_err_protos.push_back(protocol); }
inline const raw_v4_hooks test_raw_hooks = {raw_deliver, raw_error};

// The per-test world: net core, IPv4, eth0 10.0.2.15/24 up, default route
// via 10.0.2.2, the test protocol and raw hook registered, counters zero,
// nothing sent yet. teardown() checks that every sk_buff came back.
struct env {
    net_device* eth = nullptr;
    net_test::leak_check leaks;
    recorder r;
    unsigned long rtnl_failures = 0;

    void setup(bool address = true) {
        net_test::setup();
        rtnl_failures = rtnl_assert_failures();
        init_timers();  // TIMER_SOFTIRQ, as time_init() does at boot
        leaks = net_test::leak_check{};
        cmdline::parse("");  // no ip= left by an earlier test
        ipv4_init();
        sysctl_icmp = icmp_sysctl{};
        sysctl_ipfrag = ipfrag_sysctl{};
        eth = net_test::fake_etherdev();
        if (address) {
            rtnl_guard rtnl;
            LONGS_EQUAL(0, inet_ifa_add(eth, our_ip, 24, 0, nullptr));
            fib_config def;
            def.gw = gw_ip;
            LONGS_EQUAL(0, fib_add_route(def));
        }
        rec = &r;
        LONGS_EQUAL(0, inet_add_protocol(&test_protocol, TEST_PROTO));
        raw_v4_set_hooks(&test_raw_hooks);
        take_sent(eth);
        ipv4_mib::reset();
    }
    void teardown() {
        take_sent(eth);
        ipv4_exit();
        net_test::destroy(eth);
        do_softirq();
        leaks.verify();
        // Receive, ARP (gratuitous ones too), ICMP and timers ran in softirq
        // context without the RTNL; none of them may have needed it.
        LONGS_EQUAL(rtnl_failures, rtnl_assert_failures());
        CHECK(host_stub::console.find("BUG: rtnl_lock()") == std::string::npos);
        rec = nullptr;
        net_test::teardown();
    }
    // The peer's (or gateway's) address known, so nothing waits for ARP.
    void know(__be32 ip, const uint8_t* mac) { LONGS_EQUAL(0, arp_req_set(ip, mac, eth, false)); }
};

inline unsigned long ipstat(ipstats_mib f) { return ip_mib_get(f); }
inline unsigned long icmpstat(icmp_mib f) { return icmp_mib_get(f); }
inline unsigned long arpstat(arp_mib f) { return arp_mib_get(f); }

inline bool csum_ok(const void* p, unsigned len) { return ip_compute_csum(p, static_cast<int>(len)) == 0; }

}  // namespace ipv4_test
