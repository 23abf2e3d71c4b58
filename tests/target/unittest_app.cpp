// The "unittest" app of the target test image: runs every CppUTest test linked
// in, verbosely, then ends the QEMU run through semihosting with the number of
// failed tests as exit status (tests/target/run_unittests.sh checks both).
// Extra CppUTest options come from the command line: unittest.args=-g:irq.
#include <CppUTest/CommandLineTestRunner.h>
#include <CppUTest/PlatformSpecificFunctions.h>
#include <string.h>

#include "kernel/apps.h"
#include "kernel/arch/mips/semihosting.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"

namespace {

// CppUTest's output goes to the console directly rather than through stdout
// and the write syscall: tests narrow the uaccess range and change kernel
// state, and a failure reported in the middle of such a test must still show.
char out_line[128];
size_t out_len;

void console_flush() {
    console::write(out_line, out_len);
    out_len = 0;
}

int console_putchar(int c) {
    out_line[out_len++] = static_cast<char>(c);
    if (c == '\n' || out_len == sizeof out_line) {
        console_flush();
    }
    return c;
}

constexpr int max_args = 16;

int unittest_main(int argc, char** argv) {
    // Tests parse command lines of their own; the kernel's comes back after.
    static char saved_cmdline[1024];
    strncpy(saved_cmdline, cmdline::str(), sizeof saved_cmdline - 1);

    PlatformSpecificPutchar = console_putchar;
    PlatformSpecificFlush = console_flush;
    const char* args[max_args + 2] = {"unittest", "-v"};
    int n = 2;
    for (int i = 1; i < argc && n < max_args; ++i) {
        args[n++] = argv[i];
    }
    int failures = CommandLineTestRunner::RunAllTests(n, args);
    console_flush();

    cmdline::parse(saved_cmdline);
    // An exit status is 8 bits: 256 failures must not read as success.
    mips::uhi_exit(failures > 255 ? 255 : failures);
    return failures;  // no semihosting (a real board): back to the kernel
}

}  // namespace

[[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]] const app_desc unittest_app{
    "unittest", unittest_main, "run the CppUTest unit tests, exit QEMU with the failure count"};
