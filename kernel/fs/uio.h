// A kernel copy of a caller's iovec array (Linux's import_iovec with its
// UIO_FASTIOV array on the stack): the array is read once, with
// copy_from_user, so an unaligned or unmapped one is EFAULT, never a fault
// in the kernel, and it cannot change under the code that checked it.
#pragma once
#include <stddef.h>

#include "kernel/mm/slab.h"
#include "kernel/uapi/types.h"

class iov_array {
public:
    iov_array() = default;
    ~iov_array() {
        if (p_ != fast_) {
            kfree(p_);
        }
    }
    iov_array(const iov_array&) = delete;
    iov_array& operator=(const iov_array&) = delete;
    // Room for n entries (nullptr when memory is short).
    uapi::iovec* get(size_t n) {
        if (n > UIO_FASTIOV) {
            p_ = static_cast<uapi::iovec*>(kmalloc_array(n, sizeof(uapi::iovec), GFP_KERNEL));
        }
        return p_;
    }

private:
    static constexpr size_t UIO_FASTIOV = 8;
    uapi::iovec fast_[UIO_FASTIOV];
    uapi::iovec* p_ = fast_;
};
