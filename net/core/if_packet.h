// Packet classes (Linux's include/uapi/linux/if_packet.h): sk_buff::pkt_type,
// and sockaddr_ll::sll_pkttype for packet sockets. Values are the ABI's.
#pragma once
#include <stdint.h>

constexpr uint8_t PACKET_HOST = 0;       // to us
constexpr uint8_t PACKET_BROADCAST = 1;  // to all
constexpr uint8_t PACKET_MULTICAST = 2;  // to a group
constexpr uint8_t PACKET_OTHERHOST = 3;  // to someone else (seen in promiscuous mode)
constexpr uint8_t PACKET_OUTGOING = 4;   // sent by us, seen by a tap
constexpr uint8_t PACKET_LOOPBACK = 5;
