// host-only: the test body plays the idle task with its own memory zone (fs_test_util.h).
// /proc: the registry, reading through the syscalls, and the kernel's own files.
#include <CppUTest/TestHarness.h>

#include <stdio.h>
#include <string.h>

#include <string>

#include "kernel/cmdline.h"
#include "kernel/fs/proc.h"
#include "kernel/irq.h"
#include "kernel/mm/brk.h"
#include "kernel/syscalls.h"
#include "kernel/uapi/errno.h"
#include "tests/unit/fs_test_util.h"

using namespace uapi;

namespace {
int shows;
int counter_show(seq_file* m, void* data) {
    ++shows;
    seq_printf(m, "show %d data %s\n", shows, data ? static_cast<const char*>(data) : "-");
    return 0;
}
int big_show(seq_file* m, void*) {
    for (int i = 0; i < 1000; ++i) {
        seq_puts(m, "0123456789");
    }
    return 0;
}
int failing_show(seq_file*, void*) { return -EIO; }

std::string read_all(const char* path, size_t chunk = 100) {
    long fd = sys_open(path, o_rdonly, 0);
    if (fd < 0) {
        return "open error " + std::to_string(fd);
    }
    std::string out;
    char buf[4096];
    long n;
    while ((n = sys_read(static_cast<int>(fd), buf, chunk)) > 0) {
        out.append(buf, static_cast<size_t>(n));
    }
    sys_close(static_cast<int>(fd));
    if (n < 0) {
        out += "read error " + std::to_string(n);
    }
    return out;
}

void idle_thread(void*) {}

const irq_chip chip{"pchip", [](unsigned) {}, [](unsigned) {}, [](unsigned) {}};
irqreturn handler(unsigned, void*) { return irqreturn::handled; }
int dev;
}  // namespace

TEST_GROUP(proc) {
    unsigned files_before;
    void setup() override {
        files_before = files_in_use();
        sched_init();
        fs_test::setup();
        shows = 0;
    }
    void teardown() override {
        remove_proc_entry("counter", nullptr);
        fs_test::teardown();
        LONGS_EQUAL(files_before, files_in_use());
    }
};

TEST(proc, registered_entries_read_in_chunks) {
    CHECK(proc_create("counter", counter_show) != nullptr);
    POINTERS_EQUAL(nullptr, proc_create("counter", counter_show));   // taken
    POINTERS_EQUAL(nullptr, proc_create("a/b", counter_show));       // one component
    STRCMP_EQUAL("show 1 data -\n", read_all("/proc/counter", 3).c_str());
    STRCMP_EQUAL("show 2 data -\n", read_all("/proc/counter").c_str());   // fresh each open
}

TEST(proc, one_snapshot_per_read_from_the_start) {
    proc_create("counter", counter_show);
    int fd = static_cast<int>(sys_open("/proc/counter", o_rdonly, 0));
    char buf[64] = {};
    LONGS_EQUAL(5, sys_read(fd, buf, 5));
    LONGS_EQUAL(9, sys_read(fd, buf + 5, sizeof buf - 5));   // the rest of the same text
    STRCMP_EQUAL("show 1 data -\n", buf);
    LONGS_EQUAL(0, sys_read(fd, buf, sizeof buf));
    LONGS_EQUAL(1, shows);
    LONGS_EQUAL(7, sys_lseek(fd, 7, seek_set));
    LONGS_EQUAL(7, sys_read(fd, buf, sizeof buf));
    LONGS_EQUAL(0, sys_lseek(fd, 0, seek_set));
    memset(buf, 0, sizeof buf);
    LONGS_EQUAL(14, sys_read(fd, buf, sizeof buf));           // offset 0: made again
    STRCMP_EQUAL("show 2 data -\n", buf);
    LONGS_EQUAL(-EINVAL, sys_lseek(fd, 0, seek_end));
    LONGS_EQUAL(-EINVAL, sys_lseek(fd, -20, seek_cur));
    LONGS_EQUAL(-EBADF, sys_write(fd, "x", 1));
    sys_close(fd);
}

TEST(proc, removed_entry_stays_readable_while_open) {
    proc_create("counter", counter_show);
    int fd = static_cast<int>(sys_open("/proc/counter", o_rdonly, 0));
    remove_proc_entry("counter", nullptr);
    LONGS_EQUAL(-ENOENT, sys_open("/proc/counter", o_rdonly, 0));
    char buf[64];
    CHECK(sys_read(fd, buf, sizeof buf) > 0);
    sys_close(fd);
    CHECK(proc_create("counter", counter_show) != nullptr);   // the name is free again
}

TEST(proc, directories_and_data) {
    static char tag[] = "eth0";
    proc_dir_entry* net = proc_mkdir("pnet", nullptr);
    CHECK(net != nullptr);
    CHECK(proc_create_single("dev", 0444, net, counter_show, tag) != nullptr);
    STRCMP_EQUAL("show 1 data eth0\n", read_all("/proc/pnet/dev").c_str());
    STRCMP_EQUAL("open error -2", read_all("/proc/dev").c_str());
    STRCMP_EQUAL("read error -21", read_all("/proc/pnet").c_str());   // EISDIR
    STRCMP_EQUAL("open error -2", read_all("/proc/pnet/dev/x").c_str());
    remove_proc_entry("dev", net);
    remove_proc_entry("pnet", nullptr);
}

