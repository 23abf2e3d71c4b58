// sniff: a PF_PACKET SOCK_RAW ETH_P_ALL capture that prints one line per
// frame, tcpdump -e -n style: time, interface, direction (from sll_pkttype:
// In, Out, B(roadcast), M(ulticast), P(romiscuous: someone else's)), the
// MAC addresses, the EtherType, and for IPv4 the addresses and protocol
// (ICMP type and sequence, UDP/TCP ports), for ARP who-has/is-at.
//   sniff [-B KiB] [-c count] [-i iface] [-p] [-q] [-T seconds] [-w FILE|tcp:HOST:PORT] [arp|ip|icmp|udp|tcp]
// (-q: count the frames, print none. -w: write them as a pcap file, or
// stream it to a TCP listener such as "nc -l PORT > x.pcap" or Wireshark's
// "-k -i TCP@HOST:PORT"; the stream's own segments are left out.)
// At the end: what PACKET_STATISTICS says the kernel passed and dropped.
#include <arpa/inet.h>
#include <errno.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <fcntl.h>

#include "apps/net_util.h"
#include "apps/pcap/pcap.h"
#include "kernel/apps.h"

namespace {

constexpr size_t SNAPLEN = 65536 + 64;

enum class filter { all, arp, ip, icmp, udp, tcp };

struct options {
    long buffer_kib = 1024;   // -B, as tcpdump's: the socket's SO_RCVBUF
    long count = 0;
    const char* iface = nullptr;
    bool promisc = false;
    bool quiet = false;
    uint64_t timeout_ns = 0;
    filter what = filter::all;
    const char* write_to = nullptr;
};

// Where -w writes: a file, or a TCP connection to tcp:HOST:PORT (the
// flow then set, to be left out of the capture). -1 with a message.
int open_output(const char* spec, pcap::tcp_flow* flow, bool* stream) {
    *stream = strncmp(spec, "tcp:", 4) == 0;
    if (!*stream) {
        int fd = open(spec, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) {
            printf("sniff: %s: %s\n", spec, strerror(errno));
        }
        return fd;
    }
    char host[INET_ADDRSTRLEN];
    const char* colon = strrchr(spec + 4, ':');
    size_t hlen = colon ? static_cast<size_t>(colon - (spec + 4)) : 0;
    struct sockaddr_in to;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    long port = colon ? strtol(colon + 1, nullptr, 10) : 0;
    if (!colon || hlen >= sizeof host || port <= 0 || port > 65535) {
        printf("sniff: -w %s: want tcp:ADDRESS:PORT\n", spec);
        return -1;
    }
    memcpy(host, spec + 4, hlen);
    host[hlen] = '\0';
    to.sin_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET, host, &to.sin_addr) != 1) {
        printf("sniff: -w %s: %s is not an IPv4 address\n", spec, host);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, reinterpret_cast<struct sockaddr*>(&to), sizeof to) < 0) {
        printf("sniff: -w %s: %s\n", spec, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    struct sockaddr_in me;
    socklen_t melen = sizeof me;
    getsockname(fd, reinterpret_cast<struct sockaddr*>(&me), &melen);
    *flow = {me.sin_addr.s_addr, to.sin_addr.s_addr, me.sin_port, to.sin_port};
    return fd;
}

// All of buf, or false (the reader went away).
bool write_all(int fd, const void* buf, size_t n, bool stream) {
    const auto* p = static_cast<const uint8_t*>(buf);
    while (n > 0) {
        ssize_t w = stream ? send(fd, p, n, MSG_NOSIGNAL) : write(fd, p, n);
        if (w <= 0) {
            return false;
        }
        p += w;
        n -= static_cast<size_t>(w);
    }
    return true;
}

int usage() {
    printf("usage: sniff [-B KiB] [-c count] [-i iface] [-p] [-q] [-T seconds] [-w FILE|tcp:HOST:PORT] "
           "[arp|ip|icmp|udp|tcp]\n");
    return 2;
}

bool parse_filter(const char* s, filter* f) {
    static const struct {
        const char* name;
        filter f;
    } names[] = {{"arp", filter::arp}, {"ip", filter::ip}, {"icmp", filter::icmp}, {"udp", filter::udp}, {"tcp", filter::tcp}};
    for (const auto& n : names) {
        if (strcmp(s, n.name) == 0) {
            *f = n.f;
            return true;
        }
    }
    return false;
}

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

bool matches(filter f, const uint8_t* frame, size_t len) {
    if (f == filter::all) {
        return true;
    }
    if (len < ETH_HLEN) {
        return false;
    }
    uint16_t type = be16(frame + 12);
    if (f == filter::arp) {
        return type == ETH_P_ARP;
    }
    if (type != ETH_P_IP) {
        return false;
    }
    if (f == filter::ip) {
        return true;
    }
    if (len < ETH_HLEN + 20) {
        return false;
    }
    uint8_t proto = frame[ETH_HLEN + 9];
    return (f == filter::icmp && proto == IPPROTO_ICMP) || (f == filter::udp && proto == IPPROTO_UDP) ||
           (f == filter::tcp && proto == IPPROTO_TCP);
}

const char* direction(uint8_t pkttype) {
    switch (pkttype) {
    case PACKET_HOST: return "In ";
    case PACKET_OUTGOING: return "Out";
    case PACKET_BROADCAST: return "B  ";
    case PACKET_MULTICAST: return "M  ";
    default: return "P  ";
    }
}

const char* icmp_name(uint8_t type) {
    switch (type) {
    case ICMP_ECHOREPLY: return "echo reply";
    case ICMP_DEST_UNREACH: return "unreachable";
    case ICMP_SOURCE_QUENCH: return "source quench";
    case ICMP_REDIRECT: return "redirect";
    case ICMP_ECHO: return "echo request";
    case ICMP_TIME_EXCEEDED: return "time exceeded";
    case ICMP_PARAMETERPROB: return "parameter problem";
    case ICMP_TIMESTAMP: return "time stamp request";
    case ICMP_TIMESTAMPREPLY: return "time stamp reply";
    default: return nullptr;
    }
}

void print_ipv4(const uint8_t* p, size_t len) {
    if (len < 20 || (p[0] >> 4) != 4) {
        printf("IP truncated-ip %u", static_cast<unsigned>(len));
        return;
    }
    const auto* iph = reinterpret_cast<const struct iphdr*>(p);
    unsigned hlen = iph->ihl * 4u;
    unsigned tot = ntohs(iph->tot_len);
    char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &iph->saddr, src, sizeof src);
    inet_ntop(AF_INET, &iph->daddr, dst, sizeof dst);
    uint16_t frag = ntohs(iph->frag_off);
    unsigned offset = (frag & IP_OFFMASK) * 8u;
    if (hlen < 20 || hlen > len) {
        printf("IP %s > %s: bad-hlen %u", src, dst, hlen);
        return;
    }
    const uint8_t* l4 = p + hlen;
    size_t l4len = (tot >= hlen && tot <= len ? tot : len) - hlen;
    if (offset) {
        printf("IP %s > %s: ip-proto-%u (frag %u:%u@%u%s)", src, dst, iph->protocol, ntohs(iph->id),
               static_cast<unsigned>(l4len), offset, (frag & IP_MF) ? "+" : "");
        return;
    }
    switch (iph->protocol) {
    case IPPROTO_ICMP: {
        printf("IP %s > %s: ICMP ", src, dst);
        if (l4len < 8) {
            printf("truncated");
            break;
        }
        const auto* icmp = reinterpret_cast<const struct icmphdr*>(l4);
        const char* name = icmp_name(icmp->type);
        if (icmp->type == ICMP_ECHO || icmp->type == ICMP_ECHOREPLY) {
            printf("%s, id %u, seq %u", name, ntohs(icmp->un.echo.id), ntohs(icmp->un.echo.sequence));
        } else if (name) {
            printf("%s (code %u)", name, icmp->code);
        } else {
            printf("type-#%u", icmp->type);
        }
        printf(", length %u", static_cast<unsigned>(tot - hlen));
        break;
    }
    case IPPROTO_UDP:
        if (l4len < 8) {
            printf("IP %s > %s: UDP truncated", src, dst);
        } else {
            printf("IP %s.%u > %s.%u: UDP, length %u", src, be16(l4), dst, be16(l4 + 2), be16(l4 + 4) - 8u);
        }
        break;
    case IPPROTO_TCP:
        if (l4len < 20) {
            printf("IP %s > %s: TCP truncated", src, dst);
        } else {
            uint8_t f = l4[13];
            char flags[8];
            int n = 0;
            if (f & 0x02) flags[n++] = 'S';
            if (f & 0x01) flags[n++] = 'F';
            if (f & 0x04) flags[n++] = 'R';
            if (f & 0x08) flags[n++] = 'P';
            if (f & 0x10) flags[n++] = '.';
            flags[n] = '\0';
            unsigned doff = (l4[12] >> 4) * 4u;
            printf("IP %s.%u > %s.%u: Flags [%s], length %u", src, be16(l4), dst, be16(l4 + 2), flags,
                   tot - hlen > doff ? tot - hlen - doff : 0);
        }
        break;
    default:
        printf("IP %s > %s: ip-proto-%u %u", src, dst, iph->protocol, tot - hlen);
    }
    if (frag & IP_MF) {
        printf(" (frag %u:%u@0+)", ntohs(iph->id), static_cast<unsigned>(l4len));
    }
}

