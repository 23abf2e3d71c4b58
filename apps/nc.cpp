// nc: netcat after OpenBSD's (usr.bin/nc/netcat.c). TCP by default: a
// client that connects to HOST PORT and copies the console to the socket and
// the socket to the console (at the console's EOF, ^D, it half-closes with
// shutdown(SHUT_WR) and reads on until the peer closes), -l a listener that
// serves one connection (-k: one after another), -z a port scan. With -u
// it is UDP: each console read goes out as a datagram to HOST PORT and
// what comes back is printed, or with -l a listener that prints what
// arrives and sends its lines to whoever sent last.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "apps/net_util.h"
#include "kernel/apps.h"

namespace {

constexpr size_t MAX_DATAGRAM = 65536;

struct options {
    bool udp = false;
    bool listen = false;
    bool verbose = false;
    bool no_stdin = false;        // -d: do not read the console (for a background listener)
    bool keep = false;            // -k: the TCP listener accepts again after each connection
    bool scan = false;            // -z: connect and close, nothing sent
    bool shutdown_eof = true;     // -N (the default here): shutdown(SHUT_WR) at the console's EOF
    int quit_s = -1;              // -q: after the console's EOF, quit after this long
    int wait_s = -1;              // -w: connect timeout, and quit after this long without traffic
    int local_port = 0;           // -p
    int keepalive_s = 0;          // -K: SO_KEEPALIVE, idle and interval this many seconds
    const char* source = nullptr; // -s
    const char* host = nullptr;
    const char* port = nullptr;
};

int usage() {
    fprintf(stderr, "usage: nc [-dNvz] [-K secs] [-q secs] [-w secs] [-s addr] [-p lport] host port[-port]\n"
                    "       nc -l [-dkNv] [-K secs] [-q secs] [-w secs] [-s addr] [-p] port\n"
                    "       nc -u [-dv] [-w secs] [-s addr] [-p lport] host port\n"
                    "       nc -u -l [-dv] [-w secs] [-s addr] [-p] port\n"
                    "TCP by default; ^D at the console ends the input (a half-close)\n");
    return 2;
}

bool parse(int argc, char** argv, options* o) {
    netapp::args a{argc, argv};
    const char* operands[2] = {};
    int nops = 0;
    while (a.next("wpsqK")) {
        if (a.operand) {
            if (nops == 2) {
                return false;
            }
            operands[nops++] = a.operand;
            continue;
        }
        switch (a.opt) {
        case 'u': o->udp = true; break;
        case 'l': o->listen = true; break;
        case 'v': o->verbose = true; break;
        case 'd': o->no_stdin = true; break;
        case 'k': o->keep = true; break;
        case 'z': o->scan = true; break;
        case 'N': o->shutdown_eof = true; break;
        case 'q': o->quit_s = atoi(a.value); break;
        case 'K': o->keepalive_s = atoi(a.value); break;
        case 'w': o->wait_s = atoi(a.value); break;
        case 'p': o->local_port = atoi(a.value); break;
        case 's': o->source = a.value; break;
        default: return false;
        }
    }
    if (a.error) {
        return false;
    }
    if (o->listen && nops == 2) {
        o->source = operands[0];   // nc -l [address] port
        o->port = operands[1];
    } else if (o->listen) {
        o->port = operands[0];
    } else {
        o->host = operands[0];
        o->port = operands[1];
    }
    if (o->listen && !o->port && o->local_port) {
        static char buf[8];
        snprintf(buf, sizeof buf, "%d", o->local_port);
        o->port = buf;   // nc -l -p PORT, the traditional spelling
    }
    return o->listen ? o->port != nullptr : (o->host && o->port);
}

bool parse_port(const char* s, uint16_t* port) {
    char* end;
    long v = strtol(s, &end, 10);
    if (*end || v <= 0 || v > 65535) {
        return false;
    }
    *port = static_cast<uint16_t>(v);
    return true;
}

int bind_local(int fd, const options& o, uint16_t port) {
    struct sockaddr_in at = {};
    at.sin_family = AF_INET;
    at.sin_port = htons(port);
    if (o.source && inet_pton(AF_INET, o.source, &at.sin_addr) != 1) {
        fprintf(stderr, "nc: bad source address %s\n", o.source);
        return -1;
    }
    if ((o.source || port) && bind(fd, reinterpret_cast<struct sockaddr*>(&at), sizeof at) < 0) {
        fprintf(stderr, "nc: bind: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

// The console and the socket, until EOF, an error, or -w of silence.
int pump(int fd, const options& o, bool connected) {
    auto* buf = static_cast<char*>(malloc(MAX_DATAGRAM));
    if (!buf) {
        return 1;
    }
    struct sockaddr_in peer = {};
    bool have_peer = connected;
    bool stdin_open = !o.no_stdin;
    int rc = 0;
    for (;;) {
        struct pollfd p[2] = {{fd, POLLIN, 0}, {0, static_cast<short>(stdin_open ? POLLIN : 0), 0}};
        int n = poll(p, 2, o.wait_s >= 0 ? o.wait_s * 1000 : -1);
        if (n == 0) {
            break;   // -w: quiet for that long
        }
        if (n < 0 && errno != EINTR) {
            rc = 1;
            break;
        }
        if (p[0].revents & (POLLIN | POLLERR)) {
            struct sockaddr_in from = {};
            socklen_t fromlen = sizeof from;
            ssize_t got = recvfrom(fd, buf, MAX_DATAGRAM, MSG_DONTWAIT, reinterpret_cast<struct sockaddr*>(&from),
                                   &fromlen);
            if (got < 0 && errno != EAGAIN) {
                fprintf(stderr, "nc: %s\n", strerror(errno));
                if (errno != ECONNREFUSED) {
                    rc = 1;
                    break;
                }
            } else if (got >= 0) {
                if (!connected && o.verbose) {
                    char ip[INET_ADDRSTRLEN];
                    fprintf(stderr, "nc: datagram from %s:%u\n", inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip),
                            ntohs(from.sin_port));
                }
                peer = from;
                have_peer = true;
                write(1, buf, static_cast<size_t>(got));
            }
        }
        if (stdin_open && (p[1].revents & (POLLIN | POLLHUP))) {
            ssize_t len = read(0, buf, MAX_DATAGRAM);
            if (len <= 0) {
                stdin_open = false;
                if (o.wait_s < 0) {
                    break;   // EOF and no -w to wait for answers
                }
                continue;
            }
            if (!have_peer) {
                fprintf(stderr, "nc: nobody to send to yet\n");
                continue;
            }
            ssize_t sent = connected ? send(fd, buf, static_cast<size_t>(len), 0)
                                     : sendto(fd, buf, static_cast<size_t>(len), 0,
                                              reinterpret_cast<struct sockaddr*>(&peer), sizeof peer);
            if (sent < 0) {
                fprintf(stderr, "nc: send: %s\n", strerror(errno));
            }
        }
    }
    free(buf);
    return rc;
}


// ---------------------------------------------------------------------------
// TCP

constexpr size_t TCP_BUF = 4096;
constexpr char CONSOLE_EOF = 0x04;   // ^D: the console is raw, so nc plays the tty's VEOF

bool send_all(int fd, const char* p, size_t len) {
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            fprintf(stderr, "nc: write: %s\n", strerror(errno));
            return false;
        }
        p += n;
        len -= static_cast<size_t>(n);
    }
    return true;
}

// One connection: the console to the socket and the socket to the console,
// until the peer closes, an error, -w of silence, or -q after the
// console's EOF. stdin_open carries over to the next connection (-k).
int tcp_pump(int fd, const options& o, bool* stdin_open, char* buf) {
    uint64_t quit_at = 0;   // -q: when to give up after the console's EOF
    for (;;) {
        int timeout = o.wait_s >= 0 ? o.wait_s * 1000 : -1;
        if (quit_at) {
            uint64_t now = netapp::now_ns();
            int left = now >= quit_at ? 0 : static_cast<int>((quit_at - now) / 1000000 + 1);
            timeout = timeout < 0 ? left : (left < timeout ? left : timeout);
        }
        struct pollfd p[2] = {{fd, POLLIN, 0}, {0, static_cast<short>(*stdin_open ? POLLIN : 0), 0}};
        int n = poll(p, *stdin_open ? 2 : 1, timeout);
        if (n < 0 && errno != EINTR) {
            perror("nc: poll");
            return 1;
        }
        if (n == 0) {
            return 0;   // -w of silence, or -q's time is up
        }
        if (p[0].revents) {
            ssize_t got = recv(fd, buf, TCP_BUF, MSG_DONTWAIT);
            if (got == 0) {
                return 0;   // the peer closed
            }
            if (got < 0 && errno != EAGAIN && errno != EINTR) {
                fprintf(stderr, "nc: read: %s\n", strerror(errno));
                return 1;
            }
            if (got > 0) {
                write(1, buf, static_cast<size_t>(got));
            }
        }
        if (*stdin_open && (p[1].revents & (POLLIN | POLLHUP))) {
            ssize_t len = read(0, buf, TCP_BUF);
            bool eof = len <= 0;
            if (len > 0) {
                if (auto* end = static_cast<char*>(memchr(buf, CONSOLE_EOF, static_cast<size_t>(len)))) {
                    len = end - buf;
                    eof = true;
                }
                if (len > 0 && !send_all(fd, buf, static_cast<size_t>(len))) {
                    return 1;
                }
            }
            if (eof) {
                *stdin_open = false;
                if (o.shutdown_eof) {
                    shutdown(fd, SHUT_WR);   // half-close: the peer sees EOF, we read on
                }
                if (o.quit_s == 0) {
                    return 0;
                }
                if (o.quit_s > 0) {
                    quit_at = netapp::now_ns() + static_cast<uint64_t>(o.quit_s) * 1000000000u;
                }
            }
        }
    }
}

// -K: keepalive probes after secs idle, secs apart (RFC 1122 4.2.3.6).
void set_keepalive(int fd, int secs) {
    if (secs <= 0) {
        return;
    }
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) < 0 ||
        setsockopt(fd, SOL_TCP, TCP_KEEPIDLE, &secs, sizeof secs) < 0 ||
        setsockopt(fd, SOL_TCP, TCP_KEEPINTVL, &secs, sizeof secs) < 0) {
        perror("nc: keepalive");
    }
}

