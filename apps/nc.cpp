// nc: netcat for UDP (-u): a client that sends each line read from the
// console as a datagram to HOST PORT and prints what comes back, or with
// -l a listener on PORT that prints what arrives and sends its lines to
// whoever sent last. TCP is nc's default and comes with the TCP socket;
// until then it is refused with a message.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
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
    int wait_s = -1;              // -w: quit after this long without traffic
    int local_port = 0;           // -p
    const char* source = nullptr; // -s
    const char* host = nullptr;
    const char* port = nullptr;
};

int usage() {
    fprintf(stderr, "usage: nc -u [-dv] [-w secs] [-s addr] [-p lport] host port\n"
                    "       nc -u -l [-dv] [-w secs] [-s addr] [-p] port\n");
    return 2;
}

bool parse(int argc, char** argv, options* o) {
    netapp::args a{argc, argv};
    const char* operands[2] = {};
    int nops = 0;
    while (a.next("wps")) {
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

int nc_main(int argc, char** argv) {
    options o;
    if (!parse(argc, argv, &o)) {
        return usage();
    }
    if (!o.udp) {
        fprintf(stderr, "nc: TCP is not supported yet (no TCP socket in this kernel); use -u for UDP\n");
        return 1;
    }
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

}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc nc_app{
    "nc", nc_main, "netcat, UDP for now: nc -u [-d] [-w s] [-s addr] [-p lport] host port | nc -u -l [-d] [-w s] port", 0, 0};