void print_arp(const uint8_t* p, size_t len) {
    if (len < sizeof(struct ether_arp)) {
        printf("ARP, truncated");
        return;
    }
    const auto* a = reinterpret_cast<const struct ether_arp*>(p);
    char spa[INET_ADDRSTRLEN], tpa[INET_ADDRSTRLEN], mac[18];
    inet_ntop(AF_INET, a->arp_spa, spa, sizeof spa);
    inet_ntop(AF_INET, a->arp_tpa, tpa, sizeof tpa);
    switch (ntohs(a->arp_op)) {
    case ARPOP_REQUEST: printf("ARP, Request who-has %s tell %s, length %u", tpa, spa, static_cast<unsigned>(len)); break;
    case ARPOP_REPLY:
        printf("ARP, Reply %s is-at %s, length %u", spa, netapp::mac_str(a->arp_sha, mac), static_cast<unsigned>(len));
        break;
    default: printf("ARP, op %u, length %u", ntohs(a->arp_op), static_cast<unsigned>(len));
    }
}

void print_frame(const uint8_t* f, size_t len, const struct sockaddr_ll& from, const char* ifname, int32_t sec,
                 int32_t usec) {
    time_t t = sec;
    struct tm tm;
    gmtime_r(&t, &tm);
    printf("%02d:%02d:%02d.%06ld %s %s ", tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long>(usec), ifname,
           direction(from.sll_pkttype));
    if (len < ETH_HLEN) {
        printf("truncated frame, length %u\n", static_cast<unsigned>(len));
        return;
    }
    char s[18], d[18];
    uint16_t type = be16(f + 12);
    printf("%s > %s, ", netapp::mac_str(f + 6, s), netapp::mac_str(f, d));
    const char* tname = type == ETH_P_IP ? "IPv4" : type == ETH_P_ARP ? "ARP" : type == ETH_P_IPV6 ? "IPv6" : nullptr;
    if (tname) {
        printf("ethertype %s (0x%04x), length %u: ", tname, type, static_cast<unsigned>(len));
    } else {
        printf("ethertype Unknown (0x%04x), length %u", type, static_cast<unsigned>(len));
    }
    if (type == ETH_P_IP) {
        print_ipv4(f + ETH_HLEN, len - ETH_HLEN);
    } else if (type == ETH_P_ARP) {
        print_arp(f + ETH_HLEN, len - ETH_HLEN);
    }
    printf("\n");
}

