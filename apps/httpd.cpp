// httpd: a small HTTP/1.1 server (RFC 9110, RFC 9112) on port 80 for many
// clients through one poll() loop. GET and HEAD of / answer a page naming
// the kernel with its version and uptime; other paths are 404, other
// methods 405, anything malformed 400 (and the connection closed).
// Persistent connections by default in HTTP/1.1 (RFC 9112 9.3),
// "Connection: close" honoured, Content-Length on every answer.
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <new>

#include "apps/net_util.h"
#include "kernel/apps.h"

namespace {

constexpr int MAX_CONNS = 32;
constexpr size_t REQ_MAX = 4096;    // request line and headers; more is 431
constexpr size_t RESP_MAX = 2048;
constexpr int IDLE_MS = 15000;      // a quiet connection is closed

struct conn {
    int fd = -1;
    char req[REQ_MAX];
    size_t req_len = 0;
    char resp[RESP_MAX];
    size_t resp_off = 0, resp_len = 0;
    bool close_after = false;   // the answer says Connection: close
    bool draining = false;      // answered and shut down: read until the peer's FIN
    uint64_t last_ns = 0;
};

struct httpd {
    bool verbose = false;
    int lfd = -1;
    conn conns[MAX_CONNS];
    struct pollfd p[MAX_CONNS + 1];
    int which[MAX_CONNS + 1];
    unsigned long requests = 0;
    char text[REQ_MAX + 1];   // the request being parsed, NUL-terminated
};

const char* reason(int status) {
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 431: return "Request Header Fields Too Large";
    case 505: return "HTTP Version Not Supported";
    }
    return "Error";
}

// The page for GET /: what runs here.
int make_page(char* out, size_t size) {
    struct utsname u;
    struct sysinfo si;
    if (uname(&u) < 0) {
        memset(&u, 0, sizeof u);
    }
    if (sysinfo(&si) < 0) {
        si.uptime = 0;
    }
    return snprintf(out, size,
                    "<!DOCTYPE html>\n<html><head><title>%s on %s</title></head>\n"
                    "<body><h1>%s</h1>\n<p>Kernel %s %s on %s (%s), up %ld s.</p>\n</body></html>\n",
                    u.sysname, u.nodename, u.sysname, u.release, u.version, u.machine, u.nodename, si.uptime);
}

// The status line, headers and (unless HEAD) the body into c.resp.
void respond(conn& c, int status, bool head, bool close_conn) {
    char body[768];
    int blen;
    if (status == 200) {
        blen = make_page(body, sizeof body);
    } else {
        blen = snprintf(body, sizeof body, "<html><body><h1>%d %s</h1></body></html>\n", status, reason(status));
    }
    if (blen < 0 || static_cast<size_t>(blen) >= sizeof body) {
        blen = 0;
    }
    int n = snprintf(c.resp, RESP_MAX,
                     "HTTP/1.1 %d %s\r\nServer: mipsnet-httpd\r\nContent-Type: text/html; charset=utf-8\r\n"
                     "Content-Length: %d\r\n%sConnection: %s\r\n\r\n",
                     status, reason(status), blen, status == 405 ? "Allow: GET, HEAD\r\n" : "",
                     close_conn ? "close" : "keep-alive");
    if (n < 0 || static_cast<size_t>(n) >= RESP_MAX) {
        n = 0;
    }
    size_t len = static_cast<size_t>(n);
    if (!head && len + static_cast<size_t>(blen) <= RESP_MAX) {
        memcpy(c.resp + len, body, static_cast<size_t>(blen));
        len += static_cast<size_t>(blen);
    }
    c.resp_off = 0;
    c.resp_len = len;
    c.close_after = close_conn;
}

