// host-only: the socket layer through its syscalls (net/socket.cpp): the
// socket() answer matrix against Linux's rules, descriptors and their
// flags, EMFILE without leaks, the socket as a file (fstat, read, write,
// poll, close), socketpair, socketcall, bad pointers, SOL_SOCKET options
// and blocking with SO_RCVTIMEO.
#include <CppUTest/TestHarness.h>

#include <string.h>

#include <string>
#include <vector>

#include "kernel/fs/poll.h"
#include "kernel/jiffies.h"
#include "kernel/syscalls.h"
#include "kernel/uapi/errno.h"
#include "net/core/sock.h"
#include "tests/unit/socket_test_util.h"

using namespace socket_test;

namespace {

char* const bad_ptr = reinterpret_cast<char*>(0x10);

constexpr int families[] = {AF_UNSPEC, AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET, 45, AF_MAX, 1000, -1};
constexpr int base_types[] = {0, SOCK_DGRAM, SOCK_STREAM, SOCK_RAW, SOCK_RDM, SOCK_SEQPACKET, SOCK_DCCP, 7, 9,
                              SOCK_PACKET, 11, 15};
constexpr int protocols[] = {0, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_RAW, 262, 263, 0x0300 /* htons(ETH_P_ALL) */,
                             0x0008 /* htons(ETH_P_IP) */, -1};

// Linux's answer to socket(family, type, protocol), from __sys_socket,
// __sock_create, inet_create and packet_create (v6.x), for a kernel with
// IPv4 and packet sockets only; 0 means a descriptor.
int linux_answer(int family, int type, int protocol, bool privileged) {
    int flags = type & ~SOCK_TYPE_MASK;
    if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) {
        return -EINVAL;
    }
    type &= SOCK_TYPE_MASK;
    if (family < 0 || family >= AF_MAX) {
        return -EAFNOSUPPORT;
    }
    if (type >= SOCK_MAX) {
        return -EINVAL;
    }
    if (family == AF_INET && type == SOCK_PACKET) {
        family = AF_PACKET;
    }
    if (family == AF_PACKET) {
        if (!privileged) {
            return -EPERM;
        }
        return type == SOCK_DGRAM || type == SOCK_RAW || type == SOCK_PACKET ? 0 : -ESOCKTNOSUPPORT;
    }
    if (family != AF_INET) {
        return -EAFNOSUPPORT;   // AF_UNIX, AF_INET6, AF_NETLINK...: not built
    }
    if (protocol < 0 || protocol >= IPPROTO_MAX) {
        return -EINVAL;
    }
    switch (type) {
    case SOCK_STREAM:
        if (protocol != 0 && protocol != IPPROTO_TCP) {
            return -EPROTONOSUPPORT;
        }
        return 0;   // TCP, for anyone
    case SOCK_DGRAM:
        if (protocol == IPPROTO_ICMP) {
            return -EACCES;   // ping socket, net.ipv4.ping_group_range "1 0"
        }
        if (protocol != 0 && protocol != IPPROTO_UDP) {
            return -EPROTONOSUPPORT;
        }
        return 0;   // UDP, for anyone
    case SOCK_RAW:
        if (protocol == 0) {
            return -EPROTONOSUPPORT;   // IPPROTO_IP is the wildcard entry, not a protocol
        }
        return privileged ? 0 : -EPERM;
    default:
        return -ESOCKTNOSUPPORT;   // nothing in inetsw[type]
    }
}

}  // namespace

TEST_GROUP(socket) {
    env e;
    void setup() override { e.setup(); }
    void teardown() override { e.teardown(); }
};

TEST(socket, matrix_against_linux_privileged_and_not) {
    int checked = 0, created = 0;
    for (bool privileged : {true, false}) {
        set_privileged(privileged);
        for (int family : families) {
            for (int base : base_types) {
                for (int extra : {0, SOCK_NONBLOCK | SOCK_CLOEXEC, SOCK_NONBLOCK, 0x100, 0x40000000}) {
                    int type = base | extra;
                    for (int protocol : protocols) {
                        int want = linux_answer(family, type, protocol, privileged);
                        long got = sys_socket(family, type, protocol);
                        if ((want == 0) != (got >= 0) || (want < 0 && got != want)) {
                            FAIL(("socket(" + std::to_string(family) + ", " + std::to_string(type) + ", " +
                                  std::to_string(protocol) + ") privileged=" + std::to_string(privileged) +
                                  ": got " + std::to_string(got) + ", Linux " + std::to_string(want))
                                     .c_str());
                        }
                        if (got >= 0) {
                            ++created;
                            LONGS_EQUAL(1, sockets_in_use());
                            LONGS_EQUAL(0, sys_close(static_cast<int>(got)));
                        }
                        LONGS_EQUAL(0, sockets_in_use());
                        ++checked;
                    }
                }
            }
        }
    }
    LONGS_EQUAL(2 * 10 * 12 * 5 * 10, checked);
    CHECK_TRUE(created > 0);
}

