// IP_RECVERR's error queue for the inet datagram sockets: Linux's
// ip_icmp_error, ip_local_error and ip_recv_error (net/ipv4/ip_sockglue.c).
#include <string.h>

#include "kernel/uapi/errno.h"
#include "net/core/errqueue.h"
#include "net/core/sock.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/inet_sock.h"
#include "net/ipv4/ip.h"

// skb as a protocol's err_handler has it: data at the quoted IP header,
// the transport header at the ICMP header, the network header the outer
// IP header (its source is the offender). payload: where the quoted
// datagram's data starts, inside skb's data.
void ip_icmp_error(struct sock* sk, sk_buff* skb, int err, __be16 port, uint32_t info, const uint8_t* payload) {
    if (payload < skb->data || payload > skb->data + skb->len) {
        return;
    }
    sk_buff* e = skb_clone(skb, GFP_ATOMIC);
    if (!e) {
        return;
    }
    sock_exterr_skb* serr = SKB_EXT_ERR(e);
    const icmphdr* icmph = icmp_hdr(skb);
    serr->ee = {static_cast<uint32_t>(err), SO_EE_ORIGIN_ICMP, icmph->type, icmph->code, 0, info, 0};
    const auto* quoted = reinterpret_cast<const iphdr*>(skb->data);
    serr->addr_offset = static_cast<uint16_t>(reinterpret_cast<const uint8_t*>(&quoted->daddr) - skb_network_header(skb));
    serr->port = port;
    skb_pull(e, static_cast<unsigned>(payload - skb->data));
    skb_reset_transport_header(e);
    if (sock_queue_err_skb(sk, e) != 0) {
        kfree_skb(e);
    }
}

// An error found while sending (EMSGSIZE past the path MTU with DF): no
// datagram quoted, the destination in a header of our own making.
void ip_local_error(struct sock* sk, int err, __be32 daddr, __be16 port, uint32_t info) {
    sk_buff* skb = alloc_skb(sizeof(iphdr), GFP_ATOMIC);
    if (!skb) {
        return;
    }
    skb_put(skb, sizeof(iphdr));
    skb_reset_network_header(skb);
    auto* iph = reinterpret_cast<iphdr*>(skb->data);
    memset(iph, 0, sizeof *iph);
    iph->daddr = daddr;
    sock_exterr_skb* serr = SKB_EXT_ERR(skb);
    memset(serr, 0, sizeof *serr);
    serr->ee = {static_cast<uint32_t>(err), SO_EE_ORIGIN_LOCAL, 0, 0, 0, info, 0};
    serr->addr_offset = static_cast<uint16_t>(reinterpret_cast<uint8_t*>(&iph->daddr) - skb_network_header(skb));
    serr->port = port;
    skb_pull(skb, sizeof(iphdr));
    skb_reset_transport_header(skb);
    if (sock_queue_err_skb(sk, skb) != 0) {
        kfree_skb(skb);
    }
}

namespace {

struct errhdr {              // the IP_RECVERR control message
    sock_extended_err ee;
    sockaddr_in offender;    // SO_EE_OFFENDER
};

}  // namespace

// recvmsg(MSG_ERRQUEUE): the quoted payload, the address it was sent to,
// and IP_RECVERR with the error and who reported it. -EAGAIN when the
// queue is empty.
int ip_recv_error(struct sock* sk, msghdr* msg, size_t len, int* addr_len) {
    sk_buff* skb = sock_dequeue_err_skb(sk);
    if (!skb) {
        return -EAGAIN;
    }
    size_t copied = skb->len;
    if (copied > len) {
        msg->msg_flags |= MSG_TRUNC;
        copied = len;
    }
    int err = skb_copy_datagram_msg(skb, 0, msg, static_cast<int>(copied));
    if (err) {
        kfree_skb(skb);
        return err;
    }
    sock_exterr_skb* serr = SKB_EXT_ERR(skb);
    if (msg->msg_name) {
        auto* sin = static_cast<sockaddr_in*>(msg->msg_name);
        memset(sin, 0, sizeof *sin);
        sin->sin_family = AF_INET;
        memcpy(&sin->sin_addr.s_addr, skb_network_header(skb) + serr->addr_offset, sizeof(__be32));
        sin->sin_port = serr->port;
        *addr_len = sizeof *sin;
    }
    errhdr e{};
    e.ee = serr->ee;
    if (serr->ee.ee_origin == SO_EE_ORIGIN_ICMP) {
        e.offender.sin_family = AF_INET;
        e.offender.sin_addr.s_addr = ip_hdr(skb)->saddr;
        if (inet_sk(sk)->cmsg_flags) {
            ip_cmsg_recv(msg, sk, skb);   // of the ICMP message itself
        }
    }
    put_cmsg(msg, SOL_IP, IP_RECVERR, sizeof e, &e);
    msg->msg_flags |= MSG_ERRQUEUE;
    consume_skb(skb);
    return static_cast<int>(copied);
}
