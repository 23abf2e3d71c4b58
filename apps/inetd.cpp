// inetd: the small TCP services of BSD's inetd (usr.sbin/inetd/builtins.c)
// in one process: echo (RFC 862, port 7), discard (RFC 863, port 9) and
// chargen (RFC 864, port 19). Every socket is non-blocking and one poll()
// loop serves all the connections, each with its own small state: echo
// keeps what it could not write yet and reads no more while that buffer is
// full (the peer's sends then wait on TCP's window: nothing is lost).
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <new>

#include "apps/net_util.h"
#include "kernel/apps.h"

namespace {

enum class service : uint8_t { echo, discard, chargen };
constexpr int NSERVICES = 3;
constexpr const char* service_name[NSERVICES] = {"echo", "discard", "chargen"};
constexpr uint16_t service_port[NSERVICES] = {7, 9, 19};

constexpr int MAX_CONNS = 64;
constexpr size_t CONN_BUF = 8192;

// RFC 864: lines of 72 printable ASCII characters (the 95 from ' ' to
// '~'), each starting one character further on, ended by CR LF.
constexpr int CHARGEN_CHARS = 95;
constexpr int CHARGEN_LINE = 72;

struct conn {
    int fd = -1;
    service svc = service::echo;
    struct sockaddr_in peer = {};
    unsigned long long in = 0, out = 0;
    char* buf = nullptr;     // echo: bytes read, not yet written back; chargen: the pattern ahead
    size_t off = 0, len = 0; // buf[off, len) is still to be written
    bool read_eof = false;   // the peer half-closed: echo drains buf, then closes
    unsigned line = 0;       // chargen: the line being made (its first character)
};

struct inetd {
    bool verbose = false;
    int listen_fd[NSERVICES] = {-1, -1, -1};
    conn conns[MAX_CONNS];
    int nconns = 0;
    // Per instance, not static: apps are threads sharing one address space.
    struct pollfd p[NSERVICES + MAX_CONNS];
    int which[NSERVICES + MAX_CONNS];   // index into conns, or -1 - service
    char scratch[4096];                  // what discard and chargen read and drop
};

const char* peer_str(const conn& c, char* out, size_t size) {
    char ip[INET_ADDRSTRLEN];
    snprintf(out, size, "%s:%u", inet_ntop(AF_INET, &c.peer.sin_addr, ip, sizeof ip), ntohs(c.peer.sin_port));
    return out;
}

void conn_close(inetd& d, conn& c, const char* why) {
    if (d.verbose) {
        char p[32];
        printf("inetd: %s %s closed%s%s, in %llu out %llu\n", service_name[static_cast<int>(c.svc)],
               peer_str(c, p, sizeof p), why ? ": " : "", why ? why : "", c.in, c.out);
        fflush(stdout);
    }
    close(c.fd);
    free(c.buf);
    c = conn{};
    --d.nconns;
}

int open_listener(uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return -1;
    }
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in at = {};
    at.sin_family = AF_INET;
    at.sin_port = htons(port);
    if (bind(fd, reinterpret_cast<struct sockaddr*>(&at), sizeof at) < 0 || listen(fd, 16) < 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

// Accepts what the listener has queued while there is room.
void accept_all(inetd& d, service svc) {
    int lfd = d.listen_fd[static_cast<int>(svc)];
    while (d.nconns < MAX_CONNS) {
        struct sockaddr_in from = {};
        socklen_t len = sizeof from;
        int fd = accept4(lfd, reinterpret_cast<struct sockaddr*>(&from), &len, SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
                fprintf(stderr, "inetd: accept: %s\n", strerror(errno));
            }
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;   // that one went away before we took it; others may wait
            }
            return;
        }
        conn* c = nullptr;
        for (auto& slot : d.conns) {
            if (slot.fd < 0) {
                c = &slot;
                break;
            }
        }
        char* buf = svc == service::discard ? nullptr : static_cast<char*>(malloc(CONN_BUF));
        if (!c || (svc != service::discard && !buf)) {
            close(fd);
            free(buf);
            continue;
        }
        *c = conn{};
        c->fd = fd;
        c->svc = svc;
        c->peer = from;
        c->buf = buf;
        ++d.nconns;
        if (d.verbose) {
            char p[32];
            printf("inetd: %s connection from %s\n", service_name[static_cast<int>(svc)], peer_str(*c, p, sizeof p));
            fflush(stdout);
        }
    }
}

// The next lines of the pattern into the free part of buf.
void chargen_fill(conn& c) {
    if (c.off == c.len) {
        c.off = c.len = 0;
    }
    while (c.len + CHARGEN_LINE + 2 <= CONN_BUF) {
        char* p = c.buf + c.len;
        for (int i = 0; i < CHARGEN_LINE; ++i) {
            p[i] = static_cast<char>(' ' + (c.line + static_cast<unsigned>(i)) % CHARGEN_CHARS);
        }
        p[CHARGEN_LINE] = '\r';
        p[CHARGEN_LINE + 1] = '\n';
        c.len += CHARGEN_LINE + 2;
        c.line = (c.line + 1) % CHARGEN_CHARS;
    }
}

// What poll should wait for on this connection.
short conn_events(const conn& c) {
    switch (c.svc) {
    case service::echo: {
        short ev = c.len > c.off ? POLLOUT : 0;
        if (!c.read_eof && c.len < CONN_BUF) {
            ev |= POLLIN;   // no POLLIN while full: backpressure
        }
        return ev;
    }
    case service::discard: return POLLIN;
    case service::chargen: return POLLIN | POLLOUT;
    }
    return 0;
}

