// net-tools in small: ifconfig, route, arp and netstat, from the interface
// ioctls and /proc/net/{dev,route,arp,snmp}, printed in net-tools' layout.
// Listing works for anyone with a socket to ask; changes need
// CAP_NET_ADMIN, which these apps have (APP_PRIVILEGED, as if run by root).
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "apps/net_util.h"
#include "kernel/apps.h"

namespace {

// A socket for the ioctls: any will do (packet sockets pass IPv4's on).
int ctl_socket(const char* who) {
    int fd = socket(AF_PACKET, SOCK_DGRAM, 0);
    if (fd < 0) {
        fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    }
    if (fd < 0) {
        printf("%s: socket: %s\n", who, strerror(errno));
    }
    return fd;
}

// One ioctl on a fresh control socket: 0, or 1 with "who: NAME: error" printed.
int ctl_ioctl(const char* who, unsigned long request, void* arg, const char* name) {
    int fd = ctl_socket(who);
    if (fd < 0) {
        return 1;
    }
    int r = ioctl(fd, request, arg);
    if (r < 0) {
        printf("%s: %s: %s\n", who, name, strerror(errno));
    }
    close(fd);
    return r < 0;
}

// The whole of a /proc file, NUL-terminated, or nullptr.
char* slurp(const char* path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        return nullptr;
    }
    size_t cap = 4096, len = 0;
    char* buf = static_cast<char*>(malloc(cap + 1));
    for (;;) {
        if (!buf) {
            break;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n <= 0) {
            break;
        }
        len += static_cast<size_t>(n);
        if (len == cap) {
            cap *= 2;
            char* bigger = static_cast<char*>(realloc(buf, cap + 1));
            if (!bigger) {
                free(buf);
                buf = nullptr;
                break;
            }
            buf = bigger;
        }
    }
    close(fd);
    if (buf) {
        buf[len] = '\0';
    }
    return buf;
}

const char* ip_str(in_addr_t a, char* buf) { return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN); }

bool get_ifreq(int fd, const char* name, unsigned long req, struct ifreq* ifr) {
    memset(ifr, 0, sizeof *ifr);
    strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
    return ioctl(fd, req, ifr) == 0;
}

in_addr_t ifr_in(const struct ifreq& ifr) { return reinterpret_cast<const struct sockaddr_in*>(&ifr.ifr_addr)->sin_addr.s_addr; }

// One line of /proc/net/dev.
struct dev_stats {
    unsigned long rx_bytes, rx_packets, rx_errs, rx_drop, rx_fifo, rx_frame, rx_compressed, rx_multicast;
    unsigned long tx_bytes, tx_packets, tx_errs, tx_drop, tx_fifo, tx_colls, tx_carrier, tx_compressed;
};

bool dev_stats_of(const char* proc, const char* name, dev_stats* s) {
    memset(s, 0, sizeof *s);
    for (const char* line = proc; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : nullptr) {
        const char* colon = strchr(line, ':');
        const char* nl = strchr(line, '\n');
        if (!colon || (nl && colon > nl)) {
            continue;
        }
        const char* n = line;
        while (*n == ' ') {
            ++n;
        }
        if (static_cast<size_t>(colon - n) != strlen(name) || strncmp(n, name, strlen(name)) != 0) {
            continue;
        }
        return sscanf(colon + 1, "%lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu", &s->rx_bytes,
                      &s->rx_packets, &s->rx_errs, &s->rx_drop, &s->rx_fifo, &s->rx_frame, &s->rx_compressed,
                      &s->rx_multicast, &s->tx_bytes, &s->tx_packets, &s->tx_errs, &s->tx_drop, &s->tx_fifo,
                      &s->tx_colls, &s->tx_carrier, &s->tx_compressed) == 16;
    }
    return false;
}

void print_bytes(unsigned long b) {
    static const char* const units[] = {"B", "KB", "MB", "GB"};
    unsigned long long scaled = b * 10ull;
    int u = 0;
    while (scaled >= 10000 && u < 3) {
        scaled /= 1000;
        ++u;
    }
    printf("%lu (%llu.%llu %s)", b, scaled / 10, scaled % 10, units[u]);
}

