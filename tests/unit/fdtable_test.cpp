// host-only: the test body plays the idle task with its own memory zone (fs_test_util.h).
// Descriptor table semantics through the syscalls, as an app sees them.
#include <CppUTest/TestHarness.h>

#include <string.h>

#include "kernel/fs/namei.h"
#include "kernel/syscalls.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/fcntl.h"
#include "tests/unit/fs_test_util.h"

using namespace uapi;

namespace {
long open_null(unsigned flags = o_rdwr) { return sys_open("/dev/null", flags, 0); }

int releases;
int count_release(inode*, file*) {
    ++releases;
    return 0;
}
long read_one(file*, char* buf, size_t, loff_t*) {
    buf[0] = 'r';
    return 1;
}
}  // namespace

TEST_GROUP(fdtable) {
    unsigned files_before;
    void setup() override {
        files_before = files_in_use();
        fs_test::setup();
    }
    void teardown() override {
        fs_test::teardown();
        LONGS_EQUAL(files_before, files_in_use());   // nothing leaked
    }
};

TEST(fdtable, lowest_free_fd_is_used) {
    LONGS_EQUAL(0, open_null());
    LONGS_EQUAL(1, open_null());
    LONGS_EQUAL(2, open_null());
    LONGS_EQUAL(0, sys_close(1));
    LONGS_EQUAL(1, open_null());
    LONGS_EQUAL(0, sys_close(0));
    LONGS_EQUAL(0, sys_close(2));
    LONGS_EQUAL(0, open_null());
    LONGS_EQUAL(2, open_null());
    LONGS_EQUAL(3, sys_dup(0));
}

TEST(fdtable, bad_descriptors_are_ebadf) {
    char c;
    LONGS_EQUAL(-EBADF, sys_close(5));
    LONGS_EQUAL(-EBADF, sys_close(-1));
    LONGS_EQUAL(-EBADF, sys_close(100000));
    LONGS_EQUAL(-EBADF, sys_read(3, &c, 1));
    LONGS_EQUAL(-EBADF, sys_write(-7, &c, 1));
    LONGS_EQUAL(-EBADF, sys_dup(9));
    LONGS_EQUAL(-EBADF, sys_fcntl(9, f_getfl, 0));
    LONGS_EQUAL(-EBADF, sys_ioctl(9, fionbio, 0));
    LONGS_EQUAL(-EBADF, sys_lseek(9, 0, seek_set));
    int fd = static_cast<int>(open_null());
    LONGS_EQUAL(0, sys_close(fd));
    LONGS_EQUAL(-EBADF, sys_close(fd));   // twice
}

TEST(fdtable, access_mode_is_enforced) {
    char c = 'x';
    int ro = static_cast<int>(open_null(o_rdonly));
    int wo = static_cast<int>(open_null(o_wronly));
    LONGS_EQUAL(-EBADF, sys_write(ro, &c, 1));
    LONGS_EQUAL(-EBADF, sys_read(wo, &c, 1));
    LONGS_EQUAL(0, sys_read(ro, &c, 1));      // /dev/null: EOF
    LONGS_EQUAL(1, sys_write(wo, &c, 1));
    LONGS_EQUAL(-EINVAL, open_null(o_accmode));
}

TEST(fdtable, emfile_at_the_limit) {
    for (unsigned i = 0; i < NR_OPEN_DEFAULT; ++i) {
        LONGS_EQUAL(static_cast<long>(i), open_null());
    }
    LONGS_EQUAL(-EMFILE, open_null());
    LONGS_EQUAL(-EMFILE, sys_dup(0));
    LONGS_EQUAL(-EMFILE, sys_open("/nonexistent", o_rdonly, 0));  // the fd comes first, as Linux
    LONGS_EQUAL(0, sys_close(17));
    LONGS_EQUAL(17, sys_dup(3));
}

TEST(fdtable, rlimit_nofile_moves_the_limit) {
    rlimit r{};
    LONGS_EQUAL(0, sys_getrlimit(rlimit_nofile, &r));
    LONGS_EQUAL(NR_OPEN_DEFAULT, r.rlim_cur);
    LONGS_EQUAL(NR_OPEN_MAX, r.rlim_max);
    r.rlim_cur = 4;
    LONGS_EQUAL(0, sys_setrlimit(rlimit_nofile, &r));
    for (int i = 0; i < 4; ++i) {
        LONGS_EQUAL(i, open_null());
    }
    LONGS_EQUAL(-EMFILE, open_null());
    LONGS_EQUAL(-EBADF, sys_dup2(0, 4));             // at or past the limit
    LONGS_EQUAL(-EINVAL, sys_fcntl(0, f_dupfd, 4));
    r.rlim_cur = NR_OPEN_MAX + 1;
    r.rlim_max = NR_OPEN_MAX + 1;
    LONGS_EQUAL(-EPERM, sys_setrlimit(rlimit_nofile, &r));
    r.rlim_cur = 9;
    r.rlim_max = 8;
    LONGS_EQUAL(-EINVAL, sys_setrlimit(rlimit_nofile, &r));
    LONGS_EQUAL(-EFAULT, sys_getrlimit(rlimit_nofile, reinterpret_cast<rlimit*>(fs_test::bad_ptr)));
    LONGS_EQUAL(-EINVAL, sys_getrlimit(99, &r));
}

