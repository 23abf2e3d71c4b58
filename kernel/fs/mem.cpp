#include "kernel/fs/mem.h"

#include <string.h>

namespace {

long read_null(file*, char*, size_t, loff_t*) { return 0; }

long write_null(file*, const char*, size_t count, loff_t*) { return static_cast<long>(count); }

long read_zero(file*, char* buf, size_t count, loff_t*) {
    memset(buf, 0, count);   // buf passed access_ok() in vfs_read
    return static_cast<long>(count);
}

}  // namespace

// No poll: always readable and writable (DEFAULT_POLLMASK), as in Linux.
const file_operations null_fops = {
    .llseek = noop_llseek,
    .read = read_null,
    .write = write_null,
};

const file_operations zero_fops = {
    .llseek = noop_llseek,
    .read = read_zero,
    .write = write_null,
};
