// getaddrinfo, freeaddrinfo, gai_strerror (POSIX; RFC 3493 6.1; glibc's
// error values and messages) over resolver.h. IPv4 only: AF_INET6 is
// EAI_FAMILY.
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "libc/resolv/resolver.h"
#include "libc/resolv/services.h"

namespace {

constexpr int KNOWN_FLAGS = AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG |
                            AI_NUMERICSERV;

struct addrinfo_block {   // one allocation per entry, freed as one
    addrinfo ai;
    sockaddr_in sin;
};

int check_hints(const addrinfo& h) {
    if (h.ai_flags & ~KNOWN_FLAGS) {
        return EAI_BADFLAGS;
    }
    if (h.ai_family != AF_UNSPEC && h.ai_family != AF_INET) {
        return EAI_FAMILY;
    }
    if (h.ai_socktype != 0 && h.ai_socktype != SOCK_STREAM && h.ai_socktype != SOCK_DGRAM &&
        h.ai_socktype != SOCK_RAW) {
        return EAI_SOCKTYPE;
    }
    return 0;
}

// The port of service for socktype (0: any). 0 or EAI_SERVICE/EAI_NONAME.
int resolve_service(const char* service, const addrinfo& h, int* port) {
    *port = 0;
    if (!service) {
        return 0;
    }
    char* end;
    long v = strtol(service, &end, 10);
    if (*service && *end == '\0') {
        if (v < 0 || v > 65535) {
            return EAI_SERVICE;
        }
        *port = static_cast<int>(v);
        return h.ai_socktype == SOCK_RAW && v ? EAI_SERVICE : 0;
    }
    if (h.ai_flags & AI_NUMERICSERV) {
        return EAI_NONAME;   // glibc's answer for a name with AI_NUMERICSERV
    }
    int p = resolv::service_port(service);
    if (p < 0 || h.ai_socktype == SOCK_RAW) {
        return EAI_SERVICE;
    }
    *port = p;
    return 0;
}

// Addresses for node: numeric, hosts=, then DNS. 0 or EAI_*.
int resolve_node(const char* node, const addrinfo& h, in_addr* addrs, int* n, char* canon, size_t canon_cap) {
    *n = 0;
    if (!node) {
        addrs[0].s_addr = htonl((h.ai_flags & AI_PASSIVE) ? INADDR_ANY : INADDR_LOOPBACK);
        *n = 1;
        return 0;
    }
    strncpy(canon, node, canon_cap - 1);
    canon[canon_cap - 1] = '\0';
    if (inet_aton(node, &addrs[0])) {   // glibc accepts inet_aton's forms here
        *n = 1;
        return 0;
    }
    if (h.ai_flags & AI_NUMERICHOST) {
        return EAI_NONAME;
    }
    if (resolv::hosts_lookup(node, &addrs[0])) {
        *n = 1;
        return 0;
    }
    resolv::result r;
    int rc = resolv::query(node, dns::TYPE_A, nullptr, &r);
    if (rc) {
        return rc;
    }
    for (unsigned i = 0; i < r.ans.naddrs; ++i) {
        addrs[(*n)++].s_addr = r.ans.addrs[i];
    }
    strncpy(canon, r.ans.canonical, canon_cap - 1);
    return 0;
}

addrinfo* make_entry(in_addr a, int port, int socktype, int flags) {
    auto* b = static_cast<addrinfo_block*>(calloc(1, sizeof(addrinfo_block)));
    if (!b) {
        return nullptr;
    }
    b->sin.sin_family = AF_INET;
    b->sin.sin_port = htons(static_cast<uint16_t>(port));
    b->sin.sin_addr = a;
    b->ai.ai_flags = flags;
    b->ai.ai_family = AF_INET;
    b->ai.ai_socktype = socktype;
    b->ai.ai_protocol = socktype == SOCK_STREAM ? IPPROTO_TCP : socktype == SOCK_DGRAM ? IPPROTO_UDP : 0;
    b->ai.ai_addrlen = sizeof(sockaddr_in);
    b->ai.ai_addr = reinterpret_cast<sockaddr*>(&b->sin);
    return &b->ai;
}

}  // namespace

extern "C" {

int getaddrinfo(const char* node, const char* service, const addrinfo* hints, addrinfo** res) {
    addrinfo h{};
    if (hints) {
        h = *hints;
    }
    if (!res) {
        return EAI_SYSTEM;
    }
    *res = nullptr;
    if (int e = check_hints(h)) {
        return e;
    }
    if (!node && !service) {
        return EAI_NONAME;
    }
    int port;
    if (int e = resolve_service(service, h, &port)) {
        return e;
    }
    in_addr addrs[dns::MAX_ADDRS];
    int n;
    char canon[dns::MAX_NAME + 1] = {};
    if (int e = resolve_node(node, h, addrs, &n, canon, sizeof canon)) {
        return e;
    }
    // socktype 0 gives one entry per type, as glibc: stream, datagram, raw.
    const int all[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_RAW};
    const int one[] = {h.ai_socktype};
    const int* types = h.ai_socktype ? one : all;
    int ntypes = h.ai_socktype ? 1 : (service ? 2 : 3);
    addrinfo** tail = res;
    for (int i = 0; i < n; ++i) {
        for (int t = 0; t < ntypes; ++t) {
            addrinfo* ai = make_entry(addrs[i], port, types[t], h.ai_flags);
            if (!ai) {
                freeaddrinfo(*res);
                *res = nullptr;
                return EAI_MEMORY;
            }
            *tail = ai;
            tail = &ai->ai_next;
        }
    }
    if ((h.ai_flags & AI_CANONNAME) && *res) {
        (*res)->ai_canonname = strdup(node ? canon : "localhost");
        if (!(*res)->ai_canonname) {
            freeaddrinfo(*res);
            *res = nullptr;
            return EAI_MEMORY;
        }
    }
    return 0;
}

void freeaddrinfo(addrinfo* res) {
    while (res) {
        addrinfo* next = res->ai_next;
        free(res->ai_canonname);
        free(reinterpret_cast<addrinfo_block*>(res));   // ai is the block's first member
        res = next;
    }
}

const char* gai_strerror(int errcode) {
    switch (errcode) {
    case 0: return "Success";
    case EAI_BADFLAGS: return "Bad value for ai_flags";
    case EAI_NONAME: return "Name or service not known";
    case EAI_AGAIN: return "Temporary failure in name resolution";
    case EAI_FAIL: return "Non-recoverable failure in name resolution";
    case EAI_NODATA: return "No address associated with hostname";
    case EAI_FAMILY: return "ai_family not supported";
    case EAI_SOCKTYPE: return "ai_socktype not supported";
    case EAI_SERVICE: return "Servname not supported for ai_socktype";
    case EAI_ADDRFAMILY: return "Address family for hostname not supported";
    case EAI_MEMORY: return "Memory allocation failure";
    case EAI_SYSTEM: return "System error";
    case EAI_OVERFLOW: return "Result too large for supplied buffer";
    default: return "Unknown error";
    }
}

}  // extern "C"
