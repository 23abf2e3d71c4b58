// Kernel log: every message goes to a ring buffer (read back by dmesg through
// syslog(2)) and, when its level is at or below the console loglevel, to the
// console. Levels are Linux's (loglevel= on the command line).
#pragma once
#include <stdarg.h>
#include <stddef.h>

enum class loglevel : int { emerg = 0, alert, crit, err, warning, notice, info, debug };

[[gnu::format(printf, 2, 0)]] void vprintk(loglevel level, const char* fmt, va_list ap);
[[gnu::format(printf, 1, 2)]] void printk(const char* fmt, ...);  // level info
[[gnu::format(printf, 1, 2)]] void pr_emerg(const char* fmt, ...);
[[gnu::format(printf, 1, 2)]] void pr_err(const char* fmt, ...);
[[gnu::format(printf, 1, 2)]] void pr_warn(const char* fmt, ...);
[[gnu::format(printf, 1, 2)]] void pr_info(const char* fmt, ...);
[[gnu::format(printf, 1, 2)]] void pr_debug(const char* fmt, ...);

namespace klog {
void set_console_level(int level);
int console_level();
// Panic path: bypass the buffer's formatting state and write straight to the
// polled console.
[[gnu::format(printf, 1, 2)]] void emergency(const char* fmt, ...);
size_t read_all(char* buf, size_t len);  // oldest first, as syslog(READ_ALL)
size_t size();                           // bytes held
size_t capacity();
void clear();
}
