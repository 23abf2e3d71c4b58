// pread64 and sendfile (Linux's fs/read_write.c ksys_pread64, do_sendfile).
// sendfile moves a rootfs or tmpfs file's bytes to any writable file
// (socket, pipe, tmpfs file, console) inside the kernel: archive files go
// straight from the archive to the output's write path, tmpfs files through
// one kernel page (their pages may change under a blocked writer); no byte
// visits the app's memory.
//
// The output's write (sock_write_iter, pipe_write...) copies with
// copy_from_user(), which checks the range apps may reach: on this board
// that is all of RAM, the image and kmalloc's pages included, so kernel
// buffers pass as Linux's kernel_write() passes them with KERNEL_DS.
#include "kernel/byteorder.h"
#include "kernel/fs/fdtable.h"
#include "kernel/fs/ramfs.h"
#include "kernel/mm/slab.h"
#include "kernel/syscalls.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"

namespace {

// How much one step hands the output: big enough that a socket sees whole
// segments' worth, small enough that a short write loses little.
constexpr size_t SENDFILE_CHUNK = 64 * 1024;
constexpr loff_t MAX_NON_LFS = 0x7fffffff;

long kernel_write(file* f, const char* buf, size_t count, loff_t* pos) {
    if (f->f_op->write) {
        return f->f_op->write(f, buf, count, pos);
    }
    uapi::iovec iov{const_cast<char*>(buf), count};
    return f->f_op->writev(f, &iov, 1, pos);
}

long do_sendfile(int out_fd, int in_fd, loff_t* ppos, size_t count, loff_t max) {
    fd_ref in(in_fd);
    if (!in || !(in->f_mode & FMODE_READ)) {
        return -EBADF;
    }
    fd_ref out(out_fd);
    if (!out || !(out->f_mode & FMODE_WRITE)) {
        return -EBADF;
    }
    if (!out->f_op->write && !out->f_op->writev) {
        return -EINVAL;
    }
    if (out->f_flags & uapi::o_append) {
        return -EINVAL;   // as Linux: sendfile never appends
    }
    inode* src = in->f_inode;
    if (src->i_fop != &rootfs_file_fops && src->i_fop != &tmpfs_file_fops) {
        return -EINVAL;   // Linux: the input must support splice_read (mmap-like)
    }
    loff_t pos = ppos ? *ppos : in->f_pos;
    if (pos < 0) {
        return -EINVAL;
    }
    if (count > MAX_RW_COUNT) {
        count = MAX_RW_COUNT;
    }
    if (pos + static_cast<loff_t>(count) > max) {
        if (pos >= max) {
            return -EOVERFLOW;
        }
        count = static_cast<size_t>(max - pos);
    }
    char* bounce = nullptr;
    if (src->i_fop == &tmpfs_file_fops) {
        bounce = static_cast<char*>(kmalloc(TMPFS_PAGE_SIZE, GFP_KERNEL));
        if (!bounce) {
            return -ENOMEM;
        }
    }
    size_t total = 0;
    long err = 0;
    while (total < count) {
        size_t want = count - total;
        size_t cap = bounce ? TMPFS_PAGE_SIZE : SENDFILE_CHUNK;
        if (want > cap) {
            want = cap;
        }
        const char* data;
        long n = rootfs_read_kernel(src, pos, bounce, want, &data);
        if (n <= 0) {
            err = n;
            break;
        }
        long w = kernel_write(out.get(), data ? data : bounce, static_cast<size_t>(n), &out->f_pos);
        if (w <= 0) {
            err = w;
            break;
        }
        pos += w;
        total += static_cast<size_t>(w);
        if (w < n) {
            break;
        }
    }
    kfree(bounce);
    if (ppos) {
        *ppos = pos;
    } else {
        in->f_pos = pos;
    }
    return total ? static_cast<long>(total) : err;
}

template <typename Off>
long sendfile_common(int out_fd, int in_fd, Off* offset, size_t count, loff_t max) {
    if (!offset) {
        return do_sendfile(out_fd, in_fd, nullptr, count, max);
    }
    Off off;
    if (copy_from_user(&off, offset, sizeof off)) {
        return -EFAULT;
    }
    loff_t pos = off;
    long r = do_sendfile(out_fd, in_fd, &pos, count, max);
    off = static_cast<Off>(pos);
    if (r >= 0 && copy_to_user(offset, &off, sizeof off)) {
        return -EFAULT;
    }
    return r;
}

}  // namespace

long sys_sendfile(int out_fd, int in_fd, int32_t* offset, size_t count) {
    return sendfile_common(out_fd, in_fd, offset, count, MAX_NON_LFS);
}

long sys_sendfile64(int out_fd, int in_fd, int64_t* offset, size_t count) {
    return sendfile_common(out_fd, in_fd, offset, count, INT64_MAX);
}

// o32 passes the 64-bit offset in an aligned pair: a3 is padding, the
// halves are the fifth and sixth arguments in the CPU's order (merge_64).
long sys_pread64(int fd, char* buf, size_t count, long, unsigned long pos_first, unsigned long pos_second) {
    loff_t pos = static_cast<loff_t>(merge_64(static_cast<uint32_t>(pos_first), static_cast<uint32_t>(pos_second)));
    if (pos < 0) {
        return -EINVAL;
    }
    fd_ref f(fd);
    if (!f) {
        return -EBADF;
    }
    if (!f->f_op->llseek || f->f_op->llseek == no_llseek) {
        return -ESPIPE;   // Linux: FMODE_PREAD only for seekable files
    }
    return vfs_read(f.get(), buf, count, &pos);
}
