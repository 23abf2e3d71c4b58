#include "apps/shell/parse.h"

#include <stdlib.h>
#include <string.h>

namespace shell {

namespace {

constexpr uint8_t BS = '\b', ETX = 0x03, NAK = 0x15, DEL = 0x7f;

bool blank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

line_editor::line_editor(char* buf, size_t size) : buf_(buf), size_(size) { buf_[0] = '\0'; }

key_result line_editor::key(uint8_t c) {
    if (done_) {
        done_ = false;
        len_ = 0;
        buf_[0] = '\0';
    }
    switch (c) {
    case '\r':
    case '\n':
        buf_[len_] = '\0';
        done_ = true;
        return {edit::line, 0};
    case DEL:   // what terminals send for backspace
    case BS:
        if (len_ == 0) {
            return {};
        }
        --len_;
        return {edit::erase, 1};
    case NAK: {   // ^U: the whole line
        size_t n = len_;
        len_ = 0;
        return n ? key_result{edit::erase, n} : key_result{};
    }
    case ETX:
        len_ = 0;
        buf_[0] = '\0';
        done_ = true;
        return {edit::interrupt, 0};
    default:
        if (c < ' ' || c >= DEL || len_ + 1 >= size_) {
            return {};
        }
        buf_[len_++] = static_cast<char>(c);
        return {edit::insert, 0};
    }
}

int split(char* line, char** argv, int max) {
    int argc = 0;
    char* p = line;
    while (argc < max) {
        while (blank(*p)) {
            ++p;
        }
        if (*p == '\0') {
            break;
        }
        argv[argc++] = p;
        while (*p != '\0' && !blank(*p)) {
            ++p;
        }
        if (*p != '\0') {
            *p++ = '\0';
        }
    }
    argv[argc] = nullptr;
    return argc;
}

int exit_status(int argc, char* const* argv) {
    if (argc < 2) {
        return 0;
    }
    // strtol, not atoi: atoi's result for a number past int is undefined.
    unsigned long v = static_cast<unsigned long>(strtol(argv[1], nullptr, 10));
    return static_cast<int>(v & 0xff);
}

bool parse_seconds(const char* text, struct timespec* ts) {
    char* end;
    double s = strtod(text, &end);
    // !(s >= 0) also refuses NaN, which no comparison is true for. A cast
    // of NaN, inf or a value past time_t to an integer is undefined.
    if (end == text || *end != '\0' || !(s >= 0)) {
        return false;
    }
    if (s > max_sleep_seconds) {
        s = max_sleep_seconds;
    }
    ts->tv_sec = static_cast<time_t>(s);
    double ns = (s - static_cast<double>(ts->tv_sec)) * 1e9;
    // The fraction is below 1, but its product can round up to 1e9.
    ts->tv_nsec = ns >= 999999999.0 ? 999999999L : static_cast<long>(ns);
    return true;
}

void syscall_args(int argc, char* const* argv, long args[6]) {
    for (int i = 0; i < 6; ++i) {
        args[i] = 0;
    }
    for (int i = 2; i < argc && i < 8; ++i) {
        char* end;
        args[i - 2] = strtol(argv[i], &end, 0);
        if (*end != '\0' || end == argv[i]) {
            args[i - 2] = reinterpret_cast<long>(argv[i]);
        }
    }
}

bool take_background(int& argc, char** argv) {
    if (argc < 2 || strcmp(argv[argc - 1], "&") != 0) {
        return false;
    }
    argv[--argc] = nullptr;
    return true;
}

int app_argv(int argc, char* const* argv, char** out) {
    static char run[] = "run";
    out[0] = run;
    int n = 1;
    for (int i = 0; i < argc && n < APP_MAX_ARGS + 1; ++i) {
        out[n++] = argv[i];
    }
    out[n] = nullptr;
    return n;
}

}  // namespace shell
