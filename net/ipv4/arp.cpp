// ARP: the protocol side of the neighbour cache (RFC 826, RFC 5227).
#include "net/ipv4/arp.h"

#include <string.h>

#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/ethernet/etherdevice.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/neighbour.h"
#include "net/ipv4/route.h"
#include "net/ipv4/snmp.h"

namespace {

// The Ethernet/IPv4 body after arphdr (RFC 826 "Packet format").
struct arp_body {
    uint8_t sha[ETH_ALEN];
    __be32 sip;
    uint8_t tha[ETH_ALEN];
    __be32 tip;
};

void put_body(uint8_t* p, const arp_body& b) {
    memcpy(p, b.sha, ETH_ALEN);
    memcpy(p + 6, &b.sip, 4);
    memcpy(p + 10, b.tha, ETH_ALEN);
    memcpy(p + 16, &b.tip, 4);
}

arp_body get_body(const uint8_t* p) {
    arp_body b;
    memcpy(b.sha, p, ETH_ALEN);
    memcpy(&b.sip, p + 6, 4);
    memcpy(b.tha, p + 10, ETH_ALEN);
    memcpy(&b.tip, p + 16, 4);
    return b;
}

bool arp_capable(const net_device* dev) {
    return dev->type == ARPHRD_ETHER && dev->addr_len == ETH_ALEN && !(dev->flags & (IFF_NOARP | IFF_LOOPBACK));
}

// Linux's arp_solicit: the request's source is the waiting packet's when
// that is ours (so the target learns the address it will answer), else
// the device's address for that subnet.
void arp_solicit(neighbour* n, sk_buff* skb, bool unicast) {
    net_device* dev = n->dev;
    __be32 saddr = 0;
    if (skb && inet_ifa_find(dev, ip_hdr(skb)->saddr)) {
        saddr = ip_hdr(skb)->saddr;
    } else {
        saddr = inet_select_addr(dev, n->primary_key);
    }
    ARP_INC_STATS(ARP_MIB_OUTREQUESTS);
    arp_send(ARPOP_REQUEST, n->primary_key, dev, saddr, unicast ? n->ha : nullptr, nullptr, nullptr);
}

// RFC 1122 2.3.2.2 / Linux: tell the sender its destination is unreachable.
void arp_error_report(neighbour*, sk_buff* skb) { icmp_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0); }

const neigh_ops arp_ops = {arp_solicit, arp_error_report};

packet_type arp_packet_type;

