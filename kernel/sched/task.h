// struct task_struct: a kernel thread. Built-in apps are threads too, each
// with its own descriptor table and C library state.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/list.h"
#include "kernel/sched/context.h"
#include "kernel/sched/wait.h"

enum class task_state : uint8_t { running, interruptible, uninterruptible, dead };

constexpr int MAX_PRIO = 32;             // 0 is the most urgent
constexpr int DEFAULT_PRIO = 16;
constexpr int IDLE_PRIO = MAX_PRIO - 1;
constexpr size_t TASK_COMM_LEN = 16;
constexpr uint32_t STACK_END_MAGIC = 0x57ac6e9d;  // Linux's, at the stack's lowest word

struct files_struct;

struct task_struct {
    arch_context thread;
    char comm[TASK_COMM_LEN];
    int pid;
    int prio;
    volatile task_state state;
    list_head run_list;                  // on the runqueue while runnable and not running
    list_head tasks;                     // every task
    unsigned time_slice;                 // ticks left before round-robin
    uint64_t cpu_cycles;                 // CPU time used
    uint32_t last_switch_in;             // cpu::cycles() when it last got the CPU
    uint32_t nr_switches;
    uint32_t* stack;                     // lowest word holds STACK_END_MAGIC
    size_t stack_size;
    void (*entry)(void*);
    void* arg;
    int exit_code;
    wait_queue_head exit_wait;           // woken when it dies
    files_struct* files;                 // descriptor table (apps), or nullptr
    void* libc_reent;                    // newlib's struct _reent for apps
    unsigned flags;
};

constexpr unsigned PF_KTHREAD = 1u << 0;
constexpr unsigned PF_APP = 1u << 1;
constexpr unsigned PF_PRIVILEGED = 1u << 2;   // may open raw and packet sockets

extern task_struct* current;
