// Thread memory: task structs from kmalloc, stacks as whole pages from the
// buddy allocator (so a stack is naturally aligned to its size's order).
#include "kernel/sched/stack.h"

#include "kernel/mm/page_alloc.h"
#include "kernel/mm/slab.h"
#include "kernel/sched/task.h"

task_struct* alloc_task_struct() {
    return static_cast<task_struct*>(kzalloc(sizeof(task_struct), GFP_KERNEL));
}

void free_task_struct(task_struct* t) { kfree(t); }

void* alloc_thread_stack(size_t size) {
    return reinterpret_cast<void*>(__get_free_pages(GFP_KERNEL, mm::get_order(size)));
}

void free_thread_stack(void* stack, size_t size) {
    free_pages(reinterpret_cast<unsigned long>(stack), mm::get_order(size));
}
