// The socket ABI as apps see it through libc (libc/include/sys/socket.h and
// friends, libc/socket.cpp, inet.cpp, if.cpp): structure layouts and values
// of Linux MIPS o32, the address text functions, and sockets used through
// the syscall instruction (errno in newlib's numbering, struct timeval
// converted, a ping over lo). Only libc's headers here, never the kernel's
// socket headers: their names clash by design.
#include <CppUTest/TestHarness.h>

#include "kernel/sched/task.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <net/route.h>
#include <netinet/if_ether.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/udp.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

extern "C" long syscall(long nr, ...);

// Layouts of o32 (sizes and offsets as MIPS glibc has them).
static_assert(sizeof(struct sockaddr) == 16);
static_assert(sizeof(struct sockaddr_in) == 16 && offsetof(struct sockaddr_in, sin_addr) == 4);
static_assert(sizeof(struct sockaddr_storage) == 128);
static_assert(sizeof(struct sockaddr_ll) == 20 && offsetof(struct sockaddr_ll, sll_ifindex) == 4 &&
              offsetof(struct sockaddr_ll, sll_pkttype) == 10 && offsetof(struct sockaddr_ll, sll_addr) == 12);
static_assert(sizeof(struct sockaddr_pkt) == 18 && offsetof(struct sockaddr_pkt, spkt_protocol) == 16);
static_assert(sizeof(struct msghdr) == 28 && offsetof(struct msghdr, msg_iov) == 8 &&
              offsetof(struct msghdr, msg_flags) == 24);
static_assert(sizeof(struct mmsghdr) == 32);
static_assert(sizeof(struct ifreq) == 32 && offsetof(struct ifreq, ifr_ifru) == 16);
static_assert(sizeof(struct ifconf) == 8);
static_assert(sizeof(struct packet_mreq) == 16 && sizeof(struct tpacket_stats) == 8);
static_assert(sizeof(struct rtentry) == 84 && offsetof(struct rtentry, rt_flags) == 52 &&
              offsetof(struct rtentry, rt_metric) == 64 && offsetof(struct rtentry, rt_dev) == 68);
static_assert(sizeof(struct arpreq) == 68 && offsetof(struct arpreq, arp_dev) == 52);
static_assert(sizeof(struct ether_arp) == 28 && sizeof(struct ether_header) == 14);
static_assert(sizeof(struct iphdr) == 20 && sizeof(struct icmphdr) == 8);
static_assert(sizeof(struct sock_extended_err) == 16 && offsetof(struct sock_extended_err, ee_info) == 8);
// Values that differ on MIPS, and some that do not.
static_assert(SOCK_DGRAM == 1 && SOCK_STREAM == 2 && SOCK_RAW == 3 && SOCK_PACKET == 10);
static_assert(SOCK_NONBLOCK == 0x80 && SOCK_CLOEXEC == 0x80000);
static_assert(SOL_SOCKET == 0xffff && SO_RCVBUF == 0x1002 && SO_RCVTIMEO == 0x1006 && SO_ERROR == 0x1007 &&
              SO_TYPE == 0x1008 && SO_BROADCAST == 0x20 && SO_REUSEADDR == 4 && SO_PROTOCOL == 0x1028);
static_assert(AF_INET == 2 && AF_PACKET == 17 && SOL_PACKET == 263 && SOL_RAW == 255);
static_assert(SOL_UDP == 17 && UDP_CORK == 1 && sizeof(struct udphdr) == 8 && offsetof(struct udphdr, check) == 6);
static_assert(MSG_PEEK == 2 && MSG_TRUNC == 0x20 && MSG_DONTWAIT == 0x40 && MSG_WAITALL == 0x100);
static_assert(SIOCINQ == 0x467f && SIOCOUTQ == 0x7472 && SIOCGIFINDEX == 0x8933 && SIOCGIFHWADDR == 0x8927);

TEST_GROUP(inet_text) {};

TEST(inet_text, pton_is_strict_dotted_decimal) {
    struct in_addr a;
    LONGS_EQUAL(1, inet_pton(AF_INET, "10.0.2.15", &a));
    LONGS_EQUAL(htonl(0x0a00020f), a.s_addr);
    for (const char* bad : {"10.0.2", "10.0.2.256", "10.0.2.015", "1.2.3.4 ", " 1.2.3.4", "1..2.3", "0x1.2.3.4", ""}) {
        LONGS_EQUAL(0, inet_pton(AF_INET, bad, &a));
    }
    LONGS_EQUAL(-1, inet_pton(AF_INET6, "::1", &a));
    LONGS_EQUAL(EAFNOSUPPORT, errno);
}

