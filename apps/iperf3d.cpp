// iperf3d: an iperf3 server (esnet/iperf's iperf_server_api.c, 3.12's
// protocol) for the stock iperf3 client: TCP one way or the other (-R) or
// both (--bidir), up to 8 parallel streams, UDP with loss and jitter, and
// the client's -t, -l, -w, -b. One test at a time, as iperf3 -s: a client
// that comes while one runs is answered ACCESS_DENIED. One poll() loop, all
// sockets non-blocking; every phase that waits on the client has a
// deadline, so a client that stalls or vanishes ends its test and the next
// is served. The protocol's bytes and JSON are in apps/iperf3/.
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/times.h>
#include <unistd.h>

#include <new>

#include "apps/iperf3/proto.h"
#include "apps/iperf3/results.h"
#include "apps/iperf3/tcp_info.h"
#include "apps/iperf3/udp.h"
#include "apps/net_util.h"
#include "kernel/apps.h"

namespace {

using namespace iperf3;

// How long the client may keep us waiting between two steps of the
// protocol, and past the test's own length before TEST_END.
constexpr uint64_t STEP_TIMEOUT_NS = 10'000'000'000ull;
constexpr uint64_t RUN_GRACE_NS = 10'000'000'000ull;
constexpr uint64_t UNBOUNDED_RUN_NS = 600'000'000'000ull;   // -n / -k: no -t
// Stream connections still sending their cookie: the client connects each
// stream as soon as the last one's handshake is done, so all of them may be
// in the accept queue at once; a few more for strays.
constexpr int MAX_PENDING = 2 * MAX_STREAMS + 4;
constexpr int MAX_ALL_STREAMS = 2 * MAX_STREAMS;
constexpr size_t CTRL_BUF = 4 + MAX_JSON;
constexpr size_t RESULTS_BUF = 4096;
// How long one stream may move data before the loop looks at the others
// and the control connection again; and TCP's writes cut to at most this
// (the stream's bytes are the same): a non-blocking send of 1 MiB into a
// grown send buffer takes some 90 ms here, and TEST_END would wait for it.
constexpr uint64_t SLICE_NS = 5'000'000;
constexpr size_t TCP_SEND_CHUNK = 64 * 1024;
constexpr int SOL_TCP_LEVEL = IPPROTO_TCP;

enum class phase : uint8_t { idle, cookie, params, create_streams, running, results, done };

struct stream {
    int fd = -1;            // TCP; UDP streams share the session's socket
    bool sender = false;
    struct sockaddr_in peer = {};   // UDP: whose datagrams are this stream's
    uint64_t bytes = 0;
    uint64_t packets = 0;   // UDP datagrams sent
    int64_t retransmits = -1;
    udp_rx_stats rx;
};

struct pending {
    int fd = -1;
    uint8_t cookie[COOKIE_SIZE];
    size_t got = 0;
};

// What went wrong, counted over the server's life and printed by each
// test's summary line.
struct counters {
    unsigned long tests = 0, denied = 0, bad_cookie = 0, bad_params = 0, bad_message = 0, vanished = 0,
                  timeouts = 0, stray = 0;
};

struct server {
    uint16_t port = DEFAULT_PORT;
    bool verbose = false;
    int listen_fd = -1;
    bool listener_tuned = false;   // -w set its buffers: reopened after the test
    counters count;

    // The test being served.
    phase ph = phase::idle;
    int ctrl = -1;
    struct sockaddr_in client = {};
    uint8_t cookie[COOKIE_SIZE] = {};
    uint8_t in[CTRL_BUF];
    size_t in_len = 0;
    params p;
    stream streams[MAX_ALL_STREAMS];
    int nstreams = 0;
    int udp_fd = -1;
    pending pend[MAX_PENDING];
    uint64_t deadline = 0;
    uint64_t start_ns = 0, end_ns = 0;
    clock_t cpu_start = 0;
    uint8_t* buf = nullptr;   // one block, shared by every stream
    char results[RESULTS_BUF];

