// Driver for the AMD PCnet-PCI II (Am79C970A, PCI 1022:2000; QEMU's
// "pcnet", the Am79C973 of a real Malta is register-compatible for what is
// used here). 32-bit I/O (DWIO), SWSTYLE 2 descriptors. Portable: registers
// through kernel/io.h, memory through the DMA API (kernel/dma.h), so the
// host unit tests run it against a simulated card (tests/unit/pcnet32_sim.h).
//
// DMA, as Linux's drivers/net/ethernet/amd/pcnet32.c: descriptors and the
// init block in coherent memory (uncached on MIPS); receive buffers are
// sk_buff data buffers mapped from_device (NET_IP_ALIGN in, so the IP
// header is word-aligned). A frame longer than rx_copybreak goes up in its
// ring buffer and the ring gets a fresh one; a shorter one is copied into a
// small skb and the buffer stays. Transmit maps the skb's own data
// to_device and frees the skb at reclaim. Descriptors are little-endian; a
// barrier (sync) separates writing a descriptor's address and length from
// handing over its OWN bit, and seeing OWN clear from reading the rest.
//
// Context, as Linux's NAPI drivers: the interrupt handler acknowledges
// CSR0, masks only the receive interrupt (CSR3 RINTM) and schedules the
// poll; the poll runs with interrupts on, masking them only around one
// descriptor's hand-over and each RAP/RDP pair. The transmit queue is
// stopped inside xmit's critical section when it takes the last descriptor
// and woken by reclaim.
//
// Transmit completions raise no interrupt while the ring has room (CSR3
// TINTM): the Am79C970A has no CSR5 TOKINTD/LTINT (Linux's pcnet32 uses
// them from the 79C971 on), so its only other choice is an interrupt per
// frame. Finished descriptors are reclaimed by xmit itself, by every poll
// (a bulk sender's ACKs come in through it) and by a timer a tick after
// the last send; TINT is unmasked only while the ring is full, so the
// completion that frees a descriptor wakes the queue. Reclaimed skbs are
// freed after the critical section, in the caller's context, not
// deferred to NET_TX_SOFTIRQ. A restart (mode or filter
// change, the card's transmitter or receiver gone off) never waits with
// interrupts masked: a timer drains the transmit ring, stops the card and
// issues INIT; IDON (its interrupt, or the timer seeing it) sends STRT.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "drivers/net/eth_hw.h"
#include "drivers/net/pcnet32_hw.h"
#include "kernel/dma.h"
#include "kernel/irq.h"
#include "kernel/time.h"
#include "kernel/timer.h"

// Ring sizes as powers of two (at most 2^9 = 512 each).
// 128 receive descriptors: a maximal IPv4 datagram (65535 octets) arrives
// as 45 back-to-back fragments, which a 32-entry ring cannot hold while the
// poll waits for its softirq.
constexpr unsigned PCNET32_RX_RING_ORDER = 7;
constexpr unsigned PCNET32_TX_RING_ORDER = 5;   // 32 transmit descriptors
// Receive buffer per descriptor: a whole frame with FCS (1518).
constexpr size_t PCNET32_BUF_SIZE = 1536;
constexpr int PCNET32_NAPI_WEIGHT = 16;         // frames per poll() round
constexpr unsigned PCNET32_MAX_DEVICES = 2;
// Linux's rx_copybreak: frames up to this length are copied.
constexpr unsigned PCNET32_RX_COPYBREAK = 200;

static_assert(PCNET32_RX_RING_ORDER <= pcnet32_hw::max_ring_order);
static_assert(PCNET32_TX_RING_ORDER <= pcnet32_hw::max_ring_order);
static_assert(PCNET32_BUF_SIZE >= ETH_FRAME_LEN + ETH_FCS_LEN);

struct sk_buff;

// What the card and the CPU share at all times (dma_alloc_coherent).
struct pcnet32_rings {
    static constexpr unsigned rx_ring_size = 1u << PCNET32_RX_RING_ORDER;
    static constexpr unsigned tx_ring_size = 1u << PCNET32_TX_RING_ORDER;
    pcnet32_hw::rx_desc rx_ring[rx_ring_size];
    pcnet32_hw::tx_desc tx_ring[tx_ring_size];
    alignas(16) pcnet32_hw::init_block init;
};

