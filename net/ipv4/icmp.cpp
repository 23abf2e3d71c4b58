// ICMP (RFC 792; RFC 1122 3.2.2 for what a host must and must not do;
// Linux's net/ipv4/icmp.c).
#include "net/ipv4/icmp.h"

#include <string.h>

#include "kernel/jiffies.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/protocol.h"
#include "net/ipv4/raw.h"
#include "net/ipv4/route.h"
#include "net/ipv4/snmp.h"

icmp_sysctl sysctl_icmp;

const icmp_err icmp_err_convert[NR_ICMP_UNREACH + 1] = {
    {ENETUNREACH, false},  {EHOSTUNREACH, false}, {ENOPROTOOPT, true},  {ECONNREFUSED, true},
    {EMSGSIZE, false},     {EOPNOTSUPP, false},   {ENETUNREACH, true},  {EHOSTDOWN, true},
    {ENONET, true},        {ENETUNREACH, true},   {EHOSTUNREACH, true}, {ENETUNREACH, false},
    {EHOSTUNREACH, false}, {EHOSTUNREACH, true},  {EHOSTUNREACH, true}, {EHOSTUNREACH, true},
};

namespace {

// Types whose errors the token bucket limits (Linux's icmp_ratemask
// default): destination unreachable, source quench, time exceeded,
// parameter problem.
constexpr uint32_t icmp_ratemask = (1u << ICMP_DEST_UNREACH) | (1u << ICMP_SOURCE_QUENCH) |
                                   (1u << ICMP_TIME_EXCEEDED) | (1u << ICMP_PARAMETERPROB);
// RFC 1812 4.3.2.3: an error carries as much of the datagram as fits in
// 576 octets.
constexpr unsigned ICMP_ERROR_MAX = 576;

struct icmp_control {
    bool (*handler)(sk_buff* skb);  // false: counted InErrors, skb dropped
    bool error;                     // an error message (no error about it)
    icmp_mib in_mib;
};

bool icmp_discard(sk_buff*) { return true; }
bool icmp_unassigned(sk_buff*) { return false; }
bool icmp_echo(sk_buff* skb);
bool icmp_timestamp(sk_buff* skb);
bool icmp_unreach(sk_buff* skb);

const icmp_control icmp_pointers[NR_ICMP_TYPES + 1] = {
    /* 0 ECHOREPLY */ {icmp_discard, false, ICMP_MIB_INECHOREPS},
    /* 1 */ {icmp_unassigned, true, ICMP_MIB_INERRORS},
    /* 2 */ {icmp_unassigned, true, ICMP_MIB_INERRORS},
    /* 3 DEST_UNREACH */ {icmp_unreach, true, ICMP_MIB_INDESTUNREACHS},
    /* 4 SOURCE_QUENCH */ {icmp_unreach, true, ICMP_MIB_INSRCQUENCHS},
    // A host keeps no route cache to redirect: ignored (RFC 1122 3.2.2.2
    // SHOULD update; Linux hosts do, this one does not yet).
    /* 5 REDIRECT */ {icmp_discard, true, ICMP_MIB_INREDIRECTS},
    /* 6 */ {icmp_unassigned, true, ICMP_MIB_INERRORS},
    /* 7 */ {icmp_unassigned, true, ICMP_MIB_INERRORS},
    /* 8 ECHO */ {icmp_echo, false, ICMP_MIB_INECHOS},
    /* 9 router advertisement (RFC 1256, not used) */ {icmp_discard, true, ICMP_MIB_INMSGS},
    /* 10 router solicitation */ {icmp_discard, true, ICMP_MIB_INMSGS},
    /* 11 TIME_EXCEEDED */ {icmp_unreach, true, ICMP_MIB_INTIMEEXCDS},
    /* 12 PARAMETERPROB */ {icmp_unreach, true, ICMP_MIB_INPARMPROBS},
    /* 13 TIMESTAMP */ {icmp_timestamp, false, ICMP_MIB_INTIMESTAMPS},
    /* 14 TIMESTAMPREPLY */ {icmp_discard, false, ICMP_MIB_INTIMESTAMPREPS},
    /* 15 INFO_REQUEST */ {icmp_discard, false, ICMP_MIB_INMSGS},
    /* 16 INFO_REPLY */ {icmp_discard, false, ICMP_MIB_INMSGS},
    /* 17 ADDRESS */ {icmp_discard, false, ICMP_MIB_INADDRMASKS},
    /* 18 ADDRESSREPLY */ {icmp_discard, false, ICMP_MIB_INADDRMASKREPS},
};

icmp_mib out_mib(uint8_t type) {
    switch (type) {
    case ICMP_ECHOREPLY: return ICMP_MIB_OUTECHOREPS;
    case ICMP_DEST_UNREACH: return ICMP_MIB_OUTDESTUNREACHS;
    case ICMP_SOURCE_QUENCH: return ICMP_MIB_OUTSRCQUENCHS;
    case ICMP_REDIRECT: return ICMP_MIB_OUTREDIRECTS;
    case ICMP_ECHO: return ICMP_MIB_OUTECHOS;
    case ICMP_TIME_EXCEEDED: return ICMP_MIB_OUTTIMEEXCDS;
    case ICMP_PARAMETERPROB: return ICMP_MIB_OUTPARMPROBS;
    case ICMP_TIMESTAMP: return ICMP_MIB_OUTTIMESTAMPS;
    case ICMP_TIMESTAMPREPLY: return ICMP_MIB_OUTTIMESTAMPREPS;
    case ICMP_ADDRESS: return ICMP_MIB_OUTADDRMASKS;
    case ICMP_ADDRESSREPLY: return ICMP_MIB_OUTADDRMASKREPS;
    default: return ICMP_MIB_OUTMSGS;
    }
}

// The global token bucket (Linux's icmp_global_allow): msgs_per_sec
// tokens a second, at most msgs_burst saved up.
struct {
    unsigned credit;
    unsigned long stamp;
} icmp_global;

bool icmp_global_allow() {
    unsigned long now = jiffies;
    unsigned long delta = now - icmp_global.stamp;
    uint64_t incr = uint64_t{sysctl_icmp.msgs_per_sec} * delta / HZ;
    if (incr > 0) {
        uint64_t credit = icmp_global.credit + incr;
        icmp_global.credit = static_cast<unsigned>(credit < sysctl_icmp.msgs_burst ? credit : sysctl_icmp.msgs_burst);
        icmp_global.stamp = now;
    }
    if (icmp_global.credit == 0) {
        return false;
    }
    --icmp_global.credit;
    return true;
}

bool icmp_rate_limited(uint8_t type, uint8_t code) {
    if (type > NR_ICMP_TYPES || !(icmp_ratemask & (1u << type))) {
        return false;
    }
    if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED) {
        return false;  // path MTU discovery depends on it (Linux exempts it too)
    }
    if (icmp_global_allow()) {
        return false;
    }
    ICMP_INC_STATS(ICMP_MIB_RATELIMITGLOBAL);
    return true;
}