    struct pollfd pfd[3 + MAX_PENDING + MAX_ALL_STREAMS];
    int which[3 + MAX_PENDING + MAX_ALL_STREAMS];
};

// pollfd tags (which[]): >= 0 a stream, then these.
constexpr int TAG_LISTEN = -1, TAG_CTRL = -2, TAG_UDP = -3, TAG_PENDING = -10;

const char* phase_name(phase ph) {
    constexpr const char* names[] = {"idle", "cookie", "params", "create_streams", "running", "results", "done"};
    return names[static_cast<int>(ph)];
}

double secs(uint64_t ns) {
    return static_cast<double>(ns) / 1e9;
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

int open_udp(uint16_t port) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return -1;
    }
    struct sockaddr_in at = {};
    at.sin_family = AF_INET;
    at.sin_port = htons(port);
    if (bind(fd, reinterpret_cast<struct sockaddr*>(&at), sizeof at) < 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

void set_bufs(int fd, int size) {
    if (size > 0) {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    }
}

// Writes all of data on a non-blocking socket, waiting for room up to the
// step timeout: control messages are small, so this waits rarely.
bool send_all(int fd, const void* data, size_t len) {
    const auto* p = static_cast<const uint8_t*>(data);
    uint64_t until = netapp::now_ns() + STEP_TIMEOUT_NS;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n > 0) {
            p += n;
            len -= static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            return false;
        }
        struct pollfd w = {fd, POLLOUT, 0};
        if (netapp::now_ns() >= until || poll(&w, 1, 100) < 0) {
            return false;
        }
    }
    return true;
}

bool send_state(server& s, state st) {
    auto b = static_cast<uint8_t>(st);
    return send_all(s.ctrl, &b, 1);
}

