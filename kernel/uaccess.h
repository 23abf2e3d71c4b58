// Checks on pointers that come from apps. Apps share the kernel's address
// space, so a "user" pointer is valid when it lies inside RAM that apps may
// touch; anything else (NULL, KUSEG, I/O space, the vector page) is -EFAULT.
#pragma once
#include <stddef.h>
#include <stdint.h>

struct uaccess_range {
    uintptr_t lo, hi;  // [lo, hi) apps may reach
};
void uaccess_set_range(uintptr_t lo, uintptr_t hi);
// What is set now, so that code narrowing the range for a while (tests) can
// put it back: on the target, the console output of everything else depends on it.
uaccess_range uaccess_get_range();
bool access_ok(const void* p, size_t len);
// 0 or -EFAULT, as Linux's copy_{from,to}_user() callers return.
int copy_from_user(void* dst, const void* user_src, size_t len);
int copy_to_user(void* user_dst, const void* src, size_t len);
// Length of a NUL-terminated user string of at most max bytes, or -EFAULT
// (-ENAMETOOLONG when no NUL within max).
long strnlen_user(const char* s, size_t max);