bool is_tchar(char ch) {   // RFC 9110 5.6.2
    return isalnum(static_cast<unsigned char>(ch)) || (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

// The end of the header section (past its empty line), or 0 while it has
// not all arrived.
size_t header_end(const char* p, size_t len) {
    for (size_t i = 0; i + 1 < len; ++i) {
        if (p[i] == '\n' && p[i + 1] == '\n') {
            return i + 2;
        }
        if (i + 3 < len && p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' && p[i + 3] == '\n') {
            return i + 4;
        }
    }
    return 0;
}

// Cuts the next line (CRLF or a lone LF, RFC 9112 2.2) off *p, in place.
char* next_line(char** p) {
    char* line = *p;
    char* nl = strchr(line, '\n');
    if (!nl) {
        *p = line + strlen(line);
        return line;
    }
    *nl = '\0';
    if (nl > line && nl[-1] == '\r') {
        nl[-1] = '\0';
    }
    *p = nl + 1;
    return line;
}

// One request (NUL-terminated header section) answered into c.resp.
void handle(conn& c, char* text) {
    char* cursor = text;
    char* line = next_line(&cursor);
    // request-line = method SP request-target SP HTTP-version (RFC 9112 3)
    char* sp1 = strchr(line, ' ');
    char* sp2 = sp1 ? strchr(sp1 + 1, ' ') : nullptr;
    if (!sp1 || !sp2 || sp1 == line || sp2 == sp1 + 1 || strchr(sp2 + 1, ' ')) {
        respond(c, 400, false, true);
        return;
    }
    *sp1 = *sp2 = '\0';
    const char* method = line;
    const char* target = sp1 + 1;
    const char* version = sp2 + 1;
    for (const char* m = method; *m; ++m) {
        if (!is_tchar(*m)) {
            respond(c, 400, false, true);
            return;
        }
    }
    if (strncmp(version, "HTTP/", 5) != 0 || !isdigit(static_cast<unsigned char>(version[5])) || version[6] != '.' ||
        !isdigit(static_cast<unsigned char>(version[7])) || version[8]) {
        respond(c, 400, false, true);
        return;
    }
    if (version[5] != '1') {
        respond(c, 505, false, true);
        return;
    }
    bool http11 = version[7] >= '1';
    bool close_conn = !http11;   // HTTP/1.0: close unless keep-alive is asked for
    bool host = false, body = false;
    while (*cursor) {
        char* h = next_line(&cursor);
        if (!*h) {
            break;   // the empty line that ends the headers
        }
        char* colon = strchr(h, ':');
        if (!colon || colon == h) {
            respond(c, 400, false, true);
            return;
        }
        for (char* k = h; k < colon; ++k) {
            if (!is_tchar(*k)) {   // no space before the colon (RFC 9112 5.1)
                respond(c, 400, false, true);
                return;
            }
        }
        *colon = '\0';
        char* v = colon + 1;
        while (*v == ' ' || *v == '\t') {
            ++v;
        }
        if (strcasecmp(h, "Host") == 0) {
            host = true;
        } else if (strcasecmp(h, "Connection") == 0) {
            if (strcasestr(v, "close")) {
                close_conn = true;
            } else if (strcasestr(v, "keep-alive")) {
                close_conn = false;
            }
        } else if (strcasecmp(h, "Content-Length") == 0) {
            body = strcmp(v, "0") != 0;
        } else if (strcasecmp(h, "Transfer-Encoding") == 0) {
            body = true;
        }
    }
    if (http11 && !host) {
        respond(c, 400, false, true);   // RFC 9112 3.2: Host is required
        return;
    }
    // A body this server does not read: answer, then close rather than
    // take its bytes for the next request.
    close_conn = close_conn || body;
    bool head = strcmp(method, "HEAD") == 0;
    if (!head && strcmp(method, "GET") != 0) {
        respond(c, 405, false, close_conn);
    } else if (strcmp(target, "/") != 0 && strcmp(target, "/index.html") != 0) {
        respond(c, 404, head, close_conn);
    } else {
        respond(c, 200, head, close_conn);
    }
}

void conn_close(httpd& d, conn& c) {
    close(c.fd);
    c.fd = -1;
    (void)d;
}

// Takes the next complete request out of c.req, if one is there.
void parse_next(httpd& d, conn& c) {
    if (c.resp_len || c.draining) {
        return;   // one answer at a time; pipelined requests wait in req
    }
    size_t end = header_end(c.req, c.req_len);
    if (!end) {
        if (c.req_len == REQ_MAX) {
            respond(c, 431, false, true);
        } else if (memchr(c.req, '\0', c.req_len)) {
            respond(c, 400, false, true);
        }
        return;
    }
    char* text = d.text;
    memcpy(text, c.req, end);
    text[end] = '\0';
    memmove(c.req, c.req + end, c.req_len - end);
    c.req_len -= end;
    char first[81];   // the request line, for -v (handle cuts text up)
    size_t flen = strcspn(text, "\r\n");
    flen = flen < sizeof first - 1 ? flen : sizeof first - 1;
    memcpy(first, text, flen);
    first[flen] = '\0';
    if (memchr(text, '\0', end)) {
        respond(c, 400, false, true);
    } else {
        handle(c, text);
    }
    ++d.requests;
    if (d.verbose) {
        printf("httpd: %s -> %.3s\n", first, c.resp + 9);
        fflush(stdout);
    }
}

void serve(httpd& d, conn& c, short revents) {
    c.last_ns = netapp::now_ns();
    if (revents & (POLLIN | POLLERR | POLLHUP)) {
        if (c.draining) {
            char sink[512];
            ssize_t n = recv(c.fd, sink, sizeof sink, 0);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                conn_close(d, c);
            }
            return;
        }
        if (c.req_len < REQ_MAX) {
            ssize_t n = recv(c.fd, c.req + c.req_len, REQ_MAX - c.req_len, 0);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                conn_close(d, c);   // the peer is gone, or closed between requests
                return;
            }
            if (n > 0) {
                c.req_len += static_cast<size_t>(n);
            }
        }
    }
    parse_next(d, c);
    while (c.resp_off < c.resp_len) {
        ssize_t n = send(c.fd, c.resp + c.resp_off, c.resp_len - c.resp_off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                return;
            }
            conn_close(d, c);
            return;
        }
        c.resp_off += static_cast<size_t>(n);
    }
    if (c.resp_len) {
        c.resp_len = c.resp_off = 0;
        if (c.close_after) {
            // Our FIN first, then wait for the peer's: closing with its
            // bytes unread would send a RST that can destroy the answer.
            shutdown(c.fd, SHUT_WR);
            c.draining = true;
            c.req_len = 0;
            return;
        }
        parse_next(d, c);   // a pipelined request already here
        if (c.resp_len) {
            serve(d, c, 0);
        }
    }
}

