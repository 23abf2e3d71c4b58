// host: DNS lookup as bind9's host prints it.
//   host NAME [SERVER]      A records ("NAME has address A.B.C.D"), CNAMEs
//   host A.B.C.D [SERVER]   the PTR name ("... domain name pointer NAME.")
// Without SERVER the hosts= entries of the command line answer first, then
// the name servers of /proc/net/pnp (from DHCP or ip='s dns0/dns1).
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "kernel/apps.h"
#include "libc/resolv/resolver.h"

namespace {

int usage() {
    printf("usage: host NAME [SERVER]\n");
    return 2;
}

// bind9's wording for each way a lookup fails.
int say_failure(const char* qname, int rc, const resolv::result& r) {
    switch (rc) {
    case EAI_NONAME: printf("Host %s not found: 3(NXDOMAIN)\n", qname); break;
    case EAI_NODATA: printf("%s has no A record\n", qname); break;
    case EAI_AGAIN:
        if (r.why == dns::err::server_failure) {
            printf("Host %s not found: 2(SERVFAIL)\n", qname);
        } else {
            printf(";; connection timed out; no servers could be reached\n");
        }
        break;
    case EAI_SYSTEM: printf("host: socket: %s\n", strerror(r.sys_errno)); break;
    default:
        printf("Host %s not found: %s%s\n", qname, dns::err_name(r.why), r.ans.truncated ? " (truncated, no TCP)" : "");
        break;
    }
    fflush(stdout);
    return 1;
}

int lookup_name(const char* name, const in_addr* server) {
    in_addr a;
    if (!server && resolv::hosts_lookup(name, &a)) {
        char text[INET_ADDRSTRLEN];
        printf("%s has address %s\n", name, inet_ntop(AF_INET, &a, text, sizeof text));
        return 0;
    }
    resolv::result r;
    int rc = resolv::query(name, dns::TYPE_A, server, &r);
    if (rc) {
        return say_failure(name, rc, r);
    }
    const char* owner = name;
    if (!dns::name_equal(r.ans.canonical, name)) {
        printf("%s is an alias for %s.\n", name, r.ans.canonical);
        owner = r.ans.canonical;
    }
    for (unsigned i = 0; i < r.ans.naddrs; ++i) {
        char text[INET_ADDRSTRLEN];
        printf("%s has address %s\n", owner, inet_ntop(AF_INET, &r.ans.addrs[i], text, sizeof text));
    }
    if (r.ans.truncated) {
        printf(";; Truncated, retrying in TCP mode is not possible (no TCP)\n");
    }
    return 0;
}

int lookup_addr(in_addr a, const in_addr* server) {
    char rev[32];
    resolv::reverse_name(a, rev, sizeof rev);
    char name[dns::MAX_NAME + 1];
    if (!server && resolv::hosts_reverse(a, name, sizeof name)) {
        printf("%s domain name pointer %s.\n", rev, name);
        return 0;
    }
    resolv::result r;
    int rc = resolv::query(rev, dns::TYPE_PTR, server, &r);
    if (rc) {
        return say_failure(rev, rc, r);
    }
    printf("%s domain name pointer %s.\n", rev, r.ans.ptr);
    return 0;
}

int host_main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        return usage();
    }
    in_addr server;
    const in_addr* via = nullptr;
    if (argc == 3) {
        if (inet_pton(AF_INET, argv[2], &server) != 1) {
            printf("host: couldn't get address for '%s': not a dotted quad\n", argv[2]);
            return 1;
        }
        via = &server;
        printf("Using domain server:\nName: %s\nAddress: %s#53\nAliases: \n\n", argv[2], argv[2]);
    } else {
        in_addr servers[resolv::MAX_SERVERS];
        char name[dns::MAX_NAME + 1];
        in_addr a;
        bool local = resolv::hosts_lookup(argv[1], &a) ||
                     (inet_pton(AF_INET, argv[1], &a) == 1 && resolv::hosts_reverse(a, name, sizeof name));
        if (!local && resolv::nameservers(servers, resolv::MAX_SERVERS) == 0) {
            printf("host: no name servers (no nameserver line in /proc/net/pnp)\n");
            return 1;
        }
    }
    in_addr a;
    int rc = inet_pton(AF_INET, argv[1], &a) == 1 ? lookup_addr(a, via) : lookup_name(argv[1], via);
    fflush(stdout);
    return rc;
}

}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc host_app{
    "host", host_main, "DNS lookup: host NAME|A.B.C.D [SERVER]", 0, 0};
