// PCI bus 0: enumeration, BAR assignment, interrupt lines, and a small
// pci_driver registry that binds drivers by vendor/device (Linux's
// drivers/pci names, much reduced). The board provides configuration access,
// the address windows and the interrupt wiring (kernel/board.h).
#pragma once
#include <stddef.h>
#include <stdint.h>

// Configuration header, type 0 (PCI Local Bus Specification 3.0, 6.1).
namespace pci_cfg {
constexpr unsigned vendor_device = 0x00;
constexpr unsigned command_status = 0x04;
constexpr unsigned class_revision = 0x08;
constexpr unsigned header_dword = 0x0c;     // header type in bits 23:16
constexpr unsigned bar0 = 0x10;
constexpr unsigned interrupt = 0x3c;        // line in bits 7:0, pin in 15:8
}  // namespace pci_cfg

// Command register bits (6.2.2).
constexpr uint16_t PCI_COMMAND_IO = 0x1;
constexpr uint16_t PCI_COMMAND_MEMORY = 0x2;
constexpr uint16_t PCI_COMMAND_MASTER = 0x4;

constexpr unsigned PCI_NUM_BARS = 6;
constexpr unsigned PCI_MAX_DEVICES = 64;

enum class pci_bar_type : uint8_t { none, io, mem32, mem64 };

struct pci_resource {
    uint32_t start;      // bus address (I/O port or memory address)
    uint32_t size;       // 0: BAR not implemented or not assigned
    pci_bar_type type;
    bool prefetch;
};

struct pci_driver;

struct pci_dev {
    uint8_t bus, slot, fn;
    uint8_t hdr_type;    // without the multi-function bit
    uint16_t vendor, device;
    uint32_t class_code; // base class << 16 | subclass << 8 | prog-if
    uint8_t revision;
    uint8_t pin;         // 0 none, 1..4 = INTA..INTD
    int irq;             // ISA IRQ, -1 if none
    pci_resource resource[PCI_NUM_BARS];
    const pci_driver* driver;
    void* driver_data;
};

struct pci_device_id {
    uint16_t vendor, device;   // the table ends with {0, 0}
};

struct pci_driver {
    const char* name;
    const pci_device_id* id_table;
    int (*probe)(pci_dev& dev, const pci_device_id& id);   // 0 or -errno
};

// Registration, in a driver's source file (like kernel/apps.h):
//   [[gnu::used, gnu::section("mipsnet_pci_drivers"), gnu::aligned(alignof(pci_driver))]]
//   const pci_driver my_driver{"name", ids, probe};

// Enumerates bus 0 (every function of multi-function devices), sizes and
// assigns BARs from the board's windows, sets interrupt lines, logs each
// device, then probes the registered drivers. Returns the device count.
int pci_init();
size_t pci_dev_count();
pci_dev* pci_get_dev(size_t i);

uint32_t pci_read_config_dword(const pci_dev& dev, unsigned where);
void pci_write_config_dword(const pci_dev& dev, unsigned where, uint32_t val);
uint16_t pci_read_config_word(const pci_dev& dev, unsigned where);
void pci_write_config_word(const pci_dev& dev, unsigned where, uint16_t val);

int pci_enable_device(pci_dev& dev);   // decode on for the kinds of BAR it has
void pci_set_master(pci_dev& dev);
// Uncached CPU address of an assigned BAR (I/O or memory), 0 if none.
uintptr_t pci_iomap(const pci_dev& dev, unsigned bar);

// Size from what a BAR reads back after all ones were written (6.2.5.1);
// 0 when the BAR is not implemented. I/O BARs may decode only 16 bits.
constexpr uint32_t pci_bar_size(uint32_t readback, bool io) {
    uint32_t mask = io ? readback & ~3u : readback & ~0xfu;
    if (mask == 0) {
        return 0;
    }
    if (io && (mask & 0xffff0000u) == 0) {
        mask |= 0xffff0000u;
    }
    return ~mask + 1;
}

// Next address at or above next, aligned to size (a power of two), or 0 when
// [addr, addr + size) does not fit below end.
constexpr uint32_t pci_align_in_window(uint32_t next, uint32_t size, uint32_t end) {
    uint64_t addr = (static_cast<uint64_t>(next) + size - 1) & ~static_cast<uint64_t>(size - 1);
    return addr + size <= end ? static_cast<uint32_t>(addr) : 0;
}
