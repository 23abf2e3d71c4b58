// Making and removing names in the rootfs tree, under /tmp only (Linux's
// fs/namei.c do_mknodat/do_mkdirat/do_rmdir/do_unlinkat/do_renameat2 over
// fs/libfs.c's simple_* operations). The syscalls: namei.cpp.
#include <string.h>

#include "kernel/fs/ramfs.h"
#include "kernel/mm/slab.h"
#include "kernel/uapi/errno.h"

namespace {

// Linux's default umask (current->fs->umask): there is no umask() here.
constexpr unsigned DEFAULT_UMASK = 022;

bool is_dir(const dentry* d) { return d_is_dir(d); }
bool is_lnk(const dentry* d) { return d_is_symlink(d); }

}  // namespace

long rootfs_create(const char* name, unsigned mode, bool excl, inode** out, dentry* base) {
    if (!rootfs_root()) {
        return -ENOMEM;
    }
    rootfs_guard g;
    dentry* dir;
    const char* last;
    size_t len;
    long err = rootfs_lookup_parent(name, &dir, &last, &len, base);
    if (err) {
        return err == -EBUSY ? -EISDIR : err;
    }
    if (dentry* d = d_lookup(dir, last, len)) {
        if (excl) {
            return -EEXIST;
        }
        if (is_lnk(d)) {
            return -ELOOP;   // O_CREAT over a symlink: not followed here
        }
        ihold(&d->d_inode);
        *out = &d->d_inode;
        return 0;
    }
    if (last[len] == '/') {
        return -EISDIR;   // "name/" cannot be created as a file
    }
    if (!dir->d_tmpfs) {
        return -EROFS;
    }
    dentry* d = d_alloc(dir, last, len, uapi::s_ifreg | (mode & 07777 & ~DEFAULT_UMASK));
    if (!d) {
        return tmpfs_inodes_full() ? -ENOSPC : -ENOMEM;
    }
    ihold(&d->d_inode);
    *out = &d->d_inode;
    return 0;
}

long rootfs_mkdir(const char* name, unsigned mode) {
    if (!rootfs_root()) {
        return -ENOMEM;
    }
    rootfs_guard g;
    dentry* dir;
    const char* last;
    size_t len;
    long err = rootfs_lookup_parent(name, &dir, &last, &len);
    if (err) {
        return err == -EBUSY || err == -EINVAL ? -EEXIST : err;
    }
    if (d_lookup(dir, last, len)) {
        return -EEXIST;
    }
    if (!dir->d_tmpfs) {
        return -EROFS;
    }
    if (!d_alloc(dir, last, len, uapi::s_ifdir | (mode & 07777 & ~DEFAULT_UMASK))) {
        return tmpfs_inodes_full() ? -ENOSPC : -ENOMEM;
    }
    return 0;
}

long rootfs_rmdir(const char* name) {
    if (!rootfs_root()) {
        return -ENOMEM;
    }
    rootfs_guard g;
    dentry* dir;
    const char* last;
    size_t len;
    long err = rootfs_lookup_parent(name, &dir, &last, &len);
    if (err) {
        return err;
    }
    dentry* d = d_lookup(dir, last, len);
    if (!d) {
        return -ENOENT;
    }
    if (!is_dir(d)) {
        return -ENOTDIR;
    }
    if (!dir->d_tmpfs || d->d_mount != mount_kind::none) {
        return d->d_mount != mount_kind::none || d->d_tmpfs ? -EBUSY : -EROFS;
    }
    if (!list_empty(&d->d_subdirs)) {
        return -ENOTEMPTY;
    }
    d_delete(d);
    return 0;
}

long rootfs_unlink(const char* name) {
    if (!rootfs_root()) {
        return -ENOMEM;
    }
    rootfs_guard g;
    dentry* dir;
    const char* last;
    size_t len;
    long err = rootfs_lookup_parent(name, &dir, &last, &len);
    if (err) {
        return err == -EBUSY || err == -EINVAL ? -EISDIR : err;
    }
    dentry* d = d_lookup(dir, last, len);
    if (!d) {
        return -ENOENT;
    }
    if (is_dir(d)) {
        return -EISDIR;
    }
    if (last[len] == '/') {
        return -ENOTDIR;
    }
    if (!dir->d_tmpfs) {
        return -EROFS;
    }
    d_delete(d);
    return 0;
}

long rootfs_rename(const char* oldname, const char* newname) {
    if (!rootfs_root()) {
        return -ENOMEM;
    }
    rootfs_guard g;
    dentry *odir, *ndir;
    const char *olast, *nlast;
    size_t olen, nlen;
    long err = rootfs_lookup_parent(oldname, &odir, &olast, &olen);
    if (!err) {
        err = rootfs_lookup_parent(newname, &ndir, &nlast, &nlen);
    }
    if (err) {
        return err == -EINVAL || err == -EBUSY ? -EBUSY : err;
    }
    dentry* d = d_lookup(odir, olast, olen);
    if (!d) {
        return -ENOENT;
    }
    if (!odir->d_tmpfs || !ndir->d_tmpfs) {
        return -EXDEV;   // another filesystem: the read-only archive
    }
    // A directory into itself or below it.
    for (dentry* a = ndir; a != a->d_parent; a = a->d_parent) {
        if (a == d) {
            return -EINVAL;
        }
    }
    dentry* victim = d_lookup(ndir, nlast, nlen);
    if (victim == d) {
        return 0;
    }
    char* copy = static_cast<char*>(kmalloc(nlen + 1, GFP_KERNEL));
    if (!copy) {
        return -ENOMEM;
    }
    if (victim) {
        bool vdir = is_dir(victim);
        long e = 0;
        if (is_dir(d) && !vdir) {
            e = -ENOTDIR;
        } else if (!is_dir(d) && vdir) {
            e = -EISDIR;
        } else if (vdir && !list_empty(&victim->d_subdirs)) {
            e = -ENOTEMPTY;
        }
        if (e) {
            kfree(copy);
            return e;
        }
        d_delete(victim);
    }
    memcpy(copy, nlast, nlen);
    copy[nlen] = '\0';
    kfree(d->d_name);
    d->d_name = copy;
    list_del(&d->d_child);
    d->d_parent = ndir;
    list_add_tail(&d->d_child, &ndir->d_subdirs);
    return 0;
}
