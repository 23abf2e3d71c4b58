// The file layer, Linux's include/linux/fs.h in small: a struct file per
// open(), pointing at the inode that says what the object is (character
// device, pipe, proc file, socket) and at the file_operations that do the
// work. The syscalls in kernel/fs/ only ever go through f_op.
//
// Sockets plug in as Linux's net/socket.c does:
//   sock_alloc():  inode* i = new_inode(); i->i_mode = uapi::s_ifsock | 0777;
//                  i->i_socket = sock (or embed the inode next to the socket,
//                  socket_alloc style, and free both in i->i_destroy);
//   sock_map_fd(): int fd = get_unused_fd_flags(flags);
//                  file* f = alloc_file(i, O_RDWR | (flags & O_NONBLOCK), &socket_file_ops);
//                  f->private_data = sock; fd_install(fd, f);
// and socket_file_ops supplies read/write/readv/writev/poll/unlocked_ioctl/
// release with llseek = no_llseek.
//
// One CPU: masking interrupts (cpu::irq_guard) is the lock for reference
// counts and tables, as everywhere else in the kernel.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/list.h"
#include "kernel/uapi/fcntl.h"
#include "kernel/uapi/poll.h"
#include "kernel/uapi/types.h"

using loff_t = int64_t;
using fmode_t = unsigned;
using uapi::poll_t;

struct file;
struct inode;
struct poll_table_struct;
struct pipe_inode_info;
struct proc_dir_entry;
struct socket;

constexpr fmode_t FMODE_READ = 0x1;
constexpr fmode_t FMODE_WRITE = 0x2;

// The largest single read or write, as Linux's MAX_RW_COUNT (INT_MAX & PAGE_MASK).
constexpr size_t MAX_RW_COUNT = 0x7ffff000;

// getdents64's cursor (Linux's struct dir_context): actor emits one entry
// and returns false when the caller's buffer is full.
struct dir_context {
    bool (*actor)(dir_context*, const char* name, size_t len, loff_t pos, uint64_t ino, unsigned type);
    loff_t pos;
};

struct file_operations {
    loff_t (*llseek)(file*, loff_t offset, int whence) = nullptr;    // nullptr: -ESPIPE
    // buf and every iov_base were checked with access_ok() by the caller.
    long (*read)(file*, char* buf, size_t count, loff_t* pos) = nullptr;
    long (*write)(file*, const char* buf, size_t count, loff_t* pos) = nullptr;
    // nullptr: read/write once per segment (Linux's do_loop_readv_writev)
    long (*readv)(file*, const uapi::iovec* iov, unsigned long nr_segs, loff_t* pos) = nullptr;
    long (*writev)(file*, const uapi::iovec* iov, unsigned long nr_segs, loff_t* pos) = nullptr;
    // The ready mask (POLLIN...); registers on wait queues with poll_wait().
    // Must not sleep. nullptr: always readable and writable (DEFAULT_POLLMASK).
    poll_t (*poll)(file*, poll_table_struct*) = nullptr;
    long (*unlocked_ioctl)(file*, unsigned cmd, unsigned long arg) = nullptr;  // nullptr: -ENOTTY
    // Directories: the entries from ctx->pos on (getdents64); nullptr: -ENOTDIR.
    int (*iterate_shared)(file*, dir_context*) = nullptr;
    int (*open)(inode*, file*) = nullptr;
    int (*release)(inode*, file*) = nullptr;   // when the last reference to the file goes
};

constexpr uint32_t MKDEV(unsigned major, unsigned minor) { return (major << 8) | minor; }

struct inode {
    uint32_t i_mode;                 // file type (uapi::s_if*: S_IFCHR...) | permissions
    unsigned long i_ino;
    uint32_t i_rdev;                 // character devices: MKDEV(major, minor)
    loff_t i_size;                   // regular files and symlinks: bytes
    uint32_t i_mtime;                // seconds since 1970 (0: unknown)
    unsigned i_blkbits;              // st_blksize = 1 << i_blkbits
    int i_count;                     // references: files, the filesystem's own
    const file_operations* i_fop;    // what open() installs in f_op
    // What the inode stands for, by type (Linux 2.4's union inside the inode).
    union {
        pipe_inode_info* i_pipe;     // S_IFIFO
        socket* i_socket;            // S_IFSOCK: SOCKET_I(inode)
        proc_dir_entry* i_pde;       // /proc files
        void* i_private;
    };
    // Frees the inode when its last reference goes, for inodes whose owner
    // allocated them or hangs things off them; nullptr: back to new_inode()'s pool.
    void (*i_destroy)(inode*);
};

struct file {
    const file_operations* f_op;
    inode* f_inode;
    unsigned f_flags;                // O_* as opened (Linux MIPS values), minus O_CREAT...
    fmode_t f_mode;                  // FMODE_READ | FMODE_WRITE
    int f_count;                     // descriptors and in-flight syscalls holding it
    loff_t f_pos;
    void* private_data;
    list_head f_ep;                  // epoll items watching this file (fs/eventpoll.c)
};

constexpr poll_t DEFAULT_POLLMASK = uapi::pollin | uapi::pollout | uapi::pollrdnorm | uapi::pollwrnorm;

// Inodes: a fresh one (i_count 1, a new i_ino), or nullptr when none is left.
inode* new_inode();
unsigned long get_next_ino();
void ihold(inode* i);
void iput(inode* i);
void free_inode(inode* i);          // for i_destroy hooks of pool inodes

// Files: alloc_file() takes over the caller's reference to inode; nullptr
// when the system-wide file table is full (ENFILE), and the reference stays
// the caller's. f_op->open is not called.
file* alloc_file(inode* inode, unsigned flags, const file_operations* fop);
file* get_file(file* f);
void fput(file* f);                 // the last put calls f_op->release, then iput
unsigned files_in_use();            // system-wide, for /proc

// The VFS entry points: access-mode and pointer checks, then f_op.
long vfs_read(file* f, char* buf, size_t count, loff_t* pos);
long vfs_write(file* f, const char* buf, size_t count, loff_t* pos);
// iov: the kernel's copy of the array (sys_readv/sys_writev import it).
long vfs_readv(file* f, const uapi::iovec* iov, unsigned long nr_segs, loff_t* pos);
long vfs_writev(file* f, const uapi::iovec* iov, unsigned long nr_segs, loff_t* pos);
loff_t vfs_llseek(file* f, loff_t offset, int whence);
poll_t vfs_poll(file* f, poll_table_struct* pt);

// For files that cannot seek (pipes, sockets, terminals): -ESPIPE.
loff_t no_llseek(file* f, loff_t offset, int whence);
// For seekable files of no size (/dev/null): position stays 0.
loff_t noop_llseek(file* f, loff_t offset, int whence);

inline bool nonblocking(const file* f) { return (f->f_flags & uapi::o_nonblock) != 0; }
