#include <CppUTest/TestHarness.h>

#include "kernel/apps.h"

namespace {
int exits_early(int argc, char**) {
    app_exit(40 + argc);
}
int returns(int argc, char**) { return argc; }
}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc test_app_exit{"t-exit", exits_early, "x"};
[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc test_app_ret{"t-ret", returns, "y"};

TEST_GROUP(apps) {};

TEST(apps, find_by_name) {
    CHECK(app_find("t-exit") == &test_app_exit);
    CHECK(app_find("t-ret") == &test_app_ret);
    POINTERS_EQUAL(nullptr, app_find("nope"));
    CHECK(app_end() - app_begin() >= 2);
}

TEST(apps, status_from_return_and_from_exit) {
    char* argv[] = {nullptr};
    LONGS_EQUAL(3, app_run(test_app_ret, 3, argv));
    LONGS_EQUAL(42, app_run(test_app_exit, 2, argv));
}
