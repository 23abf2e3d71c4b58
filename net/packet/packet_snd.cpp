// Sending on packet sockets (Linux's packet_snd and packet_sendmsg_spkt in
// net/packet/af_packet.c): the frame, or the payload under a header the
// device builds, straight to dev_queue_xmit.
#include <string.h>

#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/ethernet/etherdevice.h"
#include "net/packet/packet_internal.h"

namespace {

// NET_XMIT_CN is success for the sender; the other codes are ENOBUFS.
int net_xmit_errno(int e) { return e != NET_XMIT_CN ? -ENOBUFS : 0; }

int xmit_result(int err) {
    if (err > 0) {
        err = net_xmit_errno(err);
    }
    return err;
}

// An Ethernet frame is at least its header (Linux's dev_validate_header
// without CAP_SYS_RAWIO's padding).
bool dev_validate_header(const net_device* dev, unsigned len) { return len >= dev->hard_header_len; }

bool is_vlan_frame(const sk_buff* skb, const net_device* dev) {
    return dev->type == ARPHRD_ETHER && skb->len >= ETH_HLEN &&
           reinterpret_cast<const ethhdr*>(skb->data)->h_proto == htons(ETH_P_8021Q);
}

// SOCK_RAW and SOCK_DGRAM send (Linux's packet_snd).
int packet_snd(socket* sock, msghdr* msg, size_t len) {
    struct sock* sk = sock->sk;
    packet_sock* po = pkt_sk(sk);
    auto* saddr = static_cast<sockaddr_ll*>(msg->msg_name);
    __be16 proto;
    const uint8_t* addr = nullptr;
    net_device* dev;
    if (!saddr) {
        dev = po->ifindex > 0 ? __dev_get_by_index(po->ifindex) : nullptr;
        proto = po->num;
    } else {
        if (msg->msg_namelen < static_cast<int>(sizeof(sockaddr_ll))) {
            return -EINVAL;
        }
        if (msg->msg_namelen < saddr->sll_halen + static_cast<int>(offsetof(sockaddr_ll, sll_addr))) {
            return -EINVAL;
        }
        proto = saddr->sll_protocol;
        dev = __dev_get_by_index(saddr->sll_ifindex);
        if (sock->type == SOCK_DGRAM) {
            if (dev && msg->msg_namelen < dev->addr_len + static_cast<int>(offsetof(sockaddr_ll, sll_addr))) {
                return -EINVAL;
            }
            addr = saddr->sll_addr;
        }
    }
    if (!dev) {
        return -ENXIO;
    }
    if (!(dev->flags & IFF_UP)) {
        return -ENETDOWN;
    }
    unsigned reserve = sock->type == SOCK_RAW ? dev->hard_header_len : 0;
    if (len > dev->mtu + reserve + VLAN_HLEN) {
        return -EMSGSIZE;
    }
    int err;
    unsigned hlen = LL_RESERVED_SPACE(dev);
    sk_buff* skb = sock_alloc_send_skb(sk, hlen + len, msg->msg_flags & MSG_DONTWAIT, &err);
    if (!skb) {
        return err;
    }
    skb_reserve(skb, static_cast<int>(hlen - reserve));
    skb_set_network_header(skb, static_cast<int>(reserve));
    if (sock->type == SOCK_DGRAM) {
        skb_reset_network_header(skb);
        int offset = dev_hard_header(skb, dev, ntohs(proto), addr, nullptr, static_cast<unsigned>(len));
        if (offset < 0) {
            kfree_skb(skb);
            return -EINVAL;
        }
    }
    if (skb_copy_datagram_from_msg(skb, msg, static_cast<int>(len))) {
        kfree_skb(skb);
        return -EFAULT;
    }
    if (sock->type == SOCK_RAW) {
        if (!dev_validate_header(dev, static_cast<unsigned>(len))) {
            kfree_skb(skb);
            return -EINVAL;
        }
        if (len > dev->mtu + reserve && !is_vlan_frame(skb, dev)) {
            kfree_skb(skb);
            return -EMSGSIZE;
        }
    }
    skb->protocol = proto;
    skb->dev = dev;
    skb->priority = sk->sk_priority;
    skb->mark = sk->sk_mark;
    err = xmit_result(dev_queue_xmit(skb));
    return err ? err : static_cast<int>(len);
}

}  // namespace

int packet_sendmsg(socket* sock, msghdr* msg, size_t len) { return packet_snd(sock, msg, len); }

// SOCK_PACKET send (Linux's packet_sendmsg_spkt): the device by name in a
// sockaddr_pkt, the whole frame from the caller.
int packet_sendmsg_spkt(socket* sock, msghdr* msg, size_t len) {
    struct sock* sk = sock->sk;
    auto* saddr = static_cast<sockaddr_pkt*>(msg->msg_name);
    __be16 proto = 0;
    if (!saddr) {
        return -ENOTCONN;   // SOCK_PACKET must be sent giving an address
    }
    if (msg->msg_namelen < static_cast<int>(sizeof(sockaddr))) {
        return -EINVAL;
    }
    if (msg->msg_namelen == static_cast<int>(sizeof(sockaddr_pkt))) {
        proto = saddr->spkt_protocol;
    }
    saddr->spkt_device[sizeof saddr->spkt_device - 1] = 0;
    net_device* dev = __dev_get_by_name(reinterpret_cast<const char*>(saddr->spkt_device));
    if (!dev) {
        return -ENODEV;
    }
    if (!(dev->flags & IFF_UP)) {
        return -ENETDOWN;
    }
    if (len > dev->mtu + dev->hard_header_len + VLAN_HLEN) {
        return -EMSGSIZE;
    }
    unsigned reserved = LL_RESERVED_SPACE(dev);
    sk_buff* skb = sock_wmalloc(sk, len + reserved, 0, GFP_KERNEL);
    if (!skb) {
        return -ENOBUFS;
    }
    unsigned hhlen = dev->header_ops ? dev->hard_header_len : 0;
    skb_reserve(skb, static_cast<int>(reserved - hhlen));
    skb_set_network_header(skb, static_cast<int>(hhlen));
    if (skb_copy_datagram_from_msg(skb, msg, static_cast<int>(len))) {
        kfree_skb(skb);
        return -EFAULT;
    }
    if (!dev_validate_header(dev, static_cast<unsigned>(len))) {
        kfree_skb(skb);
        return -EINVAL;
    }
    if (len > dev->mtu + dev->hard_header_len && !is_vlan_frame(skb, dev)) {
        kfree_skb(skb);
        return -EMSGSIZE;
    }
    skb->protocol = proto;
    skb->dev = dev;
    skb->priority = sk->sk_priority;
    skb->mark = sk->sk_mark;
    dev_queue_xmit(skb);
    return static_cast<int>(len);
}
