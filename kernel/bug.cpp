#include "kernel/bug.h"

#include "kernel/panic.h"
#include "kernel/printk.h"

namespace {
unsigned long warnings;

struct site {
    const char* file;
    int line;
};
constexpr unsigned ONCE_SITES = 64;
site once_sites[ONCE_SITES];
unsigned once_used;
}  // namespace

bool __warn(const char* file, int line, const char* func, const char* what) {
    __atomic_add_fetch(&warnings, 1, __ATOMIC_RELAXED);
    pr_warn("WARNING: at %s:%d %s%s%s\n", file, line, func, *what ? ": " : "", what);
    dump_stack();
    return true;
}

bool __warn_once(const char* file, int line, const char* func, const char* what) {
    for (unsigned i = 0; i < once_used; ++i) {
        if (once_sites[i].line == line && once_sites[i].file == file) {
            __atomic_add_fetch(&warnings, 1, __ATOMIC_RELAXED);
            return true;   // said already
        }
    }
    if (once_used < ONCE_SITES) {
        once_sites[once_used++] = {file, line};
    }
    return __warn(file, line, func, what);
}

unsigned long warn_count() { return __atomic_load_n(&warnings, __ATOMIC_RELAXED); }
