#include "apps/http/target.h"

namespace http {
namespace {

int hexval(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// absolute-form: "http://authority/path" -> "/path" ("/" when empty).
bool strip_authority(text& t) {
    const char* schemes[] = {"http://", "https://"};
    for (const char* s : schemes) {
        size_t n = strlen(s);
        if (t.n >= n && text{t.p, n}.eq_nocase(s)) {
            const char* slash = static_cast<const char*>(memchr(t.p + n, '/', t.n - n));
            t = slash ? text{slash, t.n - static_cast<size_t>(slash - t.p)} : text{"/", 1};
            return true;
        }
    }
    return false;
}

// A segment of exactly ".." (after decoding) climbs out of where it is:
// refused outright rather than resolved (RFC 9110 17.5 shows why).
bool has_dotdot(const char* p) {
    for (const char* s = p; *s;) {
        const char* e = strchr(s, '/');
        size_t n = e ? static_cast<size_t>(e - s) : strlen(s);
        if (n == 2 && s[0] == '.' && s[1] == '.') {
            return true;
        }
        s += n + (e ? 1 : 0);
    }
    return false;
}

}  // namespace

int decode_target(text t, target_path& out) {
    out.query = {};
    if (t.n == 0) {
        return 400;
    }
    if (t.p[0] != '/' && !strip_authority(t)) {
        return 400;   // authority-form and "*" have nothing to serve
    }
    const char* q = static_cast<const char*>(memchr(t.p, '?', t.n));
    if (q) {
        out.query = {q + 1, t.n - static_cast<size_t>(q + 1 - t.p)};
        t.n = static_cast<size_t>(q - t.p);
    }
    size_t o = 0;
    for (size_t i = 0; i < t.n; ++i) {
        char c = t.p[i];
        if (c == '#') {
            return 400;   // a fragment is never sent (RFC 9110 7.1)
        }
        if (c == '%') {
            int hi = i + 2 < t.n ? hexval(t.p[i + 1]) : -1;
            int lo = hi >= 0 ? hexval(t.p[i + 2]) : -1;
            if (lo < 0) {
                return 400;
            }
            c = static_cast<char>(hi * 16 + lo);
            if (c == '\0') {
                return 400;
            }
            i += 2;
        }
        if (o + 1 >= sizeof out.path) {
            return 414;
        }
        out.path[o++] = c;
    }
    out.path[o] = '\0';
    return has_dotdot(out.path) ? 400 : 0;
}

}  // namespace http
