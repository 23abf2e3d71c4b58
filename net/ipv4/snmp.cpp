// The IPv4 counters and their names as /proc/net/snmp prints them.
#include "net/ipv4/snmp.h"

#include <string.h>

namespace ipv4_mib {

unsigned long ip[__IPSTATS_MIB_MAX];
unsigned long icmp[__ICMP_MIB_MAX];
unsigned long arp[__ARP_MIB_MAX];
unsigned long udp[__UDP_MIB_MAX];

const char* const udp_names[__UDP_MIB_MAX] = {
    "InDatagrams",  "NoPorts",      "InErrors",     "OutDatagrams", "RcvbufErrors",
    "SndbufErrors", "InCsumErrors", "IgnoredMulti", "MemErrors",
};

const char* const ip_names[__IPSTATS_MIB_MAX] = {
    "InReceives",   "InHdrErrors",   "InAddrErrors",    "ForwDatagrams", "InUnknownProtos",
    "InDiscards",   "InDelivers",    "OutRequests",     "OutDiscards",   "OutNoRoutes",
    "ReasmTimeout", "ReasmReqds",    "ReasmOKs",        "ReasmFails",    "FragOKs",
    "FragFails",    "FragCreates",   "InNoRoutes",      "InTruncatedPkts", "InMcastPkts",
    "OutMcastPkts", "InBcastPkts",   "OutBcastPkts",    "InOctets",      "OutOctets",
    "InCsumErrors", "ReasmOverlaps", "ReasmDuplicates",
};

const char* const icmp_names[__ICMP_MIB_MAX] = {
    "InMsgs",         "InErrors",        "InDestUnreachs",  "InTimeExcds",     "InParmProbs",
    "InSrcQuenchs",   "InRedirects",     "InEchos",         "InEchoReps",      "InTimestamps",
    "InTimestampReps", "InAddrMasks",    "InAddrMaskReps",  "OutMsgs",         "OutErrors",
    "OutDestUnreachs", "OutTimeExcds",   "OutParmProbs",    "OutSrcQuenchs",   "OutRedirects",
    "OutEchos",       "OutEchoReps",     "OutTimestamps",   "OutTimestampReps", "OutAddrMasks",
    "OutAddrMaskReps", "InCsumErrors",   "OutRateLimitGlobal",
};

const char* const arp_names[__ARP_MIB_MAX] = {
    "InRequests", "InReplies",    "InErrors",   "InDiscards", "InConflicts",
    "OutRequests", "OutReplies",  "OutGratuitous", "Allocs",  "Destroys",
    "ResFailed",  "UnresDiscards", "ForcedGcRuns", "TableFulls", "PeriodicGcRuns",
};

void reset() {
    memset(ip, 0, sizeof ip);
    memset(icmp, 0, sizeof icmp);
    memset(arp, 0, sizeof arp);
    memset(udp, 0, sizeof udp);
}

}  // namespace ipv4_mib
