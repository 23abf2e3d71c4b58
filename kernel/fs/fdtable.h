// Descriptor tables, Linux's files_struct (include/linux/fdtable.h): each app
// has its own, descriptors are the lowest free numbers, and RLIMIT_NOFILE
// caps them. The limit lives in the table (Linux keeps it in signal_struct;
// here a table is never shared between apps, so it is the same thing).
#pragma once
#include <stdint.h>

#include "kernel/fs/fs.h"

constexpr unsigned NR_OPEN_MAX = 65536;      // RLIMIT_NOFILE's hard limit (Linux's nr_open)
constexpr unsigned NR_OPEN_DEFAULT = 64;     // its soft limit at spawn, and the table's first size

// The table starts in the struct itself and grows by doubling as fds are
// handed out past it, up to max_fds (Linux's expand_files, fs/file.c).
struct files_struct {
    int count;                               // tasks using the table
    unsigned max_fds;                        // RLIMIT_NOFILE: fds >= this are refused
    unsigned next_fd;                        // no free fd below this
    unsigned capacity;                       // slots in fd[] (Linux's fdtable.max_fds)
    file** fd;
    uint32_t* open_fds;                      // allocated, perhaps not yet installed
    uint32_t* close_on_exec;
    file* fd_array[NR_OPEN_DEFAULT];         // the first table (Linux's fd_array)
    uint32_t open_fds_init[NR_OPEN_DEFAULT / 32];
    uint32_t close_on_exec_init[NR_OPEN_DEFAULT / 32];
};

files_struct* files_alloc();                 // empty, max_fds NR_OPEN_DEFAULT; or nullptr
files_struct* get_files_struct(files_struct* files);
void put_files_struct(files_struct* files);  // the last put closes every descriptor
void exit_files(struct task_struct* t);      // t->files dropped and cleared

// The calling task's table (nullptr for kernel threads: every fd is EBADF).
files_struct* current_files();

// Lowest free fd >= start, reserved but empty until fd_install(); -EMFILE.
// flags: O_CLOEXEC.
int alloc_fd(files_struct* files, unsigned start, unsigned flags);
int get_unused_fd_flags(unsigned flags);     // in current's table
void put_unused_fd(int fd);                  // give back a reserved fd never installed
void fd_install(int fd, file* f);            // takes over the caller's reference
void fd_install(files_struct* files, int fd, file* f);

// A reference to the file behind fd in current's table, or nullptr (EBADF).
file* fget(int fd);
file* fget(files_struct* files, int fd);

int close_fd(files_struct* files, int fd);   // 0 or -EBADF
// dup2/dup3/F_DUPFD's core: put f (a reference the caller gives up) at
// newfd, closing what was there. newfd must be < max_fds.
int replace_fd(files_struct* files, int newfd, file* f, unsigned flags);

bool get_close_on_exec(files_struct* files, int fd);
void set_close_on_exec(files_struct* files, int fd, bool on);

// The fd's file for the length of a syscall, Linux's fdget()/fdput().
class fd_ref {
public:
    explicit fd_ref(int fd) : f_(fget(fd)) {}
    ~fd_ref() {
        if (f_) {
            fput(f_);
        }
    }
    fd_ref(const fd_ref&) = delete;
    fd_ref& operator=(const fd_ref&) = delete;
    explicit operator bool() const { return f_ != nullptr; }
    file* get() const { return f_; }
    file* operator->() const { return f_; }

private:
    file* f_;
};
