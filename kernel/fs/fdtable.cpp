#include "kernel/fs/fdtable.h"

#include "kernel/cpu.h"
#include "kernel/fs/pool.h"
#include "kernel/mm/slab.h"
#include "kernel/sched/task.h"
#include "kernel/uapi/errno.h"

namespace {
// One per app plus a few, until kmem_cache.
object_pool<files_struct, 40> files_pool;

bool test_bit(const uint32_t* map, unsigned n) { return (map[n / 32] >> (n % 32)) & 1u; }
void set_bit(uint32_t* map, unsigned n) { map[n / 32] |= 1u << (n % 32); }
void clear_bit(uint32_t* map, unsigned n) { map[n / 32] &= ~(1u << (n % 32)); }

bool fd_valid(const files_struct* files, int fd) {
    return files && fd >= 0 && static_cast<unsigned>(fd) < files->capacity;
}

bool is_inline(const files_struct* files) { return files->fd == files->fd_array; }

// One allocation for a table of n slots: the pointers, then both bitmaps.
struct fdtable_mem {
    file** fd;
    uint32_t* open_fds;
    uint32_t* close_on_exec;
};
fdtable_mem fdtable_alloc(unsigned n) {
    size_t words = n / 32;
    void* mem = kzalloc(n * sizeof(file*) + 2 * words * sizeof(uint32_t), GFP_KERNEL);
    if (!mem) {
        return {};
    }
    auto** fd = static_cast<file**>(mem);
    auto* bits = reinterpret_cast<uint32_t*>(fd + n);
    return {fd, bits, bits + words};
}

// Room for fd nr: the table doubled (or more) and copied, the old one
// freed. 0, -EMFILE past RLIMIT_NOFILE, -ENOMEM.
int expand_files(files_struct* files, unsigned nr) {
    if (nr >= files->max_fds) {
        return -EMFILE;
    }
    for (;;) {
        unsigned cap = __atomic_load_n(&files->capacity, __ATOMIC_RELAXED);
        if (nr < cap) {
            return 0;
        }
        unsigned n = cap * 2;
        while (n <= nr) {
            n *= 2;
        }
        if (n > NR_OPEN_MAX) {
            n = NR_OPEN_MAX;
        }
        fdtable_mem t = fdtable_alloc(n);
        if (!t.fd) {
            return -ENOMEM;
        }
        void* old = nullptr;
        {
            cpu::irq_guard guard;
            if (files->capacity != cap) {
                old = t.fd;   // another thread of the app grew it meanwhile
            } else {
                for (unsigned i = 0; i < cap; ++i) {
                    t.fd[i] = files->fd[i];
                }
                for (unsigned w = 0; w < cap / 32; ++w) {
                    t.open_fds[w] = files->open_fds[w];
                    t.close_on_exec[w] = files->close_on_exec[w];
                }
                old = is_inline(files) ? nullptr : files->fd;
                files->fd = t.fd;
                files->open_fds = t.open_fds;
                files->close_on_exec = t.close_on_exec;
                files->capacity = n;
            }
        }
        kfree(old);
    }
}

// Removes fd's file from the table (irqs masked by the caller); the caller fputs it.
file* pick_file(files_struct* files, unsigned fd) {
    file* f = files->fd[fd];
    if (!f) {
        return nullptr;
    }
    files->fd[fd] = nullptr;
    clear_bit(files->open_fds, fd);
    clear_bit(files->close_on_exec, fd);
    if (fd < files->next_fd) {
        files->next_fd = fd;
    }
    return f;
}
}  // namespace

files_struct* files_alloc() {
    files_struct* files = files_pool.alloc();
    if (files) {
        files->count = 1;
        files->max_fds = NR_OPEN_DEFAULT;
        files->capacity = NR_OPEN_DEFAULT;
        files->fd = files->fd_array;
        files->open_fds = files->open_fds_init;
        files->close_on_exec = files->close_on_exec_init;
    }
    return files;
}

files_struct* get_files_struct(files_struct* files) {
    cpu::irq_guard guard;
    ++files->count;
    return files;
}

void put_files_struct(files_struct* files) {
    {
        cpu::irq_guard guard;
        if (--files->count > 0) {
            return;
        }
    }
    for (unsigned fd = 0; fd < files->capacity; ++fd) {
        close_fd(files, static_cast<int>(fd));
    }
    if (!is_inline(files)) {
        kfree(files->fd);
    }
    files_pool.free(files);
}

