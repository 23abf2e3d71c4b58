// IPv4 counters, as the MIBs Linux keeps (include/uapi/linux/snmp.h): the
// IP group of RFC 4293 / RFC 2011 (Ip:, IpExt:), the ICMP group (Icmp:),
// and the ARP table's statistics (Linux's /proc/net/stat/arp_cache, with
// SNMP-style names for the protocol events). Every dropped packet is
// counted in one of them. Increments are atomic: they come from softirq
// and process context alike.
#pragma once
#include <stddef.h>

enum ipstats_mib : unsigned {
    IPSTATS_MIB_INRECEIVES,       // InReceives: datagrams handed to ip_rcv
    IPSTATS_MIB_INHDRERRORS,      // InHdrErrors: bad version, IHL, length, checksum, options
    IPSTATS_MIB_INADDRERRORS,     // InAddrErrors: not for us (we do not forward), martians
    IPSTATS_MIB_OUTFORWDATAGRAMS, // ForwDatagrams: always 0, a host
    IPSTATS_MIB_INUNKNOWNPROTOS,  // InUnknownProtos: no handler, no raw socket
    IPSTATS_MIB_INDISCARDS,       // InDiscards: fine but dropped (no memory, source route)
    IPSTATS_MIB_INDELIVERS,       // InDelivers: handed to a protocol or raw socket
    IPSTATS_MIB_OUTREQUESTS,      // OutRequests: datagrams given to ip_local_out
    IPSTATS_MIB_OUTDISCARDS,      // OutDiscards: fine but not sent (no memory, device down, ARP)
    IPSTATS_MIB_OUTNOROUTES,      // OutNoRoutes
    IPSTATS_MIB_REASMTIMEOUT,     // ReasmTimeout: reassembly timer expired
    IPSTATS_MIB_REASMREQDS,       // ReasmReqds: fragments received
    IPSTATS_MIB_REASMOKS,         // ReasmOKs: datagrams reassembled
    IPSTATS_MIB_REASMFAILS,       // ReasmFails: datagrams given up (timeout, overlap, memory, size)
    IPSTATS_MIB_FRAGOKS,          // FragOKs: datagrams fragmented
    IPSTATS_MIB_FRAGFAILS,        // FragFails: DF set, or no memory
    IPSTATS_MIB_FRAGCREATES,      // FragCreates: fragments made
    // IpExt
    IPSTATS_MIB_INNOROUTES,
    IPSTATS_MIB_INTRUNCATEDPKTS,  // InTruncatedPkts: frame shorter than tot_len
    IPSTATS_MIB_INMCASTPKTS,
    IPSTATS_MIB_OUTMCASTPKTS,
    IPSTATS_MIB_INBCASTPKTS,
    IPSTATS_MIB_OUTBCASTPKTS,
    IPSTATS_MIB_INOCTETS,
    IPSTATS_MIB_OUTOCTETS,
    IPSTATS_MIB_CSUMERRORS,       // InCsumErrors: header checksum (also in InHdrErrors)
    IPSTATS_MIB_REASMOVERLAPS,    // ReasmOverlaps: overlapping fragments (RFC 5722 discard)
    IPSTATS_MIB_REASMDUPLICATES,  // exact duplicate fragments, dropped alone
    __IPSTATS_MIB_MAX
};

enum icmp_mib : unsigned {
    ICMP_MIB_INMSGS,
    ICMP_MIB_INERRORS,        // bad length, checksum, type, or not answerable (broadcast echo)
    ICMP_MIB_INDESTUNREACHS,
    ICMP_MIB_INTIMEEXCDS,
    ICMP_MIB_INPARMPROBS,
    ICMP_MIB_INSRCQUENCHS,
    ICMP_MIB_INREDIRECTS,
    ICMP_MIB_INECHOS,
    ICMP_MIB_INECHOREPS,
    ICMP_MIB_INTIMESTAMPS,
    ICMP_MIB_INTIMESTAMPREPS,
    ICMP_MIB_INADDRMASKS,
    ICMP_MIB_INADDRMASKREPS,
    ICMP_MIB_OUTMSGS,
    ICMP_MIB_OUTERRORS,       // could not be sent (no route, no memory)
    ICMP_MIB_OUTDESTUNREACHS,
    ICMP_MIB_OUTTIMEEXCDS,
    ICMP_MIB_OUTPARMPROBS,
    ICMP_MIB_OUTSRCQUENCHS,
    ICMP_MIB_OUTREDIRECTS,
    ICMP_MIB_OUTECHOS,
    ICMP_MIB_OUTECHOREPS,
    ICMP_MIB_OUTTIMESTAMPS,
    ICMP_MIB_OUTTIMESTAMPREPS,
    ICMP_MIB_OUTADDRMASKS,
    ICMP_MIB_OUTADDRMASKREPS,
    ICMP_MIB_CSUMERRORS,      // InCsumErrors (also in InErrors)
    ICMP_MIB_RATELIMITGLOBAL, // OutRateLimitGlobal: errors held back by the token bucket
    __ICMP_MIB_MAX
};