// RFC 826 "Packet Reception" with Linux's refinements (arp_process).
// Returns the ARP_MIB counter that explains a drop, or __ARP_MIB_MAX when
// the packet was used.
arp_mib arp_process(sk_buff* skb, net_device* dev) {
    const auto* arp = reinterpret_cast<const arphdr*>(skb->data);
    if (arp->ar_hrd != htons(ARPHRD_ETHER) || arp->ar_pro != htons(ETH_P_IP) || arp->ar_hln != ETH_ALEN ||
        arp->ar_pln != 4) {
        return ARP_MIB_INERRORS;
    }
    uint16_t op = ntohs(arp->ar_op);
    if (op != ARPOP_REQUEST && op != ARPOP_REPLY) {
        return ARP_MIB_INERRORS;
    }
    arp_body b = get_body(skb->data + sizeof(arphdr));
    // A station address is unicast and not zero; the protocol addresses
    // must be usable ones (sip 0 is RFC 5227's probe).
    if (!is_valid_ether_addr(b.sha) || ipv4_is_multicast(b.tip) || ipv4_is_loopback(b.tip) ||
        ipv4_is_multicast(b.sip) || ipv4_is_lbcast(b.sip) || ipv4_is_loopback(b.sip) || ipv4_is_class_e(b.sip)) {
        return ARP_MIB_INERRORS;
    }
    ARP_INC_STATS(op == ARPOP_REQUEST ? ARP_MIB_INREQUESTS : ARP_MIB_INREPLIES);
    if (ether_addr_equal(b.sha, dev->dev_addr)) {
        return ARP_MIB_INDISCARDS;  // our own, looped back by a switch or tap
    }
    if (inet_ifa_find(dev, b.sip)) {
        // RFC 5227 2.4: someone else claims our address. Logged and counted;
        // the cache never holds our own address.
        char a[INET_ADDRSTRLEN];
        pr_warn("arp: %s: address %s claimed by %02x:%02x:%02x:%02x:%02x:%02x\n", dev->name, in_ntoa(b.sip, a),
                b.sha[0], b.sha[1], b.sha[2], b.sha[3], b.sha[4], b.sha[5]);
        return ARP_MIB_INCONFLICTS;
    }
    // Any of our addresses, on whichever device (Linux's arp_ignore=0).
    bool tip_ours = op == ARPOP_REQUEST && __ip_dev_find(b.tip) != nullptr;
    if (b.sip == 0) {
        // RFC 5227 2.1.1 probe for an address: defend ours.
        if (tip_ours) {
            ARP_INC_STATS(ARP_MIB_OUTREPLIES);
            arp_send(ARPOP_REPLY, 0, dev, b.tip, b.sha, dev->dev_addr, b.sha);
        }
        return __ARP_MIB_MAX;
    }
    if (tip_ours) {
        // RFC 826: merge the sender, then answer.
        neigh_event_ns(&arp_tbl, b.sha, b.sip, dev);
        ARP_INC_STATS(ARP_MIB_OUTREPLIES);
        arp_send(ARPOP_REPLY, b.sip, dev, b.tip, b.sha, dev->dev_addr, b.sha);
        return __ARP_MIB_MAX;
    }
    // Not a question for us: only refresh what we already have (RFC 826's
    // merge flag; Linux's arp_accept=0 creates nothing from gratuitous ARP).
    neighbour* n = neigh_lookup(&arp_tbl, b.sip, dev);
    if (n) {
        bool is_garp = b.tip == b.sip;
        // Broadcast replies and requests do not prove reachability.
        uint8_t state = (op == ARPOP_REPLY && skb->pkt_type == PACKET_HOST) ? NUD_REACHABLE : NUD_STALE;
        bool override = is_garp || time_after(jiffies, n->updated + arp_tbl.parms.locktime);
        neigh_update(&arp_tbl, n, b.sha, state, override ? NEIGH_UPDATE_F_OVERRIDE : 0);
    }
    return __ARP_MIB_MAX;
}

}  // namespace

void arp_send(uint16_t type, __be32 dest_ip, net_device* dev, __be32 src_ip, const uint8_t* dest_hw,
              const uint8_t* src_hw, const uint8_t* target_hw) {
    if (!arp_capable(dev)) {
        return;
    }
    unsigned hlen = LL_RESERVED_SPACE(dev);
    sk_buff* skb = alloc_skb(hlen + ARP_ETH_IP_LEN, GFP_ATOMIC);
    if (!skb) {
        return;
    }
    skb_reserve(skb, static_cast<int>(hlen));
    skb_reset_network_header(skb);
    uint8_t* p = skb_put(skb, ARP_ETH_IP_LEN);
    arphdr h{htons(ARPHRD_ETHER), htons(ETH_P_IP), ETH_ALEN, 4, htons(type)};
    memcpy(p, &h, sizeof h);
    arp_body b{};
    memcpy(b.sha, src_hw ? src_hw : dev->dev_addr, ETH_ALEN);
    b.sip = src_ip;
    if (target_hw) {
        memcpy(b.tha, target_hw, ETH_ALEN);
    }
    b.tip = dest_ip;
    put_body(p + sizeof h, b);
    skb->dev = dev;
    skb->protocol = htons(ETH_P_ARP);
    if (dev_hard_header(skb, dev, ETH_P_ARP, dest_hw ? dest_hw : dev->broadcast, src_hw, skb->len) < 0) {
        kfree_skb(skb);
        return;
    }
    dev_queue_xmit(skb);
}

void arp_send_gratuitous(net_device* dev, __be32 addr) {
    if (!arp_capable(dev) || !netif_running(dev)) {
        return;
    }
    ARP_INC_STATS(ARP_MIB_OUTGRATUITOUS);
    arp_send(ARPOP_REQUEST, addr, dev, addr, nullptr, dev->dev_addr, nullptr);
}

