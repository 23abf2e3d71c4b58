// IPv4 receive: header checks (RFC 791 3.1, RFC 1122 3.2.1), the local
// delivery decision, and delivery to the protocols (Linux's
// net/ipv4/ip_input.c).
#include <stdint.h>
#include <string.h>

#include "kernel/printk.h"
#include "kernel/trace.h"
#include "net/core/netdevice.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/ip_options.h"
#include "net/ipv4/protocol.h"
#include "net/ipv4/raw.h"
#include "net/ipv4/route.h"
#include "net/ipv4/snmp.h"

namespace {

packet_type ip_packet_type;

int drop(sk_buff* skb, ipstats_mib why) {
    IP_INC_STATS(why);
    kfree_skb(skb);
    return NET_RX_DROP;
}

// MIPS traps on unaligned word loads: a header that a driver left off a
// 4-octet boundary is copied to one that is not (never for buffers from
// netdev_alloc_skb_ip_align, which are aligned).
sk_buff* ip_realign(sk_buff* skb) {
    if ((reinterpret_cast<uintptr_t>(skb->data) & 3) == 0) {
        return skb;
    }
    unsigned headroom = (skb_headroom(skb) + 3) & ~3u;
    sk_buff* copy = skb_copy_expand(skb, headroom, 0, GFP_ATOMIC);
    kfree_skb(skb);
    if (copy && (reinterpret_cast<uintptr_t>(copy->data) & 3) != 0) {
        kfree_skb(copy);  // the allocator does not align buffers: nothing to do
        return nullptr;
    }
    return copy;
}

// Linux's ip_protocol_deliver_rcu: raw sockets see the datagram first,
// then its protocol; nobody wanting it is ICMP protocol unreachable
// (RFC 1122 3.2.2.1).
int ip_protocol_deliver(sk_buff* skb, uint8_t protocol) {
    for (;;) {
        bool raw = raw_local_deliver(skb, protocol);
        const net_protocol* ipprot = inet_protocol(protocol);
        if (ipprot && ipprot->handler) {
            int ret = ipprot->handler(skb);
            if (ret < 0) {
                protocol = static_cast<uint8_t>(-ret);
                continue;
            }
            IP_INC_STATS(IPSTATS_MIB_INDELIVERS);
            return NET_RX_SUCCESS;
        }
        if (raw) {
            IP_INC_STATS(IPSTATS_MIB_INDELIVERS);
            consume_skb(skb);
            return NET_RX_SUCCESS;
        }
        IP_INC_STATS(IPSTATS_MIB_INUNKNOWNPROTOS);
        icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
        kfree_skb(skb);
        return NET_RX_DROP;
    }
}

int ip_local_deliver_finish(sk_buff* skb) {
    unsigned ihl = ip_hdrlen(skb);
    skb_pull(skb, ihl);
    skb_reset_transport_header(skb);
    return ip_protocol_deliver(skb, ip_hdr(skb)->protocol);
}

// Options of a datagram for us: malformed is a parameter problem
// (RFC 1122 3.2.1.8), a source route is refused as Linux's hosts do
// (accept_source_route=0).
bool ip_rcv_options(sk_buff* skb) {
    inet_skb_parm* cb = IPCB(skb);
    ip_options_info info;
    unsigned pp_ptr = 0;
    if (ip_options_compile(skb->data + sizeof(iphdr), cb->optlen, &info, &pp_ptr) != 0) {
        icmp_send(skb, ICMP_PARAMETERPROB, 0, pp_ptr << 24);
        IP_INC_STATS(IPSTATS_MIB_INHDRERRORS);
        return false;
    }
    if (info.router_alert) {
        cb->flags |= IPSKB_ROUTER_ALERT;
    }
    if (info.srr) {
        cb->flags |= IPSKB_SRR;
        IP_INC_STATS(IPSTATS_MIB_INDISCARDS);
        return false;
    }
    return true;
}

// Linux's ip_rcv_finish: route first (only a datagram for us gets its
// options checked and maybe a parameter problem back), then options.
int ip_rcv_finish(sk_buff* skb, net_device* dev) {
    const iphdr* iph = ip_hdr(skb);
    if (ip_route_input(skb, iph->daddr, iph->saddr, iph->tos, dev) != 0) {
        return drop(skb, IPSTATS_MIB_INADDRERRORS);
    }
    if (IPCB(skb)->optlen && !ip_rcv_options(skb)) {
        kfree_skb(skb);
        return NET_RX_DROP;
    }
    uint8_t type = IPCB(skb)->rt_type;
    if (type == RTN_MULTICAST) {
        IP_INC_STATS(IPSTATS_MIB_INMCASTPKTS);
    } else if (type == RTN_BROADCAST) {
        IP_INC_STATS(IPSTATS_MIB_INBCASTPKTS);
    } else if (skb->pkt_type == PACKET_BROADCAST || skb->pkt_type == PACKET_MULTICAST) {
        // RFC 1122 3.3.6: a link broadcast must carry an IP broadcast or
        // multicast destination.
        return drop(skb, IPSTATS_MIB_INADDRERRORS);
    }
    return ip_local_deliver(skb);
}

}  // namespace