TEST(inet_text, aton_takes_the_bsd_forms) {
    struct in_addr a;
    LONGS_EQUAL(1, inet_aton("127.1", &a));
    LONGS_EQUAL(htonl(0x7f000001), a.s_addr);
    LONGS_EQUAL(1, inet_aton("0x7f.0.0.01", &a));
    LONGS_EQUAL(htonl(0x7f000001), a.s_addr);
    LONGS_EQUAL(1, inet_aton("3232235777", &a));   // 192.168.1.1 as one number
    LONGS_EQUAL(htonl(0xc0a80101), a.s_addr);
    LONGS_EQUAL(0, inet_aton("1.2.3.4.5", &a));
    LONGS_EQUAL(0, inet_aton("256.1", &a));
    LONGS_EQUAL(INADDR_NONE, inet_addr("nope"));
    LONGS_EQUAL(htonl(0x0a000202), inet_addr("10.0.2.2"));
}

TEST(inet_text, ntop_and_ntoa) {
    struct in_addr a = {htonl(0xc0a80001)};
    char buf[INET_ADDRSTRLEN];
    STRCMP_EQUAL("192.168.0.1", inet_ntop(AF_INET, &a, buf, sizeof buf));
    STRCMP_EQUAL("192.168.0.1", inet_ntoa(a));
    POINTERS_EQUAL(nullptr, inet_ntop(AF_INET, &a, buf, 11));
    LONGS_EQUAL(ENOSPC, errno);
}

TEST_GROUP(socket_libc) {
    unsigned saved_flags = 0;
    void setup() override {
        saved_flags = current->flags;
        errno = 0;
    }
    void teardown() override { current->flags = saved_flags; }
    void privileged(bool on) {
        current->flags = on ? current->flags | PF_PRIVILEGED : current->flags & ~PF_PRIVILEGED;
    }
};

TEST(socket_libc, errors_arrive_in_newlibs_numbers) {
    privileged(false);
    LONGS_EQUAL(-1, socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
    LONGS_EQUAL(EPERM, errno);
    LONGS_EQUAL(-1, socket(AF_INET6, SOCK_DGRAM, 0));
    LONGS_EQUAL(EAFNOSUPPORT, errno);
    LONGS_EQUAL(-1, socket(AF_INET, SOCK_RAW, 0));
    LONGS_EQUAL(EPROTONOSUPPORT, errno);
    LONGS_EQUAL(-1, socket(AF_INET, SOCK_SEQPACKET, 0));
    LONGS_EQUAL(ESOCKTNOSUPPORT, errno);
    LONGS_EQUAL(-1, bind(0, nullptr, 0));
    LONGS_EQUAL(ENOTSOCK, errno);
    // The same through the single door: socketcall(SYS_SOCKET, args).
    unsigned long args[3] = {AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)};
    LONGS_EQUAL(-1, syscall(4102, 1, args));
    LONGS_EQUAL(EPERM, errno);
}

TEST(socket_libc, timeouts_and_errors_are_translated_for_newlib) {
    privileged(true);
    int fd = socket(AF_PACKET, SOCK_DGRAM, 0);
    CHECK(fd >= 0);
    struct timeval tv = {3, 250000}, out = {};
    LONGS_EQUAL(0, setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    socklen_t len = sizeof out;
    LONGS_EQUAL(0, getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &out, &len));
    LONGS_EQUAL(sizeof(struct timeval), len);
    LONGS_EQUAL(3, out.tv_sec);
    LONGS_EQUAL(250000, out.tv_usec);
    int err = -1;
    len = sizeof err;
    LONGS_EQUAL(0, getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len));
    LONGS_EQUAL(0, err);
    // A short timeout: the wait ends in EAGAIN after it.
    tv = {0, 50000};
    LONGS_EQUAL(0, setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    char buf[16];
    LONGS_EQUAL(-1, recv(fd, buf, sizeof buf, 0));
    LONGS_EQUAL(EAGAIN, errno);
    close(fd);
}

TEST(socket_libc, interface_names_and_indexes) {
    privileged(true);
    LONGS_EQUAL(1, if_nametoindex("lo"));
    char name[IF_NAMESIZE];
    STRCMP_EQUAL("lo", if_indextoname(1, name));
    LONGS_EQUAL(0, if_nametoindex("nosuch9"));
    LONGS_EQUAL(ENODEV, errno);
    POINTERS_EQUAL(nullptr, if_indextoname(99, name));
    LONGS_EQUAL(ENXIO, errno);
    struct if_nameindex* list = if_nameindex();
    CHECK(list != nullptr);
    LONGS_EQUAL(1, list[0].if_index);
    STRCMP_EQUAL("lo", list[0].if_name);
    if_freenameindex(list);
    privileged(false);   // a UDP socket asks, which anyone may open
    LONGS_EQUAL(1, if_nametoindex("lo"));
}