// ACCESS_DENIED to a connection we will not serve, then close it.
void deny(int fd) {
    auto b = static_cast<uint8_t>(state::access_denied);
    send(fd, &b, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    close(fd);
}

// Ends the test: every socket of it closed, memory freed, the listener
// reopened when -w had tuned it. why == nullptr: it ended well.
void session_end(server& s, const char* why) {
    if (why || s.verbose) {
        char ip[INET_ADDRSTRLEN];
        printf("iperf3d: %s: test ended in %s%s%s\n", inet_ntop(AF_INET, &s.client.sin_addr, ip, sizeof ip),
               phase_name(s.ph), why ? ": " : "", why ? why : "");
    }
    for (int i = 0; i < s.nstreams; ++i) {
        if (s.streams[i].fd >= 0) {
            close(s.streams[i].fd);
        }
        s.streams[i] = stream{};
    }
    for (auto& q : s.pend) {
        if (q.fd >= 0) {
            close(q.fd);
        }
        q = pending{};
    }
    if (s.udp_fd >= 0) {
        close(s.udp_fd);
    }
    if (s.ctrl >= 0) {
        close(s.ctrl);
    }
    free(s.buf);
    s.buf = nullptr;
    s.udp_fd = s.ctrl = -1;
    s.nstreams = 0;
    s.in_len = 0;
    s.ph = phase::idle;
    // After every test: what went wrong so far, and the apps' heap in use
    // (flat from test to test when nothing leaks).
    const counters& c = s.count;
    printf("iperf3d: tests %lu, denied %lu, bad cookie %lu, bad parameters %lu, bad message %lu, vanished %lu, "
           "timed out %lu, stray datagrams %lu; heap in use %d\n",
           c.tests, c.denied, c.bad_cookie, c.bad_params, c.bad_message, c.vanished, c.timeouts, c.stray,
           mallinfo().uordblks);
    if (s.listener_tuned) {
        close(s.listen_fd);
        s.listen_fd = open_listener(s.port);
        s.listener_tuned = false;
        if (s.listen_fd < 0) {
            fprintf(stderr, "iperf3d: port %u: %s\n", s.port, strerror(errno));
        }
    }
    fflush(stdout);
}

// SERVER_ERROR with iperf's error number, then the end of the test.
void refuse(server& s, ierr e, wire_errno err, const char* why) {
    uint8_t msg[SERVER_ERROR_SIZE];
    server_error_encode(e, err, msg);
    send_all(s.ctrl, msg, sizeof msg);
    ++s.count.bad_params;
    session_end(s, why);
}

void next_phase(server& s, phase ph) {
    s.ph = ph;
    s.deadline = netapp::now_ns() + STEP_TIMEOUT_NS;
}

void consume(server& s, size_t n) {
    memmove(s.in, s.in + n, s.in_len - n);
    s.in_len -= n;
}

// --- the test's start and end ----------------------------------------

void test_start(server& s) {
    struct tms t;
    times(&t);
    s.cpu_start = t.tms_utime + t.tms_stime;
    s.start_ns = netapp::now_ns();
    uint64_t run = s.p.duration > 0 ? static_cast<uint64_t>(s.p.duration + s.p.omit) * 1'000'000'000ull + RUN_GRACE_NS
                                    : UNBOUNDED_RUN_NS;
    if (!send_state(s, state::test_start) || !send_state(s, state::test_running)) {
        ++s.count.vanished;
        session_end(s, "control connection lost");
        return;
    }
    s.ph = phase::running;
    s.deadline = s.start_ns + run;
}

// Percent of one CPU this app used since the start.
double cpu_percent(const server& s, uint64_t wall_ns) {
    struct tms t;
    times(&t);
    clock_t used = t.tms_utime + t.tms_stime - s.cpu_start;
    return wall_ns ? 100.0 * (static_cast<double>(used) / 100.0) / secs(wall_ns) : 0;   // USER_HZ 100
}

int64_t tcp_retransmits(int fd) {
    uint8_t info[256];
    socklen_t len = sizeof info;
    if (getsockopt(fd, SOL_TCP_LEVEL, TCP_INFO_OPT, info, &len) < 0 || len < TCPI_TOTAL_RETRANS_OFF + 4) {
        return -1;
    }
    uint32_t v;
    memcpy(&v, info + TCPI_TOTAL_RETRANS_OFF, sizeof v);
    return v;
}

void print_summary(const server& s) {
    uint64_t rx = 0, tx = 0, lost = 0, pkts = 0;
    for (int i = 0; i < s.nstreams; ++i) {
        const stream& st = s.streams[i];
        (st.sender ? tx : rx) += st.bytes;
        lost += st.rx.lost;
        pkts += st.sender ? 0 : st.rx.packets;
    }
    double t = secs(s.end_ns - s.start_ns);
    char ip[INET_ADDRSTRLEN];
    printf("iperf3d: %s: %s %d stream(s) %.2f s: received %llu bytes (%.1f Mbit/s), sent %llu bytes (%.1f Mbit/s)",
           inet_ntop(AF_INET, &s.client.sin_addr, ip, sizeof ip), s.p.proto == protocol::udp ? "udp" : "tcp",
           s.nstreams, t, static_cast<unsigned long long>(rx), t > 0 ? rx * 8 / t / 1e6 : 0.0,
           static_cast<unsigned long long>(tx), t > 0 ? tx * 8 / t / 1e6 : 0.0);
    if (s.p.proto == protocol::udp && pkts) {
        printf(", lost %llu/%llu", static_cast<unsigned long long>(lost), static_cast<unsigned long long>(pkts));
    }
    printf("\n");
    fflush(stdout);
}

// TEST_END: the streams stop (closed, as iperf_handle_message_server does)
// and EXCHANGE_RESULTS asks for the client's results.
void test_end(server& s) {
    s.end_ns = netapp::now_ns();
    for (int i = 0; i < s.nstreams; ++i) {
        stream& st = s.streams[i];
        if (st.fd >= 0) {
            if (st.sender) {
                st.retransmits = tcp_retransmits(st.fd);
            }
            close(st.fd);
            st.fd = -1;
        }
    }
    if (!send_state(s, state::exchange_results)) {
        ++s.count.vanished;
        session_end(s, "control connection lost");
        return;
    }
    next_phase(s, phase::results);
}

bool send_results(server& s) {
    stream_result r[MAX_ALL_STREAMS];
    bool udp = s.p.proto == protocol::udp;
    bool retrans_known = !udp && s.p.senders() > 0;
    for (int i = 0; i < s.nstreams; ++i) {
        const stream& st = s.streams[i];
        r[i].id = stream_id(i);
        r[i].sender = st.sender;
        r[i].bytes = st.bytes;
        r[i].retransmits = st.sender && retrans_known ? st.retransmits : -1;
        r[i].jitter = st.sender ? 0 : st.rx.jitter;
        r[i].errors = st.sender ? 0 : st.rx.lost;
        r[i].packets = st.sender ? st.packets : st.rx.packets;
        r[i].end_time = secs(s.end_ns - s.start_ns);
    }
    test_result t;
    t.cpu_total = t.cpu_system = cpu_percent(s, s.end_ns - s.start_ns);
    t.sender_has_retransmits = s.p.senders() == 0 ? -1 : (retrans_known ? 1 : 0);
    t.streams = r;
    t.nstreams = s.nstreams;
    size_t n = results_encode(t, s.results, sizeof s.results);
    uint8_t h[4];
    frame_header(static_cast<uint32_t>(n), h);
    return n > 0 && send_all(s.ctrl, h, 4) && send_all(s.ctrl, s.results, n);
}

// --- the control connection ------------------------------------------

// The parameters are in: the block buffer, UDP's socket, -w on the
// listener (accepted streams inherit it), then CREATE_STREAMS.
void setup_test(server& s) {
    s.buf = static_cast<uint8_t*>(malloc(s.p.blksize));
    if (!s.buf) {
        refuse(s, ierr::block_size, wire_errno::nomem, "no memory for the block");
        return;
    }
    memset(s.buf, 0, s.p.blksize);
    if (s.p.proto == protocol::udp) {
        s.udp_fd = open_udp(s.port);
        if (s.udp_fd < 0) {
            refuse(s, ierr::stream_listen, wire_errno::addrinuse, "UDP port busy");
            return;
        }
        set_bufs(s.udp_fd, s.p.window);
    } else if (s.p.window > 0) {
        set_bufs(s.listen_fd, s.p.window);
        s.listener_tuned = true;
    }
    if (!send_state(s, state::create_streams)) {
        ++s.count.vanished;
        session_end(s, "control connection lost");
        return;
    }
    next_phase(s, phase::create_streams);
}

void on_cookie(server& s) {
    if (!cookie_valid(s.in)) {
        ++s.count.bad_cookie;
        session_end(s, "not an iperf3 cookie");
        return;
    }
    memcpy(s.cookie, s.in, COOKIE_SIZE);
    consume(s, COOKIE_SIZE);
    if (!send_state(s, state::param_exchange)) {
        ++s.count.vanished;
        session_end(s, "control connection lost");
        return;
    }
    next_phase(s, phase::params);
}

// One JSON message at the front of the input: the parameters or the
// client's results. False while it is still incomplete (or the test ended).
bool on_json(server& s) {
    frame f = frame_parse(s.in, s.in_len);
    if (f.status == frame_status::more) {
        return false;
    }
    bool params = s.ph == phase::params;
    if (f.status != frame_status::ok) {
        if (params) {
            refuse(s, ierr::recv_params, wire_errno::msgsize, "JSON length out of range");
        } else {
            ++s.count.bad_message;
            session_end(s, "results length out of range");
        }
        return false;
    }
    if (params) {
        ierr e;
        bool ok = params_parse(f.body, f.body_len, &s.p, &e);
        consume(s, f.consumed);
        if (!ok) {
            refuse(s, e, wire_errno::inval, "parameters refused");
            return false;
        }
        setup_test(s);
        return s.ph == phase::create_streams;
    }
    stream_result theirs[MAX_ALL_STREAMS];
    test_result totals;
    int n = results_decode(f.body, f.body_len, theirs, MAX_ALL_STREAMS, &totals);
    consume(s, f.consumed);
    if (n < 0) {
        ++s.count.bad_message;
        session_end(s, "results not understood");
        return false;
    }
    for (int i = 0; i < n && i < MAX_ALL_STREAMS; ++i) {
        // What the client sent is what it counted: keep it for the summary.
        for (int k = 0; k < s.nstreams; ++k) {
            if (stream_id(k) == theirs[i].id && !s.streams[k].sender && s.verbose) {
                printf("iperf3d: stream %d: client sent %llu bytes\n", theirs[i].id,
                       static_cast<unsigned long long>(theirs[i].bytes));
            }
        }
    }
    if (!send_results(s) || !send_state(s, state::display_results)) {
        ++s.count.vanished;
        session_end(s, "control connection lost");
        return false;
    }
    ++s.count.tests;
    print_summary(s);
    next_phase(s, phase::done);
    return true;
}

// A state byte from the client while the streams are set up, run, or the
// results are shown.
bool on_state(server& s) {
    auto st = static_cast<state>(static_cast<int8_t>(s.in[0]));
    consume(s, 1);
    if (st == state::test_end && s.ph == phase::running) {
        test_end(s);
        return s.ph == phase::results;
    }
    if (st == state::iperf_done && s.ph == phase::done) {
        session_end(s, nullptr);
        return false;
    }
    if (st == state::client_terminate) {
        session_end(s, "the client has terminated");
        return false;
    }
    if (st == state::test_start && s.ph == phase::running) {
        return true;   // 3.12's client echoes nothing here, older ones did
    }
    ++s.count.bad_message;
    session_end(s, "unexpected message");
    return false;
}

// Works through what the control connection has delivered.
void ctrl_input(server& s) {
    while (s.ph != phase::idle && s.in_len > 0) {
        if (s.ph == phase::cookie) {
            if (s.in_len < COOKIE_SIZE) {
                return;
            }
            on_cookie(s);
        } else if (s.ph == phase::params || s.ph == phase::results) {
            if (!on_json(s)) {
                return;
            }
        } else if (!on_state(s)) {
            return;
        }
    }
}

void ctrl_read(server& s) {
    size_t room = sizeof s.in - s.in_len;
    ssize_t n = room ? recv(s.ctrl, s.in + s.in_len, room, 0) : 0;
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        if (s.ph != phase::done) {
            ++s.count.vanished;
        }
        session_end(s, n == 0 ? (s.ph == phase::done ? nullptr : "the client closed the connection") : strerror(errno));
        return;
    }
    s.in_len += static_cast<size_t>(n);
    ctrl_input(s);
}

