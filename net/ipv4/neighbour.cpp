// The neighbour cache's state machine and table (Linux's
// net/core/neighbour.c for one table, ARP's).
#include "net/ipv4/neighbour.h"

#include <string.h>

#include <new>

#include "kernel/jiffies.h"
#include "kernel/mm/slab.h"
#include "kernel/printk.h"
#include "net/core/netdevice.h"
#include "net/ipv4/snmp.h"

neigh_table arp_tbl;

namespace {

using neigh_list = list_entries<neighbour, &neighbour::node>;

// The one table: timer functions find it here (Linux keeps n->tbl).
neigh_table* table_of(const neighbour*) { return &arp_tbl; }

void neigh_timer_handler(timer_list* t);

void drop_queue(sk_buff_head* q) {
    while (sk_buff* skb = __skb_dequeue(q)) {
        ARP_INC_STATS(ARP_MIB_UNRES_DISCARDS);
        kfree_skb(skb);
    }
}

void neigh_destroy(neigh_table* tbl, neighbour* n) {
    del_timer(&n->timer);
    drop_queue(&n->arp_queue);
    list_del(&n->node);
    --tbl->entries_count;
    dev_put(n->dev);
    kfree(n);
    ARP_INC_STATS(ARP_MIB_DESTROYS);
}

// Table full: free the FAILED entry, else the one least recently updated,
// never a PERMANENT one (Linux's neigh_forced_gc).
bool neigh_forced_gc(neigh_table* tbl) {
    neighbour* victim = nullptr;
    for (neighbour& n : neigh_list(&tbl->entries)) {
        if (n.nud_state & NUD_PERMANENT) {
            continue;
        }
        if (n.nud_state == NUD_FAILED) {
            victim = &n;
            break;
        }
        if (!victim || time_before(n.updated, victim->updated)) {
            victim = &n;
        }
    }
    if (!victim) {
        return false;
    }
    ARP_INC_STATS(ARP_MIB_FORCED_GC_RUNS);
    neigh_destroy(tbl, victim);
    return true;
}

neighbour* neigh_alloc(neigh_table* tbl, __be32 key, net_device* dev) {
    if (tbl->entries_count >= tbl->parms.gc_thresh && !neigh_forced_gc(tbl)) {
        ARP_INC_STATS(ARP_MIB_TABLE_FULLS);
        return nullptr;
    }
    void* mem = kzalloc(sizeof(neighbour), GFP_ATOMIC);
    if (!mem) {
        return nullptr;
    }
    auto* n = new (mem) neighbour{};
    n->dev = dev;
    dev_hold(dev);
    n->primary_key = key;
    n->nud_state = NUD_NONE;
    n->updated = n->used = jiffies;
    n->confirmed = jiffies - 2 * tbl->parms.reachable_time;  // never confirmed
    timer_setup(&n->timer, neigh_timer_handler, 0);
    skb_queue_head_init(&n->arp_queue);
    list_add_tail(&n->node, &tbl->entries);
    ++tbl->entries_count;
    ARP_INC_STATS(ARP_MIB_ALLOCS);
    if (!timer_pending(&tbl->gc_timer)) {
        mod_timer(&tbl->gc_timer, jiffies + tbl->parms.gc_interval);
    }
    return n;
}

// A packet through a neighbour whose address is known.
int neigh_output_skb(neighbour* n, sk_buff* skb) {
    skb->dev = n->dev;
    if (dev_hard_header(skb, n->dev, ntohs(skb->protocol), n->ha, nullptr, skb->len) < 0) {
        IP_INC_STATS(IPSTATS_MIB_OUTDISCARDS);
        kfree_skb(skb);
        return -EINVAL;
    }
    int rc = dev_queue_xmit(skb);
    if (rc < 0 || rc == NET_XMIT_DROP) {
        IP_INC_STATS(IPSTATS_MIB_OUTDISCARDS);
        return rc < 0 ? rc : -ENOBUFS;
    }
    return 0;
}

void neigh_send_queue(neighbour* n) {
    sk_buff_head q;
    __skb_queue_head_init(&q);
    skb_queue_splice_tail_init(&n->arp_queue, &q);
    while (sk_buff* skb = __skb_dequeue(&q)) {
        neigh_output_skb(n, skb);
    }
}

void neigh_probe(neigh_table* tbl, neighbour* n) {
    ++n->probes;
    tbl->ops->solicit(n, skb_peek(&n->arp_queue), n->nud_state == NUD_PROBE);
}

// Resolution failed: every waiting packet is reported to its sender and
// dropped (Linux's neigh_invalidate).
void neigh_invalidate(neigh_table* tbl, neighbour* n) {
    n->nud_state = NUD_FAILED;
    n->updated = jiffies;
    ARP_INC_STATS(ARP_MIB_RES_FAILED);
    sk_buff_head q;
    __skb_queue_head_init(&q);
    skb_queue_splice_tail_init(&n->arp_queue, &q);
    while (sk_buff* skb = __skb_dequeue(&q)) {
        tbl->ops->error_report(n, skb);
        ARP_INC_STATS(ARP_MIB_UNRES_DISCARDS);
        kfree_skb(skb);
    }
}

unsigned max_probes(const neigh_table* tbl, const neighbour* n) {
    return n->nud_state == NUD_PROBE ? tbl->parms.ucast_probes : tbl->parms.mcast_probes;
}

// Linux's neigh_timer_handler: REACHABLE ages to DELAY or STALE, DELAY
// turns REACHABLE or PROBE, INCOMPLETE and PROBE send the next request or
// give up.
void neigh_timer_handler(timer_list* t) {
    neighbour* n = from_timer(t, &neighbour::timer);
    neigh_table* tbl = table_of(n);
    const neigh_parms& p = tbl->parms;
    unsigned long now = jiffies;
    unsigned long next = now + p.retrans_time;
    uint8_t state = n->nud_state;
    if (!(state & NUD_IN_TIMER)) {
        return;
    }
    if (state & NUD_REACHABLE) {
        if (time_before_eq(now, n->confirmed + p.reachable_time)) {
            next = n->confirmed + p.reachable_time;
        } else if (time_before_eq(now, n->used + p.delay_probe_time)) {
            n->nud_state = NUD_DELAY;
            n->updated = now;
            next = now + p.delay_probe_time;
        } else {
            n->nud_state = NUD_STALE;
            n->updated = now;
            return;
        }
    } else if (state & NUD_DELAY) {
        if (time_before_eq(now, n->confirmed + p.delay_probe_time)) {
            n->nud_state = NUD_REACHABLE;
            n->updated = now;
            next = n->confirmed + p.reachable_time;
        } else {
            n->nud_state = NUD_PROBE;
            n->updated = now;
            n->probes = 0;
        }
    }
    if ((n->nud_state & (NUD_INCOMPLETE | NUD_PROBE)) && n->probes >= max_probes(tbl, n)) {
        neigh_invalidate(tbl, n);
        return;
    }
    mod_timer(&n->timer, time_after(next, now) ? next : now + 1);
    if (n->nud_state & (NUD_INCOMPLETE | NUD_PROBE)) {
        neigh_probe(tbl, n);
    }
}

void neigh_gc_timer(timer_list* t) {
    (void)t;
    neigh_periodic_gc(&arp_tbl);
}

void set_state(neighbour* n, uint8_t state) {
    if ((n->nud_state & NUD_IN_TIMER) && !(state & NUD_IN_TIMER)) {
        del_timer(&n->timer);
    }
    n->nud_state = state;
    n->updated = jiffies;
}

}  // namespace

