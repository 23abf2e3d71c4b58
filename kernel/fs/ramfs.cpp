// The rootfs tree: dentries and the path walk (Linux's fs/dcache.c,
// fs/namei.c link_path_walk). The calls that change it: ramfs_namei.cpp.
#include "kernel/fs/ramfs.h"

#include <string.h>

#include "kernel/fs/namei.h"
#include "kernel/mm/slab.h"
#include "kernel/sched/sync.h"
#include "kernel/time.h"
#include "kernel/uapi/errno.h"

namespace {

mutex& tree_lock() {
    static mutex m;
    return m;
}

dentry* root;

bool is_dir(const dentry* d) { return d_is_dir(d); }
bool is_lnk(const dentry* d) { return d_is_symlink(d); }

void d_free(inode* i) {
    dentry* d = d_inode_dentry(i);
    if (d->d_tmpfs) {
        tmpfs_uncharge_inode();
    }
    tmpfs_truncate(d, 0);
    kfree(d->d_pages);
    kfree(d->d_name);
    kfree(d);
}

const file_operations* fops_for(uint32_t mode, bool tmpfs) {
    if ((mode & uapi::s_ifmt) == uapi::s_ifdir) {
        return &rootfs_dir_fops;
    }
    return tmpfs ? &tmpfs_file_fops : &rootfs_file_fops;
}

uint32_t now_seconds() { return static_cast<uint32_t>(ktime_get_real_ns() / 1000000000ull); }

dentry* mkroot() {
    dentry* r = static_cast<dentry*>(kzalloc(sizeof(dentry), GFP_KERNEL));
    char* name = static_cast<char*>(kzalloc(1, GFP_KERNEL));
    if (!r || !name) {
        kfree(r);
        kfree(name);
        return nullptr;
    }
    r->d_name = name;
    r->d_parent = r;
    INIT_LIST_HEAD(&r->d_child);
    INIT_LIST_HEAD(&r->d_subdirs);
    r->d_inode.i_mode = uapi::s_ifdir | 0755;
    r->d_inode.i_ino = get_next_ino();
    r->d_inode.i_blkbits = 12;
    r->d_inode.i_count = 1;
    r->d_inode.i_fop = &rootfs_dir_fops;
    r->d_inode.i_private = r;
    r->d_inode.i_destroy = d_free;
    if (dentry* dev = d_alloc(r, "dev", 3, uapi::s_ifdir | 0755)) {
        dev->d_mount = mount_kind::dev;
        dev->d_inode.i_fop = &devfs_dir_fops;   // lists the device table
    }
    if (dentry* proc = d_alloc(r, "proc", 4, uapi::s_ifdir | 0555)) {
        proc->d_mount = mount_kind::proc;
    }
    if (dentry* tmp = d_alloc(r, "tmp", 3, uapi::s_ifdir | 01777)) {
        tmp->d_tmpfs = true;
        tmp->d_inode.i_fop = &rootfs_dir_fops;
    }
    return r;
}

// One walk step's state: where we are and how deep in symlinks.
struct nameidata {
    dentry* cur;
    int depth;
};

long walk(nameidata* nd, const char* name, bool follow_last, inode** mnt);

// Replaces nd->cur (a symlink) by what its target names, from its parent.
long follow_link(nameidata* nd, dentry* link, inode** mnt) {
    if (++nd->depth > MAXSYMLINKS) {
        return -ELOOP;
    }
    // The target is NUL-terminated in a kernel copy: the archive's body is not.
    size_t n = static_cast<size_t>(link->d_inode.i_size);
    if (n == 0 || n > uapi::path_max - 1) {
        return -ENOENT;
    }
    char* target = static_cast<char*>(kmalloc(n + 1, GFP_KERNEL));
    if (!target) {
        return -ENOMEM;
    }
    memcpy(target, link->d_data, n);
    target[n] = '\0';
    nd->cur = link->d_parent;
    long err = walk(nd, target, true, mnt);
    kfree(target);
    return err;
}

const char* strchrnul_(const char* s, char c) {
    while (*s && *s != c) {
        ++s;
    }
    return s;
}

// Finishes a lookup that reached a mount point with rest left over: "."
// components and repeated slashes dropped for devfs/proc, which know plain
// names only; ".." below a mount point is not walked back (ENOENT).
long mount_lookup(dentry* at, const char* rest, inode** out) {
    char* clean = static_cast<char*>(kmalloc(strlen(rest) + 1, GFP_KERNEL));
    if (!clean) {
        return -ENOMEM;
    }
    char* w = clean;
    for (const char* p = rest; *p;) {
        while (*p == '/') {
            ++p;
        }
        const char* end = strchrnul_(p, '/');
        size_t len = static_cast<size_t>(end - p);
        if (len == 2 && p[0] == '.' && p[1] == '.') {
            kfree(clean);
            return -ENOENT;
        }
        if (len && !(len == 1 && p[0] == '.')) {
            if (w != clean) {
                *w++ = '/';
            }
            memcpy(w, p, len);
            w += len;
        }
        p = end;
    }
    *w = '\0';
    inode* i = at->d_mount == mount_kind::dev ? devfs_lookup(clean) : proc_lookup(clean);
    kfree(clean);
    if (!i) {
        return -ENOENT;
    }
    *out = i;
    return 0;
}

// Walks name component by component from nd->cur (or the root for an
// absolute name). At a mount point with more to go, the rest is devfs's or
// proc's: *mnt is what they found (a reference) and the walk ends there.
long walk(nameidata* nd, const char* name, bool follow_last, inode** mnt) {
    if (*name == '/') {
        nd->cur = root;
    }
    const char* p = name;
    for (;;) {
        while (*p == '/') {
            ++p;
        }
        if (!*p) {
            return 0;
        }
        const char* end = strchrnul_(p, '/');
        size_t len = static_cast<size_t>(end - p);
        if (len > RAMFS_NAME_MAX) {
            return -ENAMETOOLONG;
        }
        const char* after = end;
        while (*after == '/') {
            ++after;
        }
        bool last = *after == '\0';
        bool trailing_slash = *end == '/';
        if (!is_dir(nd->cur)) {
            return -ENOTDIR;
        }
        if (nd->cur->d_mount != mount_kind::none && !(len == 2 && p[0] == '.' && p[1] == '.')) {
            return mount_lookup(nd->cur, p, mnt);
        }
        if (len == 1 && p[0] == '.') {
            // stays
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            nd->cur = nd->cur->d_parent;
        } else {
            dentry* d = d_lookup(nd->cur, p, len);
            if (!d) {
                return -ENOENT;
            }
            if (is_lnk(d) && (!last || follow_last || trailing_slash)) {
                long err = follow_link(nd, d, mnt);
                if (err) {
                    return err;
                }
                if (*mnt) {
                    if (last) {
                        return 0;
                    }
                    iput(*mnt);   // a link into /dev or /proc with more after it
                    *mnt = nullptr;
                    return -ENOENT;
                }
            } else {
                nd->cur = d;
            }
        }
        if (trailing_slash && last && !is_dir(nd->cur)) {
            return -ENOTDIR;
        }
        p = end;
    }
}

}  // namespace

