#include "kernel/panic.h"

#include <stdarg.h>
#include <stdio.h>

#include "kernel/board.h"
#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"

namespace {
bool in_panic;
bool stack_dumped;

void delay_seconds(long s) {
    uint32_t hz = cpu::cycles_hz();
    for (long i = 0; i < s; ++i) {
        uint32_t start = cpu::cycles();
        while (cpu::cycles() - start < hz) {
        }
    }
}
}  // namespace

void panic_stack_dumped() { stack_dumped = true; }

void panic(const char* fmt, ...) {
    cpu::local_irq_save();
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (in_panic) {  // a fault while panicking: stop printing, just stop
        board::halt();
    }
    in_panic = true;
    klog::emergency("Kernel panic - not syncing: %s\n", msg);
    if (!stack_dumped) {
        dump_stack();
    }
    long timeout = cmdline::get_int("panic", 0);
    if (timeout == 0) {
        klog::emergency("---[ end Kernel panic - not syncing: %s ]---\n", msg);
        board::halt();
    }
    if (timeout > 0) {
        klog::emergency("Rebooting in %ld seconds..\n", timeout);
        delay_seconds(timeout);
    }
    klog::emergency("---[ end Kernel panic: rebooting ]---\n");
    board::reset();
}