neigh_parms arp_default_parms() {
    neigh_parms p{};
    p.reachable_time = 30 * HZ;
    p.retrans_time = 1 * HZ;
    p.delay_probe_time = 5 * HZ;
    p.gc_staletime = 60 * HZ;
    p.locktime = 1 * HZ;
    p.gc_interval = 15 * HZ;   // Linux: base_reachable_time / 2
    p.ucast_probes = 3;
    p.mcast_probes = 3;
    p.queue_len = 3;
    p.gc_thresh = 256;
    return p;
}

void neigh_table_init(neigh_table* tbl, const neigh_parms& parms, const neigh_ops* ops) {
    INIT_LIST_HEAD(&tbl->entries);
    tbl->entries_count = 0;
    tbl->parms = parms;
    tbl->ops = ops;
    timer_setup(&tbl->gc_timer, neigh_gc_timer, 0);
    tbl->initialised = true;
}

void neigh_table_clear(neigh_table* tbl) {
    if (!tbl->initialised) {
        return;
    }
    del_timer(&tbl->gc_timer);
    for (neighbour& n : neigh_list(&tbl->entries)) {
        neigh_destroy(tbl, &n);
    }
    tbl->initialised = false;
}

neighbour* neigh_lookup(neigh_table* tbl, __be32 key, const net_device* dev) {
    for (neighbour& n : neigh_list(&tbl->entries)) {
        if (n.primary_key == key && n.dev == dev) {
            return &n;
        }
    }
    return nullptr;
}

neighbour* neigh_lookup_create(neigh_table* tbl, __be32 key, net_device* dev) {
    if (neighbour* n = neigh_lookup(tbl, key, dev)) {
        return n;
    }
    return neigh_alloc(tbl, key, dev);
}

