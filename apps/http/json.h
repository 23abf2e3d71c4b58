// A JSON text writer (RFC 8259) into a fixed buffer: objects, arrays,
// strings escaped as section 7 says, unsigned numbers. A document that
// does not fit marks overflow rather than ending cut off.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "apps/http/text.h"

namespace http {

class json_writer {
public:
    json_writer(char* buf, size_t cap) : buf_(buf), cap_(cap) {}
    void begin_object();
    void end_object();
    void begin_array();
    void end_array();
    void key(const char* k);   // the member name; a value must follow
    void str(text s);
    void str(const char* s) { str(text{s, strlen(s)}); }
    void num(uint64_t v);
    void num_fixed(uint64_t thousandths);   // 12.345 from 12345
    void boolean(bool v);

    size_t len() const { return len_; }
    bool overflow() const { return overflow_ || depth_ != 0; }

private:
    static constexpr int max_depth = 16;
    void put(const char* s, size_t n);
    void put(char c) { put(&c, 1); }
    void value_start();   // the comma between members or elements
    char* buf_;
    size_t cap_;
    size_t len_ = 0;
    bool overflow_ = false;
    int depth_ = 0;
    bool first_[max_depth] = {};
    bool after_key_ = false;
};

}  // namespace http