// --- connections to the port -------------------------------------------

void new_control(server& s, int fd, const struct sockaddr_in& from) {
    int on = 1;
    setsockopt(fd, SOL_TCP_LEVEL, TCP_NODELAY_OPT, &on, sizeof on);   // as iperf_accept
    s.ctrl = fd;
    s.client = from;
    s.in_len = 0;
    s.p = params{};
    next_phase(s, phase::cookie);
    if (s.verbose) {
        char ip[INET_ADDRSTRLEN];
        printf("iperf3d: control connection from %s:%u\n", inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip),
               ntohs(from.sin_port));
        fflush(stdout);
    }
}

void new_pending(server& s, int fd) {
    for (auto& q : s.pend) {
        if (q.fd < 0) {
            q = pending{};
            q.fd = fd;
            return;
        }
    }
    ++s.count.denied;
    deny(fd);
}

void accept_all(server& s) {
    struct sockaddr_in from;
    for (int fd; (fd = netapp::accept_next(s.listen_fd, &from, "iperf3d")) >= 0;) {
        if (s.ph == phase::idle) {
            new_control(s, fd, from);
        } else if (s.ph == phase::create_streams && s.p.proto == protocol::tcp) {
            new_pending(s, fd);
        } else {
            ++s.count.denied;   // busy (iperf_accept does not even read)
            deny(fd);
        }
    }
}