void print_flags(unsigned flags) {
    static const struct {
        unsigned bit;
        const char* name;
    } names[] = {{IFF_UP, "UP"},           {IFF_BROADCAST, "BROADCAST"}, {IFF_DEBUG, "DEBUG"},
                 {IFF_LOOPBACK, "LOOPBACK"}, {IFF_POINTOPOINT, "POINTOPOINT"}, {IFF_NOTRAILERS, "NOTRAILERS"},
                 {IFF_RUNNING, "RUNNING"}, {IFF_NOARP, "NOARP"},        {IFF_PROMISC, "PROMISC"},
                 {IFF_ALLMULTI, "ALLMULTI"}, {IFF_MASTER, "MASTER"},    {IFF_SLAVE, "SLAVE"},
                 {IFF_MULTICAST, "MULTICAST"}, {IFF_PORTSEL, "PORTSEL"}, {IFF_AUTOMEDIA, "AUTOMEDIA"},
                 {IFF_DYNAMIC, "DYNAMIC"}};
    printf("flags=%u<", flags & 0xffff);
    bool first = true;
    for (const auto& n : names) {
        if (flags & n.bit) {
            printf("%s%s", first ? "" : ",", n.name);
            first = false;
        }
    }
    printf(">");
}

void show_iface(int fd, const char* name, const char* proc_dev) {
    struct ifreq ifr;
    if (!get_ifreq(fd, name, SIOCGIFFLAGS, &ifr)) {
        printf("%s: error fetching interface information: %s\n", name, strerror(errno));
        return;
    }
    unsigned flags = static_cast<unsigned short>(ifr.ifr_flags);
    printf("%s: ", name);
    print_flags(flags);
    int mtu = get_ifreq(fd, name, SIOCGIFMTU, &ifr) ? ifr.ifr_mtu : 0;
    printf("  mtu %d\n", mtu);
    char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
    if (get_ifreq(fd, name, SIOCGIFADDR, &ifr)) {
        in_addr_t addr = ifr_in(ifr);
        in_addr_t mask = get_ifreq(fd, name, SIOCGIFNETMASK, &ifr) ? ifr_in(ifr) : 0;
        printf("        inet %s  netmask %s", ip_str(addr, a), ip_str(mask, m));
        if ((flags & IFF_BROADCAST) && get_ifreq(fd, name, SIOCGIFBRDADDR, &ifr) && ifr_in(ifr)) {
            printf("  broadcast %s", ip_str(ifr_in(ifr), b));
        }
        printf("\n");
    }
    int qlen = get_ifreq(fd, name, SIOCGIFTXQLEN, &ifr) ? ifr.ifr_qlen : 0;
    if (flags & IFF_LOOPBACK) {
        printf("        loop  txqueuelen %d  (Local Loopback)\n", qlen);
    } else if (get_ifreq(fd, name, SIOCGIFHWADDR, &ifr)) {
        char mac[18];
        printf("        ether %s  txqueuelen %d  (Ethernet)\n",
               netapp::mac_str(reinterpret_cast<const uint8_t*>(ifr.ifr_hwaddr.sa_data), mac), qlen);
    }
    dev_stats s;
    if (dev_stats_of(proc_dev, name, &s)) {
        printf("        RX packets %lu  bytes ", s.rx_packets);
        print_bytes(s.rx_bytes);
        printf("\n        RX errors %lu  dropped %lu  overruns %lu  frame %lu\n", s.rx_errs, s.rx_drop, s.rx_fifo,
               s.rx_frame);
        printf("        TX packets %lu  bytes ", s.tx_packets);
        print_bytes(s.tx_bytes);
        printf("\n        TX errors %lu  dropped %lu overruns %lu  carrier %lu  collisions %lu\n", s.tx_errs,
               s.tx_drop, s.tx_fifo, s.tx_carrier, s.tx_colls);
    }
    printf("\n");
}

int set_flag(int fd, const char* name, unsigned bit, bool on) {
    struct ifreq ifr;
    if (!get_ifreq(fd, name, SIOCGIFFLAGS, &ifr)) {
        return -1;
    }
    unsigned flags = static_cast<unsigned short>(ifr.ifr_flags);
    flags = on ? flags | bit : flags & ~bit;
    ifr.ifr_flags = static_cast<short>(flags);
    return ioctl(fd, SIOCSIFFLAGS, &ifr);
}

