#include "kernel/apps.h"

#include <string.h>

#include "kernel/cpu.h"
#include "kernel/fs/fdtable.h"
#include "kernel/fs/namei.h"
#include "kernel/libc_glue.h"
#include "kernel/sched/sched.h"
#include "kernel/syscalls.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"

// Weak: a program with no app at all (a host benchmark) has no such section,
// and both then read as null, an empty table.
extern "C" [[gnu::weak]] const app_desc __start_mipsnet_apps[];
extern "C" [[gnu::weak]] const app_desc __stop_mipsnet_apps[];

namespace {

constexpr size_t max_running = 32;

// An app from spawn to reaping: its argv, copied out of the caller's memory,
// and its place in the family (Linux keeps that in task_struct).
struct app_start {
    const app_desc* app;
    int argc;
    char* argv[APP_MAX_ARGS + 1];
    char strings[APP_ARG_BYTES];
    task_struct* task;
    task_struct* parent;         // who reaps it with wait4()
    bool used;
    bool reaping;                // a waiter has claimed it
};
app_start starts[max_running];
task_struct* child_reaper;
// Parents sleep here in wait4() (Linux's wait_chldexit); every exit wakes
// them all and each looks for its own children.
wait_queue_head child_exit_wait;

app_start* alloc_start() {
    cpu::irq_guard guard;
    for (app_start& s : starts) {
        if (!s.used) {
            s = app_start{};
            s.used = true;
            return &s;
        }
    }
    return nullptr;
}

bool copy_args(app_start* s, int argc, const char* const* argv) {
    if (argc < 0 || argc > APP_MAX_ARGS) {
        return false;
    }
    size_t used = 0;
    for (int i = 0; i < argc; ++i) {
        size_t n = strlen(argv[i]) + 1;
        if (used + n > sizeof s->strings) {
            return false;
        }
        memcpy(s->strings + used, argv[i], n);
        s->argv[i] = s->strings + used;
        used += n;
    }
    s->argv[argc] = nullptr;
    s->argc = argc;
    return true;
}

void app_thread(void* p) {
    auto* s = static_cast<app_start*>(p);
    int status = s->app->main(s->argc, s->argv);
    libc_thread_exit();
    app_exit(status);
}

app_start* start_of(const task_struct* t) {
    return (t->flags & PF_APP) ? static_cast<app_start*>(t->arg) : nullptr;
}

// The app is dead and claimed: free everything it had.
int release_app(app_start* s) {
    task_struct* t = s->task;
    int status = t->exit_code & 0xff;
    exit_files(t);   // if it ended through do_exit() directly
    libc_thread_state_destroy(t->libc_reent);
    release_task(t);
    cpu::irq_guard guard;
    s->used = false;
    return status;
}

bool is_child(const app_start& s, int pid) {
    return s.used && s.task && !s.reaping && s.parent == current && (pid <= 0 || s.task->pid == pid);
}

// A dead child to reap (claimed for the caller), or nullptr; *any says
// whether pid names any child at all.
app_start* claim_zombie(int pid, bool* any) {
    cpu::irq_guard guard;
    *any = false;
    for (app_start& s : starts) {
        if (is_child(s, pid)) {
            *any = true;
            if (s.task->state == task_state::dead) {
                s.reaping = true;
                return &s;
            }
        }
    }
    return nullptr;
}

// A child's descriptors 0-2: its parent's 0-2 when the parent is an app
// with all three open (what fork and exec leave a child on Linux, so the
// commands of a shell served over pipes write to those pipes), the console
// otherwise (apps started at boot, a parent that closed one).
int install_stdio(files_struct* files) {
    task_struct* parent = current;
    if (parent && (parent->flags & PF_APP) && parent->files) {
        file* f[3] = {};
        int got = 0;
        while (got < 3 && (f[got] = fget(parent->files, got))) {
            ++got;
        }
        if (got == 3) {
            for (file* each : f) {
                fd_install(files, alloc_fd(files, 0, 0), each);   // 0, 1, 2 of a new table
            }
            return 0;
        }
        for (int i = 0; i < got; ++i) {
            fput(f[i]);
        }
    }
    return files_install_console(files);
}

}  // namespace

const app_desc* app_begin() { return __start_mipsnet_apps; }
const app_desc* app_end() { return __stop_mipsnet_apps; }

const app_desc* app_find(const char* name) {
    for (const app_desc* a = app_begin(); a != app_end(); ++a) {
        if (strcmp(a->name, name) == 0) {
            return a;
        }
    }
    return nullptr;
}

