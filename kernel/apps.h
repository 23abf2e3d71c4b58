// Built-in applications. Each app registers an app_desc in the section
// "mipsnet_apps"; the kernel starts them by name as threads (apps= on the
// command line, `run NAME` in the shell).
#pragma once
#include <stddef.h>
#include <stdint.h>

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
// descriptor table (0-2 the caller's own 0-2 when the caller is an app,
// else the console), as a child of the caller. nullptr
// when out of resources or the arguments do not fit.
task_struct* app_spawn(const app_desc& app, int argc, const char* const* argv);
// Waits for the app to end, frees it, and returns its exit status. For the
// parent only, and not together with app_wait_child() on the same app.
int app_wait(task_struct* t);

// How an app ends (return from main, exit(), _exit): its descriptors are
// closed at once (pipe readers see EOF), its children go to the child
// reaper, and its parent's wait4() wakes.
[[noreturn]] void app_exit(int status);

struct app_exit_info {
    int pid;
    int status;                  // 0-255
    char comm[16];
    uint64_t cpu_cycles;
};
// Linux's do_wait() for the caller's children: pid > 0 that child, pid <= 0
// any. Blocks unless options has WNOHANG. The pid reaped (info filled in),
// 0 (WNOHANG and none has ended), or -ECHILD (no such child).
long app_wait_child(int pid, int options, app_exit_info* info);
// Who inherits the children of an app that ends before them (init). Until
// one is set, orphans stay unreaped.
void app_set_child_reaper(task_struct* t);
int app_parent_pid(const task_struct* t);   // 0 when not an app
