#include "kernel/printk.h"

#include <stdio.h>
#include <string.h>

#include "kernel/board.h"
#include "kernel/cpu.h"
#include "kernel/time.h"

namespace {

constexpr size_t log_buf_len = 16384;  // a power of two: positions wrap by masking
char log_buf[log_buf_len];
size_t log_head;   // next byte to write (monotonic)
size_t log_tail;   // oldest byte kept (monotonic)
int console_loglevel = 7;
bool at_line_start = true;

void log_store(const char* s, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        log_buf[log_head++ & (log_buf_len - 1)] = s[i];
    }
    if (log_head - log_tail > log_buf_len) {
        log_tail = log_head - log_buf_len;
    }
}

void console_emit(const char* s, size_t n) { board::console_write(s, n); }

}  // namespace

void vprintk(loglevel level, const char* fmt, va_list ap) {
    char line[512];
    int n = vsnprintf(line, sizeof line, fmt, ap);
    if (n < 0) {
        return;
    }
    size_t len = static_cast<size_t>(n) < sizeof line ? static_cast<size_t>(n) : sizeof line - 1;
    bool to_console = static_cast<int>(level) < console_loglevel;

    cpu::irq_guard guard;
    const char* p = line;
    const char* end = line + len;
    while (p < end) {
        if (at_line_start) {
            char stamp[24];
            uint64_t ns = ktime_get_ns();
            int sl = snprintf(stamp, sizeof stamp, "[%5lu.%06lu] ",
                              static_cast<unsigned long>(ns / 1000000000u),
                              static_cast<unsigned long>((ns / 1000u) % 1000000u));
            log_store(stamp, static_cast<size_t>(sl));
            if (to_console) {
                console_emit(stamp, static_cast<size_t>(sl));
            }
            at_line_start = false;
        }
        const char* nl = static_cast<const char*>(memchr(p, '\n', static_cast<size_t>(end - p)));
        const char* stop = nl ? nl + 1 : end;
        log_store(p, static_cast<size_t>(stop - p));
        if (to_console) {
            console_emit(p, static_cast<size_t>(stop - p));
        }
        at_line_start = nl != nullptr;
        p = stop;
    }
}

#define MIPSNET_PR(fn, lvl)                   \
    void fn(const char* fmt, ...) {           \
        va_list ap;                           \
        va_start(ap, fmt);                    \
        vprintk(lvl, fmt, ap);                \
        va_end(ap);                           \
    }
// va_list forwarding needs one definition per entry point; this is the one
// place a macro is shorter than the alternative.
MIPSNET_PR(printk, loglevel::info)
MIPSNET_PR(pr_emerg, loglevel::emerg)
MIPSNET_PR(pr_err, loglevel::err)
MIPSNET_PR(pr_warn, loglevel::warning)
MIPSNET_PR(pr_info, loglevel::info)
MIPSNET_PR(pr_debug, loglevel::debug)
#undef MIPSNET_PR

namespace klog {

void set_console_level(int level) { console_loglevel = level; }
int console_level() { return console_loglevel; }

void emergency(const char* fmt, ...) {
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    size_t len = static_cast<size_t>(n) < sizeof line ? static_cast<size_t>(n) : sizeof line - 1;
    log_store(line, len);
    for (size_t i = 0; i < len; ++i) {
        if (line[i] == '\n') {
            board::early_putc('\r');
        }
        board::early_putc(line[i]);
    }
}

size_t read_all(char* buf, size_t len) {
    cpu::irq_guard guard;
    size_t avail = log_head - log_tail;
    size_t n = avail < len ? avail : len;
    size_t start = log_head - n;  // the newest n bytes, as Linux's READ_ALL
    for (size_t i = 0; i < n; ++i) {
        buf[i] = log_buf[(start + i) & (log_buf_len - 1)];
    }
    return n;
}

size_t size() {
    cpu::irq_guard guard;
    return log_head - log_tail;
}

size_t capacity() { return log_buf_len; }

void clear() {
    cpu::irq_guard guard;
    log_tail = log_head;
}

}  // namespace klog
