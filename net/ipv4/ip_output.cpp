// IPv4 transmit: the header, fragmentation (RFC 791 3.2 "Fragmentation
// and reassembly", the sending side), and the hand-off to the neighbour
// layer or straight to the device (Linux's net/ipv4/ip_output.c).
#include <string.h>

#include "kernel/cpu.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/ip_options.h"
#include "net/ipv4/neighbour.h"
#include "net/ipv4/route.h"
#include "net/ipv4/snmp.h"

namespace {

// Per-destination id counters (Linux's ip_idents): ids of datagrams to one
// host follow each other, those to different hosts say nothing about each
// other's traffic.
constexpr unsigned IP_IDENTS_SZ = 256;
uint32_t ip_idents[IP_IDENTS_SZ];
uint32_t ip_idents_seed;

uint32_t mix(uint32_t a, uint32_t b, uint32_t c) {
    // A few rounds of Bob Jenkins' final mix (Linux's jhash_3words core).
    c ^= b; c -= (b << 14) | (b >> 18);
    a ^= c; a -= (c << 11) | (c >> 21);
    b ^= a; b -= (a << 25) | (a >> 7);
    c ^= b; c -= (b << 16) | (b >> 16);
    a ^= c; a -= (c << 4) | (c >> 28);
    b ^= a; b -= (a << 14) | (a >> 18);
    c ^= b; c -= (b << 24) | (b >> 8);
    return c;
}

int xmit_result(int rc) {
    if (rc == NET_XMIT_SUCCESS || rc == NET_XMIT_CN) {
        return 0;
    }
    IP_INC_STATS(IPSTATS_MIB_OUTDISCARDS);
    return rc < 0 ? rc : -ENOBUFS;
}

// A datagram to a link address we already know (broadcast, multicast,
// loopback, NOARP devices).
int output_direct(sk_buff* skb, net_device* dev, const uint8_t* daddr) {
    if (dev_hard_header(skb, dev, ETH_P_IP, daddr, nullptr, skb->len) < 0) {
        IP_INC_STATS(IPSTATS_MIB_OUTDISCARDS);
        kfree_skb(skb);
        return -EINVAL;
    }
    return xmit_result(dev_queue_xmit(skb));
}

// Linux's ip_finish_output2: link header room, then the next hop's link
// address (ARP for unicast on an ARP device).
int ip_finish_output2(sk_buff* skb, const rtable& rt) {
    net_device* dev = rt.dev;
    skb->dev = dev;
    skb->protocol = htons(ETH_P_IP);
    unsigned hh = LL_RESERVED_SPACE(dev);
    if (skb_headroom(skb) < hh && skb_cow_head(skb, hh) != 0) {
        IP_INC_STATS(IPSTATS_MIB_OUTDISCARDS);
        kfree_skb(skb);
        return -ENOBUFS;
    }
    if (dev->flags & IFF_LOOPBACK) {
        return output_direct(skb, dev, dev->dev_addr);
    }
    if (rt.rt_type == RTN_BROADCAST || (dev->flags & IFF_NOARP)) {
        return output_direct(skb, dev, dev->broadcast);
    }
    if (rt.rt_type == RTN_MULTICAST) {
        uint8_t mac[MAX_ADDR_LEN];
        ip_eth_mc_map(rt.rt_gateway, mac);
        return output_direct(skb, dev, mac);
    }
    neighbour* n = neigh_lookup_create(&arp_tbl, rt.rt_gateway, dev);
    if (!n) {
        IP_INC_STATS(IPSTATS_MIB_OUTDISCARDS);
        kfree_skb(skb);
        return -ENOBUFS;
    }
    return neigh_resolve_output(&arp_tbl, n, skb);
}

// Linux's ip_do_fragment, the slow path: every fragment a new linear skb,
// payload in 8-octet multiples except the last (RFC 791 3.2), options
// without the copy flag only in the first.
int ip_do_fragment(sk_buff* skb, const rtable& rt) {
    if (skb_checksum_help(skb)) {   // the sum covers the whole datagram: before it is cut
        IP_INC_STATS(IPSTATS_MIB_FRAGFAILS);
        kfree_skb(skb);
        return -ENOMEM;
    }
    iphdr* iph = ip_hdr(skb);
    unsigned hlen = iph->ihl() * 4;
    unsigned mtu = rt.rt_mtu;
    if (mtu < hlen + 8) {
        IP_INC_STATS(IPSTATS_MIB_FRAGFAILS);
        kfree_skb(skb);
        return -EINVAL;
    }
    uint16_t frag = ntohs(iph->frag_off);
    unsigned offset = (frag & IP_OFFSET) << 3;
    bool more_after = frag & IP_MF;   // fragmenting a fragment keeps its MF
    unsigned left = skb->len - hlen;
    unsigned ptr = hlen;
    unsigned ll_rs = LL_RESERVED_SPACE(rt.dev);
    int err = 0;
    while (left > 0) {
        unsigned len = left;
        if (len > mtu - hlen) {
            len = (mtu - hlen) & ~7u;
        }
        sk_buff* f = alloc_skb(ll_rs + hlen + len, GFP_ATOMIC);
        if (!f) {
            err = -ENOMEM;
            break;
        }
        skb_reserve(f, static_cast<int>(ll_rs));
        uint8_t* p = skb_put(f, hlen + len);
        skb_reset_network_header(f);
        skb_set_transport_header(f, static_cast<int>(hlen));
        memcpy(p, skb->data, hlen);
        skb_copy_bits(skb, static_cast<int>(ptr), p + hlen, static_cast<int>(len));
        memcpy(f->cb, skb->cb, sizeof f->cb);
        f->priority = skb->priority;
        f->mark = skb->mark;
        auto* fh = reinterpret_cast<iphdr*>(p);
        uint16_t flags = (len < left || more_after) ? IP_MF : 0;
        fh->frag_off = htons(static_cast<uint16_t>(flags | ((offset >> 3) & IP_OFFSET)));
        fh->tot_len = htons(static_cast<uint16_t>(hlen + len));
        ip_send_check(fh);
        if (ptr == hlen && hlen > sizeof(iphdr)) {
            // The rest get the copied options only (Linux rewrites the
            // original's header once the first fragment has its copy).
            ip_options_fragment(skb->data + sizeof(iphdr), hlen - sizeof(iphdr));
        }
        left -= len;
        ptr += len;
        offset += len;
        IP_INC_STATS(IPSTATS_MIB_FRAGCREATES);
        err = ip_finish_output2(f, rt);
        if (err) {
            break;
        }
    }
    if (err) {
        IP_INC_STATS(IPSTATS_MIB_FRAGFAILS);
        kfree_skb(skb);
        return err;
    }
    IP_INC_STATS(IPSTATS_MIB_FRAGOKS);
    consume_skb(skb);
    return 0;
}

// Broadcasts and joined groups also reach this host (Linux's ip_mc_output
// and dev_loopback_xmit): a clone goes up through netif_rx.
void ip_mc_loop(sk_buff* skb, const rtable& rt) {
    net_device* dev = rt.dev;
    if (dev->flags & IFF_LOOPBACK) {
        return;
    }
    if (rt.rt_type == RTN_MULTICAST) {
        in_device* in_dev = __in_dev_get(dev);
        if (!in_dev || !ip_check_mc(in_dev, rt.rt_dst)) {
            return;
        }
    }
    sk_buff* n = skb_clone(skb, GFP_ATOMIC);
    if (!n) {
        return;
    }
    n->dev = dev;
    n->protocol = htons(ETH_P_IP);
    skb_reset_mac_header(n);
    n->pkt_type = PACKET_LOOPBACK;
    n->ip_summed = CHECKSUM_UNNECESSARY;
    netif_rx(n);
}

int ip_output(sk_buff* skb, const rtable& rt) {
    if (rt.rt_type == RTN_BROADCAST || rt.rt_type == RTN_MULTICAST) {
        IP_INC_STATS(rt.rt_type == RTN_BROADCAST ? IPSTATS_MIB_OUTBCASTPKTS : IPSTATS_MIB_OUTMCASTPKTS);
        if (rt.rt_type == RTN_BROADCAST || !(IPCB(skb)->flags & IPSKB_NO_MC_LOOP)) {
            ip_mc_loop(skb, rt);
        }
    }
    if (skb->len <= rt.rt_mtu) {
        return ip_finish_output2(skb, rt);
    }
    if (ip_hdr(skb)->frag_off & htons(IP_DF)) {
        // Our own datagram: the sender learns it at once (a forwarded one
        // would get ICMP fragmentation needed, RFC 1191; we do not forward).
        IP_INC_STATS(IPSTATS_MIB_FRAGFAILS);
        kfree_skb(skb);
        return -EMSGSIZE;
    }
    return ip_do_fragment(skb, rt);
}

int fail(sk_buff* skb, int err) {
    kfree_skb(skb);
    return err;
}

}  // namespace

