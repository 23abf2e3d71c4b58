// Receiving on packet sockets (Linux's packet_rcv, packet_rcv_spkt and
// packet_recvmsg in net/packet/af_packet.c): the handlers dev_add_pack put
// on ptype_all or ptype_base, called by netif_receive_skb, queue a clone
// with its link-layer address; recvmsg hands frames out one at a time.
#include <string.h>

#include "kernel/cpu.h"
#include "kernel/trace.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/core/skbuff.h"
#include "net/packet/packet_internal.h"

namespace {

// What Linux's packet_rcv_has_room and run_filter leave: no BPF here.
bool rcv_has_room(struct sock* sk) { return sk_rmem_alloc_get(sk) < sk->sk_rcvbuf; }

void count_drop(struct sock* sk) {
    __atomic_add_fetch(&pkt_sk(sk)->tp_drops, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&sk->sk_drops, 1, __ATOMIC_RELAXED);
}

}  // namespace

// The receive handler of SOCK_RAW and SOCK_DGRAM sockets (Linux's
// po->prot_hook.func, called by netif_receive_skb through deliver_skb).
// The skb may be shared with other handlers: it is restored before it is
// given back, and what is queued is a clone.
int packet_rcv(sk_buff* skb, net_device* dev, packet_type* pt, net_device* orig_dev) {
    trace::scope t(trace::cat::rx, "packet_rcv");
    if (skb->pkt_type == PACKET_LOOPBACK) {
        consume_skb(skb);
        return 0;
    }
    struct sock* sk = static_cast<struct sock*>(pt->af_packet_priv);
    packet_sock* po = pkt_sk(sk);
    skb->dev = dev;
    uint8_t* skb_head = skb->data;
    unsigned skb_len = skb->len;
    if (dev->header_ops) {
        // The device has a link header: SOCK_RAW sees it, SOCK_DGRAM
        // starts at the network header (outgoing frames still have theirs
        // at data).
        if (sk->sk_type != SOCK_DGRAM) {
            skb_push(skb, static_cast<unsigned>(skb->data - skb_mac_header(skb)));
        } else if (skb->pkt_type == PACKET_OUTGOING) {
            skb_pull(skb, static_cast<unsigned>(skb_network_offset(skb)));
        }
    }
    auto restore = [&] {
        if (skb_head != skb->data && skb_shared(skb)) {
            skb->data = skb_head;
            skb->len = skb_len;
        }
    };
    if (!rcv_has_room(sk)) {
        count_drop(sk);
        restore();
        kfree_skb(skb);
        return 0;
    }
    if (skb_shared(skb)) {
        sk_buff* nskb = skb_clone(skb, GFP_ATOMIC);
        if (!nskb) {
            count_drop(sk);
            restore();
            kfree_skb(skb);
            return 0;
        }
        if (skb_head != skb->data) {
            skb->data = skb_head;
            skb->len = skb_len;
        }
        consume_skb(skb);
        skb = nskb;
    }
    sockaddr_ll* sll = &PACKET_SKB_CB(skb)->sa.ll;
    memset(sll, 0, sizeof *sll);
    sll->sll_hatype = dev->type;
    sll->sll_pkttype = skb->pkt_type;
    sll->sll_ifindex = po->origdev ? orig_dev->ifindex : dev->ifindex;
    sll->sll_halen = static_cast<uint8_t>(dev_parse_header(skb, sll->sll_addr));
    PACKET_SKB_CB(skb)->origlen = skb->len;
    skb_set_owner_r(skb, sk);
    skb->dev = nullptr;
    {
        cpu::irq_guard guard;
        ++po->tp_packets;
        __skb_queue_tail(&sk->sk_receive_queue, skb);
    }
    sk->sk_data_ready(sk);
    return 0;
}

// SOCK_PACKET's handler (Linux's packet_rcv_spkt): every frame with its
// link header, the device named in a sockaddr_pkt.
int packet_rcv_spkt(sk_buff* skb, net_device* dev, packet_type* pt, net_device*) {
    trace::scope t(trace::cat::rx, "packet_rcv_spkt");
    struct sock* sk = static_cast<struct sock*>(pt->af_packet_priv);
    if (skb->pkt_type == PACKET_LOOPBACK) {
        kfree_skb(skb);
        return 0;
    }
    skb = skb_share_check(skb, GFP_ATOMIC);
    if (!skb) {
        return 0;
    }
    sockaddr_pkt* spkt = &PACKET_SKB_CB(skb)->sa.pkt;
    skb_push(skb, static_cast<unsigned>(skb->data - skb_mac_header(skb)));
    memset(spkt, 0, sizeof *spkt);
    spkt->spkt_family = dev->type;
    strncpy(reinterpret_cast<char*>(spkt->spkt_device), dev->name, sizeof spkt->spkt_device - 1);
    spkt->spkt_protocol = skb->protocol;
    if (sock_queue_rcv_skb(sk, skb) == 0) {
        return 0;
    }
    kfree_skb(skb);
    return 0;
}

// Linux's packet_recvmsg: one frame, cut to the buffer (MSG_TRUNC says
// so, and with MSG_TRUNC in flags the whole length is returned), its
// sockaddr_ll (or sockaddr_pkt) as the source address.
int packet_recvmsg(socket* sock, msghdr* msg, size_t len, int flags) {
    struct sock* sk = sock->sk;
    if (static_cast<unsigned>(flags) & ~(MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC | MSG_ERRQUEUE)) {
        return -EINVAL;
    }
    if (static_cast<unsigned>(flags) & MSG_ERRQUEUE) {
        return -EAGAIN;   // no error queue: nothing there (Linux: sock_recv_errqueue)
    }
    int err;
    sk_buff* skb = skb_recv_datagram(sk, static_cast<unsigned>(flags), &err);
    if (!skb) {
        return err;
    }
    size_t copied = skb->len;
    if (copied > len) {
        copied = len;
        msg->msg_flags |= MSG_TRUNC;
    }
    err = skb_copy_datagram_msg(skb, 0, msg, static_cast<int>(copied));
    if (err) {
        skb_free_datagram(sk, skb);
        return err;
    }
    if (sock->type != SOCK_PACKET) {
        sockaddr_ll* sll = &PACKET_SKB_CB(skb)->sa.ll;
        sll->sll_family = AF_PACKET;
        sll->sll_protocol = skb->protocol;
    }
    sock_recv_timestamp(msg, sk, skb);
    if (msg->msg_name) {
        if (sock->type == SOCK_PACKET) {
            msg->msg_namelen = sizeof(sockaddr_pkt);
            memcpy(msg->msg_name, &PACKET_SKB_CB(skb)->sa.pkt, sizeof(sockaddr_pkt));
        } else {
            sockaddr_ll* sll = &PACKET_SKB_CB(skb)->sa.ll;
            msg->msg_namelen = static_cast<int>(offsetof(sockaddr_ll, sll_addr)) + sll->sll_halen;
            memcpy(msg->msg_name, sll, sizeof *sll);
        }
    }
    err = static_cast<int>((static_cast<unsigned>(flags) & MSG_TRUNC) ? skb->len : copied);
    skb_free_datagram(sk, skb);
    return err;
}
