#include "kernel/fs/anon_inodes.h"

#include "kernel/cpu.h"
#include "kernel/fs/fdtable.h"
#include "kernel/uapi/errno.h"

namespace {
// Static storage, not the inode pool: it holds its own reference forever.
inode anon_inode;
bool anon_inode_ready;

inode* anon_inode_get() {
    cpu::irq_guard guard;
    if (!anon_inode_ready) {
        // Linux's anon_inode_mkinode: mode S_IRUSR | S_IWUSR, no file type.
        anon_inode.i_mode = 0600;
        anon_inode.i_ino = get_next_ino();
        anon_inode.i_blkbits = 12;
        anon_inode.i_count = 1;
        anon_inode_ready = true;
    }
    ++anon_inode.i_count;
    return &anon_inode;
}
}  // namespace

file* anon_inode_getfile(const file_operations* fops, void* priv, unsigned flags) {
    inode* i = anon_inode_get();
    file* f = alloc_file(i, flags & (uapi::o_accmode | uapi::o_nonblock), fops);
    if (!f) {
        iput(i);
        return nullptr;
    }
    f->private_data = priv;
    return f;
}

int anon_inode_getfd(const file_operations* fops, void* priv, unsigned flags) {
    int fd = get_unused_fd_flags(flags & uapi::o_cloexec);
    if (fd < 0) {
        return fd;
    }
    file* f = anon_inode_getfile(fops, priv, flags);
    if (!f) {
        put_unused_fd(fd);
        return -ENFILE;
    }
    fd_install(fd, f);
    return fd;
}
