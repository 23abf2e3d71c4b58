#include "apps/pcap/pcap.h"

#include <string.h>

namespace pcap {

namespace {

template <class T>
uint8_t* put(uint8_t* p, T v) {
    memcpy(p, &v, sizeof v);   // the host's byte order: the magic says which
    return p + sizeof v;
}

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

}  // namespace

void file_header(uint32_t snaplen, uint8_t out[FILE_HEADER_SIZE]) {
    uint8_t* p = put(out, MAGIC);
    p = put(p, VERSION_MAJOR);
    p = put(p, VERSION_MINOR);
    p = put(p, int32_t{0});    // thiszone: timestamps are UTC
    p = put(p, uint32_t{0});   // sigfigs
    p = put(p, snaplen);
    put(p, LINKTYPE_ETHERNET);
}

void record_header(uint32_t sec, uint32_t usec, uint32_t caplen, uint32_t len, uint8_t out[RECORD_HEADER_SIZE]) {
    uint8_t* p = put(out, sec);
    p = put(p, usec);
    p = put(p, caplen);
    put(p, len);
}

bool frame_is_flow(const uint8_t* f, size_t len, const tcp_flow& flow) {
    constexpr size_t eth_hlen = 14;
    if (len < eth_hlen + 20 || be16(f + 12) != 0x0800) {
        return false;
    }
    const uint8_t* ip = f + eth_hlen;
    size_t ihl = (ip[0] & 0x0f) * 4u;
    if ((ip[0] >> 4) != 4 || ihl < 20 || ip[9] != 6 || len < eth_hlen + ihl + 4) {
        return false;
    }
    if ((be16(ip + 6) & 0x1fff) != 0) {
        return false;   // a later fragment: no ports in it
    }
    uint32_t src, dst;
    uint16_t sport, dport;
    memcpy(&src, ip + 12, 4);
    memcpy(&dst, ip + 16, 4);
    memcpy(&sport, ip + ihl, 2);
    memcpy(&dport, ip + ihl + 2, 2);
    bool out = src == flow.local_addr && sport == flow.local_port && dst == flow.remote_addr &&
               dport == flow.remote_port;
    bool in = src == flow.remote_addr && sport == flow.remote_port && dst == flow.local_addr &&
              dport == flow.local_port;
    return out || in;
}

}  // namespace pcap