// Past the first 64 slots the table grows (doubling, Linux's
// expand_files) and keeps every fd; dup2 to a high fd grows it too.
TEST(fdtable, the_table_grows_to_the_raised_limit) {
    rlimit r{3000, NR_OPEN_MAX};
    LONGS_EQUAL(0, sys_setrlimit(rlimit_nofile, &r));
    int fd = static_cast<int>(open_null());
    for (int i = 1; i < 3000; ++i) {
        LONGS_EQUAL(i, sys_dup(fd));
    }
    LONGS_EQUAL(-EMFILE, sys_dup(fd));
    CHECK_TRUE(current_files()->capacity >= 3000);
    char c = 'x';
    LONGS_EQUAL(1, sys_write(2999, &c, 1));
    LONGS_EQUAL(1, sys_write(64, &c, 1));
    for (int i = 1; i < 3000; ++i) {
        LONGS_EQUAL(0, sys_close(i));
    }
    LONGS_EQUAL(-EBADF, sys_close(2999));
    LONGS_EQUAL(1, sys_dup(fd));   // the lowest free again
    r.rlim_cur = 20000;
    LONGS_EQUAL(0, sys_setrlimit(rlimit_nofile, &r));
    LONGS_EQUAL(10000, sys_dup2(fd, 10000));
    CHECK_TRUE(current_files()->capacity > 10000);
    LONGS_EQUAL(1, sys_write(10000, &c, 1));
    LONGS_EQUAL(-EBADF, sys_dup2(fd, 20000));
}

TEST(fdtable, dup_shares_the_open_file) {
    int fd = static_cast<int>(open_null());
    int d = static_cast<int>(sys_dup(fd));
    LONGS_EQUAL(fd + 1, d);
    LONGS_EQUAL(0, sys_fcntl(fd, f_setfl, o_nonblock));
    LONGS_EQUAL(o_rdwr | o_nonblock, sys_fcntl(d, f_getfl, 0));   // flags live in the file
    LONGS_EQUAL(0, sys_close(fd));
    char c = 'x';
    LONGS_EQUAL(1, sys_write(d, &c, 1));
}

TEST(fdtable, dup2_replaces_and_dup2_to_itself_checks) {
    int a = static_cast<int>(open_null(o_rdonly));
    int b = static_cast<int>(open_null(o_wronly));
    LONGS_EQUAL(b, sys_dup2(a, b));                   // b now reads, the old b is closed
    char c;
    LONGS_EQUAL(0, sys_read(b, &c, 1));
    LONGS_EQUAL(a, sys_dup2(a, a));
    LONGS_EQUAL(-EBADF, sys_dup2(9, 9));
    LONGS_EQUAL(-EBADF, sys_dup2(9, 3));
    LONGS_EQUAL(-EBADF, sys_dup2(a, -1));
    LONGS_EQUAL(20, sys_dup2(a, 20));                 // past the lowest free: fine
    LONGS_EQUAL(2, sys_dup(a));                       // and the gap stays usable
    LONGS_EQUAL(-EINVAL, sys_dup3(a, a, 0));
    LONGS_EQUAL(-EINVAL, sys_dup3(a, 5, o_nonblock));
    LONGS_EQUAL(5, sys_dup3(a, 5, o_cloexec));
    LONGS_EQUAL(fd_cloexec, sys_fcntl(5, f_getfd, 0));
    LONGS_EQUAL(0, sys_fcntl(20, f_getfd, 0));
}

