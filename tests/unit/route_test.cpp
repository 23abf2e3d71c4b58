// host-only: resets the slab allocator, the net core and IPv4, and the command line.
#include <string.h>

#include <string>
#include <vector>

#include "kernel/cmdline.h"
#include "net/ipv4/ipconfig.h"
#include "net/ipv4/proc.h"
#include "tests/unit/ipv4_test_util.h"
#include "net/core/rtnetlink.h"

using namespace ipv4_test;

namespace {

rtable route_to(__be32 dst, int expect = 0, __be32 src = 0) {
    flowi4 fl4;
    fl4.daddr = dst;
    fl4.saddr = src;
    rtable rt;
    LONGS_EQUAL(expect, ip_route_output_key(&fl4, &rt));
    return rt;
}

fib_config route(__be32 dst, unsigned len, __be32 gw, net_device* dev = nullptr, uint32_t metric = 0) {
    fib_config c;
    c.dst = dst;
    c.prefixlen = len;
    c.gw = gw;
    c.dev = dev;
    c.priority = metric;
    return c;
}

std::string text(size_t (*show)(char*, size_t)) {
    std::string s(show(nullptr, 0) + 1, '\0');
    show(s.data(), s.size());
    s.resize(s.size() - 1);
    return s;
}

}  // namespace

TEST_GROUP(route) {
    env e;
    void setup() override { e.setup(); }
    void teardown() override { e.teardown(); }
};

TEST(route, dotted_quads_strictly) {
    __be32 a;
    CHECK_TRUE(in4_pton_strict("10.0.2.15", 9, &a));
    CHECK_EQUAL(our_ip, a);
    CHECK_TRUE(in4_pton_strict("0.0.0.0", 7, &a));
    CHECK_TRUE(in4_pton_strict("255.255.255.255", 15, &a));
    const char* bad[] = {"", "10.0.2", "10.0.2.15.1", "10.0.2.256", "10.0.02.15", "10..2.15", "10.0.2.15 ",
                         "a.b.c.d", "-1.0.0.0", "1.2.3.4/24", "1000.0.0.1"};
    for (const char* s : bad) {
        CHECK_FALSE_TEXT(in4_pton_strict(s, strlen(s), &a), s);
    }
    char buf[INET_ADDRSTRLEN];
    STRCMP_EQUAL("192.0.2.7", in_ntoa(remote_ip, buf));
    STRCMP_EQUAL("255.255.255.255", in_ntoa(0xffffffff, buf));
}

TEST(route, masks) {
    CHECK_EQUAL(ipv4_addr(255, 255, 255, 0), inet_make_mask(24));
    CHECK_EQUAL(0u, inet_make_mask(0));
    CHECK_EQUAL(0xffffffffu, inet_make_mask(32));
    LONGS_EQUAL(24, inet_mask_len(ipv4_addr(255, 255, 255, 0)));
    LONGS_EQUAL(0, inet_mask_len(0));
    LONGS_EQUAL(-1, inet_mask_len(ipv4_addr(255, 0, 255, 0)));
    CHECK_EQUAL(ipv4_addr(255, 0, 0, 0), inet_classful_mask(ipv4_addr(10, 1, 1, 1)));
    CHECK_EQUAL(ipv4_addr(255, 255, 0, 0), inet_classful_mask(ipv4_addr(172, 16, 1, 1)));
    CHECK_EQUAL(ipv4_addr(255, 255, 255, 0), inet_classful_mask(ipv4_addr(192, 168, 1, 1)));
}

