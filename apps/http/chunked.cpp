#include "apps/http/chunked.h"

namespace http {
namespace {

constexpr size_t max_chunk_line = 256;   // size and extensions; a longer one is an attack

int hex(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// One line at p[i..]: *lf its LF. 0, -1 (incomplete) or 400.
int find_line(const char* p, size_t n, size_t i, size_t max, size_t* lf) {
    for (size_t k = i; k < n; ++k) {
        if (p[k] == '\n') {
            *lf = k;
            return 0;
        }
        if (p[k] == '\r' && k + 1 < n && p[k + 1] != '\n') {
            return 400;
        }
        if (k - i > max) {
            return 400;
        }
    }
    return n - i > max ? 400 : -1;
}

// chunk-size [ chunk-ext ] CRLF: the size, refusing what cannot fit.
int chunk_size(const char* p, size_t b, size_t e, const limits& lim, size_t* size) {
    if (e > b && p[e - 1] == '\r') {
        --e;
    }
    size_t v = 0, k = b;
    for (; k < e && hex(p[k]) >= 0; ++k) {
        if (v > lim.max_body) {
            return 413;
        }
        v = v * 16 + static_cast<size_t>(hex(p[k]));
    }
    if (k == b) {
        return 400;
    }
    if (k < e && p[k] != ';' && p[k] != ' ' && p[k] != '\t') {
        return 400;
    }
    for (; k < e; ++k) {   // chunk-ext (RFC 9112 7.1.1): skipped, but no controls
        unsigned char c = static_cast<unsigned char>(p[k]);
        if (c < 0x20 && c != '\t') {
            return 400;
        }
    }
    *size = v;
    return 0;
}

}  // namespace

int decode_chunked(const char* p, size_t n, const limits& lim, char* out, size_t* out_len, size_t* used) {
    size_t i = 0, total = 0;
    for (;;) {
        size_t lf;
        if (int st = find_line(p, n, i, max_chunk_line, &lf)) {
            return st;
        }
        size_t size;
        if (int st = chunk_size(p, i, lf, lim, &size)) {
            return st;
        }
        i = lf + 1;
        if (size == 0) {
            break;
        }
        if (size > lim.max_body - total) {
            return 413;
        }
        if (n - i < size) {
            return -1;
        }
        memcpy(out + total, p + i, size);
        total += size;
        i += size;
        if (n - i < 1 || (p[i] == '\r' && n - i < 2)) {
            return -1;
        }
        if (p[i] == '\r') {
            ++i;
        }
        if (p[i] != '\n') {
            return 400;   // the chunk's data must end with CRLF
        }
        ++i;
    }
    // trailer-section = *( field-line CRLF ), then CRLF; the fields are
    // dropped (RFC 9112 7.1.2 lets a recipient discard them).
    size_t trailer_start = i;
    for (;;) {
        size_t lf;
        if (int st = find_line(p, n, i, lim.max_header, &lf)) {
            return st;
        }
        size_t e = lf > i && p[lf - 1] == '\r' ? lf - 1 : lf;
        bool empty = e == i;
        if (!empty && (p[i] == ' ' || p[i] == '\t' || !memchr(p + i, ':', e - i))) {
            return 400;
        }
        i = lf + 1;
        if (empty) {
            break;
        }
        if (i - trailer_start > lim.max_header) {
            return 431;
        }
    }
    *out_len = total;
    *used = i;
    return 0;
}

size_t chunk_header(size_t size, char* buf) {
    static const char digits[] = "0123456789abcdef";
    char tmp[16];
    size_t n = 0;
    do {
        tmp[n++] = digits[size & 15];
        size >>= 4;
    } while (size);
    for (size_t k = 0; k < n; ++k) {
        buf[k] = tmp[n - 1 - k];
    }
    buf[n] = '\r';
    buf[n + 1] = '\n';
    return n + 2;
}

}  // namespace http
