// host-only: it owns the kernel's root tree (the target's holds the real archive).
// The rootfs through the syscalls: an archive unpacked by populate_rootfs,
// the path walk and its errnos, /tmp's tmpfs, getdents64, sendfile, and
// malformed archives refused with a message.
#include <CppUTest/TestHarness.h>

#include <stdint.h>
#include <string.h>

#include <string>

#include "kernel/byteorder.h"
#include "kernel/fs/ramfs.h"
#include "kernel/printk.h"
#include "kernel/syscalls.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/fcntl.h"
#include "tests/unit/cpio_builder.h"
#include "tests/unit/fs_test_util.h"

using namespace uapi;
using cpio_test::archive;

namespace {

// pread64 as libc calls it: the offset split into o32's register pair.
long pread_at(int fd, char* buf, size_t n, int64_t pos) {
    const reg_pair p = split_64(static_cast<uint64_t>(pos));
    return sys_pread64(fd, buf, n, 0, p.first, p.second);
}

// Static storage: files are served from it in place.
archive arc;

std::string klog_text() {
    static char buf[16384];
    size_t n = klog::read_all(buf, sizeof buf - 1);
    buf[n] = '\0';
    return buf;
}

void build_archive() {
    arc = archive{};
    arc.add(".", 040755);
    arc.add("etc", 040755, "", 100);
    arc.add("etc/motd", 0100644, "hello, rootfs\n", 1700000000);
    arc.add("etc/issue.net", 0120777, "motd");
    arc.add("etc/abs", 0120777, "/etc/motd");
    arc.add("etc/loop", 0120777, "loop");
    arc.add("etc/devnull", 0120777, "/dev/null");
    arc.add("www/deep/er/index.html", 0100644, "<p>hi</p>\n");   // parents implied
    arc.add("../escape", 0100644, "x");                           // refused
    arc.add("dev/sda", 0100644, "x");                             // under a mount point: refused
    arc.trailer();
}

long open_(const char* p, unsigned flags, unsigned mode = 0644) { return sys_open(p, flags, mode); }

std::string read_all_fd(int fd) {
    std::string s;
    char buf[7];
    long n;
    while ((n = sys_read(fd, buf, sizeof buf)) > 0) {
        s.append(buf, static_cast<size_t>(n));
    }
    return s;
}

std::string cat(const char* path) {
    long fd = open_(path, o_rdonly);
    if (fd < 0) {
        return "ERR" + std::to_string(-fd);
    }
    std::string s = read_all_fd(static_cast<int>(fd));
    sys_close(static_cast<int>(fd));
    return s;
}

// Names of a directory, in getdents64 order, "," separated, a small buffer
// so several calls are needed.
std::string list(const char* path) {
    long fd = open_(path, o_rdonly | o_directory);
    if (fd < 0) {
        return "ERR" + std::to_string(-fd);
    }
    std::string names;
    alignas(8) char buf[64];
    long n;
    while ((n = sys_getdents64(static_cast<int>(fd), buf, sizeof buf)) > 0) {
        for (long at = 0; at < n;) {
            uint16_t reclen;
            memcpy(&reclen, buf + at + 16, 2);
            names += std::string(buf + at + 19) + ",";
            at += reclen;
        }
    }
    sys_close(static_cast<int>(fd));
    return n < 0 ? "ERR" + std::to_string(-n) : names;
}

}  // namespace

TEST_GROUP(rootfs) {
    void setup() override {
        fs_test::setup();
        rootfs_forget();
        build_archive();
        klog::clear();
        LONGS_EQUAL(0, populate_rootfs(arc.buf, arc.len));
    }
    void teardown() override {
        tmpfs_set_max_pages(1024);
        tmpfs_set_max_inodes(1024);
        fs_test::teardown();
    }
};

TEST(rootfs, files_are_read_in_place) {
    STRCMP_EQUAL("hello, rootfs\n", cat("/etc/motd").c_str());
    STRCMP_EQUAL("<p>hi</p>\n", cat("/www/deep/er/index.html").c_str());
    STRCMP_CONTAINS("8 entries", klog_text().c_str());
    STRCMP_CONTAINS("2 skipped", klog_text().c_str());
    STRCMP_EQUAL("ERR2", cat("/escape").c_str());
}

