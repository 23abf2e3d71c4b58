// The console shell: reads a line from the serial console through libc, with
// backspace and ^U/^C editing, and runs a built-in command.
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

#include "apps/shell_commands.h"
#include "kernel/apps.h"

namespace {

constexpr size_t max_line = 256;
constexpr int max_argv = 16;
constexpr const char* prompt = "mipsnet> ";

void put(const char* s) { write(1, s, strlen(s)); }

// One line from fd 0 into buf. Returns false at end of input.
bool read_line(char* buf, size_t size) {
    size_t len = 0;
    for (;;) {
        char c;
        if (read(0, &c, 1) != 1) {
            return false;
        }
        switch (c) {
        case '\r':
        case '\n':
            put("\n");
            buf[len] = '\0';
            return true;
        case 0x7f:   // DEL, what terminals send for backspace
        case '\b':
            if (len > 0) {
                --len;
                put("\b \b");
            }
            break;
        case 0x15:   // ^U: erase the line
            while (len > 0) {
                --len;
                put("\b \b");
            }
            break;
        case 0x03:   // ^C: abandon the line
            put("^C\n");
            len = 0;
            buf[0] = '\0';
            return true;
        default:
            if (c >= ' ' && c < 0x7f && len + 1 < size) {
                buf[len++] = c;
                write(1, &c, 1);
            }
        }
    }
}

int split(char* line, char** argv) {
    int argc = 0;
    for (char* tok = strtok(line, " \t"); tok && argc < max_argv; tok = strtok(nullptr, " \t")) {
        argv[argc++] = tok;
    }
    argv[argc] = nullptr;
    return argc;
}

int shell_main(int, char**) {
    setvbuf(stdout, nullptr, _IOLBF, 0);
    printf("\nmipsnet shell. Type 'help' for the commands.\n");
    char line[max_line];
    char* argv[max_argv + 1];
    for (;;) {
        shell::reap_jobs();
        fflush(stdout);
        put(prompt);
        if (!read_line(line, sizeof line)) {
            return 0;
        }
        int argc = split(line, argv);
        if (argc == 0) {
            continue;
        }
        if (strcmp(argv[0], "exit") == 0 || strcmp(argv[0], "logout") == 0) {
            return argc > 1 ? atoi(argv[1]) : 0;
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
