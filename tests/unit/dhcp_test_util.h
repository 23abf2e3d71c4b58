// A scripted DHCP server's replies for the codec and state machine tests.
#pragma once
#include <stdint.h>
#include <string.h>

#include <vector>

#include "net/ipv4/dhcp_msg.h"
#include "net/ipv4/in.h"

namespace dhcp_test {

inline const uint8_t client_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
inline const __be32 server_ip = ipv4_addr(10, 0, 2, 2);
inline const __be32 offered_ip = ipv4_addr(10, 0, 2, 15);

// A BOOTREPLY: header, cookie, then raw option octets (the caller writes
// the end option, or leaves it out on purpose).
struct reply {
    std::vector<uint8_t> b;
    reply(uint32_t xid, __be32 yiaddr, const uint8_t* mac = client_mac) : b(DHCP_OPTIONS_OFFSET, 0) {
        b[0] = BOOTREPLY;
        b[1] = DHCP_HTYPE_ETHER;
        b[2] = 6;
        for (unsigned i = 0; i < 4; ++i) {
            b[4 + i] = static_cast<uint8_t>(xid >> (24 - 8 * i));
            b[DHCP_FIXED_LEN + i] = static_cast<uint8_t>(DHCP_MAGIC_COOKIE >> (24 - 8 * i));
        }
        memcpy(&b[16], &yiaddr, 4);
        memcpy(&b[28], mac, 6);
    }
    reply& raw(std::initializer_list<uint8_t> octets) {
        b.insert(b.end(), octets);
        return *this;
    }
    reply& opt(dhcp_opt code, const void* v, size_t n) {
        b.push_back(static_cast<uint8_t>(code));
        b.push_back(static_cast<uint8_t>(n));
        const auto* p = static_cast<const uint8_t*>(v);
        b.insert(b.end(), p, p + n);
        return *this;
    }
    reply& type(dhcp_type t) {
        uint8_t v = static_cast<uint8_t>(t);
        return opt(dhcp_opt::msg_type, &v, 1);
    }
    reply& addr(dhcp_opt code, __be32 a) { return opt(code, &a, 4); }
    reply& secs(dhcp_opt code, uint32_t s) {
        uint8_t v[4] = {uint8_t(s >> 24), uint8_t(s >> 16), uint8_t(s >> 8), uint8_t(s)};
        return opt(code, v, 4);
    }
    reply& end() {
        b.push_back(255);
        return *this;
    }
    // A typical OFFER/ACK from slirp: mask, router, DNS, lease.
    reply& lease(dhcp_type t, uint32_t lease_s = 86400) {
        type(t).addr(dhcp_opt::server_id, server_ip).addr(dhcp_opt::subnet_mask, ipv4_addr(255, 255, 255, 0));
        addr(dhcp_opt::router, server_ip).addr(dhcp_opt::dns, ipv4_addr(10, 0, 2, 3));
        return secs(dhcp_opt::lease_time, lease_s);
    }
};

}  // namespace dhcp_test
