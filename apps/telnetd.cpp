// telnetd: the console shell for Telnet clients (RFC 854) on TCP port 23,
// after BSD's telnetd (libexec/telnetd). NO AUTHENTICATION: whoever reaches
// the port has the shell; it starts only when apps= names it.
//
// Each session is a shell app of its own, spawned with pipes on its 0-2
// where telnetd has a pty: the shell reads its keys from one pipe and
// writes to the other, and telnetd, on one epoll loop for all sessions,
// moves the bytes between the pipes and the socket through the NVT codec
// (apps/telnet/nvt.cpp: options, commands, CR LF). A session ends when
// its shell does (exit, logout). When the peer goes first the shell ends
// too: at its FIN the shell reads EOF after the last of its input (and its
// output still goes out); at a reset both pipes are closed, so the shell
// reads EOF or gets EPIPE. Only once the shell is reaped is the slot free.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <new>

#include "apps/net_util.h"
#include "apps/telnet/nvt.h"
#include "kernel/apps.h"
#include "mipsnet/spawn.h"

namespace {

constexpr uint16_t DEFAULT_PORT = 23;
constexpr int DEFAULT_SESSIONS = 4;     // -n
constexpr int MAX_SESSIONS = 16;
constexpr int MAX_EVENTS = 16;
constexpr int REAP_MS = 200;            // how often ended shells are looked for
constexpr size_t RX_BUF = 512, IN_BUF = 512, OUT_BUF = 4096;
constexpr const char* busy_message = "telnetd: too many sessions, try again later\r\n";

// Which descriptor of a session an epoll event is for.
enum class end : uint8_t { sock, to_shell, from_shell, listener };

struct span {
    uint8_t* p;
    size_t off = 0, len = 0;   // p[off, len) waits to go on
};

struct session {
    bool used = false;
    uint32_t gen = 0;              // tells a stale epoll event from this session's
    int fd[3] = {-1, -1, -1};      // by end: the socket, the shell's stdin, its stdout
    uint32_t events[3] = {};
    bool watched[3] = {};          // on the epoll set
    int pid = -1;                  // the shell, until reaped
    bool peer_eof = false;         // the peer sent FIN: its input is all in
    bool peer_gone = false;        // reset, or nothing more can go to it
    struct sockaddr_in peer = {};
    telnet::nvt nvt;
    uint8_t rx[RX_BUF];            // from the socket, not yet decoded
    uint8_t in[IN_BUF];            // decoded, not yet written to the shell
    uint8_t out[OUT_BUF];          // encoded, not yet sent
    size_t rx_len = 0, in_off = 0, in_len = 0, out_off = 0, out_len = 0;
};

struct telnetd {
    bool verbose = false;
    int max_sessions = DEFAULT_SESSIONS;
    int epfd = -1, lfd = -1;
    int active = 0;
    unsigned long refused = 0;
    session s[MAX_SESSIONS];
    struct epoll_event events[MAX_EVENTS];
};

uint64_t tag(int slot, uint32_t gen, end e) {
    return static_cast<uint64_t>(gen) << 32 | static_cast<uint64_t>(slot) << 8 | static_cast<uint8_t>(e);
}

int fd_of(const session& s, end e) { return s.fd[static_cast<int>(e)]; }

void log(const telnetd& d, const session& s, const char* what) {
    if (d.verbose) {
        char ip[INET_ADDRSTRLEN];
        printf("telnetd: %s:%u %s\n", inet_ntop(AF_INET, &s.peer.sin_addr, ip, sizeof ip), ntohs(s.peer.sin_port),
               what);
        fflush(stdout);
    }
}

void close_end(session& s, end e) {
    int i = static_cast<int>(e);
    if (s.fd[i] >= 0) {
        close(s.fd[i]);   // also takes it off the epoll set
        s.fd[i] = -1;
        s.events[i] = 0;
        s.watched[i] = false;
    }
}

void close_all(session& s) {
    for (int e = 0; e < 3; ++e) {
        close_end(s, static_cast<end>(e));
    }
}

// Puts fd e on the epoll set for events, or changes what it waits for.
// The shell's stdout comes off the set while out is full: its EPOLLHUP
// (the shell gone) would otherwise be reported until the peer reads.
bool watch(telnetd& d, int slot, end e, uint32_t events) {
    session& s = d.s[slot];
    int i = static_cast<int>(e);
    if (s.watched[i] && events == s.events[i]) {
        return true;
    }
    struct epoll_event ev = {};
    ev.events = events;
    ev.data.u64 = tag(slot, s.gen, e);
    int op = s.watched[i] ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (e == end::from_shell && events == 0) {
        op = EPOLL_CTL_DEL;
    }
    if (op == EPOLL_CTL_DEL && !s.watched[i]) {
        return true;
    }
    if (epoll_ctl(d.epfd, op, s.fd[i], &ev) != 0) {
        return false;
    }
    s.watched[i] = op != EPOLL_CTL_DEL;
    s.events[i] = events;
    return true;
}

// What epoll should wait for on each open descriptor, from the buffers.
void update(telnetd& d, int slot) {
    session& s = d.s[slot];
    uint32_t want[3] = {
        (s.rx_len < RX_BUF && !s.peer_eof ? EPOLLIN : 0u) | (s.out_len > s.out_off ? EPOLLOUT : 0u),
        s.in_len > s.in_off ? EPOLLOUT : 0u,
        OUT_BUF - s.out_len >= 64 ? EPOLLIN : 0u,
    };
    for (int e = 0; e < 3; ++e) {
        if (s.fd[e] >= 0) {
            watch(d, slot, static_cast<end>(e), want[e]);
        }
    }
}

// The peer is gone: so are the socket and both pipes. The shell sees EOF
// on its next read, EPIPE on its next write, and ends.
void peer_gone(telnetd& d, session& s, const char* why) {
    if (!s.peer_gone) {
        s.peer_gone = true;
        log(d, s, why);
    }
    close_all(s);
    s.rx_len = s.in_off = s.in_len = s.out_off = s.out_len = 0;
}

bool would_block() { return errno == EAGAIN || errno == EINTR; }

// Socket to rx, rx through the codec to in (and answers to out). At the
// peer's FIN what it sent still goes to the shell, and the shell's output
// to the peer (a half-close, as `echo uname | nc host 23` makes).
void from_peer(telnetd& d, session& s) {
    while (!s.peer_gone && !s.peer_eof && s.rx_len < RX_BUF) {
        ssize_t n = recv(fd_of(s, end::sock), s.rx + s.rx_len, RX_BUF - s.rx_len, 0);
        if (n < 0 && !would_block()) {
            peer_gone(d, s, strerror(errno));
            return;
        }
        if (n == 0) {
            s.peer_eof = true;
            log(d, s, "closed by the peer");
        }
        if (n <= 0) {
            break;
        }
        s.rx_len += static_cast<size_t>(n);
    }
    if (s.peer_gone) {
        return;
    }
    if (s.in_off == s.in_len) {
        s.in_off = s.in_len = 0;
    }
    telnet::buffer data{s.in + s.in_len, IN_BUF - s.in_len};
    telnet::buffer reply{s.out + s.out_len, OUT_BUF - s.out_len};
    size_t took = s.nvt.receive(s.rx, s.rx_len, data, reply);
    s.in_len += data.len;
    s.out_len += reply.len;
    memmove(s.rx, s.rx + took, s.rx_len - took);
    s.rx_len -= took;
}

// in to the shell's stdin; after the peer's FIN and its last byte, EOF.
void to_shell(session& s) {
    while (fd_of(s, end::to_shell) >= 0 && s.in_off < s.in_len) {
        ssize_t n = write(fd_of(s, end::to_shell), s.in + s.in_off, s.in_len - s.in_off);
        if (n < 0) {
            if (!would_block()) {
                close_end(s, end::to_shell);   // EPIPE: the shell is gone
                s.in_off = s.in_len = 0;
            }
            return;
        }
        s.in_off += static_cast<size_t>(n);
    }
    if (s.peer_eof && s.rx_len == 0) {
        close_end(s, end::to_shell);
    }
}

// The shell's output through the codec to out. Reads only what is sure to
// fit once encoded (each byte two at most, plus a NUL after a CR).
void from_shell(session& s) {
    uint8_t buf[OUT_BUF / 2];
    while (fd_of(s, end::from_shell) >= 0) {
        if (s.out_off == s.out_len) {
            s.out_off = s.out_len = 0;
        } else if (s.out_off > 0) {
            memmove(s.out, s.out + s.out_off, s.out_len - s.out_off);
            s.out_len -= s.out_off;
            s.out_off = 0;
        }
        size_t room = OUT_BUF - s.out_len;
        if (room < 64) {
            return;
        }
        ssize_t n = read(fd_of(s, end::from_shell), buf, (room - 2) / 2);
        if (n == 0 || (n < 0 && !would_block())) {
            close_end(s, end::from_shell);   // EOF: the shell (and every child) closed it
            return;
        }
        if (n < 0) {
            return;
        }
        telnet::buffer out{s.out + s.out_len, room};
        s.nvt.send(buf, static_cast<size_t>(n), out);
        s.out_len += out.len;
    }
}

// out to the socket.
void to_peer(telnetd& d, session& s) {
    while (!s.peer_gone && s.out_off < s.out_len) {
        ssize_t n = send(fd_of(s, end::sock), s.out + s.out_off, s.out_len - s.out_off, MSG_NOSIGNAL);
        if (n < 0) {
            if (!would_block()) {
                peer_gone(d, s, strerror(errno));
            }
            return;
        }
        s.out_off += static_cast<size_t>(n);
    }
}

void pump(telnetd& d, int slot) {
    session& s = d.s[slot];
    from_peer(d, s);
    to_shell(s);
    from_shell(s);
    to_peer(d, s);
    if (!s.peer_gone) {
        from_peer(d, s);   // what waited for room in rx or out
        to_shell(s);
        update(d, slot);
    }
}

void release(telnetd& d, session& s) {
    close_all(s);
    s.used = false;
    --d.active;
}

// The shell ended: what it wrote last goes out, then the connection closes.
void shell_ended(telnetd& d, int slot, int status) {
    session& s = d.s[slot];
    s.pid = -1;
    if (!s.peer_gone) {
        from_shell(s);
        to_peer(d, s);
        char what[48];
        snprintf(what, sizeof what, "shell exited with status %d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        log(d, s, what);
    }
    log(d, s, "session ended");
    if (fd_of(s, end::sock) >= 0) {
        shutdown(fd_of(s, end::sock), SHUT_WR);
    }
    release(d, s);
}

void reap(telnetd& d) {
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0) {
            return;
        }
        for (int i = 0; i < MAX_SESSIONS; ++i) {
            if (d.s[i].used && d.s[i].pid == pid) {
                shell_ended(d, i, status);
            }
        }
    }
}

