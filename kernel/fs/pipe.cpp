#include "kernel/fs/pipe.h"

#include <string.h>

#include "kernel/cpu.h"
#include "kernel/fs/fdtable.h"
#include "kernel/fs/pool.h"
#include "kernel/fs/poll.h"
#include "kernel/syscalls.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"

namespace {

constexpr size_t NR_PIPES = 16;   // until kmem_cache: 16 x 8 KiB
object_pool<pipe_inode_info, NR_PIPES> pipe_pool;

// A position in a segmented user buffer, Linux's iov_iter in small.
struct iov_iter {
    const uapi::iovec* iov;
    unsigned long nr_segs;
    size_t offset = 0;   // into iov[0]
    size_t count;        // bytes left in all segments

    iov_iter(const uapi::iovec* v, unsigned long n) : iov(v), nr_segs(n), count(0) {
        for (unsigned long i = 0; i < n; ++i) {
            count += v[i].iov_len;
        }
    }

    // Visits the next n bytes as contiguous pieces: fn(char* piece, size_t len).
    template <typename F>
    void advance(size_t n, F fn) {
        count -= n;
        while (n) {
            size_t seg = iov->iov_len - offset;
            size_t k = seg < n ? seg : n;
            if (k) {
                fn(static_cast<char*>(iov->iov_base) + offset, k);
            }
            offset += k;
            n -= k;
            if (offset == iov->iov_len) {
                ++iov;
                --nr_segs;
                offset = 0;
            }
        }
    }
};

pipe_inode_info* pipe_of(const file* f) { return f->f_inode->i_pipe; }
size_t pipe_used(const pipe_inode_info* p) { return p->head - p->tail; }
size_t pipe_room(const pipe_inode_info* p) { return PIPE_SIZE - pipe_used(p); }

// Moves n bytes from the ring to the iterator (interrupts masked by the caller).
void ring_to_iter(pipe_inode_info* p, size_t n, iov_iter& it) {
    it.advance(n, [p](char* dst, size_t len) {
        size_t at = p->tail % PIPE_SIZE;
        size_t first = PIPE_SIZE - at < len ? PIPE_SIZE - at : len;
        memcpy(dst, p->buf + at, first);
        memcpy(dst + first, p->buf, len - first);
        p->tail += len;
    });
}

void iter_to_ring(pipe_inode_info* p, size_t n, iov_iter& it) {
    it.advance(n, [p](char* src, size_t len) {
        size_t at = p->head % PIPE_SIZE;
        size_t first = PIPE_SIZE - at < len ? PIPE_SIZE - at : len;
        memcpy(p->buf + at, src, first);
        memcpy(p->buf, src + first, len - first);
        p->head += len;
    });
}

long pipe_readv(file* f, const uapi::iovec* iov, unsigned long nr_segs, loff_t*) {
    pipe_inode_info* p = pipe_of(f);
    iov_iter it(iov, nr_segs);
    if (it.count == 0) {
        return 0;
    }
    for (;;) {
        {
            cpu::irq_guard guard;
            size_t avail = pipe_used(p);
            if (avail) {
                size_t n = avail < it.count ? avail : it.count;
                ring_to_iter(p, n, it);
                wake_up_all(&p->wr_wait);
                return static_cast<long>(n);
            }
            if (p->writers == 0) {
                return 0;
            }
        }
        if (nonblocking(f)) {
            return -EAGAIN;
        }
        wait_event_interruptible_timeout(
            p->rd_wait, [p] { return pipe_used(p) != 0 || p->writers == 0; }, MAX_SCHEDULE_TIMEOUT);
    }
}

long pipe_writev(file* f, const uapi::iovec* iov, unsigned long nr_segs, loff_t*) {
    pipe_inode_info* p = pipe_of(f);
    iov_iter it(iov, nr_segs);
    size_t total = it.count, written = 0;
    if (total == 0) {
        return 0;
    }
    // Up to PIPE_BUF bytes go in one piece; more may be split between waits.
    const bool atomic = total <= uapi::pipe_buf;
    auto need = [&] { return atomic ? total : 1; };
    for (;;) {
        {
            cpu::irq_guard guard;
            if (p->readers == 0) {
                return written ? static_cast<long>(written) : -EPIPE;
            }
            size_t room = pipe_room(p);
            if (room >= need()) {
                size_t n = room < it.count ? room : it.count;
                iter_to_ring(p, n, it);
                written += n;
                wake_up_all(&p->rd_wait);
                if (written == total) {
                    return static_cast<long>(written);
                }
            }
        }
        if (nonblocking(f)) {
            return written ? static_cast<long>(written) : -EAGAIN;
        }
        wait_event_interruptible_timeout(
            p->wr_wait, [&] { return pipe_room(p) >= need() || p->readers == 0; }, MAX_SCHEDULE_TIMEOUT);
    }
}

long pipe_read(file* f, char* buf, size_t count, loff_t* pos) {
    uapi::iovec iov{buf, count};
    return pipe_readv(f, &iov, 1, pos);
}

long pipe_write(file* f, const char* buf, size_t count, loff_t* pos) {
    uapi::iovec iov{const_cast<char*>(buf), count};
    return pipe_writev(f, &iov, 1, pos);
}

poll_t pipe_poll(file* f, poll_table_struct* wait) {
    pipe_inode_info* p = pipe_of(f);
    if (f->f_mode & FMODE_READ) {
        poll_wait(f, &p->rd_wait, wait);
    }
    if (f->f_mode & FMODE_WRITE) {
        poll_wait(f, &p->wr_wait, wait);
    }
    cpu::irq_guard guard;
    poll_t mask = 0;
    if (f->f_mode & FMODE_READ) {
        if (pipe_used(p)) {
            mask |= uapi::pollin | uapi::pollrdnorm;
        }
        if (p->writers == 0) {
            mask |= uapi::pollhup;
        }
    }
    if (f->f_mode & FMODE_WRITE) {
        if (pipe_room(p) >= uapi::pipe_buf) {
            mask |= uapi::pollout | uapi::pollwrnorm;
        }
        if (p->readers == 0) {
            mask |= uapi::pollerr;
        }
    }
    return mask;
}

long pipe_ioctl(file* f, unsigned cmd, unsigned long arg) {
    if (cmd != uapi::fionread) {
        return -ENOTTY;
    }
    int n = static_cast<int>(pipe_used(pipe_of(f)));
    return copy_to_user(reinterpret_cast<void*>(arg), &n, sizeof n);
}

int pipe_release(inode* i, file* f) {
    pipe_inode_info* p = i->i_pipe;
    cpu::irq_guard guard;
    if (f->f_mode & FMODE_READ) {
        --p->readers;
    }
    if (f->f_mode & FMODE_WRITE) {
        --p->writers;
    }
    // The other end learns of EOF or EPIPE.
    wake_up_all(&p->rd_wait);
    wake_up_all(&p->wr_wait);
    return 0;
}

// The last file on the pipe is gone: the ring goes with its inode.
void free_pipe_inode(inode* i) {
    pipe_pool.free(i->i_pipe);
    free_inode(i);
}

// Two files on a new pipe and two reserved descriptors, nothing installed
// yet (Linux's __do_pipe_flags).
int reserve_pipe(int fd[2], file* files[2], unsigned flags) {
    if (flags & ~(uapi::o_cloexec | uapi::o_nonblock)) {
        return -EINVAL;
    }
    int err = create_pipe_files(files, flags);
    if (err) {
        return err;
    }
    fd[0] = get_unused_fd_flags(flags);
    fd[1] = fd[0] < 0 ? fd[0] : get_unused_fd_flags(flags);
    if (fd[1] < 0) {
        err = fd[1];
        if (fd[0] >= 0) {
            put_unused_fd(fd[0]);
        }
        fput(files[0]);
        fput(files[1]);
        return err;
    }
    return 0;
}

}  // namespace

