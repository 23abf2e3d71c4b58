// getrandom(2), as Linux's drivers/char/random.c: bytes from the pool
// (kernel/random.cpp) straight into the caller's buffer. The pool is stirred
// from the first interrupt on and never blocks, so GRND_NONBLOCK and
// GRND_RANDOM change nothing (GRND_RANDOM reads the same pool on Linux
// since 5.6).
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernel/random.h"
#include "kernel/syscalls.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/random.h"

namespace {

constexpr size_t chunk = 64;                    // Linux's CHACHA_BLOCK_SIZE
constexpr size_t MAX_RW_COUNT = 0x7ffff000;     // INT_MAX & PAGE_MASK, as read(2)

}  // namespace

long sys_getrandom(char* ubuf, size_t len, unsigned flags) {
    using namespace uapi;
    // Insecure and blocking together make no sense (Linux's check).
    if (flags & ~(grnd_nonblock | grnd_random | grnd_insecure) ||
        (flags & (grnd_insecure | grnd_random)) == (grnd_insecure | grnd_random)) {
        return -EINVAL;
    }
    if (len > MAX_RW_COUNT) {
        len = MAX_RW_COUNT;
    }
    if (!access_ok(ubuf, len)) {
        return -EFAULT;
    }
    // Linux's get_random_bytes_user: a block at a time, and what was
    // copied before a fault is the result.
    size_t done = 0;
    uint8_t block[chunk];
    while (done < len) {
        size_t n = len - done < chunk ? len - done : chunk;
        get_random_bytes(block, n);
        if (copy_to_user(ubuf + done, block, n)) {
            break;
        }
        done += n;
    }
    memset(block, 0, sizeof block);   // leave no output on the kernel stack
    if (done == 0 && len) {
        return -EFAULT;
    }
    return static_cast<long>(done);
}
