// A simulated AMD PCnet-PCI II (Am79C970A) for the host unit tests of
// drivers/net/pcnet32: the register file in DWIO and WIO mode (RAP, RDP,
// BDP, RESET, the address PROM), CSR0 as the data sheet (AMD 19436) and
// QEMU's hw/net/pcnet.c have it (bits 8-14 write-one-to-clear, INEA, INTR
// and ERR computed, STOP/INIT/STRT/TDMD), CSR3 masks, CSR15 mode,
// CSR88/89 chip ID, CSR112 missed frames, BCR4 link, BCR20 SWSTYLE. It
// reads the SWSTYLE 2 init block at INIT, receives frames into the
// descriptors the driver gave it (MCNT with FCS, STP/ENP, error bits on
// request; MISS and CSR112 when it owns none), transmits what the driver
// hands over (OWN cleared, frames recorded, error bits on request), and
// raises its interrupt line as QEMU does: (CSR0 & ~CSR3 & 0x5f00) && INEA.
//
// Every access to memory goes through dma_debug_device_access(): touching
// a buffer the CPU owns, or one not mapped, is a DMA error the test sees.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

#include "kernel/dma.h"
#include "tests/unit/host/host_stub.h"

class pcnet32_sim {
public:
    static constexpr uintptr_t default_base = 0xb8003000u;

    explicit pcnet32_sim(const uint8_t (&mac)[6], uintptr_t base = default_base);
    ~pcnet32_sim();
    pcnet32_sim(const pcnet32_sim&) = delete;
    pcnet32_sim& operator=(const pcnet32_sim&) = delete;

    uintptr_t base() const { return region_.base; }
    bool irq() const;                    // the INTA line
    bool running() const { return (csr_[0] & 0x0030) == 0x0030; }

    // A frame arrives from the wire (no FCS: the card adds 4 bytes to
    // MCNT and writes an FCS after the data). Error bits (RMD1 FRAM, OFLO,
    // CRC, BUFF) are set with ERR on its last descriptor; mcnt overrides
    // the count. false: not taken (stopped, filtered, or missed).
    struct rx_opts {
        uint16_t err = 0;
        int mcnt = -1;
    };
    bool receive(const uint8_t* frame, size_t len, rx_opts opts);
    bool receive(const uint8_t* frame, size_t len) { return receive(frame, len, rx_opts{}); }
    bool receive(const std::vector<uint8_t>& f) { return receive(f.data(), f.size()); }
    unsigned filtered = 0;               // frames the address filter refused

    // Transmit: with tx_auto, at TDMD; otherwise when the test calls
    // transmit() (at most max frames). The next tx_fail frames complete
    // with ERR and tx_fail_misc in TMD2; with tx_fail_off the transmitter
    // then turns off (TXON clear, as after an underflow without DXSUFLO).
    bool tx_auto = true;
    unsigned transmit(unsigned max = ~0u);
    unsigned tx_pending() const;         // descriptors the card owns now
    unsigned tx_fail = 0;
    uint32_t tx_fail_misc = 0;
    bool tx_fail_off = false;
    std::vector<std::vector<uint8_t>> sent;

    // The part number CSR88/89 report after the next reset (0x2625: the
    // Am79C973 of a real Malta), and the MII PHY behind BCR33/BCR34 of such
    // a chip: its address (-1: none answers), ID, link and what the link
    // partner advertises; BMSR's link bit latches low as clause 22 has it.
    uint16_t part = 0x2621;
    struct phy_model {
        int addr = -1;
        uint16_t id1 = 0x0022, id2 = 0x5610;
        bool link = false;
        uint16_t bmcr = 0x1000, advertise = 0x01e1, lpa = 0;
        unsigned an_restarts = 0;
        bool latched_down = false;   // the link dropped since BMSR was read
        void set_link(bool up) {
            latched_down |= link && !up;
            link = up;
        }
    } phy;
    unsigned mdio_reads = 0;

    uint16_t csr(unsigned n) const { return csr_[n]; }
    uint16_t bcr(unsigned n) const { return bcr_[n]; }
    bool dwio() const { return dwio_; }
    unsigned inits = 0, starts = 0, stops = 0, resets = 0, tdmds = 0;
    bool promisc() const { return csr_[15] & 0x8000; }
    const uint8_t* ladrf() const { return ladrf_; }
    // What the driver did wrong as the data sheet sees it (a CSR written
    // while running, an unknown SWSTYLE, memory the DMA check refused).
    std::vector<std::string> errors;

private:
    static uint32_t io_read(void* ctx, unsigned off, unsigned width);
    static void io_write(void* ctx, unsigned off, unsigned width, uint32_t v);
    uint32_t read(unsigned off, unsigned width);
    void write(unsigned off, unsigned width, uint32_t v);
    uint16_t csr_read(unsigned n);
    void csr_write(unsigned n, uint16_t v);
    void csr0_write(uint16_t v);
    void s_reset();
    void do_init();
    void do_stop();
    bool accepts(const uint8_t* frame) const;
    uint8_t* mem(uint32_t addr, size_t len, bool write);
    void fail(const std::string& what) { errors.push_back(what); }

    host_stub::io_region region_;
    uint8_t prom_[16] = {};
    uint16_t csr_[128] = {};
    uint16_t bcr_[40] = {};
    uint16_t mdio_read();
    void mdio_write(uint16_t v);
    bool chip_has_mii() const { return part >= 0x2623; }
    unsigned rap_ = 0;
    bool dwio_ = false;
    bool initialized_ = false;
    uint32_t rdra_ = 0, tdra_ = 0;
    unsigned rx_size_ = 0, tx_size_ = 0, rx_idx_ = 0, tx_idx_ = 0;
    uint8_t padr_[6] = {}, ladrf_[8] = {};
};