TEST(socket_libc, a_ping_over_loopback_through_libc) {
    privileged(true);
    int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ICMP);
    CHECK(fd >= 0);
    struct icmp_filter filt = {~(1u << ICMP_ECHOREPLY)};
    LONGS_EQUAL(0, setsockopt(fd, SOL_RAW, ICMP_FILTER, &filt, sizeof filt));
    unsigned char req[16] = {ICMP_ECHO, 0, 0, 0, 0x12, 0x34, 0, 1, 'm', 'i', 'p', 's', 'n', 'e', 't', '!'};
    unsigned sum = 0;
    for (size_t i = 0; i < sizeof req; i += 2) {
        sum += static_cast<unsigned>(req[i] | (req[i + 1] << 8));
    }
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    uint16_t csum = static_cast<uint16_t>(~sum);
    memcpy(req + 2, &csum, 2);
    struct sockaddr_in to = {};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    LONGS_EQUAL(sizeof req, sendto(fd, req, sizeof req, 0, reinterpret_cast<struct sockaddr*>(&to), sizeof to));
    struct pollfd pfd = {fd, POLLIN, 0};
    LONGS_EQUAL(1, poll(&pfd, 1, 1000));
    unsigned char reply[64];
    struct sockaddr_in from = {};
    socklen_t fromlen = sizeof from;
    ssize_t n = recvfrom(fd, reply, sizeof reply, 0, reinterpret_cast<struct sockaddr*>(&from), &fromlen);
    LONGS_EQUAL(20 + 16, n);
    LONGS_EQUAL(sizeof from, fromlen);
    LONGS_EQUAL(htonl(INADDR_LOOPBACK), from.sin_addr.s_addr);
    LONGS_EQUAL(ICMP_ECHOREPLY, reply[20]);
    MEMCMP_EQUAL(req + 4, reply + 24, 12);   // id, sequence and data echoed
    LONGS_EQUAL(-1, recv(fd, reply, sizeof reply, 0));
    LONGS_EQUAL(EAGAIN, errno);
    close(fd);
}

TEST(socket_libc, udp_over_loopback_through_libc) {
    privileged(false);
    int server = socket(AF_INET, SOCK_DGRAM, 0);
    int client = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    CHECK(server >= 0 && client >= 0);
    struct sockaddr_in at = {};
    at.sin_family = AF_INET;
    at.sin_port = htons(80);
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    LONGS_EQUAL(-1, bind(server, reinterpret_cast<struct sockaddr*>(&at), sizeof at));
    LONGS_EQUAL(EACCES, errno);   // below 1024 without privilege
    at.sin_port = htons(8007);
    LONGS_EQUAL(0, bind(server, reinterpret_cast<struct sockaddr*>(&at), sizeof at));
    LONGS_EQUAL(-1, bind(client, reinterpret_cast<struct sockaddr*>(&at), sizeof at));
    LONGS_EQUAL(EADDRINUSE, errno);
    LONGS_EQUAL(0, connect(client, reinterpret_cast<struct sockaddr*>(&at), sizeof at));
    LONGS_EQUAL(7, send(client, "mipsnet", 7, 0));
    char buf[16];
    struct sockaddr_in from = {};
    socklen_t fromlen = sizeof from;
    // recvmsg with IP_PKTINFO: where it was sent, as a control message.
    int one = 1;
    LONGS_EQUAL(0, setsockopt(server, IPPROTO_IP, IP_PKTINFO, &one, sizeof one));
    struct iovec iov = {buf, sizeof buf};
    unsigned char control[CMSG_SPACE(sizeof(struct in_pktinfo))];
    struct msghdr mh = {};
    mh.msg_name = &from;
    mh.msg_namelen = sizeof from;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control;
    mh.msg_controllen = sizeof control;
    LONGS_EQUAL(7, recvmsg(server, &mh, 0));
    MEMCMP_EQUAL("mipsnet", buf, 7);
    fromlen = mh.msg_namelen;
    struct cmsghdr* cm = CMSG_FIRSTHDR(&mh);
    CHECK(cm != nullptr);
    LONGS_EQUAL(IPPROTO_IP, cm->cmsg_level);
    LONGS_EQUAL(IP_PKTINFO, cm->cmsg_type);
    struct in_pktinfo info;
    memcpy(&info, CMSG_DATA(cm), sizeof info);
    LONGS_EQUAL(1, info.ipi_ifindex);
    LONGS_EQUAL(htonl(INADDR_LOOPBACK), info.ipi_addr.s_addr);
    CHECK(CMSG_NXTHDR(&mh, cm) == nullptr);
    struct sockaddr_in me = {};
    socklen_t melen = sizeof me;
    LONGS_EQUAL(0, getsockname(client, reinterpret_cast<struct sockaddr*>(&me), &melen));
    LONGS_EQUAL(me.sin_port, from.sin_port);
    LONGS_EQUAL(3, sendto(server, "ack", 3, 0, reinterpret_cast<struct sockaddr*>(&from), fromlen));
    struct pollfd pfd = {client, POLLIN, 0};
    LONGS_EQUAL(1, poll(&pfd, 1, 1000));
    LONGS_EQUAL(3, recv(client, buf, sizeof buf, 0));
    MEMCMP_EQUAL("ack", buf, 3);
    close(client);
    // Nobody on the port now: the server's reply is refused by ICMP.
    LONGS_EQUAL(0, connect(server, reinterpret_cast<struct sockaddr*>(&from), fromlen));
    LONGS_EQUAL(3, send(server, "ack", 3, 0));
    struct pollfd spfd = {server, POLLIN, 0};
    poll(&spfd, 1, 1000);
    LONGS_EQUAL(-1, recv(server, buf, sizeof buf, MSG_DONTWAIT));
    LONGS_EQUAL(ECONNREFUSED, errno);
    close(server);
}

