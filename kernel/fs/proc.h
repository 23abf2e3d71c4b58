// /proc: read-only text files made by a show function when they are read
// (Linux's proc_create_single() and seq_file). Any kernel file registers its
// own, at init time or later:
//
//   int softirqs_show(seq_file* m, void*) {
//       seq_printf(m, "%u\n", count);
//       return 0;
//   }
//   ...
//   proc_create("softirqs", softirqs_show);            // /proc/softirqs
//   proc_dir_entry* net = proc_mkdir("net", nullptr);
//   proc_create_single("dev", 0444, net, dev_show);    // /proc/net/dev
//
// A file's text is made at its first read (and again at each read from
// offset 0) into a page-sized buffer; a reader sees one consistent snapshot.
// Until kmalloc, the buffers are a pool of 8: a ninth open proc file is
// ENOMEM, and text past PROC_BUF_SIZE is cut (with a warning in the log).
#pragma once
#include <stddef.h>

#include "kernel/fs/fs.h"

constexpr size_t PROC_BUF_SIZE = 4096;   // what one show may write (Linux: grows)

struct seq_file {
    char* buf;
    size_t size;
    size_t count;
    bool overflow;
    void* priv;                          // the entry's data
};

[[gnu::format(printf, 2, 3)]] void seq_printf(seq_file* m, const char* fmt, ...);
void seq_puts(seq_file* m, const char* s);
void seq_putc(seq_file* m, char c);

using proc_show_fn = int (*)(seq_file* m, void* data);
// A write to the file: its text (NUL-terminated, trailing newline removed,
// at most PROC_WRITE_MAX bytes); 0 or -errno.
using proc_write_fn = int (*)(const char* text, void* data);
constexpr size_t PROC_WRITE_MAX = 255;

struct proc_dir_entry {
    const char* name;                    // not copied: must outlive the entry
    proc_dir_entry* parent;              // nullptr: /proc itself
    proc_show_fn show;                   // nullptr for a directory
    proc_write_fn write;                 // nullptr: read-only
    void* data;
    inode ino;
    bool used;
};

// nullptr when the name is taken or the table is full. mode: permission bits
// (read-only files; 0 means 0444).
proc_dir_entry* proc_create_single(const char* name, unsigned mode, proc_dir_entry* parent,
                                   proc_show_fn show, void* data = nullptr);
inline proc_dir_entry* proc_create(const char* name, proc_show_fn show) {
    return proc_create_single(name, 0444, nullptr, show);
}
// A file that can also be written (mode 0644), as /proc/sys knobs are.
proc_dir_entry* proc_create_rw(const char* name, proc_dir_entry* parent, proc_show_fn show,
                               proc_write_fn write, void* data = nullptr);
proc_dir_entry* proc_mkdir(const char* name, proc_dir_entry* parent);
// Open files keep reading the old text; the name is free again at once.
void remove_proc_entry(const char* name, proc_dir_entry* parent);

// The kernel's own entries: tasks, interrupts, uptime, meminfo, cmdline,
// version (kernel/fs/proc_misc.cpp). Idempotent.
void proc_root_init();
void proc_kernel_init();   // softirqs, slabinfo, buddyinfo, trace (kernel/fs/proc_kernel.cpp)