int set_addr(int fd, const char* name, unsigned long req, const char* text) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    auto* sin = reinterpret_cast<struct sockaddr_in*>(&ifr.ifr_addr);
    sin->sin_family = AF_INET;
    if (!inet_aton(text, &sin->sin_addr)) {
        errno = EINVAL;
        return -1;
    }
    return ioctl(fd, req, &ifr);
}

// ifconfig IFACE [up|down|promisc|-promisc|allmulti|-allmulti|mtu N|ADDR|netmask M|broadcast B]...
int configure(int fd, const char* name, int argc, char** argv) {
    for (int i = 0; i < argc; ++i) {
        const char* w = argv[i];
        int r;
        if (strcmp(w, "up") == 0 || strcmp(w, "down") == 0) {
            r = set_flag(fd, name, IFF_UP, w[0] == 'u');
        } else if (strcmp(w, "promisc") == 0 || strcmp(w, "-promisc") == 0) {
            r = set_flag(fd, name, IFF_PROMISC, w[0] != '-');
        } else if (strcmp(w, "allmulti") == 0 || strcmp(w, "-allmulti") == 0) {
            r = set_flag(fd, name, IFF_ALLMULTI, w[0] != '-');
        } else if ((strcmp(w, "mtu") == 0 || strcmp(w, "netmask") == 0 || strcmp(w, "broadcast") == 0) && i + 1 < argc) {
            const char* v = argv[++i];
            if (w[0] == 'm') {
                struct ifreq ifr;
                memset(&ifr, 0, sizeof ifr);
                strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
                ifr.ifr_mtu = atoi(v);
                r = ioctl(fd, SIOCSIFMTU, &ifr);
            } else {
                r = set_addr(fd, name, w[0] == 'n' ? SIOCSIFNETMASK : SIOCSIFBRDADDR, v);
            }
        } else {
            r = set_addr(fd, name, SIOCSIFADDR, w);
        }
        if (r < 0) {
            printf("ifconfig: %s: %s\n", w, strerror(errno));
            return 1;
        }
    }
    return 0;
}

int ifconfig_main(int argc, char** argv) {
    int fd = ctl_socket("ifconfig");
    if (fd < 0) {
        return 1;
    }
    bool all = argc > 1 && strcmp(argv[1], "-a") == 0;
    int first = all ? 2 : 1;
    int r = 0;
    if (argc > first + 1) {
        r = configure(fd, argv[first], argc - first - 1, argv + first + 1);
    } else {
        char* proc_dev = slurp("/proc/net/dev");
        if (argc == first + 1) {
            show_iface(fd, argv[first], proc_dev);
        } else {
            struct if_nameindex* list = if_nameindex();
            for (struct if_nameindex* p = list; p && p->if_name; ++p) {
                struct ifreq ifr;
                if (all || (get_ifreq(fd, p->if_name, SIOCGIFFLAGS, &ifr) && (ifr.ifr_flags & IFF_UP))) {
                    show_iface(fd, p->if_name, proc_dev);
                }
            }
            if_freenameindex(list);
        }
        free(proc_dev);
    }
    fflush(stdout);
    close(fd);
    return r;
}

// route [-n] | route add|del [-net|-host] TARGET|default [netmask M] [gw G] [metric N] [dev D]
int route_list() {
    char* proc = slurp("/proc/net/route");
    if (!proc) {
        printf("route: /proc/net/route: %s\n", strerror(errno));
        return 1;
    }
    printf("Kernel IP routing table\n");
    printf("Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n");
    char* save = nullptr;
    bool header = true;
    for (char* line = strtok_r(proc, "\n", &save); line; line = strtok_r(nullptr, "\n", &save)) {
        if (header) {
            header = false;
            continue;
        }
        char iface[IFNAMSIZ + 1];
        unsigned long dst, gw, mask;
        unsigned flags, ref, use, metric;
        if (sscanf(line, "%16s %lx %lx %x %u %u %u %lx", iface, &dst, &gw, &flags, &ref, &use, &metric, &mask) != 8) {
            continue;
        }
        char d[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN], f[8];
        int n = 0;
        if (flags & RTF_UP) f[n++] = 'U';
        if (flags & RTF_GATEWAY) f[n++] = 'G';
        if (flags & RTF_HOST) f[n++] = 'H';
        if (flags & RTF_REJECT) f[n++] = '!';
        f[n] = '\0';
        printf("%-15s %-15s %-15s %-5s %-6u %-2u %8u %s\n", ip_str(static_cast<in_addr_t>(dst), d),
               ip_str(static_cast<in_addr_t>(gw), g), ip_str(static_cast<in_addr_t>(mask), m), f, metric, ref, use,
               iface);
    }
    free(proc);
    return 0;
}

