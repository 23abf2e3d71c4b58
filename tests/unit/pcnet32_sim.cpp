#include "tests/unit/pcnet32_sim.h"

#include <string.h>

#include "drivers/net/pcnet32_hw.h"
#include "tests/unit/host/dma_debug.h"

namespace {

constexpr uint16_t csr0_init = 0x0001, csr0_strt = 0x0002, csr0_stop = 0x0004, csr0_tdmd = 0x0008;
constexpr uint16_t csr0_txon = 0x0010, csr0_rxon = 0x0020, csr0_inea = 0x0040, csr0_intr = 0x0080;
constexpr uint16_t csr0_idon = 0x0100, csr0_tint = 0x0200, csr0_rint = 0x0400, csr0_miss = 0x1000;
constexpr uint16_t csr0_err = 0x8000;
constexpr uint16_t rmd_own = 0x8000, rmd_err = 0x4000, rmd_stp = 0x0200, rmd_enp = 0x0100;
constexpr uint16_t tmd_own = 0x8000, tmd_err = 0x4000, tmd_stp = 0x0200, tmd_enp = 0x0100;
constexpr uint32_t fcs = 0xdeadbeefu;

uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
uint32_t le32(const uint8_t* p) { return le16(p) | static_cast<uint32_t>(le16(p + 2)) << 16; }
void put16(uint8_t* p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v);
    p[1] = static_cast<uint8_t>(v >> 8);
}
void put32(uint8_t* p, uint32_t v) {
    put16(p, static_cast<uint16_t>(v));
    put16(p + 2, static_cast<uint16_t>(v >> 16));
}

// BCNT: two's complement of the size in 11:0; 0 means 4096.
size_t buf_size(uint16_t bcnt) {
    size_t n = (4096u - (bcnt & 0x0fffu)) & 0x0fffu;
    return n ? n : 4096;
}

}  // namespace

pcnet32_sim::pcnet32_sim(const uint8_t (&mac)[6], uintptr_t base) {
    memcpy(prom_, mac, 6);
    prom_[14] = prom_[15] = 0x57;   // "WW", as the Am79C970A PROM and QEMU have it
    region_ = {base, 0x20, io_read, io_write, this};
    host_stub::io_claim(region_);
    s_reset();
    bcr_[4] = 0x80c0;   // LEDOUT | LNKSTE | its reset bits: link up
}

pcnet32_sim::~pcnet32_sim() { host_stub::io_release(region_); }

uint32_t pcnet32_sim::io_read(void* ctx, unsigned off, unsigned width) {
    return static_cast<pcnet32_sim*>(ctx)->read(off, width);
}
void pcnet32_sim::io_write(void* ctx, unsigned off, unsigned width, uint32_t v) {
    static_cast<pcnet32_sim*>(ctx)->write(off, width, v);
}

// I/O map ("I/O Resources"): the PROM at 0x00-0x0f in any width; above it
// WIO's 16-bit RDP 0x10, RAP 0x12, RESET 0x14, BDP 0x16 or DWIO's 32-bit
// RDP 0x10, RAP 0x14, RESET 0x18, BDP 0x1c. Accesses of the other width
// are ignored (reads give all ones).
uint32_t pcnet32_sim::read(unsigned off, unsigned width) {
    if (off < 16) {
        uint32_t v = 0;
        for (unsigned i = 0; i < width && off + i < 16; ++i) {
            v |= static_cast<uint32_t>(prom_[off + i]) << (8 * i);
        }
        return v;
    }
    if ((dwio_ && width != 4) || (!dwio_ && width != 2)) {
        return 0xffffffffu;
    }
    unsigned reg = dwio_ ? (off - 16) / 4 : (off - 16) / 2;   // 0 RDP, 1 RAP, 2 RESET, 3 BDP
    switch (reg) {
    case 0: return csr_read(rap_);
    case 1: return rap_;
    case 2: s_reset(); return 0;
    case 3:
        if (rap_ == 34) {
            return mdio_read();
        }
        return rap_ < 40 ? bcr_[rap_] : 0;
    }
    return 0xffffffffu;
}

void pcnet32_sim::write(unsigned off, unsigned width, uint32_t v) {
    if (off < 16) {
        return;
    }
    if (!dwio_ && width == 4 && off == 0x10) {
        dwio_ = true;   // a 32-bit write to RDP enters DWIO, and is a write
    }
    if ((dwio_ && width != 4) || (!dwio_ && width != 2)) {
        return;
    }
    unsigned reg = dwio_ ? (off - 16) / 4 : (off - 16) / 2;
    uint16_t val = static_cast<uint16_t>(v);
    switch (reg) {
    case 0: csr_write(rap_, val); break;
    case 1: rap_ = val & 0x7f; break;
    case 2: break;
    case 3:
        if (rap_ == 34) {
            mdio_write(val);
        } else if (rap_ < 40 && rap_ != 4) {
            bcr_[rap_] = val;
        }
        break;
    }
}

