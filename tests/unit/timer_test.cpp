// host-only: the tests set jiffies and run the wheel by hand.
#include <CppUTest/TestHarness.h>
#include <CppUTest/TestMemoryAllocator.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "tests/unit/host/test_seed.h"

#include "kernel/cpu.h"
#include "kernel/softirq.h"
#include "kernel/timer.h"

namespace {

struct probe {
    int id = 0;
    timer_list timer;
    unsigned fired = 0;
    unsigned long fired_at = 0;  // jiffies seen by the function
};

// Order in which timer functions ran (ids), for "fires in expiry order".
constexpr unsigned max_log = 16;
int fire_log[max_log];
unsigned fire_count;

void on_fire(timer_list* t) {
    probe* p = from_timer(t, &probe::timer);
    ++p->fired;
    p->fired_at = jiffies;
    if (fire_count < max_log) {
        fire_log[fire_count] = p->id;
    }
    ++fire_count;
}

// One tick interrupt of `ticks` jiffies, as the trap code runs it.
void tick(unsigned long ticks = 1) {
    cpu::irq_guard guard;
    irq_enter();
    do_timer(ticks);
    irq_exit();
}

void tick_to(unsigned long target) {
    if (time_after(target, jiffies)) {
        tick(target - jiffies);
    }
}

// Probes live here, not on a test's stack: a test that fails half-way
// leaves its timers queued, and teardown must be able to remove them.
probe pool[32];
unsigned pool_used;

void remove_every_test_timer();  // at the end of the file

probe& fresh() {
    probe& p = pool[pool_used++ % 32];
    p = {};
    return p;
}

void arm(probe& p, int id, unsigned long expires) {
    p.id = id;
    timer_setup(&p.timer, on_fire, 0);
    p.timer.expires = expires;
    add_timer(&p.timer);
}

// Ticks one jiffy at a time from `from` and checks the timer fires exactly
// when jiffies reaches `expires`, and only once.
void expect_fires_exactly(probe& p, unsigned long expires) {
    tick_to(expires - 1);
    LONGS_EQUAL(0, p.fired);
    CHECK(timer_pending(&p.timer));
    tick();
    LONGS_EQUAL(1, p.fired);
    CHECK(p.fired_at == expires);
    CHECK(!timer_pending(&p.timer));
    tick(5);
    LONGS_EQUAL(1, p.fired);
}

}  // namespace

TEST_GROUP(timer) {
    void setup() override {
        init_timers();
        do_softirq();
        jiffies = 12345;  // not aligned to any wheel level
        fire_count = 0;
        pool_used = 0;
    }
    // Every test leaves no timer pending, so the next one starts with an
    // empty wheel (whose clock then follows the jiffies it sets).
    void teardown() override {
        raise_softirq(TIMER_SOFTIRQ);  // the run recomputes the next expiry,
        do_softirq();                   // which is far away only when empty
        bool empty = time_after(next_timer_expiry(), jiffies + MAX_JIFFY_OFFSET / 2);
        remove_every_test_timer();
        CHECK(empty);
        LONGS_EQUAL(0, preempt_count());
    }
};

TEST(timer, jiffies_helpers) {
    CHECK(time_after(11, 10));
    CHECK(!time_after(10, 10));
    CHECK(time_after_eq(10, 10));
    CHECK(time_before(10, 11));
    CHECK(time_after(5, ULONG_MAX - 5));   // across the wrap
    CHECK(time_before(ULONG_MAX - 5, 5));
    CHECK(time_in_range(ULONG_MAX, ULONG_MAX - 1, 2));
    LONGS_EQUAL(0, msecs_to_jiffies(0));
    LONGS_EQUAL(1, msecs_to_jiffies(1));            // rounded up, never early
    LONGS_EQUAL(HZ, msecs_to_jiffies(1000));
    LONGS_EQUAL(HZ + 1, msecs_to_jiffies(1001));
    CHECK(msecs_to_jiffies(static_cast<unsigned>(-1)) == MAX_JIFFY_OFFSET);
    LONGS_EQUAL(1, usecs_to_jiffies(1));
    LONGS_EQUAL(HZ, usecs_to_jiffies(1000000));
    LONGS_EQUAL(1000, jiffies_to_msecs(HZ));
    LONGS_EQUAL(1000000, jiffies_to_usecs(HZ));
    for (unsigned ms = 0; ms < 5000; ms += 7) {
        CHECK(jiffies_to_msecs(msecs_to_jiffies(ms)) >= ms);
    }
}

TEST(timer, near_and_far_expire_at_exactly_their_jiffy) {
    const unsigned long deltas[] = {1, 2, 7, 8, 63, 64, 65, 511, 512, 513, 4095, 4096, 4097,
                                    32768, 100000, 262143, 262144};
    for (unsigned long delta : deltas) {
        probe& p = fresh();
        unsigned long expires = jiffies + delta;
        arm(p, 1, expires);
        expect_fires_exactly(p, expires);
    }
}

