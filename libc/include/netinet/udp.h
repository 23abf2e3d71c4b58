/* UDP (<netinet/udp.h>, glibc's struct udphdr in both spellings, and
   Linux's SOL_UDP options from include/uapi/linux/udp.h). */
#ifndef _NETINET_UDP_H
#define _NETINET_UDP_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

struct udphdr {
    union {
        struct {
            uint16_t uh_sport;
            uint16_t uh_dport;
            uint16_t uh_ulen;
            uint16_t uh_sum;
        };
        struct {
            uint16_t source;
            uint16_t dest;
            uint16_t len;
            uint16_t check;
        };
    };
};

#define SOL_UDP 17
#define UDP_CORK 1
#define UDP_ENCAP 100

#ifdef __cplusplus
}
#endif
#endif
