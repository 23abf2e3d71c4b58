#include <CppUTest/CommandLineTestRunner.h>
#include <CppUTest/TestRegistry.h>

#include "kernel/sched/sched.h"
#include "tests/unit/host/fresh_memory_plugin.h"
#include "tests/unit/host/test_seed.h"

#include <stdio.h>

int main(int argc, char** argv) {
    fprintf(stderr, "unit tests: MIPSNET_SEED=%llu\n", static_cast<unsigned long long>(test_seed::run_seed()));
    sched_init();  // the test runner is the idle task, as the boot context is on the target
    fresh_memory_plugin memory;
    TestRegistry::getCurrentRegistry()->installPlugin(&memory);
    return CommandLineTestRunner::RunAllTests(argc, argv);
}
