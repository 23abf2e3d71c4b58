// host-only: the test body plays the idle task with its own memory zone (fs_test_util.h).
// spawn (mipsnet's syscall) and wait4: children, statuses, orphans.
#include <CppUTest/TestHarness.h>

#include <stdlib.h>
#include <string.h>

#include <string>

#include "kernel/apps.h"
#include "kernel/syscalls.h"
#include "kernel/uapi/errno.h"
#include "tests/unit/host/host_stub.h"
#include "tests/unit/fs_test_util.h"

using namespace uapi;

namespace {
int exits_with(int argc, char** argv) { return argc > 1 ? atoi(argv[1]) : 0; }

int spawns_and_leaves(int, char**) {
    char name[] = "t-status", code[] = "5";
    char* argv[] = {name, code, nullptr};
    return sys_mipsnet_spawn("t-status", argv) > 0 ? 9 : 1;
}

// Checks its own descriptors and leaves some open for exit to close.
int uses_files(int, char**) {
    uapi::stat st;
    for (int fd = 0; fd < 3; ++fd) {
        if (sys_fstat(fd, &st) != 0 || (st.st_mode & s_ifmt) != s_ifchr) {
            return 1;
        }
    }
    if (sys_open("/dev/null", o_rdonly, 0) != 3) {
        return 2;
    }
    int p[2];
    sys_pipe2(p, 0);
    sys_write(1, "hello from the child\n", 21);
    return 0;
}
// Writes to its fd 1 and checks that 0 is the end of a pipe, not the console.
int writes_to_stdout(int, char**) {
    uapi::stat st;
    if (sys_fstat(0, &st) != 0 || (st.st_mode & s_ifmt) != s_ififo) {
        return 1;
    }
    sys_write(1, "through the pipe\n", 17);
    return 0;
}

// Puts pipes on its 0 and 1, spawns a child, and reads what the child wrote.
int spawns_on_pipes(int, char**) {
    int in[2], out[2];
    if (sys_pipe2(in, 0) != 0 || sys_pipe2(out, 0) != 0 || sys_dup2(in[0], 0) != 0 || sys_dup2(out[1], 1) != 1) {
        return 10;
    }
    sys_close(in[0]);
    sys_close(out[1]);
    long pid = sys_mipsnet_spawn("t-stdout", nullptr);
    int status = -1;
    if (pid <= 0 || sys_wait4(static_cast<int>(pid), &status, 0, nullptr) != pid || status != 0) {
        return 11;
    }
    sys_close(1);   // the last writer: the read below ends
    char buf[64] = {};
    long n = sys_read(out[0], buf, sizeof buf - 1);
    return n == 17 && strcmp(buf, "through the pipe\n") == 0 ? 0 : 12;
}
}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]]
const app_desc test_app_stdout{"t-stdout", writes_to_stdout, "writes to its stdout"};
[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]]
const app_desc test_app_pipes{"t-pipes", spawns_on_pipes, "spawns with pipes on 0 and 1"};
[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]]
const app_desc test_app_status{"t-status", exits_with, "exits with argv[1]"};
[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]]
const app_desc test_app_spawner{"t-spawner", spawns_and_leaves, "leaves an orphan"};
[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]]
const app_desc test_app_files{"t-files", uses_files, "descriptors of its own"};

TEST_GROUP(spawn) {
    unsigned files_before;
    void setup() override {
        files_before = files_in_use();
        sched_init();
        fs_test::setup();
    }
    void teardown() override {
        app_set_child_reaper(nullptr);
        fs_test::teardown();
        LONGS_EQUAL(1, nr_tasks());
        LONGS_EQUAL(files_before, files_in_use());
    }
    long spawn(const char* name, const char* arg = nullptr) {
        char* argv[] = {const_cast<char*>(name), const_cast<char*>(arg), nullptr};
        return sys_mipsnet_spawn(name, argv);
    }
};

TEST(spawn, status_reaches_wait4) {
    long pid = spawn("t-status", "7");
    CHECK(pid > 0);
    LONGS_EQUAL(0, app_parent_pid(find_task_by_pid(static_cast<int>(pid))));   // the test body
    int status = -1;
    rusage ru;
    memset(&ru, 0x55, sizeof ru);
    LONGS_EQUAL(pid, sys_wait4(static_cast<int>(pid), &status, 0, &ru));
    LONGS_EQUAL(7 << 8, status);
    LONGS_EQUAL(0, ru.ru_stime.tv_sec);
    LONGS_EQUAL(0, ru.ru_maxrss);
    LONGS_EQUAL(-ECHILD, sys_wait4(static_cast<int>(pid), &status, 0, nullptr));
    LONGS_EQUAL(-ECHILD, sys_wait4(-1, &status, 0, nullptr));
}

