// What the shell does with its input before any command runs, apart from
// the I/O: the line editor (one key at a time, as the console or a Telnet
// session brings them), the split of a line into words, and the arguments
// the built-in commands turn into numbers. Pure work on caller buffers: it
// builds and is tested on the host (and fuzzed: tests/fuzz/fuzz_shell.cpp).
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kernel/apps.h"

namespace shell {

constexpr size_t max_line = 256;   // a line's bytes and its NUL
constexpr int max_argv = 16;       // words taken from a line; the rest dropped

// What a key did to the line: what the caller echoes.
enum class edit : uint8_t {
    none,        // nothing: a control byte, a byte >= 0x80, a full line
    insert,      // the key went at the end of the line: echo it
    erase,       // erased characters came off the end: "\b \b" for each
    line,        // the line is complete (NUL-terminated): "\n"
    interrupt,   // ^C: the line abandoned, an empty one returned: "^C\n"
};

struct key_result {
    edit what = edit::none;
    size_t erased = 0;   // for edit::erase, at least 1
};

// The editing keys of a terminal in cooked mode (Linux's n_tty with its
// default c_cc: VERASE DEL or ^H, VKILL ^U, VINTR ^C; CR and LF both end
// the line). Printable ASCII only goes into the line, and only while a
// byte is left for the NUL; every other byte is dropped, so an escape
// sequence leaves its printable tail in the line, as a terminal in
// cooked mode shows it.
class line_editor {
public:
    // buf[0, size) holds the line; size at least 1.
    line_editor(char* buf, size_t size);

    // One key. After edit::line or edit::interrupt the next key begins a
    // new line.
    key_result key(uint8_t c);

    const char* line() const { return buf_; }   // NUL-terminated once complete
    size_t length() const { return len_; }

private:
    char* buf_;
    size_t size_;
    size_t len_ = 0;
    bool done_ = false;
};

// Splits line in place at blanks (space, tab) into at most max words, as
// strtok(3) with " \t" would: argv[0, argc) point into line, each word
// NUL-terminated there, and argv[argc] is nullptr (argv has max + 1
// slots). Words after the first max are dropped.
int split(char* line, char** argv, int max);

// exit [STATUS]: the status as the kernel keeps it (its low 8 bits, as
// Linux's do_exit); 0 without one, or for text that is not a number.
int exit_status(int argc, char* const* argv);

// sleep SECONDS: a number of seconds, fractions allowed, not negative, all
// of the text a number; more than max_sleep_seconds (inf too, as GNU sleep
// takes it) is max_sleep_seconds, as libc's nanosleep clamps it. false for
// anything else (NaN, "-1", "1x", "").
constexpr double max_sleep_seconds = 2147483647.0;   // o32's struct timespec: a 32-bit tv_sec
bool parse_seconds(const char* text, struct timespec* ts);

// syscall NR [ARG...]: argv[2..7] as the six arguments, each a number
// (strtol base 0, all of the text) or else a pointer to the text itself.
// Words after the sixth argument are ignored.
void syscall_args(int argc, char* const* argv, long args[6]);

// run NAME [ARGS...] &: a last word "&" (not the only word) asks for the
// app in the background. It comes off argv (argc one less, argv[argc] =
// nullptr) and the result is true.
bool take_background(int& argc, char** argv);

// A built-in app's name as a command: "ping -c 3 HOST" becomes "run ping
// -c 3 HOST", keeping at most APP_MAX_ARGS of the words (what app_spawn
// takes). out has APP_MAX_ARGS + 2 slots, out[n] is nullptr; returns n,
// the new argc.
int app_argv(int argc, char* const* argv, char** out);

}  // namespace shell
