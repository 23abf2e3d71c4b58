// File-system calls newlib leaves to the system: stat, lstat, access,
// getcwd, pread, sendfile, readlink, unlink, mkdir, rmdir, rename, truncate, ftruncate,
// and the <dirent.h> directory stream over getdents64 (as glibc's
// sysdeps/unix/sysv/linux/readdir64.c). newlib's struct stat is its own:
// the kernel's o32 one is converted field by field.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/byteorder.h"
#include "kernel/uapi/types.h"
#include "libc/syscall.h"

struct __dirstream {
    int fd;
    size_t pos, len;        // unread records in buf[pos, len)
    long next_off;          // the kernel's position after the last record returned
    struct dirent ent;
    alignas(8) char buf[2048];
};

namespace {

void stat_from_kernel(const uapi::stat& k, struct ::stat* st) {
    memset(st, 0, sizeof *st);
    st->st_dev = static_cast<dev_t>(k.st_dev);
    st->st_ino = static_cast<ino_t>(k.st_ino);
    st->st_mode = static_cast<mode_t>(k.st_mode);
    st->st_nlink = static_cast<nlink_t>(k.st_nlink);
    st->st_rdev = static_cast<dev_t>(k.st_rdev);
    st->st_size = k.st_size;
    st->st_atim.tv_sec = static_cast<uint32_t>(k.st_atime_sec);
    st->st_mtim.tv_sec = static_cast<uint32_t>(k.st_mtime_sec);
    st->st_ctim.tv_sec = static_cast<uint32_t>(k.st_ctime_sec);
    st->st_blksize = k.st_blksize;
    st->st_blocks = k.st_blocks;
}

int stat_call(long nr, const char* path, struct ::stat* st) {
    uapi::stat k{};
    if (libc::do_syscall(nr, path, &k) < 0) {
        return -1;
    }
    stat_from_kernel(k, st);
    return 0;
}

// include/linux/dirent.h's struct linux_dirent64
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
};

}  // namespace

extern "C" {

int fstat(int fd, struct ::stat* st) {
    uapi::stat k{};
    if (libc::do_syscall(uapi::NR_fstat, fd, &k) < 0) {
        return -1;
    }
    stat_from_kernel(k, st);
    return 0;
}

int stat(const char* path, struct ::stat* st) { return stat_call(uapi::NR_stat, path, st); }
int lstat(const char* path, struct ::stat* st) { return stat_call(uapi::NR_lstat, path, st); }

// o32: the 64-bit offset goes in an aligned register pair in the CPU's
// order (split_64), a3 unused.
ssize_t pread(int fd, void* buf, size_t n, off_t off) {
    const reg_pair pos = split_64(static_cast<uint64_t>(int64_t{off}));
    return libc::do_syscall(uapi::NR_pread64, fd, buf, n, 0, pos.first, pos.second);
}

ssize_t sendfile(int out_fd, int in_fd, off_t* offset, size_t count) {
    if (!offset) {
        return libc::do_syscall(uapi::NR_sendfile64, out_fd, in_fd, nullptr, count);
    }
    int64_t pos = *offset;
    ssize_t r = libc::do_syscall(uapi::NR_sendfile64, out_fd, in_fd, &pos, count);
    if (r >= 0) {
        *offset = static_cast<off_t>(pos);
    }
    return r;
}

int access(const char* path, int mode) { return static_cast<int>(libc::do_syscall(uapi::NR_access, path, mode)); }

// The kernel returns the length with the NUL; getcwd(3) returns buf.
char* getcwd(char* buf, size_t size) {
    return libc::do_syscall(uapi::NR_getcwd, buf, size) < 0 ? nullptr : buf;
}

ssize_t readlink(const char* __restrict path, char* __restrict buf, size_t n) {
    return libc::do_syscall(uapi::NR_readlink, path, buf, n);
}

int unlink(const char* path) { return static_cast<int>(libc::do_syscall(uapi::NR_unlink, path)); }
int rmdir(const char* path) { return static_cast<int>(libc::do_syscall(uapi::NR_rmdir, path)); }
int mkdir(const char* path, mode_t mode) {
    return static_cast<int>(libc::do_syscall(uapi::NR_mkdir, path, mode));
}
int rename(const char* from, const char* to) {
    return static_cast<int>(libc::do_syscall(uapi::NR_rename, from, to));
}
int truncate(const char* path, off_t len) {
    return static_cast<int>(libc::do_syscall(uapi::NR_truncate, path, len));
}
int ftruncate(int fd, off_t len) { return static_cast<int>(libc::do_syscall(uapi::NR_ftruncate, fd, len)); }

DIR* fdopendir(int fd) {
    struct ::stat st;
    if (fstat(fd, &st) < 0) {
        return nullptr;
    }
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return nullptr;
    }
    DIR* d = static_cast<DIR*>(calloc(1, sizeof(DIR)));
    if (!d) {
        errno = ENOMEM;
        return nullptr;
    }
    d->fd = fd;
    return d;
}

DIR* opendir(const char* name) {
    int fd = open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return nullptr;
    }
    DIR* d = fdopendir(fd);
    if (!d) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return d;
}

struct dirent* readdir(DIR* d) {
    if (d->pos >= d->len) {
        long n = libc::do_syscall(uapi::NR_getdents64, d->fd, d->buf, sizeof d->buf);
        if (n <= 0) {
            return nullptr;   // end (errno untouched) or error (errno set)
        }
        d->pos = 0;
        d->len = static_cast<size_t>(n);
    }
    const auto* k = reinterpret_cast<const linux_dirent64*>(d->buf + d->pos);
    d->pos += k->d_reclen;
    d->ent.d_ino = static_cast<ino_t>(k->d_ino);
    d->ent.d_off = static_cast<off_t>(k->d_off);
    d->ent.d_reclen = sizeof d->ent;
    d->ent.d_type = k->d_type;
    strncpy(d->ent.d_name, k->d_name, sizeof d->ent.d_name - 1);
    d->ent.d_name[sizeof d->ent.d_name - 1] = '\0';
    d->next_off = static_cast<long>(k->d_off);
    return &d->ent;
}

int closedir(DIR* d) {
    int r = close(d->fd);
    free(d);
    return r;
}

void seekdir(DIR* d, long loc) {
    lseek(d->fd, loc, SEEK_SET);
    d->pos = d->len = 0;
    d->next_off = loc;
}

void rewinddir(DIR* d) { seekdir(d, 0); }
long telldir(DIR* d) { return d->next_off; }
int dirfd(DIR* d) { return d->fd; }

}  // extern "C"
