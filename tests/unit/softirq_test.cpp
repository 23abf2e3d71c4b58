#include <CppUTest/TestHarness.h>

#include "kernel/cpu.h"
#include "kernel/softirq.h"
#include "tests/unit/host/host_stub.h"

// Slots nothing in this kernel uses, so the tests may take them over.
namespace {

constexpr unsigned test_slots[] = {BLOCK_SOFTIRQ, IRQ_POLL_SOFTIRQ, HRTIMER_SOFTIRQ, RCU_SOFTIRQ};

unsigned order[64];
unsigned ran;
bool irqs_were_on, context_ok;
int self_raises_left;
uint32_t cycles_per_run;

void record(unsigned nr) {
    if (ran < 64) {
        order[ran] = nr;
    }
    ++ran;
    irqs_were_on = !cpu::irqs_disabled();
    context_ok = in_serving_softirq() && in_interrupt() && !in_hardirq() &&
                 preempt_count() == SOFTIRQ_OFFSET;
}

void on_block() { record(BLOCK_SOFTIRQ); }
void on_irq_poll() { record(IRQ_POLL_SOFTIRQ); }
void on_rcu() { record(RCU_SOFTIRQ); }
void on_hrtimer_raising_block() {   // raises one that already ran in this pass
    record(HRTIMER_SOFTIRQ);
    if (self_raises_left-- > 0) {
        raise_softirq(BLOCK_SOFTIRQ);
    }
}
void on_block_raising_itself() {
    record(BLOCK_SOFTIRQ);
    host_stub::cycles += cycles_per_run;
    if (self_raises_left-- > 0) {
        raise_softirq(BLOCK_SOFTIRQ);
    }
}

// What the trap code does around one interrupt: masked, irq_enter, the
// handler (here: raise), irq_exit.
void fake_interrupt(unsigned raise_nr) {
    cpu::irq_guard guard;
    irq_enter();
    raise_softirq(raise_nr);
    irq_exit();
    CHECK(cpu::irqs_disabled());  // irq_exit returns as it was entered
}

}  // namespace

TEST_GROUP(softirq) {
    void setup() override {
        do_softirq();  // whatever earlier tests left pending
        ran = 0;
        irqs_were_on = context_ok = false;
        self_raises_left = 0;
        cycles_per_run = 0;
        open_softirq(BLOCK_SOFTIRQ, on_block);
        open_softirq(IRQ_POLL_SOFTIRQ, on_irq_poll);
        open_softirq(RCU_SOFTIRQ, on_rcu);
        open_softirq(HRTIMER_SOFTIRQ, on_hrtimer_raising_block);
    }
    void teardown() override {
        do_softirq();
        for (unsigned nr : test_slots) {
            open_softirq(nr, nullptr);
        }
        host_stub::irqs_on = true;
        LONGS_EQUAL(0, preempt_count());
        LONGS_EQUAL(0, local_softirq_pending());
    }
};

TEST(softirq, run_in_number_order_at_irq_exit_with_irqs_on) {
    cpu::irq_guard guard;
    irq_enter();
    CHECK(in_hardirq() && in_irq() && in_interrupt() && !in_softirq());
    raise_softirq(RCU_SOFTIRQ);
    raise_softirq(IRQ_POLL_SOFTIRQ);
    raise_softirq(BLOCK_SOFTIRQ);
    LONGS_EQUAL((1u << RCU_SOFTIRQ) | (1u << IRQ_POLL_SOFTIRQ) | (1u << BLOCK_SOFTIRQ),
                local_softirq_pending());
    LONGS_EQUAL(0, ran);
    irq_exit();
    LONGS_EQUAL(3, ran);
    LONGS_EQUAL(BLOCK_SOFTIRQ, order[0]);
    LONGS_EQUAL(IRQ_POLL_SOFTIRQ, order[1]);
    LONGS_EQUAL(RCU_SOFTIRQ, order[2]);
    CHECK(irqs_were_on);
    CHECK(context_ok);
    CHECK(cpu::irqs_disabled());
    CHECK(in_task());
}

TEST(softirq, raised_by_a_handler_runs_in_the_next_pass) {
    self_raises_left = 1;
    cpu::irq_guard guard;
    irq_enter();
    raise_softirq(HRTIMER_SOFTIRQ);
    raise_softirq(RCU_SOFTIRQ);
    irq_exit();
    LONGS_EQUAL(3, ran);
    LONGS_EQUAL(HRTIMER_SOFTIRQ, order[0]);
    LONGS_EQUAL(RCU_SOFTIRQ, order[1]);
    LONGS_EQUAL(BLOCK_SOFTIRQ, order[2]);  // lower number, but raised after its turn
}

TEST(softirq, restart_budget_leaves_the_rest_for_the_next_irq_exit) {
    open_softirq(BLOCK_SOFTIRQ, on_block_raising_itself);
    self_raises_left = 1000;
    uint32_t deferred = softirq_deferred_count();
    fake_interrupt(BLOCK_SOFTIRQ);
    LONGS_EQUAL(MAX_SOFTIRQ_RESTART, ran);
    LONGS_EQUAL(1u << BLOCK_SOFTIRQ, local_softirq_pending());
    LONGS_EQUAL(deferred + 1, softirq_deferred_count());

    fake_interrupt(IRQ_POLL_SOFTIRQ);  // any interrupt picks it up again
    LONGS_EQUAL(2 * MAX_SOFTIRQ_RESTART + 1, ran);

    self_raises_left = 2;
    fake_interrupt(RCU_SOFTIRQ);
    LONGS_EQUAL(2 * MAX_SOFTIRQ_RESTART + 1 + 1 + 3, ran);
    LONGS_EQUAL(0, local_softirq_pending());
    LONGS_EQUAL(deferred + 2, softirq_deferred_count());
}