bool set_nonblock(int fd) {
    int fl = fcntl(fd, F_GETFL);
    return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0;
}

// A shell on two new pipes. The child's 0-2 are copies of ours at the
// spawn (fork and dup2 in one, without fork): ours are pointed at the
// pipes for the call and put back after. Returns its pid or -1.
int spawn_shell(int stdin_fd, int stdout_fd) {
    fflush(stdout);
    fflush(stderr);
    int saved[3];
    for (int i = 0; i < 3; ++i) {
        saved[i] = dup(i);
    }
    int pid = -1;
    if (saved[0] >= 0 && saved[1] >= 0 && saved[2] >= 0 && dup2(stdin_fd, 0) == 0 && dup2(stdout_fd, 1) == 1 &&
        dup2(stdout_fd, 2) == 2) {
        char name[] = "shell";
        char* argv[] = {name, nullptr};
        pid = mipsnet_spawn(name, argv);
    }
    int err = errno;
    for (int i = 0; i < 3; ++i) {
        if (saved[i] >= 0) {
            dup2(saved[i], i);
            close(saved[i]);
        }
    }
    errno = err;
    return pid;
}

// A session for a new connection: pipes, the shell, the opening options.
// False (nothing left open but sock, which the caller closes) on failure.
bool session_start(telnetd& d, int slot, int sock, const struct sockaddr_in& from) {
    session& s = d.s[slot];
    uint32_t gen = s.gen + 1;
    s.~session();
    new (&s) session;
    s.gen = gen;
    s.peer = from;
    int in[2], out[2];
    if (pipe(in) != 0) {
        return false;
    }
    if (pipe(out) != 0) {
        close(in[0]);
        close(in[1]);
        return false;
    }
    s.pid = spawn_shell(in[0], out[1]);
    close(in[0]);
    close(out[1]);
    s.fd[0] = sock;
    s.fd[1] = in[1];
    s.fd[2] = out[0];
    s.used = true;
    ++d.active;
    telnet::buffer reply{s.out, OUT_BUF};
    s.nvt.start(reply);
    s.out_len = reply.len;
    if (s.pid < 0 || !set_nonblock(in[1]) || !set_nonblock(out[0]) || !watch(d, slot, end::sock, EPOLLIN | EPOLLOUT) ||
        !watch(d, slot, end::to_shell, 0) || !watch(d, slot, end::from_shell, EPOLLIN)) {
        fprintf(stderr, "telnetd: cannot start a shell: %s\n", strerror(errno));
        s.fd[0] = -1;   // the caller's
        if (s.pid > 0) {
            peer_gone(d, s, "not started");   // the shell ends on EOF and is reaped
        } else {
            release(d, s);
        }
        return false;
    }
    log(d, s, "session started");
    return true;
}

