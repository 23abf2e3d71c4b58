// The pcnet32 driver's PCI side: binding by vendor/device, the card's
// I/O BAR and interrupt line, and who uses the card (the net core, or the
// wire self-test when the command line says pcnet.selftest=1). The host
// unit tests drive pcnet32 directly (tests/unit/pcnet32_ring_test.cpp).
#include "drivers/net/eth_netdev.h"
#include "drivers/net/eth_selftest.h"
#include "drivers/net/pcnet32.h"
#include "drivers/pci/pci.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/uapi/errno.h"

using namespace pcnet32_hw;

namespace {

pcnet32 cards[PCNET32_MAX_DEVICES];
unsigned ncards;

const char* part_name(uint16_t part) {
    switch (part) {
    case 0x2621: return "Am79C970A";
    case 0x2623: return "Am79C971";
    case 0x2624: return "Am79C972";
    case 0x2625: return "Am79C973";
    case 0x2627: return "Am79C975";
    default: return "PCnet";
    }
}

int pcnet32_probe(pci_dev& pdev, const pci_device_id&) {
    if (ncards == PCNET32_MAX_DEVICES) {
        pr_warn("pcnet32: %u cards at most\n", PCNET32_MAX_DEVICES);
        return -ENOSPC;
    }
    if (pdev.irq < 0) {
        return -ENODEV;
    }
    int err = pci_enable_device(pdev);
    if (err) {
        return err;
    }
    pci_set_master(pdev);
    uintptr_t io = pci_iomap(pdev, 0);
    if (!io || pdev.resource[0].type != pci_bar_type::io) {
        return -ENODEV;
    }
    pcnet32& card = cards[ncards];
    err = card.init(io, pdev.irq);
    if (err) {
        return err;
    }
    long copybreak = cmdline::get_int("pcnet32.rx_copybreak", PCNET32_RX_COPYBREAK);
    card.rx_copybreak = copybreak < 0 ? 0 : static_cast<unsigned>(copybreak);
    ++ncards;
    pdev.driver_data = &card;
    eth_hw_register(card);
    const uint8_t* m = card.dev_addr;
    pr_info("%s: %s (part %04x) at io 0x%lx, irq %d, MAC %02x:%02x:%02x:%02x:%02x:%02x, "
            "rings %u/%u, link %s, rx_copybreak %u\n",
            card.name, part_name(card.chip_part()), card.chip_part(),
            static_cast<unsigned long>(pdev.resource[0].start), card.irq, m[0], m[1], m[2], m[3],
            m[4], m[5], pcnet32::rx_ring_size, pcnet32::tx_ring_size,
            card.link_up() ? "up" : "down", card.rx_copybreak);
    if (cmdline::get_int("pcnet.selftest", 0)) {
        eth_selftest_start(card);   // the self-test owns the card; no net_device
    } else {
        eth_netdev_register(card);
    }
    return 0;
}

constexpr pci_device_id pcnet32_ids[] = {{vendor_amd, device_lance}, {0, 0}};

}  // namespace

[[gnu::used, gnu::section("mipsnet_pci_drivers"), gnu::aligned(alignof(pci_driver))]]
const pci_driver pcnet32_driver{"pcnet32", pcnet32_ids, pcnet32_probe};
