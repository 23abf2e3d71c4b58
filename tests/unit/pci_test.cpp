// PCI enumeration, BAR assignment and driver binding (drivers/pci) on a
// fake bus 0 shaped like QEMU's Malta, behind the host board stub.
// Standard headers before CppUTest's, whose leak checker redefines new.
#include <map>
#include <string>

#include <CppUTest/TestHarness.h>


#include "drivers/pci/pci.h"
#include "kernel/uapi/errno.h"
#include "tests/unit/host/host_stub.h"

namespace {

struct fake_bar {
    uint32_t size;    // 0: not implemented
    uint32_t flags;   // low type bits: 1 = I/O; 0x0c = 64-bit prefetchable memory
    uint32_t value;
};

struct fake_fn {
    uint32_t id, class_rev;
    uint8_t header, pin;
    uint32_t command = 0, interrupt_line = 0;
    fake_bar bar[6] = {};
    bool sized_while_decoding = false;
    uint32_t last_command_write = 0;
};

std::map<unsigned, fake_fn> bus;   // key: dev << 3 | fn
int writes_to_host_bridge;

unsigned key(unsigned dev, unsigned fn) { return dev << 3 | fn; }

uint32_t bar_read(const fake_bar& b) {
    if (b.size == 0) {
        return 0;
    }
    uint32_t type_bits = b.flags & 1 ? 3u : 0xfu;
    return (b.value & ~(b.size - 1) & ~type_bits) | b.flags;
}

uint32_t fake_read(unsigned busno, unsigned dev, unsigned fn, unsigned reg) {
    auto it = bus.find(key(dev, fn));
    if (busno != 0 || it == bus.end()) {
        return 0xffffffffu;
    }
    const fake_fn& f = it->second;
    switch (reg) {
    case 0x00: return f.id;
    case 0x04: return f.command;
    case 0x08: return f.class_rev;
    case 0x0c: return static_cast<uint32_t>(f.header) << 16;
    case 0x3c: return static_cast<uint32_t>(f.pin) << 8 | f.interrupt_line;
    default:
        if (reg >= 0x10 && reg < 0x28) {
            return bar_read(f.bar[(reg - 0x10) / 4]);
        }
        return 0;
    }
}

void fake_write(unsigned busno, unsigned dev, unsigned fn, unsigned reg, uint32_t v) {
    auto it = bus.find(key(dev, fn));
    if (busno != 0 || it == bus.end()) {
        return;
    }
    if (dev == 0) {
        ++writes_to_host_bridge;
    }
    fake_fn& f = it->second;
    if (reg == 0x04) {
        f.last_command_write = v;
        f.command = v & 0x7;
    } else if (reg == 0x3c) {
        f.interrupt_line = v & 0xff;
    } else if (reg >= 0x10 && reg < 0x28) {
        fake_bar& b = f.bar[(reg - 0x10) / 4];
        if (v == 0xffffffffu && b.size && (f.command & 3)) {
            f.sized_while_decoding = true;
        }
        b.value = v;
    }
}

int fake_irq(unsigned dev, unsigned pin) {
    if (dev == 11 && pin == 1) {
        return 10;
    }
    if (dev == 10 && pin == 4) {
        return 11;
    }
    return -1;
}

void build_malta_bus() {
    bus.clear();
    writes_to_host_bridge = 0;
    fake_fn host{0x462011ab, 0x06000010, 0x00, 0};
    host.bar[0] = {0x1000000, 0x8, 0};              // would be SDRAM: must stay
    host.command = 0x6;
    bus[key(0, 0)] = host;
    bus[key(10, 0)] = {0x71108086, 0x06010000, 0x80, 0};
    fake_fn ide{0x71118086, 0x01018000, 0x00, 0};
    ide.bar[4] = {16, 1, 0};
    ide.command = 0x1;
    bus[key(10, 1)] = ide;
    fake_fn usb{0x71128086, 0x0c030001, 0x00, 4};
    usb.bar[4] = {32, 1, 0};
    bus[key(10, 2)] = usb;
    bus[key(10, 3)] = {0x71138086, 0x06800003, 0x00, 1};
    fake_fn nic{0x20001022, 0x02000010, 0x00, 1};
    nic.bar[0] = {32, 1, 0};
    nic.bar[1] = {32, 0, 0};
    bus[key(11, 0)] = nic;
    fake_fn big{0x12345678, 0x03000000, 0x00, 2};  // single-function: fn 1 is not scanned
    big.bar[0] = {1u << 20, 0xc, 0};
    big.bar[2] = {4096, 0, 0};
    bus[key(12, 0)] = big;
    bus[key(12, 1)] = {0xdeadbeef, 0, 0, 0};
}

int probes, failing_probes;
pci_dev* probed;

int test_probe(pci_dev& dev, const pci_device_id& id) {
    ++probes;
    probed = &dev;
    LONGS_EQUAL(0x1022, id.vendor);
    LONGS_EQUAL(0, pci_enable_device(dev));
    pci_set_master(dev);
    return 0;
}

int failing_probe(pci_dev&, const pci_device_id&) {
    ++failing_probes;
    return -ENODEV;
}

const pci_device_id nic_ids[] = {{0x1022, 0x2000}, {0, 0}};
const pci_device_id usb_ids[] = {{0x1022, 0x9999}, {0x8086, 0x7112}, {0, 0}};

}  // namespace

