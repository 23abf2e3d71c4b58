// Process-wide and system information syscalls.
#include <string.h>

#include "kernel/board.h"
#include "kernel/cmdline.h"
#include "kernel/fs/fdtable.h"
#include "kernel/mm/brk.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/mm/slab.h"
#include "kernel/printk.h"
#include "kernel/sched/sched.h"
#include "kernel/syscalls.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "kernel/utsname.h"
#include "kernel/uapi/errno.h"
#include "kernel/version.h"

long sys_getpid() { return current->pid; }
long sys_getppid() { return 0; }

long sys_sched_yield() {
    yield();
    return 0;
}

long sys_newuname(uapi::new_utsname* name) {
    uapi::new_utsname u{};
    strncpy(u.sysname, kernel_version::sysname, sizeof u.sysname - 1);
    strncpy(u.nodename, uts_nodename(), sizeof u.nodename - 1);
    strncpy(u.release, kernel_version::release, sizeof u.release - 1);
    strncpy(u.version, kernel_version::version, sizeof u.version - 1);
    strncpy(u.machine, kernel_version::machine, sizeof u.machine - 1);
    strncpy(u.domainname, "(none)", sizeof u.domainname - 1);
    return copy_to_user(name, &u, sizeof u);
}

long sys_sysinfo(uapi::sysinfo* info) {
    uapi::sysinfo s{};
    s.uptime = static_cast<int32_t>(ktime_get_ns() / 1000000000u);
    // freeram: the page allocator's free pages and the part of the apps'
    // heap the break has not reached; bufferram: what the slab caches hold
    // (free objects included), the kernel's own allocations.
    s.totalram = static_cast<uint32_t>(mm::ram_total());
    s.freeram = static_cast<uint32_t>(nr_free_pages() * mm::PAGE_SIZE + (mm::brk_limit() - mm::brk_current()));
    s.bufferram = static_cast<uint32_t>(nr_slab_pages() * mm::PAGE_SIZE);
    s.procs = static_cast<uint16_t>(nr_tasks());
    s.mem_unit = 1;
    return copy_to_user(info, &s, sizeof s);
}

// RLIMIT_DATA is how far the break may grow: the apps' heap carved at boot
// (appheap=). RLIMIT_NOFILE is the caller's descriptor table (setrlimit in
// kernel/fs/fcntl.cpp). Nothing else is limited.
long sys_getrlimit(int resource, uapi::rlimit* rlim) {
    if (resource < 0 || resource >= static_cast<int>(uapi::rlim_nlimits)) {
        return -EINVAL;
    }
    uapi::rlimit r{uapi::rlim_infinity, uapi::rlim_infinity};
    switch (static_cast<uapi::rlimit_resource>(resource)) {
    case uapi::rlimit_resource::data:
        r.rlim_cur = r.rlim_max = static_cast<uint32_t>(mm::brk_limit() - mm::brk_start());
        break;
    case uapi::rlimit_resource::nofile:
        r.rlim_cur = current->files ? current->files->max_fds : 0;
        r.rlim_max = NR_OPEN_MAX;
        break;
    default:
        break;
    }
    return copy_to_user(rlim, &r, sizeof r);
}

long sys_syslog(int type, char* buf, int len) {
    using uapi::syslog_action;
    switch (static_cast<syslog_action>(type)) {
    case syslog_action::read_all: {
        if (len < 0) {
            return -EINVAL;
        }
        if (!access_ok(buf, static_cast<size_t>(len))) {
            return -EFAULT;
        }
        return static_cast<long>(klog::read_all(buf, static_cast<size_t>(len)));
    }
    case syslog_action::clear:
        klog::clear();
        return 0;
    case syslog_action::console_level:
        if (len < 1 || len > 8) {
            return -EINVAL;
        }
        klog::set_console_level(len);
        return 0;
    case syslog_action::size_unread:
        return static_cast<long>(klog::size());
    case syslog_action::size_buffer:
        return static_cast<long>(klog::capacity());
    default:
        return -EINVAL;
    }
}

long sys_reboot(int magic1, int magic2, unsigned cmd, void* arg) {
    (void)arg;
    if (static_cast<unsigned>(magic1) != uapi::reboot_magic1 ||
        static_cast<unsigned>(magic2) != uapi::reboot_magic2) {
        return -EINVAL;
    }
    using uapi::reboot_cmd;
    switch (static_cast<reboot_cmd>(cmd)) {
    case reboot_cmd::restart:
        pr_emerg("reboot: Restarting system\n");
        board::reset();
    case reboot_cmd::halt:
        pr_emerg("reboot: System halted\n");
        board::halt();
    case reboot_cmd::power_off:
        pr_emerg("reboot: Power down\n");
        board::poweroff();
    default:
        return -EINVAL;
    }
}

long sys_gettimeofday(uapi::timeval* tv, void* tz) {
    (void)tz;
    if (!tv) {
        return 0;
    }
    uint64_t ns = ktime_get_real_ns();
    uapi::timeval t{static_cast<int32_t>(ns / 1000000000u), static_cast<int32_t>(ns / 1000u % 1000000u)};
    return copy_to_user(tv, &t, sizeof t);
}

// Linux's clock_settime for CLOCK_REALTIME only (CLOCK_MONOTONIC cannot be
// set), with CAP_SYS_TIME: the privilege bit (PF_PRIVILEGED) stands for it.
long sys_clock_settime(int which, const uapi::timespec* tp) {
    if (static_cast<uapi::clockid>(which) != uapi::clockid::realtime) {
        return -EINVAL;
    }
    if (!current || !(current->flags & PF_PRIVILEGED)) {
        return -EPERM;
    }
    uapi::timespec t;
    if (copy_from_user(&t, tp, sizeof t)) {
        return -EFAULT;
    }
    if (t.tv_sec < 0 || t.tv_nsec < 0 || t.tv_nsec >= 1000000000) {
        return -EINVAL;
    }
    set_realtime_base(static_cast<uint64_t>(t.tv_sec) * 1000000000u + static_cast<uint64_t>(t.tv_nsec));
    return 0;
}

long sys_clock_gettime(int which, uapi::timespec* tp) {
    uint64_t ns;
    switch (static_cast<uapi::clockid>(which)) {
    case uapi::clockid::realtime: ns = ktime_get_real_ns(); break;
    case uapi::clockid::monotonic: ns = ktime_get_ns(); break;
    default: return -EINVAL;
    }
    uapi::timespec t{static_cast<int32_t>(ns / 1000000000u), static_cast<int32_t>(ns % 1000000000u)};
    return copy_to_user(tp, &t, sizeof t);
}
