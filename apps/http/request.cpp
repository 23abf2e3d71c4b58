#include "apps/http/request.h"

#include "apps/http/chunked.h"

namespace http {
namespace {

constexpr int max_leading_empty_lines = 8;   // RFC 9112 2.2: ignore at least one

struct method_name {
    const char* name;
    method m;
};
constexpr method_name methods[] = {
    {"GET", method::get},         {"HEAD", method::head},       {"POST", method::post},
    {"PUT", method::put},         {"DELETE", method::del},      {"OPTIONS", method::options},
    {"TRACE", method::trace},     {"CONNECT", method::connect}, {"PATCH", method::patch},
};

// The end of the line starting at i (the index of its LF), or len if the
// line is not all there. A CR must be followed by LF (RFC 9112 2.2).
size_t line_end(const char* buf, size_t i, size_t len, bool* bad_cr) {
    for (; i < len; ++i) {
        if (buf[i] == '\n') {
            return i;
        }
        if (buf[i] == '\r' && i + 1 < len && buf[i + 1] != '\n') {
            *bad_cr = true;
        }
    }
    return len;
}

// The line [b, lf) without its CR.
text line_text(const char* buf, size_t b, size_t lf) {
    size_t e = lf > b && buf[lf - 1] == '\r' ? lf - 1 : lf;
    return {buf + b, e - b};
}

bool is_vchar_or_obs(unsigned char c) { return (c >= 0x21 && c <= 0x7e) || c >= 0x80; }

// request-line = method SP request-target SP HTTP-version (RFC 9112 3).
int parse_request_line(text line, request& req) {
    const char* sp1 = static_cast<const char*>(memchr(line.p, ' ', line.n));
    if (!sp1 || sp1 == line.p) {
        return 400;
    }
    size_t rest = line.n - static_cast<size_t>(sp1 + 1 - line.p);
    const char* sp2 = static_cast<const char*>(memchr(sp1 + 1, ' ', rest));
    if (!sp2 || sp2 == sp1 + 1) {
        return 400;
    }
    req.method_name = {line.p, static_cast<size_t>(sp1 - line.p)};
    req.target = {sp1 + 1, static_cast<size_t>(sp2 - sp1 - 1)};
    req.version = {sp2 + 1, line.n - static_cast<size_t>(sp2 + 1 - line.p)};
    for (size_t i = 0; i < req.method_name.n; ++i) {
        if (!is_tchar(req.method_name.p[i])) {
            return 400;
        }
    }
    for (size_t i = 0; i < req.target.n; ++i) {
        unsigned char c = static_cast<unsigned char>(req.target.p[i]);
        if (c <= 0x20 || c >= 0x7f) {   // RFC 3986 leaves no room for CTL, SP or non-ASCII
            return 400;
        }
    }
    const text& v = req.version;   // HTTP-version = "HTTP" "/" DIGIT "." DIGIT (RFC 9112 2.3)
    if (v.n != 8 || memcmp(v.p, "HTTP/", 5) != 0 || v.p[5] < '0' || v.p[5] > '9' || v.p[6] != '.' ||
        v.p[7] < '0' || v.p[7] > '9') {
        return 400;
    }
    if (v.p[5] != '1') {
        return 505;
    }
    req.minor = v.p[7] - '0';
    req.keep_alive = req.minor >= 1;
    req.meth = method::unknown;
    for (const auto& m : methods) {
        if (req.method_name.eq(m.name)) {   // methods are case-sensitive (RFC 9110 9.1)
            req.meth = m.m;
        }
    }
    return 0;
}

// A repeated Content-Length must repeat the same number (RFC 9110 8.6).
int take_content_length(text value, request& req, const limits& lim) {
    list_walker w(value);
    bool any = false;
    while (w.next()) {
        uint64_t v;
        if (!parse_uint(w.item, UINT64_MAX, &v)) {
            return 400;
        }
        if ((req.has_length || any) && v != req.content_length) {
            return 400;
        }
        req.content_length = v;
        any = true;
    }
    if (!any) {
        return 400;
    }
    req.has_length = true;
    return req.content_length > lim.max_body ? 413 : 0;
}

// Only chunked is implemented, and it must be the last coding applied
// (RFC 9112 6.1); any other coding is 501 (RFC 9112 6.1, 7).
int take_transfer_encoding(text value, request& req) {
    list_walker w(value);
    bool any = false;
    while (w.next()) {
        if (req.chunked) {
            return 400;   // chunked, then something more: not a framing we can read
        }
        if (!w.item.eq_nocase("chunked")) {
            return 501;
        }
        req.chunked = true;
        any = true;
    }
    return any ? 0 : 400;
}

int take_connection(text value, request& req) {
    list_walker w(value);
    while (w.next()) {
        if (w.item.eq_nocase("close")) {
            req.keep_alive = false;
        } else if (w.item.eq_nocase("keep-alive") && req.minor == 0) {
            req.keep_alive = true;
        }
    }
    req.connection = value;
    return 0;
}

int take_single(text value, text& slot, bool repeat_ok) {
    if (slot.p && !repeat_ok) {
        return 400;
    }
    slot = value;
    return 0;
}

int take_field(text name, text value, request& req, const limits& lim) {
    if (name.eq_nocase("host")) {
        return take_single(value, req.host, false);   // RFC 9112 3.2: one Host only
    }
    if (name.eq_nocase("content-length")) {
        return take_content_length(value, req, lim);
    }
    if (name.eq_nocase("transfer-encoding")) {
        return take_transfer_encoding(value, req);
    }
    if (name.eq_nocase("connection")) {
        return take_connection(value, req);
    }
    if (name.eq_nocase("expect")) {
        if (!value.eq_nocase("100-continue")) {
            return 417;   // RFC 9110 10.1.1
        }
        req.expect_continue = true;
        return 0;
    }
    if (name.eq_nocase("if-none-match")) {
        return take_single(value, req.if_none_match, true);
    }
    if (name.eq_nocase("if-modified-since")) {
        return take_single(value, req.if_modified_since, true);
    }
    if (name.eq_nocase("range")) {
        return take_single(value, req.range, false);
    }
    if (name.eq_nocase("if-range")) {
        return take_single(value, req.if_range, false);
    }
    if (name.eq_nocase("user-agent")) {
        return take_single(value, req.user_agent, true);
    }
    if (name.eq_nocase("content-type")) {
        return take_single(value, req.content_type, false);
    }
    return 0;
}

// field-line = field-name ":" OWS field-value OWS (RFC 9112 5).
int parse_field_line(text line, request& req, const limits& lim) {
    if (line.p[0] == ' ' || line.p[0] == '\t') {
        return 400;   // obs-fold: a server must reject it (RFC 9112 5.2)
    }
    const char* colon = static_cast<const char*>(memchr(line.p, ':', line.n));
    if (!colon || colon == line.p) {
        return 400;
    }
    text name{line.p, static_cast<size_t>(colon - line.p)};
    for (size_t i = 0; i < name.n; ++i) {
        if (!is_tchar(name.p[i])) {
            return 400;   // also no whitespace before the colon (RFC 9112 5.1)
        }
    }
    text value{colon + 1, line.n - name.n - 1};
    for (size_t i = 0; i < value.n; ++i) {
        unsigned char c = static_cast<unsigned char>(value.p[i]);
        if (c != ' ' && c != '\t' && !is_vchar_or_obs(c)) {
            return 400;   // CR, NUL and other controls (RFC 9110 5.5)
        }
    }
    return take_field(name, value.trim(), req, lim);
}

parse_result fail(int status) {
    parse_result r;
    r.state = parse_state::error;
    r.status = status;
    return r;
}

// The header section, from the request line to the empty line; *end is
// the index past it. 0, -1 (incomplete) or a status.
int parse_head(const char* buf, size_t len, const limits& lim, request& req, size_t* end) {
    size_t i = 0;
    for (int k = 0; k < max_leading_empty_lines && i < len; ++k) {
        if (buf[i] == '\n') {
            ++i;
        } else if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n') {
            i += 2;
        } else {
            break;
        }
    }
    size_t start = i;
    bool bad_cr = false;
    size_t lf = line_end(buf, i, len, &bad_cr);
    if (bad_cr) {
        return 400;
    }
    if (lf - start > lim.max_line) {
        return 414;
    }
    if (lf == len) {
        return -1;
    }
    text line = line_text(buf, start, lf);
    if (int st = parse_request_line(line, req)) {
        return st;
    }
    i = lf + 1;
    for (;;) {
        lf = line_end(buf, i, len, &bad_cr);
        if (bad_cr) {
            return 400;
        }
        if (lf - start > lim.max_header) {
            return 431;
        }
        if (lf == len) {
            return -1;
        }
        line = line_text(buf, i, lf);
        i = lf + 1;
        if (line.n == 0) {
            break;
        }
        if (++req.fields > lim.max_fields) {
            return 431;
        }
        if (int st = parse_field_line(line, req, lim)) {
            return st;
        }
    }
    *end = i;
    if (req.minor >= 1 && !req.host.p) {
        return 400;   // RFC 9112 3.2
    }
    if (req.chunked && req.has_length) {
        return 400;   // RFC 9112 6.3: smuggling-prone, refused and closed
    }
    if (req.chunked && req.minor == 0) {
        req.keep_alive = false;   // RFC 9112 6.1: faulty framing in HTTP/1.0, close after it
    }
    return 0;
}

}  // namespace

const char* method_str(method m) {
    for (const auto& e : methods) {
        if (e.m == m) {
            return e.name;
        }
    }
    return "?";
}

parse_result parse_request(const char* buf, size_t len, const limits& lim, request& req, char* body_buf) {
    req = request{};
    size_t head_end = 0;
    int st = parse_head(buf, len, lim, req, &head_end);
    if (st < 0) {
        return parse_result{};
    }
    if (st > 0) {
        return fail(st);
    }
    parse_result r;
    r.head_done = true;
    if (req.chunked) {
        size_t body_len = 0, used = 0;
        st = decode_chunked(buf + head_end, len - head_end, lim, body_buf, &body_len, &used);
        if (st < 0) {
            return r;
        }
        if (st > 0) {
            return fail(st);
        }
        req.body = {body_buf, body_len};
        r.consumed = head_end + used;
    } else {
        if (len - head_end < req.content_length) {
            return r;
        }
        req.body = {buf + head_end, static_cast<size_t>(req.content_length)};
        r.consumed = head_end + static_cast<size_t>(req.content_length);
    }
    r.state = parse_state::complete;
    r.head_done = false;
    return r;
}

}  // namespace http
