// The AMD PCnet-PCI II (Am79C970A) as the driver sees it: register numbers
// and bits, SWSTYLE 2 descriptors and init block, and the frame-level rules
// (byte counts, status decoding, the logical address filter hash). Section
// numbers are those of the Am79C970A data sheet (AMD publication 19436).
// Header-only and free of hardware access, so the host unit tests cover it.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "drivers/net/eth_hw.h"
#include "kernel/byteorder.h"

namespace pcnet32_hw {

constexpr uint16_t vendor_amd = 0x1022;
constexpr uint16_t device_lance = 0x2000;

// I/O resources, 32-bit (DWIO) and 16-bit (WIO) modes ("I/O Resources").
// The address PROM (the MAC in bytes 0-5) occupies 0x00-0x0f in both.
namespace io {
constexpr unsigned aprom = 0x00;
constexpr unsigned dwio_rdp = 0x10, dwio_rap = 0x14, dwio_reset = 0x18, dwio_bdp = 0x1c;
constexpr unsigned wio_rdp = 0x10, wio_rap = 0x12, wio_reset = 0x14, wio_bdp = 0x16;
}  // namespace io

// CSR0, controller status and control. Bits 8-14 are write-one-to-clear;
// every write also sets INEA to the written value.
namespace csr0 {
constexpr uint16_t init = 0x0001, strt = 0x0002, stop = 0x0004, tdmd = 0x0008;
constexpr uint16_t txon = 0x0010, rxon = 0x0020, inea = 0x0040, intr = 0x0080;
constexpr uint16_t idon = 0x0100, tint = 0x0200, rint = 0x0400, merr = 0x0800;
constexpr uint16_t miss = 0x1000, cerr = 0x2000, babl = 0x4000, err = 0x8000;
constexpr uint16_t events = idon | tint | rint | merr | miss | cerr | babl;
}  // namespace csr0

// CSR3, interrupt masks and deferral control.
namespace csr3 {
constexpr uint16_t bablm = 0x4000, missm = 0x1000, merrm = 0x0800;
constexpr uint16_t rintm = 0x0400, tintm = 0x0200, idonm = 0x0100;
constexpr uint16_t dxsuflo = 0x0040;   // keep transmitting after an underflow
}  // namespace csr3

// CSR4: auto-pad short transmit frames; mask the jabber, transmit-start,
// receive-collision-counter and missed-frame-counter-overflow interrupts.
constexpr uint16_t csr4_value = 0x0915;

// CSR15 / init block MODE.
namespace mode {
constexpr uint16_t prom = 0x8000;      // accept every destination
}

namespace bcr {
constexpr unsigned mc = 2, lnkst = 4, bsbc = 18, swstyle = 20;
// The MII management port of the 79C971 and later (Am79C973 data sheet,
// AMD 21510, BCR32-34): BCR33 selects the PHY (bits 9:5) and its register
// (4:0), BCR34 then reads or writes that register.
constexpr unsigned mii_control = 32, mii_addr = 33, mii_data = 34;
constexpr uint16_t lnkst_ledout = 0x8000;   // LED0 pin state; link when LNKSTE
constexpr uint16_t lnkst_lnkste = 0x0040;
constexpr uint16_t swstyle_pcnet_pci = 2;   // 32-bit structures, SSIZE32
}  // namespace bcr

constexpr unsigned csr_chip_id_lo = 88, csr_chip_id_hi = 89, csr_missed_frames = 112;

// Part number from CSR88/89 (bits 27:12 of the chip ID): 0x2621 is the
// Am79C970A, 0x2625 the Am79C973 on real Malta boards.
constexpr uint16_t chip_part(uint16_t id_lo, uint16_t id_hi) {
    return static_cast<uint16_t>((static_cast<uint32_t>(id_hi & 0x0fffu) << 4) | (id_lo >> 12));
}

// The 79C971 (0x2623) and its successors have the MII port; the 79C970A
// (QEMU's model) has a 10BASE-T transceiver of its own instead.
constexpr bool chip_has_mii(uint16_t part) { return part >= 0x2623 && part <= 0x2628; }

// SWSTYLE 2 descriptors, 16 bytes, little-endian ("Descriptor Rings").
struct rx_desc {
    uint32_t base;        // RMD0: buffer physical address
    uint16_t buf_length;  // RMD1 15:0: -size, top nibble ones
    uint16_t status;      // RMD1 31:16
    uint32_t msg_length;  // RMD2: bytes received incl. FCS in 11:0
    uint32_t reserved;
};
struct tx_desc {
    uint32_t base;        // TMD0
    uint16_t length;      // TMD1 15:0: -size, top nibble ones
    uint16_t status;      // TMD1 31:16
    uint32_t misc;        // TMD2: error bits, TDR, retry count
    uint32_t reserved;
};
static_assert(sizeof(rx_desc) == 16 && sizeof(tx_desc) == 16);

namespace rmd {
constexpr uint16_t own = 0x8000, err = 0x4000, fram = 0x2000, oflo = 0x1000;
constexpr uint16_t crc = 0x0800, buff = 0x0400, stp = 0x0200, enp = 0x0100;
constexpr uint32_t mcnt_mask = 0x0fff;
}  // namespace rmd
namespace tmd {
constexpr uint16_t own = 0x8000, err = 0x4000, add_fcs = 0x2000, more = 0x1000;
constexpr uint16_t one = 0x0800, def = 0x0400, stp = 0x0200, enp = 0x0100;
constexpr uint32_t buff = 0x80000000u, uflo = 0x40000000u, exdef = 0x20000000u;
constexpr uint32_t lcol = 0x10000000u, lcar = 0x08000000u, rtry = 0x04000000u;
}  // namespace tmd

// SWSTYLE 2 initialisation block, 28 bytes ("Initialization Block").
struct init_block {
    uint16_t mode;
    uint8_t rlen;         // log2(RX ring entries) << 4
    uint8_t tlen;         // log2(TX ring entries) << 4
    uint8_t padr[ETH_ALEN];
    uint16_t reserved;
    uint8_t ladrf[8];
    uint32_t rdra;
    uint32_t tdra;
};
static_assert(sizeof(init_block) == 28);

constexpr unsigned max_ring_order = 9;   // 512 descriptors

// Buffer byte count: the two's complement of the size, bits 15:12 all ones.
constexpr uint16_t bcnt(size_t size) {
    return static_cast<uint16_t>((0u - static_cast<unsigned>(size)) & 0x0fffu) | 0xf000u;
}

// The card reads descriptors and the init block over PCI DMA as
// little-endian structures whatever the CPU's order (Linux's pcnet32.c
// stores them through cpu_to_le32/cpu_to_le16 and reads le16_to_cpu), so
// these build them as a CPU of byte order O must store them: the host's,
// or in the host tests the other one, to check what a big-endian CPU writes.
// Multi-byte fields are converted; the MAC and the filter are byte strings.
template <byte_order O = host_byte_order>
constexpr init_block make_init_block(uint16_t mode_bits, unsigned rx_order, unsigned tx_order,
                                     const uint8_t (&mac)[ETH_ALEN], const uint8_t (&ladrf)[8],
                                     uint32_t rdra, uint32_t tdra) {
    init_block ib{};
    ib.mode = cpu_to_le16<O>(mode_bits);
    ib.rlen = static_cast<uint8_t>(rx_order << 4);
    ib.tlen = static_cast<uint8_t>(tx_order << 4);
    for (size_t i = 0; i < ETH_ALEN; ++i) {
        ib.padr[i] = mac[i];
    }
    for (size_t i = 0; i < 8; ++i) {
        ib.ladrf[i] = ladrf[i];
    }
    ib.rdra = cpu_to_le32<O>(rdra);
    ib.tdra = cpu_to_le32<O>(tdra);
    return ib;
}

// A receive descriptor given to the card: the buffer's bus address and
// size, OWN set. The driver stores status last (ownership after the rest).
template <byte_order O = host_byte_order>
constexpr rx_desc rx_desc_for_card(uint32_t buf, size_t size) {
    rx_desc d{};
    d.base = cpu_to_le32<O>(buf);
    d.buf_length = cpu_to_le16<O>(bcnt(size));
    d.status = cpu_to_le16<O>(rmd::own);
    return d;
}

// A transmit descriptor for one frame in one buffer: OWN, STP and ENP.
template <byte_order O = host_byte_order>
constexpr tx_desc tx_desc_for_card(uint32_t buf, size_t len) {
    tx_desc d{};
    d.base = cpu_to_le32<O>(buf);
    d.length = cpu_to_le16<O>(bcnt(len));
    d.status = cpu_to_le16<O>(tmd::own | tmd::stp | tmd::enp);
    return d;
}

// Logical address filter ("Address Matching"): the controller runs the
// Ethernet CRC-32 (reflected, polynomial 0xEDB88320, preset all ones, no
// final inversion) over the 6 destination bytes; the top 6 bits of that CRC
// register pick one of the 64 filter bits, LADRF byte (index / 8), bit
// (index % 8).
constexpr unsigned ladrf_index(const uint8_t (&addr)[ETH_ALEN]) {
    uint32_t crc = 0xffffffffu;
    for (uint8_t byte : addr) {
        for (int bit = 0; bit < 8; ++bit) {
            bool feedback = (crc ^ byte) & 1;
            crc >>= 1;
            byte >>= 1;
            if (feedback) {
                crc ^= 0xedb88320u;
            }
        }
    }
    return crc >> 26;
}

constexpr void ladrf_add(uint8_t (&ladrf)[8], const uint8_t (&addr)[ETH_ALEN]) {
    unsigned index = ladrf_index(addr);
    ladrf[index >> 3] |= static_cast<uint8_t>(1u << (index & 7));
}

constexpr bool is_multicast(const uint8_t* addr) { return addr[0] & 1; }

// A received descriptor the host owns: a whole good frame in one buffer?
constexpr bool rx_frame_ok(uint16_t status) {
    return (status & (rmd::err | rmd::stp | rmd::enp)) == (rmd::stp | rmd::enp);
}

// Length of a good frame without its FCS; 0 if the count is impossible.
constexpr size_t rx_frame_len(uint32_t msg_length) {
    size_t n = msg_length & rmd::mcnt_mask;
    return n < ETH_HLEN + ETH_FCS_LEN ? 0 : n - ETH_FCS_LEN;
}

// Counts what a bad receive descriptor says. A frame longer than a buffer
// spreads over several descriptors; the error is counted once, at its end
// (ENP) or at the descriptor that reports ERR.
constexpr void count_rx_error(eth_stats& s, uint16_t status) {
    if (status & rmd::err) {
        ++s.rx_errors;
        s.rx_frame_errors += (status & rmd::fram) ? 1 : 0;
        s.rx_over_errors += (status & rmd::oflo) ? 1 : 0;
        s.rx_crc_errors += (status & rmd::crc) ? 1 : 0;
        s.rx_fifo_errors += (status & rmd::buff) ? 1 : 0;
    } else if ((status & rmd::enp) && !(status & rmd::stp)) {
        ++s.rx_errors;           // the tail of a frame too long for a buffer
        ++s.rx_length_errors;
    }
}

// Counts a transmit descriptor the controller handed back.
constexpr void count_tx_done(eth_stats& s, uint16_t status, uint32_t misc, size_t len) {
    if (status & tmd::err) {
        ++s.tx_errors;
        s.tx_aborted_errors += (misc & (tmd::rtry | tmd::exdef)) ? 1 : 0;
        s.tx_carrier_errors += (misc & tmd::lcar) ? 1 : 0;
        s.tx_window_errors += (misc & tmd::lcol) ? 1 : 0;
        s.tx_fifo_errors += (misc & (tmd::uflo | tmd::buff)) ? 1 : 0;
        return;
    }
    ++s.tx_packets;
    s.tx_bytes += len;
    s.collisions += (status & tmd::more) ? 2 : (status & tmd::one) ? 1 : 0;
}

// The missed-frame counter (CSR112) is 16 bits and wraps; the driver adds
// the distance since its last reading.
constexpr uint16_t counter_delta(uint16_t now, uint16_t before) {
    return static_cast<uint16_t>(now - before);
}

}  // namespace pcnet32_hw
