// dup, dup2, dup3, fcntl, ioctl, and RLIMIT_NOFILE (Linux's fs/file.c,
// fs/fcntl.c, fs/ioctl.c).
#include "kernel/fs/fdtable.h"
#include "kernel/fs/fs.h"
#include "kernel/syscalls.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"

namespace {

// What F_SETFL may change (Linux's SETFL_MASK, minus what nothing here uses).
constexpr unsigned setfl_mask = uapi::o_append | uapi::o_nonblock;

long dupfd(int oldfd, unsigned from, unsigned flags) {
    files_struct* files = current_files();
    file* f = fget(files, oldfd);
    if (!f) {
        return -EBADF;
    }
    int fd = alloc_fd(files, from, flags);
    if (fd < 0) {
        fput(f);
        return fd;
    }
    fd_install(files, fd, f);
    return fd;
}

long do_dup3(int oldfd, int newfd, unsigned flags) {
    if (flags & ~uapi::o_cloexec) {
        return -EINVAL;
    }
    if (oldfd == newfd) {
        return -EINVAL;
    }
    files_struct* files = current_files();
    if (!files || newfd < 0 || static_cast<unsigned>(newfd) >= files->max_fds) {
        return -EBADF;
    }
    file* f = fget(files, oldfd);
    if (!f) {
        return -EBADF;
    }
    return replace_fd(files, newfd, f, flags);
}

long set_nonblock(file* f, bool on) {
    if (on) {
        f->f_flags |= uapi::o_nonblock;
    } else {
        f->f_flags &= ~uapi::o_nonblock;
    }
    return 0;
}

}  // namespace

long sys_close(int fd) { return close_fd(current_files(), fd); }

long sys_dup(int oldfd) { return dupfd(oldfd, 0, 0); }

long sys_dup2(int oldfd, int newfd) {
    if (oldfd == newfd) {
        // Nothing to do but say whether oldfd is open.
        file* f = fget(oldfd);
        if (!f) {
            return -EBADF;
        }
        fput(f);
        return newfd;
    }
    return do_dup3(oldfd, newfd, 0);
}

long sys_dup3(int oldfd, int newfd, unsigned flags) { return do_dup3(oldfd, newfd, flags); }

long sys_fcntl(int fd, unsigned cmd, unsigned long arg) {
    files_struct* files = current_files();
    fd_ref f(fd);
    if (!f) {
        return -EBADF;
    }
    switch (cmd) {
    case uapi::f_dupfd:
    case uapi::f_dupfd_cloexec:
        if (arg >= files->max_fds) {
            return -EINVAL;
        }
        return dupfd(fd, static_cast<unsigned>(arg), cmd == uapi::f_dupfd_cloexec ? uapi::o_cloexec : 0);
    case uapi::f_getfd:
        return get_close_on_exec(files, fd) ? uapi::fd_cloexec : 0;
    case uapi::f_setfd:
        set_close_on_exec(files, fd, (arg & uapi::fd_cloexec) != 0);
        return 0;
    case uapi::f_getfl:
        return static_cast<long>(f->f_flags);
    case uapi::f_setfl:
        f->f_flags = (f->f_flags & ~setfl_mask) | (static_cast<unsigned>(arg) & setfl_mask);
        return 0;
    default:
        return -EINVAL;
    }
}

long sys_ioctl(int fd, unsigned cmd, unsigned long arg) {
    fd_ref f(fd);
    if (!f) {
        return -EBADF;
    }
    switch (cmd) {
    case uapi::fioclex:
    case uapi::fionclex:
        set_close_on_exec(current_files(), fd, cmd == uapi::fioclex);
        return 0;
    case uapi::fionbio: {
        int on;
        if (copy_from_user(&on, reinterpret_cast<const void*>(arg), sizeof on)) {
            return -EFAULT;
        }
        return set_nonblock(f.get(), on != 0);
    }
    default:
        if (!f->f_op->unlocked_ioctl) {
            return -ENOTTY;
        }
        return f->f_op->unlocked_ioctl(f.get(), cmd, arg);
    }
}

// Only RLIMIT_NOFILE is kept (up to the table size, the hard limit); the
// others have no meaning here yet and are accepted as Linux accepts them
// from a privileged caller.
long sys_setrlimit(int resource, const uapi::rlimit* rlim) {
    if (resource < 0 || resource >= static_cast<int>(uapi::rlim_nlimits)) {
        return -EINVAL;
    }
    uapi::rlimit r;
    if (copy_from_user(&r, rlim, sizeof r)) {
        return -EFAULT;
    }
    if (r.rlim_cur > r.rlim_max) {
        return -EINVAL;
    }
    if (resource != uapi::rlimit_nofile) {
        return 0;
    }
    if (r.rlim_max > NR_OPEN_MAX) {
        return -EPERM;   // as raising a hard limit, or Linux's nr_open
    }
    files_struct* files = current_files();
    if (!files) {
        return -EINVAL;
    }
    files->max_fds = r.rlim_cur;
    return 0;
}
