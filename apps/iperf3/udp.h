// iperf3's UDP streams (esnet/iperf src/iperf_udp.c, 3.12): the 4-byte
// "connect" handshake and the datagram header (send time and a packet
// count), and what the receiver measures from them: loss from gaps in the
// count, and RFC 3550 section 6.4.1's interarrival jitter (iperf cites
// RFC 1889 A.8, the same estimator).
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace iperf3 {

// The client's first datagram carries UDP_CONNECT_MSG, 0x36373839, and the
// server answers UDP_CONNECT_REPLY, 0x39383736; both sides write them as a
// native int, so on the wire (every iperf3 build here being little-endian)
// the request is "9876" and the reply "6789". Before 3.10, 123456789 and
// 987654321.
constexpr size_t UDP_CONNECT_SIZE = 4;
bool udp_connect_valid(const uint8_t* p, size_t len);
void udp_connect_reply(uint8_t out[UDP_CONNECT_SIZE]);

// The header each datagram starts with: seconds, microseconds, then the
// packet count (1 for the first), 32 or 64 bits, all big-endian.
struct udp_header {
    uint32_t sec = 0, usec = 0;
    uint64_t count = 0;
};
constexpr size_t udp_header_size(bool counters_64bit) { return counters_64bit ? 16 : 12; }
// false when the datagram is too short to carry one.
bool udp_header_decode(const uint8_t* p, size_t len, bool counters_64bit, udp_header* out);
void udp_header_encode(const udp_header& h, bool counters_64bit, uint8_t* out);

// The receiving side's accounting of one stream, as iperf_udp_recv does it:
// a count ahead of the next expected one loses the gap, one behind is out
// of order and takes back one loss.
struct udp_rx_stats {
    uint64_t bytes = 0;
    uint64_t packets = 0;      // the highest count seen
    uint64_t lost = 0;
    uint64_t out_of_order = 0;
    double jitter = 0;         // seconds
    double prev_transit = 0;
    bool any = false;

    // One datagram: its header and when it arrived (seconds, the same
    // clock the sender stamps with, offsets cancel out).
    void receive(const udp_header& h, size_t len, double arrival);
};

}  // namespace iperf3