short conn_events(const conn& c) {
    if (c.resp_len > c.resp_off) {
        return POLLOUT;
    }
    return c.draining || c.req_len < REQ_MAX ? POLLIN : 0;
}

int usage() {
    fprintf(stderr, "usage: httpd [-v] [-p port]\n");
    return 2;
}

int run(httpd& d, int argc, char** argv) {
    int port = 80;
    netapp::args a{argc, argv};
    while (a.next("p")) {
        if (a.operand) {
            return usage();
        }
        switch (a.opt) {
        case 'v': d.verbose = true; break;
        case 'p': port = atoi(a.value); break;
        default: return usage();
        }
    }
    if (a.error || port <= 0 || port > 65535) {
        return usage();
    }
    d.lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int on = 1;
    setsockopt(d.lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in at = {};
    at.sin_family = AF_INET;
    at.sin_port = htons(static_cast<uint16_t>(port));
    if (d.lfd < 0 || bind(d.lfd, reinterpret_cast<struct sockaddr*>(&at), sizeof at) < 0 || listen(d.lfd, 16) < 0) {
        fprintf(stderr, "httpd: port %d: %s\n", port, strerror(errno));
        return 1;
    }
    printf("httpd: listening on port %d\n", port);
    fflush(stdout);
    for (;;) {
        int n = 0, nconns = 0;
        uint64_t now = netapp::now_ns();
        for (int i = 0; i < MAX_CONNS; ++i) {
            conn& c = d.conns[i];
            if (c.fd >= 0 && now - c.last_ns > static_cast<uint64_t>(IDLE_MS) * 1000000u) {
                conn_close(d, c);
            }
            if (c.fd >= 0) {
                d.p[n] = {c.fd, conn_events(c), 0};
                d.which[n++] = i;
                ++nconns;
            }
        }
        if (nconns < MAX_CONNS) {
            d.p[n] = {d.lfd, POLLIN, 0};
            d.which[n++] = -1;
        }
        if (poll(d.p, static_cast<nfds_t>(n), 1000) < 0 && errno != EINTR) {
            perror("httpd: poll");
            return 1;
        }
        for (int k = 0; k < n; ++k) {
            if (!d.p[k].revents) {
                continue;
            }
            if (d.which[k] >= 0) {
                if (d.conns[d.which[k]].fd == d.p[k].fd) {
                    serve(d, d.conns[d.which[k]], d.p[k].revents);
                }
                continue;
            }
            for (auto& c : d.conns) {
                if (c.fd >= 0) {
                    continue;
                }
                int fd = accept4(d.lfd, nullptr, nullptr, SOCK_NONBLOCK);
                if (fd < 0) {
                    break;   // EAGAIN: none left; others: try again next round
                }
                c.fd = fd;
                c.req_len = c.resp_len = c.resp_off = 0;
                c.close_after = c.draining = false;
                c.last_ns = now;
            }
        }
    }
}

int httpd_main(int argc, char** argv) {
    void* mem = malloc(sizeof(httpd));   // too big for an app's stack
    if (!mem) {
        fprintf(stderr, "httpd: no memory\n");
        return 1;
    }
    auto* d = new (mem) httpd;
    int rc = run(*d, argc, argv);
    for (auto& c : d->conns) {
        if (c.fd >= 0) {
            close(c.fd);
        }
    }
    if (d->lfd >= 0) {
        close(d->lfd);
    }
    d->~httpd();
    free(mem);
    return rc;
}

}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc httpd_app{
    "httpd", httpd_main, "a small HTTP/1.1 server: GET and HEAD of / (the kernel and its uptime): httpd [-v] [-p port]",
    APP_PRIVILEGED, 0};