TEST(rootfs, path_walk_and_errnos) {
    STRCMP_EQUAL("hello, rootfs\n", cat("etc/motd").c_str());       // cwd is /
    STRCMP_EQUAL("hello, rootfs\n", cat("//etc/./../etc//motd").c_str());
    STRCMP_EQUAL("hello, rootfs\n", cat("/../../etc/motd").c_str());  // .. of / is /
    STRCMP_EQUAL("ERR2", cat("/etc/nope").c_str());                  // ENOENT
    STRCMP_EQUAL("ERR20", cat("/etc/motd/x").c_str());               // ENOTDIR
    STRCMP_EQUAL("ERR20", cat("/etc/motd/").c_str());
    STRCMP_EQUAL("ERR21", std::to_string(-open_("/etc", o_rdwr)).insert(0, "ERR").c_str());   // EISDIR
    LONGS_EQUAL(-ENOTDIR, open_("/etc/motd", o_rdonly | o_directory));
    LONGS_EQUAL(-ENOENT, open_("", o_rdonly));
    std::string longname(300, 'a');
    LONGS_EQUAL(-ENAMETOOLONG, open_(("/etc/" + longname).c_str(), o_rdonly));
    LONGS_EQUAL(-EFAULT, open_(fs_test::bad_ptr, o_rdonly));
    // /dev and /proc hang off the tree, also through odd spellings.
    long fd = open_("/etc/../dev/null", o_rdwr);
    CHECK(fd >= 0);
    sys_close(static_cast<int>(fd));
    fd = open_("/proc/./uptime", o_rdonly);
    CHECK(fd >= 0);
    sys_close(static_cast<int>(fd));
}

TEST(rootfs, symlinks) {
    STRCMP_EQUAL("hello, rootfs\n", cat("/etc/issue.net").c_str());
    STRCMP_EQUAL("hello, rootfs\n", cat("/etc/abs").c_str());
    STRCMP_EQUAL(("ERR" + std::to_string(ELOOP)).c_str(), cat("/etc/loop").c_str());   // 90 on MIPS
    long fd = open_("/etc/devnull", o_wronly);
    CHECK(fd >= 0);
    sys_close(static_cast<int>(fd));
    LONGS_EQUAL(-ELOOP, open_("/etc/issue.net", o_rdonly | o_nofollow));
    char buf[16] = {};
    LONGS_EQUAL(4, sys_readlink("/etc/issue.net", buf, sizeof buf));
    STRCMP_EQUAL("motd", buf);
    LONGS_EQUAL(2, sys_readlink("/etc/issue.net", buf, 2));   // cut, no NUL
    LONGS_EQUAL(-EINVAL, sys_readlink("/etc/motd", buf, sizeof buf));
    LONGS_EQUAL(-EINVAL, sys_readlink("/etc/issue.net", buf, 0));
    stat st{};
    LONGS_EQUAL(0, sys_newlstat("/etc/issue.net", &st));
    LONGS_EQUAL(s_iflnk, st.st_mode & s_ifmt);
    LONGS_EQUAL(4, st.st_size);
    LONGS_EQUAL(0, sys_newstat("/etc/issue.net", &st));
    LONGS_EQUAL(s_ifreg | 0644, st.st_mode);
}

TEST(rootfs, stat_and_fstat) {
    stat st{};
    LONGS_EQUAL(0, sys_newstat("/etc/motd", &st));
    LONGS_EQUAL(14, st.st_size);
    LONGS_EQUAL(1700000000, st.st_mtime_sec);
    LONGS_EQUAL(1, st.st_blocks);
    LONGS_EQUAL(0, sys_newstat("/etc", &st));
    LONGS_EQUAL(s_ifdir | 0755, st.st_mode);
    LONGS_EQUAL(2, st.st_nlink);
    LONGS_EQUAL(-ENOENT, sys_newstat("/nope", &st));
    LONGS_EQUAL(-ENOTDIR, sys_newstat("/etc/motd/", &st));
    LONGS_EQUAL(-EFAULT, sys_newstat("/etc/motd", reinterpret_cast<stat*>(fs_test::bad_ptr)));
    long fd = open_("/etc/motd", o_rdonly);
    stat fst{};
    LONGS_EQUAL(0, sys_fstat(static_cast<int>(fd), &fst));
    LONGS_EQUAL(14, fst.st_size);
    sys_newstat("/etc/motd", &st);
    LONGS_EQUAL(st.st_ino, fst.st_ino);
    sys_close(static_cast<int>(fd));
}

