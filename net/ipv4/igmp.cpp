// IGMPv2 host side (RFC 2236; Linux's net/ipv4/igmp.c): per group on a
// device a report timer, started at random within the query's maximum
// response time, stopped when another member reports first.
#include "net/ipv4/igmp.h"

#include <string.h>

#include "kernel/fs/proc.h"
#include "kernel/jiffies.h"
#include "kernel/list.h"
#include "kernel/printk.h"
#include "kernel/random.h"
#include "kernel/softirq.h"
#include "kernel/timer.h"
#include "net/core/net_procfs.h"
#include "net/core/netdevice.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/protocol.h"
#include "net/ipv4/route.h"

namespace {

constexpr __be32 IGMP_ALL_HOSTS = htonl(INADDR_ALLHOSTS_GROUP);   // never reported (RFC 2236 6)
constexpr __be32 IGMP_ALL_ROUTER = htonl(0xe0000002);             // 224.0.0.2: leaves go there
// RFC 2236 8.10 and 8.2: Unsolicited Report Interval, and the Query
// Response Interval a version 1 query (code 0) implies.
constexpr unsigned long UNSOLICITED_REPORT_INTERVAL = 10 * HZ;
constexpr unsigned long V1_QUERY_RESPONSE_INTERVAL = 10 * HZ;
// RFC 2113: routers look at IGMP (RFC 2236 2 asks for the option).
constexpr uint8_t ROUTER_ALERT[4] = {0x94, 0x04, 0x00, 0x00};

// The report state of one group on one device (Linux keeps it in
// struct ip_mc_list).
struct igmp_group {
    bool used;
    bool reporter;          // we sent the last report: a leave is ours to send
    uint8_t unsolicited;    // repeats of the join report still to come (Robustness - 1)
    int ifindex;
    __be32 group;
    timer_list timer;
};
constexpr unsigned IGMP_MAX_GROUPS = 64;
igmp_group groups[IGMP_MAX_GROUPS];
unsigned long stats[__IGMP_MIB_MAX];

void count(igmp_mib f) { __atomic_add_fetch(&stats[f], 1, __ATOMIC_RELAXED); }

igmp_group* find_group(int ifindex, __be32 group) {
    for (igmp_group& g : groups) {
        if (g.used && g.ifindex == ifindex && g.group == group) {
            return &g;
        }
    }
    return nullptr;
}

// A report or leave for group out of dev: TTL 1, Router Alert, from the
// device's address (none: nothing to say it from).
void igmp_send(net_device* dev, __be32 group, uint8_t type) {
    __be32 src = inet_select_addr(dev, group);
    if (!src) {
        return;
    }
    sk_buff* skb = alloc_skb(IP_MAX_HEADROOM + sizeof(igmphdr), GFP_ATOMIC);
    if (!skb) {
        return;
    }
    skb_reserve(skb, IP_MAX_HEADROOM);
    auto* ih = reinterpret_cast<igmphdr*>(skb_put(skb, sizeof(igmphdr)));
    ih->type = type;
    ih->code = 0;
    ih->group = group;
    ih->csum = 0;
    ih->csum = ip_compute_csum(ih, sizeof *ih);
    flowi4 fl4;
    fl4.flowi4_oif = dev->ifindex;
    fl4.flowi4_proto = IPPROTO_IGMP;
    fl4.saddr = src;
    fl4.daddr = type == IGMP_HOST_LEAVE_MESSAGE ? IGMP_ALL_ROUTER : group;
    ip_xmit_opts o;
    o.ttl = 1;
    o.opt = ROUTER_ALERT;
    o.optlen = sizeof ROUTER_ALERT;
    if (ip_build_and_send_pkt(skb, &fl4, o) == 0) {
        count(type == IGMP_HOST_LEAVE_MESSAGE ? IGMP_MIB_OUTLEAVES : IGMP_MIB_OUTREPORTS);
    }
}

void start_timer(igmp_group* g, unsigned long max_delay) {
    unsigned long delay = get_random_u32_below(static_cast<uint32_t>(max_delay)) + 1;
    // RFC 2236 3: a running timer is only moved earlier.
    if (timer_pending(&g->timer) && static_cast<long>(g->timer.expires - (jiffies + delay)) <= 0) {
        return;
    }
    mod_timer(&g->timer, jiffies + delay);
}

void igmp_timer_expire(timer_list* t) {
    igmp_group* g = container_of(t, &igmp_group::timer);
    net_device* dev = __dev_get_by_index(g->ifindex);
    if (!dev) {
        g->used = false;   // the device went away with its groups
        return;
    }
    igmp_send(dev, g->group, IGMPV2_HOST_MEMBERSHIP_REPORT);
    g->reporter = true;
    if (g->unsolicited && --g->unsolicited) {   // more repeats to come
        start_timer(g, UNSOLICITED_REPORT_INTERVAL);
    }
}

// RFC 2236 3: a general query (group 0) or one group's; the maximum
// response time in tenths of a second, 0 from a version 1 router.
void igmp_heard_query(net_device* dev, const igmphdr* ih) {
    unsigned long max_delay = ih->code ? ih->code * HZ / 10 : V1_QUERY_RESPONSE_INTERVAL;
    if (!max_delay) {
        max_delay = 1;
    }
    if (ih->group && !ipv4_is_multicast(ih->group)) {
        return;
    }
    for (igmp_group& g : groups) {
        if (g.used && g.ifindex == dev->ifindex && (!ih->group || ih->group == g.group)) {
            start_timer(&g, max_delay);
        }
    }
}

// Another member answered first: ours is not needed (RFC 2236 3).
void igmp_heard_report(net_device* dev, __be32 group) {
    igmp_group* g = find_group(dev->ifindex, group);
    if (g && timer_pending(&g->timer)) {
        del_timer(&g->timer);
        g->reporter = false;
        g->unsolicited = 0;
    }
}

const net_protocol igmp_protocol = {igmp_rcv, nullptr};

void igmp_show_dev(in_device& in_dev, void* arg) {
    auto* m = static_cast<seq_file*>(arg);
    if (!in_dev.mc_count) {
        return;
    }
    seq_printf(m, "%d\t%-10s: %5u %7s\n", in_dev.dev->ifindex, in_dev.dev->name, in_dev.mc_count, "V2");
    for (unsigned i = 0; i < in_dev.mc_count; ++i) {
        const ip_mc_list& mc = in_dev.mc[i];
        igmp_group* g = find_group(in_dev.dev->ifindex, mc.multiaddr);
        bool running = g && timer_pending(&g->timer);
        unsigned long left = running ? g->timer.expires - jiffies : 0;
        seq_printf(m, "\t\t\t\t%08X %5u %d:%08lX\t\t%d\n", static_cast<unsigned>(mc.multiaddr), mc.users, running,
                   left, g ? g->reporter : 0);
    }
}

// Linux's igmp_mc_seq_show.
int igmp_seq_show(seq_file* m, void*) {
    seq_puts(m, "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n");
    bh_guard bh;
    for_each_in_dev(igmp_show_dev, m);
    return 0;
}

}  // namespace

