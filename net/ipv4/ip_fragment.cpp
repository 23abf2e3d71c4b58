// IPv4 reassembly (RFC 791 3.2, RFC 815's hole bookkeeping reduced to a
// sorted list and a byte count; Linux's net/ipv4/ip_fragment.c).
//
// A datagram being reassembled is an ipq, keyed by (source, destination,
// id, protocol), holding its fragments sorted by offset. It completes when
// the first and the last fragment are in and the octets received ("meat")
// equal the total length the last one gave. Strictness, as RFC 5722
// demands for IPv6 and Linux does for IPv4 since 2018: a fragment that
// overlaps another discards the whole datagram; only an exact duplicate
// (same place, same octets) is dropped alone. A discarded datagram's
// queue stays, empty, until its timer, swallowing its late fragments.
// Limits: 30 s per datagram (ICMP time exceeded, code 1, if its first
// fragment had come: RFC 792, RFC 1122 3.3.2), 65535 octets per datagram,
// and the memory of all queues (sysctl_ipfrag: beyond high_thresh the
// oldest go until low_thresh is reached).
#include <string.h>

#include <new>

#include "kernel/jiffies.h"
#include "kernel/mm/slab.h"
#include "kernel/softirq.h"
#include "kernel/timer.h"
#include "net/core/netdevice.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/snmp.h"

ipfrag_sysctl sysctl_ipfrag;

