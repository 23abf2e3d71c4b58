// Link-layer hardware types (Linux's include/uapi/linux/if_arp.h):
// net_device::type, sockaddr_ll::sll_hatype, and ARP's hardware type for the
// ones IANA assigns (RFC 826; IANA "Hardware Types").
#pragma once
#include <stdint.h>

constexpr uint16_t ARPHRD_ETHER = 1;        // IANA: Ethernet (10 Mb)
constexpr uint16_t ARPHRD_LOOPBACK = 772;   // Linux's own
constexpr uint16_t ARPHRD_NONE = 0xfffe;
