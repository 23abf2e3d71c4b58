// The root filesystem as apps see it, through newlib and libc's wrappers:
// the built-in archive (rootfs/ in the repository, so /etc/hostname is
// "malta\n") and /tmp. Only <errno.h> names here: newlib's values.
#include <CppUTest/TestHarness.h>

#include <dirent.h>
#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

bool fails_with(long ret, int err) { return ret == -1 && errno == err; }

// "name," per entry ("name/," for directories), in readdir order.
const char* names_of(const char* path) {
    static char s[1024];
    DIR* d = opendir(path);
    if (!d) {
        return "ERR";
    }
    s[0] = '\0';
    while (struct dirent* e = readdir(d)) {
        size_t n = strlen(s);
        snprintf(s + n, sizeof s - n, "%s%s", e->d_name, e->d_type == DT_DIR ? "/," : ",");
    }
    closedir(d);
    return s;
}

}  // namespace

TEST_GROUP(rootfs_libc) {
    void setup() override { errno = 0; }
    void teardown() override {
        unlink("/tmp/rootfs_test");
        unlink("/tmp/rootfs_test2");
        rmdir("/tmp/rootfs_dir");
    }
};

TEST(rootfs_libc, readdir_lists_the_archive_and_the_mount_points) {
    const char* root = names_of("/");
    STRCMP_CONTAINS("./,../,", root);
    STRCMP_CONTAINS("etc/,", root);
    STRCMP_CONTAINS("tmp/,", root);
    STRCMP_CONTAINS("dev/,", root);
    STRCMP_CONTAINS("proc/,", root);
    STRCMP_CONTAINS("hostname,", names_of("/etc"));
    STRCMP_CONTAINS("null,", names_of("/dev"));
    STRCMP_CONTAINS("uptime,", names_of("/proc"));
    CHECK(opendir("/etc/hostname") == nullptr);
    LONGS_EQUAL(ENOTDIR, errno);
    CHECK(opendir("/nope") == nullptr);
    LONGS_EQUAL(ENOENT, errno);
}

TEST(rootfs_libc, stat_read_lseek_pread) {
    struct stat st;
    LONGS_EQUAL(0, stat("/etc/hostname", &st));
    CHECK(S_ISREG(st.st_mode));
    LONGS_EQUAL(6, st.st_size);
    LONGS_EQUAL(0, stat("/etc", &st));
    CHECK(S_ISDIR(st.st_mode));
    CHECK(fails_with(stat("/etc/hostname/x", &st), ENOTDIR));
    CHECK(fails_with(stat("/etc/nope", &st), ENOENT));
    LONGS_EQUAL(0, lstat("/etc/issue.net", &st));
    CHECK(S_ISLNK(st.st_mode));
    char link[16] = {};
    LONGS_EQUAL(5, readlink("/etc/issue.net", link, sizeof link));
    STRCMP_EQUAL("issue", link);

    int fd = open("/etc/hostname", O_RDONLY);
    CHECK(fd >= 0);
    struct stat fst;
    LONGS_EQUAL(0, fstat(fd, &fst));
    LONGS_EQUAL(6, fst.st_size);
    char buf[16] = {};
    LONGS_EQUAL(6, read(fd, buf, sizeof buf));
    STRCMP_EQUAL("malta\n", buf);
    LONGS_EQUAL(0, read(fd, buf, sizeof buf));
    LONGS_EQUAL(2, lseek(fd, -4, SEEK_END));
    memset(buf, 0, sizeof buf);
    LONGS_EQUAL(3, read(fd, buf, 3));
    STRCMP_EQUAL("lta", buf);
    CHECK(fails_with(lseek(fd, 0, 42), EINVAL));
    CHECK(fails_with(lseek(fd, -100, SEEK_SET), EINVAL));
    memset(buf, 0, sizeof buf);
    LONGS_EQUAL(4, pread(fd, buf, 4, 1));
    STRCMP_EQUAL("alta", buf);
    LONGS_EQUAL(5, lseek(fd, 0, SEEK_CUR));   // pread leaves the offset alone
    CHECK(fails_with(write(fd, "x", 1), EBADF));
    close(fd);
}

