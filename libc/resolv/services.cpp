// The service table of services.h.
#include "libc/resolv/services.h"

#include <string.h>

namespace resolv {

namespace {

struct service {
    const char* name;
    int port;
};

constexpr service services[] = {
    {"echo", 7},    {"discard", 9},  {"daytime", 13}, {"ftp", 21},      {"ssh", 22},   {"telnet", 23},
    {"smtp", 25},   {"time", 37},    {"domain", 53},  {"bootps", 67},   {"bootpc", 68}, {"tftp", 69},
    {"http", 80},   {"ntp", 123},    {"snmp", 161},   {"https", 443},   {"syslog", 514},
};

}  // namespace

int service_port(const char* name) {
    for (const service& s : services) {
        if (strcmp(s.name, name) == 0) {
            return s.port;
        }
    }
    return -1;
}

const char* service_name(int port) {
    for (const service& s : services) {
        if (s.port == port) {
            return s.name;
        }
    }
    return nullptr;
}

}  // namespace resolv
