// inetd: the small TCP services of BSD's inetd (usr.sbin/inetd/builtins.c)
// in one process: echo (RFC 862, port 7), discard (RFC 863, port 9) and
// chargen (RFC 864, port 19). Every socket is non-blocking and one epoll
// loop serves all the connections (thousands: the cost is per ready
// socket), each with its own small state allocated at accept; echo's
// buffer comes with its first bytes, discard holds none, and chargen sends
// from one shared copy of the pattern. Echo keeps what it could not write
// yet and reads no more while that buffer is full (the peer's sends then
// wait on TCP's window: nothing is lost).
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
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

constexpr int DEFAULT_MAX_CONNS = 16384;   // -c; RLIMIT_NOFILE is raised to fit
constexpr int LISTEN_BACKLOG = 1024;
constexpr int MAX_EVENTS = 64;
constexpr size_t CONN_BUF = 8192;

// RFC 864: lines of 72 printable ASCII characters (the 95 from ' ' to
// '~'), each starting one character further on, ended by CR LF.
constexpr int CHARGEN_CHARS = 95;
constexpr int CHARGEN_LINE = 72;

struct conn {   // trivially destructible: freed with free()
    int fd = -1;
    uint32_t events = 0;     // what epoll waits for now
    service svc = service::echo;
    struct sockaddr_in peer = {};
    unsigned long long in = 0, out = 0;
    char* buf = nullptr;     // echo: bytes read, not yet written back
    size_t off = 0, len = 0; // buf[off, len) is still to be written
    bool read_eof = false;   // the peer half-closed: echo drains buf, then closes
    size_t pos = 0;          // chargen: where in the pattern's cycle the stream is
};

// A listener's epoll tag: its service, told apart from a conn* by the
// address (the tags live in inetd itself).
struct listener {
    int fd = -1;
    service svc = service::echo;
};

struct inetd {
    bool verbose = false;
    int epfd = -1;
    int max_conns = DEFAULT_MAX_CONNS;
    listener listeners[NSERVICES];
    int nconns = 0;
    unsigned long refused = 0;           // past max_conns or out of memory
    // Per instance, not static: apps are threads sharing one address space.
    struct epoll_event events[MAX_EVENTS];
    char scratch[4096];                  // what discard and chargen read and drop
};

bool is_listener(const inetd& d, const void* tag) {
    return tag >= static_cast<const void*>(d.listeners) && tag < static_cast<const void*>(d.listeners + NSERVICES);
}

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
    close(c.fd);   // also takes it off the epoll set
    free(c.buf);
    free(&c);   // conn is trivially destructible
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
    if (bind(fd, reinterpret_cast<struct sockaddr*>(&at), sizeof at) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

// What epoll should wait for on this connection.
uint32_t conn_events(const conn& c);

bool watch(inetd& d, int op, int fd, uint32_t events, void* tag) {
    struct epoll_event ev = {};
    ev.events = events;
    ev.data.ptr = tag;
    return epoll_ctl(d.epfd, op, fd, &ev) == 0;
}

// A new connection's state; nullptr (the connection closed) when there is
// no room for it.
conn* conn_new(inetd& d, int fd, service svc, const struct sockaddr_in& from) {
    if (d.nconns >= d.max_conns) {
        return nullptr;
    }
    void* mem = malloc(sizeof(conn));   // apps have malloc, not operator new
    if (!mem) {
        return nullptr;
    }
    auto* c = new (mem) conn;
    c->fd = fd;
    c->svc = svc;
    c->peer = from;
    c->events = conn_events(*c);
    if (!watch(d, EPOLL_CTL_ADD, fd, c->events, c)) {
        free(mem);
        return nullptr;
    }
    ++d.nconns;
    return c;
}

// Accepts what the listener has queued; past max_conns each is closed.
void accept_all(inetd& d, const listener& l) {
    struct sockaddr_in from;
    for (int fd; (fd = netapp::accept_next(l.fd, &from, "inetd")) >= 0;) {
        conn* c = conn_new(d, fd, l.svc, from);
        if (!c) {
            ++d.refused;
            close(fd);
            continue;
        }
        if (d.verbose) {
            char p[32];
            printf("inetd: %s connection from %s\n", service_name[static_cast<int>(l.svc)], peer_str(*c, p, sizeof p));
            fflush(stdout);
        }
    }
}

// RFC 864's pattern repeats after 95 lines: the cycle twice over, made
// once, so any CHARGEN_CYCLE bytes of the stream are one piece of it and
// chargen sends straight from here (read-only after the first call).
constexpr size_t CHARGEN_CYCLE = CHARGEN_CHARS * (CHARGEN_LINE + 2);
const char* chargen_pattern() {
    static char cycle[2 * CHARGEN_CYCLE];
    static bool made = false;
    if (!made) {
        char* p = cycle;
        for (int copy = 0; copy < 2; ++copy) {
            for (int line = 0; line < CHARGEN_CHARS; ++line) {
                for (int i = 0; i < CHARGEN_LINE; ++i) {
                    *p++ = static_cast<char>(' ' + (line + i) % CHARGEN_CHARS);
                }
                *p++ = '\r';
                *p++ = '\n';
            }
        }
        made = true;
    }
    return cycle;
}

// Sends the pattern as far as the socket takes it. False: the connection
// is gone (closed with the reason).
bool chargen_out(inetd& d, conn& c) {
    const char* cycle = chargen_pattern();
    for (;;) {
        ssize_t n = send(c.fd, cycle + c.pos, CHARGEN_CYCLE, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                return true;
            }
            conn_close(d, c, strerror(errno));
            return false;
        }
        c.pos = (c.pos + static_cast<size_t>(n)) % CHARGEN_CYCLE;
        c.out += static_cast<unsigned long long>(n);
    }
}

