// The character devices /dev holds, each with one inode for every open of it
// (as a device node on a real filesystem). Numbers are Linux's
// (Documentation/admin-guide/devices.txt).
#include <string.h>

#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/fs/mem.h"
#include "kernel/fs/namei.h"
#include "kernel/uapi/errno.h"

namespace {

struct chrdev_node {
    const char* name;
    unsigned major, minor;
    uint32_t perm;
    unsigned blkbits;          // st_blksize: newlib sizes its stdio buffers by it
    const file_operations* fops;
    inode ino;
    bool ready;
};

chrdev_node nodes[] = {
    {"console", 5, 1, 0620, 10, &console_fops, {}, false},
    {"null", 1, 3, 0666, 12, &null_fops, {}, false},
    {"zero", 1, 5, 0666, 12, &zero_fops, {}, false},
};

long devfs_dir_read(file*, char*, size_t, loff_t*) { return -EISDIR; }

loff_t devfs_dir_llseek(file* f, loff_t offset, int whence) {
    if (whence != static_cast<int>(uapi::seek_set) || offset < 0) {
        return -EINVAL;
    }
    f->f_pos = offset;
    return offset;
}

// Positions: 0 ".", 1 "..", then one per device.
int devfs_iterate(file* f, dir_context* ctx) {
    if (ctx->pos == 0 && !ctx->actor(ctx, ".", 1, 1, f->f_inode->i_ino, uapi::s_ifdir >> 12)) {
        return 0;
    }
    ctx->pos = ctx->pos < 1 ? 1 : ctx->pos;
    if (ctx->pos == 1 && !ctx->actor(ctx, "..", 2, 2, 1, uapi::s_ifdir >> 12)) {
        return 0;
    }
    ctx->pos = ctx->pos < 2 ? 2 : ctx->pos;
    constexpr loff_t count = sizeof nodes / sizeof nodes[0];
    for (loff_t n = ctx->pos - 2; n < count; ++n) {
        const chrdev_node& d = nodes[n];
        if (!ctx->actor(ctx, d.name, strlen(d.name), n + 3, d.ready ? d.ino.i_ino : 0, uapi::s_ifchr >> 12)) {
            return 0;
        }
        ctx->pos = n + 3;
    }
    return 0;
}

}  // namespace

const file_operations devfs_dir_fops = {
    .llseek = devfs_dir_llseek,
    .read = devfs_dir_read,
    .iterate_shared = devfs_iterate,
};

inode* devfs_lookup(const char* name) {
    for (chrdev_node& n : nodes) {
        if (strcmp(n.name, name) != 0) {
            continue;
        }
        cpu::irq_guard guard;
        if (!n.ready) {
            n.ino.i_mode = uapi::s_ifchr | n.perm;
            n.ino.i_ino = get_next_ino();
            n.ino.i_rdev = MKDEV(n.major, n.minor);
            n.ino.i_blkbits = n.blkbits;
            n.ino.i_fop = n.fops;
            n.ino.i_count = 1;     // the node's own, never dropped
            n.ready = true;
        }
        ++n.ino.i_count;
        return &n.ino;
    }
    return nullptr;
}