TEST(route, longest_prefix_wins) {
    net_device* eth1 = net_test::fake_etherdev();
    {
        rtnl_guard rtnl;
        LONGS_EQUAL(0, inet_ifa_add(eth1, ipv4_addr(172, 16, 0, 1), 16, 0, nullptr));
    }
    LONGS_EQUAL(0, fib_add_route(route(ipv4_addr(192, 0, 0, 0), 16, ipv4_addr(172, 16, 0, 254))));
    LONGS_EQUAL(0, fib_add_route(route(ipv4_addr(192, 0, 2, 0), 24, ipv4_addr(10, 0, 2, 254))));
    LONGS_EQUAL(0, fib_add_route(route(ipv4_addr(192, 0, 2, 7), 32, ipv4_addr(172, 16, 0, 7))));
    rtable rt = route_to(ipv4_addr(192, 0, 2, 7));
    POINTERS_EQUAL(eth1, rt.dev);
    CHECK_EQUAL(ipv4_addr(172, 16, 0, 7), rt.rt_gateway);
    CHECK_EQUAL(ipv4_addr(172, 16, 0, 1), rt.rt_src);
    rt = route_to(ipv4_addr(192, 0, 2, 8));
    POINTERS_EQUAL(e.eth, rt.dev);
    CHECK_EQUAL(ipv4_addr(10, 0, 2, 254), rt.rt_gateway);
    CHECK_EQUAL(our_ip, rt.rt_src);
    rt = route_to(ipv4_addr(192, 0, 3, 1));
    POINTERS_EQUAL(eth1, rt.dev);
    rt = route_to(ipv4_addr(8, 8, 8, 8));
    CHECK_EQUAL(gw_ip, rt.rt_gateway);
    rt = route_to(peer_ip);  // connected: the destination is the next hop
    CHECK_EQUAL(peer_ip, rt.rt_gateway);
    LONGS_EQUAL(RTN_UNICAST, rt.rt_type);
    LONGS_EQUAL(1500, rt.rt_mtu);
    // The lower metric wins among equal prefixes.
    LONGS_EQUAL(0, fib_add_route(route(ipv4_addr(198, 51, 100, 0), 24, ipv4_addr(10, 0, 2, 9), nullptr, 10)));
    LONGS_EQUAL(0, fib_add_route(route(ipv4_addr(198, 51, 100, 0), 24, ipv4_addr(10, 0, 2, 8), nullptr, 5)));
    CHECK_EQUAL(ipv4_addr(10, 0, 2, 8), route_to(ipv4_addr(198, 51, 100, 1)).rt_gateway);
    LONGS_EQUAL(0, fib_del_route(route(ipv4_addr(198, 51, 100, 0), 24, ipv4_addr(10, 0, 2, 8))));
    CHECK_EQUAL(ipv4_addr(10, 0, 2, 9), route_to(ipv4_addr(198, 51, 100, 1)).rt_gateway);
    ipv4_exit();  // before eth1 goes: it holds eth1's routes
    net_test::destroy(eth1);
    ipv4_init();
}

TEST(route, adding_routes_is_checked) {
    LONGS_EQUAL(-ENETUNREACH, fib_add_route(route(ipv4_addr(192, 0, 2, 0), 24, ipv4_addr(10, 9, 9, 9))));
    LONGS_EQUAL(-ENETUNREACH, fib_add_route(route(ipv4_addr(192, 0, 2, 0), 24, remote_ip)));  // via a gateway
    LONGS_EQUAL(-EINVAL, fib_add_route(route(ipv4_addr(192, 0, 2, 1), 24, gw_ip)));         // host bits
    LONGS_EQUAL(-EINVAL, fib_add_route(route(ipv4_addr(192, 0, 2, 0), 33, gw_ip)));
    LONGS_EQUAL(-EINVAL, fib_add_route(route(ipv4_addr(192, 0, 2, 0), 24, ipv4_addr(224, 0, 0, 1))));
    LONGS_EQUAL(-ENODEV, fib_add_route(route(ipv4_addr(192, 0, 2, 0), 24, 0)));
    LONGS_EQUAL(0, fib_add_route(route(ipv4_addr(192, 0, 2, 0), 24, gw_ip)));
    LONGS_EQUAL(-EEXIST, fib_add_route(route(ipv4_addr(192, 0, 2, 0), 24, gw_ip)));
    LONGS_EQUAL(-ESRCH, fib_del_route(route(ipv4_addr(192, 0, 3, 0), 24, 0)));
}

