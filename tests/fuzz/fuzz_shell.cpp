// Bytes -> the shell's input as the console or a Telnet session brings it
// (apps/shell/parse.cpp): every byte a key to the line editor (the shell's
// 256-byte line, and an 8-byte one fed the same keys so that full lines
// come soon), each line it completes split into words, and the words
// through the arguments the commands take (exit's status, sleep's seconds,
// syscall's arguments, run's &, an app name's run argv). Checked: the keys
// do what a terminal in cooked mode does; the echo leaves the terminal's
// line equal to the editor's; a line is printable ASCII, NUL-terminated,
// shorter than its buffer; its words lie inside it, in order, each
// NUL-terminated, without blanks and as many as it has (up to the
// limit), argv[argc] nullptr; the arguments stay in their ranges.
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apps/shell/parse.h"

namespace {

void check(bool ok) {
    if (!ok) {
        abort();
    }
}

bool printable(uint8_t c) { return c >= ' ' && c < 0x7f; }
bool blank(char c) { return c == ' ' || c == '\t'; }

// Words counted without split().
int count_words(const char* s, size_t n) {
    int words = 0;
    for (size_t i = 0; i < n; ++i) {
        if (!blank(s[i]) && (i == 0 || blank(s[i - 1]))) {
            ++words;
        }
    }
    return words;
}

// line[0, len) split with at most max words, in a copy of its own size
// (ASan sees a read past its NUL).
void check_split(const char* line, size_t len, int max) {
    char* copy = static_cast<char*>(malloc(len + 1));
    memcpy(copy, line, len + 1);
    char** argv = static_cast<char**>(malloc((static_cast<size_t>(max) + 1) * sizeof(char*)));
    int argc = shell::split(copy, argv, max);
    int words = count_words(line, len);
    check(argc == (words < max ? words : max));
    check(argv[argc] == nullptr);
    const char* from = copy;
    for (int i = 0; i < argc; ++i) {
        check(argv[i] >= from && argv[i] < copy + len);
        size_t off = static_cast<size_t>(argv[i] - copy);
        size_t n = strnlen(argv[i], len + 1 - off);
        check(n > 0 && off + n <= len && argv[i][n] == '\0');   // the NUL inside the line's bytes
        check(memcmp(argv[i], line + off, n) == 0);
        check(off == 0 || blank(line[off - 1]));                // a whole word
        check(off + n == len || blank(line[off + n]));
        for (size_t k = 0; k < n; ++k) {
            check(!blank(argv[i][k]));
        }
        from = argv[i] + n + 1;
    }
    free(argv);
    free(copy);
}

bool is_number(const char* s, long v) {
    char* end;
    long w = strtol(s, &end, 0);
    return end != s && *end == '\0' && w == v;
}

// The word list as each command that parses arguments would take it.
void commands(int argc, char** argv) {
    int status = shell::exit_status(argc, argv);
    check(status >= 0 && status <= 255);
    for (int i = 0; i < argc; ++i) {
        struct timespec ts;
        if (shell::parse_seconds(argv[i], &ts)) {
            check(ts.tv_sec >= 0 && ts.tv_sec <= INT32_MAX && ts.tv_nsec >= 0 && ts.tv_nsec <= 999999999);
        }
    }
    long a[6];
    shell::syscall_args(argc, argv, a);
    for (int i = 0; i < 6; ++i) {
        if (i + 2 < argc) {
            check(a[i] == reinterpret_cast<long>(argv[i + 2]) || is_number(argv[i + 2], a[i]));
        } else {
            check(a[i] == 0);
        }
    }
    char* run[APP_MAX_ARGS + 2];
    int n = shell::app_argv(argc, argv, run);
    check(n == 1 + (argc < APP_MAX_ARGS ? argc : APP_MAX_ARGS) && run[n] == nullptr);
    check(strcmp(run[0], "run") == 0);
    for (int i = 1; i < n; ++i) {
        check(run[i] == argv[i - 1]);
    }
    // run's & off the argv an app name made, as cmd_run gets it.
    bool amp = n > 1 && strcmp(run[n - 1], "&") == 0;
    int m = n;
    check(shell::take_background(m, run) == amp);
    check(m == (amp ? n - 1 : n) && run[m] == nullptr && m >= 1);
}

void on_line(const char* line, size_t len) {
    check_split(line, len, shell::max_argv);
    check_split(line, len, 1);
    char* copy = static_cast<char*>(malloc(len + 1));
    memcpy(copy, line, len + 1);
    char* argv[shell::max_argv + 1];
    int argc = shell::split(copy, argv, shell::max_argv);
    commands(argc, argv);
    free(copy);
}

// An editor and the terminal line its echo draws.
struct tty {
    size_t size;
    char* buf;
    char* screen;
    size_t len = 0;
    shell::line_editor ed;

    explicit tty(size_t n)
        : size(n), buf(static_cast<char*>(malloc(n))), screen(static_cast<char*>(malloc(n))), ed(buf, n) {}
    ~tty() {
        free(buf);
        free(screen);
    }

    // What a terminal in cooked mode does with c on a line of len bytes.
    shell::edit expected(uint8_t c) const {
        switch (c) {
        case '\r':
        case '\n': return shell::edit::line;
        case 0x03: return shell::edit::interrupt;
        case 0x7f:
        case '\b':
        case 0x15: return len ? shell::edit::erase : shell::edit::none;
        default: return printable(c) && len + 1 < size ? shell::edit::insert : shell::edit::none;
        }
    }

    void key(uint8_t c) {
        shell::edit want = expected(c);
        shell::key_result k = ed.key(c);
        check(k.what == want);
        switch (k.what) {
        case shell::edit::none: break;
        case shell::edit::insert: screen[len++] = static_cast<char>(c); break;
        case shell::edit::erase:
            check(k.erased == (c == 0x15 ? len : 1));
            len -= k.erased;
            break;
        case shell::edit::line:
        case shell::edit::interrupt:
            check(ed.length() == (k.what == shell::edit::line ? len : 0));
            check(ed.length() < size && ed.line()[ed.length()] == '\0' && strlen(ed.line()) == ed.length());
            check(memcmp(ed.line(), screen, ed.length()) == 0);
            for (size_t i = 0; i < ed.length(); ++i) {
                check(printable(static_cast<uint8_t>(ed.line()[i])));
            }
            on_line(ed.line(), ed.length());
            len = 0;
            return;
        }
        check(ed.length() == len && len < size && memcmp(ed.line(), screen, len) == 0);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    tty console(shell::max_line), narrow(8);
    for (size_t i = 0; i < size; ++i) {
        console.key(data[i]);
        narrow.key(data[i]);
    }
    return 0;   // end of input: the shell drops the unfinished line
}
