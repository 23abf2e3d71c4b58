// Files with no name (Linux's fs/anon_inodes.c): epoll sets, eventfds and
// timerfds all share one inode; what a file is lives in its private_data.
#pragma once
#include "kernel/fs/fs.h"

// A new file on the anonymous inode, or nullptr (ENFILE). flags: O_ACCMODE,
// O_NONBLOCK.
file* anon_inode_getfile(const file_operations* fops, void* priv, unsigned flags);
// The same in a new descriptor of current's table (flags also O_CLOEXEC):
// the fd, or -errno (EMFILE, ENFILE) and priv stays the caller's.
int anon_inode_getfd(const file_operations* fops, void* priv, unsigned flags);
