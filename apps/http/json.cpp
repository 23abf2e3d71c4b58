#include "apps/http/json.h"

#include <stdio.h>

namespace http {

void json_writer::put(const char* s, size_t n) {
    if (overflow_ || n > cap_ - len_) {
        overflow_ = true;
        return;
    }
    memcpy(buf_ + len_, s, n);
    len_ += n;
}

void json_writer::value_start() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (depth_ > 0) {
        if (!first_[depth_ - 1]) {
            put(',');
        }
        first_[depth_ - 1] = false;
    }
}

void json_writer::begin_object() {
    value_start();
    put('{');
    if (depth_ == max_depth) {
        overflow_ = true;
        return;
    }
    first_[depth_++] = true;
}

void json_writer::end_object() {
    put('}');
    depth_ = depth_ > 0 ? depth_ - 1 : 0;
}

void json_writer::begin_array() {
    value_start();
    put('[');
    if (depth_ == max_depth) {
        overflow_ = true;
        return;
    }
    first_[depth_++] = true;
}

void json_writer::end_array() {
    put(']');
    depth_ = depth_ > 0 ? depth_ - 1 : 0;
}

void json_writer::key(const char* k) {
    str(k);
    put(':');
    after_key_ = true;
}

// RFC 8259 7: '"', '\\' and the controls below 0x20 are escaped; bytes
// outside ASCII become '?' (kernel messages can hold any byte, and a
// lone one would make the text invalid UTF-8).
void json_writer::str(text s) {
    value_start();
    put('"');
    for (size_t i = 0; i < s.n; ++i) {
        unsigned char c = static_cast<unsigned char>(s.p[i]);
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = static_cast<char>(c);
            put(esc, 2);
        } else if (c == '\n') {
            put("\\n", 2);
        } else if (c == '\t') {
            put("\\t", 2);
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            put(esc, 6);
        } else if (c >= 0x80) {
            put('?');
        } else {
            put(static_cast<char>(c));
        }
    }
    put('"');
}

void json_writer::num(uint64_t v) {
    value_start();
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%llu", static_cast<unsigned long long>(v));
    put(tmp, static_cast<size_t>(n));
}

void json_writer::num_fixed(uint64_t thousandths) {
    value_start();
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%llu.%03u", static_cast<unsigned long long>(thousandths / 1000),
                     static_cast<unsigned>(thousandths % 1000));
    put(tmp, static_cast<size_t>(n));
}

void json_writer::boolean(bool v) {
    value_start();
    put(v ? "true" : "false", v ? 4 : 5);
}

}  // namespace http