int free_slot(const telnetd& d) {
    if (d.active >= d.max_sessions) {
        return -1;
    }
    for (int i = 0; i < MAX_SESSIONS; ++i) {
        if (!d.s[i].used) {
            return i;
        }
    }
    return -1;
}

void accept_all(telnetd& d) {
    struct sockaddr_in from;
    for (int fd; (fd = netapp::accept_next(d.lfd, &from, "telnetd")) >= 0;) {
        int slot = free_slot(d);
        if (slot < 0) {
            ++d.refused;
            send(fd, busy_message, strlen(busy_message), MSG_NOSIGNAL);
            if (d.verbose) {
                printf("telnetd: refused a session: %d of %d in use (%lu refused)\n", d.active, d.max_sessions,
                       d.refused);
                fflush(stdout);
            }
            close(fd);
            continue;
        }
        if (!session_start(d, slot, fd, from)) {
            ++d.refused;
            close(fd);
            continue;
        }
        pump(d, slot);
    }
}

void on_event(telnetd& d, const struct epoll_event& ev) {
    auto e = static_cast<end>(ev.data.u64 & 0xff);
    if (e == end::listener) {
        accept_all(d);
        return;
    }
    int slot = static_cast<int>(ev.data.u64 >> 8 & 0xff);
    if (slot >= MAX_SESSIONS) {
        return;
    }
    session& s = d.s[slot];
    if (!s.used || s.gen != static_cast<uint32_t>(ev.data.u64 >> 32) || fd_of(s, e) < 0) {
        return;   // for a descriptor closed earlier in this batch
    }
    // A pipe's far end gone: the shell's stdin with nothing to write shows
    // it only as EPOLLERR, which would be reported for ever.
    if (e == end::to_shell && (ev.events & EPOLLERR)) {
        close_end(s, e);
    }
    pump(d, slot);
    // Reset or hung up with rx full (the shell not reading): nothing more
    // will come from this peer, nor go to it.
    if (e == end::sock && (ev.events & (EPOLLERR | EPOLLHUP)) && !s.peer_gone) {
        peer_gone(d, s, "hung up");
    }
}