bool sin_set(struct sockaddr* sa, const char* text) {
    auto* sin = reinterpret_cast<struct sockaddr_in*>(sa);
    sin->sin_family = AF_INET;
    if (strcmp(text, "default") == 0) {
        sin->sin_addr.s_addr = INADDR_ANY;
        return true;
    }
    return inet_aton(text, &sin->sin_addr) != 0;
}

int route_change(int argc, char** argv) {
    bool add = strcmp(argv[1], "add") == 0;
    struct rtentry rt;
    memset(&rt, 0, sizeof rt);
    rt.rt_flags = RTF_UP;
    char dev[IFNAMSIZ] = {};
    bool host = false, have_dst = false, have_mask = false;
    for (int i = 2; i < argc; ++i) {
        const char* w = argv[i];
        const char* v = i + 1 < argc ? argv[i + 1] : nullptr;
        if (strcmp(w, "-net") == 0) {
            continue;
        }
        if (strcmp(w, "-host") == 0) {
            host = true;
        } else if (strcmp(w, "netmask") == 0 && v) {
            sin_set(&rt.rt_genmask, v);
            have_mask = true;
            ++i;
        } else if ((strcmp(w, "gw") == 0 || strcmp(w, "gateway") == 0) && v) {
            if (!sin_set(&rt.rt_gateway, v)) {
                printf("route: %s: bad address\n", v);
                return 1;
            }
            rt.rt_flags |= RTF_GATEWAY;
            ++i;
        } else if (strcmp(w, "metric") == 0 && v) {
            rt.rt_metric = static_cast<short>(atoi(v) + 1);
            ++i;
        } else if (strcmp(w, "dev") == 0 && v) {
            strncpy(dev, v, IFNAMSIZ - 1);
            ++i;
        } else if (!have_dst) {
            if (!sin_set(&rt.rt_dst, w)) {
                printf("route: %s: bad address\n", w);
                return 1;
            }
            have_dst = true;
            if (strcmp(w, "default") == 0) {
                sin_set(&rt.rt_genmask, "0.0.0.0");
                have_mask = true;
            }
        } else {
            strncpy(dev, w, IFNAMSIZ - 1);
        }
    }
    if (!have_dst) {
        printf("usage: route add|del [-net|-host] TARGET|default [netmask M] [gw G] [metric N] [dev D]\n");
        return 1;
    }
    if (host) {
        rt.rt_flags |= RTF_HOST;
        sin_set(&rt.rt_genmask, "255.255.255.255");
    } else if (!have_mask) {
        sin_set(&rt.rt_genmask, "255.255.255.255");
        rt.rt_flags |= RTF_HOST;
    }
    if (dev[0]) {
        rt.rt_dev = dev;
    }
    return ctl_ioctl("route", add ? SIOCADDRT : SIOCDELRT, &rt, add ? "SIOCADDRT" : "SIOCDELRT");
}

int route_main(int argc, char** argv) {
    if (argc > 1 && (strcmp(argv[1], "add") == 0 || strcmp(argv[1], "del") == 0)) {
        return route_change(argc, argv);
    }
    int r = route_list();
    fflush(stdout);
    return r;
}