TEST(fdtable, fcntl_commands) {
    int fd = static_cast<int>(open_null(o_rdwr | o_append | o_creat | o_trunc));
    LONGS_EQUAL(o_rdwr | o_append, sys_fcntl(fd, f_getfl, 0));   // open-only flags gone
    LONGS_EQUAL(0, sys_fcntl(fd, f_setfl, o_nonblock | o_wronly));  // access mode stays
    LONGS_EQUAL(o_rdwr | o_nonblock, sys_fcntl(fd, f_getfl, 0));
    LONGS_EQUAL(0, sys_fcntl(fd, f_getfd, 0));
    LONGS_EQUAL(0, sys_fcntl(fd, f_setfd, fd_cloexec));
    LONGS_EQUAL(fd_cloexec, sys_fcntl(fd, f_getfd, 0));
    LONGS_EQUAL(10, sys_fcntl(fd, f_dupfd, 10));
    LONGS_EQUAL(0, sys_fcntl(10, f_getfd, 0));                   // dups drop close-on-exec
    LONGS_EQUAL(11, sys_fcntl(fd, f_dupfd_cloexec, 10));
    LONGS_EQUAL(fd_cloexec, sys_fcntl(11, f_getfd, 0));
    LONGS_EQUAL(-EINVAL, sys_fcntl(fd, f_setlk, 0));
    LONGS_EQUAL(-EINVAL, sys_fcntl(fd, 12345, 0));
    LONGS_EQUAL(-EINVAL, sys_fcntl(fd, f_dupfd, NR_OPEN_DEFAULT));
}

TEST(fdtable, ioctl_generic_commands) {
    int fd = static_cast<int>(open_null());
    int on = 1;
    LONGS_EQUAL(0, sys_ioctl(fd, fionbio, reinterpret_cast<unsigned long>(&on)));
    CHECK(sys_fcntl(fd, f_getfl, 0) & o_nonblock);
    on = 0;
    LONGS_EQUAL(0, sys_ioctl(fd, fionbio, reinterpret_cast<unsigned long>(&on)));
    CHECK_FALSE(sys_fcntl(fd, f_getfl, 0) & o_nonblock);
    LONGS_EQUAL(-EFAULT, sys_ioctl(fd, fionbio, 0x10));
    LONGS_EQUAL(0, sys_ioctl(fd, fioclex, 0));
    LONGS_EQUAL(fd_cloexec, sys_fcntl(fd, f_getfd, 0));
    LONGS_EQUAL(0, sys_ioctl(fd, fionclex, 0));
    LONGS_EQUAL(0, sys_fcntl(fd, f_getfd, 0));
    LONGS_EQUAL(-ENOTTY, sys_ioctl(fd, tcgets, reinterpret_cast<unsigned long>(&on)));
    LONGS_EQUAL(-ENOTTY, sys_ioctl(fd, fionread, reinterpret_cast<unsigned long>(&on)));
}

TEST(fdtable, open_names_and_flags) {
    LONGS_EQUAL(-ENOENT, sys_open("/dev/nothing", o_rdonly, 0));
    LONGS_EQUAL(-ENOENT, sys_open("relative", o_rdonly, 0));
    LONGS_EQUAL(-ENOENT, sys_open("", o_rdonly, 0));
    LONGS_EQUAL(-ENOENT, sys_open("/proc/nothing", o_rdonly, 0));
    LONGS_EQUAL(-EFAULT, sys_open(fs_test::bad_ptr, o_rdonly, 0));
    LONGS_EQUAL(-EEXIST, sys_open("/dev/null", o_rdwr | o_creat | o_excl, 0));
    LONGS_EQUAL(-ENOTDIR, sys_open("/dev/null", o_rdonly | o_directory, 0));
    LONGS_EQUAL(-EACCES, sys_open("/proc/version", o_wronly, 0));
    LONGS_EQUAL(-EISDIR, sys_open("/proc", o_rdwr, 0));
    static char longname[uapi::path_max + 10];
    memset(longname, 'a', sizeof longname - 1);
    LONGS_EQUAL(-ENAMETOOLONG, sys_open(longname, o_rdonly, 0));
    int fd = static_cast<int>(sys_open("/dev/null", o_rdonly | o_cloexec, 0));
    LONGS_EQUAL(fd_cloexec, sys_fcntl(fd, f_getfd, 0));
    LONGS_EQUAL(0, sys_fcntl(fd, f_getfl, 0) & o_cloexec);   // a descriptor flag, not a file flag
    int p = static_cast<int>(sys_open("/proc", o_rdonly | o_directory, 0));
    char c;
    LONGS_EQUAL(-EISDIR, sys_read(p, &c, 1));
    LONGS_EQUAL(-EBADF, sys_openat(30, "rel", o_rdonly, 0));
    CHECK(sys_openat(30, "/dev/zero", o_rdonly, 0) >= 0);
}

