// The kernel's own /proc files (Linux's fs/proc/{uptime,meminfo,cmdline,
// version,interrupts}.c, and a "tasks" table for ps).
#include <string.h>

#include "kernel/apps.h"
#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/fs/fdtable.h"
#include "kernel/fs/proc.h"
#include "kernel/irq.h"
#include "kernel/mm/brk.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/mm/slab.h"
#include "kernel/sched/sched.h"
#include "kernel/time.h"
#include "kernel/uapi/errno.h"
#include "kernel/version.h"

namespace {

constexpr size_t MAX_TASKS_SHOWN = 64;

uint64_t task_cpu_cycles(const task_struct& t) {
    uint64_t c = t.cpu_cycles;
    if (&t == current) {
        c += cpu::cycles() - t.last_switch_in;
    }
    return c;
}

char state_char(const task_struct& t) {
    switch (t.state) {
    case task_state::running: return 'R';
    case task_state::interruptible: return 'S';
    case task_state::uninterruptible: return 'D';
    case task_state::dead: return 'Z';
    }
    return '?';
}

struct task_snap {
    int pid, ppid, prio;
    char state;
    char comm[TASK_COMM_LEN];
    uint32_t switches;
    uint64_t cycles;
    uint32_t stack_size, stack_used;
    unsigned fds;
};

unsigned open_fds(const files_struct* files) {
    unsigned n = 0;
    if (files) {
        for (unsigned fd = 0; fd < files->capacity; ++fd) {
            n += files->fd[fd] != nullptr;
        }
    }
    return n;
}

// One line per task: the numbers under interrupts masked, the text after.
int tasks_show(seq_file* m, void*) {
    static task_snap snap[MAX_TASKS_SHOWN];   // too big for a 16 KiB stack
    static bool busy;
    size_t n = 0;
    {
        cpu::irq_guard guard;
        if (busy) {
            return -EBUSY;
        }
        busy = true;
        for_each_task([&](task_struct& t) {
            if (n == MAX_TASKS_SHOWN) {
                return;
            }
            task_snap& s = snap[n++];
            s.pid = t.pid;
            s.ppid = app_parent_pid(&t);
            s.prio = t.prio;
            s.state = state_char(t);
            memcpy(s.comm, t.comm, sizeof s.comm);
            s.comm[TASK_COMM_LEN - 1] = '\0';
            s.switches = t.nr_switches;
            s.cycles = task_cpu_cycles(t);
            s.stack_size = static_cast<uint32_t>(t.stack_size);
            s.stack_used = static_cast<uint32_t>(t.stack ? t.stack_size - task_stack_unused(&t) : 0);
            s.fds = open_fds(t.files);
        });
    }
    seq_printf(m, "%5s %5s %s %4s %10s %9s %6s %6s %3s %s\n", "PID", "PPID", "S", "PRIO", "CPU_MS",
               "SWITCHES", "STACK", "USED", "FDS", "NAME");
    for (size_t i = 0; i < n; ++i) {
        const task_snap& s = snap[i];
        seq_printf(m, "%5d %5d %c %4d %10lu %9lu %6lu %6lu %3u %s\n", s.pid, s.ppid, s.state, s.prio,
                   static_cast<unsigned long>(cycles_to_ns(s.cycles) / 1000000u),
                   static_cast<unsigned long>(s.switches), static_cast<unsigned long>(s.stack_size),
                   static_cast<unsigned long>(s.stack_used), s.fds, s.comm);
    }
    cpu::irq_guard guard;
    busy = false;
    return 0;
}

int interrupts_show(seq_file* m, void*) {
    seq_printf(m, "%5s %10s\n", "", "CPU0");
    for (unsigned irq = 0; irq < NR_IRQS; ++irq) {
        irq_stat s = irq_get_stat(irq);
        if (s.name || s.spurious_disabled) {
            seq_printf(m, "%4u: %10lu %8s ", irq, static_cast<unsigned long>(s.count),
                       s.chip ? s.chip : "-");
            // Handlers of a shared line comma-separated, as Linux's show_interrupts()
            const char* sep = " ";
            for (unsigned n = 0; const char* name = irq_action_name(irq, n); ++n) {
                seq_printf(m, "%s%s", sep, name);
                sep = ", ";
            }
            seq_printf(m, "%s\n", s.spurious_disabled ? "  (disabled: nobody cared)" : "");
        }
    }
    seq_printf(m, "%4s: %10lu\n", "ERR", static_cast<unsigned long>(irq_spurious_count()));
    return 0;
}

// Seconds since boot and seconds the CPU spent idle, to 1/100 s.
int uptime_show(seq_file* m, void*) {
    uint64_t up_cs = ktime_get_ns() / 10000000u;
    uint64_t idle_cs = 0;
    {
        cpu::irq_guard guard;
        if (task_struct* idle = find_task_by_pid(0)) {
            idle_cs = cycles_to_ns(task_cpu_cycles(*idle)) / 10000000u;
        }
    }
    seq_printf(m, "%lu.%02lu %lu.%02lu\n", static_cast<unsigned long>(up_cs / 100),
               static_cast<unsigned long>(up_cs % 100), static_cast<unsigned long>(idle_cs / 100),
               static_cast<unsigned long>(idle_cs % 100));
    return 0;
}

// What sysinfo() knows: the RAM, and the part of it the apps' heap may
// still take (everything between the break and the end of RAM).
int meminfo_show(seq_file* m, void*) {
    unsigned long total = mm::ram_total() / 1024;
    unsigned long free_kb = (mm::brk_limit() - mm::brk_current()) / 1024;
    seq_printf(m, "%-16s%8lu kB\n", "MemTotal:", total);
    seq_printf(m, "%-16s%8lu kB\n", "MemFree:", free_kb);
    seq_printf(m, "%-16s%8lu kB\n", "MemAvailable:", free_kb);
    seq_printf(m, "%-16s%8lu kB\n", "AppHeap:",
               static_cast<unsigned long>((mm::brk_current() - mm::brk_start()) / 1024));
    // The kernel's side: pages the buddy allocator has free, and what
    // slabs and large kmallocs hold (sockets, skbs, tables).
    seq_printf(m, "%-16s%8lu kB\n", "KernelFree:", nr_free_pages() * (mm::PAGE_SIZE / 1024));
    seq_printf(m, "%-16s%8lu kB\n", "Slab:", (nr_slab_pages() + nr_kmalloc_large_pages()) * (mm::PAGE_SIZE / 1024));
    seq_printf(m, "%-16s%8u\n", "OpenFiles:", files_in_use());
    return 0;
}

int cmdline_show(seq_file* m, void*) {
    seq_printf(m, "%s\n", cmdline::str());
    return 0;
}

int version_show(seq_file* m, void*) {
    seq_printf(m, "%s version %s (gcc %s) %s\n", kernel_version::sysname, kernel_version::release,
               __VERSION__, kernel_version::version);
    return 0;
}

}  // namespace

void proc_root_init() {
    static bool done;
    {
        cpu::irq_guard guard;
        if (done) {
            return;
        }
        done = true;
    }
    proc_create("tasks", tasks_show);
    proc_create("interrupts", interrupts_show);
    proc_create("uptime", uptime_show);
    proc_create("meminfo", meminfo_show);
    proc_create("cmdline", cmdline_show);
    proc_create("version", version_show);
    proc_kernel_init();
}
