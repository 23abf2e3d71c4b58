// ping: ICMP echo through a raw socket, printing as iputils' ping does.
//   ping [-c count] [-i interval] [-s size] [-W timeout] [-w deadline]
//        [-t ttl] [-M do|want|dont] [-I iface] [-f] [-q] destination
// The echo data starts with the send time (8 bytes, when size allows), so
// the round trip is measured from the reply alone; sizes past the MTU are
// fragmented by the kernel (IP_PMTUDISC_WANT, as Linux's raw sockets).
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "apps/net_util.h"
#include "kernel/apps.h"

namespace {

struct options {
    long count = 0;              // 0: until the deadline, or forever
    uint64_t interval_ns = 1000000000;
    bool interval_set = false;
    int datalen = 56;
    uint64_t linger_ns = 10000000000ull;   // -W: how long to wait for the last replies
    uint64_t deadline_ns = 0;    // -w: the whole run
    int ttl = -1;
    int pmtudisc = -1;
    const char* iface = nullptr;
    bool flood = false;
    bool quiet = false;
    const char* host = nullptr;
};

struct stats {
    long transmitted = 0, received = 0, dups = 0, errors = 0;
    long long tmin = -1, tmax = 0, tsum = 0, tsum2 = 0;   // microseconds
    uint8_t seen[65536 / 8] = {};
};

uint64_t seconds_ns(const char* s) { return static_cast<uint64_t>(strtod(s, nullptr) * 1e9); }

int usage() {
    printf("usage: ping [-c count] [-i interval] [-s size] [-W timeout] [-w deadline] [-t ttl]\n"
           "            [-M do|want|dont] [-I iface] [-f] [-q] destination\n");
    return 2;
}

bool parse(int argc, char** argv, options* o) {
    netapp::args a{argc, argv};
    while (a.next("cisWwtMI")) {
        if (a.operand) {
            o->host = a.operand;
            continue;
        }
        switch (a.opt) {
        case 'c': o->count = atol(a.value); break;
        case 'i': o->interval_ns = seconds_ns(a.value); o->interval_set = true; break;
        case 's': o->datalen = atoi(a.value); break;
        case 'W': o->linger_ns = seconds_ns(a.value); break;
        case 'w': o->deadline_ns = seconds_ns(a.value); break;
        case 't': o->ttl = atoi(a.value); break;
        case 'I': o->iface = a.value; break;
        case 'f': o->flood = true; break;
        case 'q': o->quiet = true; break;
        case 'M':
            o->pmtudisc = strcmp(a.value, "do") == 0     ? IP_PMTUDISC_DO
                          : strcmp(a.value, "dont") == 0 ? IP_PMTUDISC_DONT
                                                         : IP_PMTUDISC_WANT;
            break;
        default: return false;
        }
    }
    if (a.error || !o->host || o->datalen < 0 || o->datalen > 65507) {
        return false;
    }
    if (o->flood && !o->interval_set) {
        o->interval_ns = 0;
    }
    return true;
}

// RFC 1071's Internet checksum over the words as the network orders them
// (a last odd byte padded with zero), returned in network order, ready to
// store into the header on a CPU of either byte order.
uint16_t icmp_checksum(const uint8_t* p, size_t len) {
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2) {
        sum += static_cast<uint32_t>((p[i] << 8) | p[i + 1]);
    }
    if (len & 1) {
        sum += static_cast<uint32_t>(p[len - 1] << 8);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return htons(static_cast<uint16_t>(~sum));
}

void print_time(long long us) {
    if (us >= 100000 - 50) {
        printf(" time=%lld ms", (us + 500) / 1000);
    } else if (us >= 10000 - 5) {
        printf(" time=%lld.%01lld ms", (us + 50) / 1000, ((us + 50) % 1000) / 100);
    } else if (us >= 1000) {
        printf(" time=%lld.%02lld ms", (us + 5) / 1000, ((us + 5) % 1000) / 10);
    } else {
        printf(" time=%lld.%03lld ms", us / 1000, us % 1000);
    }
}

const char* unreach_text(int code) {
    static const char* const text[] = {"Destination Net Unreachable", "Destination Host Unreachable",
                                       "Destination Protocol Unreachable", "Destination Port Unreachable",
                                       "Frag needed", "Source Route Failed"};
    return code >= 0 && code < 6 ? text[code] : "Dest Unreachable";
}

class pinger {
public:
    pinger(int fd, const options& o, in_addr_t dst) : fd_(fd), o_(o), dst_(dst) {
        id_ = static_cast<uint16_t>(getpid() & 0xffff);
        size_t cap = static_cast<size_t>(o.datalen) + 8 + 60 + 64;
        packet_ = static_cast<uint8_t*>(malloc(o.datalen + 8u));
        rbuf_ = static_cast<uint8_t*>(malloc(cap < 2048 ? 2048 : cap));
        rcap_ = cap < 2048 ? 2048 : cap;
        st_ = static_cast<stats*>(calloc(1, sizeof(stats)));
        st_->tmin = -1;
    }
    ~pinger() {
        free(packet_);
        free(rbuf_);
        free(st_);
    }
    bool ok() const { return packet_ && rbuf_ && st_; }
    int run();

private:
    bool send_one();
    void receive_one();
    void on_reply(const uint8_t* ip, size_t len, in_addr_t from);
    void on_error(const uint8_t* icmp, size_t len, in_addr_t from);
    int summary();