int ip_rcv(sk_buff* skb, net_device* dev, packet_type*, net_device*) {
    trace::scope t(trace::cat::rx, "ip_rcv");
    if (skb->pkt_type == PACKET_OTHERHOST) {
        kfree_skb(skb);  // someone else's frame (promiscuous mode): not IP's business
        return NET_RX_DROP;
    }
    IP_INC_STATS(IPSTATS_MIB_INRECEIVES);
    IP_ADD_STATS(IPSTATS_MIB_INOCTETS, skb->len);
    skb = skb_share_check(skb, GFP_ATOMIC);
    if (!skb) {
        IP_INC_STATS(IPSTATS_MIB_INDISCARDS);
        return NET_RX_DROP;
    }
    if (!pskb_may_pull(skb, sizeof(iphdr))) {
        return drop(skb, IPSTATS_MIB_INHDRERRORS);
    }
    skb = ip_realign(skb);
    if (!skb) {
        IP_INC_STATS(IPSTATS_MIB_INDISCARDS);
        return NET_RX_DROP;
    }
    skb_reset_network_header(skb);
    const iphdr* iph = ip_hdr(skb);
    unsigned ihl = iph->ihl() * 4;
    if (iph->ihl() < 5 || iph->version() != IPVERSION || !pskb_may_pull(skb, ihl)) {
        return drop(skb, IPSTATS_MIB_INHDRERRORS);
    }
    if (ip_fast_csum(iph, iph->ihl()) != 0) {
        IP_INC_STATS(IPSTATS_MIB_CSUMERRORS);
        return drop(skb, IPSTATS_MIB_INHDRERRORS);
    }
    unsigned len = ntohs(iph->tot_len);
    if (skb->len < len) {
        return drop(skb, IPSTATS_MIB_INTRUNCATEDPKTS);
    }
    if (len < ihl) {
        return drop(skb, IPSTATS_MIB_INHDRERRORS);
    }
    if (skb->len > len) {
        skb_trim(skb, len);  // the link's padding (Ethernet's 60-octet minimum)
        if (skb->ip_summed == CHECKSUM_COMPLETE) {
            skb->ip_summed = CHECKSUM_NONE;
        }
    }
    skb_set_transport_header(skb, static_cast<int>(ihl));
    memset(IPCB(skb), 0, sizeof(inet_skb_parm));
    IPCB(skb)->iif = dev->ifindex;
    IPCB(skb)->optlen = static_cast<uint8_t>(ihl - sizeof(iphdr));
    return ip_rcv_finish(skb, dev);
}

int ip_local_deliver(sk_buff* skb) {
    if (ip_is_fragment(ip_hdr(skb))) {
        skb = ip_defrag(skb);
        if (!skb) {
            return NET_RX_SUCCESS;
        }
    }
    return ip_local_deliver_finish(skb);
}

void ip_init() {
    ip_rt_init();
    ip_output_init();
    devinet_init();
    ip_packet_type = {};
    ip_packet_type.type = htons(ETH_P_IP);
    ip_packet_type.func = ip_rcv;
    dev_add_pack(&ip_packet_type);
}

void ip_exit() {
    dev_remove_pack(&ip_packet_type);
    devinet_exit();
    fib_flush();
}
