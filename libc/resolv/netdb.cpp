// getnameinfo (RFC 3493 6.2) and gethostbyname (POSIX.1-2001, obsolescent
// but what old code calls) over resolver.h.
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "libc/resolv/resolver.h"
#include "libc/resolv/services.h"

int h_errno;

namespace {

// host part: numeric, hosts=, or a PTR query. 0 or EAI_*.
int name_of(in_addr a, char* host, socklen_t hostlen, int flags) {
    char name[dns::MAX_NAME + 1];
    if (!(flags & NI_NUMERICHOST)) {
        if (resolv::hosts_reverse(a, name, sizeof name)) {
            return snprintf(host, hostlen, "%s", name) >= static_cast<int>(hostlen) ? EAI_OVERFLOW : 0;
        }
        char rev[32];
        resolv::reverse_name(a, rev, sizeof rev);
        resolv::result r;
        int rc = resolv::query(rev, dns::TYPE_PTR, nullptr, &r);
        if (rc == 0) {
            if (flags & NI_NOFQDN) {
                char* dot = strchr(r.ans.ptr, '.');
                if (dot) {
                    *dot = '\0';
                }
            }
            return snprintf(host, hostlen, "%s", r.ans.ptr) >= static_cast<int>(hostlen) ? EAI_OVERFLOW : 0;
        }
        if (flags & NI_NAMEREQD) {
            return rc == EAI_AGAIN || rc == EAI_SYSTEM ? rc : EAI_NONAME;
        }
    }
    return inet_ntop(AF_INET, &a, host, hostlen) ? 0 : EAI_OVERFLOW;
}

int service_of(int port, char* serv, socklen_t servlen, int flags) {
    const char* name = (flags & NI_NUMERICSERV) ? nullptr : resolv::service_name(port);
    int n = name ? snprintf(serv, servlen, "%s", name) : snprintf(serv, servlen, "%d", port);
    return n >= static_cast<int>(servlen) ? EAI_OVERFLOW : 0;
}

}  // namespace

extern "C" {

int getnameinfo(const sockaddr* sa, socklen_t salen, char* host, socklen_t hostlen, char* serv, socklen_t servlen,
                int flags) {
    if (!sa || salen < sizeof(sockaddr_in) || sa->sa_family != AF_INET) {
        return EAI_FAMILY;
    }
    if (flags & ~(NI_NUMERICHOST | NI_NUMERICSERV | NI_NOFQDN | NI_NAMEREQD | NI_DGRAM)) {
        return EAI_BADFLAGS;
    }
    if ((!host || !hostlen) && (!serv || !servlen)) {
        return EAI_NONAME;
    }
    const auto* sin = reinterpret_cast<const sockaddr_in*>(sa);
    if (host && hostlen) {
        if (int e = name_of(sin->sin_addr, host, hostlen, flags)) {
            return e;
        }
    }
    if (serv && servlen) {
        return service_of(ntohs(sin->sin_port), serv, servlen, flags);
    }
    return 0;
}

hostent* gethostbyname(const char* name) {
    static char hname[dns::MAX_NAME + 1];
    static in_addr addrs[dns::MAX_ADDRS];
    static char* addr_list[dns::MAX_ADDRS + 1];
    static char* aliases[1];
    static hostent h;
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_CANONNAME;
    addrinfo* res = nullptr;
    int rc = name ? getaddrinfo(name, nullptr, &hints, &res) : EAI_NONAME;
    if (rc) {
        h_errno = rc == EAI_AGAIN || rc == EAI_SYSTEM ? TRY_AGAIN
                  : rc == EAI_NODATA                  ? NO_DATA
                  : rc == EAI_FAIL                    ? NO_RECOVERY
                                                      : HOST_NOT_FOUND;
        return nullptr;
    }
    unsigned n = 0;
    for (addrinfo* ai = res; ai && n < dns::MAX_ADDRS; ai = ai->ai_next) {
        addrs[n] = reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr;
        addr_list[n] = reinterpret_cast<char*>(&addrs[n]);
        ++n;
    }
    addr_list[n] = nullptr;
    snprintf(hname, sizeof hname, "%s", res->ai_canonname ? res->ai_canonname : name);
    freeaddrinfo(res);
    aliases[0] = nullptr;
    h.h_name = hname;
    h.h_aliases = aliases;
    h.h_addrtype = AF_INET;
    h.h_length = sizeof(in_addr);
    h.h_addr_list = addr_list;
    return &h;
}

const char* hstrerror(int err) {
    switch (err) {
    case 0: return "Resolver Error 0 (no error)";
    case HOST_NOT_FOUND: return "Unknown host";
    case TRY_AGAIN: return "Host name lookup failure";
    case NO_RECOVERY: return "Unknown server error";
    case NO_DATA: return "No address associated with name";
    default: return "Unknown resolver error";
    }
}

}  // extern "C"