void igmp_group_added(in_device* in_dev, __be32 group) {
    net_device* dev = in_dev->dev;
    if (group == IGMP_ALL_HOSTS || (dev->flags & IFF_LOOPBACK) || find_group(dev->ifindex, group)) {
        return;
    }
    for (igmp_group& g : groups) {
        if (!g.used) {
            g.used = true;
            g.ifindex = dev->ifindex;
            g.group = group;
            g.unsolicited = 1;   // Robustness Variable 2: the report and one repeat
            timer_setup(&g.timer, igmp_timer_expire, 0);
            igmp_send(dev, group, IGMPV2_HOST_MEMBERSHIP_REPORT);
            g.reporter = true;
            start_timer(&g, UNSOLICITED_REPORT_INTERVAL);
            return;
        }
    }
    pr_warn("igmp: no room for group %08x on %s: not reported\n", static_cast<unsigned>(group), dev->name);
}

void igmp_group_dropped(in_device* in_dev, __be32 group) {
    igmp_group* g = find_group(in_dev->dev->ifindex, group);
    if (!g) {
        return;
    }
    del_timer(&g->timer);
    if (g->reporter) {
        igmp_send(in_dev->dev, group, IGMP_HOST_LEAVE_MESSAGE);   // RFC 2236 3: the last reporter leaves
    }
    g->used = false;
}

int igmp_rcv(sk_buff* skb) {
    if (!pskb_may_pull(skb, sizeof(igmphdr)) ||
        (skb->ip_summed != CHECKSUM_UNNECESSARY && ip_compute_csum(skb->data, static_cast<int>(skb->len)))) {
        count(IGMP_MIB_INERRORS);
        kfree_skb(skb);
        return 0;
    }
    count(IGMP_MIB_INMSGS);
    const auto* ih = reinterpret_cast<const igmphdr*>(skb->data);
    net_device* dev = skb->dev;
    switch (ih->type) {
    case IGMP_HOST_MEMBERSHIP_QUERY:
        count(IGMP_MIB_INQUERIES);
        igmp_heard_query(dev, ih);
        break;
    case IGMP_HOST_MEMBERSHIP_REPORT:
    case IGMPV2_HOST_MEMBERSHIP_REPORT:
        // Our own report looped back is not another member's (Linux's
        // check): only reports that came over the link count.
        if (skb->pkt_type == PACKET_MULTICAST || skb->pkt_type == PACKET_BROADCAST) {
            count(IGMP_MIB_INREPORTS);
            igmp_heard_report(dev, ih->group);
        }
        break;
    default:
        break;   // leaves and version 3 reports are for routers
    }
    consume_skb(skb);
    return 0;
}

unsigned long igmp_mib_get(igmp_mib f) { return __atomic_load_n(&stats[f], __ATOMIC_RELAXED); }

void igmp_init() {
    igmp_exit();
    memset(stats, 0, sizeof stats);
    if (inet_add_protocol(&igmp_protocol, IPPROTO_IGMP) < 0) {
        pr_err("igmp_init: cannot add protocol\n");
    }
    if (proc_dir_entry* net = proc_net_dir()) {
        remove_proc_entry("igmp", net);
        proc_create_single("igmp", 0444, net, igmp_seq_show);
    }
}

void igmp_exit() {
    inet_del_protocol(&igmp_protocol, IPPROTO_IGMP);
    for (igmp_group& g : groups) {
        if (g.used) {
            del_timer(&g.timer);
        }
        g.used = false;
    }
}
