// ip=dhcp on a device: receive and send paths, the "kdhcp" thread, and
// configuring what the lease gives (Linux's ipconfig.c ic_bootp_recv,
// ic_bootp_send_if, ic_dhcp_init_options; renewal per RFC 2131 4.4.5).
#include "net/ipv4/ipconfig_dhcp.h"

#include <stdio.h>
#include <string.h>

#include "kernel/cpu.h"
#include "kernel/jiffies.h"
#include "kernel/printk.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/sync.h"
#include "kernel/sched/wait.h"
#include "kernel/time.h"
#include "kernel/uapi/errno.h"
#include "kernel/utsname.h"
#include "net/core/checksum.h"
#include "net/core/netdevice.h"
#include "net/core/rtnetlink.h"
#include "net/ethernet/etherdevice.h"
#include "net/ipv4/arp.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/route.h"
#include "net/ipv4/udp_kernel_port.h"

namespace {

// RFC 768 header, private here: the client builds and checks its own.
struct udp_header {
    __be16 source, dest, len;
    __sum16 check;
};
static_assert(sizeof(udp_header) == 8);

// Frames the receive handler refused before the state machine saw them.
struct frame_stats {
    uint32_t bad_ip;        // short, fragment, bad header checksum or length
    uint32_t bad_udp;       // short, bad length or checksum
    uint32_t queue_full;
};

struct rx_slot {
    uint16_t len;
    uint8_t data[DHCP_MAX_LEN];
};
constexpr unsigned RX_SLOTS = 4;

// What /proc/net/dhcp shows: copied from the thread's client after each
// step (under irq_guard), so readers never see the client mid-change.
struct view {
    dhcp_state state;
    dhcp_lease lease;
    uint64_t t1_at, t2_at, expire_at;
    dhcp_stats stats;
};

net_device* ic_dev;
task_struct* ic_task;
packet_type ic_ip_pt, ic_arp_pt;
rx_slot rx_ring[RX_SLOTS];
unsigned rx_head, rx_count;
__be32 probing_addr;           // nonzero while PROBING: the ARP handler watches it
__be32 conflict_addr;          // what it saw
frame_stats fstats;
view snapshot;
bool ever_bound;
wait_queue_head ic_wait;
completion first_lease;
uint64_t rnd_state;

uint64_t now_ms() { return ktime_get_ns() / 1000000u; }

bool ip_header_ok(const iphdr* iph, unsigned len) {
    unsigned ihl = iph->ihl() * 4;
    return iph->version() == IPVERSION && ihl >= sizeof(iphdr) && len >= ihl && ntohs(iph->tot_len) >= ihl &&
           ntohs(iph->tot_len) <= len && ip_fast_csum(iph, iph->ihl()) == 0 &&
           (iph->frag_off & htons(IP_MF | IP_OFFSET)) == 0;
}

// The UDP datagram inside a checked IP header: to port 68 from port 67,
// length consistent, checksum right when present (RFC 768: zero is none).
// Returns the payload length, or -1 (counted) / -2 (not for us).
int udp_payload(const iphdr* iph, const uint8_t* udp, unsigned avail) {
    if (avail < sizeof(udp_header)) {
        ++fstats.bad_udp;
        return -1;
    }
    udp_header uh;
    memcpy(&uh, udp, sizeof uh);
    if (uh.dest != htons(DHCP_CLIENT_PORT)) {
        return -2;
    }
    unsigned ulen = ntohs(uh.len);
    if (uh.source != htons(DHCP_SERVER_PORT) || ulen < sizeof uh || ulen > avail) {
        ++fstats.bad_udp;
        return -1;
    }
    if (uh.check && csum_tcpudp_magic(iph->saddr, iph->daddr, ulen, IPPROTO_UDP, csum_partial(udp, static_cast<int>(ulen), 0))) {
        ++fstats.bad_udp;
        return -1;
    }
    return static_cast<int>(ulen - sizeof uh);
}

// ETH_P_IP tap (softirq): a DHCP reply is copied to the ring for the
// thread; IP gets the frame too (its own packet_type) and stays silent
// about it (udp_kernel_port.h).
int ic_ip_rcv(sk_buff* skb, net_device* dev, packet_type*, net_device*) {
    if (dev != ic_dev || skb->pkt_type == PACKET_OTHERHOST || skb->len < sizeof(iphdr)) {
        consume_skb(skb);   // IP's own handler judges it
        return NET_RX_SUCCESS;
    }
    alignas(4) uint8_t hdr[60];
    unsigned hlen = skb->len < sizeof hdr ? skb->len : sizeof hdr;
    memcpy(hdr, skb->data, hlen);
    const auto* iph = reinterpret_cast<const iphdr*>(hdr);
    if (iph->protocol != IPPROTO_UDP) {
        consume_skb(skb);
        return NET_RX_SUCCESS;
    }
    if (!ip_header_ok(iph, skb->len)) {
        ++fstats.bad_ip;
        kfree_skb(skb);
        return NET_RX_DROP;
    }
    unsigned ihl = iph->ihl() * 4;
    const uint8_t* udp = skb->data + ihl;
    int n = udp_payload(iph, udp, ntohs(iph->tot_len) - ihl);
    if (n == -2) {
        consume_skb(skb);   // another port: not the client's
        return NET_RX_SUCCESS;
    }
    if (n < 0 || static_cast<unsigned>(n) > DHCP_MAX_LEN) {
        kfree_skb(skb);
        return NET_RX_DROP;
    }
    {
        cpu::irq_guard g;
        if (rx_count == RX_SLOTS) {
            ++fstats.queue_full;
        } else {
            rx_slot& s = rx_ring[(rx_head + rx_count++) % RX_SLOTS];
            s.len = static_cast<uint16_t>(n);
            memcpy(s.data, udp + sizeof(udp_header), static_cast<size_t>(n));
        }
    }
    wake_up(&ic_wait);
    consume_skb(skb);
    return NET_RX_SUCCESS;
}

// ETH_P_ARP tap while an offered address is probed (RFC 5227 2.1.1): a
// packet from another station with that sender address, or another
// station's probe for it, is a conflict.
int ic_arp_rcv(sk_buff* skb, net_device* dev, packet_type*, net_device*) {
    __be32 watch = probing_addr;
    if (dev == ic_dev && watch && skb->len >= ARP_ETH_IP_LEN) {
        const uint8_t* b = skb->data + sizeof(arphdr);
        __be32 sip, tip;
        memcpy(&sip, b + 6, 4);
        memcpy(&tip, b + 16, 4);
        bool others = !ether_addr_equal(b, dev->dev_addr);
        if (others && (sip == watch || (sip == 0 && tip == watch))) {
            conflict_addr = watch;
            wake_up(&ic_wait);
        }
    }
    consume_skb(skb);
    return NET_RX_SUCCESS;
}

// Broadcasts leave as a frame built here: before a lease there is no
// address to route from (Linux's ic_bootp_send_if).
sk_buff* build_udp(const uint8_t* msg, size_t len, unsigned headroom) {
    sk_buff* skb = alloc_skb(headroom + sizeof(udp_header) + static_cast<unsigned>(len), GFP_KERNEL);
    if (!skb) {
        return nullptr;
    }
    skb_reserve(skb, static_cast<int>(headroom));
    auto* uh = reinterpret_cast<udp_header*>(skb_put(skb, sizeof(udp_header)));
    memcpy(skb_put(skb, static_cast<unsigned>(len)), msg, len);
    uh->source = htons(DHCP_CLIENT_PORT);
    uh->dest = htons(DHCP_SERVER_PORT);
    uh->len = htons(static_cast<uint16_t>(sizeof(udp_header) + len));
    uh->check = 0;
    skb_reset_transport_header(skb);
    return skb;
}

void fill_udp_check(sk_buff* skb, __be32 src, __be32 dst) {
    auto* uh = reinterpret_cast<udp_header*>(skb->data);
    __sum16 c = csum_tcpudp_magic(src, dst, skb->len, IPPROTO_UDP, csum_partial(skb->data, static_cast<int>(skb->len), 0));
    uh->check = c ? c : 0xffff;   // RFC 768: a computed zero is sent as all ones
}

void send_broadcast(const uint8_t* msg, size_t len, __be32 src) {
    net_device* dev = ic_dev;
    sk_buff* skb = build_udp(msg, len, LL_RESERVED_SPACE(dev) + sizeof(iphdr));
    if (!skb) {
        return;
    }
    __be32 dst = htonl(INADDR_BROADCAST);
    fill_udp_check(skb, src, dst);
    auto* iph = reinterpret_cast<iphdr*>(skb_push(skb, sizeof(iphdr)));
    skb_reset_network_header(skb);
    memset(iph, 0, sizeof *iph);
    iph->set_version_ihl(IPVERSION, 5);
    iph->tot_len = htons(static_cast<uint16_t>(skb->len));
    iph->id = ip_select_ident(dst, src, IPPROTO_UDP);
    iph->ttl = IPDEFTTL;
    iph->protocol = IPPROTO_UDP;
    iph->saddr = src;
    iph->daddr = dst;
    ip_send_check(iph);
    skb->dev = dev;
    skb->protocol = htons(ETH_P_IP);
    if (dev_hard_header(skb, dev, ETH_P_IP, dev->broadcast, dev->dev_addr, skb->len) < 0) {
        kfree_skb(skb);
        return;
    }
    dev_queue_xmit(skb);
}

// RENEWING: unicast from the leased address through IP's output path, so
// the route and ARP find the server (RFC 2131 4.4.5).
void send_unicast(const uint8_t* msg, size_t len, __be32 src, __be32 dst) {
    sk_buff* skb = build_udp(msg, len, IP_MAX_HEADROOM);
    if (!skb) {
        return;
    }
    fill_udp_check(skb, src, dst);
    flowi4 fl4;
    fl4.flowi4_oif = ic_dev->ifindex;
    fl4.flowi4_proto = IPPROTO_UDP;
    fl4.saddr = src;
    fl4.daddr = dst;
    int err = ip_build_and_send_pkt(skb, &fl4, ip_xmit_opts{});
    if (err) {
        pr_debug("IP-Config: DHCP renewal to %s not sent: error %d\n", IP4(dst).s, err);
    }
}

__be32 mask_of(const dhcp_lease& l) { return l.netmask ? l.netmask : inet_classful_mask(l.addr); }

void say_bound(const dhcp_lease& l) {
    IP4 srv(l.server), a(l.addr), m(mask_of(l)), g(l.router ? l.router : htonl(INADDR_NONE));
    pr_info("IP-Config: Got DHCP answer from %s, my address is %s\n", srv.s, a.s);
    pr_info("IP-Config: Complete: device=%s, ipaddr=%s, mask=%s, gw=%s\n", ic_dev->name, a.s, m.s, g.s);
    IP4 d0(l.dns[0]), d1(l.dns[1]), ntp(l.ntp[0]);
    pr_info("IP-Config:      host=%s, domain=%s, nameserver0=%s, nameserver1=%s, ntpserver0=%s, lease=%us\n",
            l.hostname[0] ? l.hostname : "(none)", l.domain, d0.s, d1.s, ntp.s, l.lease_s);
}

class kernel_transport final : public dhcp_transport {
public:
    void send(const uint8_t* msg, size_t len, __be32 src, __be32 dst) override {
        if (dst == htonl(INADDR_BROADCAST)) {
            send_broadcast(msg, len, src);
        } else {
            send_unicast(msg, len, src, dst);
        }
    }
    void arp_probe(__be32 addr) override {
        probing_addr = addr;
        arp_send(ARPOP_REQUEST, addr, ic_dev, 0, nullptr, ic_dev->dev_addr, nullptr);
    }
    void bind(const dhcp_lease& l) override;
    void unbind(const dhcp_lease& l) override;
    uint32_t random() override {
        rnd_state ^= rnd_state << 13;
        rnd_state ^= rnd_state >> 7;
        rnd_state ^= rnd_state << 17;
        return static_cast<uint32_t>(rnd_state >> 16);
    }
};

void default_route(const dhcp_lease& l, bool add) {
    if (!l.router) {
        return;
    }
    fib_config r;
    r.gw = l.router;
    r.dev = ic_dev;
    r.protocol = RTPROT_BOOT;
    int err = add ? fib_add_route(r) : fib_del_route(r);
    if (err && err != -EEXIST && add) {
        pr_err("IP-Config: cannot add the default route via %s: error %d\n", IP4(l.router).s, err);
    }
}

void kernel_transport::bind(const dhcp_lease& l) {
    rtnl_guard rtnl;   // address and route changes, from the kdhcp thread
    probing_addr = 0;
    __be32 mask = mask_of(l);
    __be32 bcast = l.broadcast ? l.broadcast : (l.addr | ~mask);
    int err = inet_ifa_add(ic_dev, l.addr, static_cast<unsigned>(inet_mask_len(mask)), bcast, nullptr);
    if (err && err != -EEXIST) {
        pr_err("IP-Config: cannot set %s's address %s: error %d\n", ic_dev->name, IP4(l.addr).s, err);
        return;
    }
    default_route(l, true);
    if (l.hostname[0]) {
        uts_set_nodename(l.hostname);   // unless hostname= was given (Linux: ic_host_name_set)
    }
    if (!ever_bound) {
        ever_bound = true;
        say_bound(l);
        first_lease.complete_all();
    } else if (err == 0) {
        say_bound(l);   // a new address after an expiry or a NAK
    }
}

void kernel_transport::unbind(const dhcp_lease& l) {
    rtnl_guard rtnl;
    default_route(l, false);
    inet_ifa_del(ic_dev, l.addr);
    pr_warn("IP-Config: DHCP lease of %s on %s ended; address removed\n", IP4(l.addr).s, ic_dev->name);
}

void publish(const dhcp_client& c) {
    cpu::irq_guard g;
    snapshot.state = c.state();
    snapshot.lease = c.lease();
    snapshot.t1_at = c.t1_at();
    snapshot.t2_at = c.t2_at();
    snapshot.expire_at = c.expire_at();
    snapshot.stats = c.stats;
}

bool take(rx_slot* out) {
    cpu::irq_guard g;
    if (!rx_count) {
        return false;
    }
    *out = rx_ring[rx_head];
    rx_head = (rx_head + 1) % RX_SLOTS;
    --rx_count;
    return true;
}

long jiffies_until(uint64_t deadline) {
    uint64_t now = now_ms();
    if (deadline <= now) {
        return 0;
    }
    uint64_t ms = deadline - now;
    return ms > 3600u * 1000u ? static_cast<long>(msecs_to_jiffies(3600u * 1000u))
                              : static_cast<long>(msecs_to_jiffies(static_cast<unsigned>(ms))) + 1;
}

void kdhcp_thread(void*) {
    kernel_transport tr;
    dhcp_client_config cfg;
    cfg.max_msg_size = static_cast<uint16_t>(ic_dev->mtu < 576 ? 576 : ic_dev->mtu);
    dhcp_client client(tr, ic_dev->dev_addr, cfg);
    static rx_slot slot;
    client.start(now_ms());
    for (;;) {
        client.timer(now_ms());
        while (take(&slot)) {
            client.receive(now_ms(), slot.data, slot.len);
        }
        if (__be32 a = conflict_addr) {
            conflict_addr = 0;
            pr_warn("IP-Config: %s is in use by another station; declining it\n", IP4(a).s);
            client.arp_conflict(now_ms(), a);
        }
        if (client.state() != dhcp_state::probing) {
            probing_addr = 0;
        }
        publish(client);
        wait_event_timeout(ic_wait, [] { return rx_count != 0 || conflict_addr != 0; },
                           jiffies_until(client.deadline()));
    }
}

unsigned secs_left(uint64_t at, uint64_t now) {
    if (at == dhcp_client::NEVER) {
        return 0xffffffff;
    }
    return at > now ? static_cast<unsigned>((at - now + 999) / 1000) : 0;
}

}  // namespace