// arp [-n] | arp -s IP MAC [dev] | arp -d IP [dev]
int arp_list() {
    char* proc = slurp("/proc/net/arp");
    if (!proc) {
        printf("arp: /proc/net/arp: %s\n", strerror(errno));
        return 1;
    }
    printf("Address                  HWtype  HWaddress           Flags Mask            Iface\n");
    char* save = nullptr;
    bool header = true;
    for (char* line = strtok_r(proc, "\n", &save); line; line = strtok_r(nullptr, "\n", &save)) {
        if (header) {
            header = false;
            continue;
        }
        char ip[INET_ADDRSTRLEN + 1], hw[32], mask[32], iface[IFNAMSIZ + 1];
        unsigned type, flags;
        if (sscanf(line, "%16s %x %x %31s %31s %16s", ip, &type, &flags, hw, mask, iface) != 6) {
            continue;
        }
        if (!(flags & ATF_COM)) {
            printf("%-24s %-7s %-19s %-5s %-15s %s\n", ip, "", "(incomplete)", "", "", iface);
            continue;
        }
        char f[4];
        int n = 0;
        f[n++] = 'C';
        if (flags & ATF_PERM) f[n++] = 'M';
        if (flags & ATF_PUBL) f[n++] = 'P';
        f[n] = '\0';
        printf("%-24s %-7s %-19s %-5s %-15s %s\n", ip, type == ARPHRD_ETHER ? "ether" : "?", hw, f, "", iface);
    }
    free(proc);
    return 0;
}

int arp_change(int argc, char** argv) {
    bool set = strcmp(argv[1], "-s") == 0;
    struct arpreq r;
    memset(&r, 0, sizeof r);
    if (argc < (set ? 4 : 3) || !sin_set(&r.arp_pa, argv[2])) {
        printf("usage: arp -s IP MAC [dev] | arp -d IP [dev]\n");
        return 1;
    }
    int next = 3;
    if (set) {
        r.arp_ha.sa_family = ARPHRD_ETHER;
        if (!netapp::parse_mac(argv[3], reinterpret_cast<uint8_t*>(r.arp_ha.sa_data))) {
            printf("arp: invalid hardware address %s\n", argv[3]);
            return 1;
        }
        r.arp_flags = ATF_PERM | ATF_COM;
        next = 4;
    }
    if (argc > next) {
        strncpy(r.arp_dev, strcmp(argv[next], "dev") == 0 && argc > next + 1 ? argv[next + 1] : argv[next],
                sizeof r.arp_dev - 1);
    }
    return ctl_ioctl("arp", set ? SIOCSARP : SIOCDARP, &r, set ? "SIOCSARP" : "SIOCDARP");
}

int arp_main(int argc, char** argv) {
    if (argc > 1 && (strcmp(argv[1], "-s") == 0 || strcmp(argv[1], "-d") == 0)) {
        return arp_change(argc, argv);
    }
    int r = arp_list();
    fflush(stdout);
    return r;
}

// netstat -i | -r | -s
int netstat_interfaces() {
    int fd = ctl_socket("netstat");
    char* proc = slurp("/proc/net/dev");
    if (fd < 0 || !proc) {
        free(proc);
        return 1;
    }
    printf("Kernel Interface table\n");
    printf("Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n");
    struct if_nameindex* list = if_nameindex();
    for (struct if_nameindex* p = list; p && p->if_name; ++p) {
        struct ifreq ifr;
        unsigned flags = get_ifreq(fd, p->if_name, SIOCGIFFLAGS, &ifr) ? static_cast<unsigned short>(ifr.ifr_flags) : 0;
        int mtu = get_ifreq(fd, p->if_name, SIOCGIFMTU, &ifr) ? ifr.ifr_mtu : 0;
        dev_stats s;
        dev_stats_of(proc, p->if_name, &s);
        char f[16];
        int n = 0;
        if (flags & IFF_ALLMULTI) f[n++] = 'A';
        if (flags & IFF_BROADCAST) f[n++] = 'B';
        if (flags & IFF_LOOPBACK) f[n++] = 'L';
        if (flags & IFF_MULTICAST) f[n++] = 'M';
        if (flags & IFF_PROMISC) f[n++] = 'P';
        if (flags & IFF_NOARP) f[n++] = 'O';
        if (flags & IFF_RUNNING) f[n++] = 'R';
        if (flags & IFF_UP) f[n++] = 'U';
        f[n] = '\0';
        printf("%-15s %5d %8lu %6lu %6lu %6lu %8lu %6lu %6lu %6lu %s\n", p->if_name, mtu, s.rx_packets, s.rx_errs,
               s.rx_drop, s.rx_fifo, s.tx_packets, s.tx_errs, s.tx_drop, s.tx_fifo, f);
    }
    if_freenameindex(list);
    free(proc);
    close(fd);
    return 0;
}

