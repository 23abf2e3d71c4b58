// getdents64 (Linux's fs/readdir.c filldir64): struct linux_dirent64
// records, each 8-byte aligned, as many as fit.
#include <string.h>

#include "kernel/fs/fdtable.h"
#include "kernel/syscalls.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"

namespace {

// include/linux/dirent.h
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
};
constexpr size_t NAME_OFFSET = offsetof(linux_dirent64, d_name);   // 19

struct getdents_callback64 {
    dir_context ctx;
    char* current;        // user buffer
    size_t count;         // room left
    long error;
};

bool filldir64(dir_context* ctx, const char* name, size_t len, loff_t pos, uint64_t ino, unsigned type) {
    auto* buf = container_of(ctx, &getdents_callback64::ctx);
    size_t reclen = (NAME_OFFSET + len + 1 + 7) & ~size_t{7};
    if (reclen > buf->count) {
        buf->error = -EINVAL;   // only if nothing fit at all: see sys_getdents64
        return false;
    }
    // Built in a kernel copy, then one copy_to_user: the buffer is the app's.
    char rec[NAME_OFFSET + 256 + 8] = {};
    auto* d = reinterpret_cast<linux_dirent64*>(rec);
    d->d_ino = ino;
    d->d_off = pos;
    d->d_reclen = static_cast<uint16_t>(reclen);
    d->d_type = static_cast<uint8_t>(type);
    memcpy(d->d_name, name, len);
    if (copy_to_user(buf->current, rec, reclen)) {
        buf->error = -EFAULT;
        return false;
    }
    buf->current += reclen;
    buf->count -= reclen;
    return true;
}

}  // namespace

long sys_getdents64(int fd, void* dirent, unsigned count) {
    fd_ref f(fd);
    if (!f) {
        return -EBADF;
    }
    if (!f->f_op->iterate_shared) {
        return -ENOTDIR;
    }
    if (!access_ok(dirent, count)) {
        return -EFAULT;
    }
    getdents_callback64 buf{{filldir64, f->f_pos}, static_cast<char*>(dirent), count, 0};
    int err = f->f_op->iterate_shared(f.get(), &buf.ctx);
    if (err) {
        return err;
    }
    f->f_pos = buf.ctx.pos;
    long written = static_cast<long>(count - buf.count);
    if (written == 0 && buf.error) {
        return buf.error;
    }
    return written;
}