TEST(spawn, wnohang_and_any_child) {
    long a = spawn("t-status", "1");
    long b = spawn("t-status", "2");
    int status;
    LONGS_EQUAL(0, sys_wait4(-1, &status, wnohang, nullptr));   // neither has run yet
    schedule();
    long first = sys_waitpid(-1, &status, wnohang);
    CHECK(first == a || first == b);
    LONGS_EQUAL(first == a ? 1 << 8 : 2 << 8, status);
    long second = sys_waitpid(0, &status, 0);
    LONGS_EQUAL(first == a ? b : a, second);
    LONGS_EQUAL(-ECHILD, sys_waitpid(-1, &status, wnohang));
}

TEST(spawn, bad_arguments) {
    int status;
    LONGS_EQUAL(-EINVAL, sys_wait4(-1, &status, 0x100, nullptr));
    long pid = spawn("t-status", "3");
    LONGS_EQUAL(-EFAULT, sys_wait4(-1, reinterpret_cast<int*>(fs_test::bad_ptr), 0, nullptr));
    LONGS_EQUAL(-EFAULT, sys_wait4(-1, &status, 0, reinterpret_cast<rusage*>(fs_test::bad_ptr)));
    LONGS_EQUAL(pid, sys_wait4(-1, &status, 0, nullptr));        // the faults lost no child
    LONGS_EQUAL(3 << 8, status);
    LONGS_EQUAL(-ECHILD, sys_wait4(1234, &status, 0, nullptr));
}

TEST(spawn, spawn_errors) {
    LONGS_EQUAL(-EFAULT, sys_mipsnet_spawn(fs_test::bad_ptr, nullptr));
    LONGS_EQUAL(-ENOENT, sys_mipsnet_spawn("no-such-app", nullptr));
    LONGS_EQUAL(-EFAULT, sys_mipsnet_spawn("t-status", reinterpret_cast<char* const*>(fs_test::bad_ptr)));
    char* bad_elem[] = {fs_test::bad_ptr, nullptr};
    LONGS_EQUAL(-EFAULT, sys_mipsnet_spawn("t-status", bad_elem));
    char arg[] = "x";
    char* many[APP_MAX_ARGS + 2];
    for (int i = 0; i <= APP_MAX_ARGS; ++i) many[i] = arg;
    many[APP_MAX_ARGS + 1] = nullptr;
    LONGS_EQUAL(-E2BIG, sys_mipsnet_spawn("t-status", many));
    static char long_arg[APP_ARG_BYTES + 1];
    memset(long_arg, 'y', APP_ARG_BYTES);
    char* big[] = {long_arg, nullptr};
    LONGS_EQUAL(-E2BIG, sys_mipsnet_spawn("t-status", big));
    // No argv: the child gets its name alone.
    long pid = sys_mipsnet_spawn("t-status", nullptr);
    int status = -1;
    LONGS_EQUAL(pid, sys_wait4(static_cast<int>(pid), &status, 0, nullptr));
    LONGS_EQUAL(0, status);
}

TEST(spawn, orphans_go_to_the_reaper) {
    app_set_child_reaper(current);
    spawn("t-spawner");
    app_exit_info a{}, b{};
    CHECK(app_wait_child(-1, 0, &a) > 0);
    CHECK(app_wait_child(-1, 0, &b) > 0);
    std::string got = std::string(a.comm) + ":" + std::to_string(a.status) + " " + b.comm + ":" +
                      std::to_string(b.status);
    CHECK_TRUE(got == "t-spawner:9 t-status:5" || got == "t-status:5 t-spawner:9");
    LONGS_EQUAL(-ECHILD, app_wait_child(-1, wnohang, &a));
}

TEST(spawn, child_has_its_own_console_descriptors_closed_at_exit) {
    host_stub::console.clear();
    long pid = spawn("t-files");
    int status = -1;
    LONGS_EQUAL(pid, sys_wait4(-1, &status, 0, nullptr));
    LONGS_EQUAL(0, status);
    CHECK(host_stub::console.find("hello from the child\n") != std::string::npos);
    // Its pipe and /dev/null were closed when it ended (teardown checks the count).
}

TEST(spawn, child_of_an_app_inherits_its_stdio) {
    host_stub::console.clear();
    long pid = spawn("t-pipes");
    int status = -1;
    LONGS_EQUAL(pid, sys_wait4(-1, &status, 0, nullptr));
    LONGS_EQUAL(0, status);
    CHECK(host_stub::console.find("through the pipe") == std::string::npos);
}
