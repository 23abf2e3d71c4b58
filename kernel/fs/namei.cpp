// The calls that change names, all under /tmp (Linux's fs/namei.c
// do_unlinkat, do_mkdirat, do_rmdir, do_renameat2) and truncate
// (fs/open.c do_sys_truncate).
#include "kernel/fs/fdtable.h"
#include "kernel/fs/namei.h"
#include "kernel/fs/ramfs.h"
#include "kernel/syscalls.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"

namespace {

// A user name, checked (strnlen_user: EFAULT, ENAMETOOLONG); empty is ENOENT.
long check_name(const char* name) {
    long len = strnlen_user(name, uapi::path_max);
    if (len < 0) {
        return len;
    }
    return len == 0 ? -ENOENT : 0;
}

long do_truncate(inode* i, long length) {
    if (length < 0) {
        return -EINVAL;
    }
    uint32_t type = i->i_mode & uapi::s_ifmt;
    if (type == uapi::s_ifdir) {
        return -EISDIR;
    }
    if (i->i_fop == &rootfs_file_fops) {
        return -EROFS;
    }
    if (i->i_fop != &tmpfs_file_fops) {
        return -EINVAL;
    }
    rootfs_guard g;
    return tmpfs_truncate(d_inode_dentry(i), length);
}

}  // namespace

long sys_unlink(const char* name) {
    long err = check_name(name);
    return err ? err : rootfs_unlink(name);
}

long sys_mkdir(const char* name, unsigned mode) {
    long err = check_name(name);
    return err ? err : rootfs_mkdir(name, mode);
}

long sys_rmdir(const char* name) {
    long err = check_name(name);
    return err ? err : rootfs_rmdir(name);
}

long sys_rename(const char* oldname, const char* newname) {
    long err = check_name(oldname);
    if (!err) {
        err = check_name(newname);
    }
    return err ? err : rootfs_rename(oldname, newname);
}

long sys_truncate(const char* name, long length) {
    long err = check_name(name);
    if (err) {
        return err;
    }
    inode* i;
    err = path_lookupat(name, true, &i);
    if (err) {
        return err;
    }
    err = do_truncate(i, length);
    iput(i);
    return err;
}

long sys_ftruncate(int fd, long length) {
    fd_ref f(fd);
    if (!f) {
        return -EBADF;
    }
    if (!(f->f_mode & FMODE_WRITE)) {
        return -EINVAL;   // Linux: EINVAL when not open for writing
    }
    return do_truncate(f->f_inode, length);
}