TEST(timer, beyond_the_top_level_still_exact) {
    // 63 * 8^8 jiffies is the wheel's reach; these are re-queued from its far end.
    const unsigned long deltas[] = {(1ul << 24) + 3, (63ul << 24) - 1, (63ul << 24) + 12345,
                                    (1ul << 33) + 7};
    for (unsigned long delta : deltas) {
        probe& p = fresh();
        unsigned long expires = jiffies + delta;
        arm(p, 1, expires);
        tick_to(expires - 300);
        expect_fires_exactly(p, expires);
    }
}

TEST(timer, across_the_jiffies_wrap) {
    jiffies = ULONG_MAX - 100;
    const unsigned long deltas[] = {50, 100, 101, 102, 200, 5000, 100000};
    probe* p[7];
    for (unsigned i = 0; i < 7; ++i) {
        p[i] = &fresh();
        arm(*p[i], static_cast<int>(i), jiffies + deltas[i]);
    }
    unsigned long start = jiffies;
    while (jiffies - start < 100010) {
        tick();
        for (unsigned i = 0; i < 7; ++i) {
            bool due = jiffies - start >= deltas[i];
            LONGS_EQUAL(due ? 1 : 0, p[i]->fired);
        }
    }
    for (unsigned i = 0; i < 7; ++i) {
        CHECK(p[i]->fired_at == start + deltas[i]);
    }
}

TEST(timer, multi_jiffy_tick_fires_everything_due_in_order) {
    probe* p = &fresh();
    for (int i = 1; i < 5; ++i) {
        fresh();
    }
    unsigned long base = jiffies;
    arm(p[0], 0, base + 3);
    arm(p[1], 1, base + 1);
    arm(p[2], 2, base + 70);
    arm(p[3], 3, base + 9);
    arm(p[4], 4, base + 71);
    tick(70);
    LONGS_EQUAL(4, fire_count);
    LONGS_EQUAL(1, fire_log[0]);
    LONGS_EQUAL(0, fire_log[1]);
    LONGS_EQUAL(3, fire_log[2]);
    LONGS_EQUAL(2, fire_log[3]);
    CHECK(timer_pending(&p[4].timer));
    tick(1000);
    LONGS_EQUAL(1, p[4].fired);
}

TEST(timer, already_due_fires_at_the_next_tick) {
    probe& p = fresh();
    arm(p, 1, jiffies - 10);
    CHECK(timer_pending(&p.timer));
    tick();
    LONGS_EQUAL(1, p.fired);
}

TEST(timer, tick_raises_the_softirq_only_when_due) {
    probe& near = fresh();
    probe& far = fresh();
    arm(near, 1, jiffies + 40);
    arm(far, 2, jiffies + 1000);
    do_timer(39);  // outside irq_exit: nothing runs it, the bit shows
    LONGS_EQUAL(0, local_softirq_pending() & (1u << TIMER_SOFTIRQ));
    do_timer(1);
    CHECK(local_softirq_pending() & (1u << TIMER_SOFTIRQ));
    do_softirq();
    LONGS_EQUAL(1, near.fired);
    // A coarse bucket is sorted at the start of its window: work, but early.
    unsigned long next = next_timer_expiry();
    CHECK(time_after(next, jiffies) && time_before_eq(next, far.timer.expires));
    LONGS_EQUAL(1, del_timer(&far.timer));
}

TEST(timer, mod_timer_and_del_timer_return_whether_pending) {
    probe& p = fresh();
    p.id = 1;
    timer_setup(&p.timer, on_fire, 0);
    CHECK(!timer_pending(&p.timer));
    LONGS_EQUAL(0, del_timer(&p.timer));
    LONGS_EQUAL(0, mod_timer(&p.timer, jiffies + 10));
    LONGS_EQUAL(1, mod_timer(&p.timer, jiffies + 10));  // unchanged
    LONGS_EQUAL(1, mod_timer(&p.timer, jiffies + 5000));  // later, another level
    LONGS_EQUAL(1, mod_timer(&p.timer, jiffies + 20));    // earlier again
    tick(19);
    LONGS_EQUAL(0, p.fired);
    LONGS_EQUAL(1, del_timer(&p.timer));
    LONGS_EQUAL(0, del_timer(&p.timer));
    tick(10000);
    LONGS_EQUAL(0, p.fired);
    LONGS_EQUAL(0, del_timer_sync(&p.timer));
}

TEST(timer, timer_reduce_only_moves_earlier) {
    probe& p = fresh();
    arm(p, 1, jiffies + 50);
    LONGS_EQUAL(1, timer_reduce(&p.timer, jiffies + 80));
    CHECK(p.timer.expires == jiffies + 50);
    LONGS_EQUAL(1, timer_reduce(&p.timer, jiffies + 30));
    unsigned long expires = jiffies + 30;
    expect_fires_exactly(p, expires);
}

