#include "apps/shell_commands.h"
#include "apps/shell/parse.h"
#include "apps/shell_files.h"

#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sched.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kernel/apps.h"
#include "mipsnet/spawn.h"

extern "C" long syscall(long nr, ...);

namespace shell {

namespace {

int cmd_help(int, char**);

int cmd_uname(int argc, char** argv) {
    struct utsname u;
    if (uname(&u) != 0) {
        perror("uname");
        return 1;
    }
    if (argc > 1 && strcmp(argv[1], "-a") == 0) {
        printf("%s %s %s %s %s\n", u.sysname, u.nodename, u.release, u.version, u.machine);
    } else {
        printf("%s\n", u.sysname);
    }
    return 0;
}

int cmd_uptime(int, char**) {
    struct sysinfo si;
    if (sysinfo(&si) != 0) {
        perror("sysinfo");
        return 1;
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    printf("up %ld:%02ld:%02ld (%ld.%03ld s), %u threads\n", si.uptime / 3600, si.uptime / 60 % 60,
           si.uptime % 60, static_cast<long>(ts.tv_sec), ts.tv_nsec / 1000000, si.procs);
    return 0;
}

int cmd_dmesg(int, char**) {
    int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, nullptr, 0);
    if (size <= 0) {
        perror("dmesg");
        return 1;
    }
    char* buf = static_cast<char*>(malloc(static_cast<size_t>(size)));
    if (!buf) {
        perror("dmesg");
        return 1;
    }
    int n = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
    if (n > 0) {
        fwrite(buf, 1, static_cast<size_t>(n), stdout);
    }
    free(buf);
    return n < 0;
}

// free: all of RAM, then its two owners: the kernel (image, memmap, page
// allocator; slab is what its caches hold) and the apps' heap (the break
// newlib's malloc moves, RLIMIT_DATA big; "used" is what malloc has taken
// from it). In kB, as free(1).
int cmd_free(int, char**) {
    struct sysinfo si;
    if (sysinfo(&si) != 0) {
        perror("sysinfo");
        return 1;
    }
    unsigned long unit = si.mem_unit ? si.mem_unit : 1;
    unsigned long total = si.totalram * unit / 1024, fr = si.freeram * unit / 1024;
    printf("%-7s %10s %10s %10s %10s\n", "", "total", "used", "free", "slab");
    printf("%-7s %10lu %10lu %10lu %10lu\n", "Mem:", total, total - fr, fr, si.bufferram * unit / 1024);
    struct rlimit heap;
    if (getrlimit(RLIMIT_DATA, &heap) != 0 || heap.rlim_cur == RLIM_INFINITY) {
        return 0;
    }
    unsigned long apps_total = heap.rlim_cur / 1024;
    unsigned long apps_used = static_cast<unsigned long>(mallinfo().arena) / 1024;
    unsigned long apps_free = apps_total - apps_used;
    unsigned long kernel_total = total - apps_total, kernel_free = fr - apps_free;
    printf("%-7s %10lu %10lu %10lu %10lu\n", "Kernel:", kernel_total, kernel_total - kernel_free,
           kernel_free, si.bufferram * unit / 1024);
    printf("%-7s %10lu %10lu %10lu\n", "Apps:", apps_total, apps_used, apps_free);
    return 0;
}

int cmd_date(int, char**) {
    struct timeval tv;
    if (gettimeofday(&tv, nullptr) != 0) {
        perror("gettimeofday");
        return 1;
    }
    time_t t = tv.tv_sec;
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[64];
    strftime(buf, sizeof buf, "%a %b %e %H:%M:%S UTC %Y", &tm);
    printf("%s\n", buf);
    return 0;
}

int cmd_poweroff(int, char**) {
    fflush(stdout);
    reboot(RB_POWER_OFF);
    perror("poweroff");
    return 1;
}

int cmd_reboot(int, char**) {
    fflush(stdout);
    reboot(RB_AUTOBOOT);
    perror("reboot");
    return 1;
}

int cmd_apps(int, char**) {
    for (const app_desc* a = app_begin(); a != app_end(); ++a) {
        printf("  %-12s %s\n", a->name, a->help);
    }
    return 0;
}

int cmd_sleep(int argc, char** argv) {
    if (argc != 2) {
        printf("usage: sleep SECONDS (fractions allowed)\n");
        return 1;
    }
    struct timespec ts;
    if (!parse_seconds(argv[1], &ts)) {
        printf("sleep: invalid time '%s'\n", argv[1]);
        return 1;
    }
    if (nanosleep(&ts, nullptr) != 0) {
        perror("sleep");
        return 1;
    }
    return 0;
}

int cmd_echo(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        printf("%s%s", argv[i], i + 1 < argc ? " " : "");
    }
    printf("\n");
    return 0;
}

// syscall NR [ARG...]: a raw syscall through libc's syscall(2), for checking
// the kernel's answers by hand (numbers are Linux o32: 4000 + n). An
// argument that is not a number is passed as a pointer to that text, so
// `syscall 4005 /dev/null 0` is open("/dev/null", O_RDONLY).
int cmd_syscall(int argc, char** argv) {
    if (argc < 2) {
        printf("usage: syscall NR [ARG...]\n");
        return 1;
    }
    long a[6];
    syscall_args(argc, argv, a);
    errno = 0;
    long r = syscall(strtol(argv[1], nullptr, 0), a[0], a[1], a[2], a[3], a[4], a[5]);
    int e = errno;
    printf("syscall %s = %ld", argv[1], r);
    if (r == -1) {
        printf(" errno %d (%s)", e, strerror(e));
    }
    printf("\n");
    return 0;
}

// Recurses until the thread's stack is gone: the scheduler's check of the
// stack-end magic must catch it and name the thread.
[[gnu::noinline]] int overflow_stack(int depth) {
    volatile char frame[512];
    frame[0] = static_cast<char>(depth);
    if (depth > 1000000) {
        return frame[0];
    }
    sched_yield();  // a syscall per frame: the kernel checks the stack pointer on entry
    return overflow_stack(depth + 1) + frame[0];
}

// crash [load|store|ri|break|stack]: make the kernel take a fatal exception
// on purpose, as Linux's sysrq-c, to check the panic path on a board.
int cmd_crash(int argc, char** argv) {
    const char* how = argc > 1 ? argv[1] : "load";
    fflush(stdout);
    // Through a volatile variable, so the compiler cannot see the address.
    volatile uintptr_t where = 0x1;
    if (strcmp(how, "load") == 0) {
        return *reinterpret_cast<volatile int*>(where);
    }
    if (strcmp(how, "store") == 0) {
        where = 0x4;
        *reinterpret_cast<volatile int*>(where) = 1;
        return 1;
    }
    if (strcmp(how, "ri") == 0) {
        asm volatile(".word 0xfc000000");  // a reserved opcode in MIPS32
        return 1;
    }
    if (strcmp(how, "break") == 0) {
        asm volatile("break 7");
        return 1;
    }
    if (strcmp(how, "stack") == 0) {
        return overflow_stack(0);
    }
    printf("usage: crash [load|store|ri|break|stack]\n");
    return 1;
}

// cat FILE...: copy files to the console (/proc/..., /dev/zero is endless).
int cmd_cat(int argc, char** argv) {
    fflush(stdout);
    int status = 0;
    for (int i = 1; i < argc; ++i) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            printf("cat: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        // Files of the rootfs go to the console by sendfile, with no copy
        // here; what it cannot send (/proc, /dev: EINVAL) is read and written.
        ssize_t n;
        while ((n = sendfile(1, fd, nullptr, 1 << 16)) > 0) {
        }
        char buf[512];
        if (n < 0 && errno == EINVAL) {
            // Until the end, or until the output is gone (a Telnet peer
            // that left: EPIPE), else /dev/zero would be copied for ever.
            while ((n = read(fd, buf, sizeof buf)) > 0 && write(1, buf, static_cast<size_t>(n)) == n) {
            }
        }
        if (n < 0) {
            printf("cat: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
        close(fd);
    }
    return status;
}

// trace [CATEGORIES]: show the tracer (categories and the last events), or
// switch categories: "trace socket,rx", "trace all", "trace none".
// netfault [IF:item,...]: the counts, or new faults for IF (netfault=).
int cmd_netfault(int argc, char** argv) {
    if (argc == 1) {
        char path[] = "/proc/net/netfault";
        char* args[] = {argv[0], path, nullptr};
        return cmd_cat(2, args);
    }
    int fd = open("/proc/net/netfault", O_WRONLY);
    if (fd < 0 || write(fd, argv[1], strlen(argv[1])) < 0) {
        printf("netfault: %s: %s\n", argv[1], strerror(errno));
        if (fd >= 0) close(fd);
        return 1;
    }
    close(fd);
    return 0;
}

int cmd_trace(int argc, char** argv) {
    if (argc == 1) {
        char path[] = "/proc/trace";
        char* args[] = {argv[0], path, nullptr};
        return cmd_cat(2, args);
    }
    int fd = open("/proc/trace", O_WRONLY);
    if (fd < 0 || write(fd, argv[1], strlen(argv[1])) < 0) {
        printf("trace: %s: %s\n", argv[1], strerror(errno));
        if (fd >= 0) close(fd);
        return 1;
    }
    close(fd);
    return 0;
}

// The whole of a small file, NUL-terminated, or nullptr (errno set).
char* slurp(const char* path, size_t max) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        return nullptr;
    }
    char* buf = static_cast<char*>(malloc(max + 1));
    size_t len = 0;
    ssize_t n = 0;
    while (buf && len < max && (n = read(fd, buf + len, max - len)) > 0) {
        len += static_cast<size_t>(n);
    }
    close(fd);
    if (buf) {
        buf[len] = '\0';
    }
    return buf;
}

// ps: /proc/tasks for people: CPU time as m:ss.mmm, stacks as used/size.
int cmd_ps(int, char**) {
    char* text = slurp("/proc/tasks", 8192);
    if (!text) {
        perror("ps: /proc/tasks");
        return 1;
    }
    printf("%5s %5s %s %4s %11s %8s %13s %3s %s\n", "PID", "PPID", "S", "PRI", "TIME", "SWITCH",
           "STACK", "FDS", "COMMAND");
    char* save = nullptr;
    strtok_r(text, "\n", &save);   // the header
    for (char* line = strtok_r(nullptr, "\n", &save); line; line = strtok_r(nullptr, "\n", &save)) {
        // PID PPID S PRIO CPU_MS SWITCHES STACK USED FDS NAME (strtol: newlib's
        // sscanf would pull in its floating point)
        char* p = line;
        long pid = strtol(p, &p, 10), ppid = strtol(p, &p, 10);
        while (*p == ' ') {
            ++p;
        }
        char state = *p ? *p++ : '?';
        long prio = strtol(p, &p, 10);
        unsigned long ms = strtoul(p, &p, 10), sw = strtoul(p, &p, 10);
        unsigned long stack = strtoul(p, &p, 10), used = strtoul(p, &p, 10);
        long fds = strtol(p, &p, 10);
        while (*p == ' ') {
            ++p;
        }
        const char* name = p;
        char t[16], st[24];
        snprintf(t, sizeof t, "%lu:%02lu.%03lu", ms / 60000, ms / 1000 % 60, ms % 1000);
        if (stack) {
            snprintf(st, sizeof st, "%lu/%lu", used, stack);
        } else {
            snprintf(st, sizeof st, "-");
        }
        printf("%5ld %5ld %c %4ld %11s %8lu %13s %3ld %s\n", pid, ppid, state, prio, t, sw, st, fds, name);
    }
    free(text);
    return 0;
}

// Background apps started by `run ... &`, reported when they end.
constexpr int max_jobs = 16;
struct job {
    int pid;
    char name[16];
};
job jobs[max_jobs];

void report_exit(const char* name, int pid, int status) {
    if (WIFEXITED(status)) {
        printf("run: %s (pid %d) exited with status %d\n", name, pid, WEXITSTATUS(status));
    } else {
        printf("run: %s (pid %d) ended, wait status 0x%x\n", name, pid, status);
    }
}

// run NAME [ARGS...] [&]: start a built-in app as a child thread with its own
// descriptors on the console; wait for it, or with & leave it running.
int cmd_run(int argc, char** argv) {
    bool background = take_background(argc, argv);
    if (argc < 2) {
        printf("usage: run NAME [ARGS...] [&]\n");
        return 1;
    }
    fflush(stdout);
    pid_t pid = mipsnet_spawn(argv[1], argv + 1);
    if (pid < 0) {
        printf("run: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    if (background) {
        for (job& j : jobs) {
            if (j.pid == 0) {
                j.pid = pid;
                strncpy(j.name, argv[1], sizeof j.name - 1);
                j.name[sizeof j.name - 1] = '\0';
                break;
            }
        }
        printf("[%d] %s\n", pid, argv[1]);
        return 0;
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) {
        perror("run: waitpid");
        return 1;
    }
    report_exit(argv[1], pid, status);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

const command commands[] = {
    {"help", cmd_help, "this list"},
    {"apps", cmd_apps, "list the built-in apps"},
    {"uname", cmd_uname, "system name (-a: all)"},
    {"uptime", cmd_uptime, "time since boot"},
    {"date", cmd_date, "wall clock time"},
    {"dmesg", cmd_dmesg, "kernel log"},
    {"free", cmd_free, "memory use"},
    {"echo", cmd_echo, "print the arguments"},
    {"sleep", cmd_sleep, "sleep SECONDS"},
    {"syscall", cmd_syscall, "raw syscall: syscall NR [ARG...] (text args are passed as pointers)"},
    {"cat", cmd_cat, "print files: cat FILE... (/proc/tasks, /proc/interrupts...)"},
    {"ps", cmd_ps, "threads, their CPU time and stack use"},
    {"run", cmd_run, "start an app: run NAME [ARGS...] [&]"},
    {"netfault", cmd_netfault, "injected faults: netfault [IF:drop=P%,dup=P%,reorder=P%,corrupt=P%,delay=Tms,seed=N,dir=rx|tx|both]"},
    {"trace", cmd_trace, "tracer: trace [syscall,socket,rx,tx,sched,irq|all|none]"},
    {"crash", cmd_crash, "fatal exception on purpose: crash [load|store|ri|break|stack]"},
    {"poweroff", cmd_poweroff, "switch off"},
    {"reboot", cmd_reboot, "restart"},
};

int cmd_help(int, char**) {
    for (const command& c : commands) {
        printf("  %-10s %s\n", c.name, c.help);
    }
    for (const command* c = file_commands; c != file_commands_end; ++c) {
        printf("  %-10s %s\n", c->name, c->help);
    }
    printf("  %-10s %s\n", "exit", "leave the shell (logout: the same)");
    printf("apps (NAME [ARGS...] runs one, as run NAME):\n");
    return cmd_apps(0, nullptr);
}

}  // namespace

void reap_jobs() {
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0) {
            return;
        }
        const char* name = "?";
        for (job& j : jobs) {
            if (j.pid == pid) {
                j.pid = 0;
                name = j.name;
            }
        }
        report_exit(name, pid, status);
    }
}

const command* begin() { return commands; }
const command* end() { return commands + sizeof commands / sizeof commands[0]; }

namespace {
// A built-in app's name as a command: "ping -c 3 HOST" is "run ping -c 3 HOST".
int cmd_app(int argc, char** argv) {
    char* args[APP_MAX_ARGS + 2];
    int n = app_argv(argc, argv, args);
    return cmd_run(n, args);
}
const command app_command = {"(app)", cmd_app, "a built-in app"};
}  // namespace

const command* find(const char* name) {
    for (const command* c = begin(); c != end(); ++c) {
        if (strcmp(c->name, name) == 0) {
            return c;
        }
    }
    for (const command* c = file_commands; c != file_commands_end; ++c) {
        if (strcmp(c->name, name) == 0) {
            return c;
        }
    }
    return app_find(name) ? &app_command : nullptr;
}

}  // namespace shell