void d_delete(dentry* d) {
    list_del(&d->d_child);
    d->d_unlinked = true;
    iput(&d->d_inode);
}

void rootfs_lock() { tree_lock().lock(); }
void rootfs_unlock() { tree_lock().unlock(); }

dentry* rootfs_root() {
    rootfs_guard g;
    if (!root) {
        root = mkroot();
    }
    return root;
}

void rootfs_forget() {
    root = nullptr;
    tmpfs_forget();
}

dentry* d_lookup(dentry* dir, const char* name, size_t len) {
    for (list_head* n = dir->d_subdirs.next; n != &dir->d_subdirs; n = n->next) {
        dentry* d = container_of(n, &dentry::d_child);
        if (strncmp(d->d_name, name, len) == 0 && d->d_name[len] == '\0') {
            return d;
        }
    }
    return nullptr;
}

dentry* d_alloc(dentry* dir, const char* name, size_t len, uint32_t mode) {
    if (dir->d_tmpfs && !tmpfs_charge_inode()) {
        return nullptr;
    }
    dentry* d = static_cast<dentry*>(kzalloc(sizeof(dentry), GFP_KERNEL));
    char* copy = static_cast<char*>(kmalloc(len + 1, GFP_KERNEL));
    if (!d || !copy) {
        kfree(d);
        kfree(copy);
        if (dir->d_tmpfs) {
            tmpfs_uncharge_inode();
        }
        return nullptr;
    }
    memcpy(copy, name, len);
    copy[len] = '\0';
    d->d_name = copy;
    d->d_parent = dir;
    d->d_tmpfs = dir->d_tmpfs;
    INIT_LIST_HEAD(&d->d_subdirs);
    list_add_tail(&d->d_child, &dir->d_subdirs);
    inode& i = d->d_inode;
    i.i_mode = mode;
    i.i_ino = get_next_ino();
    i.i_blkbits = 12;
    i.i_count = 1;
    i.i_fop = fops_for(mode, d->d_tmpfs);
    i.i_private = d;
    i.i_destroy = d_free;
    i.i_mtime = now_seconds();
    return d;
}

