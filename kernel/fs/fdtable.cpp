#include "kernel/fs/fdtable.h"

#include "kernel/cpu.h"
#include "kernel/fs/pool.h"
#include "kernel/sched/task.h"
#include "kernel/uapi/errno.h"

namespace {
// One per app plus a few, until kmem_cache.
object_pool<files_struct, 40> files_pool;

bool test_bit(const uint32_t* map, unsigned n) { return (map[n / 32] >> (n % 32)) & 1u; }
void set_bit(uint32_t* map, unsigned n) { map[n / 32] |= 1u << (n % 32); }
void clear_bit(uint32_t* map, unsigned n) { map[n / 32] &= ~(1u << (n % 32)); }

bool fd_valid(const files_struct* files, int fd) {
    return files && fd >= 0 && static_cast<unsigned>(fd) < NR_OPEN_MAX;
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
    for (unsigned fd = 0; fd < NR_OPEN_MAX; ++fd) {
        close_fd(files, static_cast<int>(fd));
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
    cpu::irq_guard guard;
    unsigned fd = start > files->next_fd ? start : files->next_fd;
    while (fd < files->max_fds && test_bit(files->open_fds, fd)) {
        ++fd;
    }
    if (fd >= files->max_fds) {
        return -EMFILE;
    }
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
    if (!fd_valid(files, newfd) || static_cast<unsigned>(newfd) >= files->max_fds) {
        fput(f);
        return -EBADF;
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