void all_streams_in(server& s) {
    if (s.nstreams == s.p.total()) {
        test_start(s);
    }
}

// The first receivers() streams are the ones the client sends on (it
// connects those first for --bidir), the rest the ones it receives on.
stream& add_stream(server& s) {
    stream& st = s.streams[s.nstreams];
    st = stream{};
    st.sender = s.nstreams >= s.p.receivers();
    ++s.nstreams;
    return st;
}

// A stream connection's cookie: ours makes it a stream, anything else is
// denied (iperf_tcp_accept).
void pending_read(server& s, pending& q) {
    ssize_t n = recv(q.fd, q.cookie + q.got, COOKIE_SIZE - q.got, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        close(q.fd);
        q = pending{};
        return;
    }
    q.got += static_cast<size_t>(n);
    if (q.got < COOKIE_SIZE) {
        return;
    }
    if (s.ph != phase::create_streams || memcmp(q.cookie, s.cookie, COOKIE_SIZE) != 0 ||
        s.nstreams >= s.p.total()) {
        ++s.count.bad_cookie;
        deny(q.fd);
        q = pending{};
        return;
    }
    stream& st = add_stream(s);
    st.fd = q.fd;
    q = pending{};
    set_bufs(st.fd, s.p.window);
    if (s.p.nodelay) {
        int on = 1;
        setsockopt(st.fd, SOL_TCP_LEVEL, TCP_NODELAY_OPT, &on, sizeof on);
    }
    all_streams_in(s);
}