task_struct* app_spawn(const app_desc& app, int argc, const char* const* argv) {
    app_start* s = alloc_start();
    if (!s) {
        return nullptr;
    }
    s->app = &app;
    files_struct* files = nullptr;
    void* libc = nullptr;
    task_struct* t = nullptr;
    if (copy_args(s, argc, argv) && (files = files_alloc()) && install_stdio(files) == 0 &&
        (libc = libc_thread_state_create())) {
        t = kthread_create(app_thread, s, app.name, DEFAULT_PRIO,
                           app.stack_size ? app.stack_size : THREAD_STACK_DEFAULT);
    }
    if (!t) {
        libc_thread_state_destroy(libc);
        if (files) {
            put_files_struct(files);
        }
        s->used = false;
        return nullptr;
    }
    t->libc_reent = libc;
    t->files = files;
    t->flags |= PF_APP | ((app.flags & APP_PRIVILEGED) ? PF_PRIVILEGED : 0);
    {
        cpu::irq_guard guard;
        s->task = t;
        s->parent = current;
    }
    wake_up_process(t);
    return t;
}

int app_wait(task_struct* t) {
    wait_task_exit(t);
    app_start* s = start_of(t);
    {
        cpu::irq_guard guard;
        s->reaping = true;
    }
    return release_app(s);
}

void app_exit(int status) {
    task_struct* t = current;
    exit_files(t);
    // Masked until do_exit() has marked us dead: a parent woken here cannot
    // run (and look for dead children) before we are one.
    cpu::local_irq_save();
    for (app_start& s : starts) {
        if (s.used && s.parent == t) {
            s.parent = child_reaper;
        }
    }
    wake_up_all(&child_exit_wait);
    do_exit(status & 0xff);
}

long app_wait_child(int pid, int options, app_exit_info* info) {
    for (;;) {
        bool any;
        app_start* z = claim_zombie(pid, &any);
        if (z) {
            task_struct* t = z->task;
            info->pid = t->pid;
            info->cpu_cycles = t->cpu_cycles;
            memcpy(info->comm, t->comm, sizeof info->comm);
            info->comm[sizeof info->comm - 1] = '\0';
            info->status = release_app(z);
            return info->pid;
        }
        if (!any) {
            return -ECHILD;
        }
        if (options & uapi::wnohang) {
            return 0;
        }
        wait_event_interruptible_timeout(
            child_exit_wait,
            [pid] {
                cpu::irq_guard guard;
                for (app_start& s : starts) {
                    if (is_child(s, pid) && s.task->state == task_state::dead) {
                        return true;
                    }
                }
                return false;
            },
            MAX_SCHEDULE_TIMEOUT);
    }
}

void app_set_child_reaper(task_struct* t) {
    cpu::irq_guard guard;
    child_reaper = t;
}

int app_parent_pid(const task_struct* t) {
    const app_start* s = start_of(t);
    return s && s->parent ? s->parent->pid : 0;
}

long sys_exit(int status) { app_exit(status); }

long sys_wait4(int pid, int* status, int options, uapi::rusage* ru) {
    constexpr unsigned known = uapi::wnohang | uapi::wuntraced | uapi::wcontinued | uapi::wnothread |
                               uapi::wall | uapi::wclone;
    if (static_cast<unsigned>(options) & ~known) {
        return -EINVAL;
    }
    // Checked before anything is reaped, so a bad pointer loses no child.
    if ((status && !access_ok(status, sizeof *status)) || (ru && !access_ok(ru, sizeof *ru))) {
        return -EFAULT;
    }
    app_exit_info info;
    long r = app_wait_child(pid, options, &info);
    if (r <= 0) {
        return r;
    }
    if (status) {
        int wstatus = info.status << 8;   // exited normally with this code
        copy_to_user(status, &wstatus, sizeof wstatus);
    }
    if (ru) {
        uapi::rusage u{};
        uint64_t us = cycles_to_ns(info.cpu_cycles) / 1000u;   // no user/system split
        u.ru_utime = {static_cast<int32_t>(us / 1000000u), static_cast<int32_t>(us % 1000000u)};
        copy_to_user(ru, &u, sizeof u);
    }
    return r;
}

long sys_waitpid(int pid, int* status, int options) { return sys_wait4(pid, status, options, nullptr); }

// spawn(name, argv): mipsnet's stand-in for fork+exec (kernel/uapi/unistd.h).
long sys_mipsnet_spawn(const char* name, char* const* argv) {
    long len = strnlen_user(name, TASK_COMM_LEN * 4);
    if (len < 0) {
        return len;
    }
    const app_desc* app = app_find(name);
    if (!app) {
        return -ENOENT;
    }
    const char* args[APP_MAX_ARGS + 1] = {app->name};
    int argc = 0;
    size_t bytes = 0;
    for (; argv; ++argc) {
        if (!access_ok(&argv[argc], sizeof argv[argc])) {
            return -EFAULT;
        }
        const char* a = argv[argc];
        if (!a) {
            break;
        }
        if (argc == APP_MAX_ARGS) {
            return -E2BIG;
        }
        long n = strnlen_user(a, APP_ARG_BYTES);
        if (n == -EFAULT) {
            return -EFAULT;
        }
        bytes += n < 0 ? APP_ARG_BYTES + 1 : static_cast<size_t>(n) + 1;
        if (bytes > APP_ARG_BYTES) {
            return -E2BIG;
        }
        args[argc] = a;
    }
    task_struct* t = app_spawn(*app, argc ? argc : 1, args);
    return t ? t->pid : -EAGAIN;
}