namespace {

constexpr uint8_t INET_FRAG_FIRST_IN = 1u << 0;
constexpr uint8_t INET_FRAG_LAST_IN = 1u << 1;
constexpr uint8_t INET_FRAG_DEAD = 1u << 2;   // discarded: swallow the rest until the timer

struct ipq {
    list_head hash_node;
    list_head lru_node;       // oldest first
    __be32 saddr;
    __be32 daddr;
    __be16 id;
    uint8_t protocol;
    uint8_t flags;
    unsigned len;             // payload length: exact once LAST_IN, else the furthest end seen
    unsigned meat;            // payload octets received
    unsigned long mem;        // charged to ipfrag_mem
    uint16_t max_size;        // largest fragment
    sk_buff_head fragments;   // by offset
    timer_list timer;
};

// The fragment's place, in sk_buff::cb after IP's part (Linux's FRAG_CB).
struct ipfrag_skb_cb {
    inet_skb_parm h;
    unsigned offset;   // payload octets, from the datagram's payload start
    unsigned end;
};
static_assert(sizeof(ipfrag_skb_cb) <= sizeof(sk_buff::cb));
ipfrag_skb_cb* FRAG_CB(sk_buff* skb) { return reinterpret_cast<ipfrag_skb_cb*>(skb->cb); }

constexpr unsigned IPQ_HASHSZ = 64;
list_head ipq_hash[IPQ_HASHSZ];
list_head ipq_lru;
unsigned long ipfrag_mem;
unsigned ipq_count;
bool ipfrag_ready;

unsigned ipq_hashfn(__be32 saddr, __be32 daddr, __be16 id, uint8_t protocol) {
    uint32_t h = saddr ^ (daddr * 0x9e3779b1u) ^ (uint32_t{id} << 16) ^ protocol;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    return h % IPQ_HASHSZ;
}

void ipq_free_fragments(ipq* qp) {
    while (sk_buff* skb = __skb_dequeue(&qp->fragments)) {
        ipfrag_mem -= skb->truesize;
        qp->mem -= skb->truesize;
        kfree_skb(skb);
    }
}

void ipq_destroy(ipq* qp) {
    del_timer(&qp->timer);
    ipq_free_fragments(qp);
    list_del(&qp->hash_node);
    list_del(&qp->lru_node);
    ipfrag_mem -= qp->mem;
    --ipq_count;
    kfree(qp);
}

// Discards the datagram, keeping the empty queue until its timer.
void ipq_kill(ipq* qp) {
    if (qp->flags & INET_FRAG_DEAD) {
        return;
    }
    qp->flags |= INET_FRAG_DEAD;
    ipq_free_fragments(qp);
    IP_INC_STATS(IPSTATS_MIB_REASMFAILS);
}

// Linux's ip_expire.
void ip_expire(timer_list* t) {
    ipq* qp = from_timer(t, &ipq::timer);
    if (!(qp->flags & INET_FRAG_DEAD)) {
        IP_INC_STATS(IPSTATS_MIB_REASMTIMEOUT);
        IP_INC_STATS(IPSTATS_MIB_REASMFAILS);
        sk_buff* head = skb_peek(&qp->fragments);
        if ((qp->flags & INET_FRAG_FIRST_IN) && head && FRAG_CB(head)->offset == 0) {
            icmp_send(head, ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0);
        }
    }
    ipq_destroy(qp);
}

// Room for need more octets: nothing to do under high_thresh; above it,
// the oldest queues other than keep go until low_thresh is reached. false
// if even without them it does not fit.
bool ip_evictor(const ipq* keep, unsigned long need) {
    if (ipfrag_mem + need <= sysctl_ipfrag.high_thresh) {
        return true;
    }
    while (ipfrag_mem + need > sysctl_ipfrag.low_thresh) {
        ipq* victim = nullptr;
        for (ipq& qp : list_entries<ipq, &ipq::lru_node>(&ipq_lru)) {
            if (&qp != keep) {
                victim = &qp;
                break;
            }
        }
        if (!victim) {
            return ipfrag_mem + need <= sysctl_ipfrag.high_thresh;
        }
        if (!(victim->flags & INET_FRAG_DEAD)) {
            IP_INC_STATS(IPSTATS_MIB_REASMFAILS);
        }
        ipq_destroy(victim);
    }
    return true;
}

ipq* ip_find(const iphdr* iph) {
    unsigned h = ipq_hashfn(iph->saddr, iph->daddr, iph->id, iph->protocol);
    for (ipq& qp : list_entries<ipq, &ipq::hash_node>(&ipq_hash[h])) {
        if (qp.saddr == iph->saddr && qp.daddr == iph->daddr && qp.id == iph->id && qp.protocol == iph->protocol) {
            return &qp;
        }
    }
    if (!ip_evictor(nullptr, sizeof(ipq))) {
        return nullptr;
    }
    void* mem = kzalloc(sizeof(ipq), GFP_ATOMIC);
    if (!mem) {
        return nullptr;
    }
    auto* qp = new (mem) ipq{};
    qp->saddr = iph->saddr;
    qp->daddr = iph->daddr;
    qp->id = iph->id;
    qp->protocol = iph->protocol;
    qp->mem = sizeof(ipq);
    ipfrag_mem += qp->mem;
    skb_queue_head_init(&qp->fragments);
    timer_setup(&qp->timer, ip_expire, 0);
    mod_timer(&qp->timer, jiffies + sysctl_ipfrag.time);
    list_add_tail(&qp->hash_node, &ipq_hash[h]);
    list_add_tail(&qp->lru_node, &ipq_lru);
    ++ipq_count;
    return qp;
}

bool same_payload(sk_buff* a, sk_buff* b, unsigned len) {
    const uint8_t* pa = a->data + ip_hdrlen(a);
    const uint8_t* pb = b->data + ip_hdrlen(b);
    return memcmp(pa, pb, len) == 0;
}

// The whole datagram in one new linear buffer (Linux's ip_frag_reasm).
sk_buff* ip_frag_reasm(ipq* qp) {
    sk_buff* head = skb_peek(&qp->fragments);
    unsigned ihl = ip_hdrlen(head);
    unsigned total = ihl + qp->len;
    // Fragments hold no reference on their device: look it up again, it
    // may have gone while they waited.
    net_device* dev = __dev_get_by_index(IPCB(head)->iif);
    constexpr unsigned headroom = NET_SKB_PAD + 32;  // a link header, 4-aligned
    sk_buff* skb = dev ? alloc_skb(headroom + total, GFP_ATOMIC) : nullptr;
    if (!skb) {
        ipq_kill(qp);
        return nullptr;
    }
    skb_reserve(skb, headroom);
    uint8_t* p = skb_put(skb, total);
    memcpy(p, head->data, ihl);
    for (sk_buff& f : skb_queue_walk(&qp->fragments)) {
        ipfrag_skb_cb* cb = FRAG_CB(&f);
        memcpy(p + ihl + cb->offset, f.data + ip_hdrlen(&f), cb->end - cb->offset);
    }
    skb->dev = dev;
    skb->protocol = head->protocol;
    skb->pkt_type = head->pkt_type;
    skb->tstamp = head->tstamp;
    skb->ip_summed = CHECKSUM_NONE;
    memcpy(skb->cb, head->cb, sizeof(inet_skb_parm));
    skb_reset_network_header(skb);
    skb_set_transport_header(skb, static_cast<int>(ihl));
    auto* iph = reinterpret_cast<iphdr*>(p);
    iph->tot_len = htons(static_cast<uint16_t>(total));
    iph->frag_off = 0;
    ip_send_check(iph);
    IPCB(skb)->flags |= IPSKB_REASSEMBLED;
    IPCB(skb)->frag_max_size = qp->max_size;
    IP_INC_STATS(IPSTATS_MIB_REASMOKS);
    ipq_destroy(qp);
    return skb;
}

// Drops this fragment and the datagram it belongs to.
sk_buff* discard(ipq* qp, sk_buff* skb) {
    ipq_kill(qp);
    kfree_skb(skb);
    return nullptr;
}

// Linux's ip_frag_queue, with the overlap rule of RFC 5722.
sk_buff* ip_frag_queue(ipq* qp, sk_buff* skb) {
    if (qp->flags & INET_FRAG_DEAD) {
        kfree_skb(skb);
        return nullptr;
    }
    const iphdr* iph = ip_hdr(skb);
    uint16_t frag = ntohs(iph->frag_off);
    unsigned ihl = ip_hdrlen(skb);
    unsigned offset = (frag & IP_OFFSET) << 3;
    unsigned end = offset + skb->len - ihl;
    if (ihl + end > IP_MAX_MTU || end == offset) {
        return discard(qp, skb);  // "ping of death", or a fragment of nothing
    }
    if (!(frag & IP_MF)) {
        if (end < qp->len || ((qp->flags & INET_FRAG_LAST_IN) && end != qp->len)) {
            return discard(qp, skb);  // two different ends
        }
        qp->flags |= INET_FRAG_LAST_IN;
        qp->len = end;
    } else {
        if (end & 7) {
            return discard(qp, skb);  // only the last fragment may end off an 8-octet boundary
        }
        if (end > qp->len) {
            if (qp->flags & INET_FRAG_LAST_IN) {
                return discard(qp, skb);  // data past the end
            }
            qp->len = end;
        }
    }
    sk_buff* next = nullptr;
    for (sk_buff& f : skb_queue_walk(&qp->fragments)) {
        ipfrag_skb_cb* cb = FRAG_CB(&f);
        if (offset < cb->end && end > cb->offset) {
            if (cb->offset == offset && cb->end == end && same_payload(&f, skb, end - offset)) {
                IP_INC_STATS(IPSTATS_MIB_REASMDUPLICATES);
                kfree_skb(skb);
                return nullptr;
            }
            IP_INC_STATS(IPSTATS_MIB_REASMOVERLAPS);
            return discard(qp, skb);
        }
        if (!next && cb->offset >= end) {
            next = &f;
        }
    }
    if (!ip_evictor(qp, skb->truesize)) {
        return discard(qp, skb);  // this datagram alone is over the limit
    }
    FRAG_CB(skb)->offset = offset;
    FRAG_CB(skb)->end = end;
    if (next) {
        __list_add(&skb->list, next->list.prev, &next->list);
        ++qp->fragments.qlen;
    } else {
        __skb_queue_tail(&qp->fragments, skb);
    }
    qp->meat += end - offset;
    qp->mem += skb->truesize;
    ipfrag_mem += skb->truesize;
    if (skb->len > qp->max_size) {
        qp->max_size = static_cast<uint16_t>(skb->len);
    }
    if (offset == 0) {
        qp->flags |= INET_FRAG_FIRST_IN;
    }
    if ((qp->flags & INET_FRAG_FIRST_IN) && (qp->flags & INET_FRAG_LAST_IN) && qp->meat == qp->len) {
        return ip_frag_reasm(qp);
    }
    return nullptr;
}

}  // namespace

sk_buff* ip_defrag(sk_buff* skb) {
    IP_INC_STATS(IPSTATS_MIB_REASMREQDS);
    bh_guard bh;  // softirq context already; also for callers in tests
    ipq* qp = ip_find(ip_hdr(skb));
    if (!qp) {
        IP_INC_STATS(IPSTATS_MIB_REASMFAILS);
        kfree_skb(skb);
        return nullptr;
    }
    return ip_frag_queue(qp, skb);
}

unsigned long ipfrag_mem_usage() { return ipfrag_mem; }
unsigned ipfrag_queue_count() { return ipq_count; }

void ipfrag_init() {
    for (list_head& h : ipq_hash) {
        INIT_LIST_HEAD(&h);
    }
    INIT_LIST_HEAD(&ipq_lru);
    ipfrag_mem = 0;
    ipq_count = 0;
    ipfrag_ready = true;
}

void ipfrag_exit() {
    if (!ipfrag_ready) {
        return;
    }
    bh_guard bh;
    while (!list_empty(&ipq_lru)) {
        ipq_destroy(container_of(ipq_lru.next, &ipq::lru_node));
    }
    ipfrag_ready = false;
}
