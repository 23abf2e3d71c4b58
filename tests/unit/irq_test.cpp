#include <CppUTest/TestHarness.h>

#include <stdio.h>
#include <string.h>

#include "kernel/irq.h"
#include "kernel/printk.h"
#include "kernel/uapi/errno.h"

namespace {
int handled, masked, unmasked, eois;
irqreturn handler(unsigned, void* dev) {
    ++handled;
    return dev ? irqreturn::handled : irqreturn::none;
}
const irq_chip chip{"test", [](unsigned) { ++masked; }, [](unsigned) { ++unmasked; },
                    [](unsigned) { ++eois; }};
int dev;

// A device on a shared line: counts its calls, claims when it has work.
struct fake_dev {
    int calls = 0;
    bool pending = false;
};
irqreturn fake_interrupt(unsigned, void* p) {
    auto* d = static_cast<fake_dev*>(p);
    ++d->calls;
    bool mine = d->pending;
    d->pending = false;
    return mine ? irqreturn::handled : irqreturn::none;
}

// Marks the kernel log (what dmesg shows); logged() looks only past the mark.
int mark_serial;
void mark_log() { pr_info("irq_test: mark %d\n", ++mark_serial); }
bool logged(const char* text) {
    static char buf[16384 + 1];
    size_t n = klog::read_all(buf, sizeof buf - 1);
    buf[n] = '\0';
    char mark[32];
    snprintf(mark, sizeof mark, "irq_test: mark %d\n", mark_serial);
    const char* from = strstr(buf, mark);
    return from && strstr(from, text) != nullptr;
}

constexpr unsigned line = 5;
fake_dev a, b;

// n interrupts on the line, the first `claimed` of them with work for a.
void fire(unsigned n, unsigned claimed) {
    for (unsigned i = 0; i < n; ++i) {
        a.pending = i < claimed;
        generic_handle_irq(line);
    }
}
}  // namespace

TEST_GROUP(irq) {
    void setup() override {
        handled = masked = unmasked = eois = 0;
        a = {};
        b = {};
        irq_set_chip(line, &chip);
    }
    void teardown() override {
        for (unsigned i = 0; i < 2; ++i) {   // whatever a test left on the line
            free_irq(line, &dev);
            free_irq(line, nullptr);
            free_irq(line, &a);
            free_irq(line, &b);
        }
    }
};

TEST(irq, request_unmasks_and_dispatches) {
    LONGS_EQUAL(0, request_irq(line, handler, 0, "t", &dev));
    LONGS_EQUAL(1, unmasked);
    uint32_t before = irq_get_stat(line).count;
    generic_handle_irq(line);
    LONGS_EQUAL(1, handled);
    LONGS_EQUAL(1, eois);
    LONGS_EQUAL(before + 1, irq_get_stat(line).count);
    STRCMP_EQUAL("t", irq_get_stat(line).name);
    STRCMP_EQUAL("test", irq_get_stat(line).chip);
}

TEST(irq, errors) {
    LONGS_EQUAL(-EINVAL, request_irq(NR_IRQS, handler, 0, "x", nullptr));
    LONGS_EQUAL(-EINVAL, request_irq(line, nullptr, 0, "x", nullptr));
    LONGS_EQUAL(-EINVAL, request_irq(line, handler, IRQF_SHARED, "x", nullptr));  // shared needs dev_id
    LONGS_EQUAL(0, request_irq(line, handler, 0, "a", &dev));
    LONGS_EQUAL(-EBUSY, request_irq(line, handler, 0, "b", &dev));
    LONGS_EQUAL(-EBUSY, request_irq(line, fake_interrupt, IRQF_SHARED, "b", &b));
}

TEST(irq, shared_needs_both_to_agree) {
    LONGS_EQUAL(0, request_irq(line, fake_interrupt, IRQF_SHARED, "a", &a));
    LONGS_EQUAL(-EBUSY, request_irq(line, fake_interrupt, 0, "b", &b));   // newcomer refuses to share
    STRCMP_EQUAL(nullptr, irq_action_name(line, 1));
    LONGS_EQUAL(0, request_irq(line, fake_interrupt, IRQF_SHARED, "b", &b));
    STRCMP_EQUAL("a", irq_action_name(line, 0));
    STRCMP_EQUAL("b", irq_action_name(line, 1));
    STRCMP_EQUAL(nullptr, irq_action_name(line, 2));
}

TEST(irq, shared_line_calls_every_handler) {
    LONGS_EQUAL(0, request_irq(line, fake_interrupt, IRQF_SHARED, "a", &a));
    LONGS_EQUAL(0, request_irq(line, fake_interrupt, IRQF_SHARED, "b", &b));
    uint32_t spurious = irq_spurious_count();
    b.pending = true;   // only b claims
    generic_handle_irq(line);
    LONGS_EQUAL(1, a.calls);
    LONGS_EQUAL(1, b.calls);
    LONGS_EQUAL(spurious, irq_spurious_count());   // claimed by one: handled
    LONGS_EQUAL(0, irq_get_stat(line).unhandled);
    generic_handle_irq(line);                      // nobody's
    LONGS_EQUAL(spurious + 1, irq_spurious_count());
    LONGS_EQUAL(1, irq_get_stat(line).unhandled);
}