bool ic_dhcp_running() { return ic_task != nullptr; }

int ic_dhcp_start(net_device* dev) {
    if (ic_task) {
        return -EBUSY;
    }
    int err = dev_open(dev);
    if (err) {
        return err;
    }
    ic_dev = dev;
    init_waitqueue_head(&ic_wait);
    rnd_state = (uint64_t{cpu::cycles()} << 32) ^ ktime_get_ns() ^ 0x9e3779b97f4a7c15ull;
    for (unsigned i = 0; i < ETH_ALEN; ++i) {
        rnd_state ^= uint64_t{dev->dev_addr[i]} << (8 * i);   // two boards booted together differ by MAC
    }
    ic_ip_pt = {};
    ic_ip_pt.type = htons(ETH_P_IP);
    ic_ip_pt.dev = dev;
    ic_ip_pt.func = ic_ip_rcv;
    ic_arp_pt = {};
    ic_arp_pt.type = htons(ETH_P_ARP);
    ic_arp_pt.dev = dev;
    ic_arp_pt.func = ic_arp_rcv;
    dev_add_pack(&ic_ip_pt);
    dev_add_pack(&ic_arp_pt);
    udp_kernel_port_claim(DHCP_CLIENT_PORT);
    ic_task = kthread_run(kdhcp_thread, nullptr, "kdhcp", DEFAULT_PRIO);
    if (!ic_task) {
        dev_remove_pack(&ic_ip_pt);
        dev_remove_pack(&ic_arp_pt);
        udp_kernel_port_release(DHCP_CLIENT_PORT);
        return -ENOMEM;
    }
    pr_info("IP-Config: DHCP on %s (%02x:%02x:%02x:%02x:%02x:%02x)\n", dev->name, dev->dev_addr[0], dev->dev_addr[1],
            dev->dev_addr[2], dev->dev_addr[3], dev->dev_addr[4], dev->dev_addr[5]);
    return 0;
}

