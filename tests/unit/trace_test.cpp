#include <CppUTest/TestHarness.h>

#include <string>

#include "kernel/printk.h"
#include "kernel/trace.h"
#include "tests/unit/host/host_stub.h"

namespace {
void inner() { trace::scope t(trace::cat::socket, "__sock_create"); }
void outer() {
    trace::scope t(trace::cat::socket, "sock_create");
    inner();
}
}  // namespace

TEST_GROUP(trace) {
    void setup() override {
        trace::clear();
        trace::set_from_list("none");
        host_stub::console.clear();
        klog::set_console_level(7);
    }
    void teardown() override { trace::set_from_list("none"); }
};

TEST(trace, off_records_nothing) {
    outer();
    trace::record r[4];
    LONGS_EQUAL(0, trace::snapshot(r, 4));
}

TEST(trace, nested_chain_prints_indented) {
    LONGS_EQUAL(1, trace::set_from_list("socket"));
    {
        trace::scope t(trace::cat::socket, "sys_socket");
        outer();
    }
    trace::record r[8];
    LONGS_EQUAL(6, trace::snapshot(r, 8));
    STRCMP_EQUAL("sys_socket", r[0].fn);
    LONGS_EQUAL(0, r[0].depth);
    LONGS_EQUAL(2, r[2].depth);
    LONGS_EQUAL('<', r[5].kind);
    CHECK(host_stub::console.find("trace: sys_socket\n") != std::string::npos);
    CHECK(host_stub::console.find("trace:   sock_create\n") != std::string::npos);
    CHECK(host_stub::console.find("trace:     __sock_create\n") != std::string::npos);
}

TEST(trace, categories_are_separate) {
    trace::set_from_list("rx");
    outer();
    trace::event(trace::cat::rx, "netif_rx", "len=%d", 60);
    trace::record r[4];
    LONGS_EQUAL(1, trace::snapshot(r, 4));
    STRCMP_EQUAL("len=60", r[0].note);
}

TEST(trace, list_parsing) {
    LONGS_EQUAL(-1, trace::set_from_list("socket,bogus"));
    CHECK_FALSE(trace::enabled(trace::cat::socket));
    LONGS_EQUAL(1, trace::set_from_list("all"));
    CHECK_TRUE(trace::enabled(trace::cat::irq));
}

TEST(trace, ring_keeps_newest) {
    trace::set_from_list("rx");
    klog::set_console_level(0);
    for (int i = 0; i < 600; ++i) {
        trace::event(trace::cat::rx, "e", "%d", i);
    }
    static trace::record r[512];
    LONGS_EQUAL(512, trace::snapshot(r, 512));
    STRCMP_EQUAL("599", r[511].note);
    STRCMP_EQUAL("88", r[0].note);
}