namespace {
probe rearming;
unsigned rearm_left;
int mod_in_fn, del_in_fn;
void rearm_fn(timer_list* t) {
    on_fire(t);
    del_in_fn = del_timer(t);  // not pending while it runs
    if (rearm_left-- > 0) {
        mod_in_fn = mod_timer(t, jiffies + 7);
    }
}
}  // namespace

TEST(timer, function_rearms_itself) {
    rearm_left = 3;
    rearming = {};
    rearming.id = 9;
    timer_setup(&rearming.timer, rearm_fn, 0);
    unsigned long start = jiffies;
    mod_timer(&rearming.timer, start + 5);
    for (int i = 0; i < 40; ++i) {
        tick();
    }
    LONGS_EQUAL(4, rearming.fired);
    CHECK(rearming.fired_at == start + 5 + 3 * 7);
    LONGS_EQUAL(0, mod_in_fn);
    LONGS_EQUAL(0, del_in_fn);
    CHECK(!timer_pending(&rearming.timer));
}

TEST(timer, rearm_to_now_waits_for_the_next_tick) {
    // A function that re-arms for "now" must not loop inside one softirq run.
    rearm_left = 1;
    rearming = {};
    timer_setup(&rearming.timer, [](timer_list* t) {
        on_fire(t);
        if (rearm_left-- > 0) {
            mod_timer(t, jiffies);
        }
    }, 0);
    mod_timer(&rearming.timer, jiffies + 1);
    tick();
    LONGS_EQUAL(1, rearming.fired);
    tick();
    LONGS_EQUAL(2, rearming.fired);
}

namespace {
probe same_jiffy[3];
void delete_the_others(timer_list* t) {
    on_fire(t);
    del_in_fn = del_timer(&same_jiffy[1].timer);          // due now, not run yet
    mod_in_fn = mod_timer(&same_jiffy[2].timer, jiffies + 3);  // due now: postponed
}
}  // namespace

TEST(timer, a_function_may_delete_or_move_timers_due_with_it) {
    unsigned long due = jiffies + 4;
    // Queued in reverse: a bucket runs newest first, so [0] runs first.
    for (int i = 2; i >= 0; --i) {
        same_jiffy[i] = {};
        arm(same_jiffy[i], i, due);
    }
    same_jiffy[0].timer.function = delete_the_others;
    tick(4);
    LONGS_EQUAL(1, same_jiffy[0].fired);
    LONGS_EQUAL(0, same_jiffy[1].fired);
    LONGS_EQUAL(0, same_jiffy[2].fired);
    LONGS_EQUAL(1, del_in_fn);
    LONGS_EQUAL(1, mod_in_fn);
    expect_fires_exactly(same_jiffy[2], due + 3);
    CHECK(!timer_pending(&same_jiffy[1].timer));
}

TEST(timer, from_timer_finds_the_owner) {
    struct owner {
        char pad[13];
        timer_list t;
        int tag;
    } o{};
    o.tag = 42;
    POINTERS_EQUAL(&o, from_timer(&o.t, &owner::t));
}

namespace {

constexpr unsigned many = 10000;
probe swarm[many];
unsigned long swarm_expires[many];
unsigned long fired_window_lo[many], fired_window_hi[many];
unsigned long last_fired_expiry;
bool out_of_order;
unsigned long tick_lo, tick_hi;

void swarm_fn(timer_list* t) {
    probe* p = from_timer(t, &probe::timer);
    ++p->fired;
    unsigned i = static_cast<unsigned>(p->id);
    fired_window_lo[i] = tick_lo;
    fired_window_hi[i] = tick_hi;
    if (time_before(p->timer.expires, last_fired_expiry)) {
        out_of_order = true;
    }
    last_fired_expiry = p->timer.expires;
}

// Counts every operator new and CppUTest malloc made while installed.
class counting_allocator : public TestMemoryAllocator {
public:
    explicit counting_allocator(TestMemoryAllocator* real) : real_(real) {}
    char* alloc_memory(size_t size, const char* file, size_t line) override {
        ++count;
        return real_->alloc_memory(size, file, line);
    }
    void free_memory(char* memory, size_t size, const char* file, size_t line) override {
        real_->free_memory(memory, size, file, line);
    }
    const char* name() const override { return real_->name(); }
    const char* alloc_name() const override { return real_->alloc_name(); }
    const char* free_name() const override { return real_->free_name(); }
    TestMemoryAllocator* actualAllocator() override { return real_->actualAllocator(); }
    unsigned count = 0;
private:
    TestMemoryAllocator* real_;
};

unsigned long random_delay(std::mt19937& rng) {
    switch (rng() % 4) {
    case 0: return 1 + rng() % 64;
    case 1: return 1 + rng() % 4096;
    case 2: return 1 + rng() % 100000;
    default: return 1 + rng() % 300000;
    }
}

}  // namespace

