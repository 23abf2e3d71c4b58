// A printf that appends to a caller's buffer, truncating but counting what
// it would have written (the /proc producers' common tool).
#pragma once
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct seq_text {
    char* buf;
    size_t len;
    size_t used = 0;

    seq_text(char* b, size_t l) : buf(b), len(l) {
        if (len) {
            buf[0] = '\0';
        }
    }
    [[gnu::format(printf, 2, 3)]] void add(const char* fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = used < len ? len - used : 0;
        int n = vsnprintf(room ? buf + used : nullptr, room, fmt, ap);
        va_end(ap);
        if (n > 0) {
            used += static_cast<size_t>(n);
        }
    }
};