stream* udp_stream_of(server& s, const struct sockaddr_in& from) {
    for (int i = 0; i < s.nstreams; ++i) {
        const auto& a = s.streams[i].peer;
        if (a.sin_addr.s_addr == from.sin_addr.s_addr && a.sin_port == from.sin_port) {
            return &s.streams[i];
        }
    }
    return nullptr;
}

// A UDP stream's hello: a new stream (or the same one asking again), and
// the reply (iperf_udp_accept).
void udp_connect(server& s, const struct sockaddr_in& from) {
    if (!udp_stream_of(s, from)) {
        if (s.nstreams >= s.p.total()) {
            ++s.count.stray;
            return;
        }
        add_stream(s).peer = from;
    }
    uint8_t reply[UDP_CONNECT_SIZE];
    udp_connect_reply(reply);
    sendto(s.udp_fd, reply, sizeof reply, 0, reinterpret_cast<const struct sockaddr*>(&from), sizeof from);
    all_streams_in(s);
}

void udp_read(server& s) {
    for (int k = 0; k < 64; ++k) {
        struct sockaddr_in from = {};
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(s.udp_fd, s.buf, s.p.blksize, 0, reinterpret_cast<struct sockaddr*>(&from), &len);
        if (n < 0) {
            return;   // EAGAIN; errors of a datagram socket are the peers' (ICMP)
        }
        auto sz = static_cast<size_t>(n);
        if (s.ph == phase::create_streams && udp_connect_valid(s.buf, sz)) {
            udp_connect(s, from);
            if (s.ph != phase::create_streams) {
                return;
            }
            continue;
        }
        stream* st = udp_stream_of(s, from);
        udp_header h;
        if (s.ph != phase::running || !st || st->sender || !udp_header_decode(s.buf, sz, s.p.udp_counters_64bit, &h)) {
            ++s.count.stray;   // late, early, or not from a stream
            continue;
        }
        st->rx.receive(h, sz, secs(netapp::now_ns()));
        st->bytes += sz;
    }
}

// --- moving data -------------------------------------------------------

// The pacing of -b: a stream may send while what it sent stays within the
// rate since the start (iperf_check_throttle). 0 when it may send now,
// else the nanoseconds until it may.
uint64_t throttle_wait(const server& s, const stream& st, uint64_t now) {
    if (s.p.rate == 0) {
        return 0;
    }
    double due = static_cast<double>(st.bytes) * 8.0 / static_cast<double>(s.p.rate);   // seconds
    double elapsed = secs(now - s.start_ns);
    return due <= elapsed ? 0 : static_cast<uint64_t>((due - elapsed) * 1e9) + 1;
}

