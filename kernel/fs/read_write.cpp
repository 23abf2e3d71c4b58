// read, write, readv, writev, lseek (Linux's fs/read_write.c).
#include "kernel/fs/fdtable.h"
#include "kernel/fs/fs.h"
#include "kernel/fs/poll.h"
#include "kernel/fs/uio.h"
#include "kernel/syscalls.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"

namespace {

using uapi::iovec;

size_t clamp_count(size_t count) { return count > MAX_RW_COUNT ? MAX_RW_COUNT : count; }

// One segment at a time through read/write, stopping at the first short
// transfer (Linux's do_loop_readv_writev).
template <typename Op>
long loop_rw(const iovec* iov, unsigned long nr_segs, Op op) {
    long total = 0;
    for (unsigned long i = 0; i < nr_segs; ++i) {
        size_t len = iov[i].iov_len;
        if (len == 0) {
            continue;
        }
        long n = op(static_cast<char*>(iov[i].iov_base), len);
        if (n < 0) {
            return total ? total : n;
        }
        total += n;
        if (static_cast<size_t>(n) != len) {
            break;
        }
    }
    return total;
}

// Linux's import_iovec() on the kernel's copy of the array: every length
// sane, every buffer reachable, and a total that fits the return value.
// Lengths with the sign bit set are EINVAL, as are totals past ssize_t
// (POSIX); bad buffers are EFAULT.
long check_iovec(const iovec* uvec, unsigned long nr_segs) {
    if (nr_segs > uapi::uio_maxiov) {
        return -EINVAL;
    }
    size_t total = 0;
    for (unsigned long i = 0; i < nr_segs; ++i) {
        size_t len = uvec[i].iov_len;
        if (static_cast<long>(len) < 0 || len > MAX_RW_COUNT - total) {
            return -EINVAL;
        }
        if (!access_ok(uvec[i].iov_base, len)) {
            return -EFAULT;
        }
        total += len;
    }
    return static_cast<long>(total);
}

}  // namespace

loff_t no_llseek(file*, loff_t, int) { return -ESPIPE; }

loff_t noop_llseek(file* f, loff_t, int) {
    f->f_pos = 0;
    return 0;
}

long vfs_read(file* f, char* buf, size_t count, loff_t* pos) {
    if (!(f->f_mode & FMODE_READ)) {
        return -EBADF;
    }
    if (!f->f_op->read && !f->f_op->readv) {
        return -EINVAL;
    }
    if (!access_ok(buf, count)) {
        return -EFAULT;
    }
    count = clamp_count(count);
    if (f->f_op->read) {
        return f->f_op->read(f, buf, count, pos);
    }
    iovec iov{buf, count};
    return f->f_op->readv(f, &iov, 1, pos);
}

long vfs_write(file* f, const char* buf, size_t count, loff_t* pos) {
    if (!(f->f_mode & FMODE_WRITE)) {
        return -EBADF;
    }
    if (!f->f_op->write && !f->f_op->writev) {
        return -EINVAL;
    }
    if (!access_ok(buf, count)) {
        return -EFAULT;
    }
    count = clamp_count(count);
    if (f->f_op->write) {
        return f->f_op->write(f, buf, count, pos);
    }
    iovec iov{const_cast<char*>(buf), count};
    return f->f_op->writev(f, &iov, 1, pos);
}

long vfs_readv(file* f, const iovec* iov, unsigned long nr_segs, loff_t* pos) {
    if (!(f->f_mode & FMODE_READ)) {
        return -EBADF;
    }
    if (!f->f_op->read && !f->f_op->readv) {
        return -EINVAL;
    }
    long total = check_iovec(iov, nr_segs);
    if (total <= 0) {
        return total;
    }
    if (f->f_op->readv) {
        return f->f_op->readv(f, iov, nr_segs, pos);
    }
    return loop_rw(iov, nr_segs, [&](char* b, size_t n) { return f->f_op->read(f, b, n, pos); });
}

long vfs_writev(file* f, const iovec* iov, unsigned long nr_segs, loff_t* pos) {
    if (!(f->f_mode & FMODE_WRITE)) {
        return -EBADF;
    }
    if (!f->f_op->write && !f->f_op->writev) {
        return -EINVAL;
    }
    long total = check_iovec(iov, nr_segs);
    if (total <= 0) {
        return total;
    }
    if (f->f_op->writev) {
        return f->f_op->writev(f, iov, nr_segs, pos);
    }
    return loop_rw(iov, nr_segs, [&](char* b, size_t n) { return f->f_op->write(f, b, n, pos); });
}

loff_t vfs_llseek(file* f, loff_t offset, int whence) {
    if (static_cast<unsigned>(whence) > uapi::seek_max) {
        return -EINVAL;
    }
    return f->f_op->llseek ? f->f_op->llseek(f, offset, whence) : -ESPIPE;
}

poll_t vfs_poll(file* f, poll_table_struct* pt) {
    return f->f_op->poll ? f->f_op->poll(f, pt) : DEFAULT_POLLMASK;
}

long sys_read(int fd, char* buf, size_t count) {
    fd_ref f(fd);
    return f ? vfs_read(f.get(), buf, count, &f->f_pos) : -EBADF;
}

long sys_write(int fd, const char* buf, size_t count) {
    fd_ref f(fd);
    return f ? vfs_write(f.get(), buf, count, &f->f_pos) : -EBADF;
}

namespace {
// The caller's array, copied in: nullptr with *err set when it cannot be.
const iovec* import_iovec(const iovec* uvec, unsigned long vlen, iov_array* kvec, long* err) {
    if (vlen > uapi::uio_maxiov) {
        *err = -EINVAL;
        return nullptr;
    }
    iovec* k = kvec->get(vlen);
    if (!k) {
        *err = -ENOMEM;
        return nullptr;
    }
    if (copy_from_user(k, uvec, vlen * sizeof(iovec))) {
        *err = -EFAULT;
        return nullptr;
    }
    return k;
}
}  // namespace

long sys_readv(int fd, const uapi::iovec* vec, unsigned long vlen) {
    fd_ref f(fd);
    if (!f) {
        return -EBADF;
    }
    iov_array kvec;
    long err = 0;
    const iovec* iov = import_iovec(vec, vlen, &kvec, &err);
    return iov ? vfs_readv(f.get(), iov, vlen, &f->f_pos) : err;
}

long sys_writev(int fd, const uapi::iovec* vec, unsigned long vlen) {
    fd_ref f(fd);
    if (!f) {
        return -EBADF;
    }
    iov_array kvec;
    long err = 0;
    const iovec* iov = import_iovec(vec, vlen, &kvec, &err);
    return iov ? vfs_writev(f.get(), iov, vlen, &f->f_pos) : err;
}

long sys_lseek(int fd, long offset, unsigned whence) {
    fd_ref f(fd);
    if (!f) {
        return -EBADF;
    }
    loff_t r = vfs_llseek(f.get(), offset, static_cast<int>(whence));
    // off_t is 32 bits in o32; _llseek would be the way to larger offsets.
    if (r > 0x7fffffff) {
        return -EOVERFLOW;
    }
    return static_cast<long>(r);
}