TEST(timer, ten_thousand_random_timers_fire_once_in_their_tick_without_allocating) {
    std::mt19937 rng(static_cast<unsigned>(test_seed::for_test(20240607)));
    TestMemoryAllocator* saved_new = getCurrentNewAllocator();
    TestMemoryAllocator* saved_malloc = getCurrentMallocAllocator();
    counting_allocator new_count(saved_new);
    counting_allocator malloc_count(saved_malloc);
    setCurrentNewAllocator(&new_count);
    setCurrentMallocAllocator(&malloc_count);

    unsigned long start = jiffies;
    for (unsigned i = 0; i < many; ++i) {
        swarm[i].id = static_cast<int>(i);
        swarm[i].fired = 0;
        timer_setup(&swarm[i].timer, swarm_fn, 0);
        swarm_expires[i] = start + random_delay(rng);
        mod_timer(&swarm[i].timer, swarm_expires[i]);
    }
    // Move a tenth of them, delete another tenth.
    for (unsigned i = 0; i < many; i += 10) {
        swarm_expires[i] = start + random_delay(rng);
        mod_timer(&swarm[i].timer, swarm_expires[i]);
        del_timer(&swarm[i + 1].timer);
        swarm_expires[i + 1] = 0;
    }
    last_fired_expiry = start;
    out_of_order = false;
    while (jiffies - start < 300001) {
        unsigned long step = 1 + rng() % 16;
        tick_lo = jiffies + 1;
        tick_hi = jiffies + step;
        tick(step);
    }
    setCurrentNewAllocator(saved_new);
    setCurrentMallocAllocator(saved_malloc);

    LONGS_EQUAL(0, new_count.count);
    LONGS_EQUAL(0, malloc_count.count);
    CHECK(!out_of_order);
    unsigned fired = 0;
    for (unsigned i = 0; i < many; ++i) {
        if (swarm_expires[i] == 0) {
            LONGS_EQUAL(0, swarm[i].fired);
            continue;
        }
        LONGS_EQUAL(1, swarm[i].fired);
        CHECK(time_in_range(swarm_expires[i], fired_window_lo[i], fired_window_hi[i]));
        ++fired;
    }
    LONGS_EQUAL(many - many / 10, fired);
}

// Not asserted: printed for the record (ctest -V, or unit_tests -v).
TEST(timer, benchmark_10000_timers) {
    using clock = std::chrono::steady_clock;
    std::mt19937 rng(static_cast<unsigned>(test_seed::for_test(7)));
    unsigned long start = jiffies;
    for (unsigned i = 0; i < many; ++i) {
        swarm[i].id = static_cast<int>(i);
        timer_setup(&swarm[i].timer, swarm_fn, 0);
        swarm_expires[i] = start + random_delay(rng);
    }
    auto ns_per = [](clock::duration d) {
        return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()) /
               many;
    };
    auto t0 = clock::now();
    for (unsigned i = 0; i < many; ++i) {
        mod_timer(&swarm[i].timer, swarm_expires[i]);
    }
    auto t1 = clock::now();
    for (unsigned i = 0; i < many; ++i) {
        del_timer(&swarm[i].timer);
    }
    auto t2 = clock::now();
    for (unsigned i = 0; i < many; ++i) {
        mod_timer(&swarm[i].timer, swarm_expires[i]);
    }
    last_fired_expiry = start;
    auto t3 = clock::now();
    tick(300001);  // one tick that expires them all
    auto t4 = clock::now();
    for (unsigned i = 0; i < many; ++i) {
        mod_timer(&swarm[i].timer, swarm_expires[i] + 300001);
    }
    auto t5 = clock::now();
    for (int i = 0; i < 300001; ++i) {
        tick();
    }
    auto t6 = clock::now();
    for (unsigned i = 0; i < many; ++i) {
        CHECK(!timer_pending(&swarm[i].timer));
    }
    std::printf("\ntimer wheel, %u timers (host): add %.0f ns, del %.0f ns, expire in one "
                "tick %.0f ns, expire over 300001 single ticks %.0f ns per timer "
                "(%.0f ns per tick)\n",
                many, ns_per(t1 - t0), ns_per(t2 - t1), ns_per(t4 - t3), ns_per(t6 - t5),
                static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(t6 - t5).count()) / 300001);
}

namespace {
void remove_every_test_timer() {
    for (probe& p : pool) {
        del_timer(&p.timer);
    }
    for (probe& p : same_jiffy) {
        del_timer(&p.timer);
    }
    for (probe& p : swarm) {
        del_timer(&p.timer);
    }
    del_timer(&rearming.timer);
}
}  // namespace