// A stream the client closed or reset before TEST_END: what it carried
// stays counted, and the control connection says how the test ends (its
// TEST_END, its loss, or the deadline).
void stream_gone(server& s, stream& st, const char* why) {
    if (s.verbose) {
        printf("iperf3d: stream %d %s after %llu bytes\n", stream_id(static_cast<int>(&st - s.streams)), why,
               static_cast<unsigned long long>(st.bytes));
        fflush(stdout);
    }
    if (st.sender) {
        st.retransmits = tcp_retransmits(st.fd);
    }
    close(st.fd);
    st.fd = -1;
}

void tcp_recv(server& s, stream& st) {
    for (uint64_t until = netapp::now_ns() + SLICE_NS; netapp::now_ns() < until;) {
        ssize_t n = recv(st.fd, s.buf, s.p.blksize, 0);
        if (n > 0) {
            st.bytes += static_cast<uint64_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            return;
        }
        stream_gone(s, st, n == 0 ? "closed" : strerror(errno));
        return;
    }
}

void tcp_send(server& s, stream& st) {
    size_t len = s.p.blksize < TCP_SEND_CHUNK ? s.p.blksize : TCP_SEND_CHUNK;
    for (uint64_t now = netapp::now_ns(), until = now + SLICE_NS; now < until && throttle_wait(s, st, now) == 0;
         now = netapp::now_ns()) {
        ssize_t n = send(st.fd, s.buf, len, MSG_NOSIGNAL);
        if (n > 0) {
            st.bytes += static_cast<uint64_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            return;
        }
        stream_gone(s, st, strerror(errno));
        return;
    }
}

