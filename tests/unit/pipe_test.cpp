// host-only: the test body plays the idle task with its own memory zone (fs_test_util.h).
// Pipes: through the syscalls from the test body (never blocking: it is the
// idle task), and between real threads where they block.
#include <CppUTest/TestHarness.h>

#include <string.h>

#include <string>

#include "kernel/fs/pipe.h"
#include "kernel/syscall.h"
#include "kernel/syscalls.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/unistd.h"
#include "tests/unit/fs_test_util.h"

using namespace uapi;

namespace {
int fds[2];
std::string* log_;
char big[3 * PIPE_SIZE];

long pipe_fds(unsigned flags = 0) { return sys_pipe2(fds, flags); }

// Reads until EOF into *log_.
void reader(void*) {
    char buf[1000];
    long n;
    while ((n = sys_read(fds[0], buf, sizeof buf)) > 0) {
        log_->append(buf, static_cast<size_t>(n));
    }
    if (n < 0) {
        *log_ += "ERR";
    }
}

// Reads 1000 bytes at a time, letting the others run between reads.
void slow_reader(void*) {
    char buf[1000];
    long n;
    while ((n = sys_read(fds[0], buf, sizeof buf)) > 0) {
        log_->append(buf, static_cast<size_t>(n));
        yield();
    }
}

// "aaabb" -> "a3 b2 ": the shape of what came out of a pipe.
std::string runs(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size();) {
        size_t j = i;
        while (j < s.size() && s[j] == s[i]) ++j;
        out += s[i] + std::to_string(j - i) + " ";
        i = j;
    }
    return out;
}

struct write_job {
    int fd;
    const char* data;
    size_t len;
    long result;
};

void writer(void* p) {
    auto* j = static_cast<write_job*>(p);
    j->result = sys_write(j->fd, j->data, j->len);
}

void writer_then_close(void* p) {
    writer(p);
    sys_close(static_cast<write_job*>(p)->fd);
}
}  // namespace

TEST_GROUP(pipe) {
    std::string log;
    unsigned files_before;
    void setup() override {
        files_before = files_in_use();
        sched_init();
        fs_test::setup();
        log_ = &log;
    }
    void teardown() override {
        fs_test::teardown();
        LONGS_EQUAL(files_before, files_in_use());
    }
};

TEST(pipe, o32_pipe_returns_the_second_fd_in_v1) {
    sys_open("/dev/null", o_rdonly, 0);   // fd 0 taken
    syscall_args a{};
    LONGS_EQUAL(1, do_syscall(NR_pipe, a));
    LONGS_EQUAL(2, a.v1);
    LONGS_EQUAL(3, sys_write(2, "abc", 3));
    char buf[4] = {};
    LONGS_EQUAL(3, sys_read(1, buf, sizeof buf));
    STRCMP_EQUAL("abc", buf);
}

TEST(pipe, pipe2_flags_and_faults) {
    LONGS_EQUAL(-EINVAL, pipe_fds(o_append));
    LONGS_EQUAL(-EFAULT, sys_pipe2(reinterpret_cast<int*>(fs_test::bad_ptr), 0));
    LONGS_EQUAL(files_before, files_in_use());            // nothing left behind
    LONGS_EQUAL(0, pipe_fds(o_nonblock | o_cloexec));
    LONGS_EQUAL(0, fds[0]);                                // the failed call gave its fds back
    LONGS_EQUAL(1, fds[1]);
    LONGS_EQUAL(o_rdonly | o_nonblock, sys_fcntl(fds[0], f_getfl, 0));
    LONGS_EQUAL(o_wronly | o_nonblock, sys_fcntl(fds[1], f_getfl, 0));
    LONGS_EQUAL(fd_cloexec, sys_fcntl(fds[1], f_getfd, 0));
}