// The interface's name for an index, cached for the common case.
const char* name_of(int ifindex, char* cache, int* cached) {
    if (*cached != ifindex) {
        if (!if_indextoname(static_cast<unsigned>(ifindex), cache)) {
            snprintf(cache, IF_NAMESIZE, "if%d", ifindex);
        }
        *cached = ifindex;
    }
    return cache;
}

struct stamp_t {
    int32_t tv_sec, tv_usec;   // o32's timeval, as SIOCGSTAMP fills it
};

// When the last frame read from fd arrived; now if the kernel has no stamp.
stamp_t frame_stamp(int fd) {
    stamp_t stamp{};
    if (ioctl(fd, SIOCGSTAMP, &stamp) < 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        stamp.tv_sec = static_cast<int32_t>(ts.tv_sec);
        stamp.tv_usec = static_cast<int32_t>(ts.tv_nsec / 1000);
    }
    return stamp;
}

// -w's output: a pcap file or stream.
struct pcap_sink {
    int fd = -1;
    bool stream = false;
    pcap::tcp_flow flow{};

    bool open(const char* spec) {
        fd = open_output(spec, &flow, &stream);
        uint8_t h[pcap::FILE_HEADER_SIZE];
        pcap::file_header(static_cast<uint32_t>(SNAPLEN), h);
        if (fd >= 0 && !write_all(fd, h, sizeof h, stream)) {
            printf("sniff: -w %s: %s\n", spec, strerror(errno));
            close_out();
        }
        return fd >= 0;
    }
    // A segment of the capture's own stream.
    bool own(const uint8_t* f, size_t n) const { return stream && pcap::frame_is_flow(f, n, flow); }
    bool write(const uint8_t* f, size_t n, stamp_t t) {
        uint8_t r[pcap::RECORD_HEADER_SIZE];
        pcap::record_header(static_cast<uint32_t>(t.tv_sec), static_cast<uint32_t>(t.tv_usec),
                            static_cast<uint32_t>(n), static_cast<uint32_t>(n), r);
        return write_all(fd, r, sizeof r, stream) && write_all(fd, f, n, stream);
    }
    void close_out() {
        if (fd >= 0) {
            close(fd);
            fd = -1;
        }
    }
};