int neigh_update(neigh_table* tbl, neighbour* n, const uint8_t* lladdr, uint8_t new_state, unsigned flags) {
    (void)tbl;
    uint8_t old = n->nud_state;
    if (!(flags & NEIGH_UPDATE_F_ADMIN) && (old & (NUD_NOARP | NUD_PERMANENT))) {
        return -EPERM;
    }
    if (!(new_state & NUD_VALID)) {
        set_state(n, new_state);
        if ((old & (NUD_INCOMPLETE | NUD_PROBE)) && new_state == NUD_FAILED) {
            neigh_invalidate(tbl, n);
        }
        return 0;
    }
    if (!lladdr) {
        if (!(old & NUD_VALID)) {
            return -EINVAL;
        }
        lladdr = n->ha;
    }
    bool same = memcmp(lladdr, n->ha, NEIGH_HA_LEN) == 0;
    if (old & NUD_VALID) {
        if (!same && !(flags & NEIGH_UPDATE_F_OVERRIDE)) {
            return 0;  // the first answer stands (Linux: locktime)
        }
        if (same && new_state == NUD_STALE && !(flags & NEIGH_UPDATE_F_ADMIN)) {
            new_state = old;  // a request from it says nothing new
        }
    }
    if (new_state & NUD_CONNECTED) {
        n->confirmed = jiffies;
    }
    if (!same) {
        memcpy(n->ha, lladdr, NEIGH_HA_LEN);
    }
    if (new_state != old || !same) {
        set_state(n, new_state);
        if (new_state & NUD_REACHABLE) {
            mod_timer(&n->timer, jiffies + tbl->parms.reachable_time);
        }
    }
    if (!(old & NUD_VALID)) {
        neigh_send_queue(n);
    }
    return 0;
}

neighbour* neigh_event_ns(neigh_table* tbl, const uint8_t* lladdr, __be32 saddr, net_device* dev) {
    neighbour* n = neigh_lookup_create(tbl, saddr, dev);
    if (n) {
        neigh_update(tbl, n, lladdr, NUD_STALE, NEIGH_UPDATE_F_OVERRIDE);
    }
    return n;
}

int neigh_resolve_output(neigh_table* tbl, neighbour* n, sk_buff* skb) {
    unsigned long now = jiffies;
    n->used = now;
    uint8_t state = n->nud_state;
    if (state & (NUD_CONNECTED | NUD_DELAY | NUD_PROBE)) {
        return neigh_output_skb(n, skb);
    }
    if (state & NUD_STALE) {
        // Used again without confirmation: give upper layers delay_probe_time
        // to confirm it before probing (RFC 1122 2.3.2.1's "unicast poll").
        n->nud_state = NUD_DELAY;
        n->updated = now;
        mod_timer(&n->timer, now + tbl->parms.delay_probe_time);
        return neigh_output_skb(n, skb);
    }
    while (skb_queue_len(&n->arp_queue) >= tbl->parms.queue_len) {
        sk_buff* old = __skb_dequeue(&n->arp_queue);
        if (!old) {
            break;
        }
        ARP_INC_STATS(ARP_MIB_UNRES_DISCARDS);
        kfree_skb(old);
    }
    if (tbl->parms.queue_len == 0) {
        ARP_INC_STATS(ARP_MIB_UNRES_DISCARDS);
        kfree_skb(skb);
        return -ENOBUFS;
    }
    __skb_queue_tail(&n->arp_queue, skb);
    if (state != NUD_INCOMPLETE) {  // NONE or FAILED: a new round of requests
        n->nud_state = NUD_INCOMPLETE;
        n->updated = now;
        n->probes = 0;
        mod_timer(&n->timer, now + tbl->parms.retrans_time);
        neigh_probe(tbl, n);
    }
    return 0;
}

void neigh_remove(neigh_table* tbl, neighbour* n) { neigh_destroy(tbl, n); }

void neigh_ifdown(neigh_table* tbl, net_device* dev) {
    if (!tbl->initialised) {
        return;
    }
    for (neighbour& n : neigh_list(&tbl->entries)) {
        if (n.dev == dev) {
            neigh_destroy(tbl, &n);
        }
    }
}

void neigh_for_each(neigh_table* tbl, void (*fn)(const neighbour& n, void* arg), void* arg) {
    for (neighbour& n : neigh_list(&tbl->entries)) {
        fn(n, arg);
    }
}

void neigh_periodic_gc(neigh_table* tbl) {
    ARP_INC_STATS(ARP_MIB_PERIODIC_GC_RUNS);
    unsigned long now = jiffies;
    for (neighbour& n : neigh_list(&tbl->entries)) {
        if (n.nud_state & (NUD_PERMANENT | NUD_IN_TIMER)) {
            continue;
        }
        if (time_before(n.used, n.confirmed)) {
            n.used = n.confirmed;
        }
        if (n.nud_state == NUD_FAILED || n.nud_state == NUD_NONE ||
            time_after(now, n.used + tbl->parms.gc_staletime)) {
            neigh_destroy(tbl, &n);
        }
    }
    if (tbl->entries_count) {
        mod_timer(&tbl->gc_timer, now + tbl->parms.gc_interval);
    }
}

const char* neigh_state_name(uint8_t s) {
    switch (s) {
    case NUD_NONE: return "NONE";
    case NUD_INCOMPLETE: return "INCOMPLETE";
    case NUD_REACHABLE: return "REACHABLE";
    case NUD_STALE: return "STALE";
    case NUD_DELAY: return "DELAY";
    case NUD_PROBE: return "PROBE";
    case NUD_FAILED: return "FAILED";
    case NUD_NOARP: return "NOARP";
    case NUD_PERMANENT: return "PERMANENT";
    default: return "?";
    }
}