void exit_files(task_struct* t) {
    files_struct* files;
    {
        cpu::irq_guard guard;
        files = t->files;
        t->files = nullptr;
    }
    if (files) {
        put_files_struct(files);
    }
}

files_struct* current_files() { return current ? current->files : nullptr; }

int alloc_fd(files_struct* files, unsigned start, unsigned flags) {
    if (!files) {
        return -EMFILE;
    }
    for (;;) {
        unsigned fd;
        {
            cpu::irq_guard guard;
            fd = start > files->next_fd ? start : files->next_fd;
            while (fd < files->capacity && test_bit(files->open_fds, fd)) {
                ++fd;
            }
            if (fd >= files->max_fds) {
                return -EMFILE;
            }
            if (fd < files->capacity) {
                set_bit(files->open_fds, fd);
                if (flags & uapi::o_cloexec) {
                    set_bit(files->close_on_exec, fd);
                } else {
                    clear_bit(files->close_on_exec, fd);
                }
                if (start <= files->next_fd) {
                    files->next_fd = fd + 1;
                }
                return static_cast<int>(fd);
            }
        }
        if (int err = expand_files(files, fd)) {
            return err;
        }
    }
}

int get_unused_fd_flags(unsigned flags) { return alloc_fd(current_files(), 0, flags); }

void put_unused_fd(int fd) {
    files_struct* files = current_files();
    if (!fd_valid(files, fd)) {
        return;
    }
    cpu::irq_guard guard;
    clear_bit(files->open_fds, static_cast<unsigned>(fd));
    if (static_cast<unsigned>(fd) < files->next_fd) {
        files->next_fd = static_cast<unsigned>(fd);
    }
}

void fd_install(files_struct* files, int fd, file* f) {
    cpu::irq_guard guard;
    files->fd[fd] = f;
}

void fd_install(int fd, file* f) { fd_install(current_files(), fd, f); }

file* fget(files_struct* files, int fd) {
    if (!fd_valid(files, fd)) {
        return nullptr;
    }
    cpu::irq_guard guard;
    file* f = files->fd[fd];
    if (f) {
        ++f->f_count;
    }
    return f;
}

file* fget(int fd) { return fget(current_files(), fd); }

int close_fd(files_struct* files, int fd) {
    if (!fd_valid(files, fd)) {
        return -EBADF;
    }
    file* f;
    {
        cpu::irq_guard guard;
        f = pick_file(files, static_cast<unsigned>(fd));
    }
    if (!f) {
        return -EBADF;
    }
    fput(f);
    return 0;
}

int replace_fd(files_struct* files, int newfd, file* f, unsigned flags) {
    if (!files || newfd < 0 || static_cast<unsigned>(newfd) >= files->max_fds) {
        fput(f);
        return -EBADF;
    }
    if (int err = expand_files(files, static_cast<unsigned>(newfd))) {
        fput(f);
        return err;
    }
    unsigned fd = static_cast<unsigned>(newfd);
    file* old;
    {
        cpu::irq_guard guard;
        // Linux's do_dup2(): a slot reserved by an open() still in progress is busy.
        if (test_bit(files->open_fds, fd) && !files->fd[fd]) {
            fput(f);
            return -EBUSY;
        }
        old = files->fd[fd];
        files->fd[fd] = f;
        set_bit(files->open_fds, fd);
        if (flags & uapi::o_cloexec) {
            set_bit(files->close_on_exec, fd);
        } else {
            clear_bit(files->close_on_exec, fd);
        }
    }
    if (old) {
        fput(old);
    }
    return newfd;
}

bool get_close_on_exec(files_struct* files, int fd) {
    cpu::irq_guard guard;
    return fd_valid(files, fd) && test_bit(files->close_on_exec, static_cast<unsigned>(fd));
}

void set_close_on_exec(files_struct* files, int fd, bool on) {
    if (!fd_valid(files, fd)) {
        return;
    }
    cpu::irq_guard guard;
    if (on) {
        set_bit(files->close_on_exec, static_cast<unsigned>(fd));
    } else {
        clear_bit(files->close_on_exec, static_cast<unsigned>(fd));
    }
}
