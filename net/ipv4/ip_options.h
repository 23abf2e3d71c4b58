// IPv4 options (RFC 791 3.1 "Options", Linux's net/ipv4/ip_options.c):
// checked on receive and on output, rewritten for fragments.
#pragma once
#include <stdint.h>

constexpr uint8_t IPOPT_COPY = 0x80;        // copied into every fragment
constexpr uint8_t IPOPT_END = 0;
constexpr uint8_t IPOPT_NOOP = 1;
constexpr uint8_t IPOPT_RR = 7;             // record route
constexpr uint8_t IPOPT_TIMESTAMP = 68;
constexpr uint8_t IPOPT_SEC = 130;          // security (RFC 1108)
constexpr uint8_t IPOPT_LSRR = 131;         // loose source route
constexpr uint8_t IPOPT_SID = 136;          // stream id
constexpr uint8_t IPOPT_SSRR = 137;         // strict source route
constexpr uint8_t IPOPT_RA = 148;           // router alert (RFC 2113)
constexpr uint8_t IPOPT_TS_TSONLY = 0;
constexpr uint8_t IPOPT_TS_TSANDADDR = 1;
constexpr uint8_t IPOPT_TS_PRESPEC = 3;

// What the options hold: offsets from the start of the IP header, 0 if
// absent (Linux's struct ip_options).
struct ip_options_info {
    uint8_t srr;           // a source route (LSRR or SSRR)
    uint8_t rr;
    uint8_t ts;
    uint8_t router_alert;
    bool is_strictroute;
};

// Checks optlen octets of options that follow a 20-octet header. 0, or
// -EINVAL with *pp_ptr the octet offset (from the header's start) of the
// offending field, for ICMP parameter problem (RFC 792). Each kind may
// appear once; unknown kinds with a sane length are accepted (RFC 1122
// 3.2.1.8: "MUST ignore options it does not understand").
int ip_options_compile(const uint8_t* opt, unsigned optlen, ip_options_info* info, unsigned* pp_ptr);
// Replaces every option without the copy flag by NOOPs, keeping the
// header's length (Linux's ip_options_fragment): the header of the
// second and later fragments.
void ip_options_fragment(uint8_t* opt, unsigned optlen);
