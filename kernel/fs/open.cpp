// open, openat (Linux's fs/open.c, fs/namei.c path_openat).
#include <string.h>

#include "kernel/fs/fdtable.h"
#include "kernel/fs/namei.h"
#include "kernel/fs/ramfs.h"
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

// Writes to the archive are EROFS; O_TRUNC empties a tmpfs file (Linux's
// may_open and handle_truncate).
long may_open_rootfs(inode* i, unsigned flags) {
    unsigned acc = flags & uapi::o_accmode;
    bool wants_write = acc == uapi::o_wronly || acc == uapi::o_rdwr;
    if (i->i_fop == &rootfs_file_fops && (wants_write || (flags & uapi::o_trunc))) {
        return -EROFS;
    }
    if (i->i_fop == &tmpfs_file_fops && (flags & uapi::o_trunc) && wants_write) {
        rootfs_guard g;
        return tmpfs_truncate(d_inode_dentry(i), 0);
    }
    return 0;
}

long do_sys_open(const char* upath, unsigned flags, unsigned mode, dentry* base = nullptr) {
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
    long err = filp_open(upath, flags, &f, mode, base);
    if (err) {
        put_unused_fd(fd);
        return err;
    }
    fd_install(fd, f);
    return fd;
}

bool mount_fast_path(const char* path, inode** out);

// /dev/NAME and /proc/... straight to their tables (the common case, and
// no rootfs tree is made for them); every other name walks the rootfs.
bool mount_fast_path(const char* path, inode** out) {
    const char* rest;
    if (starts_with(path, "/dev/", &rest) && !strchr(rest, '/') && *rest && *rest != '.') {
        *out = devfs_lookup(rest);
        return *out != nullptr;
    }
    if (strcmp(path, "/proc") == 0) {
        *out = proc_lookup("");
        return *out != nullptr;
    }
    if (starts_with(path, "/proc/", &rest) && !strstr(rest, "..") && !strstr(rest, "/.")) {
        *out = proc_lookup(rest);
        return *out != nullptr;
    }
    return false;
}

}  // namespace

long path_lookupat(const char* path, bool follow, inode** out, dentry* base) {
    if (mount_fast_path(path, out)) {
        return 0;
    }
    return rootfs_lookup(path, follow, out, base);
}

long dfd_base(int dfd, file* f, dentry** base) {
    *base = nullptr;
    if (dfd == AT_FDCWD) {
        return 0;
    }
    if (!f) {
        return -EBADF;
    }
    inode* i = f->f_inode;
    if ((i->i_mode & uapi::s_ifmt) != uapi::s_ifdir) {
        return -ENOTDIR;
    }
    if (i->i_fop != &rootfs_dir_fops) {
        return -EOPNOTSUPP;
    }
    *base = d_inode_dentry(i);
    return 0;
}

long filp_open(const char* path, unsigned flags, file** out, unsigned mode, dentry* base) {
    if (*path == '\0') {
        return -ENOENT;
    }
    if ((flags & uapi::o_accmode) == uapi::o_accmode) {
        return -EINVAL;   // Linux's ioctl-only mode 3: no use for it here
    }
    inode* i;
    bool follow = !(flags & uapi::o_nofollow);
    long err = path_lookupat(path, follow, &i, base);
    if (err == -ENOENT && (flags & uapi::o_creat)) {
        err = rootfs_create(path, mode, true, &i, base);
        flags &= ~uapi::o_excl;   // made now: no EEXIST from check_open
    } else if (!err && !(flags & uapi::o_creat)) {
        flags &= ~uapi::o_excl;
    }
    if (err) {
        return err;
    }
    if ((i->i_mode & uapi::s_ifmt) == uapi::s_iflnk) {
        iput(i);
        return -ELOOP;   // O_NOFOLLOW on a symlink
    }
    err = check_open(i, flags);
    if (!err) {
        err = may_open_rootfs(i, flags);
    }
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

long sys_open(const char* path, unsigned flags, unsigned mode) { return do_sys_open(path, flags, mode); }

long sys_openat(int dfd, const char* path, unsigned flags, unsigned mode) {
    // Every task's cwd is /: AT_FDCWD and absolute names start there; a
    // relative name with a directory descriptor starts at that directory.
    dentry* base = nullptr;
    fd_ref dir(dfd == AT_FDCWD ? -1 : dfd);   // holds the directory for the call
    if (access_ok(path, 1) && path[0] != '/' && path[0] != '\0') {
        long err = dfd_base(dfd, dir.get(), &base);
        if (err) {
            return err;
        }
    }
    return do_sys_open(path, flags, mode, base);
}