TEST(softirq, time_budget_stops_restarting) {
    open_softirq(BLOCK_SOFTIRQ, on_block_raising_itself);
    self_raises_left = 1000;
    // Each run takes 0.8 ms of counter time: after three passes 2.4 ms > 2 ms.
    cycles_per_run = host_stub::cycles_hz / 1250;
    fake_interrupt(BLOCK_SOFTIRQ);
    LONGS_EQUAL(3, ran);
    LONGS_EQUAL(1u << BLOCK_SOFTIRQ, local_softirq_pending());
    self_raises_left = 0;
    do_softirq();
    LONGS_EQUAL(4, ran);
}

TEST(softirq, irq_exit_runs_them_only_from_the_outermost_interrupt) {
    cpu::irq_guard guard;
    irq_enter();
    irq_enter();
    raise_softirq(BLOCK_SOFTIRQ);
    do_softirq();  // in interrupt: refuses
    irq_exit();
    LONGS_EQUAL(0, ran);
    CHECK(in_hardirq());
    irq_exit();
    LONGS_EQUAL(1, ran);
}

TEST(softirq, not_run_from_an_interrupt_that_hit_a_softirq) {
    // An interrupt arriving while softirqs are being served must not start
    // serving them again on top: its irq_exit leaves them to the loop below.
    static unsigned nested_ran_inside;
    nested_ran_inside = 0;
    open_softirq(RCU_SOFTIRQ, [] {
        record(RCU_SOFTIRQ);
        fake_interrupt(BLOCK_SOFTIRQ);
        nested_ran_inside = ran;
    });
    fake_interrupt(RCU_SOFTIRQ);
    LONGS_EQUAL(1, nested_ran_inside);
    LONGS_EQUAL(2, ran);
    LONGS_EQUAL(BLOCK_SOFTIRQ, order[1]);
}

TEST(softirq, bh_disable_nests_and_the_last_enable_runs_them) {
    local_bh_disable();
    local_bh_disable();
    CHECK(in_softirq() && !in_serving_softirq() && in_interrupt());
    LONGS_EQUAL(2 * SOFTIRQ_DISABLE_OFFSET, preempt_count());
    fake_interrupt(BLOCK_SOFTIRQ);  // held off
    LONGS_EQUAL(0, ran);
    local_bh_enable();
    LONGS_EQUAL(0, ran);
    local_bh_enable();
    LONGS_EQUAL(1, ran);
    CHECK(irqs_were_on);
    CHECK(!cpu::irqs_disabled());
}

TEST(softirq, bh_guard_and_raise_from_task_context) {
    {
        bh_guard bh;
        raise_softirq(IRQ_POLL_SOFTIRQ);
        {
            bh_guard inner;
        }
        LONGS_EQUAL(0, ran);
    }
    LONGS_EQUAL(1, ran);
    LONGS_EQUAL(IRQ_POLL_SOFTIRQ, order[0]);
}

TEST(softirq, bh_enable_with_irqs_masked_leaves_them_pending) {
    {
        cpu::irq_guard guard;
        local_bh_disable();
        raise_softirq(BLOCK_SOFTIRQ);
        local_bh_enable();
        LONGS_EQUAL(0, ran);
        CHECK(cpu::irqs_disabled());
    }
    fake_interrupt(RCU_SOFTIRQ);
    LONGS_EQUAL(2, ran);
}

TEST(softirq, counters_and_names) {
    softirq_stat before = get_softirq_stat(BLOCK_SOFTIRQ);
    STRCMP_EQUAL("BLOCK", before.name);
    fake_interrupt(BLOCK_SOFTIRQ);
    {
        cpu::irq_guard guard;
        irq_enter();
        raise_softirq_irqoff(BLOCK_SOFTIRQ);
        raise_softirq_irqoff(BLOCK_SOFTIRQ);  // still one run
        irq_exit();
    }
    softirq_stat after = get_softirq_stat(BLOCK_SOFTIRQ);
    LONGS_EQUAL(before.raised + 3, after.raised);
    LONGS_EQUAL(before.run + 2, after.run);
    STRCMP_EQUAL("HI", get_softirq_stat(HI_SOFTIRQ).name);
    STRCMP_EQUAL("TIMER", get_softirq_stat(TIMER_SOFTIRQ).name);
    STRCMP_EQUAL("NET_TX", get_softirq_stat(NET_TX_SOFTIRQ).name);
    STRCMP_EQUAL("NET_RX", get_softirq_stat(NET_RX_SOFTIRQ).name);
    STRCMP_EQUAL("TASKLET", get_softirq_stat(TASKLET_SOFTIRQ).name);
    STRCMP_EQUAL("RCU", get_softirq_stat(RCU_SOFTIRQ).name);
    CHECK(get_softirq_stat(NR_SOFTIRQS).name == nullptr);
}

TEST(softirq, bad_numbers_and_empty_slots_are_ignored) {
    raise_softirq(NR_SOFTIRQS);
    raise_softirq(99);
    open_softirq(99, on_block);
    LONGS_EQUAL(0, local_softirq_pending());
    open_softirq(BLOCK_SOFTIRQ, nullptr);
    uint32_t runs = get_softirq_stat(BLOCK_SOFTIRQ).run;
    fake_interrupt(BLOCK_SOFTIRQ);
    LONGS_EQUAL(0, local_softirq_pending());
    LONGS_EQUAL(runs, get_softirq_stat(BLOCK_SOFTIRQ).run);
}
