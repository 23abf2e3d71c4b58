// epoll, eventfd and timerfd as apps see them through libc (sys/epoll.h,
// sys/eventfd.h, sys/timerfd.h, libc/eventpoll.cpp): the o32 layout, the
// flag translation, errno in newlib's numbering, a timerfd on the real
// clock waking a blocked epoll_wait, and a UDP socket over lo.
#include <CppUTest/TestHarness.h>

#include "kernel/sched/task.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static_assert(sizeof(struct epoll_event) == 16 && offsetof(struct epoll_event, data) == 8,
              "o32 struct epoll_event: not packed, data 8-aligned");

TEST_GROUP(epoll_libc) {
    void setup() override { errno = 0; }
};

TEST(epoll_libc, pipe_level_and_edge) {
    int p[2];
    LONGS_EQUAL(0, pipe(p));
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK(ep >= 0);
    LONGS_EQUAL(FD_CLOEXEC, fcntl(ep, F_GETFD));
    struct epoll_event e = {};
    e.events = EPOLLIN | EPOLLET;
    e.data.u64 = 0x1122334455667788ull;
    LONGS_EQUAL(0, epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e));
    LONGS_EQUAL(-1, epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e));
    LONGS_EQUAL(EEXIST, errno);
    struct epoll_event out[4];
    LONGS_EQUAL(0, epoll_wait(ep, out, 4, 0));
    LONGS_EQUAL(1, write(p[1], "x", 1));
    LONGS_EQUAL(1, epoll_wait(ep, out, 4, 10));
    LONGS_EQUAL(EPOLLIN, out[0].events);
    UNSIGNED_LONGLONGS_EQUAL(0x1122334455667788ull, out[0].data.u64);
    LONGS_EQUAL(0, epoll_wait(ep, out, 4, 10));   // edge-triggered, times out
    LONGS_EQUAL(-1, epoll_wait(ep, out, 0, 0));
    LONGS_EQUAL(EINVAL, errno);
    LONGS_EQUAL(0, epoll_ctl(ep, EPOLL_CTL_DEL, p[0], nullptr));
    LONGS_EQUAL(-1, epoll_ctl(ep, EPOLL_CTL_DEL, p[0], nullptr));
    LONGS_EQUAL(ENOENT, errno);
    close(p[0]);
    close(p[1]);
    close(ep);
}

TEST(epoll_libc, eventfd_semaphore_and_nonblock) {
    int efd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    CHECK(efd >= 0);
    eventfd_t v = 0;
    LONGS_EQUAL(0, eventfd_read(efd, &v));
    UNSIGNED_LONGLONGS_EQUAL(1, v);
    LONGS_EQUAL(0, eventfd_read(efd, &v));
    LONGS_EQUAL(-1, eventfd_read(efd, &v));
    LONGS_EQUAL(EAGAIN, errno);
    LONGS_EQUAL(0, eventfd_write(efd, 5));
    int ep = epoll_create(1);
    struct epoll_event e = {};
    e.events = EPOLLIN;
    e.data.fd = efd;
    LONGS_EQUAL(0, epoll_ctl(ep, EPOLL_CTL_ADD, efd, &e));
    struct epoll_event out;
    LONGS_EQUAL(1, epoll_pwait(ep, &out, 1, 0, nullptr));
    LONGS_EQUAL(efd, out.data.fd);
    close(efd);   // the item goes with the file
    LONGS_EQUAL(0, epoll_wait(ep, &out, 1, 0));
    close(ep);
}

TEST(epoll_libc, timerfd_wakes_a_blocked_epoll_wait) {
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    CHECK(tfd >= 0);
    int ep = epoll_create1(0);
    struct epoll_event e = {};
    e.events = EPOLLIN;
    LONGS_EQUAL(0, epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &e));
    struct itimerspec its = {};
    its.it_value.tv_nsec = 20000000;      // 20 ms, then every 10 ms
    its.it_interval.tv_nsec = 10000000;
    LONGS_EQUAL(0, timerfd_settime(tfd, 0, &its, nullptr));
    struct itimerspec cur = {};
    LONGS_EQUAL(0, timerfd_gettime(tfd, &cur));
    LONGS_EQUAL(10000000, cur.it_interval.tv_nsec);
    struct epoll_event out;
    LONGS_EQUAL(1, epoll_wait(ep, &out, 1, -1));
    uint64_t n = 0;
    LONGS_EQUAL(8, read(tfd, &n, sizeof n));
    CHECK(n >= 1);
    its = {};
    LONGS_EQUAL(0, timerfd_settime(tfd, 0, &its, nullptr));   // disarmed
    LONGS_EQUAL(-1, read(tfd, &n, sizeof n));
    LONGS_EQUAL(EAGAIN, errno);
    LONGS_EQUAL(-1, timerfd_create(static_cast<clockid_t>(99), 0));
    LONGS_EQUAL(EINVAL, errno);
    close(tfd);
    close(ep);
}

