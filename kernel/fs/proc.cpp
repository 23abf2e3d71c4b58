// The /proc registry and its files (Linux's fs/proc/generic.c, fs/seq_file.c).
#include "kernel/fs/proc.h"
#include "kernel/uaccess.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kernel/cpu.h"
#include "kernel/fs/namei.h"
#include "kernel/fs/pool.h"
#include "kernel/list.h"
#include "kernel/printk.h"
#include "kernel/uapi/errno.h"

namespace {

constexpr size_t NR_PROC_ENTRIES = 48;
proc_dir_entry entries[NR_PROC_ENTRIES];
proc_dir_entry proc_root;

// One buffer per open proc file, until kmalloc.
struct proc_buf {
    seq_file m;
    char data[PROC_BUF_SIZE];
};
object_pool<proc_buf, 8> proc_bufs;

bool name_eq(const char* a, const char* b, size_t blen) {
    return strncmp(a, b, blen) == 0 && a[blen] == '\0';
}

// The entry called name[0, len) in dir (irqs masked by the caller).
proc_dir_entry* find_entry(proc_dir_entry* dir, const char* name, size_t len) {
    for (proc_dir_entry& e : entries) {
        if (e.used && e.parent == dir && name_eq(e.name, name, len)) {
            return &e;
        }
    }
    return nullptr;
}

long proc_read(file* f, char* buf, size_t count, loff_t* pos) {
    auto* m = static_cast<seq_file*>(f->private_data);
    proc_dir_entry* pde = f->f_inode->i_pde;
    if (*pos == 0) {
        m->count = 0;
        m->overflow = false;
        m->priv = pde->data;
        int err = pde->show(m, pde->data);
        if (err < 0) {
            return err;
        }
        if (m->overflow) {
            pr_warn("proc: %s cut at %u bytes\n", pde->name, static_cast<unsigned>(m->size));
        }
    }
    if (*pos < 0 || static_cast<uint64_t>(*pos) >= m->count) {
        return 0;
    }
    size_t at = static_cast<size_t>(*pos);
    size_t n = m->count - at < count ? m->count - at : count;
    memcpy(buf, m->buf + at, n);
    *pos += static_cast<loff_t>(n);
    return static_cast<long>(n);
}

// seq_lseek: forwards and backwards from the start or the current place.
loff_t proc_llseek(file* f, loff_t offset, int whence) {
    loff_t to;
    switch (static_cast<unsigned>(whence)) {
    case uapi::seek_set: to = offset; break;
    case uapi::seek_cur: to = f->f_pos + offset; break;
    default: return -EINVAL;
    }
    if (to < 0) {
        return -EINVAL;
    }
    f->f_pos = to;
    return to;
}

int proc_open(inode*, file* f) {
    proc_buf* b = proc_bufs.alloc();
    if (!b) {
        return -ENOMEM;
    }
    b->m.buf = b->data;
    b->m.size = sizeof b->data;
    f->private_data = &b->m;
    return 0;
}

int proc_release(inode*, file* f) {
    proc_bufs.free(container_of(static_cast<seq_file*>(f->private_data), &proc_buf::m));
    return 0;
}

long proc_write(file* f, const char* buf, size_t count, loff_t*) {
    proc_dir_entry* pde = f->f_inode->i_pde;
    if (!pde->write) {
        return -EINVAL;
    }
    if (count > PROC_WRITE_MAX) {
        return -EINVAL;
    }
    char text[PROC_WRITE_MAX + 1];
    if (copy_from_user(text, buf, count)) {
        return -EFAULT;
    }
    text[count] = '\0';
    if (count && text[count - 1] == '\n') {
        text[count - 1] = '\0';
    }
    int err = pde->write(text, pde->data);
    return err ? err : static_cast<long>(count);
}

long proc_dir_read(file*, char*, size_t, loff_t*) { return -EISDIR; }

const file_operations proc_file_fops = {
    .llseek = proc_llseek,
    .read = proc_read,
    .write = proc_write,
    .open = proc_open,
    .release = proc_release,
};

// Positions: 0 ".", 1 "..", then entry slot n at n + 2 (Linux's proc_readdir).
int proc_iterate(file* f, dir_context* ctx) {
    proc_dir_entry* dir = f->f_inode->i_pde;
    if (ctx->pos == 0 && !ctx->actor(ctx, ".", 1, 1, dir->ino.i_ino, uapi::s_ifdir >> 12)) {
        return 0;
    }
    ctx->pos = ctx->pos < 1 ? 1 : ctx->pos;
    if (ctx->pos == 1 && !ctx->actor(ctx, "..", 2, 2, 1, uapi::s_ifdir >> 12)) {
        return 0;
    }
    ctx->pos = ctx->pos < 2 ? 2 : ctx->pos;
    for (loff_t n = ctx->pos - 2; n < static_cast<loff_t>(NR_PROC_ENTRIES); ++n) {
        const char* name;
        uint64_t ino;
        unsigned type;
        {
            cpu::irq_guard guard;
            proc_dir_entry& e = entries[n];
            if (!e.used || e.parent != dir) {
                continue;
            }
            name = e.name;   // entries' names outlive them (proc.h)
            ino = e.ino.i_ino;
            type = (e.ino.i_mode & uapi::s_ifmt) >> 12;
        }
        if (!ctx->actor(ctx, name, strlen(name), n + 3, ino, type)) {
            return 0;
        }
        ctx->pos = n + 3;
    }
    ctx->pos = static_cast<loff_t>(NR_PROC_ENTRIES) + 2;
    return 0;
}

loff_t proc_dir_llseek(file* f, loff_t offset, int whence) {
    if (whence != static_cast<int>(uapi::seek_set) || offset < 0) {
        return -EINVAL;
    }
    f->f_pos = offset;
    return offset;
}

const file_operations proc_dir_fops = {
    .llseek = proc_dir_llseek,
    .read = proc_dir_read,
    .iterate_shared = proc_iterate,
};

void init_inode(proc_dir_entry* e, uint32_t mode) {
    e->ino = inode{};
    e->ino.i_mode = mode;
    e->ino.i_ino = get_next_ino();
    e->ino.i_blkbits = 12;
    e->ino.i_count = 1;   // the entry's own
    e->ino.i_fop = e->show ? &proc_file_fops : &proc_dir_fops;
    e->ino.i_pde = e;
}

proc_dir_entry* add_entry(const char* name, proc_dir_entry* parent, proc_show_fn show, void* data,
                          uint32_t mode) {
    if (!name || !*name || strchr(name, '/')) {
        return nullptr;
    }
    cpu::irq_guard guard;
    if (!proc_root.used) {
        proc_root.name = "";
        proc_root.used = true;
        init_inode(&proc_root, uapi::s_ifdir | 0555);
    }
    if (!parent) {
        parent = &proc_root;
    }
    if (find_entry(parent, name, strlen(name))) {
        return nullptr;
    }
    for (proc_dir_entry& e : entries) {
        // A removed entry's slot waits until no open file refers to it.
        if (!e.used && e.ino.i_count <= 1) {
            e.name = name;
            e.parent = parent;
            e.show = show;
            e.write = nullptr;
            e.data = data;
            e.used = true;
            init_inode(&e, mode);
            return &e;
        }
    }
    return nullptr;
}

}  // namespace

