// Dotted-quad conversions (Linux's in_aton/in4_pton and %pI4).
#include <stdio.h>

#include "net/ipv4/in.h"

char* in_ntoa(__be32 addr, char* buf) {
    uint32_t h = ntohl(addr);
    snprintf(buf, INET_ADDRSTRLEN, "%u.%u.%u.%u", static_cast<unsigned>(h >> 24), static_cast<unsigned>((h >> 16) & 0xff),
             static_cast<unsigned>((h >> 8) & 0xff), static_cast<unsigned>(h & 0xff));
    return buf;
}

bool in4_pton_strict(const char* src, size_t len, __be32* out) {
    uint32_t value = 0;
    size_t i = 0;
    for (int octet = 0; octet < 4; ++octet) {
        if (octet > 0) {
            if (i >= len || src[i] != '.') {
                return false;
            }
            ++i;
        }
        size_t start = i;
        unsigned v = 0;
        while (i < len && src[i] >= '0' && src[i] <= '9' && i - start < 3) {
            v = v * 10 + static_cast<unsigned>(src[i] - '0');
            ++i;
        }
        size_t digits = i - start;
        // "010" would read as octal to inet_aton(): refuse the ambiguity.
        if (digits == 0 || v > 255 || (digits > 1 && src[start] == '0')) {
            return false;
        }
        value = (value << 8) | v;
    }
    if (i != len) {
        return false;
    }
    *out = htonl(value);
    return true;
}