    int fd_;
    const options& o_;
    in_addr_t dst_;
    uint16_t id_;
    uint8_t* packet_;
    uint8_t* rbuf_;
    size_t rcap_;
    stats* st_;
    uint64_t start_ = 0;
};

bool pinger::send_one() {
    uint16_t seq = static_cast<uint16_t>(st_->transmitted + 1);
    auto* icmp = reinterpret_cast<struct icmphdr*>(packet_);
    memset(icmp, 0, sizeof *icmp);
    icmp->type = ICMP_ECHO;
    icmp->un.echo.id = htons(id_);
    icmp->un.echo.sequence = htons(seq);
    uint8_t* data = packet_ + 8;
    for (int i = 0; i < o_.datalen; ++i) {
        data[i] = static_cast<uint8_t>(i);   // iputils' pattern after the time
    }
    if (o_.datalen >= 8) {
        uint64_t t = netapp::now_ns();
        memcpy(data, &t, sizeof t);
    }
    icmp->checksum = icmp_checksum(packet_, static_cast<size_t>(o_.datalen) + 8);
    struct sockaddr_in to;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = dst_;
    ssize_t n = sendto(fd_, packet_, static_cast<size_t>(o_.datalen) + 8, 0, reinterpret_cast<struct sockaddr*>(&to),
                       sizeof to);
    ++st_->transmitted;
    if (n < 0) {
        if (!o_.quiet && !o_.flood) {
            printf("ping: sendmsg: %s\n", strerror(errno));
        }
        ++st_->errors;
        return false;
    }
    if (o_.flood && !o_.quiet) {
        putchar('.');
    }
    return true;
}

void pinger::on_reply(const uint8_t* ip, size_t len, in_addr_t from) {
    const auto* iph = reinterpret_cast<const struct iphdr*>(ip);
    size_t hlen = iph->ihl * 4u;
    const auto* icmp = reinterpret_cast<const struct icmphdr*>(ip + hlen);
    uint16_t seq = ntohs(icmp->un.echo.sequence);
    size_t icmplen = len - hlen;
    long long us = -1;
    if (o_.datalen >= 8 && icmplen >= 16) {
        uint64_t t;
        memcpy(&t, ip + hlen + 8, sizeof t);
        us = static_cast<long long>((netapp::now_ns() - t) / 1000);
    }
    bool dup = st_->seen[seq / 8] & (1u << (seq % 8));
    st_->seen[seq / 8] = static_cast<uint8_t>(st_->seen[seq / 8] | (1u << (seq % 8)));
    if (dup) {
        ++st_->dups;
    } else {
        ++st_->received;
        if (us >= 0) {
            st_->tsum += us;
            st_->tsum2 += us * us;
            if (st_->tmin < 0 || us < st_->tmin) {
                st_->tmin = us;
            }
            if (us > st_->tmax) {
                st_->tmax = us;
            }
        }
    }
    if (o_.quiet) {
        return;
    }
    if (o_.flood) {
        putchar('\b');
        return;
    }
    char addr[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &from, addr, sizeof addr);
    printf("%u bytes from %s: icmp_seq=%u ttl=%d", static_cast<unsigned>(icmplen), addr, seq, iph->ttl);
    if (us >= 0) {
        print_time(us);
    }
    if (dup) {
        printf(" (DUP!)");
    }
    printf("\n");
}

// An ICMP error quoting one of our echo requests.
void pinger::on_error(const uint8_t* icmp, size_t len, in_addr_t from) {
    if (len < 8 + 20 + 8) {
        return;
    }
    const auto* inner = reinterpret_cast<const struct iphdr*>(icmp + 8);
    size_t ihl = inner->ihl * 4u;
    if (len < 8 + ihl + 8 || inner->protocol != IPPROTO_ICMP || inner->daddr != dst_) {
        return;
    }
    const auto* orig = reinterpret_cast<const struct icmphdr*>(icmp + 8 + ihl);
    if (orig->type != ICMP_ECHO || ntohs(orig->un.echo.id) != id_) {
        return;
    }
    ++st_->errors;
    if (o_.quiet) {
        return;
    }
    if (o_.flood) {
        putchar('E');
        return;
    }
    char addr[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &from, addr, sizeof addr);
    const auto* h = reinterpret_cast<const struct icmphdr*>(icmp);
    const char* what = h->type == ICMP_DEST_UNREACH    ? unreach_text(h->code)
                       : h->type == ICMP_TIME_EXCEEDED ? "Time to live exceeded"
                       : h->type == ICMP_PARAMETERPROB ? "Parameter problem"
                       : h->type == ICMP_SOURCE_QUENCH ? "Source Quench"
                                                       : "Redirect";
    printf("From %s icmp_seq=%u %s\n", addr, ntohs(orig->un.echo.sequence), what);
}

void pinger::receive_one() {
    struct sockaddr_in from;
    socklen_t fromlen = sizeof from;
    ssize_t n = recvfrom(fd_, rbuf_, rcap_, MSG_DONTWAIT, reinterpret_cast<struct sockaddr*>(&from), &fromlen);
    if (n < 20) {
        return;
    }
    const auto* iph = reinterpret_cast<const struct iphdr*>(rbuf_);
    size_t hlen = iph->ihl * 4u;
    if (static_cast<size_t>(n) < hlen + 8) {
        return;
    }
    const auto* icmp = reinterpret_cast<const struct icmphdr*>(rbuf_ + hlen);
    if (icmp->type == ICMP_ECHOREPLY) {
        if (ntohs(icmp->un.echo.id) == id_ && iph->saddr == dst_) {
            on_reply(rbuf_, static_cast<size_t>(n), from.sin_addr.s_addr);
        }
    } else if (icmp->type != ICMP_ECHO) {
        on_error(rbuf_ + hlen, static_cast<size_t>(n) - hlen, from.sin_addr.s_addr);
    }
}

int pinger::summary() {
    uint64_t elapsed_ms = (netapp::now_ns() - start_) / 1000000;
    char addr[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &dst_, addr, sizeof addr);
    if (o_.flood && !o_.quiet) {
        printf("\n");
    }
    printf("\n--- %s ping statistics ---\n", o_.host);
    printf("%ld packets transmitted, %ld received, ", st_->transmitted, st_->received);
    if (st_->dups) {
        printf("+%ld duplicates, ", st_->dups);
    }
    if (st_->errors) {
        printf("+%ld errors, ", st_->errors);
    }
    double loss = st_->transmitted ? (st_->transmitted - st_->received) * 100.0 / static_cast<double>(st_->transmitted) : 0;
    printf("%g%% packet loss, time %llums\n", loss, static_cast<unsigned long long>(elapsed_ms));
    long n = st_->received + st_->dups;
    if (st_->received && st_->tmin >= 0) {
        long long avg = st_->tsum / st_->received;
        double var = static_cast<double>(st_->tsum2) / static_cast<double>(st_->received) -
                     static_cast<double>(avg) * static_cast<double>(avg);
        long long mdev = static_cast<long long>(sqrt(var > 0 ? var : 0));
        printf("rtt min/avg/max/mdev = %lld.%03lld/%lld.%03lld/%lld.%03lld/%lld.%03lld ms", st_->tmin / 1000,
               st_->tmin % 1000, avg / 1000, avg % 1000, st_->tmax / 1000, st_->tmax % 1000, mdev / 1000, mdev % 1000);
        if (o_.flood && st_->transmitted > 1) {
            uint64_t ipg = elapsed_ms * 1000 / static_cast<uint64_t>(st_->transmitted - 1);
            printf(", ipg %llu.%03llu ms", static_cast<unsigned long long>(ipg / 1000),
                   static_cast<unsigned long long>(ipg % 1000));
        }
        printf("\n");
    }
    (void)n;
    return st_->received ? 0 : 1;
}

int pinger::run() {
    char addr[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &dst_, addr, sizeof addr);
    printf("PING %s (%s) %d(%d) bytes of data.\n", o_.host, addr, o_.datalen, o_.datalen + 8 + 20);
    fflush(stdout);
    start_ = netapp::now_ns();
    uint64_t next_send = start_;
    uint64_t last_send = 0;
    for (;;) {
        uint64_t now = netapp::now_ns();
        if (o_.deadline_ns && now - start_ >= o_.deadline_ns) {
            break;
        }
        bool all_sent = o_.count && st_->transmitted >= o_.count;
        if (all_sent) {
            if (st_->received + st_->errors >= st_->transmitted || now - last_send >= o_.linger_ns) {
                break;
            }
        } else {
            // Flooding: the next one as soon as the last is answered, else after 10 ms.
            bool answered = st_->received + st_->errors >= st_->transmitted;
            if (now >= next_send || (o_.flood && answered && o_.interval_ns == 0)) {
                send_one();
                last_send = now;
                next_send = now + (o_.flood && o_.interval_ns == 0 ? 10000000 : o_.interval_ns);
                if (!o_.flood) {
                    fflush(stdout);
                }
                continue;
            }
        }
        uint64_t until = all_sent ? last_send + o_.linger_ns : next_send;
        if (o_.deadline_ns && start_ + o_.deadline_ns < until) {
            until = start_ + o_.deadline_ns;
        }
        int wait_ms = until > now ? static_cast<int>((until - now + 999999) / 1000000) : 0;
        struct pollfd pfd = {fd_, POLLIN, 0};
        if (poll(&pfd, 1, wait_ms) > 0) {
            receive_one();
            while (recv(fd_, rbuf_, 0, MSG_DONTWAIT | MSG_PEEK) >= 0) {
                receive_one();
            }
            if (!o_.flood) {
                fflush(stdout);
            }
        }
    }
    int r = summary();
    fflush(stdout);
    return r;
}

// A name or a dotted quad, through getaddrinfo as iputils' ping does.
int resolve(const char* host, struct in_addr* out) {
    struct addrinfo hints = {};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_RAW;
    struct addrinfo* res = nullptr;
    int err = getaddrinfo(host, nullptr, &hints, &res);
    if (err == 0) {
        *out = reinterpret_cast<struct sockaddr_in*>(res->ai_addr)->sin_addr;
        freeaddrinfo(res);
    }
    return err;
}

int ping_main(int argc, char** argv) {
    options o;
    if (!parse(argc, argv, &o)) {
        return usage();
    }
    struct in_addr dst;
    if (int err = resolve(o.host, &dst)) {
        // iputils' words: "ping: NAME: Name or service not known" (gai_strerror).
        printf("ping: %s: %s\n", o.host, err == EAI_SYSTEM ? strerror(errno) : gai_strerror(err));
        return 2;
    }
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if (fd < 0) {
        printf("ping: socket: %s\n", strerror(errno));
        return 2;
    }
    // Only what concerns an echo: replies and the errors about requests.
    struct icmp_filter filt;
    filt.data = ~((1u << ICMP_SOURCE_QUENCH) | (1u << ICMP_DEST_UNREACH) | (1u << ICMP_TIME_EXCEEDED) |
                  (1u << ICMP_PARAMETERPROB) | (1u << ICMP_REDIRECT) | (1u << ICMP_ECHOREPLY));
    setsockopt(fd, SOL_RAW, ICMP_FILTER, &filt, sizeof filt);
    int rcvbuf = 256 * 1024;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
    if (o.ttl > 0 && setsockopt(fd, SOL_IP, IP_TTL, &o.ttl, sizeof o.ttl) < 0) {
        printf("ping: can't set unicast time-to-live: %s\n", strerror(errno));
        close(fd);
        return 2;
    }
    if (o.pmtudisc >= 0) {
        setsockopt(fd, SOL_IP, IP_MTU_DISCOVER, &o.pmtudisc, sizeof o.pmtudisc);
    }
    if (o.iface && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o.iface, static_cast<socklen_t>(strlen(o.iface))) < 0) {
        printf("ping: SO_BINDTODEVICE %s: %s\n", o.iface, strerror(errno));
        close(fd);
        return 2;
    }
    int r;
    {
        pinger p(fd, o, dst.s_addr);
        r = p.ok() ? p.run() : 2;
    }
    close(fd);
    return r;
}

}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc ping_app{
    "ping", ping_main, "ICMP echo: ping [-c n] [-i s] [-s size] [-W s] [-w s] [-t ttl] [-f] [-q] [-I if] host",
    APP_PRIVILEGED, 0};