TEST(route, local_and_broadcast_addresses) {
    LONGS_EQUAL(RTN_LOCAL, inet_addr_type(our_ip));
    LONGS_EQUAL(RTN_LOCAL, inet_addr_type(ipv4_addr(127, 0, 0, 1)));
    LONGS_EQUAL(RTN_LOCAL, inet_addr_type(ipv4_addr(127, 9, 9, 9)));
    LONGS_EQUAL(RTN_BROADCAST, inet_addr_type(subnet_bcast));
    LONGS_EQUAL(RTN_BROADCAST, inet_addr_type(ipv4_addr(10, 0, 2, 0)));
    LONGS_EQUAL(RTN_BROADCAST, inet_addr_type(ipv4_addr(255, 255, 255, 255)));
    LONGS_EQUAL(RTN_BROADCAST, inet_addr_type(0));
    LONGS_EQUAL(RTN_MULTICAST, inet_addr_type(ipv4_addr(224, 0, 0, 1)));
    LONGS_EQUAL(RTN_UNICAST, inet_addr_type(peer_ip));
    rtable rt = route_to(our_ip);
    POINTERS_EQUAL(init_net.loopback_dev, rt.dev);
    LONGS_EQUAL(RTN_LOCAL, rt.rt_type);
    CHECK_EQUAL(our_ip, rt.rt_src);
    rt = route_to(ipv4_addr(127, 0, 0, 53));
    CHECK_EQUAL(ipv4_addr(127, 0, 0, 1), rt.rt_src);
    LONGS_EQUAL(65536 > IP_MAX_MTU ? IP_MAX_MTU : 65536, rt.rt_mtu);
    rt = route_to(subnet_bcast);
    LONGS_EQUAL(RTN_BROADCAST, rt.rt_type);
    POINTERS_EQUAL(e.eth, rt.dev);
    route_to(peer_ip, -EINVAL, ipv4_addr(10, 0, 2, 99));
    route_to(peer_ip, 0, our_ip);
}

TEST(route, addresses_bring_and_take_their_routes) {
    rtnl_guard rtnl;   // configuration changes below
    LONGS_EQUAL(0, inet_ifa_add(e.eth, ipv4_addr(10, 0, 2, 16), 24, 0, "eth0:1"));  // secondary
    in_ifaddr* second = inet_ifa_find(e.eth, ipv4_addr(10, 0, 2, 16));
    CHECK(second->ifa_flags & IFA_F_SECONDARY);
    LONGS_EQUAL(-EEXIST, inet_ifa_add(e.eth, our_ip, 24, 0, nullptr));
    LONGS_EQUAL(-EINVAL, inet_ifa_add(e.eth, ipv4_addr(224, 0, 0, 5), 24, 0, nullptr));
    LONGS_EQUAL(-EINVAL, inet_ifa_add(e.eth, ipv4_addr(127, 0, 0, 2), 8, 0, nullptr));
    LONGS_EQUAL(-EINVAL, inet_ifa_add(e.eth, ipv4_addr(10, 1, 1, 1), 33, 0, nullptr));
    // The primary goes: the secondary takes over the subnet's route.
    LONGS_EQUAL(0, inet_ifa_del(e.eth, our_ip));
    rtable rt = route_to(peer_ip);
    CHECK_EQUAL(ipv4_addr(10, 0, 2, 16), rt.rt_src);
    CHECK_EQUAL(gw_ip, route_to(remote_ip).rt_gateway);  // still reachable
    // The last address of the subnet goes: so do its route and the routes
    // through gateways on it (Linux's fib_sync_down_addr).
    LONGS_EQUAL(0, inet_ifa_del(e.eth, ipv4_addr(10, 0, 2, 16)));
    route_to(peer_ip, -ENETUNREACH);
    route_to(remote_ip, -ENETUNREACH);
    LONGS_EQUAL(-EADDRNOTAVAIL, inet_ifa_del(e.eth, our_ip));
}

