// httpd: an HTTP/1.1 server (RFC 9110, RFC 9112) for many clients through
// one epoll loop over non-blocking sockets. Persistent connections and
// pipelining (requests are answered in order, one at a time, the next
// read from what already arrived), Content-Length and chunked framing both
// ways, files from a document root (open/fstat/read, sendfile when the
// kernel has it), the dashboard and /status.json (httpd_serve.cpp,
// httpd_status.cpp). A request must be all in within the header timeout
// (else 408: a client sending a byte a second holds a slot, not the
// server); past the connection limit a client gets 503.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <new>

#include "apps/http/response.h"
#include "apps/httpd.h"
#include "apps/net_util.h"
#include "kernel/apps.h"

// sendfile(2) where the C library has it; the loop falls back to read()
// and send() when it is missing or says ENOSYS/EINVAL for a file.
extern "C" ssize_t sendfile(int out_fd, int in_fd, off_t* offset, size_t count) __attribute__((weak));

namespace httpd {
namespace {

constexpr uint32_t listener_tag = 0xffffffffu;
constexpr uint64_t ns_per_s = 1000000000u;
constexpr uint64_t drain_ns = 2 * ns_per_s;   // how long a closing connection may take to send its FIN
constexpr int tick_ms = 250;

// A connection's input buffer starts with room for a header section and
// grows, for a body, up to in_capacity (chunk framing included).
size_t in_capacity(const options& o) { return o.lim.max_header + 2 * o.lim.max_body + 1024; }
size_t in_initial(const options& o) { return o.lim.max_header + 512; }

bool pending_output(const conn& c) { return c.out_off < c.out_len || c.body != body_kind::none; }

void set_events(server& s, conn& c, uint32_t ev) {
    if (c.events == ev) {
        return;
    }
    struct epoll_event e = {};
    e.events = ev;
    e.data.u32 = static_cast<uint32_t>(&c - s.conns);
    epoll_ctl(s.epfd, EPOLL_CTL_MOD, c.fd, &e);
    c.events = ev;
}

void update_events(server& s, conn& c) {
    if (pending_output(c)) {
        set_events(s, c, EPOLLOUT);
    } else {
        set_events(s, c, EPOLLIN);
    }
}

void drop_body(conn& c) {
    if (c.file_fd >= 0) {
        close(c.file_fd);
        c.file_fd = -1;
    }
    free(c.owned);
    c.owned = nullptr;
    c.mem = nullptr;
    c.body = body_kind::none;
}

void conn_close(server& s, conn& c) {
    epoll_ctl(s.epfd, EPOLL_CTL_DEL, c.fd, nullptr);
    close(c.fd);
    drop_body(c);
    free(c.in);
    free(c.out);
    if (!c.reject_only) {
        --s.active;
    }
    c = conn{};
}

void log_request(server& s, const conn& c, const http::request* req, int status) {
    ++s.cnt.requests;
    if (status >= 100 && status < status_codes) {
        ++s.cnt.status[status];
    }
    if (!s.opt.verbose) {
        return;
    }
    if (req) {
        int tn = req->target.n > 120 ? 120 : static_cast<int>(req->target.n);
        printf("httpd: %s \"%.*s %.*s %.*s\" %d\n", c.peer, static_cast<int>(req->method_name.n),
               req->method_name.p, tn, req->target.p, static_cast<int>(req->version.n), req->version.p, status);
    } else {
        // A refused request: what came of its first line, printable.
        char line[81];
        size_t n = 0;
        for (; n < c.in_len && n < sizeof line - 1 && c.in[n] != '\r' && c.in[n] != '\n'; ++n) {
            unsigned char ch = static_cast<unsigned char>(c.in[n]);
            line[n] = ch >= 0x20 && ch < 0x7f && ch != '"' ? static_cast<char>(ch) : '?';
        }
        line[n] = '\0';
        printf("httpd: %s \"%s\" %d\n", c.peer, n ? line : "-", status);
    }
    fflush(stdout);
}

// Answers what has arrived, one request at a time: a request waits in
// c.in until the answer before it is out.
void process(server& s, conn& c) {
    while (!pending_output(c) && !c.draining && c.in_len) {
        http::request req;
        http::parse_result r = http::parse_request(c.in, c.in_len, s.opt.lim, req, s.body_buf);
        if (r.state == http::parse_state::error) {
            queue_error(s, c, r.status);
            log_request(s, c, nullptr, r.status);
            c.in_len = 0;
            return;
        }
        if (r.state == http::parse_state::incomplete) {
            if (c.in_len == in_capacity(s.opt)) {
                // Chunk framing that outgrew the buffer before the content did.
                queue_error(s, c, r.head_done ? 413 : 431);
                log_request(s, c, nullptr, r.head_done ? 413 : 431);
                c.in_len = 0;
            } else if (r.head_done && req.expect_continue && !c.continue_sent) {
                static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";   // RFC 9110 15.2.1
                memcpy(c.out, cont, sizeof cont - 1);
                c.out_len = sizeof cont - 1;
                c.out_off = 0;
                c.continue_sent = true;
            }
            return;
        }
        c.out_off = 0;
        int status = serve_request(s, c, req);
        log_request(s, c, &req, status);
        memmove(c.in, c.in + r.consumed, c.in_len - r.consumed);
        c.in_len -= r.consumed;
        c.continue_sent = false;
        c.req_start_ns = c.in_len ? netapp::now_ns() : 0;
    }
}

enum class io { done, wait, fail };

io send_bytes(server& s, conn& c, const char* p, size_t n, size_t* off, int more = 0) {
    ssize_t k = send(c.fd, p + *off, n - *off, MSG_NOSIGNAL | more);
    if (k < 0) {
        return errno == EAGAIN || errno == EINTR ? io::wait : io::fail;
    }
    *off += static_cast<size_t>(k);
    s.cnt.bytes_out += static_cast<uint64_t>(k);
    c.last_ns = netapp::now_ns();
    return io::done;
}

// The next piece of a file of known length into c.out, or straight to
// the socket with sendfile. io::done means: look again.
io sized_piece(server& s, conn& c) {
    if (c.file_left == 0) {
        drop_body(c);
        return io::done;
    }
    size_t want = c.file_left < file_piece ? static_cast<size_t>(c.file_left) : file_piece;
    if (c.use_sendfile && sendfile) {
        off_t off = static_cast<off_t>(c.file_off);
        ssize_t n = sendfile(c.fd, c.file_fd, &off, want);
        if (n > 0) {
            c.file_off += static_cast<uint64_t>(n);
            c.file_left -= static_cast<uint64_t>(n);
            s.cnt.bytes_out += static_cast<uint64_t>(n);
            c.last_ns = netapp::now_ns();
            return io::done;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            return io::wait;
        }
        if (n == 0) {
            return io::fail;   // the file is shorter than fstat said
        }
        c.use_sendfile = false;   // ENOSYS, EINVAL: read() from here on
        if (lseek(c.file_fd, static_cast<off_t>(c.file_off), SEEK_SET) < 0 && c.file_off) {
            return io::fail;
        }
    }
    ssize_t n = read(c.file_fd, c.out, want);
    if (n <= 0) {
        return io::fail;   // the length is promised: closing is all that is left
    }
    c.file_off += static_cast<uint64_t>(n);
    c.file_left -= static_cast<uint64_t>(n);
    c.out_len = static_cast<size_t>(n);
    c.out_off = 0;
    return io::done;
}

// The next piece of a file of unknown length: a chunk (RFC 9112 7.1), or
// plain bytes up to the end of the file in HTTP/1.0.
io stream_piece(conn& c) {
    if (c.file_eof) {
        drop_body(c);
        return io::done;
    }
    bool chunked = c.body == body_kind::file_chunked;
    constexpr size_t hdr = 6;   // "1000\r\n": chunk-size may have leading zeros
    char* data = c.out + (chunked ? hdr : 0);
    ssize_t n = read(c.file_fd, data, file_piece);
    if (n < 0) {
        return io::fail;
    }
    c.out_off = 0;
    if (n == 0) {
        c.file_eof = true;
        if (!chunked) {
            drop_body(c);
            return io::done;
        }
        memcpy(c.out, "0\r\n\r\n", 5);   // last-chunk, no trailers
        c.out_len = 5;
        return io::done;
    }
    if (!chunked) {
        c.out_len = static_cast<size_t>(n);
        return io::done;
    }
    char size[hdr + 1];
    snprintf(size, sizeof size, "%04x\r\n", static_cast<unsigned>(n));
    memcpy(c.out, size, hdr);   // not snprintf into out: its NUL would land on the data
    memcpy(c.out + hdr + n, "\r\n", 2);
    c.out_len = hdr + static_cast<size_t>(n) + 2;
    return io::done;
}

// More of the body is still to be sent after what is in c.out: the head
// (or a piece) then goes with MSG_MORE and leaves in one segment with what
// follows. Without it, Nagle holds the body behind the unacknowledged
// head until the client's delayed ACK (RFC 1122 4.2.3.4, 4.2.3.2): some
// 40 ms a response.
bool body_follows(const conn& c) {
    switch (c.body) {
    case body_kind::none: return false;
    case body_kind::memory: return c.mem_off < c.mem_len;
    case body_kind::file: return c.file_left > 0;
    default: return !c.file_eof;
    }
}

// Sends what is queued; false when the connection is to be closed now.
bool flush(server& s, conn& c) {
    for (;;) {
        io r = io::done;
        if (c.out_off < c.out_len) {
            r = send_bytes(s, c, c.out, c.out_len, &c.out_off, body_follows(c) ? MSG_MORE : 0);
        } else if (c.body == body_kind::memory) {
            c.out_off = c.out_len = 0;
            if (c.mem_off == c.mem_len) {
                drop_body(c);
                continue;
            }
            r = send_bytes(s, c, c.mem, c.mem_len, &c.mem_off);
        } else if (c.body != body_kind::none) {
            c.out_off = c.out_len = 0;
            r = c.body == body_kind::file ? sized_piece(s, c) : stream_piece(c);
        } else {
            c.out_off = c.out_len = 0;
            if (c.close_after) {
                // Our FIN first, then the peer's: closing with its bytes
                // unread would send a RST that can destroy the answer.
                shutdown(c.fd, SHUT_WR);
                c.draining = true;
                c.in_len = 0;
                c.last_ns = netapp::now_ns();
                set_events(s, c, EPOLLIN);
                return true;
            }
            process(s, c);   // a pipelined request already here
            if (!pending_output(c)) {
                update_events(s, c);
                return true;
            }
            continue;
        }
        if (r == io::fail) {
            return false;
        }
        if (r == io::wait) {
            set_events(s, c, EPOLLOUT);
            return true;
        }
    }
}

void on_readable(server& s, conn& c) {
    if (c.draining) {
        char sink[512];
        ssize_t n = recv(c.fd, sink, sizeof sink, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            conn_close(s, c);
        }
        return;
    }
    if (c.in_len == c.in_cap && c.in_cap && c.in_cap < in_capacity(s.opt)) {
        char* bigger = static_cast<char*>(realloc(c.in, in_capacity(s.opt)));
        if (!bigger) {
            conn_close(s, c);
            return;
        }
        c.in = bigger;
        c.in_cap = in_capacity(s.opt);
    }
    if (c.in_len < c.in_cap) {
        ssize_t n = recv(c.fd, c.in + c.in_len, c.in_cap - c.in_len, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            conn_close(s, c);   // the peer is gone, or closed between requests
            return;
        }
        if (n > 0) {
            if (c.in_len == 0) {
                c.req_start_ns = netapp::now_ns();
            }
            c.in_len += static_cast<size_t>(n);
            c.last_ns = netapp::now_ns();
        }
    }
    process(s, c);
    if (!flush(s, c)) {
        conn_close(s, c);
    }
}

bool conn_open(server& s, conn& c, int fd, const struct sockaddr_in& peer, bool reject_only) {
    c = conn{};
    c.fd = fd;
    c.reject_only = reject_only;
    c.in_cap = reject_only ? 0 : in_initial(s.opt);
    c.in = reject_only ? nullptr : static_cast<char*>(malloc(c.in_cap));
    c.out = static_cast<char*>(malloc(out_cap));
    const uint8_t* a = reinterpret_cast<const uint8_t*>(&peer.sin_addr.s_addr);
    snprintf(c.peer, sizeof c.peer, "%u.%u.%u.%u:%u", a[0], a[1], a[2], a[3], ntohs(peer.sin_port));
    c.last_ns = netapp::now_ns();
    struct epoll_event e = {};
    e.events = EPOLLIN;
    e.data.u32 = static_cast<uint32_t>(&c - s.conns);
    c.events = EPOLLIN;
    if (!c.out || (!reject_only && !c.in) || epoll_ctl(s.epfd, EPOLL_CTL_ADD, fd, &e) < 0) {
        free(c.in);
        free(c.out);
        close(fd);
        c = conn{};
        return false;
    }
    if (!reject_only) {
        ++s.active;
    }
    return true;
}

// Listening off while accept() cannot take a connection (no descriptor,
// no memory); sweep() turns it back on a tick later.
void pause_listener(server& s, bool pause) {
    if (s.listener_paused == pause) {
        return;
    }
    struct epoll_event e = {};
    e.events = pause ? 0 : EPOLLIN;
    e.data.u32 = listener_tag;
    epoll_ctl(s.epfd, EPOLL_CTL_MOD, s.lfd, &e);
    s.listener_paused = pause;
}

conn* free_slot(server& s, bool reject) {
    int b = reject ? s.opt.max_conns : 0;
    int e = reject ? s.nslots : s.opt.max_conns;
    for (int i = b; i < e; ++i) {
        if (s.conns[i].fd < 0) {
            return &s.conns[i];
        }
    }
    return nullptr;
}

void on_accept(server& s) {
    for (;;) {
        struct sockaddr_in peer = {};
        socklen_t plen = sizeof peer;
        int fd = accept4(s.lfd, reinterpret_cast<struct sockaddr*>(&peer), &plen, SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
                pause_listener(s, true);   // EMFILE and the like: the queue stays, the loop must not spin on it
            }
            return;
        }
        ++s.cnt.accepted;
        conn* c = free_slot(s, false);
        if (c) {
            conn_open(s, *c, fd, peer, false);
            continue;
        }
        ++s.cnt.rejected;
        c = free_slot(s, true);
        if (!c || !conn_open(s, *c, fd, peer, true)) {
            if (c == nullptr) {
                close(fd);
            }
            continue;
        }
        queue_error(s, *c, 503);   // RFC 9110 15.6.4: over the connection limit
        log_request(s, *c, nullptr, 503);
        if (!flush(s, *c)) {
            conn_close(s, *c);
        }
    }
}

// Timeouts, checked each tick: a request not all in by the header timeout
// gets 408 (RFC 9110 15.5.9), an idle persistent connection or a stuck
// sender is closed, and a closing one gets drain_ns for the peer's FIN.
void sweep(server& s) {
    uint64_t now = netapp::now_ns();
    uint64_t header_ns = s.opt.header_timeout_s * ns_per_s;
    uint64_t idle_ns = s.opt.keepalive_s * ns_per_s;
    pause_listener(s, false);
    for (int i = 0; i < s.nslots; ++i) {
        conn& c = s.conns[i];
        if (c.fd < 0) {
            continue;
        }
        if (c.draining || c.reject_only) {
            if (now - c.last_ns > drain_ns) {
                conn_close(s, c);
            }
        } else if (pending_output(c)) {
            if (now - c.last_ns > idle_ns) {
                conn_close(s, c);
            }
        } else if (c.in_len && now - c.req_start_ns > header_ns) {
            ++s.cnt.timeouts;
            queue_error(s, c, 408);
            log_request(s, c, nullptr, 408);
            c.in_len = 0;
            if (!flush(s, c)) {
                conn_close(s, c);
            }
        } else if (!c.in_len && now - c.last_ns > idle_ns) {
            conn_close(s, c);
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
    fprintf(stderr, "usage: httpd [-v] [-p port] [-c conns] [-t header_s] [-k keepalive_s] [docroot]\n");
    return 2;
}

bool parse_args(options& o, int argc, char** argv) {
    netapp::args a{argc, argv};
    while (a.next("pctk")) {
        if (a.operand) {
            o.docroot = a.operand;
            continue;
        }
        switch (a.opt) {
        case 'v': o.verbose = true; break;
        case 'p': o.port = atoi(a.value); break;
        case 'c': o.max_conns = atoi(a.value); break;
        case 't': o.header_timeout_s = static_cast<unsigned>(atoi(a.value)); break;
        case 'k': o.keepalive_s = static_cast<unsigned>(atoi(a.value)); break;
        default: return false;
        }
    }
    return !a.error && o.port > 0 && o.port <= 65535 && o.max_conns > 0 && o.max_conns <= max_conns_limit &&
           o.header_timeout_s > 0 && o.keepalive_s > 0;
}

// FNV-1a of the built-in page: its ETag changes when the page does.
void index_etag(server& s) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < httpd_index_html_len; ++i) {
        h = (h ^ httpd_index_html[i]) * 16777619u;
    }
    snprintf(s.index_etag, sizeof s.index_etag, "\"i-%08x-%zx\"", static_cast<unsigned>(h), httpd_index_html_len);
}

int listen_on(server& s) {
    s.lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int on = 1;
    setsockopt(s.lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in at = {};
    at.sin_family = AF_INET;
    at.sin_port = htons(static_cast<uint16_t>(s.opt.port));
    if (s.lfd < 0 || bind(s.lfd, reinterpret_cast<struct sockaddr*>(&at), sizeof at) < 0 || listen(s.lfd, 16) < 0) {
        fprintf(stderr, "httpd: port %d: %s\n", s.opt.port, strerror(errno));
        return -1;
    }
    s.epfd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event e = {};
    e.events = EPOLLIN;
    e.data.u32 = listener_tag;
    if (s.epfd < 0 || epoll_ctl(s.epfd, EPOLL_CTL_ADD, s.lfd, &e) < 0) {
        perror("httpd: epoll");
        return -1;
    }
    return 0;
}

int run(server& s, int argc, char** argv) {
    if (!parse_args(s.opt, argc, argv)) {
        return usage();
    }
    static char root[256];   // without a trailing '/': paths start with one
    snprintf(root, sizeof root, "%s", s.opt.docroot);
    size_t rl = strlen(root);
    while (rl > 0 && root[rl - 1] == '/') {
        root[--rl] = '\0';
    }
    s.opt.docroot = root;
    s.nslots = s.opt.max_conns + reject_slots;
    s.conns = static_cast<conn*>(malloc(sizeof(conn) * static_cast<size_t>(s.nslots)));
    if (s.conns) {
        for (int i = 0; i < s.nslots; ++i) {
            new (&s.conns[i]) conn;
        }
    }
    raise_fd_limit(2 * s.opt.max_conns + reject_slots + 16);
    s.body_buf = static_cast<char*>(malloc(s.opt.lim.max_body));
    s.scratch_cap = 20480;   // the kernel log (16 KiB) and the largest /proc file
    s.scratch = static_cast<char*>(malloc(s.scratch_cap));
    if (!s.conns || !s.body_buf || !s.scratch) {
        fprintf(stderr, "httpd: no memory\n");
        return 1;
    }
    s.started_ns = netapp::now_ns();
    s.started_wall = wall_now();
    index_etag(s);
    if (listen_on(s) < 0) {
        return 1;
    }
    printf("httpd: listening on port %d, docroot %s/\n", s.opt.port, root);
    fflush(stdout);
    uint64_t last_sweep = 0;
    for (;;) {
        struct epoll_event ev[16];
        int n = epoll_wait(s.epfd, ev, 16, tick_ms);
        if (n < 0 && errno != EINTR) {
            perror("httpd: epoll_wait");
            return 1;
        }
        for (int k = 0; k < n; ++k) {
            uint32_t tag = ev[k].data.u32;
            if (tag == listener_tag) {
                on_accept(s);
                continue;
            }
            conn& c = s.conns[tag];
            if (c.fd < 0) {
                continue;
            }
            if (ev[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP) && !(c.events & EPOLLOUT)) {
                on_readable(s, c);
            } else if (!flush(s, c)) {
                conn_close(s, c);
            }
        }
        uint64_t now = netapp::now_ns();
        if (now - last_sweep >= tick_ms * 1000000ull) {
            sweep(s);
            last_sweep = now;
        }
    }
}

int httpd_main(int argc, char** argv) {
    void* mem = malloc(sizeof(server));   // too big for an app's stack
    if (!mem) {
        fprintf(stderr, "httpd: no memory\n");
        return 1;
    }
    auto* s = new (mem) server;
    int rc = run(*s, argc, argv);
    for (int i = 0; i < s->nslots; ++i) {
        if (s->conns[i].fd >= 0) {
            conn_close(*s, s->conns[i]);
        }
    }
    free(s->conns);
    if (s->lfd >= 0) {
        close(s->lfd);
    }
    if (s->epfd >= 0) {
        close(s->epfd);
    }
    free(s->body_buf);
    free(s->scratch);
    s->~server();
    free(mem);
    return rc;
}

}  // namespace
}  // namespace httpd

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc httpd_app{
    "httpd", httpd::httpd_main,
    "an HTTP/1.1 server with a live dashboard: httpd [-v] [-p port] [-c conns] [-t header_s] [-k keepalive_s] "
    "[docroot]",
    APP_PRIVILEGED, 32768};
