// Driver for the AMD PCnet-PCI II (Am79C970A, PCI 1022:2000; QEMU's
// "pcnet", the Am79C973 of a real Malta is register-compatible for what is
// used here). 32-bit I/O (DWIO), SWSTYLE 2 descriptors, static rings and
// buffers in KSEG0 RAM handed to the controller by physical address.
//
// DMA rules on a non-coherent MIPS: descriptors and the init block are only
// ever touched through their uncached KSEG1 alias (after one writeback and
// invalidate of the cached alias at setup); transmit buffers are written
// back before their descriptor goes to the controller; receive buffers are
// invalidated before the CPU reads a frame. A sync separates writing a
// descriptor's address and length from handing over its OWN bit, and seeing
// OWN clear from reading the rest.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "drivers/net/eth_hw.h"
#include "drivers/net/pcnet32_hw.h"
#include "kernel/irq.h"

// Ring sizes as powers of two (at most 2^9 = 512 each).
// 128 receive descriptors: a maximal IPv4 datagram (65535 octets) arrives
// as 45 back-to-back fragments, which a 32-entry ring cannot hold while the
// poll waits for its softirq.
constexpr unsigned PCNET32_RX_RING_ORDER = 7;
constexpr unsigned PCNET32_TX_RING_ORDER = 5;   // 32 transmit descriptors
// Buffer per descriptor: a whole frame with FCS (1518) in one buffer, in
// whole cache lines (64 covers every MIPS32 line size).
constexpr size_t PCNET32_BUF_SIZE = 1536;
constexpr size_t PCNET32_DMA_ALIGN = 64;
constexpr int PCNET32_NAPI_WEIGHT = 16;         // frames per poll() round
constexpr unsigned PCNET32_MAX_DEVICES = 2;

static_assert(PCNET32_RX_RING_ORDER <= pcnet32_hw::max_ring_order);
static_assert(PCNET32_TX_RING_ORDER <= pcnet32_hw::max_ring_order);
static_assert(PCNET32_BUF_SIZE % PCNET32_DMA_ALIGN == 0);
static_assert(PCNET32_BUF_SIZE >= ETH_FRAME_LEN + ETH_FCS_LEN);

// What the controller reads and writes by DMA: one static block per card.
struct alignas(PCNET32_DMA_ALIGN) pcnet32_dma {
    static constexpr unsigned rx_ring_size = 1u << PCNET32_RX_RING_ORDER;
    static constexpr unsigned tx_ring_size = 1u << PCNET32_TX_RING_ORDER;
    pcnet32_hw::rx_desc rx_ring[rx_ring_size];
    pcnet32_hw::tx_desc tx_ring[tx_ring_size];
    alignas(16) pcnet32_hw::init_block init;
    alignas(PCNET32_DMA_ALIGN) uint8_t rx_buf[rx_ring_size][PCNET32_BUF_SIZE];
    alignas(PCNET32_DMA_ALIGN) uint8_t tx_buf[tx_ring_size][PCNET32_BUF_SIZE];
};

class pcnet32 : public eth_hw {
public:
    static constexpr unsigned rx_ring_size = pcnet32_dma::rx_ring_size;
    static constexpr unsigned tx_ring_size = pcnet32_dma::tx_ring_size;

    // Reset, 32-bit I/O, MAC from the address PROM; the card stays stopped.
    int init(uintptr_t io_base, int irq_line, pcnet32_dma& dma);
    uint16_t chip_part() const { return part_; }

    int open(eth_rx_fn rx, void* ctx);
    void stop();
    int xmit(const void* frame, size_t len);
    int poll(int budget);
    void set_promisc(bool on);
    int set_multicast(const uint8_t (*addrs)[ETH_ALEN], size_t n);
    bool link_up();
    void get_stats(eth_stats& out);

    irqreturn interrupt();     // the handler on the card's PCI line

    static const eth_hw_ops ops_table;

private:
    uint16_t csr_read(unsigned n);
    void csr_write(unsigned n, uint16_t v);
    uint16_t bcr_read(unsigned n);
    void bcr_write(unsigned n, uint16_t v);
    void reset_chip();
    bool enter_dwio();

    void init_rings();
    int start_chip();          // INIT, wait for IDON, STRT with INEA
    void restart();            // after a mode or filter change
    void reconfigure();        // restart now, or when the current poll ends
    void napi_schedule();
    void rx_irq_mask(bool masked);
    void tx_reclaim();
    void update_missed();

    uintptr_t io_ = 0;
    pcnet32_dma* dma_ = nullptr;
    volatile pcnet32_hw::rx_desc* rx_ring_ = nullptr;   // KSEG1 aliases
    volatile pcnet32_hw::tx_desc* tx_ring_ = nullptr;
    volatile pcnet32_hw::init_block* init_ = nullptr;
    uint16_t part_ = 0;
    bool open_ = false;
    bool promisc_ = false;
    bool polling_ = false;
    bool restart_pending_ = false;
    uint8_t ladrf_[8] = {};
    uint16_t csr3_ = 0;
    eth_rx_fn rx_ = nullptr;
    void* rx_ctx_ = nullptr;
    unsigned rx_next_ = 0;
    unsigned tx_head_ = 0, tx_tail_ = 0, tx_count_ = 0;
    uint16_t tx_len_[tx_ring_size] = {};
    uint16_t missed_last_ = 0;
    eth_stats stats_ = {};
    uint32_t merr_ = 0, babl_ = 0;
};