TEST(route, ioctls_as_ifconfig_and_route_use_them) {
    __be32 v = 0;
    LONGS_EQUAL(0, devinet_ioctl(SIOCGIFADDR, "eth0", &v));
    CHECK_EQUAL(our_ip, v);
    LONGS_EQUAL(0, devinet_ioctl(SIOCGIFNETMASK, "eth0", &v));
    CHECK_EQUAL(ipv4_addr(255, 255, 255, 0), v);
    LONGS_EQUAL(0, devinet_ioctl(SIOCGIFBRDADDR, "eth0", &v));
    CHECK_EQUAL(subnet_bcast, v);
    LONGS_EQUAL(-ENODEV, devinet_ioctl(SIOCGIFADDR, "eth9", &v));
    v = ipv4_addr(255, 255, 0, 0);
    LONGS_EQUAL(0, devinet_ioctl(SIOCSIFNETMASK, "eth0", &v));
    CHECK_EQUAL(ipv4_addr(10, 0, 255, 255), inet_ifa_find(e.eth, our_ip)->ifa_broadcast);
    CHECK_EQUAL(e.eth, route_to(ipv4_addr(10, 0, 9, 9)).dev);
    v = ipv4_addr(255, 0, 255, 0);
    LONGS_EQUAL(-EINVAL, devinet_ioctl(SIOCSIFNETMASK, "eth0", &v));
    v = ipv4_addr(10, 0, 2, 20);
    LONGS_EQUAL(0, devinet_ioctl(SIOCSIFADDR, "eth0", &v));
    CHECK(inet_ifa_find(e.eth, ipv4_addr(10, 0, 2, 20)) != nullptr);
    POINTERS_EQUAL(nullptr, inet_ifa_find(e.eth, our_ip));
    LONGS_EQUAL(16, inet_ifa_find(e.eth, ipv4_addr(10, 0, 2, 20))->ifa_prefixlen);  // the mask stays
    v = 0;
    LONGS_EQUAL(0, devinet_ioctl(SIOCSIFADDR, "eth0", &v));   // 0 deletes
    LONGS_EQUAL(-EADDRNOTAVAIL, devinet_ioctl(SIOCGIFADDR, "eth0", &v));
    v = ipv4_addr(192, 168, 7, 1);  // new, classful mask
    LONGS_EQUAL(0, devinet_ioctl(SIOCSIFADDR, "eth0:2", &v));
    LONGS_EQUAL(24, inet_ifa_find(e.eth, v)->ifa_prefixlen);
    STRCMP_EQUAL("eth0:2", inet_ifa_find(e.eth, v)->ifa_label);

    rtentry_in rt{};
    rt.rt_dst = ipv4_addr(203, 0, 113, 0);
    rt.rt_genmask = ipv4_addr(255, 255, 255, 0);
    rt.rt_gateway = ipv4_addr(192, 168, 7, 254);
    rt.rt_flags = RTF_UP | RTF_GATEWAY;
    rt.rt_metric = 1;
    LONGS_EQUAL(0, ip_rt_ioctl(SIOCADDRT, &rt));
    CHECK_EQUAL(ipv4_addr(192, 168, 7, 254), route_to(ipv4_addr(203, 0, 113, 9)).rt_gateway);
    rt.rt_genmask = ipv4_addr(255, 0, 255, 0);
    LONGS_EQUAL(-EINVAL, ip_rt_ioctl(SIOCADDRT, &rt));
    rt.rt_genmask = ipv4_addr(255, 255, 255, 0);
    LONGS_EQUAL(0, ip_rt_ioctl(SIOCDELRT, &rt));
    route_to(ipv4_addr(203, 0, 113, 9), -ENETUNREACH);
    rtentry_in reject{};
    reject.rt_dst = ipv4_addr(192, 168, 7, 99);
    reject.rt_flags = RTF_UP | RTF_HOST | RTF_REJECT;
    LONGS_EQUAL(0, ip_rt_ioctl(SIOCADDRT, &reject));
    route_to(ipv4_addr(192, 168, 7, 99), -EHOSTUNREACH);
    strcpy(reject.rt_dev, "nope0");
    LONGS_EQUAL(-ENODEV, ip_rt_ioctl(SIOCADDRT, &reject));
}

TEST(route, listings) {
    LONGS_EQUAL(0, fib_add_route(route(ipv4_addr(192, 0, 2, 0), 24, ipv4_addr(10, 0, 2, 254), nullptr, 3)));
    std::string r = text(route_show);
    STRCMP_EQUAL("Kernel IP routing table\n"
                 "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n"
                 "10.0.2.0        0.0.0.0         255.255.255.0   U     0      0          0 eth0\n"
                 "192.0.2.0       10.0.2.254      255.255.255.0   UG    3      0          0 eth0\n"
                 "0.0.0.0         10.0.2.2        0.0.0.0         UG    0      0          0 eth0\n",
                 r.c_str());
    std::string p = text(rt_proc_show);
    CHECK(p.find("eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0") != std::string::npos);
    CHECK(p.find("eth0\t00000000\t0202000A\t0003\t0\t0\t0\t00000000\t0\t0\t0") != std::string::npos);
    LONGS_EQUAL(4 * 128, p.size());
    std::string ifc(ifconfig_show(nullptr, 0, nullptr) + 1, '\0');
    ifconfig_show(ifc.data(), ifc.size(), nullptr);
    CHECK(ifc.find("eth0       Link encap:Ethernet  HWaddr 02:00:00:00:00:0a\n"
                   "           inet addr:10.0.2.15  Bcast:10.0.2.255  Mask:255.255.255.0\n"
                   "           UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1\n") != std::string::npos);
    CHECK(ifc.find("lo         Link encap:Local Loopback\n"
                   "           inet addr:127.0.0.1  Mask:255.0.0.0\n"
                   "           UP LOOPBACK RUNNING  MTU:65536  Metric:1\n") != std::string::npos);
    std::string snmp = text(snmp_seq_show);
    CHECK(snmp.find("Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams "
                    "InUnknownProtos InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout "
                    "ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates\nIp: 2 64 0 0") == 0);
    CHECK(snmp.find("Icmp: InMsgs InErrors") != std::string::npos);
    std::string ns = text(netstat_s_show);
    CHECK(ns.find("    InHdrErrors: 0\n") != std::string::npos);
    CHECK(ns.find("Arp:\n    InRequests: 0\n") != std::string::npos);
    std::string nx = text(netstat_seq_show);
    CHECK(nx.find("TcpExt: SyncookiesSent SyncookiesRecv") == 0);
    CHECK(nx.find("IpExt: InNoRoutes InTruncatedPkts") != std::string::npos);
}