uint16_t pcnet32_sim::csr_read(unsigned n) {
    if (n != 0) {
        return n < 128 ? csr_[n] : 0;
    }
    uint16_t v = csr_[0] & static_cast<uint16_t>(~(csr0_intr | csr0_err));
    if (v & static_cast<uint16_t>(~csr_[3]) & 0x5f00) {
        v |= csr0_intr;
    }
    if (v & 0x7800) {   // BABL | CERR | MISS | MERR
        v |= csr0_err;
    }
    return v;
}

bool pcnet32_sim::irq() const {
    return (csr_[0] & csr0_inea) && (csr_[0] & static_cast<uint16_t>(~csr_[3]) & 0x5f00);
}

void pcnet32_sim::csr_write(unsigned n, uint16_t v) {
    bool stopped = csr_[0] & csr0_stop;
    switch (n) {
    case 0: csr0_write(v); return;
    case 1: case 2: case 15: case 112:
        if (!stopped) {
            fail("CSR" + std::to_string(n) + " written while running");
            return;
        }
        break;
    case 88: case 89:
        return;   // read-only chip ID
    default:
        break;
    }
    if (n < 128) {
        csr_[n] = v;
    }
}

// CSR0: bits 8-14 are cleared by writing ones; INEA and TDMD take the
// written value; STOP overrides INIT and STRT.
void pcnet32_sim::csr0_write(uint16_t v) {
    csr_[0] &= static_cast<uint16_t>(~(v & 0x7f00));
    if (v & csr0_stop) {
        do_stop();
        return;
    }
    csr_[0] = static_cast<uint16_t>((csr_[0] & ~csr0_inea) | (v & csr0_inea));
    if (v & csr0_init) {
        do_init();
    }
    if (v & csr0_strt) {
        if (!initialized_) {
            fail("STRT before INIT");
        }
        ++starts;
        csr_[0] = static_cast<uint16_t>((csr_[0] & ~csr0_stop) | csr0_strt | csr0_txon | csr0_rxon);
    }
    if (v & csr0_tdmd) {
        ++tdmds;
        if (tx_auto) {
            transmit();
        }
    }
}

void pcnet32_sim::s_reset() {
    ++resets;
    memset(csr_, 0, sizeof csr_);
    csr_[0] = csr0_stop;
    csr_[4] = 0x0115;
    csr_[88] = static_cast<uint16_t>((part & 0xf) << 12 | 0x003);   // 0x02621003: the Am79C970A
    csr_[89] = static_cast<uint16_t>(part >> 4);
    bcr_[20] = 0;
    rap_ = 0;
    initialized_ = false;
}

void pcnet32_sim::do_stop() {
    ++stops;
    csr_[0] = csr0_stop;
}

uint8_t* pcnet32_sim::mem(uint32_t addr, size_t len, bool write) {
    uint8_t* p = dma_debug_device_access(addr, len, write ? dma_debug_access::write
                                                          : dma_debug_access::read);
    if (!p) {
        fail(dma_debug_last_error());
    }
    return p;
}

// INIT: read the SWSTYLE 2 init block at IADR (CSR2:CSR1).
void pcnet32_sim::do_init() {
    ++inits;
    if ((bcr_[20] & 0xff) != 2) {
        fail("INIT with SWSTYLE " + std::to_string(bcr_[20] & 0xff));
        return;
    }
    uint32_t iadr = csr_[1] | static_cast<uint32_t>(csr_[2]) << 16;
    const uint8_t* ib = mem(iadr, sizeof(pcnet32_hw::init_block), false);
    if (!ib) {
        return;
    }
    csr_[15] = le16(ib);
    rx_size_ = 1u << (ib[2] >> 4);
    tx_size_ = 1u << (ib[3] >> 4);
    memcpy(padr_, ib + 4, 6);
    memcpy(ladrf_, ib + 12, 8);
    rdra_ = le32(ib + 20);
    tdra_ = le32(ib + 24);
    rx_idx_ = tx_idx_ = 0;
    initialized_ = true;
    csr_[0] = static_cast<uint16_t>((csr_[0] & ~csr0_stop) | csr0_idon | csr0_init);
}

bool pcnet32_sim::accepts(const uint8_t* dst) const {
    if (promisc() || memcmp(dst, padr_, 6) == 0) {
        return true;
    }
    static constexpr uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    if (memcmp(dst, bcast, 6) == 0) {
        return true;
    }
    if (!(dst[0] & 1)) {
        return false;
    }
    uint8_t a[6];
    memcpy(a, dst, 6);
    unsigned i = pcnet32_hw::ladrf_index(a);
    return ladrf_[i >> 3] & (1u << (i & 7));
}

