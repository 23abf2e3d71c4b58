// sntp: a Simple Network Time Protocol client (RFC 4330): one request to
// the server (the argument, else the kernel's ntp= parameter), the reply
// checked as RFC 4330 5 asks (mode, version, stratum 0 "kiss-o'-death",
// leap indicator 3 "not synchronized", our transmit time echoed as the
// originate time), then the wall clock set by the offset the four
// timestamps give (RFC 4330 5: ((T2 - T1) + (T3 - T4)) / 2).
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "apps/net_util.h"
#include "kernel/apps.h"

namespace {

constexpr uint16_t NTP_PORT = 123;
constexpr uint64_t NTP_UNIX_OFFSET = 2208988800u;   // seconds from 1900 to 1970 (RFC 4330 3)
constexpr uint8_t MODE_CLIENT = 3, MODE_SERVER = 4, VERSION = 4;

struct ntp_packet {
    uint8_t li_vn_mode;
    uint8_t stratum;
    int8_t poll;
    int8_t precision;
    uint32_t root_delay;
    uint32_t root_dispersion;
    uint32_t reference_id;
    uint32_t ref_ts[2];
    uint32_t orig_ts[2];    // the client's transmit time, echoed
    uint32_t recv_ts[2];    // T2: the request arrived at the server
    uint32_t xmit_ts[2];    // T3: the reply left it
};
static_assert(sizeof(ntp_packet) == 48);

int64_t now_ns() {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// A Unix time in ns as an NTP timestamp (seconds since 1900, 32-bit fraction), network order.
void to_ntp(int64_t ns, uint32_t out[2]) {
    uint64_t sec = static_cast<uint64_t>(ns / 1000000000) + NTP_UNIX_OFFSET;
    uint64_t frac = (static_cast<uint64_t>(ns % 1000000000) << 32) / 1000000000u;
    out[0] = htonl(static_cast<uint32_t>(sec));
    out[1] = htonl(static_cast<uint32_t>(frac));
}

int64_t from_ntp(const uint32_t in[2]) {
    int64_t sec = static_cast<int64_t>(ntohl(in[0])) - static_cast<int64_t>(NTP_UNIX_OFFSET);
    int64_t frac = static_cast<int64_t>((static_cast<uint64_t>(ntohl(in[1])) * 1000000000u) >> 32);
    return sec * 1000000000 + frac;
}

// ntp=ADDR from /proc/cmdline, into buf; false when absent.
bool cmdline_server(char* buf, size_t len) {
    FILE* f = fopen("/proc/cmdline", "r");
    if (!f) {
        return false;
    }
    char line[512] = {};
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = '\0';
    for (char* w = strtok(line, " \n"); w; w = strtok(nullptr, " \n")) {
        if (strncmp(w, "ntp=", 4) == 0 && w[4]) {
            snprintf(buf, len, "%s", w + 4);
            return true;
        }
    }
    return false;
}

// What is wrong with a reply (RFC 4330 5), or nullptr.
const char* check_reply(const ntp_packet& r, ssize_t n, const uint32_t sent[2], char* why, size_t len) {
    if (n < static_cast<ssize_t>(sizeof r)) {
        return "short reply";
    }
    unsigned mode = r.li_vn_mode & 7, vn = (r.li_vn_mode >> 3) & 7, li = r.li_vn_mode >> 6;
    if (mode != MODE_SERVER) {
        return "not a server's reply";
    }
    if (vn < 1 || vn > 4) {
        return "unknown version";
    }
    if (r.stratum == 0) {
        char code[5];
        memcpy(code, &r.reference_id, 4);
        code[4] = '\0';
        snprintf(why, len, "kiss-o'-death %s", code);
        return why;
    }
    if (li == 3) {
        return "server not synchronized";
    }
    if (memcmp(r.orig_ts, sent, sizeof r.orig_ts) != 0) {
        return "reply to another request (originate time differs)";
    }
    if (!r.xmit_ts[0] && !r.xmit_ts[1]) {
        return "no transmit time";
    }
    return nullptr;
}

int usage() {
    fprintf(stderr, "usage: sntp [-n] [-t timeout-s] [server]\n");
    return 2;
}

int sntp_main(int argc, char** argv) {
    bool set = true;
    int timeout_s = 5;
    char server[64] = {};
    netapp::args a{argc, argv};
    while (a.next("t")) {
        if (a.operand) {
            snprintf(server, sizeof server, "%s", a.operand);
            continue;
        }
        switch (a.opt) {
        case 'n': set = false; break;
        case 't': timeout_s = atoi(a.value); break;
        default: return usage();
        }
    }
    if (a.error || (!server[0] && !cmdline_server(server, sizeof server))) {
        fprintf(stderr, "sntp: no server (give one, or ntp= on the kernel command line)\n");
        return 2;
    }
    struct sockaddr_in to = {};
    to.sin_family = AF_INET;
    to.sin_port = htons(NTP_PORT);
    if (inet_pton(AF_INET, server, &to.sin_addr) != 1) {
        fprintf(stderr, "sntp: bad server address %s\n", server);
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || connect(fd, reinterpret_cast<struct sockaddr*>(&to), sizeof to) < 0) {
        perror("sntp: socket");
        return 1;
    }
    ntp_packet req = {};
    req.li_vn_mode = (VERSION << 3) | MODE_CLIENT;
    int64_t t1 = now_ns();
    to_ntp(t1, req.xmit_ts);
    if (send(fd, &req, sizeof req, 0) < 0) {
        perror("sntp: send");
        return 1;
    }
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, timeout_s * 1000) != 1) {
        fprintf(stderr, "sntp: no answer from %s\n", server);
        return 1;
    }
    ntp_packet r;
    ssize_t n = recv(fd, &r, sizeof r, 0);
    int64_t t4 = now_ns();
    close(fd);
    if (n < 0) {
        fprintf(stderr, "sntp: %s: %s\n", server, strerror(errno));
        return 1;
    }
    char why[48];
    if (const char* bad = check_reply(r, n, req.xmit_ts, why, sizeof why)) {
        fprintf(stderr, "sntp: %s: %s\n", server, bad);
        return 1;
    }
    int64_t t2 = from_ntp(r.recv_ts), t3 = from_ntp(r.xmit_ts);
    int64_t offset = ((t2 - t1) + (t3 - t4)) / 2;
    int64_t delay = (t4 - t1) - (t3 - t2);
    printf("sntp: %s stratum %u offset %+.6f s delay %.6f s\n", server, r.stratum, offset / 1e9, delay / 1e9);
    if (!set) {
        return 0;
    }
    int64_t now = now_ns() + offset;
    struct timespec ts = {static_cast<time_t>(now / 1000000000), static_cast<long>(now % 1000000000)};
    if (clock_settime(CLOCK_REALTIME, &ts) < 0) {
        perror("sntp: clock_settime");
        return 1;
    }
    time_t secs = ts.tv_sec;
    struct tm tm;
    gmtime_r(&secs, &tm);
    char buf[64];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    printf("sntp: clock set to %s\n", buf);
    return 0;
}

}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc sntp_app{
    "sntp", sntp_main, "SNTP client (RFC 4330), sets the wall clock: sntp [-n] [-t s] [server] (default: ntp=)",
    APP_PRIVILEGED, 0};
