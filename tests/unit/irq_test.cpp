#include <CppUTest/TestHarness.h>

#include "kernel/irq.h"
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
}  // namespace

TEST_GROUP(irq) {
    void setup() override { handled = masked = unmasked = eois = 0; irq_set_chip(5, &chip); }
    void teardown() override { free_irq(5, &dev); free_irq(5, nullptr); }
};

TEST(irq, request_unmasks_and_dispatches) {
    LONGS_EQUAL(0, request_irq(5, handler, "t", &dev));
    LONGS_EQUAL(1, unmasked);
    uint32_t before = irq_get_stat(5).count;
    generic_handle_irq(5);
    LONGS_EQUAL(1, handled);
    LONGS_EQUAL(1, eois);
    LONGS_EQUAL(before + 1, irq_get_stat(5).count);
    STRCMP_EQUAL("t", irq_get_stat(5).name);
    STRCMP_EQUAL("test", irq_get_stat(5).chip);
}

TEST(irq, errors) {
    LONGS_EQUAL(-EINVAL, request_irq(NR_IRQS, handler, "x", nullptr));
    LONGS_EQUAL(-EINVAL, request_irq(5, nullptr, "x", nullptr));
    LONGS_EQUAL(0, request_irq(5, handler, "a", &dev));
    LONGS_EQUAL(-EBUSY, request_irq(5, handler, "b", &dev));
}

TEST(irq, free_masks_and_unhandled_counts_spurious) {
    LONGS_EQUAL(0, request_irq(5, handler, "a", nullptr));
    uint32_t spurious = irq_spurious_count();
    generic_handle_irq(5);  // handler says none
    LONGS_EQUAL(spurious + 1, irq_spurious_count());
    free_irq(5, nullptr);
    LONGS_EQUAL(1, masked);
    generic_handle_irq(5);  // no handler
    LONGS_EQUAL(spurious + 2, irq_spurious_count());
    generic_handle_irq(NR_IRQS + 3);
    LONGS_EQUAL(spurious + 3, irq_spurious_count());
}