[[gnu::used, gnu::section("mipsnet_pci_drivers"), gnu::aligned(alignof(pci_driver))]]
const pci_driver test_nic_driver{"test-nic", nic_ids, test_probe};
[[gnu::used, gnu::section("mipsnet_pci_drivers"), gnu::aligned(alignof(pci_driver))]]
const pci_driver test_usb_driver{"test-usb", usb_ids, failing_probe};

TEST_GROUP(pci) {
    void setup() override {
        build_malta_bus();
        host_stub::pci_conf_read = fake_read;
        host_stub::pci_conf_write = fake_write;
        host_stub::pci_map_irq = fake_irq;
        probes = failing_probes = 0;
        probed = nullptr;
        host_stub::console.clear();
    }
    void teardown() override {
        host_stub::pci_conf_read = nullptr;
        host_stub::pci_conf_write = nullptr;
        host_stub::pci_map_irq = nullptr;
        bus.clear();   // CppUTest counts what outlives a test as a leak
    }
    pci_dev* find(unsigned slot, unsigned fn) {
        for (size_t i = 0; i < pci_dev_count(); ++i) {
            pci_dev* d = pci_get_dev(i);
            if (d->slot == slot && d->fn == fn) {
                return d;
            }
        }
        return nullptr;
    }
};

TEST(pci, bar_size_decoding) {
    LONGS_EQUAL(32, pci_bar_size(0xffffffe1u, true));
    LONGS_EQUAL(32, pci_bar_size(0x0000ffe1u, true));     // 16-bit I/O decoder
    LONGS_EQUAL(16, pci_bar_size(0xfffffff0u, false));
    LONGS_EQUAL(1u << 20, pci_bar_size(0xfff0000cu, false));
    LONGS_EQUAL(0, pci_bar_size(0, false));
    LONGS_EQUAL(0, pci_bar_size(1, true));
}

TEST(pci, alignment_inside_window) {
    LONGS_EQUAL(0x2020, pci_align_in_window(0x2001, 0x20, 0x10000));
    LONGS_EQUAL(0x2000, pci_align_in_window(0x2000, 0x20, 0x10000));
    LONGS_EQUAL(0xffe0, pci_align_in_window(0xffc1, 0x20, 0x10000));
    LONGS_EQUAL(0, pci_align_in_window(0xffe1, 0x20, 0x10000));   // does not fit
    LONGS_EQUAL(0, pci_align_in_window(0xfff00001u, 1u << 20, 0xffffffffu));
}

TEST(pci, enumerates_every_function_of_multifunction_devices_only) {
    LONGS_EQUAL(7, pci_init());
    CHECK(find(0, 0) && find(10, 0) && find(10, 1) && find(10, 2) && find(10, 3));
    CHECK(find(11, 0) && find(12, 0));
    CHECK(find(12, 1) == nullptr);
    pci_dev* piix = find(10, 0);
    LONGS_EQUAL(0x8086, piix->vendor);
    LONGS_EQUAL(0x7110, piix->device);
    LONGS_EQUAL(0x060100, piix->class_code);
    LONGS_EQUAL(0, piix->hdr_type);   // the multi-function bit is not part of the type
    CHECK(host_stub::console.find("pci 0000:00:0b.0: [1022:2000] type 00 class 0x020000 rev 10 "
                                  "irq 10 (INTA)") != std::string::npos);
}