int arp_rcv(sk_buff* skb, net_device* dev, packet_type*, net_device*) {
    arp_mib verdict = ARP_MIB_INDISCARDS;
    if (arp_capable(dev) && skb->pkt_type != PACKET_OTHERHOST && skb->pkt_type != PACKET_LOOPBACK &&
        skb->pkt_type != PACKET_OUTGOING) {
        skb = skb_share_check(skb, GFP_ATOMIC);
        if (!skb) {
            ARP_INC_STATS(ARP_MIB_INDISCARDS);
            return NET_RX_DROP;
        }
        verdict = pskb_may_pull(skb, ARP_ETH_IP_LEN) ? arp_process(skb, dev) : ARP_MIB_INERRORS;
    }
    if (verdict == __ARP_MIB_MAX) {
        consume_skb(skb);
        return NET_RX_SUCCESS;
    }
    ARP_INC_STATS(verdict);
    kfree_skb(skb);
    return NET_RX_DROP;
}

int arp_req_set(__be32 ip, const uint8_t* ha, net_device* dev, bool permanent) {
    if (!ipv4_is_unicast(ip) || ipv4_is_loopback(ip) || !is_valid_ether_addr(ha)) {
        return -EINVAL;
    }
    bh_guard bh;
    if (!dev) {
        flowi4 fl4;
        fl4.daddr = ip;
        rtable rt;
        if (ip_route_output_key(&fl4, &rt) != 0 || rt.rt_type != RTN_UNICAST) {
            return -ENETUNREACH;
        }
        dev = rt.dev;
    }
    if (!arp_capable(dev)) {
        return -EINVAL;
    }
    neighbour* n = neigh_lookup_create(&arp_tbl, ip, dev);
    if (!n) {
        return -ENOMEM;
    }
    return neigh_update(&arp_tbl, n, ha, permanent ? NUD_PERMANENT : NUD_REACHABLE,
                        NEIGH_UPDATE_F_OVERRIDE | NEIGH_UPDATE_F_ADMIN);
}

namespace {
neighbour* find_any(__be32 ip, net_device* dev) {
    if (dev) {
        return neigh_lookup(&arp_tbl, ip, dev);
    }
    struct finder {
        __be32 ip;
        const neighbour* found;
    } f{ip, nullptr};
    neigh_for_each(
        &arp_tbl,
        [](const neighbour& n, void* arg) {
            auto* f = static_cast<finder*>(arg);
            if (!f->found && n.primary_key == f->ip) {
                f->found = &n;
            }
        },
        &f);
    return const_cast<neighbour*>(f.found);
}
}  // namespace

int arp_req_delete(__be32 ip, net_device* dev) {
    bh_guard bh;
    neighbour* n = find_any(ip, dev);
    if (!n) {
        return -ENXIO;
    }
    neigh_remove(&arp_tbl, n);
    return 0;
}

int arp_req_get(__be32 ip, net_device* dev, uint8_t* ha, uint8_t* nud_state) {
    bh_guard bh;
    neighbour* n = find_any(ip, dev);
    if (!n) {
        return -ENXIO;
    }
    memcpy(ha, n->ha, ETH_ALEN);
    *nud_state = n->nud_state;
    return 0;
}

void arp_for_each(void (*fn)(const arp_entry_info& e, void* arg), void* arg) {
    struct ctx {
        void (*fn)(const arp_entry_info&, void*);
        void* arg;
    } c{fn, arg};
    bh_guard bh;
    neigh_for_each(
        &arp_tbl,
        [](const neighbour& n, void* a) {
            auto* c = static_cast<ctx*>(a);
            arp_entry_info e{};
            e.ip = n.primary_key;
            memcpy(e.ha, n.ha, ETH_ALEN);
            e.nud_state = n.nud_state;
            e.flags = ((n.nud_state & NUD_VALID) ? ATF_COM : 0) | ((n.nud_state & NUD_PERMANENT) ? ATF_PERM : 0);
            memcpy(e.dev, n.dev->name, sizeof e.dev);
            e.dev[sizeof e.dev - 1] = '\0';
            c->fn(e, c->arg);
        },
        &c);
}

void arp_init() {
    bh_guard bh;
    neigh_table_init(&arp_tbl, arp_default_parms(), &arp_ops);
    arp_packet_type = {};
    arp_packet_type.type = htons(ETH_P_ARP);
    arp_packet_type.func = arp_rcv;
    dev_add_pack(&arp_packet_type);
}

void arp_exit() {
    dev_remove_pack(&arp_packet_type);
    bh_guard bh;
    neigh_table_clear(&arp_tbl);
}