TEST(socket, table_rows) {
    // Families the kernel does not build, spelled out.
    LONGS_EQUAL(-EAFNOSUPPORT, sys_socket(AF_INET6, SOCK_DGRAM, 0));
    LONGS_EQUAL(-EAFNOSUPPORT, sys_socket(AF_UNIX, SOCK_STREAM, 0));
    LONGS_EQUAL(-EAFNOSUPPORT, sys_socket(-1, SOCK_RAW, 1));
    LONGS_EQUAL(-EAFNOSUPPORT, sys_socket(AF_MAX, SOCK_RAW, 1));
    LONGS_EQUAL(-EINVAL, sys_socket(AF_INET, 11, 0));
    LONGS_EQUAL(-EINVAL, sys_socket(AF_INET, SOCK_RAW | 0x100, IPPROTO_ICMP));
    LONGS_EQUAL(-EPROTONOSUPPORT, sys_socket(AF_INET, SOCK_RAW, 0));
    LONGS_EQUAL(-EPROTONOSUPPORT, sys_socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
    LONGS_EQUAL(-EPROTONOSUPPORT, sys_socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
    LONGS_EQUAL(-ESOCKTNOSUPPORT, sys_socket(AF_INET, SOCK_SEQPACKET, 0));
    LONGS_EQUAL(-EINVAL, sys_socket(AF_INET, SOCK_RAW, 0x0300));
    LONGS_EQUAL(-ESOCKTNOSUPPORT, sys_socket(AF_PACKET, SOCK_STREAM, 0));
    long fd = sys_socket(AF_INET, SOCK_PACKET, 0x0300);   // the obsolete spelling of a packet socket
    CHECK_TRUE(fd >= 0);
    sys_close(static_cast<int>(fd));
    set_privileged(false);
    LONGS_EQUAL(-EPERM, sys_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
    LONGS_EQUAL(-EPERM, sys_socket(AF_PACKET, SOCK_RAW, 0x0300));
    LONGS_EQUAL(-EPERM, sys_socket(AF_PACKET, SOCK_STREAM, 0));   // the capability comes first
    LONGS_EQUAL(-EPERM, sys_socket(AF_INET, SOCK_PACKET, 0x0300));
    LONGS_EQUAL(-EPROTONOSUPPORT, sys_socket(AF_INET, SOCK_RAW, 0));   // the lookup comes first
    LONGS_EQUAL(-EINVAL, sys_socket(AF_INET, SOCK_RAW, 300));
}

TEST(socket, flags_reach_the_file_and_the_table) {
    long fd = sys_socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    CHECK_TRUE(fd >= 0);
    LONGS_EQUAL(uapi::o_rdwr | uapi::o_nonblock, sys_fcntl(static_cast<int>(fd), uapi::f_getfl, 0));
    LONGS_EQUAL(uapi::fd_cloexec, sys_fcntl(static_cast<int>(fd), uapi::f_getfd, 0));
    long plain = sys_socket(AF_PACKET, SOCK_RAW, 0);
    LONGS_EQUAL(uapi::o_rdwr, sys_fcntl(static_cast<int>(plain), uapi::f_getfl, 0));
    LONGS_EQUAL(0, sys_fcntl(static_cast<int>(plain), uapi::f_getfd, 0));
    uapi::stat st{};
    LONGS_EQUAL(0, sys_fstat(static_cast<int>(fd), &st));
    LONGS_EQUAL(uapi::s_ifsock, st.st_mode & uapi::s_ifmt);
    LONGS_EQUAL(-ESPIPE, sys_lseek(static_cast<int>(fd), 0, uapi::seek_set));
    sys_close(static_cast<int>(fd));
    sys_close(static_cast<int>(plain));
}

TEST(socket, emfile_leaks_nothing) {
    std::vector<int> fds;
    unsigned files = files_in_use();
    for (;;) {
        long fd = sys_socket(AF_PACKET, SOCK_DGRAM, 0);
        if (fd < 0) {
            LONGS_EQUAL(-EMFILE, fd);
            break;
        }
        fds.push_back(static_cast<int>(fd));
    }
    LONGS_EQUAL(NR_OPEN_DEFAULT, fds.size());
    LONGS_EQUAL(fds.size(), sockets_in_use());
    LONGS_EQUAL(files + fds.size(), files_in_use());
    int sv[2];
    LONGS_EQUAL(-EMFILE, sys_socketpair(AF_PACKET, SOCK_DGRAM, 0, sv));
    LONGS_EQUAL(fds.size(), sockets_in_use());
    for (int fd : fds) {
        LONGS_EQUAL(0, sys_close(fd));
    }
    LONGS_EQUAL(0, sockets_in_use());
    LONGS_EQUAL(files, files_in_use());
}

TEST(socket, not_a_socket_and_bad_descriptors) {
    int p[2];
    LONGS_EQUAL(0, sys_pipe2(p, 0));
    sockaddr_ll sll{};
    LONGS_EQUAL(-ENOTSOCK, sys_bind(p[0], reinterpret_cast<sockaddr*>(&sll), sizeof sll));
    LONGS_EQUAL(-ENOTSOCK, sys_sendto(p[1], "x", 1, 0, nullptr, 0));
    int v, len = sizeof v;
    LONGS_EQUAL(-ENOTSOCK, sys_getsockopt(p[0], SOL_SOCKET, SO_TYPE, &v, &len));
    LONGS_EQUAL(-EBADF, sys_bind(99, reinterpret_cast<sockaddr*>(&sll), sizeof sll));
    LONGS_EQUAL(-EBADF, sys_recvfrom(99, &v, sizeof v, 0, nullptr, nullptr));
    LONGS_EQUAL(-EBADF, sys_shutdown(-1, SHUT_RDWR));
    sys_close(p[0]);
    sys_close(p[1]);
}

TEST(socket, bad_pointers_are_efault) {
    int fd = packet_socket(SOCK_RAW, ETH_P_ALL);
    LONGS_EQUAL(-EFAULT, sys_bind(fd, reinterpret_cast<sockaddr*>(bad_ptr), sizeof(sockaddr_ll)));
    LONGS_EQUAL(-EINVAL, sys_bind(fd, nullptr, -1));
    LONGS_EQUAL(-EINVAL, sys_bind(fd, nullptr, sizeof(sockaddr_storage) + 1));
    LONGS_EQUAL(-EFAULT, sys_sendto(fd, bad_ptr, 60, 0, nullptr, 0));
    LONGS_EQUAL(-EFAULT, sys_recvfrom(fd, bad_ptr, 60, MSG_DONTWAIT, nullptr, nullptr));
    int len = sizeof(sockaddr_ll);
    LONGS_EQUAL(-EFAULT, sys_getsockname(fd, reinterpret_cast<sockaddr*>(bad_ptr), &len));
    LONGS_EQUAL(-EFAULT, sys_getsockname(fd, nullptr, reinterpret_cast<int*>(bad_ptr)));
    LONGS_EQUAL(-EFAULT, sys_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, bad_ptr, 4));
    LONGS_EQUAL(-EFAULT, sys_getsockopt(fd, SOL_SOCKET, SO_RCVBUF, bad_ptr, &len));
    LONGS_EQUAL(-EFAULT, sys_getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &len, reinterpret_cast<int*>(bad_ptr)));
    LONGS_EQUAL(-EFAULT, sys_sendmsg(fd, reinterpret_cast<user_msghdr*>(bad_ptr), 0));
    LONGS_EQUAL(-EFAULT, sys_recvmsg(fd, reinterpret_cast<user_msghdr*>(bad_ptr), MSG_DONTWAIT));
    uapi::iovec iov{bad_ptr, 10};
    user_msghdr m{};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    LONGS_EQUAL(-EFAULT, sys_sendmsg(fd, &m, 0));
    m.msg_iovlen = 1025;
    LONGS_EQUAL(-EMSGSIZE, sys_sendmsg(fd, &m, 0));
    LONGS_EQUAL(-EFAULT, sys_socketpair(AF_PACKET, SOCK_RAW, 0, reinterpret_cast<int*>(bad_ptr)));
    LONGS_EQUAL(-EFAULT, sys_socketcall(SYS_SOCKET, reinterpret_cast<unsigned long*>(bad_ptr)));
    LONGS_EQUAL(1, sockets_in_use());
    sys_close(fd);
}

TEST(socket, socketpair_and_accept_are_not_for_these_families) {
    int sv[2] = {-1, -1};
    LONGS_EQUAL(-EOPNOTSUPP, sys_socketpair(AF_PACKET, SOCK_DGRAM, 0, sv));
    LONGS_EQUAL(-EOPNOTSUPP, sys_socketpair(AF_INET, SOCK_RAW, IPPROTO_ICMP, sv));
    LONGS_EQUAL(-EAFNOSUPPORT, sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    LONGS_EQUAL(-EINVAL, sys_socketpair(AF_PACKET, SOCK_DGRAM | 0x100, 0, sv));
    LONGS_EQUAL(0, sockets_in_use());
    int fd = packet_socket(SOCK_DGRAM, 0);
    LONGS_EQUAL(-EOPNOTSUPP, sys_accept(fd, nullptr, nullptr));
    LONGS_EQUAL(-EINVAL, sys_accept4(fd, nullptr, nullptr, 0x100));
    LONGS_EQUAL(-EOPNOTSUPP, sys_listen(fd, 5));
    LONGS_EQUAL(-EOPNOTSUPP, sys_connect(fd, nullptr, 0));
    LONGS_EQUAL(-EOPNOTSUPP, sys_shutdown(fd, SHUT_RD));
    LONGS_EQUAL(1, sockets_in_use());
    sys_close(fd);
}

TEST(socket, socketcall_dispatches_every_call) {
    unsigned long a[6] = {AF_PACKET, SOCK_DGRAM, htons(ETH_P_ARP)};
    long fd = sys_socketcall(SYS_SOCKET, a);
    CHECK_TRUE(fd >= 0);
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ARP);
    sll.sll_ifindex = e.ip.eth->ifindex;
    unsigned long b[6] = {static_cast<unsigned long>(fd), reinterpret_cast<unsigned long>(&sll), sizeof sll};
    LONGS_EQUAL(0, sys_socketcall(SYS_BIND, b));
    sockaddr_ll got{};
    int len = sizeof got;
    unsigned long c[6] = {static_cast<unsigned long>(fd), reinterpret_cast<unsigned long>(&got),
                          reinterpret_cast<unsigned long>(&len)};
    LONGS_EQUAL(0, sys_socketcall(SYS_GETSOCKNAME, c));
    LONGS_EQUAL(e.ip.eth->ifindex, got.sll_ifindex);
    LONGS_EQUAL(-EOPNOTSUPP, sys_socketcall(SYS_GETPEERNAME, c));
    int rcvbuf = 4096;
    unsigned long d[6] = {static_cast<unsigned long>(fd), SOL_SOCKET, SO_RCVBUF,
                          reinterpret_cast<unsigned long>(&rcvbuf), sizeof rcvbuf};
    LONGS_EQUAL(0, sys_socketcall(SYS_SETSOCKOPT, d));
    int v = 0;
    len = sizeof v;
    unsigned long g[6] = {static_cast<unsigned long>(fd), SOL_SOCKET, SO_RCVBUF, reinterpret_cast<unsigned long>(&v),
                          reinterpret_cast<unsigned long>(&len)};
    LONGS_EQUAL(0, sys_socketcall(SYS_GETSOCKOPT, g));
    LONGS_EQUAL(8192, v);
    // A payload to a peer through SENDTO, then SEND on the bound socket.
    sockaddr_ll to = sll;
    to.sll_halen = ETH_ALEN;
    memcpy(to.sll_addr, ipv4_test::peer_mac, ETH_ALEN);
    char msg[28] = "arp-ish";
    unsigned long s[6] = {static_cast<unsigned long>(fd), reinterpret_cast<unsigned long>(msg), sizeof msg, 0,
                          reinterpret_cast<unsigned long>(&to), sizeof to};
    LONGS_EQUAL(28, sys_socketcall(SYS_SENDTO, s));
    unsigned long s2[6] = {static_cast<unsigned long>(fd), reinterpret_cast<unsigned long>(msg), sizeof msg, 0};
    LONGS_EQUAL(-EINVAL, sys_socketcall(SYS_SEND, s2));   // no destination hardware address for a DGRAM socket
    auto sent = ipv4_test::take_sent(e.ip.eth);
    LONGS_EQUAL(1, sent.size());
    LONGS_EQUAL(ETH_P_ARP, sent[0].type());
    char buf[64];
    unsigned long r[6] = {static_cast<unsigned long>(fd), reinterpret_cast<unsigned long>(buf), sizeof buf,
                          MSG_DONTWAIT};
    LONGS_EQUAL(-EAGAIN, sys_socketcall(SYS_RECV, r));
    unsigned long r2[6] = {static_cast<unsigned long>(fd), reinterpret_cast<unsigned long>(buf), sizeof buf,
                           MSG_DONTWAIT, 0, 0};
    LONGS_EQUAL(-EAGAIN, sys_socketcall(SYS_RECVFROM, r2));
    uapi::iovec iov{buf, sizeof buf};
    user_msghdr m{};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    unsigned long rm[6] = {static_cast<unsigned long>(fd), reinterpret_cast<unsigned long>(&m), MSG_DONTWAIT};
    LONGS_EQUAL(-EAGAIN, sys_socketcall(SYS_RECVMSG, rm));
    unsigned long sd[6] = {static_cast<unsigned long>(fd), SHUT_RDWR};
    LONGS_EQUAL(-EOPNOTSUPP, sys_socketcall(SYS_SHUTDOWN, sd));
    unsigned long ls[6] = {static_cast<unsigned long>(fd), 5};
    LONGS_EQUAL(-EOPNOTSUPP, sys_socketcall(SYS_LISTEN, ls));
    unsigned long ac[6] = {static_cast<unsigned long>(fd), 0, 0, 0};
    LONGS_EQUAL(-EOPNOTSUPP, sys_socketcall(SYS_ACCEPT, ac));
    LONGS_EQUAL(-EOPNOTSUPP, sys_socketcall(SYS_ACCEPT4, ac));
    LONGS_EQUAL(-EOPNOTSUPP, sys_socketcall(SYS_CONNECT, b));
    int sv[2];
    unsigned long sp[6] = {AF_PACKET, SOCK_DGRAM, 0, reinterpret_cast<unsigned long>(sv)};
    LONGS_EQUAL(-EOPNOTSUPP, sys_socketcall(SYS_SOCKETPAIR, sp));
    mmsghdr mm{};
    mm.msg_hdr = m;
    unsigned long rmm[6] = {static_cast<unsigned long>(fd), reinterpret_cast<unsigned long>(&mm), 1, MSG_DONTWAIT, 0};
    LONGS_EQUAL(-EAGAIN, sys_socketcall(SYS_RECVMMSG, rmm));
    uapi::iovec siov{msg, sizeof msg};
    mmsghdr sm[2]{};
    for (mmsghdr& x : sm) {
        x.msg_hdr.msg_name = &to;
        x.msg_hdr.msg_namelen = sizeof to;
        x.msg_hdr.msg_iov = &siov;
        x.msg_hdr.msg_iovlen = 1;
    }
    unsigned long smm[6] = {static_cast<unsigned long>(fd), reinterpret_cast<unsigned long>(sm), 2, 0};
    LONGS_EQUAL(2, sys_socketcall(SYS_SENDMMSG, smm));
    LONGS_EQUAL(28, sm[1].msg_len);
    LONGS_EQUAL(2, ipv4_test::take_sent(e.ip.eth).size());
    unsigned long sendmsg_args[6] = {static_cast<unsigned long>(fd), reinterpret_cast<unsigned long>(&sm[0].msg_hdr), 0};
    LONGS_EQUAL(28, sys_socketcall(SYS_SENDMSG, sendmsg_args));
    ipv4_test::take_sent(e.ip.eth);
    LONGS_EQUAL(-EINVAL, sys_socketcall(0, a));
    LONGS_EQUAL(-EINVAL, sys_socketcall(SYS_SENDMMSG + 1, a));
    sys_close(static_cast<int>(fd));
}

TEST(socket, sol_socket_options) {
    int fd = packet_socket(SOCK_RAW, 0);
    LONGS_EQUAL(SOCK_RAW, getint(fd, SOL_SOCKET, SO_TYPE));
    LONGS_EQUAL(AF_PACKET, getint(fd, SOL_SOCKET, SO_DOMAIN));
    LONGS_EQUAL(SK_RMEM_DEFAULT, getint(fd, SOL_SOCKET, SO_RCVBUF));
    LONGS_EQUAL(SK_WMEM_DEFAULT, getint(fd, SOL_SOCKET, SO_SNDBUF));
    // Doubled, clamped to rmem_max, at least the minimum; never an error.
    for (auto [set, want] : {std::pair{10000, 20000}, std::pair{1, SOCK_MIN_RCVBUF}, std::pair{-1, 2 * SK_RMEM_MAX},
                             std::pair{1 << 30, 2 * SK_RMEM_MAX}}) {
        LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &set, sizeof set));
        LONGS_EQUAL(want, getint(fd, SOL_SOCKET, SO_RCVBUF));
        LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &set, sizeof set));
        LONGS_EQUAL(want == SOCK_MIN_RCVBUF ? SOCK_MIN_SNDBUF : want, getint(fd, SOL_SOCKET, SO_SNDBUF));
    }
    int one = 1;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    LONGS_EQUAL(1, getint(fd, SOL_SOCKET, SO_REUSEADDR));
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one));
    LONGS_EQUAL(1, getint(fd, SOL_SOCKET, SO_BROADCAST));
    LONGS_EQUAL(0, getint(fd, SOL_SOCKET, SO_ERROR));
    LONGS_EQUAL(-ENOPROTOOPT, sys_setsockopt(fd, SOL_SOCKET, SO_TYPE, &one, sizeof one));
    LONGS_EQUAL(-ENOPROTOOPT, sys_setsockopt(fd, SOL_SOCKET, 0x7777, &one, sizeof one));
    LONGS_EQUAL(-EINVAL, sys_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &one, 2));
    LONGS_EQUAL(-EINVAL, sys_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &one, -1));
    int v, len = sizeof v;
    LONGS_EQUAL(-ENOPROTOOPT, sys_getsockopt(fd, SOL_SOCKET, 0x7777, &v, &len));
    len = -1;
    LONGS_EQUAL(-EINVAL, sys_getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len));
    // A short buffer gets the first bytes; optlen says how many.
    uint8_t small[2] = {0xaa, 0xaa};
    len = 1;
    LONGS_EQUAL(0, sys_getsockopt(fd, SOL_SOCKET, SO_TYPE, small, &len));
    LONGS_EQUAL(1, len);
    LONGS_EQUAL(SOCK_RAW, small[0]);
    LONGS_EQUAL(0xaa, small[1]);
    // Priorities above 6 need CAP_NET_ADMIN.
    int prio = 7;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_PRIORITY, &prio, sizeof prio));
    set_privileged(false);
    LONGS_EQUAL(-EPERM, sys_setsockopt(fd, SOL_SOCKET, SO_PRIORITY, &prio, sizeof prio));
    prio = 6;
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_PRIORITY, &prio, sizeof prio));
    sys_close(fd);
}