TEST(irq, free_one_of_two) {
    LONGS_EQUAL(0, request_irq(line, fake_interrupt, IRQF_SHARED, "a", &a));
    LONGS_EQUAL(0, request_irq(line, fake_interrupt, IRQF_SHARED, "b", &b));
    free_irq(line, &a);
    LONGS_EQUAL(0, masked);                        // b still needs the line
    STRCMP_EQUAL("b", irq_get_stat(line).name);
    STRCMP_EQUAL(nullptr, irq_action_name(line, 1));
    generic_handle_irq(line);
    LONGS_EQUAL(0, a.calls);
    LONGS_EQUAL(1, b.calls);
    free_irq(line, &a);                            // not there any more: warned, nothing changes
    STRCMP_EQUAL("b", irq_get_stat(line).name);
    free_irq(line, &b);
    LONGS_EQUAL(1, masked);                        // the last one masks
    STRCMP_EQUAL(nullptr, irq_get_stat(line).name);
}

TEST(irq, pool_is_bounded) {
    static fake_dev devs[NR_IRQ_ACTIONS + 1];
    unsigned got = 0;
    int err = 0;
    for (fake_dev& d : devs) {
        err = request_irq(line, fake_interrupt, IRQF_SHARED, "many", &d);
        if (err) {
            break;
        }
        ++got;
    }
    LONGS_EQUAL(-ENOMEM, err);
    CHECK(got > 0 && got <= NR_IRQ_ACTIONS);
    for (fake_dev& d : devs) {
        free_irq(line, &d);
    }
    STRCMP_EQUAL(nullptr, irq_get_stat(line).name);
}

TEST(irq, free_masks_and_unhandled_counts_spurious) {
    LONGS_EQUAL(0, request_irq(line, handler, 0, "a", nullptr));
    uint32_t spurious = irq_spurious_count();
    generic_handle_irq(line);  // handler says none
    LONGS_EQUAL(spurious + 1, irq_spurious_count());
    free_irq(line, nullptr);
    LONGS_EQUAL(1, masked);
    generic_handle_irq(line);  // no handler: counted, the line kept masked
    LONGS_EQUAL(spurious + 2, irq_spurious_count());
    LONGS_EQUAL(2, masked);
    generic_handle_irq(NR_IRQS + 3);
    LONGS_EQUAL(spurious + 3, irq_spurious_count());
}

TEST(irq, stuck_line_kept_below_the_limit) {
    LONGS_EQUAL(0, request_irq(line, fake_interrupt, IRQF_SHARED, "a", &a));
    uint32_t disabled = irq_spurious_disabled_count();
    mark_log();
    fire(100000, 101);   // 99,899 of 100,000 unclaimed
    CHECK_FALSE(irq_get_stat(line).spurious_disabled);
    CHECK_FALSE(logged("nobody cared"));
    LONGS_EQUAL(0, masked);
    LONGS_EQUAL(disabled, irq_spurious_disabled_count());
    LONGS_EQUAL(0, irq_get_stat(line).unhandled);   // a new window
}

TEST(irq, stuck_line_disabled_at_the_limit) {
    LONGS_EQUAL(0, request_irq(line, fake_interrupt, IRQF_SHARED, "a", &a));
    LONGS_EQUAL(0, request_irq(line, fake_interrupt, IRQF_SHARED, "b", &b));
    uint32_t disabled = irq_spurious_disabled_count();
    mark_log();
    fire(99999, 100);    // 99,899 unclaimed so far: the window is not over
    CHECK_FALSE(irq_get_stat(line).spurious_disabled);
    fire(1, 0);          // the 99,900th unclaimed ends the window
    CHECK_TRUE(irq_get_stat(line).spurious_disabled);
    CHECK_TRUE(logged("irq 5: nobody cared\n"));
    CHECK_TRUE(logged("] a\n"));   // the handlers, by name
    CHECK_TRUE(logged("] b\n"));
    CHECK_TRUE(logged("Disabling IRQ #5\n"));
    LONGS_EQUAL(1, masked);
    LONGS_EQUAL(disabled + 1, irq_spurious_disabled_count());
    int calls = a.calls;
    generic_handle_irq(line);   // fired before the mask took: no handler runs
    LONGS_EQUAL(calls, a.calls);
}

TEST(irq, request_irq_gives_a_disabled_line_another_chance) {
    LONGS_EQUAL(0, request_irq(line, fake_interrupt, IRQF_SHARED, "a", &a));
    fire(100000, 0);
    CHECK_TRUE(irq_get_stat(line).spurious_disabled);
    int unmasks = unmasked;
    LONGS_EQUAL(0, request_irq(line, fake_interrupt, IRQF_SHARED, "b", &b));
    CHECK_FALSE(irq_get_stat(line).spurious_disabled);
    LONGS_EQUAL(unmasks + 1, unmasked);
    b.pending = true;
    generic_handle_irq(line);
    LONGS_EQUAL(1, b.calls);
}