TEST(fdtable, fstat_types) {
    int null_fd = static_cast<int>(open_null());
    int con = static_cast<int>(sys_open("/dev/console", o_rdwr, 0));
    int proc = static_cast<int>(sys_open("/proc/version", o_rdonly, 0));
    uapi::stat st;
    LONGS_EQUAL(0, sys_fstat(null_fd, &st));
    LONGS_EQUAL(s_ifchr | 0666, st.st_mode);
    LONGS_EQUAL((1u << 8) | 3, st.st_rdev);
    unsigned long null_ino = st.st_ino;
    LONGS_EQUAL(0, sys_fstat(con, &st));
    LONGS_EQUAL(s_ifchr, st.st_mode & s_ifmt);
    LONGS_EQUAL((5u << 8) | 1, st.st_rdev);
    LONGS_EQUAL(1024, st.st_blksize);
    CHECK(st.st_ino != null_ino);
    LONGS_EQUAL(0, sys_fstat(proc, &st));
    LONGS_EQUAL(s_ifreg | 0444, st.st_mode);
    LONGS_EQUAL(0, sys_fstat(static_cast<int>(open_null()), &st));
    LONGS_EQUAL(null_ino, st.st_ino);                 // one inode per device node
    LONGS_EQUAL(-EFAULT, sys_fstat(null_fd, reinterpret_cast<uapi::stat*>(fs_test::bad_ptr)));
    LONGS_EQUAL(-EBADF, sys_fstat(40, &st));
}

TEST(fdtable, lseek_on_devices) {
    int con = static_cast<int>(sys_open("/dev/console", o_rdwr, 0));
    LONGS_EQUAL(-ESPIPE, sys_lseek(con, 0, seek_set));
    int z = static_cast<int>(sys_open("/dev/zero", o_rdonly, 0));
    LONGS_EQUAL(0, sys_lseek(z, 100, seek_set));      // Linux's null_lseek: always 0
    LONGS_EQUAL(-EINVAL, sys_lseek(z, 0, 7));
    char buf[8];
    memset(buf, 'x', sizeof buf);
    LONGS_EQUAL(8, sys_read(z, buf, sizeof buf));
    for (char c : buf) {
        LONGS_EQUAL(0, c);
    }
}

TEST(fdtable, read_and_write_check_buffers) {
    int fd = static_cast<int>(open_null());
    LONGS_EQUAL(-EFAULT, sys_write(fd, fs_test::bad_ptr, 1));
    LONGS_EQUAL(-EFAULT, sys_read(fd, nullptr, 1));
    LONGS_EQUAL(-EFAULT, sys_read(fd, reinterpret_cast<char*>(&fd), static_cast<size_t>(-1)));
    LONGS_EQUAL(0, sys_write(fd, nullptr, 0));
}

// A file closed by one thread while another is inside a syscall on it stays
// until that syscall is done: close() drops only the descriptor's reference.
TEST(fdtable, close_of_a_busy_file) {
    static const file_operations counted = {.read = read_one, .release = count_release};
    releases = 0;
    inode* i = new_inode();
    file* f = alloc_file(i, o_rdonly, &counted);
    int fd = get_unused_fd_flags(0);
    fd_install(fd, f);
    file* busy = fget(fd);                             // a read in progress
    POINTERS_EQUAL(f, busy);
    LONGS_EQUAL(0, sys_close(fd));
    LONGS_EQUAL(0, releases);
    char c = 0;
    LONGS_EQUAL(1, vfs_read(busy, &c, 1, &busy->f_pos));
    LONGS_EQUAL('r', c);
    LONGS_EQUAL(-EBADF, sys_read(fd, &c, 1));          // the number is gone
    fput(busy);
    LONGS_EQUAL(1, releases);
}

TEST(fdtable, exit_closes_everything) {
    for (int i = 0; i < 10; ++i) {
        open_null();
    }
    CHECK(files_in_use() >= files_before + 10);
    exit_files(current);
    POINTERS_EQUAL(nullptr, current->files);
    LONGS_EQUAL(files_before, files_in_use());
    char c;
    LONGS_EQUAL(-EBADF, sys_read(0, &c, 1));          // a kernel thread has no descriptors
    LONGS_EQUAL(-EMFILE, open_null());
}

TEST(fdtable, app_console_descriptors) {
    LONGS_EQUAL(0, files_install_console(current->files));
    uapi::stat a, b;
    LONGS_EQUAL(0, sys_fstat(0, &a));
    LONGS_EQUAL(0, sys_fstat(2, &b));
    LONGS_EQUAL(a.st_ino, b.st_ino);
    LONGS_EQUAL(3, open_null());
    // One open file behind all three, as init's open + dup + dup.
    LONGS_EQUAL(0, sys_fcntl(1, f_setfl, o_nonblock));
    CHECK(sys_fcntl(0, f_getfl, 0) & o_nonblock);
    char c;
    LONGS_EQUAL(-EAGAIN, sys_read(0, &c, 1));
}