TEST(rootfs_libc, read_only_outside_tmp) {
    CHECK(fails_with(open("/etc/hostname", O_WRONLY), EROFS));
    CHECK(fails_with(open("/etc/new", O_WRONLY | O_CREAT, 0644), EROFS));
    CHECK(fails_with(open("/etc", O_RDWR), EISDIR));
    CHECK(fails_with(unlink("/etc/hostname"), EROFS));
    CHECK(fails_with(mkdir("/etc/d", 0755), EROFS));
    CHECK(fails_with(rename("/etc/hostname", "/tmp/x"), EXDEV));
    CHECK(fails_with(open("/etc/hostname", O_RDONLY | O_DIRECTORY), ENOTDIR));
    CHECK(fopen("/etc/motd", "w") == nullptr);
    LONGS_EQUAL(EROFS, errno);
    LONGS_EQUAL(0, access("/etc/motd", R_OK));
    CHECK(fails_with(access("/etc/motd", W_OK), EROFS));
    LONGS_EQUAL(0, access("/tmp", W_OK));
    CHECK(fails_with(access("/nope", F_OK), ENOENT));
    char cwd[8];
    CHECK(getcwd(cwd, sizeof cwd) == cwd);
    STRCMP_EQUAL("/", cwd);
}

TEST(rootfs_libc, tmp_write_read_unlink) {
    int fd = open("/tmp/rootfs_test", O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0);
    CHECK(fails_with(open("/tmp/rootfs_test", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST));
    LONGS_EQUAL(11, write(fd, "hello /tmp\n", 11));
    LONGS_EQUAL(0, lseek(fd, 0, SEEK_SET));
    char buf[32] = {};
    LONGS_EQUAL(11, read(fd, buf, sizeof buf));
    STRCMP_EQUAL("hello /tmp\n", buf);
    close(fd);
    // stdio on top, O_TRUNC through "w".
    FILE* f = fopen("/tmp/rootfs_test", "w");
    CHECK(f != nullptr);
    fprintf(f, "n=%d\n", 42);
    LONGS_EQUAL(0, fclose(f));
    f = fopen("/tmp/rootfs_test", "r");
    memset(buf, 0, sizeof buf);
    CHECK(fgets(buf, sizeof buf, f) != nullptr);
    fclose(f);
    STRCMP_EQUAL("n=42\n", buf);
    LONGS_EQUAL(0, truncate("/tmp/rootfs_test", 2));
    struct stat st;
    LONGS_EQUAL(0, stat("/tmp/rootfs_test", &st));
    LONGS_EQUAL(2, st.st_size);
    LONGS_EQUAL(0, mkdir("/tmp/rootfs_dir", 0755));
    CHECK(fails_with(mkdir("/tmp/rootfs_dir", 0755), EEXIST));
    LONGS_EQUAL(0, rename("/tmp/rootfs_test", "/tmp/rootfs_dir/f"));
    CHECK(fails_with(rmdir("/tmp/rootfs_dir"), ENOTEMPTY));
    STRCMP_EQUAL("./,../,f,", names_of("/tmp/rootfs_dir"));
    LONGS_EQUAL(0, unlink("/tmp/rootfs_dir/f"));
    CHECK(fails_with(unlink("/tmp/rootfs_dir/f"), ENOENT));
    LONGS_EQUAL(0, rmdir("/tmp/rootfs_dir"));
    CHECK(fails_with(stat("/tmp/rootfs_dir", &st), ENOENT));
}

TEST(rootfs_libc, sendfile_to_a_pipe) {
    int p[2];
    LONGS_EQUAL(0, pipe(p));
    int fd = open("/etc/hostname", O_RDONLY);
    off_t off = 2;
    LONGS_EQUAL(3, sendfile(p[1], fd, &off, 3));
    LONGS_EQUAL(5, off);
    LONGS_EQUAL(0, lseek(fd, 0, SEEK_CUR));
    LONGS_EQUAL(6, sendfile(p[1], fd, nullptr, 4096));
    LONGS_EQUAL(6, lseek(fd, 0, SEEK_CUR));
    char buf[16] = {};
    LONGS_EQUAL(9, read(p[0], buf, sizeof buf));
    STRCMP_EQUAL("ltamalta\n", buf);
    CHECK(fails_with(sendfile(p[1], p[0], nullptr, 1), EINVAL));   // a pipe is no source
    CHECK(fails_with(sendfile(p[0], fd, nullptr, 1), EBADF));      // nor a read end a sink
    CHECK(fails_with(sendfile(p[1], 1000, nullptr, 1), EBADF));
    close(fd);
    // From /tmp too.
    fd = open("/tmp/rootfs_test2", O_RDWR | O_CREAT, 0644);
    write(fd, "from tmpfs", 10);
    off = 0;
    LONGS_EQUAL(10, sendfile(p[1], fd, &off, 100));
    memset(buf, 0, sizeof buf);
    LONGS_EQUAL(10, read(p[0], buf, sizeof buf));
    STRCMP_EQUAL("from tmpfs", buf);
    close(fd);
    close(p[0]);
    close(p[1]);
}

// sendfile into TCP over loopback, non-blocking so one thread can drain the
// other end: the archive's /etc/motd in place, then a 100 000-byte /tmp file
// through the kernel's bounce page, short sends resumed from the offset.
TEST(rootfs_libc, sendfile_to_a_tcp_socket) {
    int lst = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int cli = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in at = {};
    at.sin_family = AF_INET;
    at.sin_port = htons(8019);
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    LONGS_EQUAL(0, bind(lst, reinterpret_cast<struct sockaddr*>(&at), sizeof at));
    LONGS_EQUAL(0, listen(lst, 1));
    int rc = connect(cli, reinterpret_cast<struct sockaddr*>(&at), sizeof at);
    CHECK(rc == 0 || errno == EINPROGRESS);
    struct pollfd pl = {lst, POLLIN, 0};
    LONGS_EQUAL(1, poll(&pl, 1, 2000));
    int srv = accept4(lst, nullptr, nullptr, SOCK_NONBLOCK);
    CHECK(srv >= 0);

    static char want[100000 + 200], got[sizeof want];
    int motd = open("/etc/motd", O_RDONLY);
    struct stat st;
    fstat(motd, &st);
    size_t motd_len = static_cast<size_t>(st.st_size);
    LONGS_EQUAL(motd_len, read(motd, want, sizeof want));
    int tmp = open("/tmp/rootfs_test2", O_RDWR | O_CREAT | O_TRUNC, 0644);
    for (size_t i = 0; i < 100000; ++i) {
        want[motd_len + i] = static_cast<char>('A' + i % 53);
    }
    LONGS_EQUAL(100000, write(tmp, want + motd_len, 100000));
    size_t total = motd_len + 100000, received = 0;
    int files[2] = {motd, tmp};
    size_t sizes[2] = {motd_len, 100000};
    for (int k = 0; k < 2; ++k) {
        off_t off = 0;
        for (int rounds = 0; rounds < 10000 && static_cast<size_t>(off) < sizes[k]; ++rounds) {
            ssize_t n = sendfile(srv, files[k], &off, sizes[k] - static_cast<size_t>(off));
            CHECK(n > 0 || (n == -1 && errno == EAGAIN));
            ssize_t r = recv(cli, got + received, sizeof got - received, 0);
            if (r > 0) {
                received += static_cast<size_t>(r);
            }
        }
        LONGS_EQUAL(sizes[k], off);
    }
    for (int rounds = 0; rounds < 1000 && received < total; ++rounds) {
        struct pollfd pc = {cli, POLLIN, 0};
        poll(&pc, 1, 100);
        ssize_t r = recv(cli, got + received, sizeof got - received, 0);
        if (r > 0) {
            received += static_cast<size_t>(r);
        }
    }
    LONGS_EQUAL(total, received);
    MEMCMP_EQUAL(want, got, total);
    close(motd);
    close(tmp);
    close(srv);
    close(cli);
    close(lst);
}