TEST_GROUP(ipconfig) {
    env e;
    void setup() override { e.setup(false); }
    void teardown() override {
        cmdline::parse("");
        e.teardown();
    }
    ic_config parse_ok(const char* s) {
        ic_config c;
        const char* why = "";
        LONGS_EQUAL_TEXT(0, ip_config_parse(s, &c, &why), why);
        return c;
    }
    std::string parse_bad(const char* s) {
        ic_config c;
        const char* why = "";
        LONGS_EQUAL_TEXT(-EINVAL, ip_config_parse(s, &c, &why), s);
        return why;
    }
};

TEST(ipconfig, the_usual_static_string) {
    ic_config c = parse_ok("10.0.2.15::10.0.2.2:255.255.255.0::eth0:off");
    CHECK_FALSE(c.off);
    STRCMP_EQUAL("", c.autoconf);
    CHECK_EQUAL(our_ip, c.client);
    CHECK_EQUAL(0u, c.server);
    CHECK_EQUAL(gw_ip, c.gateway);
    CHECK_EQUAL(ipv4_addr(255, 255, 255, 0), c.netmask);
    STRCMP_EQUAL("", c.hostname);
    STRCMP_EQUAL("eth0", c.device);
}

TEST(ipconfig, every_field) {
    ic_config c = parse_ok("10.0.2.15:10.0.2.4:10.0.2.2:255.255.255.0:board1:eth0:none:10.0.2.3:8.8.8.8:10.0.2.5");
    CHECK_EQUAL(ipv4_addr(10, 0, 2, 4), c.server);
    STRCMP_EQUAL("board1", c.hostname);
    CHECK_EQUAL(ipv4_addr(10, 0, 2, 3), c.dns[0]);
    CHECK_EQUAL(ipv4_addr(8, 8, 8, 8), c.dns[1]);
    CHECK_EQUAL(ipv4_addr(10, 0, 2, 5), c.ntp);
}

TEST(ipconfig, defaults_and_shorthands) {
    ic_config c = parse_ok("192.168.1.7");
    CHECK_EQUAL(ipv4_addr(255, 255, 255, 0), c.netmask);  // classful
    STRCMP_EQUAL("", c.device);
    CHECK_TRUE(parse_ok("off").off);
    CHECK_TRUE(parse_ok("none").off);
    CHECK_TRUE(parse_ok("::::::off").off);  // nothing to configure
    STRCMP_EQUAL("dhcp", parse_ok("dhcp").autoconf);
    STRCMP_EQUAL("bootp", parse_ok(":::::eth0:bootp").autoconf);
    STRCMP_EQUAL("any", parse_ok("any").autoconf);
    for (const char* dhcp : {"dhcp", "on", "any", "::::::dhcp", ":::::eth0:dhcp"}) {
        CHECK_TRUE(ip_config_is_dhcp(parse_ok(dhcp)));
    }
    for (const char* other : {"bootp", "rarp", "both", "10.0.2.15"}) {
        CHECK_FALSE(ip_config_is_dhcp(parse_ok(other)));
    }
    STRCMP_EQUAL("eth0", parse_ok(":::::eth0:dhcp").device);
}

