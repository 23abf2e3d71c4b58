// Reading and writing rootfs files and listing its directories (Linux's
// fs/libfs.c generic_file_llseek and dcache_readdir, mm/shmem.c for the
// /tmp bodies). Archive files are read in place; tmpfs files keep their
// bytes in pages, charged against one limit for all of /tmp.
#include <string.h>

#include "kernel/fs/proc.h"
#include "kernel/fs/ramfs.h"
#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/mm/slab.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"

namespace {

size_t max_pages = 1024;   // 4 MiB of /tmp
size_t pages_used;
size_t max_inodes = 1024;
size_t inodes_used;

// The largest tmpfs file, holes included (EFBIG past it): it bounds the page
// array (64 KiB at most) that a write far past the end would otherwise make
// as big as it likes outside the page limit.
constexpr loff_t TMPFS_MAX_FILESIZE = 64 << 20;

loff_t rootfs_llseek(file* f, loff_t offset, int whence) {
    loff_t size = f->f_inode->i_size;
    loff_t to;
    switch (static_cast<unsigned>(whence)) {
    case uapi::seek_set: to = offset; break;
    case uapi::seek_cur: to = f->f_pos + offset; break;
    case uapi::seek_end: to = size + offset; break;
    default: return -EINVAL;   // SEEK_DATA/SEEK_HOLE: no holes to report
    }
    if (to < 0) {
        return -EINVAL;
    }
    f->f_pos = to;
    return to;
}

// Directories seek only to places readdir gave (entry numbers), or back to 0.
loff_t dir_llseek(file* f, loff_t offset, int whence) {
    if (whence != static_cast<int>(uapi::seek_set) && whence != static_cast<int>(uapi::seek_cur)) {
        return -EINVAL;
    }
    loff_t to = whence == static_cast<int>(uapi::seek_set) ? offset : f->f_pos + offset;
    if (to < 0) {
        return -EINVAL;
    }
    f->f_pos = to;
    return to;
}

long archive_read(file* f, char* buf, size_t count, loff_t* pos) {
    const inode* i = f->f_inode;
    if (*pos < 0 || *pos >= i->i_size) {
        return 0;
    }
    loff_t left = i->i_size - *pos;
    size_t n = static_cast<loff_t>(count) < left ? count : static_cast<size_t>(left);
    const dentry* d = static_cast<const dentry*>(i->i_private);
    if (copy_to_user(buf, d->d_data + *pos, n)) {
        return -EFAULT;
    }
    *pos += static_cast<loff_t>(n);
    return static_cast<long>(n);
}

// Copies [pos, pos + n) of a tmpfs body (holes read as zeros); lock held.
void tmpfs_copy_out(const dentry* d, loff_t pos, char* to, size_t n) {
    while (n) {
        size_t pg = static_cast<size_t>(pos / TMPFS_PAGE_SIZE);
        size_t at = static_cast<size_t>(pos % TMPFS_PAGE_SIZE);
        size_t chunk = TMPFS_PAGE_SIZE - at < n ? TMPFS_PAGE_SIZE - at : n;
        if (pg < d->d_npages && d->d_pages[pg]) {
            memcpy(to, d->d_pages[pg] + at, chunk);
        } else {
            memset(to, 0, chunk);
        }
        to += chunk;
        pos += static_cast<loff_t>(chunk);
        n -= chunk;
    }
}

long tmpfs_read(file* f, char* buf, size_t count, loff_t* pos) {
    rootfs_guard g;
    const inode* i = f->f_inode;
    if (*pos < 0 || *pos >= i->i_size) {
        return 0;
    }
    loff_t left = i->i_size - *pos;
    size_t n = static_cast<loff_t>(count) < left ? count : static_cast<size_t>(left);
    if (!access_ok(buf, n)) {
        return -EFAULT;
    }
    tmpfs_copy_out(d_inode_dentry(f->f_inode), *pos, buf, n);
    *pos += static_cast<loff_t>(n);
    return static_cast<long>(n);
}

// The page array covers at least npages slots (lock held).
bool tmpfs_grow_array(dentry* d, size_t npages) {
    if (npages <= d->d_npages) {
        return true;
    }
    size_t want = d->d_npages ? d->d_npages : 4;
    while (want < npages) {
        want *= 2;
    }
    char** a = static_cast<char**>(kcalloc(want, sizeof(char*), GFP_KERNEL));
    if (!a) {
        return false;
    }
    if (d->d_npages) {
        memcpy(a, d->d_pages, d->d_npages * sizeof(char*));
    }
    kfree(d->d_pages);
    d->d_pages = a;
    d->d_npages = want;
    return true;
}

// The page holding byte pos, allocated (zeroed) if need be; nullptr: ENOSPC.
char* tmpfs_page(dentry* d, loff_t pos) {
    size_t pg = static_cast<size_t>(pos / TMPFS_PAGE_SIZE);
    if (!tmpfs_grow_array(d, pg + 1)) {
        return nullptr;
    }
    if (!d->d_pages[pg]) {
        {
            // d_free() gives pages back without the tree lock: the count is irq-safe.
            cpu::irq_guard guard;
            if (pages_used >= max_pages) {
                return nullptr;
            }
            ++pages_used;
        }
        d->d_pages[pg] = static_cast<char*>(kzalloc(TMPFS_PAGE_SIZE, GFP_KERNEL | __GFP_NOWARN));
        if (!d->d_pages[pg]) {
            cpu::irq_guard guard;
            --pages_used;
            return nullptr;
        }
    }
    return d->d_pages[pg];
}

long tmpfs_write(file* f, const char* buf, size_t count, loff_t* pos) {
    rootfs_guard g;
    inode* i = f->f_inode;
    dentry* d = d_inode_dentry(i);
    if (f->f_flags & uapi::o_append) {
        *pos = i->i_size;
    }
    if (*pos < 0) {
        return -EINVAL;
    }
    if (*pos >= TMPFS_MAX_FILESIZE) {
        return count ? -EFBIG : 0;
    }
    if (static_cast<loff_t>(count) > TMPFS_MAX_FILESIZE - *pos) {
        count = static_cast<size_t>(TMPFS_MAX_FILESIZE - *pos);
    }
    size_t done = 0;
    while (done < count) {
        loff_t at = *pos + static_cast<loff_t>(done);
        size_t off = static_cast<size_t>(at % TMPFS_PAGE_SIZE);
        size_t chunk = TMPFS_PAGE_SIZE - off < count - done ? TMPFS_PAGE_SIZE - off : count - done;
        char* page = tmpfs_page(d, at);
        if (!page) {
            break;
        }
        if (copy_from_user(page + off, buf + done, chunk)) {
            if (!done) {
                return -EFAULT;
            }
            break;
        }
        done += chunk;
    }
    if (!done && count) {
        return -ENOSPC;
    }
    *pos += static_cast<loff_t>(done);
    if (*pos > i->i_size) {
        i->i_size = *pos;
    }
    i->i_mtime = static_cast<uint32_t>(ktime_get_real_ns() / 1000000000ull);
    return static_cast<long>(done);
}

long dir_read(file*, char*, size_t, loff_t*) { return -EISDIR; }

unsigned dt_type(uint32_t mode) { return (mode & uapi::s_ifmt) >> 12; }   // DT_* = S_IFMT >> 12

// Positions: 0 ".", 1 "..", then the children in order (2 is the first).
int rootfs_iterate(file* f, dir_context* ctx) {
    rootfs_guard g;
    dentry* dir = d_inode_dentry(f->f_inode);
    if (dir->d_unlinked) {
        return 0;   // a removed directory lists nothing, as Linux's
    }
    if (ctx->pos == 0) {
        if (!ctx->actor(ctx, ".", 1, 1, dir->d_inode.i_ino, dt_type(uapi::s_ifdir))) {
            return 0;
        }
        ctx->pos = 1;
    }
    if (ctx->pos == 1) {
        if (!ctx->actor(ctx, "..", 2, 2, dir->d_parent->d_inode.i_ino, dt_type(uapi::s_ifdir))) {
            return 0;
        }
        ctx->pos = 2;
    }
    loff_t n = 2;
    for (list_head* l = dir->d_subdirs.next; l != &dir->d_subdirs; l = l->next, ++n) {
        if (n < ctx->pos) {
            continue;
        }
        dentry* d = container_of(l, &dentry::d_child);
        if (!ctx->actor(ctx, d->d_name, strlen(d->d_name), n + 1, d->d_inode.i_ino,
                        dt_type(d->d_inode.i_mode))) {
            return 0;
        }
        ctx->pos = n + 1;
    }
    return 0;
}

}  // namespace