__be16 ip_select_ident(__be32 daddr, __be32 saddr, uint8_t protocol) {
    uint32_t bucket = mix(daddr, saddr, protocol ^ ip_idents_seed) % IP_IDENTS_SZ;
    uint32_t id = __atomic_fetch_add(&ip_idents[bucket], 1, __ATOMIC_RELAXED);
    return htons(static_cast<uint16_t>(id));
}

int ip_local_out(sk_buff* skb, const rtable& rt) {
    iphdr* iph = ip_hdr(skb);
    iph->tot_len = htons(static_cast<uint16_t>(skb->len));
    ip_send_check(iph);
    IPCB(skb)->rt_type = rt.rt_type;
    IPCB(skb)->flags |= IPSKB_LOCAL_OUT;
    IP_INC_STATS(IPSTATS_MIB_OUTREQUESTS);
    IP_ADD_STATS(IPSTATS_MIB_OUTOCTETS, skb->len);
    bh_guard bh;
    return ip_output(skb, rt);
}

int ip_queue_xmit(sk_buff* skb, const flowi4& fl4, const rtable& rt, const ip_xmit_opts& o) {
    if (o.optlen > IP_MAX_OPT_LEN || (o.optlen & 3) || (o.optlen && !o.opt)) {
        return fail(skb, -EINVAL);
    }
    if (o.optlen) {
        ip_options_info info;
        unsigned bad;
        if (ip_options_compile(o.opt, o.optlen, &info, &bad) != 0) {
            return fail(skb, -EINVAL);
        }
    }
    unsigned hlen = sizeof(iphdr) + o.optlen;
    if (skb->len + hlen > IP_MAX_MTU) {
        return fail(skb, -EMSGSIZE);
    }
    if (skb_headroom(skb) < hlen + LL_RESERVED_SPACE(rt.dev) &&
        skb_cow_head(skb, hlen + LL_RESERVED_SPACE(rt.dev)) != 0) {
        IP_INC_STATS(IPSTATS_MIB_OUTDISCARDS);
        return fail(skb, -ENOBUFS);
    }
    skb_reset_transport_header(skb);
    auto* iph = reinterpret_cast<iphdr*>(skb_push(skb, hlen));
    skb_reset_network_header(skb);
    iph->set_version_ihl(IPVERSION, hlen / 4);
    iph->tos = o.tos;
    iph->tot_len = htons(static_cast<uint16_t>(skb->len));
    iph->id = ip_select_ident(fl4.daddr, rt.rt_src, fl4.flowi4_proto);
    iph->frag_off = o.df ? htons(IP_DF) : 0;
    // RFC 1122 3.2.1.7: never TTL 0, so 0 asks for the default, which for
    // a group is 1, one link (RFC 1112 6.1).
    iph->ttl = o.ttl ? o.ttl : (rt.rt_type == RTN_MULTICAST ? 1 : IPDEFTTL);
    iph->protocol = fl4.flowi4_proto;
    iph->saddr = rt.rt_src;
    iph->daddr = fl4.daddr;
    if (o.optlen) {
        memcpy(iph + 1, o.opt, o.optlen);
    }
    memset(IPCB(skb), 0, sizeof(inet_skb_parm));
    IPCB(skb)->optlen = o.optlen;
    if (!o.mc_loop) {
        IPCB(skb)->flags |= IPSKB_NO_MC_LOOP;
    }
    return ip_local_out(skb, rt);
}

