// The RTNL (net/core/rtnetlink.h): configuring threads take turns, and a
// change made without it is reported.
#include <CppUTest/TestHarness.h>

#include <string.h>

#include <string>

#include "kernel/sched/sched.h"
#include "kernel/sched/sync.h"
#include "kernel/sched/task.h"
#include "net/core/dev_ioctl.h"
#include "net/core/rtnetlink.h"
#include "net/core/sockios.h"
#include "tests/unit/host/sched_host.h"
#include "tests/unit/net_test_util.h"

namespace {

std::string* log_;
net_device* dev_;

// Holds the RTNL across a switch, changing the MTU in two steps: nobody
// may see or make a change in between.
void slow_configurer(void* name) {
    rtnl_guard rtnl;
    *log_ += static_cast<const char*>(name);
    CHECK_TRUE(ASSERT_RTNL());
    LONGS_EQUAL(0, dev_set_mtu(dev_, 1000));
    yield();
    LONGS_EQUAL(0, dev_set_mtu(dev_, 1400));
    *log_ += static_cast<const char*>(name);
}

// ifconfig's path: SIOCSIFMTU through dev_ioctl, which takes the RTNL itself.
void ioctl_configurer(void* name) {
    current->flags |= PF_PRIVILEGED;   // CAP_NET_ADMIN
    ifreq ifr{};
    strncpy(ifr.ifr_name, dev_->name, IFNAMSIZ - 1);
    ifr.ifr_mtu = 576;
    bool copyout;
    LONGS_EQUAL(0, dev_ioctl(SIOCSIFMTU, &ifr, &copyout));
    *log_ += static_cast<const char*>(name);
    *log_ += std::to_string(dev_->mtu);
}

completion* release_;

void holder(void*) {
    rtnl_guard rtnl;
    release_->wait_for_completion();
}

}  // namespace

TEST_GROUP(rtnl) {
    std::string log;
    net_test::leak_check leaks;
    void setup() override {
        net_test::setup();
        sched_init();
        leaks = net_test::leak_check{};
        log_ = &log;
        dev_ = net_test::fake_etherdev();
    }
    void teardown() override {
        host_reap_dead_tasks();
        net_test::destroy(dev_);
        CHECK_FALSE(rtnl_is_locked());
        leaks.verify();
        net_test::teardown();
    }
};

TEST(rtnl, two_configuring_threads_take_turns) {
    kthread_run(slow_configurer, const_cast<char*>("a"), "a", 10);
    kthread_run(slow_configurer, const_cast<char*>("b"), "b", 10);
    schedule();
    STRCMP_EQUAL("aabb", log.c_str());
    LONGS_EQUAL(1400, dev_->mtu);
}

TEST(rtnl, an_ioctl_waits_for_the_holder) {
    unsigned long failures = rtnl_assert_failures();
    kthread_run(slow_configurer, const_cast<char*>("a"), "a", 10);
    kthread_run(ioctl_configurer, const_cast<char*>("i"), "i", 10);
    schedule();
    // Without the lock the ioctl would have landed between a's two steps
    // and been overwritten: "ai576a", MTU 1400.
    STRCMP_EQUAL("aai576", log.c_str());
    LONGS_EQUAL(576, dev_->mtu);
    LONGS_EQUAL(failures, rtnl_assert_failures());
}

TEST(rtnl, a_change_without_it_is_reported) {
    unsigned long failures = rtnl_assert_failures();
    CHECK_FALSE(ASSERT_RTNL());
    LONGS_EQUAL(0, dev_set_mtu(dev_, 1200));   // goes ahead, as in Linux
    LONGS_EQUAL(1200, dev_->mtu);
    LONGS_EQUAL(failures + 2, rtnl_assert_failures());
    CHECK(host_stub::console.find("RTNL: assertion failed at ") != std::string::npos);
    CHECK(host_stub::console.find("net/core/dev.cpp") != std::string::npos);
    {
        rtnl_guard rtnl;
        CHECK_TRUE(ASSERT_RTNL());
        LONGS_EQUAL(0, dev_set_mtu(dev_, 1300));
    }
    LONGS_EQUAL(failures + 2, rtnl_assert_failures());
}

TEST(rtnl, held_by_another_thread_is_not_held) {
    completion release;
    release_ = &release;
    kthread_run(holder, nullptr, "holder", 10);
    schedule();   // the holder takes it and waits
    CHECK_TRUE(rtnl_is_locked());
    CHECK_FALSE(lockdep_rtnl_is_held());
    CHECK_FALSE(rtnl_trylock());
    unsigned long failures = rtnl_assert_failures();
    CHECK_FALSE(ASSERT_RTNL());
    LONGS_EQUAL(failures + 1, rtnl_assert_failures());
    release.complete();
    schedule();   // the holder lets go and ends
    CHECK_FALSE(rtnl_is_locked());
}

TEST(rtnl, taking_it_with_bottom_halves_off_is_a_bug_report) {
    {
        bh_guard bh;
        rtnl_lock();
        rtnl_unlock();
    }
    CHECK(host_stub::console.find("BUG: rtnl_lock() from softirq context") != std::string::npos);
}
