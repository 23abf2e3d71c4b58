// IPv4 address text (POSIX inet_pton/inet_ntop, and the older inet_addr,
// inet_aton, inet_ntoa with their numbers-and-dots forms).
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

namespace {

// One part of inet_aton's form: decimal, 0x hex or 0 octal. Returns the
// end of the digits, or nullptr if there are none or the value overflows.
const char* parse_part(const char* s, uint32_t* out) {
    uint32_t base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (!isxdigit(static_cast<unsigned char>(*s))) {
            return nullptr;
        }
    } else if (s[0] == '0') {
        base = 8;
    }
    if (!isxdigit(static_cast<unsigned char>(*s))) {
        return nullptr;
    }
    uint64_t v = 0;
    for (;; ++s) {
        unsigned c = static_cast<unsigned char>(*s);
        unsigned d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (base == 16 && isxdigit(c)) {
            d = static_cast<unsigned>(tolower(c) - 'a' + 10);
        } else {
            break;
        }
        if (d >= base) {
            return nullptr;
        }
        v = v * base + d;
        if (v > 0xffffffffu) {
            return nullptr;
        }
    }
    *out = static_cast<uint32_t>(v);
    return s;
}

}  // namespace

extern "C" {

// "a", "a.b", "a.b.c" or "a.b.c.d", each part in any base; the last part
// fills the remaining bytes (4.3BSD's rules, as glibc).
int inet_aton(const char* cp, struct in_addr* inp) {
    uint32_t parts[4];
    int n = 0;
    const char* s = cp;
    for (;;) {
        if (n == 4) {
            return 0;
        }
        s = parse_part(s, &parts[n]);
        if (!s) {
            return 0;
        }
        ++n;
        if (*s != '.') {
            break;
        }
        ++s;
    }
    if (*s != '\0' && !isspace(static_cast<unsigned char>(*s))) {
        return 0;
    }
    uint32_t v;
    switch (n) {
    case 1:
        v = parts[0];
        break;
    case 2:
        if (parts[0] > 0xff || parts[1] > 0xffffff) {
            return 0;
        }
        v = (parts[0] << 24) | parts[1];
        break;
    case 3:
        if (parts[0] > 0xff || parts[1] > 0xff || parts[2] > 0xffff) {
            return 0;
        }
        v = (parts[0] << 24) | (parts[1] << 16) | parts[2];
        break;
    default:
        for (uint32_t p : parts) {
            if (p > 0xff) {
                return 0;
            }
        }
        v = (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3];
        break;
    }
    if (inp) {
        inp->s_addr = htonl(v);
    }
    return 1;
}

in_addr_t inet_addr(const char* cp) {
    struct in_addr a;
    return inet_aton(cp, &a) ? a.s_addr : INADDR_NONE;
}

in_addr_t inet_network(const char* cp) {
    struct in_addr a;
    return inet_aton(cp, &a) ? ntohl(a.s_addr) : INADDR_NONE;
}

char* inet_ntoa(struct in_addr in) {
    static char buf[INET_ADDRSTRLEN];
    return const_cast<char*>(inet_ntop(AF_INET, &in, buf, sizeof buf));
}

// Strict dotted decimal: four parts, 0-255, no leading zeros (POSIX).
int inet_pton(int af, const char* src, void* dst) {
    if (af != AF_INET) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    uint8_t out[4];
    int parts = 0;
    const char* s = src;
    while (parts < 4) {
        if (!isdigit(static_cast<unsigned char>(*s))) {
            return 0;
        }
        unsigned v = 0;
        const char* start = s;
        while (isdigit(static_cast<unsigned char>(*s))) {
            v = v * 10 + static_cast<unsigned>(*s - '0');
            if (v > 255 || s - start >= 3) {
                return 0;
            }
            ++s;
        }
        if (s - start > 1 && *start == '0') {
            return 0;
        }
        out[parts++] = static_cast<uint8_t>(v);
        if (parts < 4) {
            if (*s != '.') {
                return 0;
            }
            ++s;
        }
    }
    if (*s != '\0') {
        return 0;
    }
    memcpy(dst, out, 4);
    return 1;
}

const char* inet_ntop(int af, const void* src, char* dst, socklen_t size) {
    if (af != AF_INET) {
        errno = EAFNOSUPPORT;
        return nullptr;
    }
    const auto* b = static_cast<const uint8_t*>(src);
    char tmp[INET_ADDRSTRLEN];
    int n = snprintf(tmp, sizeof tmp, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    if (n < 0 || static_cast<socklen_t>(n) >= size) {
        errno = ENOSPC;
        return nullptr;
    }
    memcpy(dst, tmp, static_cast<size_t>(n) + 1);
    return dst;
}

}  // extern "C"