TEST(rootfs, access_and_getcwd) {
    LONGS_EQUAL(0, sys_access("/etc/motd", 4));
    LONGS_EQUAL(-EROFS, sys_access("/etc/motd", 2));
    LONGS_EQUAL(-EACCES, sys_access("/etc/motd", 1));
    LONGS_EQUAL(0, sys_access("/etc", 1));
    LONGS_EQUAL(0, sys_access("/tmp", 2));
    LONGS_EQUAL(0, sys_access("/dev/null", 2));
    LONGS_EQUAL(-ENOENT, sys_access("/nope", 0));
    LONGS_EQUAL(-EINVAL, sys_access("/etc", 8));
    char buf[4];
    LONGS_EQUAL(2, sys_getcwd(buf, sizeof buf));
    STRCMP_EQUAL("/", buf);
    LONGS_EQUAL(-ERANGE, sys_getcwd(buf, 1));
}

TEST(rootfs, stat64_and_fstatat64) {
    stat64 st{};
    LONGS_EQUAL(0, sys_stat64("/etc/issue.net", &st));
    LONGS_EQUAL(14, st.st_size);
    LONGS_EQUAL(1700000000, st.st_mtime_sec);
    LONGS_EQUAL(0, sys_lstat64("/etc/issue.net", &st));
    LONGS_EQUAL(s_iflnk, st.st_mode & s_ifmt);
    LONGS_EQUAL(0, sys_fstatat64(-100, "etc/motd", &st, 0));
    LONGS_EQUAL(14, st.st_size);
    LONGS_EQUAL(0, sys_fstatat64(-100, "/etc/issue.net", &st, 0x100));   // AT_SYMLINK_NOFOLLOW
    LONGS_EQUAL(4, st.st_size);
    LONGS_EQUAL(-EINVAL, sys_fstatat64(-100, "/etc", &st, 0x2));
    long fd = open_("/etc/motd", o_rdonly);
    LONGS_EQUAL(0, sys_fstatat64(static_cast<int>(fd), "", &st, 0x1000));  // AT_EMPTY_PATH
    LONGS_EQUAL(14, st.st_size);
    LONGS_EQUAL(-ENOENT, sys_fstatat64(static_cast<int>(fd), "", &st, 0));
    LONGS_EQUAL(-ENOTDIR, sys_fstatat64(static_cast<int>(fd), "x", &st, 0));
    LONGS_EQUAL(-EBADF, sys_fstatat64(99, "x", &st, 0));
    long dir = open_("/etc", o_rdonly | o_directory);
    LONGS_EQUAL(0, sys_fstatat64(static_cast<int>(dir), "issue.net", &st, 0x100));
    LONGS_EQUAL(4, st.st_size);
    LONGS_EQUAL(0, sys_fstatat64(static_cast<int>(dir), "../www/deep", &st, 0));
    LONGS_EQUAL(s_ifdir, st.st_mode & s_ifmt);
    LONGS_EQUAL(0, sys_fstatat64(static_cast<int>(dir), "/tmp", &st, 0));   // absolute: dfd unused
    sys_close(static_cast<int>(dir));
    LONGS_EQUAL(0, sys_fstat64(static_cast<int>(fd), &st));
    LONGS_EQUAL(14, st.st_size);
    sys_close(static_cast<int>(fd));
    LONGS_EQUAL(-EBADF, sys_fstat64(99, &st));
}

