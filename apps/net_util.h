// Small helpers the network apps share: monotonic time, MAC address text,
// an interface's IPv4 address and index through ioctls, a non-blocking
// listener's accept loop step, and the option
// scanning the apps do themselves (newlib's getopt keeps its state in
// globals every app thread would share).
#pragma once
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

namespace netapp {

inline uint64_t now_ns() {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// "aa:bb:cc:dd:ee:ff" (lower case, as tcpdump and ip print).
inline const char* mac_str(const uint8_t* m, char* buf) {
    snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return buf;
}

inline bool parse_mac(const char* s, uint8_t* out) {
    unsigned v[6];
    if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6) {
        return false;
    }
    for (int i = 0; i < 6; ++i) {
        if (v[i] > 255) {
            return false;
        }
        out[i] = static_cast<uint8_t>(v[i]);
    }
    return true;
}

// The interface's IPv4 address (SIOCGIFADDR) through fd; 0 if none.
inline in_addr_t if_addr(int fd, const char* ifname) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    if (ioctl(fd, SIOCGIFADDR, &ifr) < 0) {
        return 0;
    }
    return reinterpret_cast<struct sockaddr_in*>(&ifr.ifr_addr)->sin_addr.s_addr;
}

inline int if_index(int fd, const char* ifname) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    return ioctl(fd, SIOCGIFINDEX, &ifr) < 0 ? -1 : ifr.ifr_ifindex;
}

// The next connection a non-blocking listener has queued, non-blocking
// itself, and its peer in *from; -1 once the queue is empty (EAGAIN) or on
// an error, which is printed as "WHO: accept: ...". A connection reset
// before it was taken (ECONNABORTED) or a signal (EINTR) moves on to the
// next one, as accept(2) asks of a server.
inline int accept_next(int lfd, sockaddr_in* from, const char* who) {
    for (;;) {
        *from = {};
        socklen_t len = sizeof *from;
        int fd = accept4(lfd, reinterpret_cast<sockaddr*>(from), &len, SOCK_NONBLOCK);
        if (fd >= 0) {
            return fd;
        }
        if (errno != EINTR && errno != ECONNABORTED) {
            if (errno != EAGAIN) {
                fprintf(stderr, "%s: accept: %s\n", who, strerror(errno));
            }
            return -1;
        }
    }
}

// Walks argv: options (single letters, a value in the same or the next
// argument when takes_value says so) and operands.
struct args {
    int argc;
    char** argv;
    int i = 1;
    char opt = 0;
    const char* value = nullptr;
    const char* operand = nullptr;
    const char* error = nullptr;

    // The next option (opt, value) or operand; false at the end or on an
    // error (error set).
    bool next(const char* with_value) {
        opt = 0;
        value = operand = nullptr;
        if (i >= argc) {
            return false;
        }
        const char* a = argv[i++];
        if (a[0] != '-' || a[1] == '\0') {
            operand = a;
            return true;
        }
        opt = a[1];
        if (strchr(with_value, opt)) {
            if (a[2]) {
                value = a + 2;
            } else if (i < argc) {
                value = argv[i++];
            } else {
                error = "option needs a value";
                return false;
            }
        } else if (a[2]) {
            error = "unknown option";
            return false;
        }
        return true;
    }
};

}  // namespace netapp