enum arp_mib : unsigned {
    ARP_MIB_INREQUESTS,       // valid requests received
    ARP_MIB_INREPLIES,        // valid replies received
    ARP_MIB_INERRORS,         // malformed: hardware/protocol type, lengths, opcode, sender
    ARP_MIB_INDISCARDS,       // well formed but ignored (other host's frame, NOARP device)
    ARP_MIB_INCONFLICTS,      // a sender claimed one of our addresses (RFC 5227)
    ARP_MIB_OUTREQUESTS,      // requests sent (resolution probes)
    ARP_MIB_OUTREPLIES,
    ARP_MIB_OUTGRATUITOUS,    // announcements at address configuration (RFC 5227 2.3)
    ARP_MIB_ALLOCS,           // neighbour entries created
    ARP_MIB_DESTROYS,         // and freed
    ARP_MIB_RES_FAILED,       // resolutions that ended FAILED
    ARP_MIB_UNRES_DISCARDS,   // packets dropped while waiting (queue full, FAILED, flushed)
    ARP_MIB_FORCED_GC_RUNS,   // table full: oldest entry evicted
    ARP_MIB_TABLE_FULLS,      // table full and nothing to evict: not created
    ARP_MIB_PERIODIC_GC_RUNS,
    __ARP_MIB_MAX
};

// The UDP group (RFC 4113's udpInDatagrams... as Linux's Udp: row).
enum udp_mib : unsigned {
    UDP_MIB_INDATAGRAMS,      // InDatagrams: read by an application
    UDP_MIB_NOPORTS,          // NoPorts: unicast to a port nobody has
    UDP_MIB_INERRORS,         // InErrors: short, bad length, bad checksum, no room
    UDP_MIB_OUTDATAGRAMS,
    UDP_MIB_RCVBUFERRORS,     // RcvbufErrors: the socket's receive buffer was full
    UDP_MIB_SNDBUFERRORS,     // SndbufErrors: no memory to send
    UDP_MIB_CSUMERRORS,       // InCsumErrors (also in InErrors)
    UDP_MIB_IGNOREDMULTI,     // IgnoredMulti: broadcast/multicast nobody wanted
    UDP_MIB_MEMERRORS,        // MemErrors: no memory for a socket's copy
    __UDP_MIB_MAX
};

namespace ipv4_mib {
extern unsigned long ip[__IPSTATS_MIB_MAX];
extern unsigned long icmp[__ICMP_MIB_MAX];
extern unsigned long arp[__ARP_MIB_MAX];
extern unsigned long udp[__UDP_MIB_MAX];
extern const char* const udp_names[__UDP_MIB_MAX];
extern const char* const ip_names[__IPSTATS_MIB_MAX];
extern const char* const icmp_names[__ICMP_MIB_MAX];
extern const char* const arp_names[__ARP_MIB_MAX];
void reset();   // all to zero (boot, tests)
}  // namespace ipv4_mib

inline void IP_ADD_STATS(ipstats_mib f, unsigned long n) {
    __atomic_add_fetch(&ipv4_mib::ip[f], n, __ATOMIC_RELAXED);
}
inline void IP_INC_STATS(ipstats_mib f) { IP_ADD_STATS(f, 1); }
inline void ICMP_INC_STATS(icmp_mib f) { __atomic_add_fetch(&ipv4_mib::icmp[f], 1, __ATOMIC_RELAXED); }
inline void ARP_INC_STATS(arp_mib f) { __atomic_add_fetch(&ipv4_mib::arp[f], 1, __ATOMIC_RELAXED); }

inline void UDP_INC_STATS(udp_mib f) { __atomic_add_fetch(&ipv4_mib::udp[f], 1, __ATOMIC_RELAXED); }
inline unsigned long udp_mib_get(udp_mib f) { return __atomic_load_n(&ipv4_mib::udp[f], __ATOMIC_RELAXED); }
inline unsigned long ip_mib_get(ipstats_mib f) { return __atomic_load_n(&ipv4_mib::ip[f], __ATOMIC_RELAXED); }
inline unsigned long icmp_mib_get(icmp_mib f) { return __atomic_load_n(&ipv4_mib::icmp[f], __ATOMIC_RELAXED); }
inline unsigned long arp_mib_get(arp_mib f) { return __atomic_load_n(&ipv4_mib::arp[f], __ATOMIC_RELAXED); }
