// pcnet32 with the MII PHY of a 79C971 and later (the Am79C973 on a real
// Malta; QEMU's Am79C970A has none): the PHY found through BCR33/BCR34,
// autonegotiation restarted at open, and the link watchdog turning the
// net device's carrier on and off as the simulated PHY's link changes.
#include <string.h>

#include "drivers/net/eth_netdev.h"
#include "drivers/net/mii.h"
#include "drivers/net/pcnet32.h"
#include "kernel/timer.h"
#include "net/core/netdevice.h"
#include "tests/unit/host/dma_debug.h"
#include "tests/unit/ipv4_test_util.h"
#include "tests/unit/net_test_util.h"
#include "tests/unit/pcnet32_sim.h"

#include <CppUTest/TestHarness.h>

namespace {

constexpr uint8_t card_mac[ETH_ALEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x57};
constexpr int irq_line = 10;

using ipv4_test::tick;

}  // namespace

TEST_GROUP(pcnet32_phy) {
    net_test::leak_check leaks;
    pcnet32_sim* sim = nullptr;
    pcnet32* card = nullptr;
    net_device* dev = nullptr;

    void setup() override {
        net_test::setup();
        init_timers();
        leaks = net_test::leak_check{};
        dma_debug_reset();
        sim = new pcnet32_sim(card_mac);
        card = new pcnet32();
        strcpy(card->name, "eth0");
    }
    void start(uint16_t part, int phy_addr) {
        sim->part = part;
        sim->phy.addr = phy_addr;
        LONGS_EQUAL(0, card->init(sim->base(), irq_line));
        dev = eth_netdev_register(*card);
        CHECK_TRUE(dev != nullptr);
        CHECK_TRUE(netif_running(dev));
    }
    void teardown() override {
        if (dev) {
            dev_close(dev);
            unregister_netdev(dev);
            free_netdev(dev);
        }
        card->release();
        do_softirq();
        delete card;
        delete sim;
        leaks.verify();
        LONGS_EQUAL(0, dma_debug_mappings());
        net_test::teardown();
    }
};

TEST(pcnet32_phy, the_79c970a_has_no_mii_port_to_probe) {
    start(0x2621, 5);   // a PHY the chip cannot reach
    LONGS_EQUAL(-1, card->phy_address());
    LONGS_EQUAL(0, sim->mdio_reads);
    CHECK_TRUE(netif_carrier_ok(dev));   // BCR4's link, up in the model
}

TEST(pcnet32_phy, a_79c973_finds_its_phy_and_restarts_negotiation_at_open) {
    start(0x2625, 30);
    LONGS_EQUAL(30, card->phy_address());
    LONGS_EQUAL(1, sim->phy.an_restarts);
    CHECK_TRUE(sim->phy.bmcr & mii::BMCR_ANENABLE);
    CHECK_FALSE(netif_carrier_ok(dev));   // no link yet
}

TEST(pcnet32_phy, the_watchdog_follows_the_link) {
    start(0x2625, 1);
    sim->phy.lpa = mii::ADVERTISE_100FULL | mii::ADVERTISE_10HALF;
    sim->phy.set_link(true);
    tick(pcnet32::link_watch_interval - 1);
    CHECK_FALSE(netif_carrier_ok(dev));   // not looked yet
    tick(1);
    CHECK_TRUE(netif_carrier_ok(dev));
    CHECK_TRUE(card->link_up());
    sim->phy.set_link(false);
    tick(pcnet32::link_watch_interval);
    CHECK_FALSE(netif_carrier_ok(dev));
    CHECK_FALSE(card->link_up());
    sim->phy.set_link(true);
    tick(pcnet32::link_watch_interval);
    CHECK_TRUE(netif_carrier_ok(dev));
    // Closed, the watchdog stops reading the PHY.
    dev_close(dev);
    unsigned reads = sim->mdio_reads;
    tick(3 * pcnet32::link_watch_interval);
    LONGS_EQUAL(reads, sim->mdio_reads);
}

TEST(pcnet32_phy, an_mii_chip_with_no_phy_answering_falls_back_to_bcr4) {
    start(0x2625, -1);
    LONGS_EQUAL(-1, card->phy_address());
    LONGS_EQUAL(2 * mii::PHY_MAX_ADDR, sim->mdio_reads);   // both ID registers at every address
    CHECK_TRUE(netif_carrier_ok(dev));
}

TEST(pcnet32_phy, negotiated_mode_is_the_best_both_ends_advertise) {
    using namespace mii;
    constexpr uint16_t all = ADVERTISE_10HALF | ADVERTISE_10FULL | ADVERTISE_100HALF | ADVERTISE_100FULL;
    CHECK_FALSE(resolve(0, all, all).up);
    mii::link l = resolve(BMSR_LSTATUS, all, all);
    CHECK_TRUE(l.up && l.speed == 100 && l.full_duplex);
    l = resolve(BMSR_LSTATUS, all, ADVERTISE_100HALF | ADVERTISE_10FULL);
    CHECK_TRUE(l.speed == 100 && !l.full_duplex);
    l = resolve(BMSR_LSTATUS, ADVERTISE_10FULL | ADVERTISE_10HALF, ADVERTISE_100FULL | ADVERTISE_10FULL);
    CHECK_TRUE(l.speed == 10 && l.full_duplex);
    l = resolve(BMSR_LSTATUS, ADVERTISE_10HALF, 0);
    CHECK_TRUE(l.speed == 10 && !l.full_duplex);
    CHECK_FALSE(phy_present(0xffff, 0xffff));
    CHECK_FALSE(phy_present(0, 0));
    CHECK_TRUE(phy_present(0x0022, 0x5610));
}
