// stat, lstat, fstat, readlink (Linux's fs/stat.c, cp_new_stat for the o32
// struct stat), access (fs/open.c do_faccessat) and getcwd (fs/d_path.c).
#include <string.h>

#include "kernel/fs/fdtable.h"
#include "kernel/fs/namei.h"
#include "kernel/fs/ramfs.h"
#include "kernel/syscalls.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"

namespace {

long cp_new_stat(const inode* i, uapi::stat* st) {
    uapi::stat s{};
    s.st_mode = i->i_mode;
    s.st_ino = static_cast<uint32_t>(i->i_ino);
    bool dir = (i->i_mode & uapi::s_ifmt) == uapi::s_ifdir;
    s.st_nlink = dir ? 2 : 1;   // no hard links: a directory's . and its name
    s.st_rdev = i->i_rdev;
    if (i->i_size > 0x7fffffff) {
        return -EOVERFLOW;   // o32's 32-bit st_size: stat64 would be the way
    }
    s.st_size = static_cast<int32_t>(i->i_size);
    s.st_atime_sec = s.st_mtime_sec = s.st_ctime_sec = static_cast<int32_t>(i->i_mtime);
    s.st_blksize = 1 << i->i_blkbits;
    s.st_blocks = static_cast<int32_t>((i->i_size + 511) / 512);   // 512-byte units
    return copy_to_user(st, &s, sizeof s);
}

long cp_new_stat64(const inode* i, uapi::stat64* st) {
    uapi::stat64 s{};
    s.st_mode = i->i_mode;
    s.st_ino = i->i_ino;
    bool dir = (i->i_mode & uapi::s_ifmt) == uapi::s_ifdir;
    s.st_nlink = dir ? 2 : 1;   // no hard links: a directory's . and its name
    s.st_rdev = i->i_rdev;
    s.st_size = i->i_size;
    s.st_atime_sec = s.st_mtime_sec = s.st_ctime_sec = static_cast<int32_t>(i->i_mtime);
    s.st_blksize = 1u << i->i_blkbits;
    s.st_blocks = (i->i_size + 511) / 512;
    return copy_to_user(st, &s, sizeof s);
}

// Both layouts through one lookup.
template <typename Stat>
long stat_path(const char* path, Stat* st, bool follow, dentry* base = nullptr) {
    long len = strnlen_user(path, uapi::path_max);
    if (len < 0) {
        return len;
    }
    inode* i;
    long err = path_lookupat(path, follow, &i, base);
    if (err) {
        return err;
    }
    if constexpr (sizeof(Stat) == sizeof(uapi::stat)) {
        err = cp_new_stat(i, st);
    } else {
        err = cp_new_stat64(i, st);
    }
    iput(i);
    return err;
}

constexpr int AT_FDCWD = -100;
constexpr int AT_SYMLINK_NOFOLLOW = 0x100;
constexpr int AT_NO_AUTOMOUNT = 0x800;
constexpr int AT_EMPTY_PATH = 0x1000;

}  // namespace

long sys_fstat(int fd, uapi::stat* st) {
    fd_ref f(fd);
    if (!f) {
        return -EBADF;
    }
    return cp_new_stat(f->f_inode, st);
}

long sys_newstat(const char* path, uapi::stat* st) { return stat_path(path, st, true); }
long sys_newlstat(const char* path, uapi::stat* st) { return stat_path(path, st, false); }
long sys_stat64(const char* path, uapi::stat64* st) { return stat_path(path, st, true); }
long sys_lstat64(const char* path, uapi::stat64* st) { return stat_path(path, st, false); }

long sys_fstat64(int fd, uapi::stat64* st) {
    fd_ref f(fd);
    if (!f) {
        return -EBADF;
    }
    return cp_new_stat64(f->f_inode, st);
}

// o32 has no newfstatat: fstatat64 is the at-call (relative names from
// dfd's directory as in openat; every task's cwd is /).
long sys_fstatat64(int dfd, const char* path, uapi::stat64* st, int flag) {
    if (flag & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)) {
        return -EINVAL;
    }
    long len = strnlen_user(path, uapi::path_max);
    if (len < 0) {
        return len;
    }
    if (len == 0 && (flag & AT_EMPTY_PATH)) {
        return sys_fstat64(dfd, st);
    }
    dentry* base = nullptr;
    fd_ref dir(dfd == AT_FDCWD ? -1 : dfd);   // holds the directory for the call
    if (len > 0 && path[0] != '/') {
        long err = dfd_base(dfd, dir.get(), &base);
        if (err) {
            return err;
        }
    }
    return stat_path(path, st, !(flag & AT_SYMLINK_NOFOLLOW), base);
}

long sys_readlink(const char* path, char* buf, int bufsiz) {
    if (bufsiz <= 0) {
        return -EINVAL;
    }
    long len = strnlen_user(path, uapi::path_max);
    if (len < 0) {
        return len;
    }
    inode* i;
    long err = path_lookupat(path, false, &i);
    if (err) {
        return err;
    }
    if ((i->i_mode & uapi::s_ifmt) != uapi::s_iflnk) {
        iput(i);
        return -EINVAL;
    }
    size_t n = static_cast<size_t>(i->i_size);
    if (n > static_cast<size_t>(bufsiz)) {
        n = static_cast<size_t>(bufsiz);   // cut, no NUL: readlink(2)
    }
    err = copy_to_user(buf, d_inode_dentry(i)->d_data, n);
    iput(i);
    return err ? err : static_cast<long>(n);
}

// Every app runs as root (Linux's CAP_DAC_OVERRIDE): R_OK and W_OK pass on
// any mode, X_OK needs an x bit somewhere (or a directory). W_OK on the
// read-only archive is EROFS, as Linux's for a read-only mount.
long sys_access(const char* path, int mode) {
    constexpr int R_OK = 4, W_OK = 2, X_OK = 1;
    if (mode & ~(R_OK | W_OK | X_OK)) {
        return -EINVAL;
    }
    long len = strnlen_user(path, uapi::path_max);
    if (len < 0) {
        return len;
    }
    inode* i;
    long err = path_lookupat(path, true, &i);
    if (err) {
        return err;
    }
    bool dir = (i->i_mode & uapi::s_ifmt) == uapi::s_ifdir;
    bool archive = i->i_fop == &rootfs_file_fops || (i->i_fop == &rootfs_dir_fops && !d_inode_dentry(i)->d_tmpfs);
    if ((mode & W_OK) && archive) {
        err = -EROFS;
    } else if ((mode & X_OK) && !dir && !(i->i_mode & 0111)) {
        err = -EACCES;
    }
    iput(i);
    return err;
}

// Every task's working directory is the root.
long sys_getcwd(char* buf, unsigned long size) {
    if (size < 2) {
        return -ERANGE;
    }
    return copy_to_user(buf, "/", 2) ? -EFAULT : 2;
}
