// Ethernet devices and addresses (Linux's include/linux/etherdevice.h,
// net/ethernet/eth.c). Addresses are 6 bytes in wire order (IEEE 802-2014
// 8.2: bit 0 of the first octet is the group bit, bit 1 the local bit).
#pragma once
#include <stdint.h>
#include <string.h>

#include "net/core/if_ether.h"
#include "net/core/netdevice.h"

inline bool is_zero_ether_addr(const uint8_t* a) {
    return (a[0] | a[1] | a[2] | a[3] | a[4] | a[5]) == 0;
}
inline bool is_multicast_ether_addr(const uint8_t* a) { return a[0] & 0x01; }
inline bool is_local_ether_addr(const uint8_t* a) { return a[0] & 0x02; }
inline bool is_broadcast_ether_addr(const uint8_t* a) {
    return (a[0] & a[1] & a[2] & a[3] & a[4] & a[5]) == 0xff;
}
inline bool is_unicast_ether_addr(const uint8_t* a) { return !is_multicast_ether_addr(a); }
// Not multicast, not 00:00:00:00:00:00: usable as a station address.
inline bool is_valid_ether_addr(const uint8_t* a) { return !is_multicast_ether_addr(a) && !is_zero_ether_addr(a); }
inline bool ether_addr_equal(const uint8_t* a, const uint8_t* b) { return memcmp(a, b, ETH_ALEN) == 0; }
inline void ether_addr_copy(uint8_t* dst, const uint8_t* src) { memcpy(dst, src, ETH_ALEN); }
inline void eth_broadcast_addr(uint8_t* a) { memset(a, 0xff, ETH_ALEN); }
inline void eth_zero_addr(uint8_t* a) { memset(a, 0, ETH_ALEN); }

// Pads a frame to the 60-byte minimum for hardware that does not (IEEE
// 802.3 4.2.3.3). On failure the skb is freed and -ENOMEM returned.
inline int eth_skb_pad(sk_buff* skb) { return skb_put_padto(skb, ETH_ZLEN); }

inline ethhdr* eth_hdr(const sk_buff* skb) { return reinterpret_cast<ethhdr*>(skb_mac_header(skb)); }

// The Ethernet defaults: type, MTU 1500, 14-byte header, broadcast
// ff:ff:ff:ff:ff:ff, IFF_BROADCAST | IFF_MULTICAST, tx_queue_len 1000.
void ether_setup(net_device* dev);
// alloc_netdev(sizeof_priv, "eth%d", ether_setup).
net_device* alloc_etherdev(size_t sizeof_priv);
// A random locally administered unicast address into dev_addr (for a
// device without one; the generator is a fixed-seed xorshift, not secret).
void eth_hw_addr_random(net_device* dev);

// For a received frame at skb->data: sets dev, the MAC header and pkt_type
// (by destination: our address, broadcast, multicast, someone else's),
// pulls the header and returns the protocol (network order). A frame
// shorter than the header is counted (rx_length_errors, rx_errors) and
// left alone, and 0 returned: the core drops protocol 0 uncounted.
__be16 eth_type_trans(sk_buff* skb, net_device* dev);

// header_ops for Ethernet: eth_header pushes destination, source, type.
int eth_header(sk_buff* skb, net_device* dev, uint16_t type, const void* daddr, const void* saddr,
               unsigned int len);
int eth_header_parse(const sk_buff* skb, uint8_t* haddr);
extern const header_ops eth_header_ops;
