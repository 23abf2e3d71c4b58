// WARN_ON (Linux's include/asm-generic/bug.h, kernel/panic.c's __warn): a
// condition that must never hold, reported where it happened with a
// backtrace and counted, while the kernel goes on. The call site comes from
// the compiler's builtins, so no macro is needed. WARN_ON_ONCE reports a
// site the first time only.
#pragma once

bool __warn(const char* file, int line, const char* func, const char* what);
// Sites remembered by WARN_ON_ONCE; past the table's size a site warns every time.
bool __warn_once(const char* file, int line, const char* func, const char* what);

inline bool WARN_ON(bool cond, const char* what = "", const char* file = __builtin_FILE(), int line = __builtin_LINE(),
                    const char* func = __builtin_FUNCTION()) {
    return cond ? __warn(file, line, func, what) : false;
}
inline bool WARN_ON_ONCE(bool cond, const char* what = "", const char* file = __builtin_FILE(),
                         int line = __builtin_LINE(), const char* func = __builtin_FUNCTION()) {
    return cond ? __warn_once(file, line, func, what) : false;
}
// Warnings so far (/proc/sys/kernel/warn_count in Linux).
unsigned long warn_count();