TEST(pci, assigns_aligned_bars_inside_the_windows_with_decoding_off) {
    pci_init();
    LONGS_EQUAL(0, writes_to_host_bridge);
    pci_dev* nic = find(11, 0);
    const pci_resource& io = nic->resource[0];
    const pci_resource& mem = nic->resource[1];
    CHECK(io.type == pci_bar_type::io);
    LONGS_EQUAL(32, io.size);
    CHECK(io.start >= 0x2000 && io.start + 32 <= 0x10000 && io.start % 32 == 0);
    CHECK(mem.type == pci_bar_type::mem32);
    CHECK(mem.start >= 0x10000000 && mem.start % 32 == 0);
    LONGS_EQUAL(io.start | 1, bar_read(bus[key(11, 0)].bar[0]));
    LONGS_EQUAL(mem.start, bar_read(bus[key(11, 0)].bar[1]));

    pci_dev* big = find(12, 0);
    CHECK(big->resource[0].type == pci_bar_type::mem64);
    CHECK(big->resource[0].prefetch);
    CHECK(big->resource[0].start % (1u << 20) == 0);
    CHECK(big->resource[1].type == pci_bar_type::none);   // upper half of BAR 0
    LONGS_EQUAL(4096, big->resource[2].size);
    CHECK(big->resource[2].start % 4096 == 0);
    // No two BARs of the same kind overlap.
    pci_dev* ide = find(10, 1);
    pci_dev* usb = find(10, 2);
    CHECK(ide->resource[4].start + 16 <= usb->resource[4].start ||
          usb->resource[4].start + 32 <= ide->resource[4].start);
    CHECK(usb->resource[4].start + 32 <= io.start || io.start + 32 <= usb->resource[4].start);
    for (auto& [k, f] : bus) {
        CHECK_FALSE(f.sized_while_decoding);
    }
    LONGS_EQUAL(0x1, bus[key(10, 1)].command);   // IDE's legacy decoding comes back
}

TEST(pci, interrupt_lines_come_from_the_board) {
    pci_init();
    LONGS_EQUAL(10, find(11, 0)->irq);
    LONGS_EQUAL(11, find(10, 2)->irq);
    LONGS_EQUAL(-1, find(10, 3)->irq);   // INTA of the PM function: not wired
    LONGS_EQUAL(-1, find(10, 0)->irq);   // no pin
    LONGS_EQUAL(10, bus[key(11, 0)].interrupt_line);
    LONGS_EQUAL(0xff, bus[key(10, 3)].interrupt_line);
}

TEST(pci, drivers_bind_by_id_and_enable_the_device) {
    pci_init();
    LONGS_EQUAL(1, probes);
    LONGS_EQUAL(1, failing_probes);
    POINTERS_EQUAL(find(11, 0), probed);
    POINTERS_EQUAL(&test_nic_driver, probed->driver);
    POINTERS_EQUAL(nullptr, find(10, 2)->driver);
    CHECK(host_stub::console.find("test-usb probe failed: -19") != std::string::npos);
    fake_fn& nic = bus[key(11, 0)];
    LONGS_EQUAL(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, nic.command);
    LONGS_EQUAL(0, nic.last_command_write >> 16);   // status bits are not written back
    LONGS_EQUAL(0xb8000000u + probed->resource[0].start, pci_iomap(*probed, 0));
    LONGS_EQUAL(0xa0000000u + probed->resource[1].start, pci_iomap(*probed, 1));
    LONGS_EQUAL(0, pci_iomap(*probed, 2));
    LONGS_EQUAL(0, pci_iomap(*probed, 6));
}

TEST(pci, config_word_access) {
    pci_init();
    pci_dev* nic = find(11, 0);
    LONGS_EQUAL(0x1022, pci_read_config_word(*nic, 0));
    LONGS_EQUAL(0x2000, pci_read_config_word(*nic, 2));
    pci_write_config_word(*nic, 0x3c, 0x0105);   // line 5, pin byte written as read
    LONGS_EQUAL(5, bus[key(11, 0)].interrupt_line);
}

TEST(pci, empty_bus) {
    host_stub::pci_conf_read = nullptr;
    LONGS_EQUAL(0, pci_init());
    LONGS_EQUAL(0, pci_dev_count());
    POINTERS_EQUAL(nullptr, pci_get_dev(0));
}
