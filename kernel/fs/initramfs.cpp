// Unpacking the built-in cpio archive into the rootfs tree (Linux's
// init/initramfs.c unpack_to_rootfs and do_name/do_copy/do_symlink), but
// without copying bodies: files and symlinks point into the archive.
#include <string.h>

#include "kernel/fs/cpio.h"
#include "kernel/fs/ramfs.h"
#include "kernel/printk.h"
#include "kernel/uapi/errno.h"

namespace {

bool is_dot_or_dotdot(const char* p, size_t len) {
    return (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.');
}

// The entry's directory, made (0755) where the archive did not list it;
// *last is the final component. nullptr: a name this tree will not take
// (".." inside, under a mount point or /tmp, or a file in the way).
dentry* parent_of(dentry* root, const char* name, const char** last, size_t* lastlen) {
    dentry* dir = root;
    const char* p = name;
    for (;;) {
        while (*p == '/') {
            ++p;
        }
        const char* end = p;
        while (*end && *end != '/') {
            ++end;
        }
        size_t len = static_cast<size_t>(end - p);
        const char* next = end;
        while (*next == '/') {
            ++next;
        }
        if (len > RAMFS_NAME_MAX || (len == 2 && is_dot_or_dotdot(p, len))) {
            return nullptr;
        }
        if (!*next) {
            *last = p;
            *lastlen = len;
            return dir;
        }
        if (len == 1 && p[0] == '.') {
            p = next;
            continue;
        }
        dentry* d = d_lookup(dir, p, len);
        if (!d) {
            d = d_alloc(dir, p, len, uapi::s_ifdir | 0755);
            if (!d) {
                return nullptr;
            }
        }
        if ((d->d_inode.i_mode & uapi::s_ifmt) != uapi::s_ifdir || d->d_mount != mount_kind::none ||
            d->d_tmpfs) {
            return nullptr;
        }
        dir = d;
        p = next;
    }
}

enum class added { ok, skipped, no_memory };

added add_entry(dentry* root, const cpio::entry& e, const char* what) {
    uint32_t type = e.mode & uapi::s_ifmt;
    if (type != uapi::s_ifdir && type != uapi::s_ifreg && type != uapi::s_iflnk) {
        pr_warn("%s: %s: not a file, directory or symlink (mode %o), skipped\n", what, e.name, e.mode);
        return added::skipped;
    }
    const char* last;
    size_t len;
    dentry* dir = parent_of(root, e.name, &last, &len);
    if (!dir) {
        pr_warn("%s: %s: name not taken (.., mount point, /tmp or no memory)\n", what, e.name);
        return added::skipped;
    }
    if (len == 0 || (len == 1 && last[0] == '.')) {
        if (type == uapi::s_ifdir && dir == root) {
            return added::ok;   // "." : the root itself
        }
        return added::skipped;
    }
    dentry* d = d_lookup(dir, last, len);
    if (d) {
        // A directory listed after its children (or twice) keeps them.
        if (type == uapi::s_ifdir && (d->d_inode.i_mode & uapi::s_ifmt) == uapi::s_ifdir) {
            if (d->d_mount == mount_kind::none && !d->d_tmpfs) {
                d->d_inode.i_mode = e.mode;
                d->d_inode.i_mtime = e.mtime;
            }
            return added::ok;
        }
        uint32_t had = d->d_inode.i_mode & uapi::s_ifmt;
        if (type == uapi::s_ifdir || had == uapi::s_ifdir || d->d_tmpfs || d->d_mount != mount_kind::none) {
            pr_warn("%s: %s: a %s already there, kept\n", what, e.name,
                    had == uapi::s_ifdir ? "directory" : "file");
            return added::skipped;
        }
        d->d_inode.i_mode = e.mode;
        d->d_inode.i_mtime = e.mtime;
        d->d_data = e.data;
        d->d_inode.i_size = e.filesize;
        return added::ok;
    }
    d = d_alloc(dir, last, len, e.mode);
    if (!d) {
        return added::no_memory;
    }
    d->d_inode.i_mtime = e.mtime;
    if (type != uapi::s_ifdir) {
        d->d_data = e.data;
        d->d_inode.i_size = e.filesize;
    }
    return added::ok;
}

}  // namespace

long populate_rootfs(const uint8_t* buf, size_t len, const char* what) {
    dentry* root = rootfs_root();
    if (!root) {
        pr_err("%s: no memory for the root\n", what);
        return -ENOMEM;
    }
    // Linux would decompress (gzip, xz, ...) here; this kernel takes only
    // what it can serve in place.
    if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b) {
        pr_err("%s: a gzip-compressed archive; only an uncompressed newc cpio is served in place\n", what);
        return -EINVAL;
    }
    rootfs_guard g;
    size_t off = 0;
    unsigned files = 0, skipped = 0;
    for (;;) {
        cpio::entry e;
        size_t at = off;
        cpio::status s = cpio::next(buf, len, &off, &e);
        if (s == cpio::status::end) {
            break;
        }
        if (s != cpio::status::ok) {
            pr_err("%s: bad archive at offset %u of %u: %s; %u entries kept\n", what,
                   static_cast<unsigned>(at), static_cast<unsigned>(len), cpio::status_str(s), files);
            return -EINVAL;
        }
        switch (add_entry(root, e, what)) {
        case added::ok: ++files; break;
        case added::skipped: ++skipped; break;
        case added::no_memory:
            pr_err("%s: out of memory at %s; %u entries kept\n", what, e.name, files);
            return -ENOMEM;
        }
    }
    pr_info("%s: %u entries (%u bytes, served in place), %u skipped\n", what, files,
            static_cast<unsigned>(len), skipped);
    return 0;
}
