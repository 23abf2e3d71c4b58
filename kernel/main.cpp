// start_kernel(): from the boot code to the first app.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "drivers/pci/pci.h"
#include "kernel/apps.h"
#include "kernel/arch.h"
#include "kernel/board.h"
#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/fs/ramfs.h"
#include "kernel/fw_env.h"
#include "kernel/mm/initrd.h"
#include "kernel/mm/slab.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched/sched.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/trace.h"
#include "kernel/version.h"
#include "net/core/net_procfs.h"
#include "net/core/netdevice.h"
#include "net/ipv4/af_inet.h"
#include "net/ipv4/ipconfig.h"
#include "net/packet/af_packet.h"
#include "net/socket.h"

extern "C" {
using ctor_fn = void (*)();
extern ctor_fn __init_array_start[], __init_array_end[];
// The cpio archive of the root filesystem (initramfs_data.S, made at build
// time from MIPSNET_ROOTFS_DIR by tools/gen_initramfs.py).
extern "C" const uint8_t __initramfs_start[], __initramfs_end[];
}

namespace {

void run_constructors() {
    for (ctor_fn* f = __init_array_start; f != __init_array_end; ++f) {
        (*f)();
    }
}

// QEMU's Malta loader (7.2) enters with a0 = -1 although argv holds the file
// name and the -append line, with envp right behind them; YAMON passes a
// real argc. Trust argc when it is sane, else count up to envp.
int loader_argc(int argc, char** argv, char** envp) {
    constexpr int max_args = 32;
    if (argc > 0 && argc <= max_args) {
        return argc;
    }
    if (argv && envp > argv && envp - argv <= max_args) {
        return static_cast<int>(envp - argv);
    }
    return 0;
}

// "apps=shell,ping" starts each named app as a thread; its arguments come
// from "<name>.args=a:b:c" (colons, since spaces separate kernel parameters).
task_struct* start_app(const char* name) {
    const app_desc* app = app_find(name);
    if (!app) {
        pr_err("apps: no app named '%s'\n", name);
        return nullptr;
    }
    static char argbuf[APP_ARG_BYTES];
    const char* argv[APP_MAX_ARGS + 1] = {app->name};
    int argc = 1;
    char key[48];
    snprintf(key, sizeof key, "%s.args", name);
    if (const char* args = cmdline::get(key)) {
        strncpy(argbuf, args, sizeof argbuf - 1);
        for (char* tok = strtok(argbuf, ":"); tok && argc < APP_MAX_ARGS; tok = strtok(nullptr, ":")) {
            argv[argc++] = tok;
        }
    }
    task_struct* t = app_spawn(*app, argc, argv);
    if (!t) {
        pr_err("apps: cannot start %s: out of memory or arguments too long\n", name);
        return nullptr;
    }
    pr_info("apps: started %s (pid %d)\n", name, t->pid);
    return t;
}

// Linux's kernel_init: start the apps, then reap them as they end, and
// every orphan an ending app leaves behind.
void init_thread(void*) {
    app_set_child_reaper(current);
    ip_auto_config_wait();   // ip=dhcp: the first lease, or a bounded wait (Linux's ip_auto_config)
    if (!cmdline::get("apps")) {
        start_app("shell");
    } else {
        char name[32];
        for (size_t i = 0; i < APP_MAX_ARGS && cmdline::get_list_item("apps", i, name, sizeof name); ++i) {
            start_app(name);
        }
    }
    app_exit_info info;
    while (app_wait_child(-1, 0, &info) > 0) {
        pr_info("apps: %s exited with status %d\n", info.comm, info.status);
    }
    pr_info("apps: all apps have exited; system idle\n");
}

}  // namespace

extern "C" [[noreturn]] void start_kernel(int argc, char** argv, char** envp, uint32_t ram_bytes) {
    uint32_t boot_cycles = cpu::cycles();
    fw_init_env(envp, arch::firmware_pointer_ok);   // first: the console's rate is in it
    board::early_init();
    cmdline::init_from_argv(loader_argc(argc, argv, envp), argv);  // before anything reuses it
    klog::set_console_level(static_cast<int>(cmdline::get_int("loglevel", 7)));
    trace::init_from_cmdline();
    pr_info("%s %s %s (%s)\n", kernel_version::sysname, kernel_version::release,
            kernel_version::version, board::name());
    pr_info("Kernel command line: %s\n", cmdline::str());
    arch::setup(fw_memsize(ram_bytes));
    // C++ constructors may call libc (malloc, printf), which needs the syscall
    // vector and the brk heap that arch::setup has just set up.
    run_constructors();
    board::init();
    sched_init();
    arch::time_init();
    kmem_cache_start_validation();   // slub_debug's periodic scan, when asked
    sock_init();      // Linux's core_initcall: the socket inode cache, net_families
    net_dev_init();   // Linux's subsys_initcall: softirqs, backlog, "lo"
    inet_init();      // Linux's fs_initcall: PF_INET, then ipv4_init (ARP, IP, ICMP; ip= waits for its device)
    packet_init();    // module_init: PF_PACKET
    dev_proc_init();  // /proc/net/dev, sockstat, protocols
    // Linux's rootfs_initcall: the built-in archive becomes /.
    populate_rootfs(__initramfs_start, static_cast<size_t>(__initramfs_end - __initramfs_start));
    // Then the loader's initrd over it (init/initramfs.c: its files replace
    // the built-in ones of the same name).
    if (mm::initrd_range rd = mm::initrd(); !rd.empty()) {
        populate_rootfs(reinterpret_cast<const uint8_t*>(rd.start), rd.bytes(), "initrd");
    }
    tmpfs_init();
    cpu::local_irq_enable();
    pci_init();
    ip_auto_config_late();   // Linux's late_initcall: say whether ip= found its device
    uint64_t boot_ns = cycles_to_ns(cpu::cycles() - boot_cycles);
    pr_info("Boot took %lu us from entry to first app\n", static_cast<unsigned long>(boot_ns / 1000));
    spawn_ksoftirqd();
    if (!kthread_run(init_thread, nullptr, "init", DEFAULT_PRIO - 1)) {
        panic("cannot start init");
    }
    cpu_idle();
}