void seq_printf(seq_file* m, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t room = m->size - m->count;
    int n = vsnprintf(m->buf + m->count, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    if (static_cast<size_t>(n) >= room) {
        m->overflow = true;
        m->count = m->size;
    } else {
        m->count += static_cast<size_t>(n);
    }
}

void seq_puts(seq_file* m, const char* s) { seq_printf(m, "%s", s); }

void seq_putc(seq_file* m, char c) {
    if (m->count < m->size) {
        m->buf[m->count++] = c;
    } else {
        m->overflow = true;
    }
}

proc_dir_entry* proc_create_single(const char* name, unsigned mode, proc_dir_entry* parent,
                                   proc_show_fn show, void* data) {
    if (!show) {
        return nullptr;
    }
    unsigned perm = (mode & 0777) ? (mode & 0444) : 0444;
    return add_entry(name, parent, show, data, uapi::s_ifreg | perm);
}

proc_dir_entry* proc_create_rw(const char* name, proc_dir_entry* parent, proc_show_fn show,
                               proc_write_fn write, void* data) {
    if (!show || !write) {
        return nullptr;
    }
    proc_dir_entry* e = add_entry(name, parent, show, data, uapi::s_ifreg | 0644);
    if (e) {
        e->write = write;
    }
    return e;
}

proc_dir_entry* proc_mkdir(const char* name, proc_dir_entry* parent) {
    return add_entry(name, parent, nullptr, nullptr, uapi::s_ifdir | 0555);
}

void remove_proc_entry(const char* name, proc_dir_entry* parent) {
    cpu::irq_guard guard;
    proc_dir_entry* e = find_entry(parent ? parent : &proc_root, name, strlen(name));
    if (e) {
        e->used = false;
    }
}

// "net/dev" -> the entry, walking one directory per component.
inode* proc_lookup(const char* path) {
    proc_root_init();
    cpu::irq_guard guard;
    proc_dir_entry* e = &proc_root;
    while (*path) {
        const char* slash = strchr(path, '/');
        size_t len = slash ? static_cast<size_t>(slash - path) : strlen(path);
        if (len > 0) {
            if (e->show) {
                return nullptr;   // a file is no directory
            }
            e = find_entry(e, path, len);
            if (!e) {
                return nullptr;
            }
        }
        path += len + (slash ? 1 : 0);
    }
    ++e->ino.i_count;
    return &e->ino;
}
