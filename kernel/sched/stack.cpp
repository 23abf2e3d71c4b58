// Thread memory. Until the page allocator lands this is a fixed pool: task
// structs in a static table, stacks in slots of up to max_stack bytes.
#include "kernel/sched/stack.h"

#include <string.h>

#include "kernel/cpu.h"
#include "kernel/sched/task.h"

namespace {
constexpr size_t max_threads = 32;
constexpr size_t max_stack = 32768;
task_struct task_pool[max_threads];
bool task_used[max_threads];
alignas(16) uint32_t stack_pool[max_threads][max_stack / 4];
bool stack_used[max_threads];
}  // namespace

task_struct* alloc_task_struct() {
    cpu::irq_guard guard;
    for (size_t i = 0; i < max_threads; ++i) {
        if (!task_used[i]) {
            task_used[i] = true;
            memset(static_cast<void*>(&task_pool[i]), 0, sizeof task_pool[i]);
            return &task_pool[i];
        }
    }
    return nullptr;
}

void free_task_struct(task_struct* t) {
    cpu::irq_guard guard;
    task_used[t - task_pool] = false;
}

void* alloc_thread_stack(size_t size) {
    if (size > max_stack) {
        return nullptr;
    }
    cpu::irq_guard guard;
    for (size_t i = 0; i < max_threads; ++i) {
        if (!stack_used[i]) {
            stack_used[i] = true;
            return stack_pool[i];
        }
    }
    return nullptr;
}

void free_thread_stack(void* stack, size_t) {
    cpu::irq_guard guard;
    stack_used[static_cast<uint32_t(*)[max_stack / 4]>(stack) - stack_pool] = false;
}