// Sends an ICMP message: header fields in hdr, body (len octets) copied
// from body; routed to daddr from saddr (0: the route's choice).
int icmp_push_reply(const icmphdr& hdr, const uint8_t* body, unsigned len, __be32 daddr, __be32 saddr,
                    uint8_t tos, const sk_buff* body_skb, int body_offset) {
    sk_buff* skb = alloc_skb(IP_MAX_HEADROOM + sizeof(icmphdr) + len, GFP_ATOMIC);
    if (!skb) {
        ICMP_INC_STATS(ICMP_MIB_OUTERRORS);
        return -ENOBUFS;
    }
    skb_reserve(skb, IP_MAX_HEADROOM);
    uint8_t* p = skb_put(skb, sizeof(icmphdr) + len);
    memcpy(p, &hdr, sizeof hdr);
    if (body) {
        memcpy(p + sizeof hdr, body, len);
    } else if (len) {
        skb_copy_bits(body_skb, body_offset, p + sizeof hdr, static_cast<int>(len));
    }
    auto* ih = reinterpret_cast<icmphdr*>(p);
    ih->checksum = 0;
    ih->checksum = ip_compute_csum(p, static_cast<int>(sizeof hdr + len));
    flowi4 fl4;
    fl4.daddr = daddr;
    fl4.saddr = saddr;
    fl4.flowi4_proto = IPPROTO_ICMP;
    fl4.flowi4_tos = tos;
    ip_xmit_opts o;
    o.tos = tos;
    int err = ip_build_and_send_pkt(skb, &fl4, o);
    if (err) {
        ICMP_INC_STATS(ICMP_MIB_OUTERRORS);
        return err;
    }
    ICMP_INC_STATS(ICMP_MIB_OUTMSGS);
    ICMP_INC_STATS(out_mib(hdr.type));
    return 0;
}

