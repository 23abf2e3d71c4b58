// Kernel micro-benchmarks, measured from an app through libc, printed as
// "bench: NAME VALUE UNIT" lines for bench/run.sh. Not a test: nothing here
// is judged, only reported.
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <string.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

#include "kernel/apps.h"
#include "mipsnet/spawn.h"

namespace {

uint64_t now_ns() {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

void syscall_round_trip() {
    constexpr int n = 20000;
    // The floor first: a loop that does everything but the syscall.
    uint64_t t0 = now_ns();
    volatile int sink = 0;
    for (int i = 0; i < n; ++i) {
        sink = sink + i;
    }
    uint64_t t1 = now_ns();
    for (int i = 0; i < n; ++i) {
        sink = sink + getpid();
    }
    uint64_t t2 = now_ns();
    printf("bench: syscall_getpid %llu ns\n",
           static_cast<unsigned long long>(((t2 - t1) - (t1 - t0)) / n));
}

void yield_round_trip() {
    // With no other runnable thread of our priority, sched_yield() is a
    // syscall plus a pass through schedule() that picks us again.
    constexpr int n = 20000;
    uint64_t t0 = now_ns();
    for (int i = 0; i < n; ++i) {
        sched_yield();
    }
    uint64_t t1 = now_ns();
    printf("bench: sched_yield_alone %llu ns\n", static_cast<unsigned long long>((t1 - t0) / n));
}

// Two threads of one priority passing the CPU back and forth with
// sched_yield(): each call is a syscall plus a context switch. The switch's
// cost is what that costs beyond a yield that finds nobody to switch to.
void context_switch() {
    constexpr int n = 20000;
    char count[16];
    snprintf(count, sizeof count, "%d", n);
    char name[] = "bench", mode[] = "yielder";
    char* args[] = {name, mode, count, nullptr};
    pid_t partner = mipsnet_spawn("bench", args);
    if (partner < 0) {
        perror("bench: spawn");
        return;
    }
    sched_yield();  // let it start
    uint64_t t0 = now_ns();
    for (int i = 0; i < n; ++i) {
        sched_yield();
    }
    uint64_t t1 = now_ns();
    int status;
    waitpid(partner, &status, 0);
    printf("bench: sched_yield_pingpong %llu ns\n", static_cast<unsigned long long>((t1 - t0) / n));
}

void sleep_jitter() {
    constexpr int n = 50;
    constexpr long want_ns = 10000000;  // 10 ms: one tick at HZ=100
    uint64_t min = ~0ull, max = 0, sum = 0;
    for (int i = 0; i < n; ++i) {
        struct timespec ts{0, want_ns};
        uint64_t a = now_ns();
        nanosleep(&ts, nullptr);
        uint64_t d = now_ns() - a;
        min = d < min ? d : min;
        max = d > max ? d : max;
        sum += d;
    }
    printf("bench: nanosleep_10ms_min %llu us\n", static_cast<unsigned long long>(min / 1000));
    printf("bench: nanosleep_10ms_avg %llu us\n", static_cast<unsigned long long>(sum / n / 1000));
    printf("bench: nanosleep_10ms_max %llu us\n", static_cast<unsigned long long>(max / 1000));
}

int bench_main(int argc, char** argv) {
    const char* which = argc > 1 ? argv[1] : "all";
    bool all = strcmp(which, "all") == 0;
    if (all || strcmp(which, "syscall") == 0) syscall_round_trip();
    if (strcmp(which, "yielder") == 0) {
        int n = argc > 2 ? atoi(argv[2]) : 0;
        for (int i = 0; i < n; ++i) {
            sched_yield();
        }
        return 0;
    }
    if (all || strcmp(which, "yield") == 0) yield_round_trip();
    if (all || strcmp(which, "switch") == 0) context_switch();
    if (all || strcmp(which, "sleep") == 0) sleep_jitter();
    printf("bench: done\n");
    if (argc > 2 && strcmp(argv[2], "poweroff") == 0) {
        fflush(stdout);
        reboot(RB_POWER_OFF);
    }
    return 0;
}

}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]]
const app_desc bench_app{"bench", bench_main, "kernel micro-benchmarks: bench [syscall|yield|sleep|all]"};
