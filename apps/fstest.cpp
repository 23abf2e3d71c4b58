// fstest: the descriptor calls as an app sees them, through newlib and
// libc's wrappers (so newlib's flag values reach the kernel translated).
//   fstest            run the checks; exit status = failures
//   fstest exit N     exit with status N (for run and wait4)
//   fstest hold       block forever in a pipe read (for ps)
//   fstest poll MS    poll stdin for input with a timeout, say what came back
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kernel/apps.h"
#include "mipsnet/spawn.h"

namespace {

int checks, failures;

void check(bool ok, const char* what) {
    ++checks;
    if (!ok) {
        ++failures;
        printf("fstest: FAIL %s (errno %d, %s)\n", what, errno, strerror(errno));
    }
}

bool fails_with(int ret, int err) { return ret == -1 && errno == err; }

void pipes() {
    int p[2];
    check(pipe(p) == 0 && p[0] >= 3 && p[1] == p[0] + 1, "pipe() returns both fds (v0 and v1)");
    check(write(p[1], "hello", 5) == 5, "write to a pipe");
    char buf[16] = {};
    check(read(p[0], buf, sizeof buf) == 5 && strcmp(buf, "hello") == 0, "read it back");
    struct stat st;
    check(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode), "fstat: a pipe is S_IFIFO");
    check(isatty(p[0]) == 0, "a pipe is no tty");
    check(fails_with(static_cast<int>(lseek(p[0], 0, SEEK_SET)), ESPIPE), "lseek on a pipe: ESPIPE");
    check(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0, "F_SETFL O_NONBLOCK");
    int fl = fcntl(p[0], F_GETFL);
    check(fl >= 0 && (fl & O_NONBLOCK) && (fl & O_ACCMODE) == O_RDONLY, "F_GETFL in newlib's values");
    check(fails_with(static_cast<int>(read(p[0], buf, 1)), EAGAIN), "empty non-blocking pipe: EAGAIN");
    close(p[1]);
    check(read(p[0], buf, 1) == 0, "no writers: EOF");
    close(p[0]);

    check(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0, "pipe2(O_NONBLOCK | O_CLOEXEC)");
    check(fcntl(p[1], F_GETFD) == FD_CLOEXEC, "pipe2's O_CLOEXEC");
    static char big[4096];
    long total = 0;
    ssize_t n;
    while ((n = write(p[1], big, sizeof big)) > 0) {
        total += n;
    }
    check(fails_with(static_cast<int>(n), EAGAIN) && total == 8192, "a full pipe holds 8 KiB, then EAGAIN");
    int avail = 0;
    check(ioctl(p[0], FIONREAD, &avail) == 0 && avail == 8192, "FIONREAD");
    struct pollfd pf[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
    check(poll(pf, 2, 0) == 1 && pf[0].revents == POLLIN && pf[1].revents == 0,
          "poll: full pipe readable, not writable");
    close(p[0]);
    check(fails_with(static_cast<int>(write(p[1], "x", 1)), EPIPE), "no readers: EPIPE");
    check(poll(pf + 1, 1, 0) == 1 && (pf[1].revents & POLLERR), "poll: POLLERR without readers");
    close(p[1]);
}

void vectors_and_select() {
    int p[2];
    pipe(p);
    char a[] = "ab", b[] = "cde";
    struct iovec out[] = {{a, 2}, {b, 3}};
    check(writev(p[1], out, 2) == 5, "writev");
    char x[1], y[8] = {};
    struct iovec in[] = {{x, 1}, {y, sizeof y}};
    check(readv(p[0], in, 2) == 5 && x[0] == 'a' && strcmp(y, "bcde") == 0, "readv");
    check(fails_with(static_cast<int>(writev(p[1], out, -1)), EINVAL), "writev count -1: EINVAL");
    write(p[1], "z", 1);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    struct timeval tv = {0, 0};
    check(select(p[0] + 1, &r, nullptr, nullptr, &tv) == 1 && FD_ISSET(p[0], &r), "select: readable");
    check(fails_with(select(FD_SETSIZE + 1, &r, nullptr, nullptr, &tv), EINVAL), "select past FD_SETSIZE");
    int on = 1;
    check(ioctl(p[0], FIONBIO, &on) == 0 && (fcntl(p[0], F_GETFL) & O_NONBLOCK), "FIONBIO");
    close(p[0]);
    close(p[1]);
}

void descriptors() {
    int fd = open("/dev/null", O_RDWR);
    check(fd >= 3, "open /dev/null");
    check(dup2(fd, 10) == 10, "dup2 onto 10");
    check(dup2(10, 10) == 10, "dup2 onto itself");
    check(fails_with(dup3(10, 10, 0), EINVAL), "dup3 onto itself: EINVAL");
    check(fcntl(fd, F_DUPFD, 20) >= 20, "F_DUPFD from 20");
    check(fails_with(close(99), EBADF), "close(99): EBADF");
    check(fails_with(open("/nonexistent", O_RDONLY), ENOENT), "open a missing name: ENOENT");
    check(fails_with(open("/dev/null", O_RDWR | O_CREAT | O_EXCL, 0600), EEXIST), "O_CREAT|O_EXCL: EEXIST");
    check(fails_with(open("/dev/null", O_RDONLY | O_DIRECTORY), ENOTDIR), "O_DIRECTORY: ENOTDIR");
    struct stat st;
    check(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode), "fstat: /dev/null is S_IFCHR");
    check(isatty(0) == 1, "stdin is a tty");
    int z = open("/dev/zero", O_RDONLY);
    char buf[4] = {1, 1, 1, 1};
    check(read(z, buf, 4) == 4 && !buf[0] && !buf[3], "/dev/zero");
    close(z);
    close(fd);
    close(10);
}

