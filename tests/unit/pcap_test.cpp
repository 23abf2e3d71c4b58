// apps/pcap: the file and record headers libpcap readers take, and the
// test that keeps a capture streamed over TCP from capturing itself.
#include <stdio.h>
#include <string.h>

#include <vector>

#include "apps/pcap/pcap.h"

#include <CppUTest/TestHarness.h>

namespace {

// Dotted quad into 4 bytes as they go on the wire.
void addr(const char* s, void* out) {
    unsigned a, b, c, d;
    sscanf(s, "%u.%u.%u.%u", &a, &b, &c, &d);
    const uint8_t v[4] = {uint8_t(a), uint8_t(b), uint8_t(c), uint8_t(d)};
    memcpy(out, v, 4);
}

// A port in network order, whatever the host's.
uint16_t nport(uint16_t p) {
    const uint8_t v[2] = {uint8_t(p >> 8), uint8_t(p)};
    uint16_t r;
    memcpy(&r, v, 2);
    return r;
}

using bytes = std::vector<uint8_t>;

uint32_t u32(const uint8_t* p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
uint16_t u16(const uint8_t* p) {
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

// An Ethernet + IPv4 + TCP frame; ihl in words.
bytes tcp_frame(const char* src, uint16_t sport, const char* dst, uint16_t dport, unsigned ihl = 5,
                uint8_t proto = 6, uint16_t frag = 0) {
    bytes f(14 + ihl * 4 + 20, 0);
    f[12] = 0x08;
    f[13] = 0x00;
    uint8_t* ip = f.data() + 14;
    ip[0] = static_cast<uint8_t>(0x40 | ihl);
    ip[6] = static_cast<uint8_t>(frag >> 8);
    ip[7] = static_cast<uint8_t>(frag);
    ip[9] = proto;
    addr(src, ip + 12);
    addr(dst, ip + 16);
    uint16_t s = nport(sport), d = nport(dport);
    memcpy(ip + ihl * 4, &s, 2);
    memcpy(ip + ihl * 4 + 2, &d, 2);
    return f;
}

pcap::tcp_flow flow() {
    pcap::tcp_flow fl{};
    addr("10.0.2.15", &fl.local_addr);
    addr("10.0.2.2", &fl.remote_addr);
    fl.local_port = nport(40000);
    fl.remote_port = nport(9999);
    return fl;
}

}  // namespace

TEST_GROUP(pcap) {};

TEST(pcap, file_header_as_libpcap_writes_it) {
    uint8_t h[pcap::FILE_HEADER_SIZE];
    memset(h, 0xee, sizeof h);
    pcap::file_header(65536, h);
    UNSIGNED_LONGS_EQUAL(0xa1b2c3d4, u32(h));
    LONGS_EQUAL(2, u16(h + 4));
    LONGS_EQUAL(4, u16(h + 6));
    UNSIGNED_LONGS_EQUAL(0, u32(h + 8));
    UNSIGNED_LONGS_EQUAL(0, u32(h + 12));
    UNSIGNED_LONGS_EQUAL(65536, u32(h + 16));
    UNSIGNED_LONGS_EQUAL(1, u32(h + 20));
}

TEST(pcap, record_header_fields_in_order) {
    uint8_t r[pcap::RECORD_HEADER_SIZE];
    pcap::record_header(1700000000, 999999, 60, 1514, r);
    UNSIGNED_LONGS_EQUAL(1700000000, u32(r));
    UNSIGNED_LONGS_EQUAL(999999, u32(r + 4));
    UNSIGNED_LONGS_EQUAL(60, u32(r + 8));
    UNSIGNED_LONGS_EQUAL(1514, u32(r + 12));
}

TEST(pcap, the_streams_own_segments_both_ways_are_its_flow) {
    bytes out = tcp_frame("10.0.2.15", 40000, "10.0.2.2", 9999);
    bytes in = tcp_frame("10.0.2.2", 9999, "10.0.2.15", 40000);
    bytes opts = tcp_frame("10.0.2.2", 9999, "10.0.2.15", 40000, 8);   // IP options
    CHECK_TRUE(pcap::frame_is_flow(out.data(), out.size(), flow()));
    CHECK_TRUE(pcap::frame_is_flow(in.data(), in.size(), flow()));
    CHECK_TRUE(pcap::frame_is_flow(opts.data(), opts.size(), flow()));
}

TEST(pcap, other_traffic_is_not) {
    const bytes others[] = {
        tcp_frame("10.0.2.15", 40001, "10.0.2.2", 9999),       // another local port
        tcp_frame("10.0.2.15", 40000, "10.0.2.3", 9999),       // another peer
        tcp_frame("10.0.2.2", 40000, "10.0.2.15", 9999),       // ports swapped with addresses
        tcp_frame("10.0.2.15", 40000, "10.0.2.2", 9999, 5, 17),   // UDP with the same ports
        tcp_frame("10.0.2.15", 40000, "10.0.2.2", 9999, 5, 6, 0x0010),   // a later fragment
        tcp_frame("10.0.2.15", 40000, "10.0.2.2", 9999, 3),    // IHL below 5
    };
    for (const bytes& f : others) {
        CHECK_FALSE(pcap::frame_is_flow(f.data(), f.size(), flow()));
    }
    bytes arp(60, 0);
    arp[12] = 0x08;
    arp[13] = 0x06;
    CHECK_FALSE(pcap::frame_is_flow(arp.data(), arp.size(), flow()));
    bytes good = tcp_frame("10.0.2.15", 40000, "10.0.2.2", 9999);
    for (size_t n = 0; n < 14 + 20 + 4; ++n) {   // cut short anywhere before the ports end
        CHECK_FALSE(pcap::frame_is_flow(good.data(), n, flow()));
    }
}
