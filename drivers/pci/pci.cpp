#include "drivers/pci/pci.h"

#include <stdio.h>

#include "kernel/board.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/uapi/errno.h"

extern "C" {
[[gnu::weak]] extern const pci_driver __start_mipsnet_pci_drivers[];
[[gnu::weak]] extern const pci_driver __stop_mipsnet_pci_drivers[];
}

namespace {

pci_dev devices[PCI_MAX_DEVICES];
size_t ndevices;
uint32_t next_io, next_mem;

constexpr uint8_t header_multifunction = 0x80;
constexpr uint8_t header_normal = 0x00;
constexpr uint32_t class_host_bridge = 0x0600;   // base class << 8 | subclass
constexpr uint32_t class_bridge = 0x06;

uint32_t conf_read(const pci_dev& d, unsigned reg) {
    return board::pci_conf_read32(d.bus, d.slot, d.fn, reg);
}

void conf_write(const pci_dev& d, unsigned reg, uint32_t v) {
    board::pci_conf_write32(d.bus, d.slot, d.fn, reg, v);
}

const char* bar_kind(pci_bar_type t) {
    switch (t) {
    case pci_bar_type::io: return "io ";
    case pci_bar_type::mem32: return "mem";
    case pci_bar_type::mem64: return "mem64";
    default: return "?";
    }
}

// Writes all ones and reads the size back (6.2.5.1), with the device's
// decoding off so that it does not answer at a half-written address. The
// original value goes back; assign_bar() places it.
uint32_t probe_bar(const pci_dev& d, unsigned reg, uint32_t orig) {
    conf_write(d, reg, 0xffffffffu);
    uint32_t readback = conf_read(d, reg);
    conf_write(d, reg, orig);
    return readback;
}

bool assign(pci_resource& r, uint32_t& next, board::pci_window w) {
    uint32_t addr = pci_align_in_window(next < w.start ? w.start : next, r.size, w.end);
    if (addr == 0) {
        return false;
    }
    r.start = addr;
    next = addr + r.size;
    return true;
}

// Sizes BAR i and gives it an address; returns how many BAR slots it used
// (2 for a 64-bit memory BAR, placed below 4 GB).
unsigned setup_bar(pci_dev& d, unsigned i) {
    unsigned reg = pci_cfg::bar0 + 4 * i;
    uint32_t orig = conf_read(d, reg);
    bool io = orig & 1;
    uint32_t size = pci_bar_size(probe_bar(d, reg, orig), io);
    pci_resource& r = d.resource[i];
    if (size == 0) {
        return 1;
    }
    r.size = size;
    unsigned used = 1;
    bool ok;
    if (io) {
        r.type = pci_bar_type::io;
        ok = assign(r, next_io, board::pci_io_window());
    } else {
        r.type = ((orig >> 1) & 3) == 2 ? pci_bar_type::mem64 : pci_bar_type::mem32;
        r.prefetch = orig & 8;
        ok = assign(r, next_mem, board::pci_mem_window());
        if (r.type == pci_bar_type::mem64) {
            used = 2;
            if (i + 1 < PCI_NUM_BARS) {
                conf_write(d, reg + 4, 0);
            }
        }
    }
    if (!ok) {
        r.size = 0;
        return used;
    }
    conf_write(d, reg, r.start | (orig & (io ? 3u : 0xfu)));
    return used;
}

void setup_bars(pci_dev& d) {
    uint32_t cmd = conf_read(d, pci_cfg::command_status);
    bool bridge = (d.class_code >> 16) == class_bridge;
    {
        // Console and other ISA devices sit behind the PIIX4: nothing may
        // touch them while a function of it has its decoding switched off.
        cpu::irq_guard guard;
        if (!bridge) {
            conf_write(d, pci_cfg::command_status,
                       (cmd & 0xffffu) & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
        }
        for (unsigned i = 0; i < PCI_NUM_BARS; i += setup_bar(d, i)) {
        }
        if (!bridge) {
            conf_write(d, pci_cfg::command_status, cmd & 0xffffu);
        }
    }
}

void setup_irq(pci_dev& d) {
    uint32_t v = conf_read(d, pci_cfg::interrupt);
    d.pin = static_cast<uint8_t>(v >> 8);
    d.irq = (d.pin >= 1 && d.pin <= 4) ? board::pci_map_irq(d.slot, d.pin) : -1;
    uint8_t line = d.irq < 0 ? 0xff : static_cast<uint8_t>(d.irq);
    conf_write(d, pci_cfg::interrupt, (v & ~0xffu) | line);
}

void log_device(const pci_dev& d) {
    char irq[32] = "";
    if (d.irq >= 0) {
        snprintf(irq, sizeof irq, " irq %d (INT%c)", d.irq, 'A' + d.pin - 1);
    } else if (d.pin) {
        snprintf(irq, sizeof irq, " INT%c not routed", 'A' + d.pin - 1);
    }
    pr_info("pci 0000:%02x:%02x.%u: [%04x:%04x] type %02x class 0x%06lx rev %02x%s\n", d.bus,
            d.slot, d.fn, d.vendor, d.device, d.hdr_type, static_cast<unsigned long>(d.class_code),
            d.revision, irq);
    for (unsigned i = 0; i < PCI_NUM_BARS; ++i) {
        const pci_resource& r = d.resource[i];
        if (r.type == pci_bar_type::none) {
            continue;
        }
        if (r.size == 0) {
            pr_warn("pci 0000:%02x:%02x.%u: BAR %u: no room in the %s window\n", d.bus, d.slot,
                    d.fn, i, bar_kind(r.type));
            continue;
        }
        pr_info("pci 0000:%02x:%02x.%u: BAR %u [%s 0x%08lx-0x%08lx%s]\n", d.bus, d.slot, d.fn, i,
                bar_kind(r.type), static_cast<unsigned long>(r.start),
                static_cast<unsigned long>(r.start + r.size - 1), r.prefetch ? " pref" : "");
    }
}

// Reads the header of one function into a new pci_dev; nullptr if nothing
// answers there (a read of all ones, 6.1) or the table is full.
pci_dev* scan_function(unsigned slot, unsigned fn) {
    uint32_t id = board::pci_conf_read32(0, slot, fn, pci_cfg::vendor_device);
    if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0) {
        return nullptr;
    }
    if (ndevices == PCI_MAX_DEVICES) {
        pr_warn("pci: more than %u functions, ignoring 00:%02x.%u\n", PCI_MAX_DEVICES, slot, fn);
        return nullptr;
    }
    pci_dev& d = devices[ndevices++];
    d = pci_dev{};
    d.slot = static_cast<uint8_t>(slot);
    d.fn = static_cast<uint8_t>(fn);
    d.vendor = static_cast<uint16_t>(id);
    d.device = static_cast<uint16_t>(id >> 16);
    uint32_t cr = conf_read(d, pci_cfg::class_revision);
    d.class_code = cr >> 8;
    d.revision = static_cast<uint8_t>(cr);
    d.hdr_type = static_cast<uint8_t>(conf_read(d, pci_cfg::header_dword) >> 16);
    d.irq = -1;
    return &d;
}

void setup_device(pci_dev& d) {
    // The host bridge's BARs map PCI bus addresses onto RAM for DMA as the
    // loader set them up: leave them (and its command register) alone.
    bool host_bridge = (d.class_code >> 8) == class_host_bridge;
    if ((d.hdr_type & 0x7f) == header_normal && !host_bridge) {
        setup_bars(d);
        setup_irq(d);
    }
}

bool id_matches(const pci_dev& d, const pci_driver& drv, const pci_device_id*& match) {
    for (const pci_device_id* id = drv.id_table; id && (id->vendor || id->device); ++id) {
        if (id->vendor == d.vendor && id->device == d.device) {
            match = id;
            return true;
        }
    }
    return false;
}

void probe_drivers(pci_dev& d) {
    const pci_driver* begin = __start_mipsnet_pci_drivers;
    const pci_driver* end = __stop_mipsnet_pci_drivers;
    for (const pci_driver* drv = begin; drv && drv != end; ++drv) {
        const pci_device_id* id = nullptr;
        if (!id_matches(d, *drv, id)) {
            continue;
        }
        int err = drv->probe(d, *id);
        if (err == 0) {
            d.driver = drv;
            return;
        }
        pr_warn("pci 0000:%02x:%02x.%u: %s probe failed: %d\n", d.bus, d.slot, d.fn, drv->name,
                err);
    }
}

}  // namespace