// connect() bounded by -w: non-blocking, then poll and SO_ERROR. The
// connected socket (blocking again), or -1 with errno set.
int tcp_connect(const options& o, const struct sockaddr_in& to) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return -1;
    }
    int err = 0;
    if (bind_local(fd, o, static_cast<uint16_t>(o.local_port)) < 0) {
        err = EADDRNOTAVAIL;
    } else if (connect(fd, reinterpret_cast<const struct sockaddr*>(&to), sizeof to) < 0) {
        err = errno;
        if (err == EINPROGRESS) {
            struct pollfd p = {fd, POLLOUT, 0};
            int n = poll(&p, 1, o.wait_s >= 0 ? o.wait_s * 1000 : -1);
            socklen_t len = sizeof err;
            if (n == 0) {
                err = ETIMEDOUT;
            } else if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
                err = errno;
            }
        }
    }
    if (err) {
        close(fd);
        errno = err;
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    set_keepalive(fd, o.keepalive_s);
    return fd;
}

// "PORT" or "LOW-HIGH" (-z scans a range, as OpenBSD's nc).
bool parse_ports(const char* s, uint16_t* lo, uint16_t* hi) {
    char first[8];
    const char* dash = strchr(s, '-');
    if (!dash) {
        return parse_port(s, lo) && (*hi = *lo, true);
    }
    size_t n = static_cast<size_t>(dash - s);
    if (n == 0 || n >= sizeof first) {
        return false;
    }
    memcpy(first, s, n);
    first[n] = '\0';
    return parse_port(first, lo) && parse_port(dash + 1, hi) && *lo <= *hi;
}