bool ic_dhcp_wait(unsigned timeout_ms) {
    if (!ic_task) {
        return false;
    }
    first_lease.wait_for_completion_timeout(static_cast<long>(msecs_to_jiffies(timeout_ms)));
    return ever_bound;
}

bool ic_dhcp_lease(dhcp_lease* out) {
    cpu::irq_guard g;
    if (!ic_task || !(snapshot.state == dhcp_state::bound || snapshot.state == dhcp_state::renewing ||
                      snapshot.state == dhcp_state::rebinding)) {
        return false;
    }
    *out = snapshot.lease;
    return true;
}

size_t dhcp_seq_show(char* buf, size_t len) {
    if (!ic_task) {
        return static_cast<size_t>(snprintf(buf, len, "state OFF\n"));
    }
    view v;
    frame_stats f;
    {
        cpu::irq_guard g;
        v = snapshot;
        f = fstats;
    }
    uint64_t now = now_ms();
    const dhcp_stats& s = v.stats;
    IP4 a(v.lease.addr), m(v.lease.netmask), srv(v.lease.server), gw(v.lease.router), d0(v.lease.dns[0]),
        ntp(v.lease.ntp[0]);
    int n = snprintf(buf, len,
                     "state %s\ndevice %s\naddress %s\nnetmask %s\nserver %s\nrouter %s\ndns %s\nntp %s\n"
                     "lease %u\nt1 %u\nt2 %u\nexpires %u\n"
                     "discovers %u\nrequests %u\ndeclines %u\noffers %u\nacks %u\nnaks %u\nrenewals %u\nrebinds %u\n"
                     "expiries %u\nconflicts %u\nrx %u\nrx_malformed %u\nrx_bad_xid %u\nrx_bad_chaddr %u\n"
                     "rx_bad_yiaddr %u\nrx_unexpected %u\nrx_bad_ip %u\nrx_bad_udp %u\nrx_queue_full %u\n",
                     dhcp_state_name(v.state), ic_dev->name, a.s, m.s, srv.s, gw.s, d0.s, ntp.s, v.lease.lease_s,
                     secs_left(v.t1_at, now), secs_left(v.t2_at, now), secs_left(v.expire_at, now), s.tx_discover,
                     s.tx_request, s.tx_decline, s.offers, s.acks, s.naks, s.renewals, s.rebinds, s.expiries,
                     s.conflicts, s.rx, s.rx_malformed, s.rx_bad_xid, s.rx_bad_chaddr, s.rx_bad_yiaddr,
                     s.rx_unexpected, f.bad_ip, f.bad_udp, f.queue_full);
    return n > 0 ? static_cast<size_t>(n) : 0;
}
