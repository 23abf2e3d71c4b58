// The character devices /dev holds, each with one inode for every open of it
// (as a device node on a real filesystem). Numbers are Linux's
// (Documentation/admin-guide/devices.txt).
#include <string.h>

#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/fs/mem.h"
#include "kernel/fs/namei.h"

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

}  // namespace

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
