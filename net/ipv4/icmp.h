// ICMP for IPv4 (RFC 792, host rules RFC 1122 3.2.2; Linux's
// net/ipv4/icmp.c): echo and timestamp replies, errors delivered to the
// protocol that caused them, and icmp_send() for the errors this host
// generates, with RFC 1122's rules on when not to (3.2.2) and a token
// bucket against floods.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/byteorder.h"
#include "net/core/checksum.h"
#include "net/core/skbuff.h"

struct icmphdr {
    uint8_t type;
    uint8_t code;
    __sum16 checksum;
    union {
        struct {
            __be16 id;
            __be16 sequence;
        } echo;
        __be32 gateway;
        struct {
            __be16 unused;
            __be16 mtu;
        } frag;
        uint8_t reserved[4];
    } un;
};
static_assert(sizeof(icmphdr) == 8);

inline icmphdr* icmp_hdr(const sk_buff* skb) { return reinterpret_cast<icmphdr*>(skb_transport_header(skb)); }

// Types (RFC 792, RFC 950).
constexpr uint8_t ICMP_ECHOREPLY = 0;
constexpr uint8_t ICMP_DEST_UNREACH = 3;
constexpr uint8_t ICMP_SOURCE_QUENCH = 4;
constexpr uint8_t ICMP_REDIRECT = 5;
constexpr uint8_t ICMP_ECHO = 8;
constexpr uint8_t ICMP_TIME_EXCEEDED = 11;
constexpr uint8_t ICMP_PARAMETERPROB = 12;
constexpr uint8_t ICMP_TIMESTAMP = 13;
constexpr uint8_t ICMP_TIMESTAMPREPLY = 14;
constexpr uint8_t ICMP_INFO_REQUEST = 15;
constexpr uint8_t ICMP_INFO_REPLY = 16;
constexpr uint8_t ICMP_ADDRESS = 17;
constexpr uint8_t ICMP_ADDRESSREPLY = 18;
constexpr uint8_t NR_ICMP_TYPES = 18;

// Destination unreachable codes.
constexpr uint8_t ICMP_NET_UNREACH = 0;
constexpr uint8_t ICMP_HOST_UNREACH = 1;
constexpr uint8_t ICMP_PROT_UNREACH = 2;
constexpr uint8_t ICMP_PORT_UNREACH = 3;
constexpr uint8_t ICMP_FRAG_NEEDED = 4;
constexpr uint8_t ICMP_SR_FAILED = 5;
constexpr uint8_t NR_ICMP_UNREACH = 15;
// Time exceeded codes.
constexpr uint8_t ICMP_EXC_TTL = 0;
constexpr uint8_t ICMP_EXC_FRAGTIME = 1;

// RFC 1122 3.2.2.1's unreachable codes as errnos, and whether each is
// hard (reported on a connected socket without IP_RECVERR): Linux's
// icmp_err_convert, for raw sockets and UDP.
struct icmp_err {
    int errnum;
    bool fatal;
};
extern const icmp_err icmp_err_convert[NR_ICMP_UNREACH + 1];

// Whether a type is an error message (RFC 1122 3.2.2: no error about one).
bool icmp_is_error(uint8_t type);

// Sends an ICMP error about skb_in (data anywhere, skb_network_header at
// its IP header; a received datagram or one we were sending) to its
// source: type, code, and info (the MTU for ICMP_FRAG_NEEDED, the octet
// pointer for a parameter problem, in the second word). Nothing is sent
// (RFC 1122 3.2.2) about an ICMP error, a fragment other than the first,
// a datagram sent to a broadcast or multicast address (link or IP), one
// whose source is not a single host, or when the rate limit says no.
// skb_in is not consumed. UDP calls this for port unreachable.
void icmp_send(sk_buff* skb_in, uint8_t type, uint8_t code, uint32_t info);

// The IPPROTO_ICMP handler: skb->data at the ICMP header.
int icmp_rcv(sk_buff* skb);

// The error token bucket (Linux's icmp_msgs_per_sec, icmp_msgs_burst) and
// policy knobs, as sysctls.
struct icmp_sysctl {
    unsigned msgs_per_sec = 1000;
    unsigned msgs_burst = 50;
    bool echo_ignore_all = false;
    bool echo_ignore_broadcasts = true;   // RFC 1122 3.2.2.6 MAY; Linux's default
};
extern icmp_sysctl sysctl_icmp;

void icmp_init();   // inet_add_protocol(IPPROTO_ICMP), bucket full
void icmp_exit();