TEST(pipe, ends_are_one_way_and_not_seekable) {
    pipe_fds();
    char c = 'x';
    LONGS_EQUAL(-EBADF, sys_write(fds[0], &c, 1));
    LONGS_EQUAL(-EBADF, sys_read(fds[1], &c, 1));
    LONGS_EQUAL(-ESPIPE, sys_lseek(fds[0], 0, seek_cur));
    uapi::stat st;
    LONGS_EQUAL(0, sys_fstat(fds[1], &st));
    LONGS_EQUAL(s_ififo | 0600, st.st_mode);
    LONGS_EQUAL(4096, st.st_blksize);
    uapi::stat st0;
    sys_fstat(fds[0], &st0);
    LONGS_EQUAL(st.st_ino, st0.st_ino);
}

TEST(pipe, partial_reads_keep_the_order) {
    pipe_fds(o_nonblock);
    LONGS_EQUAL(10, sys_write(fds[1], "0123456789", 10));
    int avail = 0;
    LONGS_EQUAL(0, sys_ioctl(fds[0], fionread, reinterpret_cast<unsigned long>(&avail)));
    LONGS_EQUAL(10, avail);
    char buf[16] = {};
    LONGS_EQUAL(4, sys_read(fds[0], buf, 4));
    STRCMP_EQUAL("0123", buf);
    LONGS_EQUAL(6, sys_read(fds[0], buf, sizeof buf));    // what is there, no waiting for more
    buf[6] = '\0';
    STRCMP_EQUAL("456789", buf);
    LONGS_EQUAL(-EAGAIN, sys_read(fds[0], buf, 1));
    LONGS_EQUAL(0, sys_read(fds[0], buf, 0));
}

TEST(pipe, full_pipe_with_o_nonblock_is_eagain) {
    pipe_fds(o_nonblock);
    memset(big, 'z', sizeof big);
    LONGS_EQUAL(PIPE_SIZE, sys_write(fds[1], big, sizeof big));   // > PIPE_BUF: partial
    LONGS_EQUAL(-EAGAIN, sys_write(fds[1], "x", 1));
    char buf[100];
    LONGS_EQUAL(100, sys_read(fds[0], buf, sizeof buf));
    // Up to PIPE_BUF bytes go in whole or not at all.
    LONGS_EQUAL(-EAGAIN, sys_write(fds[1], big, 101));
    LONGS_EQUAL(100, sys_write(fds[1], big, 100));
    LONGS_EQUAL(-EAGAIN, sys_write(fds[1], "x", 1));
    LONGS_EQUAL(PIPE_SIZE, sys_read(fds[0], big, sizeof big));
    // The ring wraps: data written across its end comes back intact.
    for (int round = 0; round < 3; ++round) {
        char out[3000], in[3000];
        for (size_t i = 0; i < sizeof out; ++i) out[i] = static_cast<char>(i * 7 + round);
        LONGS_EQUAL(3000, sys_write(fds[1], out, sizeof out));
        LONGS_EQUAL(3000, sys_read(fds[0], in, sizeof in));
        MEMCMP_EQUAL(out, in, sizeof out);
    }
}

TEST(pipe, eof_when_writers_are_gone) {
    pipe_fds();
    int dup_w = static_cast<int>(sys_dup(fds[1]));
    sys_write(fds[1], "ab", 2);
    sys_close(fds[1]);
    char buf[4];
    LONGS_EQUAL(2, sys_read(fds[0], buf, sizeof buf));
    sys_close(dup_w);                                      // the last writer
    LONGS_EQUAL(0, sys_read(fds[0], buf, sizeof buf));     // EOF, not a wait
    LONGS_EQUAL(0, sys_read(fds[0], buf, sizeof buf));
}

TEST(pipe, epipe_when_readers_are_gone) {
    pipe_fds();
    sys_close(fds[0]);
    LONGS_EQUAL(-EPIPE, sys_write(fds[1], "x", 1));
    LONGS_EQUAL(0, sys_write(fds[1], "x", 0));             // nothing to write: no error
}

