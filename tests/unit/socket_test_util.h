// host-only helpers for the socket tests: the IPv4 world of ipv4_test_util
// (net core, IPv4, a fake eth0 10.0.2.15/24 whose frames are kept), the
// socket layer with PF_INET and PF_PACKET registered, and the test body
// as an app: a descriptor table, all of the host's memory above 64 KiB as
// "user" memory, and the privilege bit as asked.
#pragma once
#include <string.h>

#include <string>
#include <vector>

#include "kernel/fs/fdtable.h"
#include "kernel/syscalls.h"
#include "kernel/uapi/fcntl.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/task.h"
#include "kernel/uaccess.h"
#include "net/core/sock.h"
#include "net/ipv4/af_inet.h"
#include "net/ipv4/inet_sock.h"
#include "net/ipv4/igmp.h"
#include "net/ipv4/tcp.h"
#include "net/ipv4/udp.h"
#include "net/packet/af_packet.h"
#include "net/socket.h"
#include "tests/unit/ipv4_test_util.h"

namespace socket_test {

using ipv4_test::bytes;

inline void set_privileged(bool on) {
    if (on) {
        current->flags |= PF_PRIVILEGED;
    } else {
        current->flags &= ~PF_PRIVILEGED;
    }
}

struct env {
    ipv4_test::env ip;
    uaccess_range saved_range{};
    unsigned files_before = 0;

    void setup(bool privileged = true) {
        ip.setup();
        saved_range = uaccess_get_range();
        uaccess_set_range(0x10000, UINTPTR_MAX);
        current->files = files_alloc();
        files_before = files_in_use();
        sock_init();
        LONGS_EQUAL(0, inet_family_init());
        raw_init();
        udp_init();
        tcp_v4_init();
        tcp_init();
        igmp_init();
        LONGS_EQUAL(0, packet_init());
        set_privileged(privileged);
    }
    void teardown() {
        exit_files(current);
        inet_twsk_purge();   // TIME_WAIT and other orphans
        set_privileged(false);
        do_softirq();
        LONGS_EQUAL(0, sockets_in_use());
        LONGS_EQUAL(0, socks_allocated());
        igmp_exit();
        udp_exit();
        raw_exit();
        uaccess_set_range(saved_range.lo, saved_range.hi);
        ip.teardown();
    }
};

// Runs the receive softirq for a frame put on the backlog from process context.
inline void settle() { do_softirq(); }

inline long open_socket(int family, int type, int protocol) { return sys_socket(family, type, protocol); }

// A packet socket bound to dev (0: any) and protocol (host order).
inline int packet_socket(int type, uint16_t protocol, int ifindex = 0) {
    long fd = sys_socket(AF_PACKET, type, htons(protocol));
    CHECK_TRUE(fd >= 0);
    if (ifindex) {
        sockaddr_ll sll{};
        sll.sll_family = AF_PACKET;
        sll.sll_protocol = htons(protocol);
        sll.sll_ifindex = ifindex;
        LONGS_EQUAL(0, sys_bind(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&sll), sizeof sll));
    }
    return static_cast<int>(fd);
}

struct received {
    long n = 0;
    bytes data;
    sockaddr_ll from{};
    int fromlen = 0;
};

inline received recv_ll(int fd, size_t size = 2048, unsigned flags = MSG_DONTWAIT) {
    received r;
    r.data.resize(size);
    r.fromlen = sizeof r.from;
    r.n = sys_recvfrom(fd, r.data.data(), size, flags, reinterpret_cast<sockaddr*>(&r.from), &r.fromlen);
    if (r.n >= 0 && static_cast<size_t>(r.n) <= size) {
        r.data.resize(static_cast<size_t>(r.n));
    }
    return r;
}

inline tpacket_stats packet_stats(int fd) {
    tpacket_stats st{};
    int len = sizeof st;
    LONGS_EQUAL(0, sys_getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len));
    LONGS_EQUAL(sizeof st, len);
    return st;
}

inline int getint(int fd, int level, int opt) {
    int v = -12345;
    int len = sizeof v;
    LONGS_EQUAL(0, sys_getsockopt(fd, level, opt, &v, &len));
    return v;
}

inline sockaddr_in sin_of(__be32 addr) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = addr;
    return sin;
}

// A /proc file's whole text, read through the syscalls.
inline std::string read_proc(const char* path) {
    long fd = sys_open(path, uapi::o_rdonly, 0);
    CHECK_TRUE(fd >= 0);
    std::string out;
    char buf[512];
    long n;
    while ((n = sys_read(static_cast<int>(fd), buf, sizeof buf)) > 0) {
        out.append(buf, static_cast<size_t>(n));
    }
    sys_close(static_cast<int>(fd));
    return out;
}

// A thread sharing the test's file table, run until it first blocks; a
// system call that would block the test itself runs in one.
inline task_struct* start_thread(void (*fn)(void*), void* arg) {
    task_struct* t = kthread_create(fn, arg, "sock-test", 10);
    t->files = get_files_struct(current->files);
    t->flags |= current->flags & PF_PRIVILEGED;
    wake_up_process(t);
    schedule();   // it runs until it blocks
    return t;
}

inline void reap(task_struct* t) {
    exit_files(t);
    release_task(t);
}

}  // namespace socket_test