long rootfs_lookup(const char* name, bool follow, inode** out, dentry* base) {
    if (!rootfs_root()) {
        return -ENOMEM;
    }
    if (!*name) {
        return -ENOENT;
    }
    rootfs_guard g;
    nameidata nd{base ? base : root, 0};
    if (nd.cur->d_unlinked && *name != '/') {
        return -ENOENT;   // a removed directory holds no names
    }
    inode* mnt = nullptr;
    long err = walk(&nd, name, follow, &mnt);
    if (err) {
        return err;
    }
    if (mnt) {
        *out = mnt;
        return 0;
    }
    if (nd.cur->d_mount == mount_kind::proc) {
        return mount_lookup(nd.cur, "", out);   // /proc itself is proc's root
    }
    ihold(&nd.cur->d_inode);
    *out = &nd.cur->d_inode;
    return 0;
}

// rootfs_lock held. The directory holding name's last component.
long rootfs_lookup_parent(const char* name, dentry** parent, const char** last, size_t* lastlen, dentry* base) {
    if (!*name) {
        return -ENOENT;
    }
    // Split off the last component (trailing slashes belong to it).
    const char* end = name + strlen(name);
    while (end > name && end[-1] == '/') {
        --end;
    }
    if (end == name) {
        return -EBUSY;   // "/" itself: Linux's EBUSY for rmdir, EEXIST for mkdir
    }
    const char* start = end;
    while (start > name && start[-1] != '/') {
        --start;
    }
    size_t len = static_cast<size_t>(end - start);
    if (len > RAMFS_NAME_MAX) {
        return -ENAMETOOLONG;
    }
    if ((len == 1 && start[0] == '.') || (len == 2 && start[0] == '.' && start[1] == '.')) {
        return -EINVAL;
    }
    // Walk the directory part in a copy cut at start.
    size_t dlen = static_cast<size_t>(start - name);
    char* dir = static_cast<char*>(kmalloc(dlen + 1, GFP_KERNEL));
    if (!dir) {
        return -ENOMEM;
    }
    memcpy(dir, name, dlen);
    dir[dlen] = '\0';
    nameidata nd{base ? base : root, 0};
    inode* mnt = nullptr;
    long err = walk(&nd, dir, true, &mnt);
    kfree(dir);
    if (err) {
        return err;
    }
    if (mnt) {
        iput(mnt);
        return -EROFS;   // /dev and /proc make no new names
    }
    if (nd.cur->d_mount != mount_kind::none) {
        return -EROFS;   // /dev and /proc make no new names
    }
    if (!is_dir(nd.cur)) {
        return -ENOTDIR;
    }
    if (nd.cur->d_unlinked) {
        return -ENOENT;
    }
    *parent = nd.cur;
    *last = start;
    *lastlen = len;
    return 0;
}
