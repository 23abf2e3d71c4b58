// The stub resolver under netdb.h (musl's and uClibc's shape): static
// host entries from the kernel command line (hosts=name:addr,...: the
// role of /etc/hosts), name servers from /proc/net/pnp, and DNS queries
// over UDP with glibc's defaults (RES_TIMEOUT 5 s, 2 attempts, each server
// in turn, a fresh ID per attempt). Results are EAI_* codes.
#pragma once
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "libc/resolv/dns_msg.h"

namespace resolv {

constexpr int MAX_SERVERS = 3;        // glibc's MAXNS
constexpr int RES_TIMEOUT_S = 5;
constexpr int RES_ATTEMPTS = 2;

// hosts= lookups: the address of name, or a name for addr.
bool hosts_lookup(const char* name, in_addr* out);
bool hosts_reverse(in_addr addr, char* name, size_t cap);
// The nameserver lines of /proc/net/pnp; how many.
int nameservers(in_addr* out, int max);

// What a DNS lookup found, and how it ended.
struct result {
    dns::answer ans;
    dns::err why;              // the last answer's verdict (ok when found)
    int sys_errno;             // with EAI_SYSTEM: socket()'s or sendto()'s errno
};
// An A (or PTR) query for name to server (nullptr: the pnp servers). 0, or
// EAI_NONAME (NXDOMAIN), EAI_NODATA (no record of the type), EAI_AGAIN (no
// answer in time, SERVFAIL), EAI_FAIL (refused, malformed, or TC with
// nothing whole: no TCP here), EAI_SYSTEM (no UDP socket: errno set).
int query(const char* name, uint16_t type, const in_addr* server, result* r);

// Reverse name of addr: "D.C.B.A.in-addr.arpa" (RFC 1035 3.5).
void reverse_name(in_addr addr, char* out, size_t cap);

}  // namespace resolv