int pci_init() {
    ndevices = 0;
    next_io = next_mem = 0;
    for (unsigned slot = 0; slot < 32; ++slot) {
        for (unsigned fn = 0; fn < 8; ++fn) {
            pci_dev* d = scan_function(slot, fn);
            if (!d) {
                if (fn == 0) {
                    break;   // no function 0: no device in this slot (6.2.1)
                }
                continue;
            }
            bool multi = d->hdr_type & header_multifunction;
            d->hdr_type &= ~header_multifunction;
            setup_device(*d);
            log_device(*d);
            if (fn == 0 && !multi) {
                break;
            }
        }
    }
    pr_info("pci: %u function(s) on bus 0\n", static_cast<unsigned>(ndevices));
    for (size_t i = 0; i < ndevices; ++i) {
        probe_drivers(devices[i]);
    }
    return static_cast<int>(ndevices);
}

size_t pci_dev_count() { return ndevices; }

pci_dev* pci_get_dev(size_t i) { return i < ndevices ? &devices[i] : nullptr; }

uint32_t pci_read_config_dword(const pci_dev& dev, unsigned where) {
    return conf_read(dev, where & ~3u);
}

void pci_write_config_dword(const pci_dev& dev, unsigned where, uint32_t val) {
    conf_write(dev, where & ~3u, val);
}

