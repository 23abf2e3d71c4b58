// arping: ARP who-has requests through a PF_PACKET SOCK_DGRAM socket (the
// kernel builds the Ethernet header from sll_addr), replies printed as
// iputils' arping prints them.
//   arping [-c count] [-w deadline] [-i interval] [-I iface] [-q] target
// The first request is broadcast; after a reply they go unicast to the
// replier, as iputils does without -b.
#include <arpa/inet.h>
#include <errno.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "apps/net_util.h"
#include "kernel/apps.h"

namespace {

struct options {
    long count = 0;
    uint64_t deadline_ns = 0;
    uint64_t interval_ns = 1000000000;
    const char* iface = nullptr;
    bool quiet = false;
    const char* target = nullptr;
};

int usage() {
    printf("usage: arping [-c count] [-w deadline] [-i interval] [-I iface] [-q] target\n");
    return 2;
}

// The first interface that is up and not loopback.
bool default_iface(int fd, char* name) {
    struct if_nameindex* list = if_nameindex();
    bool found = false;
    for (struct if_nameindex* p = list; p && p->if_name && !found; ++p) {
        struct ifreq ifr;
        memset(&ifr, 0, sizeof ifr);
        strncpy(ifr.ifr_name, p->if_name, IFNAMSIZ - 1);
        if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP) && !(ifr.ifr_flags & IFF_LOOPBACK)) {
            strncpy(name, p->if_name, IFNAMSIZ - 1);
            found = true;
        }
    }
    if_freenameindex(list);
    return found;
}

struct prober {
    int fd;
    int ifindex;
    uint8_t mac[ETH_ALEN];
    in_addr_t src, dst;
    uint8_t peer[ETH_ALEN];
    bool unicast = false;
    long sent = 0, broadcasts = 0, received = 0;
    uint64_t last_sent = 0;

    void send_probe() {
        struct ether_arp req;
        memset(&req, 0, sizeof req);
        req.arp_hrd = htons(ARPHRD_ETHER);
        req.arp_pro = htons(ETH_P_IP);
        req.arp_hln = ETH_ALEN;
        req.arp_pln = 4;
        req.arp_op = htons(ARPOP_REQUEST);
        memcpy(req.arp_sha, mac, ETH_ALEN);
        memcpy(req.arp_spa, &src, 4);
        memcpy(req.arp_tpa, &dst, 4);
        struct sockaddr_ll to;
        memset(&to, 0, sizeof to);
        to.sll_family = AF_PACKET;
        to.sll_protocol = htons(ETH_P_ARP);
        to.sll_ifindex = ifindex;
        to.sll_halen = ETH_ALEN;
        if (unicast) {
            memcpy(to.sll_addr, peer, ETH_ALEN);
        } else {
            memset(to.sll_addr, 0xff, ETH_ALEN);
            ++broadcasts;
        }
        if (sendto(fd, &req, sizeof req, 0, reinterpret_cast<struct sockaddr*>(&to), sizeof to) < 0) {
            printf("arping: sendto: %s\n", strerror(errno));
        }
        ++sent;
        last_sent = netapp::now_ns();
    }

    void receive(bool quiet) {
        struct ether_arp rep;
        struct sockaddr_ll from;
        socklen_t fromlen = sizeof from;
        ssize_t n = recvfrom(fd, &rep, sizeof rep, MSG_DONTWAIT, reinterpret_cast<struct sockaddr*>(&from), &fromlen);
        if (n < static_cast<ssize_t>(sizeof rep) || ntohs(rep.arp_op) != ARPOP_REPLY ||
            ntohs(rep.arp_pro) != ETH_P_IP || rep.arp_hln != ETH_ALEN || rep.arp_pln != 4 ||
            memcmp(rep.arp_spa, &dst, 4) != 0 || memcmp(rep.arp_tpa, &src, 4) != 0) {
            return;
        }
        uint64_t us = (netapp::now_ns() - last_sent) / 1000;
        ++received;
        memcpy(peer, rep.arp_sha, ETH_ALEN);
        unicast = true;
        if (quiet) {
            return;
        }
        char ip[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, rep.arp_spa, ip, sizeof ip);
        const uint8_t* m = rep.arp_sha;
        printf("%s reply from %s [%02X:%02X:%02X:%02X:%02X:%02X]  %llu.%03llums\n",
               from.sll_pkttype == PACKET_HOST ? "Unicast" : "Broadcast", ip, m[0], m[1], m[2], m[3], m[4], m[5],
               static_cast<unsigned long long>(us / 1000), static_cast<unsigned long long>(us % 1000));
        fflush(stdout);
    }
};