// /proc/net/snmp's pairs of lines (names, values) as "Ip:" blocks of
// "    name: value".
int netstat_statistics() {
    char* proc = slurp("/proc/net/snmp");
    if (!proc) {
        return 1;
    }
    char* save = nullptr;
    char* names = nullptr;
    for (char* line = strtok_r(proc, "\n", &save); line; line = strtok_r(nullptr, "\n", &save)) {
        if (!names) {
            names = line;
            continue;
        }
        char* ns = nullptr;
        char* vs = nullptr;
        char* n = strtok_r(names, " ", &ns);
        char* v = strtok_r(line, " ", &vs);
        printf("%s\n", n);
        while ((n = strtok_r(nullptr, " ", &ns)) && (v = strtok_r(nullptr, " ", &vs))) {
            printf("    %s: %s\n", n, v);
        }
        names = nullptr;
    }
    free(proc);
    return 0;
}

// netstat -u[a]: /proc/net/udp as net-tools prints it (numeric). Without
// -a only connected sockets, as net-tools leaves servers out.
int netstat_udp(bool all) {
    char* proc = slurp("/proc/net/udp");
    if (!proc) {
        return 1;
    }
    printf("Active Internet connections (%s)\n", all ? "servers and established" : "w/o servers");
    printf("Proto Recv-Q Send-Q Local Address           Foreign Address         State\n");
    char* save = nullptr;
    strtok_r(proc, "\n", &save);   // the header
    for (char* line = strtok_r(nullptr, "\n", &save); line; line = strtok_r(nullptr, "\n", &save)) {
        unsigned laddr, lport, raddr, rport, st, txq, rxq;
        if (sscanf(line, "%*d: %X:%X %X:%X %X %X:%X", &laddr, &lport, &raddr, &rport, &st, &txq, &rxq) != 7) {
            continue;
        }
        bool established = st == 1;   // TCP_ESTABLISHED: connected
        if (!all && !established) {
            continue;
        }
        char local[32], remote[32], a[INET_ADDRSTRLEN];
        struct in_addr in = {laddr};
        snprintf(local, sizeof local, "%s:%u", inet_ntop(AF_INET, &in, a, sizeof a), lport);
        in.s_addr = raddr;
        if (rport) {
            snprintf(remote, sizeof remote, "%s:%u", inet_ntop(AF_INET, &in, a, sizeof a), rport);
        } else {
            snprintf(remote, sizeof remote, "%s:*", inet_ntop(AF_INET, &in, a, sizeof a));
        }
        printf("udp   %6u %6u %-23s %-23s %s\n", rxq, txq, local, remote, established ? "ESTABLISHED" : "");
    }
    free(proc);
    return 0;
}

int netstat_main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "-i";
    int r;
    if (strcmp(mode, "-r") == 0 || strcmp(mode, "-rn") == 0) {
        r = route_list();
    } else if (strcmp(mode, "-s") == 0) {
        r = netstat_statistics();
    } else if (strcmp(mode, "-i") == 0) {
        r = netstat_interfaces();
    } else if (mode[0] == '-' && strchr(mode, 'u') && strspn(mode + 1, "uan") == strlen(mode + 1)) {
        r = netstat_udp(strchr(mode, 'a') != nullptr);
    } else {
        printf("usage: netstat [-i|-r|-s|-u[a][n]]\n");
        r = 1;
    }
    fflush(stdout);
    return r;
}

}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc ifconfig_app{
    "ifconfig", ifconfig_main, "interfaces: ifconfig [-a] [IFACE [up|down|promisc|-promisc|mtu N|ADDR|netmask M]]",
    APP_PRIVILEGED, 0};
[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc route_app{
    "route", route_main, "routes: route [-n] | route add|del [-net|-host] T|default [netmask M] [gw G] [dev D]",
    APP_PRIVILEGED, 0};
[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc arp_app{
    "arp", arp_main, "ARP cache: arp [-n] | arp -s IP MAC [dev] | arp -d IP", APP_PRIVILEGED, 0};
[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc netstat_app{
    "netstat", netstat_main, "netstat -i (interfaces), -r (routes), -s (IP/ICMP/UDP counters), -u[a] (UDP sockets)", APP_PRIVILEGED, 0};
