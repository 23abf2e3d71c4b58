// Bytes -> the DHCP client's message parser and option decoder (RFC 2131,
// RFC 2132): a reply off the wire, as udp_rcv hands it to the client.
#include "net/ipv4/dhcp_msg.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    dhcp_header hdr;
    dhcp_options opts;
    if (dhcp_parse(data, size, &hdr, &opts) == dhcp_parse_err::ok) {
        dhcp_info info;
        dhcp_decode(opts, &info);
    }
    return 0;
}
