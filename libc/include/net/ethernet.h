/* Ethernet frames (<net/ethernet.h>, glibc's names). */
#ifndef _NET_ETHERNET_H
#define _NET_ETHERNET_H
#include <stdint.h>
#include <netinet/if_ether.h>
#ifdef __cplusplus
extern "C" {
#endif

struct ether_addr {
    uint8_t ether_addr_octet[ETH_ALEN];
} __attribute__((packed));

struct ether_header {
    uint8_t ether_dhost[ETH_ALEN];
    uint8_t ether_shost[ETH_ALEN];
    uint16_t ether_type;
} __attribute__((packed));

#define ETHERTYPE_IP 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_REVARP 0x8035
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_LOOPBACK 0x9000
#define ETHER_ADDR_LEN ETH_ALEN
#define ETHER_HDR_LEN ETH_HLEN
#define ETHERMTU ETH_DATA_LEN

#ifdef __cplusplus
}
#endif
#endif
