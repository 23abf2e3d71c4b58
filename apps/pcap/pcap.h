// The classic libpcap file format (the "pcap" of tcpdump -w, Wireshark's
// libpcap format; draft-ietf-opsawg-pcap section 4 and 5): a 24-byte file
// header, then per frame a 16-byte record header and the captured bytes.
// Written in the host's own byte order, which readers tell from the magic
// number, as libpcap itself writes it. Pure byte work, unit tested on the
// host.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace pcap {

constexpr uint32_t MAGIC = 0xa1b2c3d4;      // microsecond timestamps
constexpr uint16_t VERSION_MAJOR = 2, VERSION_MINOR = 4;
constexpr uint32_t LINKTYPE_ETHERNET = 1;   // DLT_EN10MB
constexpr size_t FILE_HEADER_SIZE = 24;
constexpr size_t RECORD_HEADER_SIZE = 16;

void file_header(uint32_t snaplen, uint8_t out[FILE_HEADER_SIZE]);
// caplen bytes of a frame of len bytes, captured at sec.usec.
void record_header(uint32_t sec, uint32_t usec, uint32_t caplen, uint32_t len, uint8_t out[RECORD_HEADER_SIZE]);

// A TCP connection's two ends, addresses and ports in network order.
struct tcp_flow {
    uint32_t local_addr, remote_addr;
    uint16_t local_port, remote_port;
};
// Whether an Ethernet frame is a segment of flow, either way: a capture
// streamed over that connection leaves those out, or each segment it
// sends would be captured and sent again.
bool frame_is_flow(const uint8_t* frame, size_t len, const tcp_flow& flow);

}  // namespace pcap
