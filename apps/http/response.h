// Building a response head (RFC 9112 4, 5): the status line and field
// lines into a caller's buffer, with the reason phrases of RFC 9110 15.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace http {

const char* reason(int status);

// Appends to buf; a head that does not fit marks overflow (the caller
// answers 500 with a head that does) instead of a cut-off field.
struct head_writer {
    char* buf;
    size_t cap;
    size_t len = 0;
    bool overflow = false;

    head_writer(char* b, size_t c) : buf(b), cap(c) {}
    void status_line(int status);   // "HTTP/1.1 200 OK"
    [[gnu::format(printf, 3, 4)]] void field(const char* name, const char* fmt, ...);
    void end();                     // the empty line
};

// A small HTML page saying what the status means (the error answers' body).
size_t error_body(int status, char* buf, size_t cap);

}  // namespace http