TEST(socket, timeouts_round_trip_in_o32_timevals) {
    int fd = packet_socket(SOCK_DGRAM, 0);
    uapi::timeval tv{}, out{};
    int len = sizeof out;
    LONGS_EQUAL(0, sys_getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &out, &len));
    LONGS_EQUAL(8, len);
    LONGS_EQUAL(0, out.tv_sec);
    LONGS_EQUAL(0, out.tv_usec);
    tv = {2, 500000};
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    LONGS_EQUAL(0, sys_getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &out, &len));
    LONGS_EQUAL(2, out.tv_sec);
    LONGS_EQUAL(500000, out.tv_usec);
    tv = {0, 1};   // rounds up to a tick
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv));
    LONGS_EQUAL(0, sys_getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &out, &len));
    LONGS_EQUAL(0, out.tv_sec);
    LONGS_EQUAL(1000000 / HZ, out.tv_usec);
    tv = {1, 1000000};
    LONGS_EQUAL(-EDOM, sys_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    tv = {1, -1};
    LONGS_EQUAL(-EDOM, sys_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    LONGS_EQUAL(-EINVAL, sys_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, 4));
    sys_close(fd);
}

namespace {

struct blocked_recv {
    int fd;
    long result = 1;
    unsigned long started = 0, ended = 0;
    char buf[128];
};

void recv_thread(void* p) {
    auto* b = static_cast<blocked_recv*>(p);
    b->started = jiffies;
    b->result = sys_recvfrom(b->fd, b->buf, sizeof b->buf, 0, nullptr, nullptr);
    b->ended = jiffies;
}

}  // namespace