void proc_and_stdio() {
    FILE* f = fopen("/proc/version", "r");
    char line[128] = {};
    check(f && fgets(line, sizeof line, f) && strncmp(line, "mipsnet version ", 16) == 0,
          "fopen + fgets /proc/version");
    if (f) {
        fclose(f);
    }
    check(fopen("/proc/nothing", "r") == nullptr && errno == ENOENT, "fopen a missing /proc file");
}

void children() {
    int status;
    check(fails_with(waitpid(-1, &status, WNOHANG), ECHILD), "no children: ECHILD");
    char name[] = "fstest", ex[] = "exit", code[] = "7";
    char* argv[] = {name, ex, code, nullptr};
    pid_t pid = mipsnet_spawn("fstest", argv);
    check(pid > 0, "spawn fstest exit 7");
    check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7,
          "waitpid: exit status 7");
    check(mipsnet_spawn("nosuch", nullptr) == -1 && errno == ENOENT, "spawn an unknown app: ENOENT");
}

int hold() {
    int p[2];
    pipe(p);
    char c;
    return static_cast<int>(read(p[0], &c, 1));   // never: we hold the write end
}

int poll_stdin(int ms) {
    struct pollfd pf = {0, POLLIN, 0};
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    int n = poll(&pf, 1, ms);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long waited = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    printf("fstest: poll = %d revents 0x%x after %ld ms\n", n, pf.revents, waited);
    return 0;
}

int fstest_main(int argc, char** argv) {
    if (argc > 2 && strcmp(argv[1], "exit") == 0) {
        return atoi(argv[2]);
    }
    if (argc > 1 && strcmp(argv[1], "hold") == 0) {
        return hold();
    }
    if (argc > 2 && strcmp(argv[1], "poll") == 0) {
        return poll_stdin(atoi(argv[2]));
    }
    pipes();
    vectors_and_select();
    descriptors();
    proc_and_stdio();
    children();
    printf("fstest: %d checks, %d failed\n", checks, failures);
    return failures;
}

}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc fstest_app{
    "fstest", fstest_main, "descriptor, pipe, poll and spawn checks (exit N, hold, poll MS)"};