TEST(epoll_libc, udp_socket_over_lo) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(s >= 0);
    struct sockaddr_in a = {};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    LONGS_EQUAL(0, bind(s, reinterpret_cast<struct sockaddr*>(&a), sizeof a));
    socklen_t len = sizeof a;
    LONGS_EQUAL(0, getsockname(s, reinterpret_cast<struct sockaddr*>(&a), &len));
    int ep = epoll_create1(0);
    struct epoll_event e = {};
    e.events = EPOLLIN;
    e.data.fd = s;
    LONGS_EQUAL(0, epoll_ctl(ep, EPOLL_CTL_ADD, s, &e));
    struct epoll_event out;
    LONGS_EQUAL(0, epoll_wait(ep, &out, 1, 0));
    LONGS_EQUAL(4, sendto(s, "ping", 4, 0, reinterpret_cast<struct sockaddr*>(&a), sizeof a));
    LONGS_EQUAL(1, epoll_wait(ep, &out, 1, 1000));
    LONGS_EQUAL(s, out.data.fd);
    CHECK(out.events & EPOLLIN);
    char buf[8];
    LONGS_EQUAL(4, recv(s, buf, sizeof buf, 0));
    LONGS_EQUAL(0, epoll_wait(ep, &out, 1, 0));
    close(s);
    close(ep);
}

// The shape of an event-driven server over TCP on lo: the listener and the
// accepted socket edge-triggered in one set, data, then the peer's FIN as
// EPOLLRDHUP.
TEST(epoll_libc, tcp_server_loop_over_lo) {
    int lst = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int cli = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK(lst >= 0 && cli >= 0);
    struct sockaddr_in at = {};
    at.sin_family = AF_INET;
    at.sin_port = htons(8009);
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    LONGS_EQUAL(0, bind(lst, reinterpret_cast<struct sockaddr*>(&at), sizeof at));
    LONGS_EQUAL(0, listen(lst, 4));
    int ep = epoll_create1(0);
    struct epoll_event e = {};
    e.events = EPOLLIN | EPOLLET;
    e.data.fd = lst;
    LONGS_EQUAL(0, epoll_ctl(ep, EPOLL_CTL_ADD, lst, &e));
    int rc = connect(cli, reinterpret_cast<struct sockaddr*>(&at), sizeof at);
    CHECK(rc == 0 || (rc == -1 && errno == EINPROGRESS));
    struct epoll_event out[4];
    LONGS_EQUAL(1, epoll_wait(ep, out, 4, 2000));
    LONGS_EQUAL(lst, out[0].data.fd);
    int srv = accept4(lst, nullptr, nullptr, SOCK_NONBLOCK);
    CHECK(srv >= 0);
    e.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
    e.data.fd = srv;
    LONGS_EQUAL(0, epoll_ctl(ep, EPOLL_CTL_ADD, srv, &e));
    LONGS_EQUAL(0, epoll_wait(ep, out, 4, 0));
    e.events = EPOLLOUT;
    e.data.fd = cli;
    LONGS_EQUAL(0, epoll_ctl(ep, EPOLL_CTL_ADD, cli, &e));
    LONGS_EQUAL(1, epoll_wait(ep, out, 4, 2000));   // connected: writable
    LONGS_EQUAL(cli, out[0].data.fd);
    LONGS_EQUAL(0, epoll_ctl(ep, EPOLL_CTL_DEL, cli, nullptr));
    LONGS_EQUAL(5, send(cli, "hello", 5, 0));
    LONGS_EQUAL(1, epoll_wait(ep, out, 4, 2000));
    LONGS_EQUAL(srv, out[0].data.fd);
    LONGS_EQUAL(EPOLLIN, out[0].events);
    char buf[16];
    LONGS_EQUAL(5, recv(srv, buf, sizeof buf, 0));
    LONGS_EQUAL(0, shutdown(cli, SHUT_WR));
    LONGS_EQUAL(1, epoll_wait(ep, out, 4, 2000));
    LONGS_EQUAL(srv, out[0].data.fd);
    CHECK(out[0].events & EPOLLRDHUP);
    LONGS_EQUAL(0, recv(srv, buf, sizeof buf, 0));
    close(srv);
    close(cli);
    close(lst);
    close(ep);
}