// Writes buf[off, len) as far as the socket takes it. False: the
// connection is gone (closed with the reason).
bool flush_out(inetd& d, conn& c) {
    while (c.off < c.len) {
        ssize_t n = send(c.fd, c.buf + c.off, c.len - c.off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                return true;
            }
            conn_close(d, c, strerror(errno));
            return false;
        }
        c.off += static_cast<size_t>(n);
        c.out += static_cast<unsigned long long>(n);
    }
    c.off = c.len = 0;
    return true;
}

// Reads what has arrived: echo into buf's free space, the others into a
// scratch buffer and dropped. False: the connection is gone.
bool read_in(inetd& d, conn& c) {
    for (;;) {
        char* to = d.scratch;
        size_t room = sizeof d.scratch;
        if (c.svc == service::echo) {
            if (c.off > 0 && c.off == c.len) {
                c.off = c.len = 0;
            } else if (c.off > 0 && c.len == CONN_BUF) {
                memmove(c.buf, c.buf + c.off, c.len - c.off);   // make room at the end
                c.len -= c.off;
                c.off = 0;
            }
            to = c.buf + c.len;
            room = CONN_BUF - c.len;
            if (room == 0) {
                return true;   // full: wait for the peer to read
            }
        }
        ssize_t n = recv(c.fd, to, room, 0);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                return true;
            }
            conn_close(d, c, strerror(errno));
            return false;
        }
        if (n == 0) {
            if (c.svc != service::echo) {
                conn_close(d, c, nullptr);
                return false;
            }
            c.read_eof = true;
            return true;
        }
        c.in += static_cast<unsigned long long>(n);
        if (c.svc == service::echo) {
            c.len += static_cast<size_t>(n);
        }
    }
}

void serve(inetd& d, conn& c, short revents) {
    if (revents & POLLNVAL) {
        conn_close(d, c, "invalid descriptor");
        return;
    }
    // POLLERR and POLLHUP: the recv or send below reports what happened.
    if ((revents & (POLLIN | POLLERR | POLLHUP)) && !c.read_eof && !read_in(d, c)) {
        return;
    }
    if (c.svc == service::chargen) {
        chargen_fill(c);
    }
    if (c.svc != service::discard && !flush_out(d, c)) {
        return;
    }
    if (c.svc == service::echo && c.read_eof && c.off == c.len) {
        shutdown(c.fd, SHUT_WR);   // all echoed: our FIN follows the peer's
        conn_close(d, c, nullptr);
    }
}

int usage() {
    fprintf(stderr, "usage: inetd [-v] [-p base] [echo] [discard] [chargen]\n");
    return 2;
}

int run(inetd* d, int argc, char** argv) {
    bool want[NSERVICES] = {};
    bool any = false;
    int base = 0;
    netapp::args a{argc, argv};
    while (a.next("p")) {
        if (a.operand) {
            int i = 0;
            while (i < NSERVICES && strcmp(a.operand, service_name[i]) != 0) {
                ++i;
            }
            if (i == NSERVICES) {
                fprintf(stderr, "inetd: unknown service %s\n", a.operand);
                return usage();
            }
            want[i] = any = true;
            continue;
        }
        switch (a.opt) {
        case 'v': d->verbose = true; break;
        case 'p': base = atoi(a.value); break;
        default: return usage();
        }
    }
    if (a.error || base < 0 || base + 19 > 65535) {
        return usage();
    }
    for (int i = 0; i < NSERVICES; ++i) {
        if (!any || want[i]) {
            uint16_t port = static_cast<uint16_t>(base + service_port[i]);
            d->listen_fd[i] = open_listener(port);
            if (d->listen_fd[i] < 0) {
                fprintf(stderr, "inetd: %s port %u: %s\n", service_name[i], port, strerror(errno));
                continue;   // serve the others
            }
            printf("inetd: %s on port %u\n", service_name[i], port);
        }
    }
    fflush(stdout);
    struct pollfd* p = d->p;
    int* which = d->which;
    for (;;) {
        int n = 0;
        for (int i = 0; i < NSERVICES; ++i) {
            if (d->listen_fd[i] >= 0 && d->nconns < MAX_CONNS) {
                p[n] = {d->listen_fd[i], POLLIN, 0};
                which[n++] = -1 - i;
            }
        }
        for (int i = 0; i < MAX_CONNS; ++i) {
            if (d->conns[i].fd >= 0) {
                p[n] = {d->conns[i].fd, conn_events(d->conns[i]), 0};
                which[n++] = i;
            }
        }
        if (n == 0) {
            fprintf(stderr, "inetd: nothing to serve\n");
            return 1;
        }
        int ready = poll(p, static_cast<nfds_t>(n), -1);
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("inetd: poll");
            return 1;
        }
        for (int k = 0; k < n; ++k) {
            if (!p[k].revents) {
                continue;
            }
            if (which[k] < 0) {
                accept_all(*d, static_cast<service>(-1 - which[k]));
            } else if (d->conns[which[k]].fd == p[k].fd) {
                serve(*d, d->conns[which[k]], p[k].revents);
            }
        }
    }
}

int inetd_main(int argc, char** argv) {
    void* mem = malloc(sizeof(inetd));   // too big for an app's stack
    if (!mem) {
        fprintf(stderr, "inetd: no memory\n");
        return 1;
    }
    auto* d = new (mem) inetd;
    int rc = run(d, argc, argv);
    for (int i = 0; i < NSERVICES; ++i) {
        if (d->listen_fd[i] >= 0) {
            close(d->listen_fd[i]);
        }
    }
    d->~inetd();
    free(mem);
    return rc;
}

}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc inetd_app{
    "inetd", inetd_main,
    "TCP echo (RFC 862), discard (RFC 863) and chargen (RFC 864) for many clients: inetd [-v] [-p base] [echo] [discard] [chargen]",
    APP_PRIVILEGED, 0};