int tcp_client(const options& o, struct sockaddr_in to) {
    uint16_t lo, hi;
    if (!parse_ports(o.port, &lo, &hi) || (lo != hi && !o.scan)) {
        fprintf(stderr, "nc: bad port %s\n", o.port);
        return 2;
    }
    int rc = 1;   // OpenBSD: 0 when some connection succeeded
    for (unsigned port = lo; port <= hi; ++port) {
        to.sin_port = htons(static_cast<uint16_t>(port));
        int fd = tcp_connect(o, to);
        if (fd < 0) {
            if (o.verbose || !o.scan) {
                fprintf(stderr, "nc: connect to %s port %u (tcp) failed: %s\n", o.host, port, strerror(errno));
            }
            continue;
        }
        rc = 0;
        if (o.verbose) {
            fprintf(stderr, "Connection to %s %u port [tcp/*] succeeded!\n", o.host, port);
        }
        if (!o.scan) {
            auto* buf = static_cast<char*>(malloc(TCP_BUF));
            bool stdin_open = !o.no_stdin;
            rc = buf ? tcp_pump(fd, o, &stdin_open, buf) : 1;
            free(buf);
        }
        close(fd);
    }
    return rc;
}

int tcp_listener(const options& o, uint16_t port) {
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd < 0) {
        perror("nc: socket");
        return 1;
    }
    int on = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind_local(lfd, o, port) < 0) {
        close(lfd);
        return 1;
    }
    if (listen(lfd, o.keep ? 5 : 1) < 0) {
        perror("nc: listen");
        close(lfd);
        return 1;
    }
    if (o.verbose) {
        fprintf(stderr, "Listening on %s %u\n", o.source ? o.source : "0.0.0.0", port);
    }
    auto* buf = static_cast<char*>(malloc(TCP_BUF));
    bool stdin_open = !o.no_stdin;
    int rc = buf ? 0 : 1;
    while (buf) {
        struct sockaddr_in from = {};
        socklen_t len = sizeof from;
        int fd = accept(lfd, reinterpret_cast<struct sockaddr*>(&from), &len);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            perror("nc: accept");
            rc = 1;
            break;
        }
        set_keepalive(fd, o.keepalive_s);
        if (o.verbose) {
            char ip[INET_ADDRSTRLEN];
            fprintf(stderr, "Connection received on %s %u\n", inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip),
                    ntohs(from.sin_port));
        }
        rc = tcp_pump(fd, o, &stdin_open, buf);
        close(fd);
        if (!o.keep) {
            break;
        }
    }
    free(buf);
    close(lfd);
    return rc;
}

