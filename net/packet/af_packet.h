// Packet sockets, packet(7) (Linux's net/packet/af_packet.c and
// include/uapi/linux/if_packet.h): whole frames or their payloads straight
// from and to a device. A packet socket's prot_hook (a packet_type) sits on
// ptype_all for ETH_P_ALL or on ptype_base for one protocol, so
// netif_receive_skb hands it every matching frame; outgoing frames reach
// ptype_all taps as PACKET_OUTGOING.
//
//   SOCK_RAW:    the frame with its link header (packet_rcv, packet_snd)
//   SOCK_DGRAM:  the payload; the kernel builds the header from sll_addr
//   SOCK_PACKET: the obsolete interface of Linux 2.0 (packet_ops_spkt,
//                packet_rcv_spkt, struct sockaddr_pkt), as Linux's net/packet/af_packet.c keeps it
#pragma once
#include <stdint.h>

#include "kernel/byteorder.h"
#include "net/core/if_packet.h"

// Link-layer addresses (struct sockaddr_ll), 20 bytes.
struct sockaddr_ll {
    uint16_t sll_family;     // AF_PACKET
    __be16 sll_protocol;     // EtherType, network order
    int sll_ifindex;         // 0: any (bind), required (sendto)
    uint16_t sll_hatype;     // ARPHRD_*
    uint8_t sll_pkttype;     // PACKET_HOST...
    uint8_t sll_halen;
    uint8_t sll_addr[8];
};
static_assert(sizeof(sockaddr_ll) == 20);

// SOCK_PACKET's address: the device by name (struct sockaddr_pkt).
struct sockaddr_pkt {
    uint16_t spkt_family;
    uint8_t spkt_device[14];
    __be16 spkt_protocol;
};
static_assert(sizeof(sockaddr_pkt) == 18);

// SOL_PACKET options.
constexpr int PACKET_ADD_MEMBERSHIP = 1;
constexpr int PACKET_DROP_MEMBERSHIP = 2;
constexpr int PACKET_RECV_OUTPUT = 3;
constexpr int PACKET_RX_RING = 5;
constexpr int PACKET_STATISTICS = 6;
constexpr int PACKET_COPY_THRESH = 7;
constexpr int PACKET_AUXDATA = 8;
constexpr int PACKET_ORIGDEV = 9;
constexpr int PACKET_VERSION = 10;
constexpr int PACKET_HDRLEN = 11;
constexpr int PACKET_RESERVE = 12;
constexpr int PACKET_TX_RING = 13;
constexpr int PACKET_LOSS = 14;
constexpr int PACKET_VNET_HDR = 15;
constexpr int PACKET_FANOUT = 18;
constexpr int PACKET_IGNORE_OUTGOING = 23;

struct packet_mreq {
    int mr_ifindex;
    uint16_t mr_type;        // PACKET_MR_*
    uint16_t mr_alen;
    uint8_t mr_address[8];
};
static_assert(sizeof(packet_mreq) == 16);
constexpr uint16_t PACKET_MR_MULTICAST = 0;
constexpr uint16_t PACKET_MR_PROMISC = 1;
constexpr uint16_t PACKET_MR_ALLMULTI = 2;
constexpr uint16_t PACKET_MR_UNICAST = 3;

// PACKET_STATISTICS: frames seen (queued and dropped) and dropped since
// the last read, which resets them.
struct tpacket_stats {
    unsigned tp_packets;
    unsigned tp_drops;
};

struct socket;
// The IPv4 address, route and ARP ioctls answer on packet sockets too, as
// Linux's packet_ioctl passes them to inet_dgram_ops when CONFIG_INET is
// set: PF_INET registers its ioctl here when it comes up.
void packet_register_inet_ioctl(int (*ioctl)(socket* sock, unsigned cmd, unsigned long arg));

// Linux's module_init(packet_init): proto_register(&packet_proto),
// sock_register(&packet_family_ops), the netdevice notifier, /proc/net/packet.
int packet_init();
