#include "kernel/uaccess.h"

#include <string.h>

#include "kernel/uapi/errno.h"

namespace {
uintptr_t user_lo;
uintptr_t user_hi;
}  // namespace

void uaccess_set_range(uintptr_t lo, uintptr_t hi) {
    user_lo = lo;
    user_hi = hi;
}

uaccess_range uaccess_get_range() { return {user_lo, user_hi}; }

bool access_ok(const void* p, size_t len) {
    uintptr_t a = reinterpret_cast<uintptr_t>(p);
    if (len == 0) {
        return true;
    }
    return a >= user_lo && a < user_hi && len <= user_hi - a;
}

// Zero bytes copy nothing, from any pointer (NULL included: memcpy's
// arguments must be valid even then).
int copy_from_user(void* dst, const void* user_src, size_t len) {
    if (!len) {
        return 0;
    }
    if (!access_ok(user_src, len)) {
        return -EFAULT;
    }
    memcpy(dst, user_src, len);
    return 0;
}

int copy_to_user(void* user_dst, const void* src, size_t len) {
    if (!len) {
        return 0;
    }
    if (!access_ok(user_dst, len)) {
        return -EFAULT;
    }
    memcpy(user_dst, src, len);
    return 0;
}

long strnlen_user(const char* s, size_t max) {
    for (size_t i = 0; i < max; ++i) {
        if (!access_ok(s + i, 1)) {
            return -EFAULT;
        }
        if (s[i] == '\0') {
            return static_cast<long>(i);
        }
    }
    return -ENAMETOOLONG;
}
