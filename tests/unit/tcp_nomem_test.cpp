// host-only: TCP when no sk_buff can be had for a SYN or SYN-ACK
// (skb_fail_allocations). Nothing may be left waiting for a timer that was
// never armed: a child without its SYN-ACK is dropped, as its SYN was, and
// a connect() without its SYN fails and leaves the socket to try again, a
// blocking writer naps between tries instead of spinning. (The FIN's case
// is in tcp_orphan_test.cpp.)
#include <CppUTest/TestHarness.h>

#include "kernel/jiffies.h"
#include "net/core/skb_fault.h"
#include "tests/unit/tcp_test_util.h"

using namespace tcp_test;

TEST_GROUP(tcp_nomem) {
    socket_test::env e;
    net_device* eth = nullptr;
    void setup() override {
        e.setup();
        eth = e.ip.eth;
        e.ip.know(peer_ip, ipv4_test::peer_mac);
    }
    void teardown() override {
        e.teardown();
        check_tcp_accounting_is_back();
    }
};

TEST(tcp_nomem, a_child_without_its_syn_ack_is_dropped_and_the_syn_again_is_answered) {
    int lfd = listener(80);
    unsigned long drops = tcp_ext_mib_get(LINUX_MIB_LISTENDROPS);
    peer p{eth};
    skb_fail_allocations(1, 1);   // the SYN's own frame comes first, then the SYN-ACK
    p.send(S, {}, cat({opt_mss(1460)}));
    CHECK_TRUE(sent(eth).empty());
    LONGS_EQUAL(drops + 1, tcp_ext_mib_get(LINUX_MIB_LISTENDROPS));
    LONGS_EQUAL(1, tcp_sockets_allocated);   // the listener alone
    LONGS_EQUAL(1, tcp_hash_count());
    peer again{eth};   // the client's retransmit: same port, same ISN
    int fd = passive_open(eth, lfd, &again);
    CHECK_TRUE(fd >= 0);
    sys_close(fd);
    sys_close(lfd);
}

TEST(tcp_nomem, connect_without_its_syn_fails_and_may_be_tried_again) {
    int fd = tcp_socket();
    sockaddr_in to = sin_at(peer_ip, 5001);
    skb_fail_allocations(0, 1);
    LONGS_EQUAL(-ENOBUFS, sys_connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to));
    CHECK_TRUE(sent(eth).empty());
    LONGS_EQUAL(0, tcp_hash_count());
    LONGS_EQUAL(-EINPROGRESS, sys_connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to));
    out_seg syn = expect_one(eth);
    LONGS_EQUAL(S, syn.flags);
    LONGS_EQUAL(5001, syn.dport);
    sys_close(fd);
    CHECK_TRUE(sent(eth).empty());
}

namespace {

struct blocked_write {
    int fd;
    long result = 1;
    bytes data = ipv4_test::pattern(100);
};

void write_thread(void* p) {
    auto* w = static_cast<blocked_write*>(p);
    w->result = sys_write(w->fd, reinterpret_cast<const char*>(w->data.data()), w->data.size());
}

}  // namespace

// The allocator, not the send buffer, said no: a blocking writer naps and
// tries again (Linux's vm_wait) instead of spinning on the allocator.
TEST(tcp_nomem, a_blocking_writer_refused_memory_naps_and_retries) {
    int lfd = listener(80);
    peer p{eth};
    int fd = passive_open(eth, lfd, &p);
    LONGS_EQUAL(0, sys_fcntl(fd, uapi::f_setfl, 0));   // blocking
    unsigned long failures = skb_stats().alloc_failures;
    skb_fail_allocations(0, 100000);
    blocked_write w;
    w.fd = fd;
    task_struct* t = socket_test::start_thread(write_thread, &w);
    LONGS_EQUAL(1, w.result);   // asleep, not spinning
    LONGS_EQUAL(failures + 1, skb_stats().alloc_failures);
    for (unsigned ms = 0; ms < 1000; ms += 10) {
        ipv4_test::advance_ms(10);
        schedule();   // the writer runs when its nap is over
    }
    LONGS_EQUAL(1, w.result);
    // Each nap 2 to HZ/5 + 1 jiffies.
    unsigned long tries = skb_stats().alloc_failures - failures, second = msecs_to_jiffies(1000);
    CHECK_TRUE(tries >= second / (HZ / 5 + 1) && tries <= second / 2 + 1);
    skb_fail_allocations(0, 0);   // memory again
    ipv4_test::advance_ms(300);
    schedule();
    LONGS_EQUAL(100, w.result);
    out_seg s = expect_one(eth);
    LONGS_EQUAL(100, s.data.size());
    socket_test::reap(t);
    sys_close(fd);
    sys_close(lfd);
}
