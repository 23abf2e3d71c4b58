// The root filesystem: a tree of dentries, each with its inode inside, as
// Linux's rootfs (ramfs/tmpfs) after init/initramfs.c unpacked the built-in
// archive into it. Two kinds of body:
//   - files from the archive are served in place: d_data points into the
//     archive linked into the image, read-only (no copy, no page cache);
//   - files made under /tmp (tmpfs) keep their bytes in kmalloc'd pages,
//     bounded by tmpfs_max_pages (ENOSPC past it).
// Everything outside /tmp is read-only: EROFS for writes, creates, unlinks.
// /dev and /proc are mount points: the walk hands the rest of the name to
// devfs_lookup() and proc_lookup() there.
//
// One sleeping lock (rootfs_lock, Linux's i_rwsem in one) orders tree changes
// and tmpfs bodies; lookups of the read-only tree take it too.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/fs/fs.h"
#include "kernel/list.h"

constexpr size_t RAMFS_NAME_MAX = 255;   // Linux's NAME_MAX (a libc macro)
constexpr size_t TMPFS_PAGE_SIZE = 4096;
constexpr int MAXSYMLINKS = 8;   // symlinks one lookup may follow (Linux: 40)

enum class mount_kind : uint8_t { none, dev, proc };

struct dentry {
    char* d_name;                 // kmalloc'd, NUL-terminated
    dentry* d_parent;             // the root is its own parent
    list_head d_child;            // in d_parent->d_subdirs
    list_head d_subdirs;
    mount_kind d_mount;
    bool d_tmpfs;                 // under /tmp: writable
    bool d_unlinked;              // out of the tree, alive while files hold it
    inode d_inode;                // i_private = this dentry
    const uint8_t* d_data;        // archive files and symlinks: the body in place
    char** d_pages;               // tmpfs files: i_size bytes in pages
    size_t d_npages;
};

inline dentry* d_inode_dentry(inode* i) { return static_cast<dentry*>(i->i_private); }
inline bool d_is_dir(const dentry* d) { return (d->d_inode.i_mode & uapi::s_ifmt) == uapi::s_ifdir; }
inline bool d_is_symlink(const dentry* d) { return (d->d_inode.i_mode & uapi::s_ifmt) == uapi::s_iflnk; }

// The tree's root, made on first use (with /dev, /proc and /tmp in it).
dentry* rootfs_root();
// Forgets the tree without freeing it: for host tests, whose memory arena
// was just reset under it (tests/unit/host/sched_host.h).
void rootfs_forget();
void tmpfs_forget();

// Walks name from the root, or a relative one from base (nullptr: the root,
// every task's cwd). follow: a symlink at the end is followed (stat, open)
// or not (lstat, readlink). Gives an inode reference; 0 or -ENOENT,
// -ENOTDIR, -ELOOP, -ENAMETOOLONG.
long rootfs_lookup(const char* name, bool follow, inode** out, dentry* base = nullptr);

// The parent directory of name's last component, and that component, for
// creating and removing. *last points into name. -errno as rootfs_lookup,
// -EROFS outside tmpfs; -EEXIST/-EINVAL for "/" or a trailing "." / "..".
long rootfs_lookup_parent(const char* name, dentry** parent, const char** last, size_t* lastlen,
                          dentry* base = nullptr);

// The entry called name[0, len) in dir (rootfs_lock held), or nullptr.
dentry* d_lookup(dentry* dir, const char* name, size_t len);
// A new child (rootfs_lock held) with i_count 1 (the tree's own); nullptr:
// no memory, or /tmp's names all taken (tmpfs_inodes_full()).
dentry* d_alloc(dentry* dir, const char* name, size_t len, uint32_t mode);
// Out of the tree (rootfs_lock held), dropping the tree's reference: the
// inode lives on while open files hold it.
void d_delete(dentry* d);

// Tree changes (-errno), under /tmp only.
long rootfs_create(const char* name, unsigned mode, bool excl, inode** out, dentry* base = nullptr);
long rootfs_mkdir(const char* name, unsigned mode);
long rootfs_rmdir(const char* name);
long rootfs_unlink(const char* name);
long rootfs_rename(const char* oldname, const char* newname);

// tmpfs bodies (rootfs_lock held by the caller).
long tmpfs_truncate(dentry* d, loff_t size);    // 0, -ENOSPC, -EFBIG
size_t tmpfs_pages_used();
void tmpfs_set_max_pages(size_t pages);         // host tests; default 1024 (4 MiB)
// The limit from the command line: tmpfs.size=KiB (Linux's tmpfs size= option),
// and /proc/mounts.
void tmpfs_init();
// Names under /tmp are bounded too (Linux's nr_inodes), default 1024:
// charge fails (false) when full; uncharge when an inode goes.
bool tmpfs_charge_inode();
void tmpfs_uncharge_inode();
bool tmpfs_inodes_full();
void tmpfs_set_max_inodes(size_t n);   // host tests

// For sendfile: the file body's bytes at pos, up to count, into buf
// (tmpfs) or as a pointer into the archive (*in_place, no copy).
long rootfs_read_kernel(inode* i, loff_t pos, char* buf, size_t count, const char** in_place);

// Lock for the tree and tmpfs bodies.
void rootfs_lock();
void rootfs_unlock();
struct rootfs_guard {
    rootfs_guard() { rootfs_lock(); }
    ~rootfs_guard() { rootfs_unlock(); }
    rootfs_guard(const rootfs_guard&) = delete;
    rootfs_guard& operator=(const rootfs_guard&) = delete;
};

extern const file_operations rootfs_file_fops;   // archive files: read, llseek
extern const file_operations tmpfs_file_fops;    // /tmp files: read, write, llseek
extern const file_operations rootfs_dir_fops;    // directories: getdents64, llseek


// Unpacks a newc archive into the tree (init/initramfs.c's unpack_to_rootfs):
// files are served in place, so buf must live forever. On a malformed
// archive, a clear message, what was read before stays, and -EINVAL. A file
// or symlink already in the tree (from an earlier archive, or earlier in this
// one) is replaced, as Linux's do_name() truncates it; what names the
// messages: "initramfs" for the built-in archive, "initrd" for the loader's.
long populate_rootfs(const uint8_t* buf, size_t len, const char* what = "initramfs");
