// Every host test starts with a fresh normal zone and kmalloc caches over
// the test arena, as the booted kernel has them; tests that build their own
// zone (the allocator tests) replace it in their setup.
#pragma once
#include <CppUTest/TestPlugin.h>

#include "tests/unit/host/sched_host.h"

class fresh_memory_plugin : public TestPlugin {
public:
    fresh_memory_plugin() : TestPlugin("fresh_memory") {}
    void preTestAction(UtestShell&, TestResult&) override { host_mm_init(); }
};
