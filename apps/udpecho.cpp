// udpecho: the UDP Echo service (RFC 862): every datagram that arrives on
// the port goes back to its sender as it came. One socket serves any
// number of clients, datagram by datagram. With -D it is the Discard
// service (RFC 863, port 9) instead: datagrams counted and dropped, which
// is what a receive benchmark wants.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "apps/net_util.h"
#include "kernel/apps.h"

namespace {

constexpr size_t MAX_DATAGRAM = 65536;   // 65507 octets is the largest over IPv4

int usage() {
    fprintf(stderr, "usage: udpecho [-D] [-p port] [-j group] [-c count] [-t idle-secs] [-v]\n");
    return 2;
}

int udpecho_main(int argc, char** argv) {
    int port = 0;
    long count = -1;
    int idle_s = 0;
    bool verbose = false, discard = false;
    const char* group = nullptr;
    netapp::args a{argc, argv};
    while (a.next("pctj")) {
        if (a.operand) {
            return usage();
        }
        switch (a.opt) {
        case 'D': discard = true; break;
        case 'j': group = a.value; break;
        case 't': idle_s = atoi(a.value); break;
        case 'p': port = atoi(a.value); break;
        case 'c': count = atol(a.value); break;
        case 'v': verbose = true; break;
        default: return usage();
        }
    }
    if (!port) {
        port = discard ? 9 : 7;   // RFC 863, RFC 862
    }
    if (a.error || port <= 0 || port > 65535) {
        return usage();
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
        perror("udpecho: socket");
        return 1;
    }
    struct sockaddr_in at = {};
    at.sin_family = AF_INET;
    at.sin_port = htons(static_cast<uint16_t>(port));
    if (bind(fd, reinterpret_cast<struct sockaddr*>(&at), sizeof at) < 0) {
        fprintf(stderr, "udpecho: bind port %d: %s\n", port, strerror(errno));
        return 1;
    }
    auto* buf = static_cast<char*>(malloc(MAX_DATAGRAM));
    if (!buf) {
        fprintf(stderr, "udpecho: no memory\n");
        return 1;
    }
    if (group) {   // also serve a multicast group (RFC 1112): IGMP reports it
        struct ip_mreq mreq = {};
        if (inet_pton(AF_INET, group, &mreq.imr_multiaddr) != 1) {
            fprintf(stderr, "udpecho: bad group %s\n", group);
            return 2;
        }
        if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq) < 0) {
            fprintf(stderr, "udpecho: join %s: %s\n", group, strerror(errno));
            return 1;
        }
    }
    if (idle_s > 0) {
        struct timeval tv = {idle_s, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    printf("udpecho: %s on port %d%s%s\n", discard ? "discarding" : "listening", port, group ? " and group " : "",
           group ? group : "");
    fflush(stdout);
    unsigned long echoed = 0, failed = 0;
    unsigned long long octets = 0;
    while (count < 0 || static_cast<long>(echoed + failed) < count) {
        struct sockaddr_in from = {};
        socklen_t fromlen = sizeof from;
        ssize_t n = recvfrom(fd, buf, MAX_DATAGRAM, 0, reinterpret_cast<struct sockaddr*>(&from), &fromlen);
        if (n < 0) {
            if (errno == ECONNREFUSED || errno == EINTR) {
                continue;   // a client went away: an ICMP error about an earlier echo
            }
            if (errno != EAGAIN) {
                perror("udpecho: recvfrom");
            }
            break;   // EAGAIN: -t's idle time ran out
        }
        octets += static_cast<unsigned long long>(n);
        if (discard) {
            ++echoed;
            continue;
        }
        if (sendto(fd, buf, static_cast<size_t>(n), 0, reinterpret_cast<struct sockaddr*>(&from), fromlen) < 0) {
            ++failed;
            continue;
        }
        ++echoed;
        if (verbose) {
            char ip[INET_ADDRSTRLEN];
            printf("udpecho: %zd bytes from %s:%u\n", n, inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip),
                   ntohs(from.sin_port));
            fflush(stdout);
        }
    }
    if (discard) {
        printf("udpecho: %lu datagrams (%llu octets) discarded\n", echoed, octets);
    } else {
        printf("udpecho: %lu echoed, %lu not sent\n", echoed, failed);
    }
    free(buf);
    close(fd);
    return 0;
}

}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc udpecho_app{
    "udpecho", udpecho_main, "UDP echo (RFC 862) or discard (-D, RFC 863) server: udpecho [-D] [-p port] [-j group] [-c n] [-t idle-s] [-v]", APP_PRIVILEGED, 0};
