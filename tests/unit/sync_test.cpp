#include <CppUTest/TestHarness.h>

#include <string>

#include "kernel/sched/sched.h"
#include "tests/unit/host/sched_host.h"
#include "kernel/sched/sync.h"

namespace {
std::string* log_;
mutex* m_;
semaphore* sem_;
completion* done_;

void locker(void* name) {
    m_->lock();
    *log_ += static_cast<const char*>(name);
    yield();  // hold it across a switch: the other must wait
    *log_ += static_cast<const char*>(name);
    m_->unlock();
}

void taker(void* name) {
    sem_->down();
    *log_ += static_cast<const char*>(name);
}

void waiter(void* name) {
    done_->wait_for_completion();
    *log_ += static_cast<const char*>(name);
}

}  // namespace

TEST_GROUP(sync) {
    std::string log;
    void setup() override {
        log_ = &log;
        host_mm_init();
        sched_init();
    }
    void teardown() override {
        host_reap_dead_tasks();
        host_mm_reset();
    }
};

TEST(sync, mutex_excludes) {
    mutex m;
    m_ = &m;
    kthread_run(locker, const_cast<char*>("a"), "a", 10);
    kthread_run(locker, const_cast<char*>("b"), "b", 10);
    schedule();
    STRCMP_EQUAL("aabb", log.c_str());
    CHECK_FALSE(m.is_locked());
}

TEST(sync, mutex_trylock_and_stray_unlock) {
    mutex m;
    CHECK_TRUE(m.trylock());
    CHECK_FALSE(m.trylock());
    POINTERS_EQUAL(current, m.owner());
    m.unlock();
    m.unlock();  // reported, ignored
    CHECK_FALSE(m.is_locked());
}

TEST(sync, semaphore_counts) {
    semaphore s(1);
    sem_ = &s;
    kthread_run(taker, const_cast<char*>("1"), "t1", 10);
    kthread_run(taker, const_cast<char*>("2"), "t2", 10);
    kthread_run(taker, const_cast<char*>("3"), "t3", 10);
    schedule();
    STRCMP_EQUAL("1", log.c_str());  // one count: one taker through
    s.up();
    schedule();
    STRCMP_EQUAL("12", log.c_str());
    s.up();
    schedule();
    STRCMP_EQUAL("123", log.c_str());
    LONGS_EQUAL(0, s.count());
    CHECK_FALSE(s.down_trylock());
}

TEST(sync, completion_one_and_all) {
    completion c;
    done_ = &c;
    kthread_run(waiter, const_cast<char*>("x"), "x", 10);
    kthread_run(waiter, const_cast<char*>("y"), "y", 10);
    schedule();
    STRCMP_EQUAL("", log.c_str());
    c.complete();
    schedule();
    LONGS_EQUAL(1, log.size());
    c.complete_all();
    schedule();
    LONGS_EQUAL(2, log.size());
    CHECK_TRUE(c.try_wait_for_completion());  // complete_all stays done
}