TEST(ipconfig, bad_strings_say_why) {
    STRCMP_EQUAL("bad client address", parse_bad("10.0.2.256::10.0.2.2:255.255.255.0::eth0:off").c_str());
    STRCMP_EQUAL("bad client address", parse_bad("10.0.2::10.0.2.2").c_str());
    STRCMP_EQUAL("bad gateway address", parse_bad("10.0.2.15::10.0.2.x").c_str());
    STRCMP_EQUAL("bad netmask", parse_bad("10.0.2.15:::255.255.255").c_str());
    STRCMP_EQUAL("netmask is not contiguous", parse_bad("10.0.2.15:::255.0.255.0").c_str());
    STRCMP_EQUAL("gateway not on directly connected network",
                 parse_bad("10.0.2.15::10.0.3.1:255.255.255.0").c_str());
    STRCMP_EQUAL("gateway is not a unicast address", parse_bad("10.0.2.15::10.0.2.15:255.255.255.0").c_str());
    STRCMP_EQUAL("client address is not a unicast address", parse_bad("224.0.0.1").c_str());
    STRCMP_EQUAL("client address is not a unicast address", parse_bad("127.0.0.1").c_str());
    STRCMP_EQUAL("unknown autoconf method", parse_bad("10.0.2.15:::::eth0:dhcpv6").c_str());
    STRCMP_EQUAL("more than ten fields", parse_bad("10.0.2.15:::::::::::").c_str());
    STRCMP_EQUAL("device name too long", parse_bad("10.0.2.15:::::eth0123456789abcdef").c_str());
    std::string longname = "10.0.2.15::::" + std::string(65, 'h');
    STRCMP_EQUAL("hostname longer than 64 characters", parse_bad(longname.c_str()).c_str());
    STRCMP_EQUAL("empty", parse_bad("").c_str());
}

TEST(ipconfig, applied_when_the_device_registers) {
    // eth0 exists already (env): ip= names eth1, which comes later.
    cmdline::parse("ip=10.0.3.15::10.0.3.2:255.255.255.0::eth1:off");
    ip_auto_config();
    bool applied = true;
    CHECK(ip_config_current(&applied) != nullptr);
    CHECK_FALSE(applied);
    ip_auto_config_late();
    CHECK(host_stub::console.find("IP-Config: device eth1 not found; it is configured when it registers") !=
          std::string::npos);
    net_device* eth1 = net_test::fake_etherdev(false);
    STRCMP_EQUAL("eth1", eth1->name);
    ip_config_current(&applied);
    CHECK_TRUE(applied);
    CHECK_TRUE(netif_running(eth1));
    CHECK(inet_ifa_find(eth1, ipv4_addr(10, 0, 3, 15)) != nullptr);
    rtable rt = route_to(remote_ip);
    POINTERS_EQUAL(eth1, rt.dev);
    CHECK_EQUAL(ipv4_addr(10, 0, 3, 2), rt.rt_gateway);
    CHECK(host_stub::console.find("IP-Config: Complete: device=eth1, ipaddr=10.0.3.15, mask=255.255.255.0, "
                                  "gw=10.0.3.2") != std::string::npos);
    ipv4_exit();
    net_test::destroy(eth1);
    ipv4_init();
}

TEST(ipconfig, applied_at_once_to_a_device_already_there) {
    cmdline::parse("ip=10.0.2.15:10.0.2.4:10.0.2.2:255.255.255.0:board1::off:10.0.2.3");
    ip_auto_config();
    bool applied = false;
    ip_config_current(&applied);
    CHECK_TRUE(applied);
    CHECK(inet_ifa_find(e.eth, our_ip) != nullptr);  // the first non-loopback device
    char buf[128];
    pnp_seq_show(buf, sizeof buf);
    STRCMP_EQUAL("#PROTO: MANUAL\nnameserver 10.0.2.3\nbootserver 10.0.2.4\n", buf);
}

TEST(ipconfig, bootp_rarp_and_both_are_refused_and_say_so) {
    for (const char* proto : {"bootp", "rarp", "both"}) {
        std::string arg = std::string("ip=") + proto;
        cmdline::parse(arg.c_str());
        ip_auto_config();
        POINTERS_EQUAL(nullptr, ip_config_current(nullptr));
        std::string said = std::string("IP-Config: ") + proto + " is not supported (no BOOTP or RARP client)";
        CHECK(host_stub::console.find(said) != std::string::npos);
    }
    cmdline::parse("ip=10.0.2.999");
    ip_auto_config();
    POINTERS_EQUAL(nullptr, ip_config_current(nullptr));
    CHECK(host_stub::console.find("ip=10.0.2.999: bad client address; nothing configured") != std::string::npos);
    POINTERS_EQUAL(nullptr, inet_ifa_find(e.eth, our_ip));
}