int arping_main(int argc, char** argv) {
    options o;
    netapp::args a{argc, argv};
    while (a.next("cwiI")) {
        if (a.operand) {
            o.target = a.operand;
            continue;
        }
        switch (a.opt) {
        case 'c': o.count = atol(a.value); break;
        case 'w': o.deadline_ns = static_cast<uint64_t>(strtod(a.value, nullptr) * 1e9); break;
        case 'i': o.interval_ns = static_cast<uint64_t>(strtod(a.value, nullptr) * 1e9); break;
        case 'I': o.iface = a.value; break;
        case 'q': o.quiet = true; break;
        default: return usage();
        }
    }
    struct in_addr target;
    if (a.error || !o.target) {
        return usage();
    }
    if (!inet_aton(o.target, &target)) {
        printf("arping: %s: Name or service not known\n", o.target);
        return 2;
    }
    int fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ARP));
    if (fd < 0) {
        printf("arping: socket: %s\n", strerror(errno));
        return 2;
    }
    char ifname[IFNAMSIZ] = {};
    if (o.iface) {
        strncpy(ifname, o.iface, IFNAMSIZ - 1);
    } else if (!default_iface(fd, ifname)) {
        printf("arping: no suitable device found\n");
        close(fd);
        return 2;
    }
    prober p{};
    p.fd = fd;
    p.dst = target.s_addr;
    p.ifindex = netapp::if_index(fd, ifname);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    if (p.ifindex < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
        printf("arping: unknown iface %s\n", ifname);
        close(fd);
        return 2;
    }
    memcpy(p.mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
    p.src = netapp::if_addr(fd, ifname);
    struct sockaddr_ll me;
    memset(&me, 0, sizeof me);
    me.sll_family = AF_PACKET;
    me.sll_protocol = htons(ETH_P_ARP);
    me.sll_ifindex = p.ifindex;
    if (bind(fd, reinterpret_cast<struct sockaddr*>(&me), sizeof me) < 0) {
        printf("arping: bind: %s\n", strerror(errno));
        close(fd);
        return 2;
    }
    char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &p.src, src, sizeof src);
    inet_ntop(AF_INET, &p.dst, dst, sizeof dst);
    printf("ARPING %s from %s %s\n", dst, src, ifname);
    fflush(stdout);
    uint64_t start = netapp::now_ns();
    uint64_t next = start;
    for (;;) {
        uint64_t now = netapp::now_ns();
        if (o.deadline_ns && now - start >= o.deadline_ns) {
            break;
        }
        if (o.count && p.sent >= o.count && (p.received >= o.count || now - p.last_sent >= o.interval_ns)) {
            break;
        }
        if (now >= next && (!o.count || p.sent < o.count)) {
            p.send_probe();
            next = now + o.interval_ns;
            continue;
        }
        uint64_t until = next;
        if (o.count && p.sent >= o.count) {
            until = p.last_sent + o.interval_ns;
        }
        int wait_ms = until > now ? static_cast<int>((until - now + 999999) / 1000000) : 0;
        struct pollfd pfd = {fd, POLLIN, 0};
        if (poll(&pfd, 1, wait_ms) > 0) {
            p.receive(o.quiet);
        }
    }
    printf("Sent %ld probes (%ld broadcast(s))\n", p.sent, p.broadcasts);
    printf("Received %ld response(s)\n", p.received);
    fflush(stdout);
    close(fd);
    return p.received ? 0 : 1;
}

}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc arping_app{
    "arping", arping_main, "ARP who-has: arping [-c n] [-w s] [-i s] [-I iface] [-q] target", APP_PRIVILEGED, 0};
