#include "apps/shell_commands.h"

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "kernel/apps.h"

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
    double s = strtod(argv[1], nullptr);
    if (s < 0) {
        printf("sleep: invalid time '%s'\n", argv[1]);
        return 1;
    }
    struct timespec ts;
    ts.tv_sec = static_cast<time_t>(s);
    ts.tv_nsec = static_cast<long>((s - static_cast<double>(ts.tv_sec)) * 1e9);
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
// the kernel's answers by hand (numbers are Linux o32: 4000 + n).
int cmd_syscall(int argc, char** argv) {
    if (argc < 2) {
        printf("usage: syscall NR [ARG...]\n");
        return 1;
    }
    long a[6] = {};
    for (int i = 2; i < argc && i < 8; ++i) {
        a[i - 2] = strtol(argv[i], nullptr, 0);
    }
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
    {"syscall", cmd_syscall, "raw syscall: syscall NR [ARG...]"},
    {"crash", cmd_crash, "fatal exception on purpose: crash [load|store|ri|break|stack]"},
    {"poweroff", cmd_poweroff, "switch off"},
    {"reboot", cmd_reboot, "restart"},
};

int cmd_help(int, char**) {
    for (const command& c : commands) {
        printf("  %-10s %s\n", c.name, c.help);
    }
    printf("  %-10s %s\n", "exit", "leave the shell");
    return 0;
}

}  // namespace

const command* begin() { return commands; }
const command* end() { return commands + sizeof commands / sizeof commands[0]; }

const command* find(const char* name) {
    for (const command* c = begin(); c != end(); ++c) {
        if (strcmp(c->name, name) == 0) {
            return c;
        }
    }
    return nullptr;
}

}  // namespace shell
