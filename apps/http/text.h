// A view of bytes inside a buffer someone else owns (a request being
// parsed, a header value), with the comparisons HTTP needs: field names
// and most tokens are case-insensitive (RFC 9110 5.1).
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <string.h>

namespace http {

struct text {
    const char* p = nullptr;
    size_t n = 0;

    constexpr text() = default;
    constexpr text(const char* s, size_t len) : p(s), n(len) {}
    bool empty() const { return n == 0; }
    bool eq(const char* s) const { return strlen(s) == n && (n == 0 || memcmp(p, s, n) == 0); }
    bool eq_nocase(const char* s) const;
    text trim() const;   // without leading and trailing SP / HTAB (OWS)
};

inline bool is_tchar(char c) {   // RFC 9110 5.6.2
    unsigned char u = static_cast<unsigned char>(c);
    if ((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z')) {
        return true;
    }
    return u && strchr("!#$%&'*+-.^_`|~", u) != nullptr;
}

inline char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// "a, b ,c" -> each element of a comma-separated list (RFC 9110 5.6.1),
// trimmed, empty elements skipped. next() is false after the last.
struct list_walker {
    text rest;
    text item;
    explicit list_walker(text t) : rest(t) {}
    bool next();
};

// Decimal digits only, no sign, no overflow past limit: false otherwise.
bool parse_uint(text t, uint64_t limit, uint64_t* out);

}  // namespace http