TEST(rootfs, lseek_and_pread) {
    long fd = open_("/etc/motd", o_rdonly);
    int f = static_cast<int>(fd);
    LONGS_EQUAL(14, sys_lseek(f, 0, seek_end));
    char c[8] = {};
    LONGS_EQUAL(0, sys_read(f, c, 1));
    LONGS_EQUAL(7, sys_lseek(f, 7, seek_set));
    LONGS_EQUAL(6, sys_read(f, c, 6));
    STRCMP_EQUAL("rootfs", c);
    LONGS_EQUAL(11, sys_lseek(f, -2, seek_cur));
    LONGS_EQUAL(-EINVAL, sys_lseek(f, -100, seek_cur));
    LONGS_EQUAL(-EINVAL, sys_lseek(f, 0, 7));
    LONGS_EQUAL(100, sys_lseek(f, 100, seek_set));   // past the end: reads 0
    LONGS_EQUAL(0, sys_read(f, c, 1));
    memset(c, 0, sizeof c);
    LONGS_EQUAL(5, pread_at(f, c, 5, 0));
    STRCMP_EQUAL("hello", c);
    LONGS_EQUAL(100, sys_lseek(f, 0, seek_cur));     // pread leaves the position
    LONGS_EQUAL(0, pread_at(f, c, 5, int64_t{1} << 32));   // 4 GiB in: nothing
    LONGS_EQUAL(-EINVAL, pread_at(f, c, 5, INT64_MIN));
    LONGS_EQUAL(-EBADF, pread_at(99, c, 5, 0));
    int p[2];
    sys_pipe2(p, 0);
    LONGS_EQUAL(-ESPIPE, pread_at(p[0], c, 1, 0));
    sys_close(p[0]);
    sys_close(p[1]);
    sys_close(f);
}

TEST(rootfs, openat_relative_to_a_directory) {
    long etc = open_("/etc", o_rdonly | o_directory);
    int e = static_cast<int>(etc);
    long fd = sys_openat(e, "motd", o_rdonly, 0);
    CHECK(fd >= 0);
    STRCMP_EQUAL("hello, rootfs\n", read_all_fd(static_cast<int>(fd)).c_str());
    sys_close(static_cast<int>(fd));
    LONGS_EQUAL(-ENOENT, sys_openat(e, "nope", o_rdonly, 0));
    LONGS_EQUAL(-EROFS, sys_openat(e, "new", o_wronly | o_creat, 0644));
    long motd = open_("/etc/motd", o_rdonly);
    LONGS_EQUAL(-ENOTDIR, sys_openat(static_cast<int>(motd), "x", o_rdonly, 0));
    sys_close(static_cast<int>(motd));
    LONGS_EQUAL(-EBADF, sys_openat(99, "x", o_rdonly, 0));
    fd = sys_openat(-100, "etc/motd", o_rdonly, 0);   // AT_FDCWD: from /
    CHECK(fd >= 0);
    sys_close(static_cast<int>(fd));
    // Creating relative to a /tmp directory, then that directory removed.
    LONGS_EQUAL(0, sys_mkdir("/tmp/d", 0755));
    long d = open_("/tmp/d", o_rdonly | o_directory);
    fd = sys_openat(static_cast<int>(d), "f", o_wronly | o_creat, 0644);
    CHECK(fd >= 0);
    sys_close(static_cast<int>(fd));
    STRCMP_EQUAL("", cat("/tmp/d/f").c_str());
    LONGS_EQUAL(0, sys_unlink("/tmp/d/f"));
    LONGS_EQUAL(0, sys_rmdir("/tmp/d"));
    LONGS_EQUAL(-ENOENT, sys_openat(static_cast<int>(d), "g", o_wronly | o_creat, 0644));
    LONGS_EQUAL(-ENOENT, sys_openat(static_cast<int>(d), "..", o_rdonly, 0));
    sys_close(static_cast<int>(d));
    long dev = open_("/dev", o_rdonly | o_directory);
    LONGS_EQUAL(-EOPNOTSUPP, sys_openat(static_cast<int>(dev), "null", o_rdonly, 0));
    sys_close(static_cast<int>(dev));
    sys_close(e);
}

