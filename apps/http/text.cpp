#include "apps/http/text.h"

namespace http {

bool text::eq_nocase(const char* s) const {
    size_t len = strlen(s);
    if (len != n) {
        return false;
    }
    for (size_t i = 0; i < n; ++i) {
        if (lower(p[i]) != lower(s[i])) {
            return false;
        }
    }
    return true;
}

text text::trim() const {
    size_t b = 0, e = n;
    while (b < e && (p[b] == ' ' || p[b] == '\t')) {
        ++b;
    }
    while (e > b && (p[e - 1] == ' ' || p[e - 1] == '\t')) {
        --e;
    }
    return {p + b, e - b};
}

bool list_walker::next() {
    while (rest.n) {
        const char* comma = static_cast<const char*>(memchr(rest.p, ',', rest.n));
        size_t len = comma ? static_cast<size_t>(comma - rest.p) : rest.n;
        item = text{rest.p, len}.trim();
        rest = comma ? text{comma + 1, rest.n - len - 1} : text{rest.p + rest.n, 0};
        if (item.n) {
            return true;
        }
    }
    return false;
}

bool parse_uint(text t, uint64_t limit, uint64_t* out) {
    if (t.n == 0) {
        return false;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < t.n; ++i) {
        if (t.p[i] < '0' || t.p[i] > '9') {
            return false;
        }
        unsigned d = static_cast<unsigned>(t.p[i] - '0');
        if (v > (limit - d) / 10) {
            return false;
        }
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

}  // namespace http
