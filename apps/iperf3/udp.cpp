// iperf3's UDP stream handshake, header and receive accounting (udp.h).
#include "apps/iperf3/udp.h"

namespace iperf3 {

namespace {

constexpr uint32_t CONNECT_MSG = 0x36373839;
constexpr uint32_t LEGACY_CONNECT_MSG = 123456789;
constexpr uint32_t CONNECT_REPLY = 0x39383736;

uint32_t get_le32(const uint8_t* p) {
    return static_cast<uint32_t>(p[3]) << 24 | static_cast<uint32_t>(p[2]) << 16 |
           static_cast<uint32_t>(p[1]) << 8 | p[0];
}

uint32_t get_be32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
           static_cast<uint32_t>(p[2]) << 8 | p[3];
}

void put_be32(uint32_t v, uint8_t* p) {
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
}

}  // namespace

bool udp_connect_valid(const uint8_t* p, size_t len) {
    if (len != UDP_CONNECT_SIZE) {
        return false;
    }
    // Either byte order: a big-endian client writes its native int too.
    const uint32_t as_read[] = {get_le32(p), get_be32(p)};
    for (uint32_t v : as_read) {
        if (v == CONNECT_MSG || v == LEGACY_CONNECT_MSG) {
            return true;
        }
    }
    return false;
}

void udp_connect_reply(uint8_t out[UDP_CONNECT_SIZE]) {
    // Little-endian, as a little-endian client reads its native int; a
    // big-endian one sees 0x36373839 and would not take it, but iperf3
    // has no way to say which it is before this datagram.
    for (int i = 0; i < 4; ++i) {
        out[i] = static_cast<uint8_t>(CONNECT_REPLY >> (8 * i));
    }
}

bool udp_header_decode(const uint8_t* p, size_t len, bool counters_64bit, udp_header* out) {
    if (len < udp_header_size(counters_64bit)) {
        return false;
    }
    out->sec = get_be32(p);
    out->usec = get_be32(p + 4);
    out->count = counters_64bit ? (static_cast<uint64_t>(get_be32(p + 8)) << 32 | get_be32(p + 12))
                                : get_be32(p + 8);
    return true;
}

void udp_header_encode(const udp_header& h, bool counters_64bit, uint8_t* out) {
    put_be32(h.sec, out);
    put_be32(h.usec, out + 4);
    if (counters_64bit) {
        put_be32(static_cast<uint32_t>(h.count >> 32), out + 8);
        put_be32(static_cast<uint32_t>(h.count), out + 12);
    } else {
        put_be32(static_cast<uint32_t>(h.count), out + 8);
    }
}

void udp_rx_stats::receive(const udp_header& h, size_t len, double arrival) {
    bytes += len;
    // iperf_udp_recv's "pcount >= packet_count + 1", written so that a
    // count of 2^64-1 from a hostile client cannot wrap it.
    if (h.count > packets) {
        lost += h.count - 1 - packets;
        packets = h.count;
    } else {
        ++out_of_order;
        if (lost > 0) {
            --lost;
        }
    }
    // RFC 3550 6.4.1: J += (|D| - J) / 16, D the change in transit time.
    double transit = arrival - (h.sec + h.usec / 1e6);
    if (!any) {
        prev_transit = transit;
        any = true;
    }
    double d = transit - prev_transit;
    prev_transit = transit;
    jitter += ((d < 0 ? -d : d) - jitter) / 16.0;
}

}  // namespace iperf3