bool pcnet32_sim::receive(const uint8_t* frame, size_t len, rx_opts opts) {
    if (!(csr_[0] & csr0_rxon) || len < 6) {
        return false;
    }
    if (!accepts(frame)) {
        ++filtered;
        return false;
    }
    std::vector<uint8_t> wire(frame, frame + len);
    for (int i = 0; i < 4; ++i) {
        wire.push_back(static_cast<uint8_t>(fcs >> (8 * i)));
    }
    size_t done = 0;
    bool first = true;
    while (done < wire.size()) {
        uint8_t* d = mem(rdra_ + 16 * rx_idx_, 16, true);
        if (!d) {
            return false;
        }
        uint16_t status = le16(d + 6);
        if (!(status & rmd_own)) {
            if (!first) {
                fail("frame ran out of descriptors half-way");
            }
            csr_[0] |= csr0_miss;   // no buffer: the frame is lost and counted
            ++csr_[112];
            return false;
        }
        size_t n = wire.size() - done;
        size_t room = buf_size(le16(d + 4));
        n = n < room ? n : room;
        uint8_t* buf = mem(le32(d), n, true);
        if (!buf) {
            return false;
        }
        memcpy(buf, wire.data() + done, n);
        done += n;
        bool last = done == wire.size();
        uint16_t st = static_cast<uint16_t>((first ? rmd_stp : 0) | (last ? rmd_enp : 0));
        if (last) {
            put32(d + 8, opts.mcnt >= 0 ? static_cast<uint32_t>(opts.mcnt) & 0x0fff
                                        : static_cast<uint32_t>(wire.size()));
            if (opts.err) {
                st |= static_cast<uint16_t>(rmd_err | opts.err);
            }
        }
        put16(d + 6, st);   // OWN back to the host, last
        rx_idx_ = (rx_idx_ + 1) % rx_size_;
        first = false;
    }
    csr_[0] |= csr0_rint;
    return true;
}

unsigned pcnet32_sim::tx_pending() const {
    unsigned n = 0;
    for (unsigned i = 0; i < tx_size_; ++i) {
        const uint8_t* d = dma_debug_device_access(tdra_ + 16 * i, 16, dma_debug_access::read);
        n += d && (le16(d + 6) & tmd_own) ? 1 : 0;
    }
    return n;
}

unsigned pcnet32_sim::transmit(unsigned max) {
    unsigned frames = 0;
    std::vector<uint8_t> frame;
    while (frames < max && (csr_[0] & csr0_txon)) {
        uint8_t* d = mem(tdra_ + 16 * tx_idx_, 16, true);
        if (!d) {
            break;
        }
        uint16_t status = le16(d + 6);
        if (!(status & tmd_own)) {
            break;
        }
        if (frame.empty() && !(status & tmd_stp)) {
            fail("transmit descriptor without STP");
        }
        size_t n = buf_size(le16(d + 4));
        const uint8_t* buf = mem(le32(d), n, false);
        if (!buf) {
            break;
        }
        frame.insert(frame.end(), buf, buf + n);
        bool end = status & tmd_enp;
        bool failed = end && tx_fail > 0;
        if (failed) {
            --tx_fail;
            put32(d + 8, tx_fail_misc);
            put16(d + 6, static_cast<uint16_t>((status & ~tmd_own) | tmd_err));
        } else {
            put32(d + 8, 0);
            put16(d + 6, static_cast<uint16_t>(status & ~tmd_own));
        }
        tx_idx_ = (tx_idx_ + 1) % tx_size_;
        if (end) {
            if (!failed) {
                sent.push_back(frame);
            }
            frame.clear();
            ++frames;
            csr_[0] |= csr0_tint;
            if (failed && tx_fail_off) {
                csr_[0] &= static_cast<uint16_t>(~csr0_txon);
            }
        }
    }
    return frames;
}

// BCR34 on the PHY BCR33 names (Am79C973 data sheet, BCR33/34): all ones
// from an address nobody answers at, as an undriven MDIO line reads.
uint16_t pcnet32_sim::mdio_read() {
    ++mdio_reads;
    unsigned addr = bcr_[33] >> 5 & 0x1f, reg = bcr_[33] & 0x1f;
    if (!chip_has_mii() || static_cast<int>(addr) != phy.addr) {
        return 0xffff;
    }
    switch (reg) {
    case 0: return phy.bmcr;
    case 1: {
        uint16_t bmsr = 0x7809 | (phy.link ? 0x0024 : 0);   // 10/100 abilities, extended; LSTATUS, ANEGCOMPLETE
        if (phy.latched_down) {
            bmsr &= static_cast<uint16_t>(~0x0004);
            phy.latched_down = false;
        }
        return bmsr;
    }
    case 2: return phy.id1;
    case 3: return phy.id2;
    case 4: return phy.advertise;
    case 5: return phy.link ? phy.lpa : 0;
    }
    return 0;
}

void pcnet32_sim::mdio_write(uint16_t v) {
    unsigned addr = bcr_[33] >> 5 & 0x1f, reg = bcr_[33] & 0x1f;
    if (!chip_has_mii() || static_cast<int>(addr) != phy.addr) {
        return;
    }
    if (reg == 0) {
        if (v & 0x0200) {
            ++phy.an_restarts;
        }
        phy.bmcr = static_cast<uint16_t>(v & ~0x0200);   // ANRESTART clears itself
    } else if (reg == 4) {
        phy.advertise = v;
    }
}