int open_listener(struct in_addr addr, uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return -1;
    }
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in at = {};
    at.sin_family = AF_INET;
    at.sin_port = htons(port);
    at.sin_addr = addr;
    if (bind(fd, reinterpret_cast<struct sockaddr*>(&at), sizeof at) < 0 || listen(fd, 8) < 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

int usage() {
    fprintf(stderr, "usage: telnetd [-v] [-b ADDR] [-p PORT] [-n SESSIONS (1-%d)]\n", MAX_SESSIONS);
    return 2;
}

int serve(telnetd& d) {
    for (;;) {
        int ready = epoll_wait(d.epfd, d.events, MAX_EVENTS, d.active ? REAP_MS : -1);
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("telnetd: epoll_wait");
            return 1;
        }
        for (int k = 0; k < ready; ++k) {
            on_event(d, d.events[k]);
        }
        reap(d);
    }
}

int run(telnetd& d, int argc, char** argv) {
    struct in_addr addr = {};
    addr.s_addr = htonl(INADDR_ANY);
    long port = DEFAULT_PORT;
    netapp::args a{argc, argv};
    while (a.next("bpn")) {
        if (a.operand) {
            return usage();
        }
        switch (a.opt) {
        case 'v': d.verbose = true; break;
        case 'b':
            if (inet_pton(AF_INET, a.value, &addr) != 1) {
                fprintf(stderr, "telnetd: -b %s: not an IPv4 address\n", a.value);
                return usage();
            }
            break;
        case 'p': port = strtol(a.value, nullptr, 10); break;
        case 'n': d.max_sessions = atoi(a.value); break;
        default: return usage();
        }
    }
    if (a.error || port < 1 || port > 65535 || d.max_sessions < 1 || d.max_sessions > MAX_SESSIONS) {
        return usage();
    }
    d.epfd = epoll_create1(EPOLL_CLOEXEC);
    d.lfd = d.epfd < 0 ? -1 : open_listener(addr, static_cast<uint16_t>(port));
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &addr, ip, sizeof ip);
    struct epoll_event ev = {};
    ev.events = EPOLLIN;
    ev.data.u64 = static_cast<uint8_t>(end::listener);
    if (d.lfd < 0 || epoll_ctl(d.epfd, EPOLL_CTL_ADD, d.lfd, &ev) != 0) {
        fprintf(stderr, "telnetd: %s:%ld: %s\n", ip, port, strerror(errno));
        return 1;
    }
    printf("telnetd: listening on %s:%ld, at most %d sessions, NO AUTHENTICATION\n", ip, port, d.max_sessions);
    fflush(stdout);
    return serve(d);
}

int telnetd_main(int argc, char** argv) {
    void* mem = malloc(sizeof(telnetd));   // the sessions' buffers: too big for a stack
    if (!mem) {
        fprintf(stderr, "telnetd: no memory\n");
        return 1;
    }
    auto* d = new (mem) telnetd;
    int rc = run(*d, argc, argv);
    for (session& s : d->s) {
        if (s.used) {
            release(*d, s);
        }
    }
    if (d->lfd >= 0) {
        close(d->lfd);
    }
    if (d->epfd >= 0) {
        close(d->epfd);
    }
    d->~telnetd();
    free(mem);
    return rc;
}

}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc telnetd_app{
    "telnetd", telnetd_main,
    "remote shell for Telnet clients, NO AUTHENTICATION (lab networks only): telnetd [-v] [-b ADDR] [-p PORT] [-n SESSIONS]",
    APP_PRIVILEGED, 0};   // port 23 is below 1024
