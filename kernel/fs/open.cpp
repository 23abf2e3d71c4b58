// open, openat, fstat (Linux's fs/open.c, fs/namei.c, fs/stat.c).
#include <string.h>

#include "kernel/fs/fdtable.h"
#include "kernel/fs/namei.h"
#include "kernel/syscalls.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"

namespace {

constexpr int AT_FDCWD = -100;

bool starts_with(const char* s, const char* prefix, const char** rest) {
    size_t n = strlen(prefix);
    if (strncmp(s, prefix, n) != 0) {
        return false;
    }
    *rest = s + n;
    return true;
}

long check_open(const inode* i, unsigned flags) {
    if ((flags & (uapi::o_creat | uapi::o_excl)) == (uapi::o_creat | uapi::o_excl)) {
        return -EEXIST;
    }
    bool dir = (i->i_mode & uapi::s_ifmt) == uapi::s_ifdir;
    if ((flags & uapi::o_directory) && !dir) {
        return -ENOTDIR;
    }
    unsigned acc = flags & uapi::o_accmode;
    bool wants_write = acc == uapi::o_wronly || acc == uapi::o_rdwr;
    if (dir && wants_write) {
        return -EISDIR;
    }
    if (wants_write && !(i->i_mode & 0222)) {
        return -EACCES;
    }
    if ((acc == uapi::o_rdonly || acc == uapi::o_rdwr) && !(i->i_mode & 0444)) {
        return -EACCES;
    }
    return 0;
}

long do_sys_open(const char* upath, unsigned flags) {
    long len = strnlen_user(upath, uapi::path_max);
    if (len < 0) {
        return len;
    }
    // The descriptor first, as Linux: a full table is EMFILE whatever the name.
    int fd = get_unused_fd_flags(flags);
    if (fd < 0) {
        return fd;
    }
    file* f;
    long err = filp_open(upath, flags, &f);
    if (err) {
        put_unused_fd(fd);
        return err;
    }
    fd_install(fd, f);
    return fd;
}

}  // namespace

inode* path_lookup(const char* path) {
    const char* rest;
    if (starts_with(path, "/dev/", &rest)) {
        return devfs_lookup(rest);
    }
    if (strcmp(path, "/proc") == 0) {
        return proc_lookup("");
    }
    if (starts_with(path, "/proc/", &rest)) {
        return proc_lookup(rest);
    }
    return nullptr;
}

long filp_open(const char* path, unsigned flags, file** out) {
    if (*path == '\0') {
        return -ENOENT;
    }
    if ((flags & uapi::o_accmode) == uapi::o_accmode) {
        return -EINVAL;   // Linux's ioctl-only mode 3: no use for it here
    }
    inode* i = path_lookup(path);
    if (!i) {
        return -ENOENT;
    }
    long err = check_open(i, flags);
    if (err) {
        iput(i);
        return err;
    }
    file* f = alloc_file(i, flags & ~uapi::o_cloexec, i->i_fop);
    if (!f) {
        iput(i);
        return -ENFILE;
    }
    if (f->f_op->open) {
        err = f->f_op->open(i, f);
        if (err) {
            f->f_op = nullptr;   // never opened: no release
            fput(f);
            return err;
        }
    }
    *out = f;
    return 0;
}

int files_install_console(files_struct* files) {
    file* f;
    long err = filp_open("/dev/console", uapi::o_rdwr, &f);
    if (err) {
        return static_cast<int>(err);
    }
    for (int want = 0; want < 3; ++want) {
        int fd = alloc_fd(files, 0, 0);
        if (fd != want) {
            fput(f);
            return fd < 0 ? fd : -EBUSY;
        }
        fd_install(files, fd, want < 2 ? get_file(f) : f);
    }
    return 0;
}

// mode is for O_CREAT, which creates nothing here: every name exists or not.
long sys_open(const char* path, unsigned flags, unsigned mode) {
    (void)mode;
    return do_sys_open(path, flags);
}

long sys_openat(int dfd, const char* path, unsigned flags, unsigned mode) {
    (void)mode;
    // No directories to be relative to: only absolute names resolve.
    if (access_ok(path, 1) && path[0] != '/' && dfd != AT_FDCWD) {
        fd_ref d(dfd);
        if (!d) {
            return -EBADF;
        }
        return -ENOTDIR;
    }
    return do_sys_open(path, flags);
}

long sys_fstat(int fd, uapi::stat* st) {
    fd_ref f(fd);
    if (!f) {
        return -EBADF;
    }
    const inode* i = f->f_inode;
    uapi::stat s{};
    s.st_mode = i->i_mode;
    s.st_ino = static_cast<uint32_t>(i->i_ino);
    s.st_nlink = 1;
    s.st_rdev = i->i_rdev;
    s.st_blksize = 1 << i->i_blkbits;
    return copy_to_user(st, &s, sizeof s);
}
