// The host's DMA API (tests/unit/host/dma_host.cpp): the ownership checks
// the pcnet32 ring tests rely on catch what they should.
#include <string.h>

#include "kernel/dma.h"
#include "tests/unit/host/dma_debug.h"
#include "tests/unit/net_test_util.h"

TEST_GROUP(dma) {
    void setup() override {
        net_test::setup();
        dma_debug_reset();
    }
    void teardown() override {
        LONGS_EQUAL(0, dma_debug_mappings());
        LONGS_EQUAL(0, dma_debug_coherent());
        dma_debug_reset();
        net_test::teardown();
    }
};

TEST(dma, coherent_memory_is_zeroed_and_open_to_both_sides) {
    dma_addr_t bus = 0;
    auto* p = static_cast<uint8_t*>(dma_alloc_coherent(100, &bus, GFP_KERNEL));
    CHECK_TRUE(p != nullptr);
    CHECK_TRUE(bus != 0 && !dma_mapping_error(bus));
    LONGS_EQUAL(0, p[0] | p[99]);
    LONGS_EQUAL(1, dma_debug_coherent());
    uint8_t* dev = dma_debug_device_access(bus + 10, 4, dma_debug_access::write);
    POINTERS_EQUAL(p + 10, dev);
    CHECK_TRUE(dma_debug_check_cpu_access(p, 100));
    dma_free_coherent(100, p, bus);
    LONGS_EQUAL(0, dma_debug_errors());
}

TEST(dma, the_device_may_read_a_buffer_mapped_to_it_but_not_write_it) {
    uint8_t buf[64] = {1, 2, 3};
    dma_addr_t bus = dma_map_single(buf, sizeof buf, DMA_TO_DEVICE);
    CHECK_FALSE(dma_mapping_error(bus));
    uint8_t* dev = dma_debug_device_access(bus, sizeof buf, dma_debug_access::read);
    POINTERS_EQUAL(buf, dev);
    LONGS_EQUAL(0, dma_debug_errors());
    POINTERS_EQUAL(nullptr, dma_debug_device_access(bus, 1, dma_debug_access::write));
    LONGS_EQUAL(1, dma_debug_errors());
    dma_unmap_single(bus, sizeof buf, DMA_TO_DEVICE);
}

TEST(dma, a_buffer_the_cpu_took_back_is_closed_to_the_device) {
    uint8_t buf[64];
    dma_addr_t bus = dma_map_single(buf, sizeof buf, DMA_FROM_DEVICE);
    CHECK_TRUE(dma_debug_device_access(bus, 64, dma_debug_access::write) != nullptr);
    dma_sync_single_for_cpu(bus, 20, DMA_FROM_DEVICE);
    CHECK_TRUE(dma_debug_check_cpu_access(buf, 20));
    POINTERS_EQUAL(nullptr, dma_debug_device_access(bus, 4, dma_debug_access::write));
    STRCMP_CONTAINS("the CPU owns it", dma_debug_last_error());
    dma_sync_single_for_device(bus, 20, DMA_FROM_DEVICE);
    CHECK_TRUE(dma_debug_device_access(bus, 4, dma_debug_access::write) != nullptr);
    LONGS_EQUAL(1, dma_debug_errors());
    dma_unmap_single(bus, sizeof buf, DMA_FROM_DEVICE);
    POINTERS_EQUAL(nullptr, dma_debug_device_access(bus, 4, dma_debug_access::write));
    STRCMP_CONTAINS("not mapped", dma_debug_last_error());
}

TEST(dma, the_cpu_touching_a_device_owned_buffer_is_an_error) {
    uint8_t buf[128];
    dma_addr_t bus = dma_map_single(buf + 32, 64, DMA_FROM_DEVICE);
    CHECK_TRUE(dma_debug_check_cpu_access(buf, 32));        // before it
    CHECK_TRUE(dma_debug_check_cpu_access(buf + 96, 32));   // after it
    LONGS_EQUAL(0, dma_debug_errors());
    CHECK_FALSE(dma_debug_check_cpu_access(buf + 90, 10));  // overlaps its end
    LONGS_EQUAL(1, dma_debug_errors());
    dma_unmap_single(bus, 64, DMA_FROM_DEVICE);
    CHECK_TRUE(dma_debug_check_cpu_access(buf + 32, 64));
    LONGS_EQUAL(1, dma_debug_errors());
}

TEST(dma, device_access_past_the_end_of_a_mapping_is_refused) {
    uint8_t buf[64];
    dma_addr_t bus = dma_map_single(buf, sizeof buf, DMA_BIDIRECTIONAL);
    CHECK_TRUE(dma_debug_device_access(bus + 60, 4, dma_debug_access::write) != nullptr);
    POINTERS_EQUAL(nullptr, dma_debug_device_access(bus + 60, 5, dma_debug_access::read));
    LONGS_EQUAL(1, dma_debug_errors());
    dma_unmap_single(bus, sizeof buf, DMA_BIDIRECTIONAL);
}

TEST(dma, unmapping_wrongly_is_reported_as_dma_debug_does) {
    uint8_t buf[64];
    dma_unmap_single(0x1234, 64, DMA_TO_DEVICE);             // never mapped
    LONGS_EQUAL(1, dma_debug_errors());
    dma_addr_t bus = dma_map_single(buf, sizeof buf, DMA_TO_DEVICE);
    dma_sync_single_for_cpu(bus, 65, DMA_TO_DEVICE);         // past its end
    LONGS_EQUAL(2, dma_debug_errors());
    dma_unmap_single(bus, 32, DMA_FROM_DEVICE);              // wrong size and direction
    LONGS_EQUAL(4, dma_debug_errors());
    LONGS_EQUAL(0, dma_debug_mappings());
    dma_addr_t none = dma_map_single(buf, 0, DMA_TO_DEVICE);
    CHECK_TRUE(dma_mapping_error(none));
}

TEST(dma, each_mapping_has_its_own_bus_addresses) {
    uint8_t a[64], b[64];
    dma_addr_t ba = dma_map_single(a, sizeof a, DMA_TO_DEVICE);
    dma_addr_t bb = dma_map_single(b, sizeof b, DMA_TO_DEVICE);
    CHECK_TRUE(ba + 64 <= bb || bb + 64 <= ba);
    POINTERS_EQUAL(b, dma_debug_device_access(bb, 64, dma_debug_access::read));
    LONGS_EQUAL(2, dma_debug_mappings());
    dma_unmap_single(ba, sizeof a, DMA_TO_DEVICE);
    dma_unmap_single(bb, sizeof b, DMA_TO_DEVICE);
    LONGS_EQUAL(0, dma_debug_errors());
}