TEST(rootfs, read_only_outside_tmp) {
    LONGS_EQUAL(-EROFS, open_("/etc/motd", o_wronly));
    LONGS_EQUAL(-EROFS, open_("/etc/motd", o_rdonly | o_trunc));
    LONGS_EQUAL(-EROFS, open_("/etc/new", o_wronly | o_creat));
    LONGS_EQUAL(-EEXIST, open_("/etc/motd", o_wronly | o_creat | o_excl));
    LONGS_EQUAL(-EROFS, sys_unlink("/etc/motd"));
    LONGS_EQUAL(-EROFS, sys_mkdir("/etc/d", 0755));
    LONGS_EQUAL(-EEXIST, sys_mkdir("/etc", 0755));
    LONGS_EQUAL(-EROFS, sys_rmdir("/www/deep/er"));
    LONGS_EQUAL(-EXDEV, sys_rename("/etc/motd", "/tmp/motd"));
    LONGS_EQUAL(-EROFS, sys_truncate("/etc/motd", 0));
    LONGS_EQUAL(-EISDIR, sys_unlink("/etc"));
    LONGS_EQUAL(-ENOENT, sys_unlink("/etc/nope"));
    LONGS_EQUAL(-ENOTDIR, sys_rmdir("/etc/motd"));
    LONGS_EQUAL(-EBUSY, sys_rmdir("/tmp"));
    LONGS_EQUAL(-EROFS, open_("/dev/new", o_wronly | o_creat));
    long fd = open_("/dev/null", o_wronly | o_creat);   // exists: O_CREAT is no create
    CHECK(fd >= 0);
    sys_close(static_cast<int>(fd));
}

TEST(rootfs, tmpfs_create_write_read_truncate_unlink) {
    long fd = open_("/tmp/a", o_rdwr | o_creat | o_excl, 0666);
    CHECK(fd >= 0);
    int f = static_cast<int>(fd);
    LONGS_EQUAL(-EEXIST, open_("/tmp/a", o_rdwr | o_creat | o_excl));
    static char big[10000];
    for (size_t i = 0; i < sizeof big; ++i) {
        big[i] = static_cast<char>('a' + i % 26);
    }
    LONGS_EQUAL(sizeof big, sys_write(f, big, sizeof big));
    stat st{};
    LONGS_EQUAL(0, sys_newstat("/tmp/a", &st));
    LONGS_EQUAL(sizeof big, st.st_size);
    LONGS_EQUAL(s_ifreg | 0644, st.st_mode);   // 0666 less the umask
    LONGS_EQUAL(3, tmpfs_pages_used());
    sys_lseek(f, 4095, seek_set);
    char c[3] = {};
    LONGS_EQUAL(2, sys_read(f, c, 2));
    CHECK(c[0] == big[4095] && c[1] == big[4096]);
    // A hole reads as zeros.
    sys_lseek(f, 20000, seek_set);
    LONGS_EQUAL(1, sys_write(f, "z", 1));
    LONGS_EQUAL(0, pread_at(f, c, 1, 15000) == 1 && c[0] == 0 ? 0 : 1);
    LONGS_EQUAL(-EFAULT, sys_write(f, fs_test::bad_ptr, 1));
    // Past 64 MiB: EFBIG, and no page array that size.
    sys_lseek(f, 64 << 20, seek_set);
    LONGS_EQUAL(-EFBIG, sys_write(f, "x", 1));
    LONGS_EQUAL(-EFBIG, sys_ftruncate(f, (64 << 20) + 1));
    LONGS_EQUAL(0, sys_ftruncate(f, 64 << 20));   // a hole: no pages
    LONGS_EQUAL(0, pread_at(f, c, 1, 60 << 20) == 1 && c[0] == 0 ? 0 : 1);
    LONGS_EQUAL(-EINVAL, sys_ftruncate(f, -1));
    sys_close(f);
    // O_TRUNC empties it and gives the pages back.
    fd = open_("/tmp/a", o_wronly | o_trunc);
    CHECK(fd >= 0);
    LONGS_EQUAL(0, tmpfs_pages_used());
    sys_write(static_cast<int>(fd), "new", 3);
    sys_close(static_cast<int>(fd));
    STRCMP_EQUAL("new", cat("/tmp/a").c_str());
    fd = open_("/tmp/a", o_wronly | o_append);
    sys_write(static_cast<int>(fd), "er", 2);
    LONGS_EQUAL(0, sys_ftruncate(static_cast<int>(fd), 4));
    sys_close(static_cast<int>(fd));
    STRCMP_EQUAL("newe", cat("/tmp/a").c_str());
    // Unlinked while open: still readable through the descriptor.
    fd = open_("/tmp/a", o_rdonly);
    LONGS_EQUAL(0, sys_unlink("/tmp/a"));
    STRCMP_EQUAL("ERR2", cat("/tmp/a").c_str());
    STRCMP_EQUAL("newe", read_all_fd(static_cast<int>(fd)).c_str());
    LONGS_EQUAL(-EINVAL, sys_ftruncate(static_cast<int>(fd), 0));   // not open for writing
    sys_close(static_cast<int>(fd));
    LONGS_EQUAL(0, tmpfs_pages_used());
}

