#include "kernel/console.h"

#include "kernel/board.h"
#include "kernel/cpu.h"
#include "kernel/sched/wait.h"
#include "kernel/syscalls.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"

namespace {

constexpr size_t rx_size = 256;  // a power of two
char rx_ring[rx_size];
volatile size_t rx_head;         // written by the interrupt
volatile size_t rx_tail;         // written by readers
size_t dropped;
wait_queue_head rx_wait;

}  // namespace

namespace console {

void receive(char c) {
    if (rx_head - rx_tail == rx_size) {
        ++dropped;
        return;
    }
    rx_ring[rx_head & (rx_size - 1)] = c;
    rx_head = rx_head + 1;
    wake_up(&rx_wait);
}

size_t rx_available() { return rx_head - rx_tail; }
size_t rx_dropped() { return dropped; }

long read(char* buf, size_t count) {
    if (count == 0) {
        return 0;
    }
    wait_event(rx_wait, [] { return rx_available() != 0; });
    cpu::irq_guard guard;
    size_t n = 0;
    while (n < count && rx_tail != rx_head) {
        buf[n++] = rx_ring[rx_tail & (rx_size - 1)];
        rx_tail = rx_tail + 1;
    }
    return static_cast<long>(n);
}

long write(const char* buf, size_t count) {
    board::console_write(buf, count);
    return static_cast<long>(count);
}

}  // namespace console

// Until the descriptor table arrives (kernel core), fds 0-2 are the console.
long sys_read(int fd, char* buf, size_t count) {
    if (fd != 0 && fd != 1 && fd != 2) {
        return -EBADF;
    }
    if (!access_ok(buf, count)) {
        return -EFAULT;
    }
    return console::read(buf, count);
}

long sys_write(int fd, const char* buf, size_t count) {
    if (fd != 0 && fd != 1 && fd != 2) {
        return -EBADF;
    }
    if (!access_ok(buf, count)) {
        return -EFAULT;
    }
    return console::write(buf, count);
}

long sys_fstat(int fd, uapi::stat* st) {
    if (fd != 0 && fd != 1 && fd != 2) {
        return -EBADF;
    }
    uapi::stat s{};
    s.st_mode = uapi::s_ifchr | 0620;
    s.st_nlink = 1;
    s.st_rdev = (5u << 8) | 1u;  // major 5, minor 1: /dev/console
    s.st_blksize = 1024;
    return copy_to_user(st, &s, sizeof s);
}

long sys_ioctl(int fd, unsigned cmd, unsigned long arg) {
    (void)arg;
    if (fd != 0 && fd != 1 && fd != 2) {
        return -EBADF;
    }
    // isatty() asks TCGETS; the console is a terminal with no settable modes.
    return cmd == uapi::tcgets ? 0 : -ENOTTY;
}
