// host-only: builds its inputs with the host's C++ library (std::string).
// httpd's /status.json pieces (apps/http/json.cpp, procstat.cpp): JSON
// escaping and structure, and the kernel's /proc text read into members.
#include <CppUTest/TestHarness.h>

#include <string.h>

#include <string>

#include "apps/http/json.h"
#include "apps/http/procstat.h"

namespace {
http::text T(const char* s) { return {s, strlen(s)}; }

struct doc {
    char buf[2048];
    http::json_writer j{buf, sizeof buf};
    std::string s() const { return std::string(buf, j.len()); }
};
}  // namespace

TEST_GROUP(http_status) {};

TEST(http_status, json_structure_and_escapes) {
    doc d;
    d.j.begin_object();
    d.j.key("a");
    d.j.num(1);
    d.j.key("s");
    d.j.str(http::text{"q\"b\\n\n\t\x01\xff", 9});
    d.j.key("l");
    d.j.begin_array();
    d.j.num(2);
    d.j.boolean(true);
    d.j.begin_object();
    d.j.end_object();
    d.j.num_fixed(12345);
    d.j.end_array();
    d.j.end_object();
    CHECK_FALSE(d.j.overflow());
    STRCMP_EQUAL("{\"a\":1,\"s\":\"q\\\"b\\\\n\\n\\t\\u0001?\",\"l\":[2,true,{},12.345]}", d.s().c_str());
}

TEST(http_status, json_overflow_and_unclosed) {
    char buf[8];
    http::json_writer j(buf, sizeof buf);
    j.begin_array();
    j.str("a long string");
    j.end_array();
    CHECK(j.overflow());
    char big[64];
    http::json_writer k(big, sizeof big);
    k.begin_object();
    CHECK(k.overflow());   // never closed
}

TEST(http_status, net_dev) {
    const char* t =
        "Inter-|   Receive                                                |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
        "    lo:     100       2    0    0    0     0          0         0      100       2    0    0    0     0       0          0\n"
        "  eth0:    5000      40    1    2    0     0          0         3     7000      50    0    4    0     0       0          0\n";
    doc d;
    http::json_net_dev(T(t), d.j);
    std::string s = d.s();
    CHECK(s.find("{\"name\":\"lo\",\"rx_bytes\":100,\"rx_packets\":2,") == 1);
    CHECK(s.find("\"name\":\"eth0\",\"rx_bytes\":5000,\"rx_packets\":40,\"rx_errs\":1,\"rx_drop\":2") !=
          std::string::npos);
    CHECK(s.find("\"tx_bytes\":7000,\"tx_packets\":50,\"tx_errs\":0,\"tx_drop\":4") != std::string::npos);
    CHECK(s.back() == ']');
}

TEST(http_status, tcp_states) {
    const char* t =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "   0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1\n"
        "   1: 0205000A:0050 0105000A:C350 01 00000000:00000000 00:00000000 00000000     0        0 2\n"
        "   2: 0205000A:0050 0105000A:C351 01 00000000:00000000 00:00000000 00000000     0        0 3\n"
        "   3: 0205000A:0050 0105000A:C352 06 00000000:00000000 00:00000000 00000000     0        0 4\n";
    doc d;
    http::json_tcp_states(T(t), d.j);
    std::string s = d.s();
    CHECK(s.find("\"ESTABLISHED\":2,") != std::string::npos);
    CHECK(s.find("\"LISTEN\":1,") != std::string::npos);
    CHECK(s.find("\"TIME_WAIT\":1,") != std::string::npos);
    CHECK(s.find("\"SYN_SENT\":0,") != std::string::npos);
}

TEST(http_status, softirqs) {
    const char* t = "                  RAISED          RUN\n"
                    "HI                     0            0\n"
                    "NET_RX               123          120\n"
                    "deferred to ksoftirqd: 4\n";
    doc d;
    http::json_softirqs(T(t), d.j);
    STRCMP_EQUAL("{\"HI\":{\"raised\":0,\"run\":0},\"NET_RX\":{\"raised\":123,\"run\":120}}", d.s().c_str());
}

TEST(http_status, snmp_and_meminfo) {
    const char* snmp = "Ip: Forwarding DefaultTTL\nIp: 2 64\n"
                       "Tcp: RtoAlgorithm RtoMin InSegs OutSegs RetransSegs InErrs\nTcp: 1 200 10 20 7 0\n";
    uint64_t v = 0;
    CHECK(http::snmp_value(T(snmp), "Tcp", "RetransSegs", &v));
    LONGS_EQUAL(7, v);
    CHECK(http::snmp_value(T(snmp), "Ip", "DefaultTTL", &v));
    LONGS_EQUAL(64, v);
    CHECK_FALSE(http::snmp_value(T(snmp), "Tcp", "Nothing", &v));
    CHECK_FALSE(http::snmp_value(T(snmp), "Udp", "InDatagrams", &v));
    const char* mem = "MemTotal:          131072 kB\nMemFree:            65536 kB\nOpenFiles:             9\n";
    CHECK(http::meminfo_value(T(mem), "MemFree", &v));
    LONGS_EQUAL(65536, v);
    CHECK(http::meminfo_value(T(mem), "OpenFiles", &v));
    LONGS_EQUAL(9, v);
    CHECK_FALSE(http::meminfo_value(T(mem), "Mem", &v));
}

TEST(http_status, log_tail) {
    doc d;
    http::json_log_tail(T("one\ntwo\nthree \"q\"\nfour\n"), 2, d.j);
    STRCMP_EQUAL("[\"three \\\"q\\\"\",\"four\"]", d.s().c_str());
    doc e;
    http::json_log_tail(T("only"), 5, e.j);
    STRCMP_EQUAL("[\"only\"]", e.s().c_str());
    doc f;
    http::json_log_tail(T(""), 5, f.j);
    STRCMP_EQUAL("[]", f.s().c_str());
}