TEST(rootfs, tmpfs_is_bounded) {
    tmpfs_set_max_pages(2);
    long fd = open_("/tmp/big", o_wronly | o_creat);
    int f = static_cast<int>(fd);
    static char buf[3 * 4096];
    LONGS_EQUAL(2 * 4096, sys_write(f, buf, sizeof buf));   // short: what fit
    LONGS_EQUAL(-ENOSPC, sys_write(f, buf, 1));
    long g = open_("/tmp/other", o_wronly | o_creat);
    LONGS_EQUAL(-ENOSPC, sys_write(static_cast<int>(g), buf, 1));
    sys_close(static_cast<int>(g));
    sys_close(f);
    LONGS_EQUAL(0, sys_unlink("/tmp/big"));
    LONGS_EQUAL(0, tmpfs_pages_used());
    fd = open_("/tmp/other", o_wronly);
    LONGS_EQUAL(1, sys_write(static_cast<int>(fd), buf, 1));
    sys_close(static_cast<int>(fd));
}

TEST(rootfs, tmpfs_names_are_bounded) {
    tmpfs_set_max_inodes(3);   // /tmp itself is the root's, not charged
    LONGS_EQUAL(0, sys_mkdir("/tmp/d", 0755));
    long a = open_("/tmp/d/a", o_wronly | o_creat);
    long b = open_("/tmp/b", o_wronly | o_creat);
    CHECK(a >= 0 && b >= 0);
    LONGS_EQUAL(-ENOSPC, open_("/tmp/c", o_wronly | o_creat));
    LONGS_EQUAL(-ENOSPC, sys_mkdir("/tmp/e", 0755));
    // An unlinked file still open keeps its charge until the last close.
    LONGS_EQUAL(0, sys_unlink("/tmp/b"));
    LONGS_EQUAL(-ENOSPC, sys_mkdir("/tmp/e", 0755));
    sys_close(static_cast<int>(b));
    LONGS_EQUAL(0, sys_mkdir("/tmp/e", 0755));
    sys_close(static_cast<int>(a));
}

TEST(rootfs, tmpfs_directories_and_rename) {
    LONGS_EQUAL(0, sys_mkdir("/tmp/d", 0777));
    LONGS_EQUAL(-EEXIST, sys_mkdir("/tmp/d", 0777));
    LONGS_EQUAL(-ENOENT, sys_mkdir("/tmp/x/y", 0777));
    long fd = open_("/tmp/d/f", o_wronly | o_creat);
    sys_write(static_cast<int>(fd), "data", 4);
    sys_close(static_cast<int>(fd));
    LONGS_EQUAL(-ENOTEMPTY, sys_rmdir("/tmp/d"));
    LONGS_EQUAL(-EINVAL, sys_rename("/tmp/d", "/tmp/d/sub"));
    LONGS_EQUAL(0, sys_rename("/tmp/d/f", "/tmp/g"));
    STRCMP_EQUAL("data", cat("/tmp/g").c_str());
    STRCMP_EQUAL("ERR2", cat("/tmp/d/f").c_str());
    LONGS_EQUAL(-EISDIR, sys_rename("/tmp/g", "/tmp/d"));
    LONGS_EQUAL(0, sys_mkdir("/tmp/e", 0700));
    LONGS_EQUAL(0, sys_rename("/tmp/d", "/tmp/e"));   // an empty directory is replaced
    STRCMP_EQUAL(".,..,g,e,", list("/tmp").c_str());
    LONGS_EQUAL(-ENOTDIR, sys_rmdir("/tmp/g"));
    LONGS_EQUAL(0, sys_unlink("/tmp/g"));
    LONGS_EQUAL(0, sys_rmdir("/tmp/e/"));
    STRCMP_EQUAL(".,..,", list("/tmp").c_str());
    LONGS_EQUAL(-ENOENT, sys_rmdir("/tmp/e"));
}

