// Inodes and open files, and their reference counts (Linux's fs/inode.c,
// fs/file_table.c). A file lives as long as a descriptor or a syscall in
// progress holds it: close() by one thread while another reads only drops
// the descriptor's reference.
#include "kernel/cpu.h"
#include "kernel/fs/eventpoll.h"
#include "kernel/fs/fs.h"
#include "kernel/fs/pool.h"

namespace {
// System-wide caps (Linux's files-max, sized from RAM there). Each object
// is kmalloc'd only when used, so the caps cost nothing until reached; they
// allow a server its tens of thousands of sockets, and kmalloc failing
// first still answers ENFILE.
constexpr size_t NR_FILE = 32768;
constexpr size_t NR_INODE = 32768;
object_pool<file, NR_FILE> file_pool;
object_pool<inode, NR_INODE> inode_pool;
unsigned long last_ino;
}  // namespace

unsigned long get_next_ino() {
    cpu::irq_guard guard;
    return ++last_ino;
}

inode* new_inode() {
    inode* i = inode_pool.alloc();
    if (i) {
        i->i_count = 1;
        i->i_ino = get_next_ino();
        i->i_blkbits = 12;
    }
    return i;
}

void free_inode(inode* i) { inode_pool.free(i); }

void ihold(inode* i) {
    cpu::irq_guard guard;
    ++i->i_count;
}

void iput(inode* i) {
    {
        cpu::irq_guard guard;
        if (--i->i_count > 0) {
            return;
        }
    }
    if (i->i_destroy) {
        i->i_destroy(i);
    } else {
        free_inode(i);
    }
}

file* alloc_file(inode* inode, unsigned flags, const file_operations* fop) {
    file* f = file_pool.alloc();
    if (!f) {
        return nullptr;
    }
    unsigned acc = flags & uapi::o_accmode;
    f->f_mode = (acc == uapi::o_rdonly || acc == uapi::o_rdwr ? FMODE_READ : 0) |
                (acc == uapi::o_wronly || acc == uapi::o_rdwr ? FMODE_WRITE : 0);
    // As Linux's do_dentry_open(): the open-time-only flags are not kept.
    f->f_flags = flags & ~(uapi::o_creat | uapi::o_excl | uapi::o_noctty | uapi::o_trunc);
    f->f_op = fop;
    f->f_inode = inode;
    f->f_count = 1;
    INIT_LIST_HEAD(&f->f_ep);
    return f;
}

file* get_file(file* f) {
    cpu::irq_guard guard;
    ++f->f_count;
    return f;
}

void fput(file* f) {
    {
        cpu::irq_guard guard;
        if (--f->f_count > 0) {
            return;
        }
    }
    inode* i = f->f_inode;
    // As Linux's __fput(): no epoll set keeps watching a file that is gone.
    eventpoll_release(f);
    if (f->f_op && f->f_op->release) {
        f->f_op->release(i, f);
    }
    if (i) {
        iput(i);
    }
    file_pool.free(f);
}

unsigned files_in_use() { return static_cast<unsigned>(file_pool.in_use()); }
