// Built-in applications. Each app registers an app_desc in the section
// "mipsnet_apps"; the kernel starts them by name as threads (apps= on the
// command line, `run NAME` in the shell).
#pragma once
#include <stddef.h>

struct task_struct;

constexpr unsigned APP_PRIVILEGED = 1u << 0;   // may open raw and packet sockets (CAP_NET_RAW)

struct app_desc {
    const char* name;
    int (*main)(int argc, char** argv);
    const char* help;
    unsigned flags = 0;
    size_t stack_size = 0;    // 0: the default (16 KiB)
};

// Registration, in an app's source file:
//   [[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]]
//   const app_desc my_app{"name", main, "help"};
// The explicit alignment keeps the compiler from padding between entries (as
// Linux does for its section tables).
const app_desc* app_find(const char* name);
const app_desc* app_begin();
const app_desc* app_end();

constexpr int APP_MAX_ARGS = 16;
constexpr size_t APP_ARG_BYTES = 256;

// Starts the app as a thread with its own argv copy, C library state and
// descriptor table (0-2 on the console). nullptr when out of resources or
// the arguments do not fit.
task_struct* app_spawn(const app_desc& app, int argc, const char* const* argv);
// Waits for the app to end, frees it, and returns its exit status.
int app_wait(task_struct* t);
