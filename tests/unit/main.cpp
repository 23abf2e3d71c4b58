#include <CppUTest/CommandLineTestRunner.h>

#include "kernel/sched/sched.h"

int main(int argc, char** argv) {
    sched_init();  // the test runner is the idle task, as the boot context is on the target
    return CommandLineTestRunner::RunAllTests(argc, argv);
}