const file_operations rootfs_file_fops = {
    .llseek = rootfs_llseek,
    .read = archive_read,
};

const file_operations tmpfs_file_fops = {
    .llseek = rootfs_llseek,
    .read = tmpfs_read,
    .write = tmpfs_write,
};

const file_operations rootfs_dir_fops = {
    .llseek = dir_llseek,
    .read = dir_read,
    .iterate_shared = rootfs_iterate,
};

long tmpfs_truncate(dentry* d, loff_t size) {
    if (size < 0) {
        return -EINVAL;
    }
    if (size > TMPFS_MAX_FILESIZE) {
        return -EFBIG;
    }
    inode* i = &d->d_inode;
    // Pages wholly past the new end go; the partial last one is zeroed past it.
    size_t keep = static_cast<size_t>((size + TMPFS_PAGE_SIZE - 1) / TMPFS_PAGE_SIZE);
    for (size_t pg = keep; pg < d->d_npages; ++pg) {
        if (d->d_pages[pg]) {
            kfree(d->d_pages[pg]);
            d->d_pages[pg] = nullptr;
            cpu::irq_guard guard;
            --pages_used;
        }
    }
    size_t tail = static_cast<size_t>(size % TMPFS_PAGE_SIZE);
    if (tail && keep - 1 < d->d_npages && d->d_pages[keep - 1]) {
        memset(d->d_pages[keep - 1] + tail, 0, TMPFS_PAGE_SIZE - tail);
    }
    i->i_size = size;
    return 0;
}