// IP_RECVERR over lo: the port unreachable for a datagram sent to a closed
// port is read back with MSG_ERRQUEUE, its errno in newlib's numbering and
// the reporter in SO_EE_OFFENDER.
TEST(socket_libc, udp_error_queue_through_libc) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(fd >= 0);
    int one = 1;
    LONGS_EQUAL(0, setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof one));
    struct sockaddr_in to = {};
    to.sin_family = AF_INET;
    to.sin_port = htons(9);   // nobody there
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    LONGS_EQUAL(4, sendto(fd, "ping", 4, 0, reinterpret_cast<struct sockaddr*>(&to), sizeof to));
    struct pollfd pfd = {fd, 0, 0};   // POLLERR is always reported
    LONGS_EQUAL(1, poll(&pfd, 1, 1000));
    CHECK(pfd.revents & POLLERR);
    char buf[16];
    struct iovec iov = {buf, sizeof buf};
    unsigned char control[CMSG_SPACE(sizeof(struct sock_extended_err) + sizeof(struct sockaddr_in))];
    struct sockaddr_in dest = {};
    struct msghdr mh = {};
    mh.msg_name = &dest;
    mh.msg_namelen = sizeof dest;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control;
    mh.msg_controllen = sizeof control;
    LONGS_EQUAL(4, recvmsg(fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT));
    MEMCMP_EQUAL("ping", buf, 4);
    CHECK(mh.msg_flags & MSG_ERRQUEUE);
    LONGS_EQUAL(htons(9), dest.sin_port);
    struct cmsghdr* cm = CMSG_FIRSTHDR(&mh);
    CHECK(cm != nullptr);
    LONGS_EQUAL(IPPROTO_IP, cm->cmsg_level);
    LONGS_EQUAL(IP_RECVERR, cm->cmsg_type);
    struct sock_extended_err ee;
    memcpy(&ee, CMSG_DATA(cm), sizeof ee);
    LONGS_EQUAL(ECONNREFUSED, ee.ee_errno);
    LONGS_EQUAL(SO_EE_ORIGIN_ICMP, ee.ee_origin);
    LONGS_EQUAL(ICMP_DEST_UNREACH, ee.ee_type);
    LONGS_EQUAL(ICMP_PORT_UNREACH, ee.ee_code);
    struct sockaddr_in offender;
    memcpy(&offender, CMSG_DATA(cm) + sizeof ee, sizeof offender);
    LONGS_EQUAL(AF_INET, offender.sin_family);
    LONGS_EQUAL(htonl(INADDR_LOOPBACK), offender.sin_addr.s_addr);
    LONGS_EQUAL(-1, recvmsg(fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT));
    LONGS_EQUAL(EAGAIN, errno);
    close(fd);
}

