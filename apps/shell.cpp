// The console shell: reads a line from the serial console through libc, with
// backspace and ^U/^C editing, and runs a built-in command. The editing and
// the split into words are apps/shell/parse.cpp.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/reboot.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "apps/shell/parse.h"
#include "apps/shell_commands.h"
#include "kernel/apps.h"

namespace {

constexpr const char* prompt = "mipsnet> ";

void put(const char* s) { write(1, s, strlen(s)); }

// One line from fd 0 into buf, echoed as it is edited (apps/shell/parse.cpp).
// Returns false at end of input.
bool read_line(char* buf, size_t size) {
    shell::line_editor ed(buf, size);
    for (;;) {
        uint8_t c;
        if (read(0, &c, 1) != 1) {
            return false;
        }
        shell::key_result k = ed.key(c);
        switch (k.what) {
        case shell::edit::none: break;
        case shell::edit::insert: write(1, &c, 1); break;
        case shell::edit::erase:
            for (size_t i = 0; i < k.erased; ++i) {
                put("\b \b");
            }
            break;
        case shell::edit::line: put("\n"); return true;
        case shell::edit::interrupt: put("^C\n"); return true;
        }
    }
}

int shell_main(int, char**) {
    setvbuf(stdout, nullptr, _IOLBF, 0);
    printf("\nmipsnet shell. Type 'help' for the commands.\n");
    char line[shell::max_line];
    char* argv[shell::max_argv + 1];
    for (;;) {
        shell::reap_jobs();
        fflush(stdout);
        put(prompt);
        if (!read_line(line, sizeof line)) {
            return 0;
        }
        int argc = shell::split(line, argv, shell::max_argv);
        if (argc == 0) {
            continue;
        }
        if (strcmp(argv[0], "exit") == 0 || strcmp(argv[0], "logout") == 0) {
            return shell::exit_status(argc, argv);
        }
        const shell::command* cmd = shell::find(argv[0]);
        if (!cmd) {
            printf("%s: command not found\n", argv[0]);
            continue;
        }
        cmd->run(argc, argv);
        fflush(stdout);
    }
}

}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc shell_app{
    "shell", shell_main, "the serial console shell"};
