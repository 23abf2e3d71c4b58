#include "kernel/apps.h"

#include <string.h>

#include "kernel/cpu.h"
#include "kernel/libc_glue.h"
#include "kernel/mm/slab.h"
#include "kernel/sched/sched.h"
#include "kernel/syscalls.h"

extern "C" const app_desc __start_mipsnet_apps[];
extern "C" const app_desc __stop_mipsnet_apps[];

namespace {

// What an app thread starts with: its argv, copied out of the caller's memory.
struct app_start {
    const app_desc* app;
    int argc;
    char* argv[APP_MAX_ARGS + 1];
    char strings[APP_ARG_BYTES];
};

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
    do_exit(status & 0xff);
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
    auto* s = static_cast<app_start*>(kzalloc(sizeof(app_start), GFP_KERNEL));
    if (!s) {
        return nullptr;
    }
    s->app = &app;
    void* libc = copy_args(s, argc, argv) ? libc_thread_state_create() : nullptr;
    task_struct* t = libc ? kthread_create(app_thread, s, app.name, DEFAULT_PRIO,
                                           app.stack_size ? app.stack_size : THREAD_STACK_DEFAULT)
                          : nullptr;
    if (!t) {
        libc_thread_state_destroy(libc);
        kfree(s);
        return nullptr;
    }
    t->libc_reent = libc;
    t->flags |= PF_APP | ((app.flags & APP_PRIVILEGED) ? PF_PRIVILEGED : 0);
    wake_up_process(t);
    return t;
}

int app_wait(task_struct* t) {
    int status = wait_task_exit(t);
    auto* s = static_cast<app_start*>(t->arg);
    libc_thread_state_destroy(t->libc_reent);
    release_task(t);
    kfree(s);
    return status & 0xff;
}

long sys_exit(int status) { do_exit(status & 0xff); }