// TCP over lo through libc, one process: a non-blocking connect, accept,
// 200 KB each way pumped with poll (the windows and the send buffer fill
// and drain), half-close seen as end of file, then the close.
TEST(socket_libc, tcp_over_loopback_through_libc) {
    privileged(false);
    int lst = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int cli = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK(lst >= 0 && cli >= 0);
    struct sockaddr_in at = {};
    at.sin_family = AF_INET;
    at.sin_port = htons(8008);
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    LONGS_EQUAL(0, bind(lst, reinterpret_cast<struct sockaddr*>(&at), sizeof at));
    LONGS_EQUAL(0, listen(lst, 4));
    int rc = connect(cli, reinterpret_cast<struct sockaddr*>(&at), sizeof at);
    CHECK(rc == 0 || (rc == -1 && errno == EINPROGRESS));
    struct pollfd pl = {lst, POLLIN, 0};
    LONGS_EQUAL(1, poll(&pl, 1, 2000));
    int srv = accept4(lst, nullptr, nullptr, SOCK_NONBLOCK);
    CHECK(srv >= 0);
    struct pollfd pc = {cli, POLLOUT, 0};
    LONGS_EQUAL(1, poll(&pc, 1, 2000));
    int err = -1;
    socklen_t elen = sizeof err;
    LONGS_EQUAL(0, getsockopt(cli, SOL_SOCKET, SO_ERROR, &err, &elen));
    LONGS_EQUAL(0, err);
    static unsigned char out[200000], in_srv[200000], in_cli[200000];
    for (unsigned i = 0; i < sizeof out; ++i) {
        out[i] = static_cast<unsigned char>(i * 31 + 7);
    }
    size_t sent_c = 0, sent_s = 0, got_s = 0, got_c = 0;
    for (int rounds = 0; rounds < 20000 && (got_s < sizeof out || got_c < sizeof out); ++rounds) {
        struct pollfd p[2] = {{cli, static_cast<short>(POLLIN | (sent_c < sizeof out ? POLLOUT : 0)), 0},
                              {srv, static_cast<short>(POLLIN | (sent_s < sizeof out ? POLLOUT : 0)), 0}};
        CHECK(poll(p, 2, 2000) > 0);
        if (p[0].revents & POLLOUT) {
            ssize_t n = send(cli, out + sent_c, sizeof out - sent_c, 0);
            CHECK(n > 0 || errno == EAGAIN);
            sent_c += n > 0 ? static_cast<size_t>(n) : 0;
        }
        if (p[1].revents & POLLOUT) {
            ssize_t n = send(srv, out + sent_s, sizeof out - sent_s, 0);
            CHECK(n > 0 || errno == EAGAIN);
            sent_s += n > 0 ? static_cast<size_t>(n) : 0;
        }
        if (p[1].revents & POLLIN) {
            ssize_t n = recv(srv, in_srv + got_s, sizeof in_srv - got_s, 0);
            CHECK(n > 0 || errno == EAGAIN);
            got_s += n > 0 ? static_cast<size_t>(n) : 0;
        }
        if (p[0].revents & POLLIN) {
            ssize_t n = recv(cli, in_cli + got_c, sizeof in_cli - got_c, 0);
            CHECK(n > 0 || errno == EAGAIN);
            got_c += n > 0 ? static_cast<size_t>(n) : 0;
        }
    }
    LONGS_EQUAL(sizeof out, got_s);
    LONGS_EQUAL(sizeof out, got_c);
    MEMCMP_EQUAL(out, in_srv, sizeof out);
    MEMCMP_EQUAL(out, in_cli, sizeof out);
    LONGS_EQUAL(0, shutdown(cli, SHUT_WR));
    struct pollfd pe = {srv, POLLIN, 0};
    LONGS_EQUAL(1, poll(&pe, 1, 2000));
    char c;
    LONGS_EQUAL(0, recv(srv, &c, 1, 0));   // the client's FIN: end of file
    close(srv);
    struct pollfd pf = {cli, POLLIN, 0};
    LONGS_EQUAL(1, poll(&pf, 1, 2000));
    LONGS_EQUAL(0, recv(cli, &c, 1, 0));
    close(cli);
    close(lst);
    // The refused case: nobody on the port, a RST, ECONNREFUSED.
    int r = socket(AF_INET, SOCK_STREAM, 0);
    at.sin_port = htons(8009);
    LONGS_EQUAL(-1, connect(r, reinterpret_cast<struct sockaddr*>(&at), sizeof at));
    LONGS_EQUAL(ECONNREFUSED, errno);
    close(r);
}