uint32_t conn_events(const conn& c) {
    switch (c.svc) {
    case service::echo: {
        uint32_t ev = c.len > c.off ? EPOLLOUT : 0;
        if (!c.read_eof && c.len < CONN_BUF) {
            ev |= EPOLLIN;   // no EPOLLIN while full: backpressure
        }
        return ev;
    }
    case service::discard: return EPOLLIN;
    case service::chargen: return EPOLLIN | EPOLLOUT;
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
            if (!c.buf && !(c.buf = static_cast<char*>(malloc(CONN_BUF)))) {
                conn_close(d, c, "no memory");
                return false;
            }
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

void serve(inetd& d, conn& c, uint32_t revents) {
    // EPOLLERR and EPOLLHUP: the recv or send below reports what happened.
    if ((revents & (EPOLLIN | EPOLLERR | EPOLLHUP)) && !c.read_eof && !read_in(d, c)) {
        return;
    }
    if (c.svc == service::chargen && !chargen_out(d, c)) {
        return;
    }
    if (c.svc == service::echo && !flush_out(d, c)) {
        return;
    }
    if (c.svc == service::echo && c.read_eof && c.off == c.len) {
        shutdown(c.fd, SHUT_WR);   // all echoed: our FIN follows the peer's
        conn_close(d, c, nullptr);
        return;
    }
    uint32_t want = conn_events(c);
    if (want != c.events) {
        c.events = want;
        if (!watch(d, EPOLL_CTL_MOD, c.fd, want, &c)) {
            conn_close(d, c, strerror(errno));
        }
    }
}

// Room for n descriptors: RLIMIT_NOFILE's soft limit raised toward the hard one.
void raise_fd_limit(int n) {
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < static_cast<rlim_t>(n)) {
        r.rlim_cur = static_cast<rlim_t>(n) < r.rlim_max ? static_cast<rlim_t>(n) : r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

int usage() {
    fprintf(stderr, "usage: inetd [-v] [-p base] [-c maxconns] [echo] [discard] [chargen]\n");
    return 2;
}

int run(inetd* d, int argc, char** argv) {
    bool want[NSERVICES] = {};
    bool any = false;
    int base = 0;
    netapp::args a{argc, argv};
    while (a.next("pc")) {
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
        case 'c': d->max_conns = atoi(a.value); break;
        default: return usage();
        }
    }
    if (a.error || base < 0 || base + 19 > 65535 || d->max_conns < 1) {
        return usage();
    }
    raise_fd_limit(d->max_conns + NSERVICES + 8);
    chargen_pattern();   // made before any connection, once
    d->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (d->epfd < 0) {
        perror("inetd: epoll_create1");
        return 1;
    }
    int listening = 0;
    for (int i = 0; i < NSERVICES; ++i) {
        if (!any || want[i]) {
            uint16_t port = static_cast<uint16_t>(base + service_port[i]);
            listener& l = d->listeners[i];
            l.svc = static_cast<service>(i);
            l.fd = open_listener(port);
            if (l.fd < 0 || !watch(*d, EPOLL_CTL_ADD, l.fd, EPOLLIN, &l)) {
                fprintf(stderr, "inetd: %s port %u: %s\n", service_name[i], port, strerror(errno));
                continue;   // serve the others
            }
            ++listening;
            printf("inetd: %s on port %u\n", service_name[i], port);
        }
    }
    fflush(stdout);
    if (!listening) {
        fprintf(stderr, "inetd: nothing to serve\n");
        return 1;
    }
    for (;;) {
        int ready = epoll_wait(d->epfd, d->events, MAX_EVENTS, -1);
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("inetd: epoll_wait");
            return 1;
        }
        for (int k = 0; k < ready; ++k) {
            void* tag = d->events[k].data.ptr;
            if (is_listener(*d, tag)) {
                accept_all(*d, *static_cast<listener*>(tag));
            } else {
                // A batch has one event per fd, and a conn is freed only
                // while its own event is served: no event here is stale.
                serve(*d, *static_cast<conn*>(tag), d->events[k].events);
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
    for (const listener& l : d->listeners) {
        if (l.fd >= 0) {
            close(l.fd);
        }
    }
    if (d->epfd >= 0) {
        close(d->epfd);
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