size_t tmpfs_pages_used() { return pages_used; }
void tmpfs_forget() {
    pages_used = 0;
    inodes_used = 0;
}

bool tmpfs_charge_inode() {
    cpu::irq_guard guard;
    if (inodes_used >= max_inodes) {
        return false;
    }
    ++inodes_used;
    return true;
}

void tmpfs_uncharge_inode() {
    cpu::irq_guard guard;
    --inodes_used;
}

bool tmpfs_inodes_full() { return inodes_used >= max_inodes; }
void tmpfs_set_max_inodes(size_t n) { max_inodes = n; }
void tmpfs_set_max_pages(size_t pages) { max_pages = pages; }

namespace {
// /proc/mounts (Linux's fs/proc_namespace.c show_vfsmnt): what hangs where.
int mounts_show(seq_file* m, void*) {
    seq_puts(m, "rootfs / rootfs ro 0 0\n");
    seq_puts(m, "devtmpfs /dev devtmpfs rw 0 0\n");
    seq_puts(m, "proc /proc proc rw 0 0\n");
    seq_printf(m, "tmpfs /tmp tmpfs rw,size=%uk,nr_inodes=%u 0 0\n",
               static_cast<unsigned>(max_pages * TMPFS_PAGE_SIZE / 1024), static_cast<unsigned>(max_inodes));
    return 0;
}
}  // namespace

void tmpfs_init() {
    proc_create("mounts", mounts_show);
    long kib = cmdline::get_int("tmpfs.size", static_cast<long>(max_pages * TMPFS_PAGE_SIZE / 1024));
    if (kib < 0) {
        pr_warn("tmpfs: tmpfs.size=%ld makes no sense, keeping %u KiB\n", kib,
                static_cast<unsigned>(max_pages * TMPFS_PAGE_SIZE / 1024));
        return;
    }
    max_pages = static_cast<size_t>(kib) * 1024 / TMPFS_PAGE_SIZE;
    pr_info("tmpfs: /tmp holds up to %ld KiB\n", kib);
}

long rootfs_read_kernel(inode* i, loff_t pos, char* buf, size_t count, const char** in_place) {
    *in_place = nullptr;
    if (i->i_fop != &rootfs_file_fops && i->i_fop != &tmpfs_file_fops) {
        return -EINVAL;
    }
    dentry* d = d_inode_dentry(i);
    if (i->i_fop == &rootfs_file_fops) {
        if (pos < 0 || pos >= i->i_size) {
            return 0;
        }
        loff_t left = i->i_size - pos;
        size_t n = static_cast<loff_t>(count) < left ? count : static_cast<size_t>(left);
        *in_place = reinterpret_cast<const char*>(d->d_data + pos);
        return static_cast<long>(n);
    }
    rootfs_guard g;
    if (pos < 0 || pos >= i->i_size) {
        return 0;
    }
    loff_t left = i->i_size - pos;
    size_t n = static_cast<loff_t>(count) < left ? count : static_cast<size_t>(left);
    tmpfs_copy_out(d, pos, buf, n);
    return static_cast<long>(n);
}
