// The /proc/net-style listings of IPv4 state.
#include "net/ipv4/proc.h"

#include <string.h>

#include "kernel/softirq.h"
#include "net/core/netdevice.h"
#include "net/ipv4/arp.h"
#include "net/ipv4/inetdevice.h"
#include "net/ipv4/ip.h"
#include "net/ipv4/neighbour.h"
#include "net/ipv4/route.h"
#include "net/ipv4/seq_text.h"
#include "net/ipv4/igmp.h"
#include "net/ipv4/snmp.h"
#include "net/ipv4/tcp.h"

namespace {

const char* link_encap(const net_device& dev) {
    if (dev.flags & IFF_LOOPBACK) {
        return "Local Loopback";
    }
    return dev.type == ARPHRD_ETHER ? "Ethernet" : "UNSPEC";
}

void show_flags(seq_text& out, unsigned flags) {
    static const struct {
        unsigned bit;
        const char* name;
    } names[] = {{IFF_UP, "UP"},           {IFF_BROADCAST, "BROADCAST"}, {IFF_DEBUG, "DEBUG"},
                 {IFF_LOOPBACK, "LOOPBACK"}, {IFF_POINTOPOINT, "POINTOPOINT"}, {IFF_NOTRAILERS, "NOTRAILERS"},
                 {IFF_RUNNING, "RUNNING"}, {IFF_NOARP, "NOARP"},         {IFF_PROMISC, "PROMISC"},
                 {IFF_ALLMULTI, "ALLMULTI"}, {IFF_MULTICAST, "MULTICAST"}};
    for (const auto& n : names) {
        if (flags & n.bit) {
            out.add("%s ", n.name);
        }
    }
}

void show_device(seq_text& out, net_device& dev) {
    out.add("%-10s Link encap:%s", dev.name, link_encap(dev));
    if (!(dev.flags & IFF_LOOPBACK) && dev.addr_len == 6) {
        const uint8_t* a = dev.dev_addr;
        out.add("  HWaddr %02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5]);
    }
    out.add("\n");
    if (in_device* in_dev = __in_dev_get(&dev)) {
        for (in_ifaddr& ifa : in_dev_for_each_ifa(in_dev)) {
            IP4 a(ifa.ifa_local), b(ifa.ifa_broadcast), m(ifa.ifa_mask);
            out.add("           inet addr:%s", a.s);
            if (ifa.ifa_broadcast) {
                out.add("  Bcast:%s", b.s);
            }
            out.add("  Mask:%s", m.s);
            if (strcmp(ifa.ifa_label, dev.name) != 0) {
                out.add("  (%s)", ifa.ifa_label);
            }
            out.add("\n");
        }
    }
    out.add("           ");
    show_flags(out, dev_get_flags(&dev));
    out.add(" MTU:%u  Metric:1\n", dev.mtu);
    const net_device_stats* s = dev_get_stats(&dev);
    out.add("           RX packets:%lu errors:%lu dropped:%lu overruns:%lu frame:%lu\n", s->rx_packets, s->rx_errors,
            s->rx_dropped, s->rx_fifo_errors, s->rx_frame_errors);
    out.add("           TX packets:%lu errors:%lu dropped:%lu overruns:%lu carrier:%lu\n", s->tx_packets, s->tx_errors,
            s->tx_dropped, s->tx_fifo_errors, s->tx_carrier_errors);
    out.add("           collisions:%lu txqueuelen:%u\n", s->collisions, dev.tx_queue_len);
    out.add("           RX bytes:%lu  TX bytes:%lu\n\n", s->rx_bytes, s->tx_bytes);
}

unsigned route_flags(const fib_entry& fe) {
    unsigned f = RTF_UP;
    if (fe.gw) {
        f |= RTF_GATEWAY;
    }
    if (fe.prefixlen == 32) {
        f |= RTF_HOST;
    }
    if (fe.type != RTN_UNICAST) {
        f |= RTF_REJECT;
    }
    return f;
}

const char* dev_name(const fib_entry& fe) { return fe.dev ? fe.dev->name : "*"; }

void show_counters(seq_text& out, const char* group, const char* const* names, const unsigned long* values,
                   unsigned first, unsigned count) {
    out.add("%s:", group);
    for (unsigned i = first; i < first + count; ++i) {
        out.add(" %s", names[i]);
    }
    out.add("\n%s:", group);
    for (unsigned i = first; i < first + count; ++i) {
        out.add(" %lu", values[i]);
    }
    out.add("\n");
}

void show_readable(seq_text& out, const char* group, const char* const* names, const unsigned long* values,
                   unsigned count) {
    out.add("%s:\n", group);
    for (unsigned i = 0; i < count; ++i) {
        out.add("    %s: %lu\n", names[i], values[i]);
    }
}

// Linux prints the Tcp: row signed (MaxConn is -1: no limit).
void show_tcp_counters(seq_text& out) {
    using namespace tcp_mib_counters;
    out.add("Tcp:");
    for (unsigned i = 0; i < __TCP_MIB_MAX; ++i) {
        out.add(" %s", tcp_names[i]);
    }
    out.add("\nTcp:");
    for (unsigned i = 0; i < __TCP_MIB_MAX; ++i) {
        out.add(" %ld", static_cast<long>(tcp[i]));
    }
    out.add("\n");
}

}  // namespace

size_t ifconfig_show(char* buf, size_t len, const char* ifname) {
    seq_text out(buf, len);
    bh_guard bh;
    for (net_device& dev : for_each_netdev()) {
        if (!ifname || strncmp(ifname, dev.name, IFNAMSIZ) == 0) {
            show_device(out, dev);
        }
    }
    return out.used;
}

size_t rt_proc_show(char* buf, size_t len) {
    seq_text out(buf, len);
    out.add("%-127s\n", "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT");
    bh_guard bh;
    fib_for_each(
        [](const fib_entry& fe, void* arg) {
            auto& o = *static_cast<seq_text*>(arg);
            char line[160];
            snprintf(line, sizeof line, "%s\t%08X\t%08X\t%04X\t%d\t%u\t%u\t%08X\t%u\t%u\t%u", dev_name(fe),
                     static_cast<unsigned>(fe.dst), static_cast<unsigned>(fe.gw), route_flags(fe), 0, 0u,
                     static_cast<unsigned>(fe.priority), static_cast<unsigned>(fe.mask), fe.mtu ? fe.mtu + 40 : 0u,
                     0u, 0u);
            o.add("%-127s\n", line);
        },
        &out);
    return out.used;
}

size_t route_show(char* buf, size_t len) {
    seq_text out(buf, len);
    out.add("Kernel IP routing table\n"
            "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n");
    bh_guard bh;
    fib_for_each(
        [](const fib_entry& fe, void* arg) {
            auto& o = *static_cast<seq_text*>(arg);
            IP4 d(fe.dst), g(fe.gw), m(fe.mask);
            unsigned f = route_flags(fe);
            char flags[8];
            snprintf(flags, sizeof flags, "%s%s%s%s", (f & RTF_REJECT) ? "!" : "U", (f & RTF_GATEWAY) ? "G" : "",
                     (f & RTF_HOST) ? "H" : "", "");
            o.add("%-15s %-15s %-15s %-5s %-6u %-6d %5d %s\n", d.s, g.s, m.s, flags,
                  static_cast<unsigned>(fe.priority), 0, 0, dev_name(fe));
        },
        &out);
    return out.used;
}

size_t arp_seq_show(char* buf, size_t len) {
    seq_text out(buf, len);
    out.add("IP address       HW type     Flags       HW address            Mask     Device\n");
    arp_for_each(
        [](const arp_entry_info& e, void* arg) {
            auto& o = *static_cast<seq_text*>(arg);
            IP4 ip(e.ip);
            char hw[18];
            snprintf(hw, sizeof hw, "%02x:%02x:%02x:%02x:%02x:%02x", e.ha[0], e.ha[1], e.ha[2], e.ha[3], e.ha[4],
                     e.ha[5]);
            o.add("%-16s 0x%-10x0x%-10x%-17s     %-8s %s\n", ip.s, 1u, e.flags, hw, "*", e.dev);
        },
        &out);
    return out.used;
}

size_t neigh_show(char* buf, size_t len) {
    seq_text out(buf, len);
    arp_for_each(
        [](const arp_entry_info& e, void* arg) {
            auto& o = *static_cast<seq_text*>(arg);
            IP4 ip(e.ip);
            o.add("%s dev %s", ip.s, e.dev);
            if (e.nud_state & NUD_VALID) {
                o.add(" lladdr %02x:%02x:%02x:%02x:%02x:%02x", e.ha[0], e.ha[1], e.ha[2], e.ha[3], e.ha[4], e.ha[5]);
            }
            o.add(" %s\n", neigh_state_name(e.nud_state));
        },
        &out);
    return out.used;
}

size_t snmp_seq_show(char* buf, size_t len) {
    seq_text out(buf, len);
    using namespace ipv4_mib;
    out.add("Ip: Forwarding DefaultTTL");
    for (unsigned i = 0; i <= IPSTATS_MIB_FRAGCREATES; ++i) {
        out.add(" %s", ip_names[i]);
    }
    out.add("\nIp: 2 %u", static_cast<unsigned>(IPDEFTTL));  // 2: not forwarding (RFC 1213)
    for (unsigned i = 0; i <= IPSTATS_MIB_FRAGCREATES; ++i) {
        out.add(" %lu", ip[i]);
    }
    out.add("\n");
    show_counters(out, "Icmp", icmp_names, icmp, 0, __ICMP_MIB_MAX);
    show_tcp_counters(out);
    show_counters(out, "Udp", udp_names, udp, 0, __UDP_MIB_MAX);
    return out.used;
}

size_t netstat_seq_show(char* buf, size_t len) {
    seq_text out(buf, len);
    using namespace ipv4_mib;
    show_counters(out, "TcpExt", tcp_mib_counters::ext_names, tcp_mib_counters::ext, 0, __LINUX_MIB_TCP_MAX);
    show_counters(out, "IpExt", ip_names, ip, IPSTATS_MIB_INNOROUTES, __IPSTATS_MIB_MAX - IPSTATS_MIB_INNOROUTES);
    show_counters(out, "Arp", arp_names, arp, 0, __ARP_MIB_MAX);
    return out.used;
}

size_t netstat_s_show(char* buf, size_t len) {
    seq_text out(buf, len);
    using namespace ipv4_mib;
    show_readable(out, "Ip", ip_names, ip, __IPSTATS_MIB_MAX);
    show_readable(out, "Icmp", icmp_names, icmp, __ICMP_MIB_MAX);
    show_readable(out, "Tcp", tcp_mib_counters::tcp_names, tcp_mib_counters::tcp, __TCP_MIB_MAX);
    show_readable(out, "TcpExt", tcp_mib_counters::ext_names, tcp_mib_counters::ext, __LINUX_MIB_TCP_MAX);
    show_readable(out, "Udp", udp_names, udp, __UDP_MIB_MAX);
    static const char* const igmp_names[__IGMP_MIB_MAX] = {"InMsgs",    "InErrors",   "InQueries",
                                                           "InReports", "OutReports", "OutLeaves"};
    unsigned long igmp[__IGMP_MIB_MAX];
    for (unsigned i = 0; i < __IGMP_MIB_MAX; ++i) {
        igmp[i] = igmp_mib_get(static_cast<igmp_mib>(i));
    }
    show_readable(out, "Igmp", igmp_names, igmp, __IGMP_MIB_MAX);
    show_readable(out, "Arp", arp_names, arp, __ARP_MIB_MAX);
    out.add("Arp cache: %u entries\n", arp_tbl.entries_count);
    out.add("Reassembly: %u datagrams, %lu octets\n", ipfrag_queue_count(), ipfrag_mem_usage());
    return out.used;
}
