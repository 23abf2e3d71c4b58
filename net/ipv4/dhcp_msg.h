// DHCP messages (RFC 2131 2, RFC 2132): the fixed BOOTP header, the
// options area parsed with strict bounds, and a builder for what the
// client sends. Pure byte work: no device, no clock, host-testable.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/byteorder.h"

constexpr uint16_t DHCP_SERVER_PORT = 67;
constexpr uint16_t DHCP_CLIENT_PORT = 68;
constexpr uint8_t BOOTREQUEST = 1;
constexpr uint8_t BOOTREPLY = 2;
constexpr uint8_t DHCP_HTYPE_ETHER = 1;
constexpr uint32_t DHCP_MAGIC_COOKIE = 0x63825363;   // RFC 2131 3
constexpr unsigned DHCP_FIXED_LEN = 236;            // op .. file
constexpr unsigned DHCP_OPTIONS_OFFSET = DHCP_FIXED_LEN + 4;
constexpr unsigned DHCP_SNAME_OFFSET = 44;
constexpr unsigned DHCP_SNAME_LEN = 64;
constexpr unsigned DHCP_FILE_OFFSET = 108;
constexpr unsigned DHCP_FILE_LEN = 128;
constexpr unsigned DHCP_MIN_LEN = DHCP_OPTIONS_OFFSET;      // header and cookie, no options
constexpr unsigned DHCP_MAX_LEN = 1500 - 20 - 8;           // one Ethernet frame's UDP payload
constexpr uint16_t DHCP_BROADCAST_FLAG = 0x8000;

// Option codes used here (RFC 2132).
enum class dhcp_opt : uint8_t {
    pad = 0,
    subnet_mask = 1,
    router = 3,
    dns = 6,
    hostname = 12,
    domain = 15,
    broadcast = 28,
    ntp = 42,
    requested_ip = 50,
    lease_time = 51,
    overload = 52,
    msg_type = 53,
    server_id = 54,
    param_request = 55,
    message = 56,
    max_msg_size = 57,
    t1 = 58,
    t2 = 59,
    client_id = 61,
    end = 255,
};

enum class dhcp_type : uint8_t {
    none = 0,
    discover = 1,
    offer = 2,
    request = 3,
    decline = 4,
    ack = 5,
    nak = 6,
    release = 7,
    inform = 8,
};
const char* dhcp_type_name(dhcp_type t);

// Why a message was refused (each one a counter in the client).
enum class dhcp_parse_err : uint8_t {
    ok = 0,
    short_msg,        // shorter than the header and the cookie
    bad_header,       // op/htype/hlen not a BOOTREPLY over Ethernet
    bad_cookie,
    truncated,        // an option runs past its area (no length, or length too long)
    no_end,           // the options area ends without option 255
    bad_overload,     // option 52 malformed, or found inside sname/file
    too_many,         // more option segments than the parser keeps
    bad_length,       // a known option with a length its definition forbids
    no_type,          // no (or an unknown) DHCP message type
};
const char* dhcp_parse_err_name(dhcp_parse_err e);

// The options of one message. A code that appears more than once is
// concatenated in order (RFC 3396 3); the main area comes first, then
// file, then sname when option 52 says so (RFC 2131 4.1).
struct dhcp_options {
    static constexpr unsigned STORE = 1024;
    uint8_t data[STORE];
    uint16_t off[256];
    uint16_t len[256];
    bool have[256];
    uint8_t overload;      // option 52's value, 0 when absent

    const uint8_t* get(dhcp_opt code, unsigned* n) const {
        unsigned c = static_cast<uint8_t>(code);
        *n = len[c];
        return have[c] ? data + off[c] : nullptr;
    }
    bool has(dhcp_opt code) const { return have[static_cast<uint8_t>(code)]; }
};

// The header fields the client looks at, host order except addresses.
struct dhcp_header {
    uint8_t op, htype, hlen, hops;
    uint32_t xid;
    uint16_t secs, flags;
    __be32 ciaddr, yiaddr, siaddr, giaddr;
    uint8_t chaddr[16];
};

// Parses buf[0..len) (the UDP payload). ok or why not; *opts is filled as
// far as it got. Every option of dhcp_opt's list is length-checked.
dhcp_parse_err dhcp_parse(const uint8_t* buf, size_t len, dhcp_header* hdr, dhcp_options* opts);

// What a reply carries that the client uses, decoded from its options.
struct dhcp_info {
    dhcp_type type = dhcp_type::none;
    __be32 server_id = 0;
    __be32 netmask = 0;
    __be32 router = 0;
    __be32 broadcast = 0;
    __be32 dns[3] = {};
    __be32 ntp[3] = {};
    uint32_t lease = 0;       // seconds; 0xffffffff is infinite
    uint32_t t1 = 0, t2 = 0;  // 0: absent
    bool have_lease = false;
    char hostname[64] = {};
    char domain[64] = {};
    char message[64] = {};    // option 56, a NAK's reason
};
// Decodes opts (dhcp_parse said ok). bad_length when a field is malformed.
dhcp_parse_err dhcp_decode(const dhcp_options& opts, dhcp_info* info);

// Writes a client message: header, cookie, options, end; padded to the
// BOOTP minimum of 300 octets (RFC 1542 2.1) as Linux's ipconfig does.
class dhcp_builder {
public:
    dhcp_builder(uint8_t* buf, size_t cap);
    void header(uint32_t xid, uint16_t secs, __be32 ciaddr, const uint8_t* mac, bool broadcast);
    void option(dhcp_opt code, const void* data, size_t n);
    void option8(dhcp_opt code, uint8_t v) { option(code, &v, 1); }
    void option16(dhcp_opt code, uint16_t v);
    void option_addr(dhcp_opt code, __be32 a) { option(code, &a, 4); }
    // Ends the options; the message's length, 0 if it did not fit.
    size_t finish();

private:
    uint8_t* buf_;
    size_t cap_;
    size_t pos_;
    bool overflow_ = false;
};
