#include <CppUTest/CommandLineTestRunner.h>
#include <CppUTest/TestRegistry.h>

#include "kernel/sched/sched.h"
#include "tests/unit/host/fresh_memory_plugin.h"

int main(int argc, char** argv) {
    sched_init();  // the test runner is the idle task, as the boot context is on the target
    fresh_memory_plugin memory;
    TestRegistry::getCurrentRegistry()->installPlugin(&memory);
    return CommandLineTestRunner::RunAllTests(argc, argv);
}
