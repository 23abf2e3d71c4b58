// Names that open() knows: the rootfs tree (kernel/fs/ramfs.h: the built-in
// archive, writable /tmp), with /dev a fixed set of character devices
// (kernel/fs/devices.cpp) and /proc the entries registered with
// proc_create() (kernel/fs/proc.h) mounted on it.
#pragma once
#include "kernel/fs/fs.h"

struct files_struct;
struct dentry;

// The inode behind an absolute path, with a reference for the caller, or
// nullptr. path was checked by strnlen_user().
inode* path_lookup(const char* path);
// The same with Linux's errnos (ENOENT, ENOTDIR, ELOOP...); follow: a
// symlink at the end is followed (stat) or returned (lstat).
// base: the directory a relative path starts from (nullptr: /).
long path_lookupat(const char* path, bool follow, inode** out, dentry* base = nullptr);
// The rootfs directory an *at() call's dfd names for a relative path, in
// *base (nullptr for AT_FDCWD); f is the caller's reference to dfd's file
// (fd_ref), held for the call. 0, -EBADF, -ENOTDIR, or -EOPNOTSUPP for /dev
// and /proc (their tables have no walk from a descriptor).
long dfd_base(int dfd, file* f, dentry** base);
inode* devfs_lookup(const char* name);   // "console", "null", "zero"
inode* proc_lookup(const char* name);    // "uptime"...
extern const file_operations devfs_dir_fops;   // /dev: lists the devices

// Opens path with flags (Linux MIPS O_*), returning a file reference or -errno.
// O_CREAT makes a file (mode) under /tmp; elsewhere EROFS.
long filp_open(const char* path, unsigned flags, file** out, unsigned mode = 0644, dentry* base = nullptr);

// A new app's stdin, stdout and stderr: one open of /dev/console at 0, 1, 2
// of an empty table, as Linux's init does with open() and two dup()s.
int files_install_console(files_struct* files);
