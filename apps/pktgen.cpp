// pktgen: Ethernet frames out of a PF_PACKET SOCK_RAW socket as fast as the
// device takes them, for measuring the transmit path (after Linux's
// net/core/pktgen.c, as an app instead of a kernel module).
//   pktgen [-s size] [-t seconds] [-c count] [-i iface] [-d dst-mac]
// Frames are SIZE bytes without the FCS (60..1514, default 60), EtherType
// 0x88B5 (IEEE 802 local experimental), to DST (default broadcast), each
// with its sequence number. A send the device's queue refuses (ENOBUFS)
// is counted and retried after the CPU is given up, so the ring, not the
// queue, sets the pace. Ends after SECONDS (default 5) or COUNT frames.
#include <errno.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "apps/net_util.h"
#include "kernel/apps.h"

namespace {

constexpr uint16_t ETH_P_PKTGEN = 0x88B5;
constexpr long min_size = 60;     // ETH_ZLEN
constexpr long max_size = 1514;   // ETH_FRAME_LEN

struct options {
    long size = min_size;
    double seconds = 5;
    long count = 0;
    const char* iface = "eth0";
    uint8_t dst[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
};

int usage() {
    printf("usage: pktgen [-s size] [-t seconds] [-c count] [-i iface] [-d dst-mac]\n");
    return 2;
}

bool parse(int argc, char** argv, options* o) {
    netapp::args a{argc, argv};
    while (a.next("stcid")) {
        switch (a.operand ? 0 : a.opt) {
        case 's': o->size = atol(a.value); break;
        case 't': o->seconds = strtod(a.value, nullptr); break;
        case 'c': o->count = atol(a.value); break;
        case 'i': o->iface = a.value; break;
        case 'd':
            if (!netapp::parse_mac(a.value, o->dst)) {
                return false;
            }
            break;
        default: return false;
        }
    }
    return !a.error && o->size >= min_size && o->size <= max_size && o->seconds > 0 && o->count >= 0;
}

// A socket bound to the interface; its MAC in src. -1 after saying why.
int open_socket(const options& o, uint8_t* src, struct sockaddr_ll* to) {
    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_PKTGEN));
    if (fd < 0) {
        printf("pktgen: socket: %s\n", strerror(errno));
        return -1;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, o.iface, IFNAMSIZ - 1);
    int ifindex = netapp::if_index(fd, o.iface);
    if (ifindex < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
        printf("pktgen: %s: No such device\n", o.iface);
        close(fd);
        return -1;
    }
    memcpy(src, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
    memset(to, 0, sizeof *to);
    to->sll_family = AF_PACKET;
    to->sll_protocol = htons(ETH_P_PKTGEN);
    to->sll_ifindex = ifindex;
    if (bind(fd, reinterpret_cast<struct sockaddr*>(to), sizeof *to) < 0) {
        printf("pktgen: bind: %s\n", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

struct result {
    long sent = 0;
    long refused = 0;   // ENOBUFS: the device's queue was full
    long errors = 0;
    uint64_t ns = 0;
};

result blast(int fd, uint8_t* frame, const options& o) {
    result r;
    uint64_t start = netapp::now_ns();
    uint64_t limit = static_cast<uint64_t>(o.seconds * 1e9);
    while (!o.count || r.sent < o.count) {
        if ((r.sent & 63) == 0 && netapp::now_ns() - start >= limit) {
            break;
        }
        uint32_t seq = static_cast<uint32_t>(r.sent);
        memcpy(frame + ETH_HLEN, &seq, sizeof seq);
        if (send(fd, frame, static_cast<size_t>(o.size), 0) >= 0) {
            ++r.sent;
        } else if (errno == ENOBUFS) {
            ++r.refused;
            sched_yield();   // let the transmit softirq and the driver drain it
            if (netapp::now_ns() - start >= limit) {
                break;
            }
        } else if (++r.errors >= 10) {
            printf("pktgen: send: %s\n", strerror(errno));
            break;
        }
    }
    r.ns = netapp::now_ns() - start;
    return r;
}

int pktgen_main(int argc, char** argv) {
    options o;
    if (!parse(argc, argv, &o)) {
        return usage();
    }
    uint8_t frame[max_size];
    struct sockaddr_ll to;
    int fd = open_socket(o, frame + ETH_ALEN, &to);
    if (fd < 0) {
        return 2;
    }
    memcpy(frame, o.dst, ETH_ALEN);
    frame[12] = ETH_P_PKTGEN >> 8;
    frame[13] = ETH_P_PKTGEN & 0xff;
    for (long i = ETH_HLEN; i < o.size; ++i) {
        frame[i] = static_cast<uint8_t>(i);
    }
    result r = blast(fd, frame, o);
    close(fd);
    uint64_t us = r.ns / 1000 ? r.ns / 1000 : 1;
    printf("pktgen: %ld frames of %ld bytes sent in %lu.%03lu s, %lu frames/s, %ld refused (queue full), "
           "%ld errors\n",
           r.sent, o.size, static_cast<unsigned long>(us / 1000000), static_cast<unsigned long>(us / 1000 % 1000),
           static_cast<unsigned long>(static_cast<uint64_t>(r.sent) * 1000000u / us), r.refused, r.errors);
    return r.errors ? 1 : 0;
}

}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc pktgen_app{
    "pktgen", pktgen_main, "send frames fast: pktgen [-s size] [-t seconds] [-c count] [-i iface] [-d mac]",
    APP_PRIVILEGED, 0};
