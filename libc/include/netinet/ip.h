/* The IPv4 header (<netinet/ip.h>, glibc's struct iphdr and BSD's struct ip). */
#ifndef _NETINET_IP_H
#define _NETINET_IP_H
#include <stdint.h>
#include <netinet/in.h>
#ifdef __cplusplus
extern "C" {
#endif

/* The version and header length share the first octet, version in the high
   nibble (RFC 791 3.1); gcc allocates bit-fields from the low bits on a
   little-endian machine and from the high bits on a big-endian one, so the
   order of the two declarations follows the byte order, as in glibc. */
struct iphdr {
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    unsigned int version : 4;
    unsigned int ihl : 4;
#else
    unsigned int ihl : 4;
    unsigned int version : 4;
#endif
    uint8_t tos;
    uint16_t tot_len;
    uint16_t id;
    uint16_t frag_off;
    uint8_t ttl;
    uint8_t protocol;
    uint16_t check;
    uint32_t saddr;
    uint32_t daddr;
};

struct ip {
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    unsigned int ip_v : 4;
    unsigned int ip_hl : 4;
#else
    unsigned int ip_hl : 4;
    unsigned int ip_v : 4;
#endif
    uint8_t ip_tos;
    unsigned short ip_len;
    unsigned short ip_id;
    unsigned short ip_off;
    uint8_t ip_ttl;
    uint8_t ip_p;
    unsigned short ip_sum;
    struct in_addr ip_src, ip_dst;
};

#define IP_RF 0x8000
#define IP_DF 0x4000
#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff
#define IPVERSION 4
#define IP_MAXPACKET 65535
#define MAXTTL 255
#define IPDEFTTL 64

#ifdef __cplusplus
}
#endif
#endif
