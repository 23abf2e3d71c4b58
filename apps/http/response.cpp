#include "apps/http/response.h"

#include <stdarg.h>
#include <stdio.h>

namespace http {
namespace {

struct phrase {
    int status;
    const char* text;
};
constexpr phrase phrases[] = {
    {100, "Continue"},
    {200, "OK"},
    {204, "No Content"},
    {206, "Partial Content"},
    {301, "Moved Permanently"},
    {304, "Not Modified"},
    {400, "Bad Request"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {408, "Request Timeout"},
    {411, "Length Required"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {416, "Range Not Satisfiable"},
    {417, "Expectation Failed"},
    {431, "Request Header Fields Too Large"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {503, "Service Unavailable"},
    {505, "HTTP Version Not Supported"},
};

}  // namespace

const char* reason(int status) {
    for (const auto& p : phrases) {
        if (p.status == status) {
            return p.text;
        }
    }
    return "Unknown";
}

void head_writer::status_line(int status) {
    field(nullptr, "HTTP/1.1 %d %s", status, reason(status));
}

void head_writer::field(const char* name, const char* fmt, ...) {
    if (overflow) {
        return;
    }
    size_t room = cap - len;
    int n = 0;
    if (name) {
        n = snprintf(buf + len, room, "%s: ", name);
        if (n < 0 || static_cast<size_t>(n) >= room) {
            overflow = true;
            return;
        }
    }
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(buf + len + n, room - static_cast<size_t>(n), fmt, ap);
    va_end(ap);
    if (m < 0 || static_cast<size_t>(n + m) + 2 >= room) {
        overflow = true;
        return;
    }
    len += static_cast<size_t>(n + m);
    buf[len++] = '\r';
    buf[len++] = '\n';
}

void head_writer::end() {
    if (!overflow && len + 2 <= cap) {
        buf[len++] = '\r';
        buf[len++] = '\n';
    } else {
        overflow = true;
    }
}

size_t error_body(int status, char* buf, size_t cap) {
    int n = snprintf(buf, cap, "<!DOCTYPE html>\n<html><head><title>%d %s</title></head>\n<body><h1>%d %s</h1></body></html>\n",
                     status, reason(status), status, reason(status));
    return n < 0 ? 0 : static_cast<size_t>(n) < cap ? static_cast<size_t>(n) : cap - 1;
}

}  // namespace http
