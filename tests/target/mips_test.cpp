// The MIPS CPU as the kernel found it at boot: caches probed from Config1,
// the counter calibrated, interrupts live. None of this exists on the host.
#include <CppUTest/TestHarness.h>

#include <string.h>

#include "kernel/arch/mips/cache.h"
#include "kernel/cpu.h"
#include "kernel/dma.h"
#include "kernel/time.h"

namespace {
bool power_of_two(unsigned v) { return v != 0 && (v & (v - 1)) == 0; }
}  // namespace

TEST_GROUP(mips) {};

TEST(mips, cache_geometry_was_probed) {
    const mips::cache_info& c = mips::caches();
    CHECK(power_of_two(c.dline) && c.dline >= 16 && c.dline <= 128);
    CHECK(power_of_two(c.iline) && c.iline >= 16 && c.iline <= 128);
    CHECK(c.dsize >= c.dline && c.dsize % c.dline == 0);
    CHECK(c.isize >= c.iline && c.isize % c.iline == 0);
}

// QEMU does not model caches, so there this checks that the CACHE
// instructions run without a trap; on a board it checks write-back and
// invalidate through the uncached KSEG1 alias.
TEST(mips, dma_cache_ops_keep_data_visible_uncached) {
    alignas(64) static char buf[256];
    memset(buf, 0x5a, sizeof buf);
    mips::dma_cache_wback(buf, sizeof buf);
    auto* uncached = reinterpret_cast<volatile char*>(
        mips::phys_to_kseg1(mips::virt_to_phys(reinterpret_cast<uintptr_t>(buf))));
    LONGS_EQUAL(0x5a, uncached[0]);
    LONGS_EQUAL(0x5a, uncached[sizeof buf - 1]);
    uncached[7] = 0x21;  // "the device wrote"
    mips::dma_cache_inv(buf, sizeof buf);
    LONGS_EQUAL(0x21, buf[7]);
    mips::dma_cache_wback_inv(buf, sizeof buf);
    LONGS_EQUAL(0x5a, buf[8]);
}

TEST(mips, l2_geometry_is_none_or_sane) {
    const mips::cache_info& c = mips::caches();
    if (c.l2.line) {
        CHECK(power_of_two(c.l2.line) && c.l2.ways >= 1 && c.l2.size % c.l2.line == 0);
    } else {
        LONGS_EQUAL(0, c.l2.size);
    }
    LONGS_EQUAL(c.dline, c.l1d.line);
}

// kernel/arch/mips/dma.cpp: coherent memory is KSEG1 over the handle's
// physical pages; a streaming mapping's bytes reach memory (seen uncached)
// and what the "device" wrote reaches the CPU after the unmap.
TEST(mips, dma_api_coherent_is_uncached_and_mappings_move_data) {
    dma_addr_t handle = 0;
    auto* p = static_cast<uint8_t*>(dma_alloc_coherent(100, &handle, GFP_KERNEL));
    CHECK(p != nullptr);
    LONGS_EQUAL(mips::phys_to_kseg1(handle), reinterpret_cast<uintptr_t>(p));
    LONGS_EQUAL(0, p[0] | p[99]);
    dma_free_coherent(100, p, handle);

    alignas(64) static uint8_t buf[256];
    memset(buf, 0x33, sizeof buf);
    dma_addr_t a = dma_map_single(buf + 2, 200, DMA_TO_DEVICE);
    LONGS_EQUAL(mips::virt_to_phys(reinterpret_cast<uintptr_t>(buf + 2)), a);
    auto* dev = reinterpret_cast<volatile uint8_t*>(mips::phys_to_kseg1(a));
    LONGS_EQUAL(0x33, dev[0]);
    LONGS_EQUAL(0x33, dev[199]);
    dma_unmap_single(a, 200, DMA_TO_DEVICE);
    a = dma_map_single(buf + 2, 200, DMA_FROM_DEVICE);
    dev[5] = 0x44;
    dma_unmap_single(a, 200, DMA_FROM_DEVICE);
    LONGS_EQUAL(0x44, buf[7]);
    LONGS_EQUAL(0x33, buf[1]);   // outside the mapping, in its first line: kept
    CHECK(dma_mapping_error(dma_map_single(reinterpret_cast<void*>(mips::kseg1), 4, DMA_TO_DEVICE)));
}

TEST(mips, counter_rate_is_sane) {
    uint32_t hz = cpu::cycles_hz();
    CHECK(hz >= 1000000u && hz <= 1000000000u);  // 1 MHz .. 1 GHz
    UNSIGNED_LONGLONGS_EQUAL(1000000000ull, cycles_to_ns(hz));
}

TEST(mips, irq_guard_masks_and_restores) {
    CHECK_FALSE(cpu::irqs_disabled());  // apps run with interrupts on
    {
        cpu::irq_guard outer;
        CHECK_TRUE(cpu::irqs_disabled());
        {
            cpu::irq_guard inner;
            CHECK_TRUE(cpu::irqs_disabled());
        }
        CHECK_TRUE(cpu::irqs_disabled());  // inner restored "off", not "on"
    }
    CHECK_FALSE(cpu::irqs_disabled());
}

TEST(mips, timer_tick_advances_jiffies) {
    unsigned long start = jiffies;
    // Each wait ends at the next interrupt; the tick is one of them.
    for (int i = 0; i < 1000 && jiffies == start; ++i) {
        cpu::wait_for_interrupt();
    }
    CHECK(jiffies != start);
}