class pcnet32 : public eth_hw {
public:
    static constexpr unsigned rx_ring_size = pcnet32_rings::rx_ring_size;
    static constexpr unsigned tx_ring_size = pcnet32_rings::tx_ring_size;

    // Reset, 32-bit I/O, MAC from the address PROM, rings allocated; the
    // card stays stopped.
    int init(uintptr_t io_base, int irq_line);
    void release();            // undoes init() (stopped first)
    uint16_t chip_part() const { return part_; }

    int open();
    void stop();
    int xmit(sk_buff* skb);
    int poll(int budget);
    void set_promisc(bool on);
    int set_multicast(const uint8_t (*addrs)[ETH_ALEN], size_t n);
    bool link_up();
    void get_stats(eth_stats& out);
    int phy_address() const { return phy_; }   // -1: no MII PHY (the 79C970A)
    static constexpr unsigned link_watch_interval = 2 * HZ;   // Linux's PCNET32_WATCHDOG_TIMEOUT

    irqreturn interrupt();     // the handler on the card's PCI line
    bool restarting() const {
        return state_ == hw_state::draining || state_ == hw_state::initializing;
    }

    unsigned rx_copybreak = PCNET32_RX_COPYBREAK;
    static const eth_hw_ops ops_table;

private:
    enum class hw_state : uint8_t { down, running, draining, initializing };

    uint16_t csr_read(unsigned n);
    void csr_write(unsigned n, uint16_t v);
    uint16_t bcr_read(unsigned n);
    void bcr_write(unsigned n, uint16_t v);
    void reset_chip();
    bool enter_dwio();

    bool rx_fill();
    void rx_free();
    sk_buff* rx_alloc(unsigned len);
    bool rx_one(sk_buff*& up);
    sk_buff* rx_take(unsigned i, size_t len);
    void init_rings();
    void load_chip(bool irq_on_idon);
    int start_chip();
    struct tx_batch {   // skbs reclaimed inside a critical section
        sk_buff* skb[tx_ring_size];
        unsigned n = 0;
    };
    void tx_reclaim(tx_batch* done = nullptr);
    static void tx_free(tx_batch& done);
    void tx_irq_mask(bool masked);
    int xmit_locked(sk_buff* skb, dma_addr_t a, unsigned len, tx_batch& done);
    void tx_timer_arm();
    static void tx_timer_fn(timer_list* t);
    void tx_drop_all();
    void rx_irq_mask(bool masked);
    void napi_schedule();
    void update_missed();
    void check_running(uint16_t csr0_status);

    void schedule_restart();
    static void restart_timer_fn(timer_list* t);
    // The MII PHY of a 79C971 and later (BCR33/BCR34), watched for link
    // changes every link_watch_interval while open.
    uint16_t mdio_read(unsigned reg);
    void mdio_write(unsigned reg, uint16_t v);
    void phy_probe();
    static void link_timer_fn(timer_list* t);
    void restart_step();
    void reinit();
    void finish_init();

    uintptr_t io_ = 0;
    pcnet32_rings* rings_ = nullptr;
    dma_addr_t rings_dma_ = 0;
    uint16_t part_ = 0;
    hw_state state_ = hw_state::down;
    bool promisc_ = false;
    bool restart_again_ = false;
    uint8_t ladrf_[8] = {};
    uint16_t csr3_ = 0;
    unsigned rx_next_ = 0;
    sk_buff* rx_skb_[rx_ring_size] = {};
    dma_addr_t rx_dma_[rx_ring_size] = {};
    unsigned tx_head_ = 0, tx_tail_ = 0, tx_count_ = 0;
    sk_buff* tx_skb_[tx_ring_size] = {};
    dma_addr_t tx_dma_[tx_ring_size] = {};
    uint16_t tx_map_len_[tx_ring_size] = {};   // padded, as mapped
    uint16_t tx_len_[tx_ring_size] = {};       // as given, for tx_bytes
    uint16_t missed_last_ = 0;
    unsigned long restart_deadline_ = 0;
    timer_list restart_timer_;
    timer_list link_timer_;
    int phy_ = -1;
    bool link_ = false;
    timer_list tx_timer_;
    eth_stats stats_ = {};
    uint32_t merr_ = 0, babl_ = 0;
};