void udp_send(server& s, stream& st) {
    for (uint64_t now = netapp::now_ns(), until = now + SLICE_NS; now < until && throttle_wait(s, st, now) == 0;
         now = netapp::now_ns()) {
        udp_header h{static_cast<uint32_t>(now / 1'000'000'000u), static_cast<uint32_t>(now / 1000 % 1'000'000u),
                     st.packets + 1};
        udp_header_encode(h, s.p.udp_counters_64bit, s.buf);
        ssize_t n = sendto(s.udp_fd, s.buf, s.p.blksize, 0, reinterpret_cast<const struct sockaddr*>(&st.peer),
                           sizeof st.peer);
        if (n < 0) {
            return;   // the device queue is full (ENOBUFS) or the like: next round
        }
        ++st.packets;
        st.bytes += static_cast<uint64_t>(n);
    }
}

// The UDP senders, every round: their socket is always writable, the
// pacing decides.
void udp_send_all(server& s) {
    for (int i = 0; i < s.nstreams && s.ph == phase::running; ++i) {
        if (s.streams[i].sender) {
            udp_send(s, s.streams[i]);
        }
    }
}

// --- the loop ------------------------------------------------------------

int add_fd(server& s, int n, int fd, short events, int tag) {
    s.pfd[n] = {fd, events, 0};
    s.which[n] = tag;
    return n + 1;
}

// The pollfds for this round, and the timeout: the phase's deadline or the
// next paced send, whichever comes first.
int build_poll(server& s, int* timeout_ms) {
    int n = 0;
    if (s.listen_fd >= 0) {
        n = add_fd(s, n, s.listen_fd, POLLIN, TAG_LISTEN);
    }
    if (s.ctrl >= 0) {
        n = add_fd(s, n, s.ctrl, POLLIN, TAG_CTRL);
    }
    if (s.udp_fd >= 0) {
        n = add_fd(s, n, s.udp_fd, POLLIN, TAG_UDP);
    }
    for (int i = 0; i < MAX_PENDING; ++i) {
        if (s.pend[i].fd >= 0) {
            n = add_fd(s, n, s.pend[i].fd, POLLIN, TAG_PENDING - i);
        }
    }
    uint64_t now = netapp::now_ns();
    uint64_t wait = s.ph == phase::idle ? UINT64_MAX : (s.deadline > now ? s.deadline - now : 0);
    for (int i = 0; i < s.nstreams && s.ph == phase::running; ++i) {
        stream& st = s.streams[i];
        uint64_t t = st.sender ? throttle_wait(s, st, now) : 0;
        if (st.sender && t > 0) {
            wait = t < wait ? t : wait;
        } else if (st.fd >= 0) {
            n = add_fd(s, n, st.fd, st.sender ? POLLOUT : POLLIN, i);
        } else if (st.sender && s.p.proto == protocol::udp) {
            wait = 0;   // a UDP sender that may send now
        }
    }
    *timeout_ms = wait == UINT64_MAX ? -1 : static_cast<int>((wait + 999'999) / 1'000'000);
    return n;
}

void serve_fd(server& s, int tag, int fd, short revents) {
    if (tag == TAG_LISTEN) {
        accept_all(s);
    } else if (tag == TAG_CTRL) {
        if (fd == s.ctrl) {
            ctrl_read(s);
        }
    } else if (tag == TAG_UDP) {
        if (fd == s.udp_fd) {
            udp_read(s);
        }
    } else if (tag <= TAG_PENDING) {
        pending& q = s.pend[TAG_PENDING - tag];
        if (q.fd == fd) {
            pending_read(s, q);
        }
    } else if (s.ph == phase::running && tag < s.nstreams && s.streams[tag].fd == fd) {
        stream& st = s.streams[tag];
        if (!st.sender) {
            tcp_recv(s, st);
        } else if (revents & (POLLOUT | POLLERR | POLLHUP)) {
            tcp_send(s, st);
        }
    }
}

void check_deadline(server& s) {
    if (s.ph != phase::idle && netapp::now_ns() >= s.deadline) {
        ++s.count.timeouts;
        session_end(s, "timed out");
    }
}

int loop(server& s) {
    for (;;) {
        int timeout;
        int n = build_poll(s, &timeout);
        if (s.listen_fd < 0 && s.ph == phase::idle) {
            return 1;   // the listener could not be reopened
        }
        int ready = poll(s.pfd, static_cast<nfds_t>(n), timeout);
        if (ready < 0 && errno != EINTR) {
            perror("iperf3d: poll");
            return 1;
        }
        for (int k = 0; k < n && ready > 0; ++k) {
            if (s.pfd[k].revents) {
                serve_fd(s, s.which[k], s.pfd[k].fd, s.pfd[k].revents);
            }
        }
        if (s.ph == phase::running && s.udp_fd >= 0) {
            udp_send_all(s);
        }
        check_deadline(s);
    }
}

int usage() {
    fprintf(stderr, "usage: iperf3d [-v] [-p port]\n");
    return 2;
}

int run(server* s, int argc, char** argv) {
    netapp::args a{argc, argv};
    while (a.next("p")) {
        switch (a.operand ? 0 : a.opt) {
        case 'v': s->verbose = true; break;
        case 'p': {
            int port = atoi(a.value);
            if (port <= 0 || port > 65535) {
                return usage();
            }
            s->port = static_cast<uint16_t>(port);
            break;
        }
        default: return usage();
        }
    }
    if (a.error) {
        return usage();
    }
    s->listen_fd = open_listener(s->port);
    if (s->listen_fd < 0) {
        fprintf(stderr, "iperf3d: port %u: %s\n", s->port, strerror(errno));
        return 1;
    }
    printf("iperf3d: listening on port %u\n", s->port);
    fflush(stdout);
    return loop(*s);
}

int iperf3d_main(int argc, char** argv) {
    void* mem = malloc(sizeof(server));   // the control buffer: too big for a stack
    if (!mem) {
        fprintf(stderr, "iperf3d: no memory\n");
        return 1;
    }
    auto* s = new (mem) server;
    int rc = run(s, argc, argv);
    if (s->ph != phase::idle) {
        session_end(*s, "server exiting");
    }
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
    }
    s->~server();
    free(mem);
    return rc;
}

}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc iperf3d_app{
    "iperf3d", iperf3d_main,
    "iperf3 server (3.12's protocol: TCP, -R, --bidir, -P 8, UDP -b) on port 5201: iperf3d [-v] [-p port]",
    0, 0};