int ip_build_and_send_pkt(sk_buff* skb, flowi4* fl4, const ip_xmit_opts& o) {
    bh_guard bh;
    rtable rt;
    int err = ip_route_output_key(fl4, &rt);
    if (err) {
        return fail(skb, err);
    }
    return ip_queue_xmit(skb, *fl4, rt, o);
}

int ip_send_raw(sk_buff* skb, int oif) {
    if (skb->len < sizeof(iphdr)) {
        return fail(skb, -EINVAL);
    }
    if (reinterpret_cast<uintptr_t>(skb->data) & 3) {
        return fail(skb, -EINVAL);
    }
    skb_reset_network_header(skb);
    iphdr* iph = ip_hdr(skb);
    unsigned hlen = iph->ihl() * 4;
    if (iph->version() != IPVERSION || iph->ihl() < 5 || hlen > skb->len || skb->len > IP_MAX_MTU) {
        return fail(skb, -EINVAL);
    }
    if (hlen > sizeof(iphdr)) {
        ip_options_info info;
        unsigned bad;
        if (ip_options_compile(skb->data + sizeof(iphdr), hlen - sizeof(iphdr), &info, &bad) != 0) {
            return fail(skb, -EINVAL);
        }
    }
    bh_guard bh;
    flowi4 fl4;
    fl4.flowi4_oif = oif;
    fl4.flowi4_proto = iph->protocol;
    fl4.flowi4_tos = iph->tos;
    fl4.saddr = iph->saddr;
    fl4.daddr = iph->daddr;
    rtable rt;
    if (int err = ip_route_output_key(&fl4, &rt)) {
        return fail(skb, err);
    }
    iph->saddr = fl4.saddr;
    if (iph->id == 0) {
        iph->id = ip_select_ident(iph->daddr, iph->saddr, iph->protocol);
    }
    skb_set_transport_header(skb, static_cast<int>(hlen));
    memset(IPCB(skb), 0, sizeof(inet_skb_parm));
    IPCB(skb)->optlen = static_cast<uint8_t>(hlen - sizeof(iphdr));
    return ip_local_out(skb, rt);
}

void ip_output_init() {
    ip_idents_seed = mix(cpu::cycles(), 0x9e3779b9u, static_cast<uint32_t>(jiffies));
    for (unsigned i = 0; i < IP_IDENTS_SZ; ++i) {
        ip_idents[i] = mix(i, ip_idents_seed, 0x7f4a7c15u);
    }
}