TEST(rootfs, getdents64) {
    STRCMP_EQUAL(".,..,dev,proc,tmp,etc,www,", list("/").c_str());
    STRCMP_EQUAL(".,..,motd,issue.net,abs,loop,devnull,", list("/etc").c_str());
    STRCMP_CONTAINS("null,", list("/dev").c_str());
    STRCMP_EQUAL("ERR20", list("/etc/motd").c_str());
    long fd = open_("/etc/motd", o_rdonly);
    alignas(8) char buf[64];
    LONGS_EQUAL(-ENOTDIR, sys_getdents64(static_cast<int>(fd), buf, sizeof buf));
    sys_close(static_cast<int>(fd));
    fd = open_("/etc", o_rdonly);
    LONGS_EQUAL(-EINVAL, sys_getdents64(static_cast<int>(fd), buf, 10));    // no record fits
    LONGS_EQUAL(-EFAULT, sys_getdents64(static_cast<int>(fd), fs_test::bad_ptr, 64));
    LONGS_EQUAL(-EISDIR, sys_read(static_cast<int>(fd), buf, sizeof buf));
    // Read to the end, rewind, read again.
    while (sys_getdents64(static_cast<int>(fd), buf, sizeof buf) > 0) {
    }
    LONGS_EQUAL(0, sys_lseek(static_cast<int>(fd), 0, seek_set));
    CHECK(sys_getdents64(static_cast<int>(fd), buf, sizeof buf) > 0);
    sys_close(static_cast<int>(fd));
    LONGS_EQUAL(-EBADF, sys_getdents64(99, buf, sizeof buf));
}

TEST(rootfs, sendfile_to_a_pipe) {
    int p[2];
    LONGS_EQUAL(0, sys_pipe2(p, 0));
    long fd = open_("/etc/motd", o_rdonly);
    int f = static_cast<int>(fd);
    int32_t off = 7;
    LONGS_EQUAL(6, sys_sendfile(p[1], f, &off, 6));
    LONGS_EQUAL(13, off);
    LONGS_EQUAL(0, sys_lseek(f, 0, seek_cur));   // with an offset, f_pos stays
    LONGS_EQUAL(14, sys_sendfile(p[1], f, nullptr, 100));
    LONGS_EQUAL(14, sys_lseek(f, 0, seek_cur));
    LONGS_EQUAL(0, sys_sendfile(p[1], f, nullptr, 100));   // at the end
    char buf[64] = {};
    LONGS_EQUAL(20, sys_read(p[0], buf, sizeof buf));
    STRCMP_EQUAL("rootfshello, rootfs\n", buf);
    // Errors: directions, kinds of input, bad offsets.
    LONGS_EQUAL(-EBADF, sys_sendfile(p[0], f, nullptr, 1));   // output not writable
    LONGS_EQUAL(-EBADF, sys_sendfile(p[1], 99, nullptr, 1));
    LONGS_EQUAL(-EINVAL, sys_sendfile(p[1], p[0], nullptr, 1));  // a pipe is no source
    LONGS_EQUAL(-EFAULT, sys_sendfile(p[1], f, reinterpret_cast<int32_t*>(fs_test::bad_ptr), 1));
    off = -1;
    LONGS_EQUAL(-EINVAL, sys_sendfile(p[1], f, &off, 1));
    // From a tmpfs file too, through its bounce page.
    long t = open_("/tmp/s", o_rdwr | o_creat);
    sys_write(static_cast<int>(t), "tmpfs!", 6);
    int64_t off64 = 0;
    LONGS_EQUAL(6, sys_sendfile64(p[1], static_cast<int>(t), &off64, 6));
    LONGS_EQUAL(6, off64);
    memset(buf, 0, sizeof buf);
    LONGS_EQUAL(6, sys_read(p[0], buf, sizeof buf));
    STRCMP_EQUAL("tmpfs!", buf);
    // And into a tmpfs file.
    long out = open_("/tmp/copy", o_wronly | o_creat);
    LONGS_EQUAL(14, sys_sendfile(static_cast<int>(out), f, (off = 0, &off), 1000));
    sys_close(static_cast<int>(out));
    STRCMP_EQUAL("hello, rootfs\n", cat("/tmp/copy").c_str());
    sys_close(static_cast<int>(t));
    sys_close(f);
    sys_close(p[0]);
    sys_close(p[1]);
}