TEST(socket, blocking_receive_times_out_with_eagain) {
    int fd = packet_socket(SOCK_DGRAM, ETH_P_ARP, e.ip.eth->ifindex);
    uapi::timeval tv{0, 200000};
    LONGS_EQUAL(0, sys_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    blocked_recv b;
    b.fd = fd;
    task_struct* t = start_thread(recv_thread, &b);
    LONGS_EQUAL(1, b.result);   // still waiting
    ipv4_test::advance_ms(100);
    schedule();
    LONGS_EQUAL(1, b.result);
    ipv4_test::advance_ms(150);
    schedule();
    LONGS_EQUAL(-EAGAIN, b.result);
    CHECK_TRUE(b.ended - b.started >= msecs_to_jiffies(200));
    reap(t);
    sys_close(fd);
}

TEST(socket, blocking_receive_wakes_for_a_frame_and_poll_sees_it) {
    int fd = packet_socket(SOCK_DGRAM, ETH_P_ARP, e.ip.eth->ifindex);
    uapi::pollfd pfd{fd, uapi::pollin | uapi::pollout, 0};
    LONGS_EQUAL(1, sys_poll(&pfd, 1, 0));
    LONGS_EQUAL(uapi::pollout, pfd.revents);
    blocked_recv b;
    b.fd = fd;
    task_struct* t = start_thread(recv_thread, &b);
    LONGS_EQUAL(1, b.result);
    ipv4_test::receive_frame(e.ip.eth, ipv4_test::ether(ipv4_test::our_mac, ipv4_test::peer_mac, ETH_P_ARP,
                                                        ipv4_test::pattern(28)));
    ipv4_test::take_sent(e.ip.eth);   // ARP may answer
    schedule();
    LONGS_EQUAL(28, b.result);
    CHECK_TRUE(memcmp(b.buf, ipv4_test::pattern(28).data(), 28) == 0);
    reap(t);
    // Readable while a frame waits; read() and write() go through the socket.
    ipv4_test::receive_frame(e.ip.eth, ipv4_test::ether(ipv4_test::our_mac, ipv4_test::peer_mac, ETH_P_ARP,
                                                        ipv4_test::pattern(46, 3)));
    pfd.revents = 0;
    LONGS_EQUAL(1, sys_poll(&pfd, 1, 0));
    LONGS_EQUAL(uapi::pollin | uapi::pollout, pfd.revents);   // masked to what was asked
    char buf[64];
    LONGS_EQUAL(46, sys_read(fd, buf, sizeof buf));
    LONGS_EQUAL(0, sys_read(fd, buf, 0));   // nothing asked, nothing waited for
    LONGS_EQUAL(-EINVAL, sys_write(fd, buf, 10));   // bound to eth0, but no destination for the header
    sys_close(fd);
}

TEST(socket, nonblocking_by_file_flag_and_by_msg_dontwait) {
    int fd = packet_socket(SOCK_DGRAM, ETH_P_ARP);
    char buf[16];
    LONGS_EQUAL(-EAGAIN, sys_recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, nullptr, nullptr));
    int on = 1;
    LONGS_EQUAL(0, sys_ioctl(fd, uapi::fionbio, reinterpret_cast<unsigned long>(&on)));
    LONGS_EQUAL(-EAGAIN, sys_recvfrom(fd, buf, sizeof buf, 0, nullptr, nullptr));
    LONGS_EQUAL(-EAGAIN, sys_read(fd, buf, sizeof buf));
    sys_close(fd);
}

TEST(socket, shutdown_of_a_raw_socket_is_enotconn_but_wakes_readers) {
    long fd = sys_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    CHECK_TRUE(fd >= 0);
    LONGS_EQUAL(-EINVAL, sys_shutdown(static_cast<int>(fd), 3));
    LONGS_EQUAL(-ENOTCONN, sys_shutdown(static_cast<int>(fd), SHUT_RD));
    char buf[8];
    LONGS_EQUAL(0, sys_recvfrom(static_cast<int>(fd), buf, sizeof buf, 0, nullptr, nullptr));   // end, not a wait
    uapi::pollfd pfd{static_cast<int>(fd), uapi::pollin, 0};
    LONGS_EQUAL(1, sys_poll(&pfd, 1, 0));
    CHECK_TRUE(pfd.revents & uapi::pollin);
    sys_close(static_cast<int>(fd));
}