TEST(pipe, readv_and_writev) {
    pipe_fds(o_nonblock);
    char a[] = "hello ", b[] = "", c[] = "world";
    iovec out[] = {{a, 6}, {b, 0}, {c, 5}};
    LONGS_EQUAL(11, sys_writev(fds[1], out, 3));
    char x[3] = {}, y[20] = {};
    iovec in[] = {{x, 3}, {y, sizeof y}};
    LONGS_EQUAL(11, sys_readv(fds[0], in, 2));
    MEMCMP_EQUAL("hel", x, 3);
    STRCMP_EQUAL("lo world", y);
    LONGS_EQUAL(0, sys_writev(fds[1], out, 0));
    LONGS_EQUAL(-EINVAL, sys_writev(fds[1], out, uio_maxiov + 1));
    iovec neg[] = {{a, static_cast<unsigned long>(-1)}};
    LONGS_EQUAL(-EINVAL, sys_writev(fds[1], neg, 1));
    iovec bad[] = {{a, 1}, {fs_test::bad_ptr, 1}};
    LONGS_EQUAL(-EFAULT, sys_writev(fds[1], bad, 2));
    LONGS_EQUAL(-EFAULT, sys_writev(fds[1], reinterpret_cast<iovec*>(fs_test::bad_ptr), 1));
    int avail = -1;
    sys_ioctl(fds[0], fionread, reinterpret_cast<unsigned long>(&avail));
    LONGS_EQUAL(0, avail);                                  // the bad vectors wrote nothing
    LONGS_EQUAL(-EBADF, sys_readv(fds[1], in, 2));
}

TEST(pipe, readv_and_writev_on_a_file_without_them_loop) {
    int fd = static_cast<int>(sys_open("/dev/zero", o_rdwr, 0));
    char x[3] = {1, 1, 1}, y[5] = {1, 1, 1, 1, 1};
    iovec in[] = {{x, 3}, {y, 5}};
    LONGS_EQUAL(8, sys_readv(fd, in, 2));
    LONGS_EQUAL(0, x[2] | y[4]);
    LONGS_EQUAL(8, sys_writev(fd, in, 2));
}

TEST(pipe, blocking_reader_and_writer_threads) {
    pipe_fds();
    static char data[20000];
    for (size_t i = 0; i < sizeof data; ++i) data[i] = static_cast<char>('a' + i % 26);
    write_job job{fds[1], data, sizeof data, 0};
    fs_test::thread(reader, nullptr);
    fs_test::thread(writer_then_close, &job);
    schedule();   // both run (the writer blocks on a full pipe) until the reader sees EOF
    LONGS_EQUAL(sizeof data, job.result);
    LONGS_EQUAL(sizeof data, log.size());
    CHECK(memcmp(data, log.data(), sizeof data) == 0);
}

TEST(pipe, blocked_writer_gets_epipe_when_the_reader_goes) {
    pipe_fds();
    memset(big, 'q', sizeof big);
    write_job job{fds[1], big, sizeof big, 0};
    task_struct* t = fs_test::thread(writer, &job);
    schedule();
    CHECK(t->state == task_state::interruptible);          // blocked on a full pipe
    sys_close(fds[0]);
    schedule();
    LONGS_EQUAL(PIPE_SIZE, job.result);                     // what went in before
}

// Two writers of PIPE_BUF bytes into a pipe that has room for neither, and a
// slow reader: each write lands whole, never split around the other's.
TEST(pipe, writes_up_to_pipe_buf_are_not_interleaved) {
    pipe_fds();
    static char xs[5000], as[pipe_buf], bs[pipe_buf];
    memset(xs, 'x', sizeof xs);
    memset(as, 'a', sizeof as);
    memset(bs, 'b', sizeof bs);
    LONGS_EQUAL(sizeof xs, sys_write(fds[1], xs, sizeof xs));
    write_job a{fds[1], as, sizeof as, 0};
    write_job b{static_cast<int>(sys_dup(fds[1])), bs, sizeof bs, 0};
    fs_test::thread(writer_then_close, &a);
    fs_test::thread(writer_then_close, &b);
    fs_test::thread(slow_reader, nullptr);
    schedule();
    LONGS_EQUAL(pipe_buf, a.result);
    LONGS_EQUAL(pipe_buf, b.result);
    std::string r = runs(log);
    CHECK_TRUE(r == "x5000 a4096 b4096 " || r == "x5000 b4096 a4096 ");
}
