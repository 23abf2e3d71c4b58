#include "kernel/apps.h"

#include <setjmp.h>
#include <string.h>

#include "kernel/panic.h"
#include "kernel/syscalls.h"

extern "C" const app_desc __start_mipsnet_apps[];
extern "C" const app_desc __stop_mipsnet_apps[];

namespace {

struct running_app {
    jmp_buf exit_point;
    int status;
    running_app* outer;
};
running_app* current_app;

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

int app_run(const app_desc& app, int argc, char** argv) {
    running_app self{};
    self.outer = current_app;
    current_app = &self;
    if (setjmp(self.exit_point) == 0) {
        self.status = app.main(argc, argv);
    }
    current_app = self.outer;
    return self.status;
}

void app_exit(int status) {
    if (!current_app) {
        panic("exit(%d) with no app running", status);
    }
    current_app->status = status;
    longjmp(current_app->exit_point, 1);
}

long sys_exit(int status) { app_exit(status & 0xff); }
