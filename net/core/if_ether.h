// Ethernet frame layout and EtherType values (IEEE 802.3 clause 3; Linux's
// include/uapi/linux/if_ether.h). Protocol numbers are host-order constants;
// compare them with a frame's type through htons().
#pragma once
#include <stdint.h>

#include "kernel/byteorder.h"

constexpr unsigned ETH_ALEN = 6;          // octets in one Ethernet address
constexpr unsigned ETH_TLEN = 2;          // octets in the type field
constexpr unsigned ETH_HLEN = 14;         // destination, source, type
constexpr unsigned ETH_ZLEN = 60;         // shortest frame without the FCS
constexpr unsigned ETH_DATA_LEN = 1500;   // largest payload (the MTU)
constexpr unsigned ETH_FRAME_LEN = 1514;  // largest frame without the FCS
constexpr unsigned ETH_FCS_LEN = 4;
constexpr unsigned ETH_MIN_MTU = 68;      // RFC 791: every host takes 68-octet datagrams
constexpr unsigned ETH_MAX_MTU = 0xffff;

// EtherTypes (IEEE registry) and Linux's pseudo types below 0x0600.
constexpr uint16_t ETH_P_LOOP = 0x0060;
constexpr uint16_t ETH_P_IP = 0x0800;
constexpr uint16_t ETH_P_ARP = 0x0806;
constexpr uint16_t ETH_P_8021Q = 0x8100;
constexpr uint16_t ETH_P_IPV6 = 0x86dd;
constexpr uint16_t ETH_P_802_3_MIN = 0x0600;  // below: an 802.3 length, not a type
constexpr uint16_t ETH_P_802_3 = 0x0001;      // Novell raw 802.3 (payload starts 0xffff)
constexpr uint16_t ETH_P_ALL = 0x0003;        // every packet: taps (ptype_all)
constexpr uint16_t ETH_P_802_2 = 0x0004;      // 802.2 LLC

struct ethhdr {
    uint8_t h_dest[ETH_ALEN];
    uint8_t h_source[ETH_ALEN];
    __be16 h_proto;
} __attribute__((packed));
static_assert(sizeof(ethhdr) == ETH_HLEN);