uint16_t pci_read_config_word(const pci_dev& dev, unsigned where) {
    return static_cast<uint16_t>(conf_read(dev, where & ~3u) >> (8 * (where & 2)));
}

// The bridge does dword accesses only: read-modify-write the other half,
// except the status register next to the command register, whose error bits
// are write-one-to-clear: it gets zeros, which change nothing.
void pci_write_config_word(const pci_dev& dev, unsigned where, uint16_t val) {
    cpu::irq_guard guard;
    unsigned reg = where & ~3u;
    unsigned shift = 8 * (where & 2);
    bool status_half = reg == pci_cfg::command_status && shift == 0;
    uint32_t other = status_half ? 0 : conf_read(dev, reg) & ~(0xffffu << shift);
    conf_write(dev, reg, other | static_cast<uint32_t>(val) << shift);
}

int pci_enable_device(pci_dev& dev) {
    uint16_t cmd = pci_read_config_word(dev, pci_cfg::command_status);
    uint16_t want = cmd;
    for (const pci_resource& r : dev.resource) {
        if (r.size == 0) {
            continue;
        }
        want |= r.type == pci_bar_type::io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
    }
    for (const pci_resource& r : dev.resource) {
        if (r.type != pci_bar_type::none && r.size == 0) {
            return -EBUSY;   // a BAR the device needs has no address
        }
    }
    if (want != cmd) {
        pci_write_config_word(dev, pci_cfg::command_status, want);
    }
    return 0;
}

void pci_set_master(pci_dev& dev) {
    uint16_t cmd = pci_read_config_word(dev, pci_cfg::command_status);
    if (!(cmd & PCI_COMMAND_MASTER)) {
        pci_write_config_word(dev, pci_cfg::command_status, cmd | PCI_COMMAND_MASTER);
    }
}

uintptr_t pci_iomap(const pci_dev& dev, unsigned bar) {
    if (bar >= PCI_NUM_BARS || dev.resource[bar].size == 0) {
        return 0;
    }
    const pci_resource& r = dev.resource[bar];
    return (r.type == pci_bar_type::io ? board::pci_io_base() : board::pci_mem_base()) + r.start;
}