int tcp_main(const options& o) {
    if (o.listen) {
        uint16_t port;
        if (!parse_port(o.port, &port)) {
            fprintf(stderr, "nc: bad port %s\n", o.port);
            return 2;
        }
        return tcp_listener(o, port);
    }
    struct sockaddr_in to = {};
    to.sin_family = AF_INET;
    if (inet_pton(AF_INET, o.host, &to.sin_addr) != 1) {
        fprintf(stderr, "nc: bad address %s (names need a resolver)\n", o.host);
        return 2;
    }
    return tcp_client(o, to);
}

// ---------------------------------------------------------------------------
// UDP

int udp_main(const options& o) {
    uint16_t port;
    if (!parse_port(o.port, &port)) {
        fprintf(stderr, "nc: bad port %s\n", o.port);
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
        perror("nc: socket");
        return 1;
    }
    if (o.listen) {
        if (bind_local(fd, o, port) < 0) {
            return 1;
        }
        if (o.verbose) {
            fprintf(stderr, "nc: listening on UDP port %u\n", port);
        }
        int rc = pump(fd, o, false);
        close(fd);
        return rc;
    }
    struct sockaddr_in to = {};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    if (inet_pton(AF_INET, o.host, &to.sin_addr) != 1) {
        fprintf(stderr, "nc: bad address %s (names need a resolver)\n", o.host);
        return 2;
    }
    if (bind_local(fd, o, static_cast<uint16_t>(o.local_port)) < 0) {
        return 1;
    }
    if (connect(fd, reinterpret_cast<struct sockaddr*>(&to), sizeof to) < 0) {
        fprintf(stderr, "nc: connect: %s\n", strerror(errno));
        return 1;
    }
    if (o.verbose) {
        fprintf(stderr, "nc: UDP to %s:%u\n", o.host, port);
    }
    int rc = pump(fd, o, true);
    close(fd);
    return rc;
}

int nc_main(int argc, char** argv) {
    options o;
    if (!parse(argc, argv, &o)) {
        return usage();
    }
    return o.udp ? udp_main(o) : tcp_main(o);
}

}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc nc_app{
    "nc", nc_main, "netcat: nc [-dNvz] [-q s] [-w s] [-s addr] [-p lport] host port | nc -l [-dkv] port | nc -u [-d] [-w s] host port | nc -u -l [-d] [-w s] port", 0, 0};
