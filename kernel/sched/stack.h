// Memory for threads: their task_struct and their stacks.
#pragma once
#include <stddef.h>

struct task_struct;

task_struct* alloc_task_struct();     // zeroed, or nullptr
void free_task_struct(task_struct* t);
void* alloc_thread_stack(size_t size);
void free_thread_stack(void* stack, size_t size);
