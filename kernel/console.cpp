#include "kernel/console.h"

#include "kernel/board.h"
#include "kernel/cpu.h"
#include "kernel/fs/poll.h"
#include "kernel/sched/wait.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"

namespace {

constexpr size_t rx_size = 256;  // a power of two
char rx_ring[rx_size];
volatile size_t rx_head;         // written by the interrupt
volatile size_t rx_tail;         // written by readers
size_t dropped;
wait_queue_head rx_wait;

size_t take(char* buf, size_t count) {
    cpu::irq_guard guard;
    size_t n = 0;
    while (n < count && rx_tail != rx_head) {
        buf[n++] = rx_ring[rx_tail & (rx_size - 1)];
        rx_tail = rx_tail + 1;
    }
    return n;
}

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

long read(char* buf, size_t count, bool nonblock) {
    if (count == 0) {
        return 0;
    }
    for (;;) {
        size_t n = take(buf, count);
        if (n) {
            return static_cast<long>(n);
        }
        if (nonblock) {
            return -EAGAIN;
        }
        // Another reader may empty the ring between the wakeup and take().
        wait_event_interruptible_timeout(rx_wait, [] { return rx_available() != 0; },
                                         MAX_SCHEDULE_TIMEOUT);
    }
}

long write(const char* buf, size_t count) {
    board::console_write(buf, count);
    return static_cast<long>(count);
}

}  // namespace console

// /dev/console as a file: a terminal without line discipline (the shell
// edits its own lines), so reads return whatever bytes have arrived.
namespace {

long console_read(file* f, char* buf, size_t count, loff_t*) {
    return console::read(buf, count, nonblocking(f));
}

long console_write(file*, const char* buf, size_t count, loff_t*) { return console::write(buf, count); }

poll_t console_poll(file* f, poll_table_struct* wait) {
    poll_wait(f, &rx_wait, wait);
    poll_t mask = uapi::pollout | uapi::pollwrnorm;   // output never waits
    if (console::rx_available()) {
        mask |= uapi::pollin | uapi::pollrdnorm;
    }
    return mask;
}

long console_ioctl(file*, unsigned cmd, unsigned long arg) {
    void* uarg = reinterpret_cast<void*>(arg);
    switch (cmd) {
    case uapi::tcgets: {
        // isatty() asks this. Raw input, output with NL -> CR NL (the UART
        // driver does that), 115200 8N1: what the console really is.
        uapi::termios t{};
        t.c_oflag = uapi::tc_opost | uapi::tc_onlcr;
        t.c_cflag = uapi::tc_b115200 | uapi::tc_cs8 | uapi::tc_cread | uapi::tc_clocal;
        return copy_to_user(uarg, &t, sizeof t);
    }
    case uapi::fionread: {
        int n = static_cast<int>(console::rx_available());
        return copy_to_user(uarg, &n, sizeof n);
    }
    default:
        return -ENOTTY;
    }
}

}  // namespace

const file_operations console_fops = {
    .llseek = no_llseek,
    .read = console_read,
    .write = console_write,
    .poll = console_poll,
    .unlocked_ioctl = console_ioctl,
};