const file_operations pipefifo_fops = {
    .llseek = no_llseek,
    .read = pipe_read,
    .write = pipe_write,
    .readv = pipe_readv,
    .writev = pipe_writev,
    .poll = pipe_poll,
    .unlocked_ioctl = pipe_ioctl,
    .release = pipe_release,
};

int create_pipe_files(file* res[2], unsigned flags) {
    pipe_inode_info* p = pipe_pool.alloc();
    if (!p) {
        return -ENFILE;
    }
    inode* i = new_inode();
    if (!i) {
        pipe_pool.free(p);
        return -ENFILE;
    }
    i->i_mode = uapi::s_ififo | 0600;
    i->i_pipe = p;
    i->i_fop = &pipefifo_fops;
    i->i_destroy = free_pipe_inode;
    unsigned nb = flags & uapi::o_nonblock;
    res[0] = alloc_file(i, uapi::o_rdonly | nb, &pipefifo_fops);
    if (!res[0]) {
        iput(i);
        return -ENFILE;
    }
    p->readers = 1;
    ihold(i);
    res[1] = alloc_file(i, uapi::o_wronly | nb, &pipefifo_fops);
    if (!res[1]) {
        iput(i);
        fput(res[0]);
        return -ENFILE;
    }
    p->writers = 1;
    return 0;
}

int do_pipe_flags(int fd[2], unsigned flags) {
    file* files[2];
    int err = reserve_pipe(fd, files, flags);
    if (err) {
        return err;
    }
    fd_install(fd[0], files[0]);
    fd_install(fd[1], files[1]);
    return 0;
}

// o32's pipe() returns both descriptors in registers, as Linux's sysm_pipe:
// fd[0] in v0 (the return value), fd[1] in v1 (args.v1, which the trap
// handler copies into the saved v1).
long sys_pipe(syscall_args& args) {
    int fd[2];
    int err = do_pipe_flags(fd, 0);
    if (err) {
        return err;
    }
    args.v1 = fd[1];
    return fd[0];
}

long sys_pipe2(int* ufds, unsigned flags) {
    int fd[2];
    file* files[2];
    int err = reserve_pipe(fd, files, flags);
    if (err) {
        return err;
    }
    if (copy_to_user(ufds, fd, sizeof fd)) {
        put_unused_fd(fd[0]);
        put_unused_fd(fd[1]);
        fput(files[0]);
        fput(files[1]);
        return -EFAULT;
    }
    fd_install(fd[0], files[0]);
    fd_install(fd[1], files[1]);
    return 0;
}
