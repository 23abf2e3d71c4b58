#include <string.h>

#include "kernel/byteorder.h"
#include "net/ethernet/etherdevice.h"

namespace {

// Which class of frame a destination makes it (Linux's eth_type_trans).
uint8_t classify(const ethhdr* eth, const net_device* dev) {
    if (is_multicast_ether_addr(eth->h_dest)) {
        return ether_addr_equal(eth->h_dest, dev->broadcast) ? PACKET_BROADCAST : PACKET_MULTICAST;
    }
    return ether_addr_equal(eth->h_dest, dev->dev_addr) ? PACKET_HOST : PACKET_OTHERHOST;
}

}  // namespace

__be16 eth_type_trans(sk_buff* skb, net_device* dev) {
    skb->dev = dev;
    skb_reset_mac_header(skb);
    if (skb->len < ETH_HLEN) {
        ++dev->stats.rx_length_errors;
        ++dev->stats.rx_errors;
        skb->pkt_type = PACKET_OTHERHOST;
        return 0;
    }
    const auto* eth = reinterpret_cast<const ethhdr*>(skb->data);
    skb->pkt_type = classify(eth, dev);
    skb_pull(skb, ETH_HLEN);
    __be16 proto;
    memcpy(&proto, &eth->h_proto, sizeof proto);
    if (ntohs(proto) >= ETH_P_802_3_MIN) {
        return proto;
    }
    // Below 0x0600 the field is an 802.3 length: the payload says what
    // follows. Novell's raw 802.3 starts with 0xffff (an IPX checksum that
    // is never used), anything else is 802.2 LLC.
    if (skb->len >= 2 && skb->data[0] == 0xff && skb->data[1] == 0xff) {
        return htons(ETH_P_802_3);
    }
    return htons(ETH_P_802_2);
}

int eth_header(sk_buff* skb, net_device* dev, uint16_t type, const void* daddr, const void* saddr,
               unsigned int len) {
    auto* eth = reinterpret_cast<ethhdr*>(skb_push(skb, ETH_HLEN));
    if (!eth) {
        return -static_cast<int>(ETH_HLEN);
    }
    // 802.3 frames carry their length, Ethernet II frames their type.
    __be16 proto = htons(type != ETH_P_802_3 && type != ETH_P_802_2 ? type : static_cast<uint16_t>(len));
    memcpy(&eth->h_proto, &proto, sizeof proto);
    memcpy(eth->h_source, saddr ? saddr : dev->dev_addr, ETH_ALEN);
    if (daddr) {
        memcpy(eth->h_dest, daddr, ETH_ALEN);
        return ETH_HLEN;
    }
    // No address: loopback needs none; anyone else must resolve it first.
    if (dev->flags & IFF_LOOPBACK) {
        eth_zero_addr(eth->h_dest);
        return ETH_HLEN;
    }
    return -static_cast<int>(ETH_HLEN);
}

int eth_header_parse(const sk_buff* skb, uint8_t* haddr) {
    if (!skb_mac_header_was_set(skb)) {
        return 0;
    }
    memcpy(haddr, eth_hdr(skb)->h_source, ETH_ALEN);
    return ETH_ALEN;
}

const header_ops eth_header_ops = {eth_header, eth_header_parse};

void ether_setup(net_device* dev) {
    dev->header_ops = &eth_header_ops;
    dev->type = ARPHRD_ETHER;
    dev->hard_header_len = ETH_HLEN;
    dev->mtu = ETH_DATA_LEN;
    dev->min_mtu = ETH_MIN_MTU;
    dev->max_mtu = ETH_DATA_LEN;
    dev->addr_len = ETH_ALEN;
    dev->tx_queue_len = DEFAULT_TX_QUEUE_LEN;
    dev->flags = IFF_BROADCAST | IFF_MULTICAST;
    eth_broadcast_addr(dev->broadcast);
}

net_device* alloc_etherdev(size_t sizeof_priv) { return alloc_netdev(sizeof_priv, "eth%d", ether_setup); }

void eth_hw_addr_random(net_device* dev) {
    static uint64_t s = 0x9e3779b97f4a7c15ull;
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    uint64_t r = s * 0x2545f4914f6cdd1dull;
    for (unsigned i = 0; i < ETH_ALEN; ++i) {
        dev->dev_addr[i] = static_cast<uint8_t>(r >> (8 * i));
    }
    dev->dev_addr[0] = static_cast<uint8_t>((dev->dev_addr[0] & 0xfe) | 0x02);  // unicast, local
}
