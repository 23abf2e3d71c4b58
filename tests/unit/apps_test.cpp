#include <CppUTest/TestHarness.h>

#include <string.h>

#include "kernel/apps.h"
#include "kernel/sched/sched.h"
#include "tests/unit/host/sched_host.h"

namespace {
char seen_args[64];
int returns(int argc, char** argv) {
    seen_args[0] = '\0';
    for (int i = 0; i < argc; ++i) {
        strcat(seen_args, argv[i]);
        strcat(seen_args, "|");
    }
    return argc + (argv[argc] == nullptr ? 40 : 0);
}
int exits_early(int, char**) {
    do_exit(300);  // statuses are 8 bits, as on Linux
}
}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]]
const app_desc test_app_ret{"t-ret", returns, "y", APP_PRIVILEGED};
[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]]
const app_desc test_app_exit{"t-exit", exits_early, "x"};

TEST_GROUP(apps) {
    void setup() override {
        host_mm_init();
        sched_init();
    }
    void teardown() override { host_mm_reset(); }
};

TEST(apps, find_by_name) {
    CHECK(app_find("t-exit") == &test_app_exit);
    CHECK(app_find("t-ret") == &test_app_ret);
    POINTERS_EQUAL(nullptr, app_find("nope"));
    CHECK(app_end() - app_begin() >= 2);
}

TEST(apps, argv_is_copied_and_status_returned) {
    char a0[] = "t-ret", a1[] = "one", a2[] = "two";
    const char* argv[] = {a0, a1, a2};
    task_struct* t = app_spawn(test_app_ret, 3, argv);
    CHECK(t != nullptr);
    CHECK(t->flags & PF_APP);
    CHECK(t->flags & PF_PRIVILEGED);
    strcpy(a1, "XXX");  // the app must not see the caller's later changes
    LONGS_EQUAL(43, app_wait(t));
    STRCMP_EQUAL("t-ret|one|two|", seen_args);
    LONGS_EQUAL(1, nr_tasks());
}

TEST(apps, exit_status_is_8_bits) {
    const char* argv[] = {"t-exit"};
    task_struct* t = app_spawn(test_app_exit, 1, argv);
    CHECK_FALSE(t->flags & PF_PRIVILEGED);
    LONGS_EQUAL(300 & 0xff, app_wait(t));
}

TEST(apps, oversized_arguments_are_refused) {
    static char big[APP_ARG_BYTES + 1];
    memset(big, 'x', APP_ARG_BYTES);
    const char* argv[] = {big};
    POINTERS_EQUAL(nullptr, app_spawn(test_app_ret, 1, argv));
    POINTERS_EQUAL(nullptr, app_spawn(test_app_ret, APP_MAX_ARGS + 1, argv));
    LONGS_EQUAL(1, nr_tasks());
}