TEST(rootfs, malformed_archives_are_refused_with_a_message) {
    rootfs_forget();
    static archive bad;
    bad = archive{};
    bad.add("ok", 0100644, "fine");
    bad.add("cut", 0100644, "0123456789");
    klog::clear();
    LONGS_EQUAL(-EINVAL, populate_rootfs(bad.buf, bad.len - 8));
    STRCMP_CONTAINS("initramfs: bad archive at offset 120 of 240", klog_text().c_str());
    STRCMP_CONTAINS("truncated; 1 entries kept", klog_text().c_str());
    STRCMP_EQUAL("fine", cat("/ok").c_str());   // what came before stays
    static const uint8_t junk[200] = {'x', 'y', 'z'};
    klog::clear();
    LONGS_EQUAL(-EINVAL, populate_rootfs(junk, sizeof junk));
    STRCMP_CONTAINS("no cpio magic", klog_text().c_str());
    // Garbage at every 7th byte of a good archive: never a crash, 0 or -EINVAL.
    for (size_t i = 0; i < arc.len; i += 7) {
        rootfs_forget();
        static archive b;
        b = arc;
        b.at(i) = static_cast<char>(b.at(i) ^ 0x5a);
        long r = populate_rootfs(b.buf, b.len);
        CHECK(r == 0 || r == -EINVAL);
    }
}

TEST(rootfs, a_second_archive_replaces_files_and_adds_new_ones) {
    static archive over;
    over = archive{};
    over.add("etc/motd", 0100600, "from the initrd\n", 1700000100);
    over.add("www/1m.bin", 0100644, "big");
    over.add("etc", 0100644, "a file where a directory is");   // kept as the directory
    over.add("etc/issue.net", 0100644, "no longer a link\n");  // a symlink replaced by a file
    over.trailer();
    klog::clear();
    LONGS_EQUAL(0, populate_rootfs(over.buf, over.len, "initrd"));
    STRCMP_EQUAL("from the initrd\n", cat("/etc/motd").c_str());
    STRCMP_EQUAL("no longer a link\n", cat("/etc/issue.net").c_str());
    STRCMP_EQUAL("big", cat("/www/1m.bin").c_str());
    STRCMP_EQUAL("<p>hi</p>\n", cat("/www/deep/er/index.html").c_str());   // the first archive's stays
    stat64 st{};
    LONGS_EQUAL(0, sys_lstat64("/etc/motd", &st));
    LONGS_EQUAL(0100600, st.st_mode);
    LONGS_EQUAL(1700000100, st.st_mtime_sec);
    LONGS_EQUAL(0, sys_lstat64("/etc/issue.net", &st));
    LONGS_EQUAL(s_ifreg, st.st_mode & s_ifmt);
    STRCMP_CONTAINS("initrd: etc: a directory already there, kept", klog_text().c_str());
    STRCMP_CONTAINS("initrd: 3 entries", klog_text().c_str());
    STRCMP_CONTAINS("1 skipped", klog_text().c_str());
}

TEST(rootfs, a_compressed_archive_is_refused_by_name) {
    static const uint8_t gz[32] = {0x1f, 0x8b, 0x08};
    klog::clear();
    LONGS_EQUAL(-EINVAL, populate_rootfs(gz, sizeof gz, "initrd"));
    STRCMP_CONTAINS("initrd: a gzip-compressed archive", klog_text().c_str());
    STRCMP_EQUAL("hello, rootfs\n", cat("/etc/motd").c_str());
}