// The reply's source: the address the request was sent to, when that is
// one of ours; for broadcast and multicast requests the route chooses.
__be32 reply_source(const sk_buff* skb) {
    return IPCB(skb)->rt_type == RTN_LOCAL ? ip_hdr(skb)->daddr : 0;
}

// RFC 792 echo: the same identifier, sequence and data back.
bool icmp_echo(sk_buff* skb) {
    if (sysctl_icmp.echo_ignore_all) {
        return true;
    }
    const iphdr* iph = ip_hdr(skb);
    icmphdr hdr;
    memcpy(&hdr, skb->data, sizeof hdr);
    hdr.type = ICMP_ECHOREPLY;
    hdr.code = 0;
    icmp_push_reply(hdr, nullptr, skb->len - sizeof(icmphdr), iph->saddr, reply_source(skb), iph->tos, skb,
                    sizeof(icmphdr));
    return true;
}

// RFC 792 timestamp: originate copied, receive and transmit in
// milliseconds since midnight UT.
bool icmp_timestamp(sk_buff* skb) {
    if (skb->len < sizeof(icmphdr) + 12) {
        return false;
    }
    uint64_t ms = ktime_get_real_ns() / 1000000u;
    __be32 now = htonl(static_cast<uint32_t>(ms % (24u * 60 * 60 * 1000)));
    uint8_t body[12];
    memcpy(body, skb->data + sizeof(icmphdr), 4);
    memcpy(body + 4, &now, 4);
    memcpy(body + 8, &now, 4);
    icmphdr hdr;
    memcpy(&hdr, skb->data, sizeof hdr);
    hdr.type = ICMP_TIMESTAMPREPLY;
    hdr.code = 0;
    const iphdr* iph = ip_hdr(skb);
    icmp_push_reply(hdr, body, sizeof body, iph->saddr, reply_source(skb), iph->tos, nullptr, 0);
    return true;
}

// An error about a datagram we sent: to the raw sockets and the protocol
// (Linux's icmp_unreach and icmp_socket_deliver).
bool icmp_unreach(sk_buff* skb) {
    if (!pskb_may_pull(skb, sizeof(icmphdr) + sizeof(iphdr))) {
        return false;
    }
    icmphdr icmph;
    memcpy(&icmph, skb->data, sizeof icmph);
    const auto* inner = reinterpret_cast<const iphdr*>(skb->data + sizeof(icmphdr));
    if (inner->ihl() < 5 || inner->version() != IPVERSION) {
        return false;
    }
    uint32_t info = 0;
    if (icmph.type == ICMP_DEST_UNREACH) {
        if (icmph.code > NR_ICMP_UNREACH) {
            return false;
        }
        if (icmph.code == ICMP_FRAG_NEEDED) {
            info = ntohs(icmph.un.frag.mtu);
        }
    } else if (icmph.type == ICMP_PARAMETERPROB) {
        info = ntohl(icmph.un.gateway) >> 24;
    }
    // An error about a broadcast of ours says nothing about one host
    // (Linux's icmp_ignore_bogus_error_responses).
    if (inet_addr_type(inner->daddr) == RTN_BROADCAST) {
        return true;
    }
    unsigned inner_len = inner->ihl() * 4 + 8;
    uint8_t protocol = inner->protocol;
    skb_pull(skb, sizeof(icmphdr));
    if (!pskb_may_pull(skb, inner_len)) {
        return false;
    }
    raw_icmp_error(skb, protocol, info);
    const net_protocol* ipprot = inet_protocol(protocol);
    if (ipprot && ipprot->err_handler) {
        ipprot->err_handler(skb, info);
    }
    return true;
}