int sniff_main(int argc, char** argv) {
    options o;
    netapp::args a{argc, argv};
    while (a.next("BciTw")) {
        if (a.operand) {
            if (!parse_filter(a.operand, &o.what)) {
                return usage();
            }
            continue;
        }
        switch (a.opt) {
        case 'B': o.buffer_kib = atol(a.value); break;
        case 'c': o.count = atol(a.value); break;
        case 'i': o.iface = a.value; break;
        case 'p': o.promisc = true; break;
        case 'q': o.quiet = true; break;
        case 'T': o.timeout_ns = static_cast<uint64_t>(strtod(a.value, nullptr) * 1e9); break;
        case 'w': o.write_to = a.value; break;
        default: return usage();
        }
    }
    if (a.error || o.buffer_kib <= 0 || o.buffer_kib > 64 * 1024) {
        return usage();
    }
    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (fd < 0) {
        printf("sniff: socket: %s\n", strerror(errno));
        return 2;
    }
    int ifindex = 0;
    if (o.iface) {
        ifindex = netapp::if_index(fd, o.iface);
        if (ifindex < 0) {
            printf("sniff: %s: No such device\n", o.iface);
            close(fd);
            return 2;
        }
        struct sockaddr_ll sll;
        memset(&sll, 0, sizeof sll);
        sll.sll_family = AF_PACKET;
        sll.sll_protocol = htons(ETH_P_ALL);
        sll.sll_ifindex = ifindex;
        if (bind(fd, reinterpret_cast<struct sockaddr*>(&sll), sizeof sll) < 0) {
            printf("sniff: bind: %s\n", strerror(errno));
            close(fd);
            return 2;
        }
    }
    if (o.promisc) {
        struct packet_mreq mr;
        memset(&mr, 0, sizeof mr);
        mr.mr_ifindex = ifindex;
        mr.mr_type = PACKET_MR_PROMISC;
        if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) < 0) {
            printf("sniff: promiscuous mode: %s\n", strerror(errno));
        }
    }
    int rcvbuf = static_cast<int>(o.buffer_kib * 1024);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    // Two bytes in, so that the IP header after the 14-byte Ethernet header
    // is word-aligned (NET_IP_ALIGN): MIPS faults on unaligned loads.
    auto* mem = static_cast<uint8_t*>(malloc(SNAPLEN + 2));
    uint8_t* buf = mem + 2;
    if (!mem) {
        close(fd);
        return 2;
    }
    pcap_sink sink;
    if (o.write_to && !sink.open(o.write_to)) {
        free(mem);
        close(fd);
        return 2;
    }
    printf("sniff: listening on %s, link-type EN10MB (Ethernet), snapshot length %u bytes\n",
           o.iface ? o.iface : "any", static_cast<unsigned>(SNAPLEN));
    fflush(stdout);
    uint64_t start = netapp::now_ns();
    long captured = 0;
    char ifcache[IF_NAMESIZE] = {};
    int cached = -1;
    while (!o.count || captured < o.count) {
        int wait_ms = -1;
        if (o.timeout_ns) {
            uint64_t now = netapp::now_ns();
            if (now - start >= o.timeout_ns) {
                break;
            }
            wait_ms = static_cast<int>((o.timeout_ns - (now - start) + 999999) / 1000000);
        }
        struct pollfd pfd = {fd, POLLIN, 0};
        if (poll(&pfd, 1, wait_ms) <= 0) {
            continue;
        }
        struct sockaddr_ll from;
        socklen_t fromlen = sizeof from;
        ssize_t n = recvfrom(fd, buf, SNAPLEN, MSG_DONTWAIT, reinterpret_cast<struct sockaddr*>(&from), &fromlen);
        if (n < 0) {
            continue;
        }
        if (!matches(o.what, buf, static_cast<size_t>(n))) {
            continue;
        }
        if (sink.own(buf, static_cast<size_t>(n))) {
            continue;
        }
        if (o.quiet) {
            ++captured;
            continue;
        }
        stamp_t stamp = frame_stamp(fd);
        if (sink.fd >= 0) {
            if (!sink.write(buf, static_cast<size_t>(n), stamp)) {
                printf("sniff: -w %s: %s\n", o.write_to, strerror(errno));
                break;
            }
            ++captured;
            continue;
        }
        print_frame(buf, static_cast<size_t>(n), from, name_of(from.sll_ifindex, ifcache, &cached), stamp.tv_sec,
                    stamp.tv_usec);
        ++captured;
    }
    struct tpacket_stats st;
    socklen_t len = sizeof st;
    memset(&st, 0, sizeof st);
    getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len);
    printf("\n%ld packets captured\n%u packets received by filter\n%u packets dropped by kernel\n", captured,
           st.tp_packets, st.tp_drops);
    fflush(stdout);
    sink.close_out();
    free(mem);
    close(fd);
    return 0;
}

}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc sniff_app{
    "sniff", sniff_main, "capture frames: sniff [-c n] [-i iface] [-p] [-q] [-T s] [-w FILE|tcp:HOST:PORT] [arp|ip|...]",
    APP_PRIVILEGED, 0};