TEST(proc, overflow_is_cut_at_the_buffer_and_errors_reach_read) {
    proc_create("big", big_show);
    LONGS_EQUAL(PROC_BUF_SIZE, read_all("/proc/big", 4096).size());
    remove_proc_entry("big", nullptr);
    proc_create("failing", failing_show);
    STRCMP_EQUAL("read error -5", read_all("/proc/failing").c_str());
    remove_proc_entry("failing", nullptr);
}

TEST(proc, version_and_cmdline) {
    std::string v = read_all("/proc/version");
    CHECK(v.rfind("mipsnet version 0.1.0 (gcc ", 0) == 0);
    CHECK(v.back() == '\n');
    cmdline::parse("loglevel=3 apps=shell");
    STRCMP_EQUAL("loglevel=3 apps=shell\n", read_all("/proc/cmdline").c_str());
}

TEST(proc, tasks_table) {
    task_struct* t = kthread_create(idle_thread, nullptr, "sleepy", 12, 8192);
    std::string s = read_all("/proc/tasks", 50);
    size_t nl = s.find('\n');
    STRCMP_EQUAL("  PID  PPID S PRIO     CPU_MS  SWITCHES  STACK   USED FDS NAME",
                 s.substr(0, nl).c_str());
    int pid, ppid, prio, fds;
    char st;
    unsigned long ms, sw, stack, used;
    char name[32];
    // The idle task (the test body: running, no stack of its own, its table)...
    CHECK(sscanf(s.c_str() + nl + 1, "%d %d %c %d %lu %lu %lu %lu %d %31s", &pid, &ppid, &st, &prio,
                 &ms, &sw, &stack, &used, &fds, name) == 10);
    LONGS_EQUAL(0, pid);
    LONGS_EQUAL('R', st);
    LONGS_EQUAL(31, prio);
    LONGS_EQUAL(1, fds);   // the /proc/tasks being read
    STRCMP_EQUAL("swapper", name);
    // ...and the new thread, not started yet.
    size_t at = s.find("sleepy");
    CHECK(at != std::string::npos);
    size_t line = s.rfind('\n', at) + 1;
    CHECK(sscanf(s.c_str() + line, "%d %d %c %d %lu %lu %lu %lu %d %31s", &pid, &ppid, &st, &prio,
                 &ms, &sw, &stack, &used, &fds, name) == 10);
    LONGS_EQUAL(t->pid, pid);
    LONGS_EQUAL('D', st);
    LONGS_EQUAL(12, prio);
    LONGS_EQUAL(8192, stack);
    CHECK(used < 1024);
    wake_up_process(t);
    schedule();
    s = read_all("/proc/tasks");
    CHECK(s.find(" Z ") != std::string::npos);   // dead, not yet reaped
}

TEST(proc, interrupts_uptime_meminfo) {
    irq_set_chip(6, &chip);
    request_irq(6, handler, 0, "pdev", &dev);
    generic_handle_irq(6);
    generic_handle_irq(6);
    char want[64];
    snprintf(want, sizeof want, "   6: %10lu    pchip  pdev\n", static_cast<unsigned long>(irq_get_stat(6).count));
    CHECK(irq_get_stat(6).count >= 2);
    std::string s = read_all("/proc/interrupts");
    CHECK(s.find(want) != std::string::npos);
    CHECK(s.find(" ERR: ") != std::string::npos);
    free_irq(6, &dev);

    // A shared line lists its handlers comma-separated, as Linux.
    static int dev2;
    LONGS_EQUAL(0, request_irq(7, handler, IRQF_SHARED, "eth0", &dev));
    LONGS_EQUAL(0, request_irq(7, handler, IRQF_SHARED, "eth1", &dev2));
    s = read_all("/proc/interrupts");
    CHECK(s.find("  eth0, eth1\n") != std::string::npos);
    // A line nobody claims is cut off after 99,900 of 100,000 and marked.
    auto nobody = [](unsigned, void*) { return irqreturn::none; };
    LONGS_EQUAL(0, request_irq(8, nobody, 0, "stuck", &dev));
    for (int i = 0; i < 100000; ++i) {
        generic_handle_irq(8);
    }
    s = read_all("/proc/interrupts");
    CHECK(s.find("  stuck  (disabled: nobody cared)\n") != std::string::npos);
    free_irq(8, &dev);
    free_irq(7, &dev);
    free_irq(7, &dev2);

    unsigned long up_s, up_cs, idle_s, idle_cs;
    CHECK(sscanf(read_all("/proc/uptime").c_str(), "%lu.%2lu %lu.%2lu", &up_s, &up_cs, &idle_s,
                 &idle_cs) == 4);

    mm::set_ram_total(64u << 20);
    static char heap[40960];
    uintptr_t lo = reinterpret_cast<uintptr_t>(heap);
    mm::brk_init(lo, lo + sizeof heap);
    sys_brk(lo + 8192);
    s = read_all("/proc/meminfo");
    CHECK(s.find("MemTotal:          65536 kB\n") != std::string::npos);
    CHECK(s.find("MemFree:              32 kB\n") != std::string::npos);
    CHECK(s.find("AppHeap:               8 kB\n") != std::string::npos);
}
