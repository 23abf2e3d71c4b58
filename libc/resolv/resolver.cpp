// The stub resolver: hosts=, /proc/net/pnp's servers, UDP queries with
// retries (glibc's res_send: each attempt tries each server; musl's
// __res_msend waits with poll the same way).
#include "libc/resolv/resolver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

namespace resolv {

namespace {

// A whole small /proc file into buf (NUL-terminated); its length or -1.
int read_file(const char* path, char* buf, size_t cap) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        return -1;
    }
    size_t n = 0;
    while (n + 1 < cap) {
        ssize_t k = read(fd, buf + n, cap - 1 - n);
        if (k <= 0) {
            break;
        }
        n += static_cast<size_t>(k);
    }
    close(fd);
    buf[n] = '\0';
    return static_cast<int>(n);
}

// The value of hosts= on the kernel command line, copied into buf.
bool hosts_param(char* buf, size_t cap) {
    char line[1024];
    if (read_file("/proc/cmdline", line, sizeof line) <= 0) {
        return false;
    }
    for (char* tok = strtok(line, " \n"); tok; tok = strtok(nullptr, " \n")) {
        if (strncmp(tok, "hosts=", 6) == 0) {
            strncpy(buf, tok + 6, cap - 1);
            buf[cap - 1] = '\0';
            return true;
        }
    }
    return false;
}

// Calls fn(name, addr) for each valid name:addr entry; stops when it returns true.
template <typename F>
bool for_each_host(F fn) {
    char list[512];
    if (!hosts_param(list, sizeof list)) {
        return false;
    }
    char* save = nullptr;
    for (char* e = strtok_r(list, ",", &save); e; e = strtok_r(nullptr, ",", &save)) {
        char* colon = strchr(e, ':');
        in_addr a;
        if (!colon || colon == e) {
            continue;
        }
        *colon = '\0';
        if (inet_pton(AF_INET, colon + 1, &a) == 1 && fn(e, a)) {
            return true;
        }
    }
    return false;
}

uint16_t next_id() {
    static uint32_t state;
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    state ^= static_cast<uint32_t>(ts.tv_nsec) * 2654435761u + static_cast<uint32_t>(ts.tv_sec);
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return static_cast<uint16_t>(state ^ (state >> 16));
}

int eai_of(dns::err e) {
    switch (e) {
    case dns::err::nxdomain: return EAI_NONAME;
    case dns::err::no_data: return EAI_NODATA;
    case dns::err::server_failure: return EAI_AGAIN;
    default: return EAI_FAIL;
    }
}

// Waits for the answer to id from server on fd until timeout_ms; answers
// from elsewhere or for other IDs are dropped (RFC 5452 9.1). 1 answered
// (r filled), 0 timed out, -1 socket error.
int await(int fd, const sockaddr_in& server, uint16_t id, const char* name, uint16_t type, int timeout_ms,
          result* r) {
    timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long spent = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (spent >= timeout_ms) {
            return 0;
        }
        pollfd p{fd, POLLIN, 0};
        int n = poll(&p, 1, static_cast<int>(timeout_ms - spent));
        if (n < 0) {
            return errno == EINTR ? 0 : -1;
        }
        if (n == 0) {
            return 0;
        }
        uint8_t buf[dns::MAX_UDP];
        sockaddr_in from{};
        socklen_t flen = sizeof from;
        ssize_t len = recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &flen);
        if (len < 0) {
            return -1;
        }
        if (from.sin_addr.s_addr != server.sin_addr.s_addr || from.sin_port != server.sin_port) {
            continue;
        }
        dns::err e = dns::parse_answer(buf, static_cast<size_t>(len), id, name, type, &r->ans);
        if (e == dns::err::bad_id || e == dns::err::bad_question || e == dns::err::not_response) {
            continue;   // not the answer to this query: keep waiting
        }
        r->why = e;
        return 1;
    }
}

}  // namespace

bool hosts_lookup(const char* name, in_addr* out) {
    return for_each_host([&](const char* n, in_addr a) {
        if (!dns::name_equal(n, name)) {
            return false;
        }
        *out = a;
        return true;
    });
}

bool hosts_reverse(in_addr addr, char* name, size_t cap) {
    return for_each_host([&](const char* n, in_addr a) {
        if (a.s_addr != addr.s_addr) {
            return false;
        }
        snprintf(name, cap, "%s", n);
        return true;
    });
}

int nameservers(in_addr* out, int max) {
    char text[512];
    if (read_file("/proc/net/pnp", text, sizeof text) <= 0) {
        return 0;
    }
    int n = 0;
    for (char* line = strtok(text, "\n"); line && n < max; line = strtok(nullptr, "\n")) {
        if (strncmp(line, "nameserver ", 11) == 0 && inet_pton(AF_INET, line + 11, &out[n]) == 1 &&
            out[n].s_addr != 0) {
            ++n;
        }
    }
    return n;
}

void reverse_name(in_addr addr, char* out, size_t cap) {
    const auto* b = reinterpret_cast<const uint8_t*>(&addr.s_addr);
    snprintf(out, cap, "%u.%u.%u.%u.in-addr.arpa", b[3], b[2], b[1], b[0]);
}

int query(const char* name, uint16_t type, const in_addr* server, result* r) {
    memset(r, 0, sizeof *r);
    r->why = dns::err::ok;
    in_addr servers[MAX_SERVERS];
    int nservers = server ? 1 : nameservers(servers, MAX_SERVERS);
    if (server) {
        servers[0] = *server;
    }
    uint8_t q[dns::MAX_UDP];
    dns::err e;
    uint16_t id = next_id();
    if (dns::build_query(q, sizeof q, id, name, type, &e) == 0) {
        r->why = e;
        return EAI_NONAME;
    }
    if (nservers == 0) {
        return EAI_AGAIN;   // glibc: no server to ask is a temporary failure
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
    if (fd < 0) {
        r->sys_errno = errno;
        return EAI_SYSTEM;
    }
    int rc = EAI_AGAIN;
    for (int attempt = 0; attempt < RES_ATTEMPTS && rc == EAI_AGAIN; ++attempt) {
        for (int s = 0; s < nservers; ++s) {
            id = next_id();
            size_t qlen = dns::build_query(q, sizeof q, id, name, type, &e);
            sockaddr_in to{};
            to.sin_family = AF_INET;
            to.sin_port = htons(53);
            to.sin_addr = servers[s];
            if (sendto(fd, q, qlen, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) {
                r->sys_errno = errno;
                rc = EAI_SYSTEM;
                continue;   // maybe another server is reachable
            }
            int got = await(fd, to, id, name, type, RES_TIMEOUT_S * 1000, r);
            if (got < 0) {
                r->sys_errno = errno;
                rc = EAI_SYSTEM;
                continue;
            }
            if (got == 0) {
                rc = EAI_AGAIN;
                continue;
            }
            rc = r->why == dns::err::ok ? 0 : (r->ans.truncated ? EAI_FAIL : eai_of(r->why));
            if (rc != EAI_AGAIN) {
                break;   // an answer (or a definite no): do not ask the next server
            }
        }
        if (rc == EAI_SYSTEM) {
            rc = attempt + 1 < RES_ATTEMPTS ? EAI_AGAIN : EAI_SYSTEM;
        }
    }
    close(fd);
    if (rc == EAI_SYSTEM) {
        errno = r->sys_errno;
    }
    return rc;
}

}  // namespace resolv