// RFC 1122 3.2.2: whether skb_in may be answered with an error at all.
bool icmp_error_allowed(const sk_buff* skb_in, uint8_t type, uint8_t code) {
    const uint8_t* nh = skb_network_header(skb_in);
    if (nh < skb_in->head || nh + sizeof(iphdr) > skb_tail_pointer(skb_in)) {
        return false;
    }
    const auto* iph = reinterpret_cast<const iphdr*>(nh);
    unsigned ihl = iph->ihl() * 4;
    if (iph->ihl() < 5 || nh + ihl > skb_tail_pointer(skb_in)) {
        return false;
    }
    uint8_t rt_type = IPCB(skb_in)->rt_type;
    if (rt_type == RTN_BROADCAST || rt_type == RTN_MULTICAST || skb_in->pkt_type != PACKET_HOST) {
        return false;  // sent to many: (e) of 3.2.2
    }
    if (ipv4_is_multicast(iph->daddr) || ipv4_is_lbcast(iph->daddr)) {
        return false;
    }
    if (!ipv4_is_unicast(iph->saddr)) {
        return false;  // the source does not name one host: (d)
    }
    if (iph->frag_off & htons(IP_OFFSET)) {
        return false;  // not the first fragment: (f)
    }
    if (iph->protocol == IPPROTO_ICMP) {
        const uint8_t* itp = nh + ihl;
        if (itp >= skb_tail_pointer(skb_in)) {
            return false;
        }
        if (*itp > NR_ICMP_TYPES || icmp_pointers[*itp].error) {
            return false;  // never an error about an error: (a)
        }
    }
    return !icmp_rate_limited(type, code);
}

}  // namespace

bool icmp_is_error(uint8_t type) { return type > NR_ICMP_TYPES || icmp_pointers[type].error; }

void icmp_send(sk_buff* skb_in, uint8_t type, uint8_t code, uint32_t info) {
    bh_guard bh;
    if (!icmp_error_allowed(skb_in, type, code)) {
        return;
    }
    const uint8_t* nh = skb_network_header(skb_in);
    const auto* iph = reinterpret_cast<const iphdr*>(nh);
    unsigned avail = static_cast<unsigned>(skb_tail_pointer(skb_in) - nh);
    unsigned tot = ntohs(iph->tot_len);
    if (tot >= iph->ihl() * 4u && tot < avail) {
        avail = tot;
    }
    unsigned room = ICMP_ERROR_MAX - sizeof(iphdr) - sizeof(icmphdr);
    unsigned len = avail < room ? avail : room;
    icmphdr hdr{};
    hdr.type = type;
    hdr.code = code;
    hdr.un.gateway = htonl(info);
    __be32 saddr = inet_addr_type(iph->daddr) == RTN_LOCAL ? iph->daddr : 0;
    uint8_t tos = static_cast<uint8_t>((iph->tos & IPTOS_TOS_MASK) | IPTOS_PREC_INTERNETCONTROL);
    icmp_push_reply(hdr, nh, len, iph->saddr, saddr, tos, nullptr, 0);
}

int icmp_rcv(sk_buff* skb) {
    ICMP_INC_STATS(ICMP_MIB_INMSGS);
    bool ok = pskb_may_pull(skb, sizeof(icmphdr));
    if (ok && skb->ip_summed != CHECKSUM_UNNECESSARY && ip_compute_csum(skb->data, static_cast<int>(skb->len)) != 0) {
        ICMP_INC_STATS(ICMP_MIB_CSUMERRORS);
        ok = false;
    }
    uint8_t type = ok ? skb->data[0] : 0;
    if (ok && type > NR_ICMP_TYPES) {
        ok = false;
    }
    uint8_t rt_type = IPCB(skb)->rt_type;
    if (ok && (rt_type == RTN_BROADCAST || rt_type == RTN_MULTICAST)) {
        // RFC 1122 3.2.2.6 and 3.2.2.8: echo and timestamp to many MAY be
        // ignored; nothing else sent to many is answered (Linux's rule).
        bool query = type == ICMP_ECHO || type == ICMP_TIMESTAMP;
        if ((query && sysctl_icmp.echo_ignore_broadcasts) ||
            (!query && type != ICMP_ADDRESS && type != ICMP_ADDRESSREPLY)) {
            ok = false;
        }
    }
    if (ok) {
        const icmp_control& c = icmp_pointers[type];
        if (c.in_mib != ICMP_MIB_INERRORS && c.in_mib != ICMP_MIB_INMSGS) {
            ICMP_INC_STATS(c.in_mib);
        }
        ok = c.handler(skb);
    }
    if (!ok) {
        ICMP_INC_STATS(ICMP_MIB_INERRORS);
        kfree_skb(skb);
        return 0;
    }
    consume_skb(skb);
    return 0;
}

namespace {
const net_protocol icmp_protocol = {icmp_rcv, nullptr};
}

void icmp_init() {
    icmp_global.credit = sysctl_icmp.msgs_burst;
    icmp_global.stamp = jiffies;
    inet_add_protocol(&icmp_protocol, IPPROTO_ICMP);
}

void icmp_exit() { inet_del_protocol(&icmp_protocol, IPPROTO_ICMP); }
