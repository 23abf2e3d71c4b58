#include "drivers/net/pcnet32.h"

#include <new>

#include "kernel/mm/page_alloc.h"

#include <string.h>

#include "drivers/net/eth_netdev.h"
#include "drivers/net/eth_selftest.h"
#include "drivers/pci/pci.h"
#include "kernel/arch/mips/cache.h"
#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/io.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/printk.h"
#include "kernel/uapi/errno.h"

using namespace pcnet32_hw;

namespace {

constexpr unsigned rx_mask = pcnet32::rx_ring_size - 1;
constexpr unsigned tx_mask = pcnet32::tx_ring_size - 1;
// Enough poll rounds to pass every descriptor once: see napi_schedule().
constexpr int napi_max_rounds = pcnet32::rx_ring_size / PCNET32_NAPI_WEIGHT + 1;
constexpr uint32_t init_timeout_us = 100000;
constexpr uint32_t tx_drain_timeout_us = 50000;

// Bus address of kernel memory: on the Malta the GT-64120 maps PCI address
// = physical address onto RAM (as the loader sets it up).
uint32_t dma_addr(const void* p) {
    return static_cast<uint32_t>(mips::virt_to_phys(reinterpret_cast<uintptr_t>(p)));
}

template <typename T>
volatile T* uncached(T* p) {
    return reinterpret_cast<volatile T*>(mips::phys_to_kseg1(dma_addr(p)));
}

void udelay(uint32_t us) {
    uint32_t start = cpu::cycles();
    uint32_t wait = static_cast<uint32_t>(static_cast<uint64_t>(cpu::cycles_hz()) * us / 1000000u);
    while (cpu::cycles() - start < wait) {
    }
}

pcnet32 cards[PCNET32_MAX_DEVICES];

unsigned ncards;

irqreturn pcnet32_interrupt(unsigned, void* dev_id) {
    return static_cast<pcnet32*>(dev_id)->interrupt();
}

}  // namespace

// Register access: RAP selects, RDP (CSRs) or BDP (BCRs) carries the data.
// The pair must not be split by the interrupt handler, which uses RAP too.
uint16_t pcnet32::csr_read(unsigned n) {
    cpu::irq_guard guard;
    iowrite32(n, io_ + io::dwio_rap);
    return static_cast<uint16_t>(ioread32(io_ + io::dwio_rdp));
}

void pcnet32::csr_write(unsigned n, uint16_t v) {
    cpu::irq_guard guard;
    iowrite32(n, io_ + io::dwio_rap);
    iowrite32(v, io_ + io::dwio_rdp);
}

uint16_t pcnet32::bcr_read(unsigned n) {
    cpu::irq_guard guard;
    iowrite32(n, io_ + io::dwio_rap);
    return static_cast<uint16_t>(ioread32(io_ + io::dwio_bdp));
}

void pcnet32::bcr_write(unsigned n, uint16_t v) {
    cpu::irq_guard guard;
    iowrite32(n, io_ + io::dwio_rap);
    iowrite32(v, io_ + io::dwio_bdp);
}

// S_RESET by reading the RESET register, in whichever I/O mode the card was
// left (a warm reboot leaves it in DWIO): a 32-bit read of the DWIO one,
// then a 16-bit read of the WIO one. Afterwards CSR0 = STOP.
void pcnet32::reset_chip() {
    ioread32(io_ + io::dwio_reset);
    ioread16(io_ + io::wio_reset);
    udelay(10);
}

// A 32-bit write to RDP switches the card to DWIO ("I/O Resources"); after
// the reset RAP is 0, so it writes CSR0 = 0, which changes nothing.
bool pcnet32::enter_dwio() {
    iowrite32(0, io_ + io::dwio_rdp);
    return csr_read(0) == csr0::stop;
}

int pcnet32::init(uintptr_t io_base, int irq_line, pcnet32_dma& dma) {
    io_ = io_base;
    irq = irq_line;
    dma_ = &dma;
    reset_chip();
    if (!enter_dwio()) {
        return -ENODEV;
    }
    for (unsigned i = 0; i < ETH_ALEN; i += 4) {
        uint32_t w = ioread32(io_ + io::aprom + i);
        for (unsigned b = 0; b < 4 && i + b < ETH_ALEN; ++b) {
            dev_addr[i + b] = static_cast<uint8_t>(w >> (8 * b));
        }
    }
    static constexpr uint8_t zero[ETH_ALEN] = {};
    if (is_multicast(dev_addr) || memcmp(dev_addr, zero, ETH_ALEN) == 0) {
        pr_err("pcnet32: no valid MAC address in the address PROM\n");
        return -EIO;
    }
    part_ = pcnet32_hw::chip_part(csr_read(csr_chip_id_lo), csr_read(csr_chip_id_hi));
    // The cached alias of the DMA block holds whatever the boot code's BSS
    // clearing left: write it back and drop it, so that no dirty line can
    // later land on top of what the card wrote. From here on descriptors
    // and the init block are used through KSEG1 only.
    mips::dma_cache_wback_inv(&dma, sizeof dma);
    rx_ring_ = uncached(dma.rx_ring);
    tx_ring_ = uncached(dma.tx_ring);
    init_ = uncached(&dma.init);
    ops = &ops_table;
    driver = "pcnet32";
    return 0;
}

void pcnet32::init_rings() {
    for (unsigned i = 0; i < rx_ring_size; ++i) {
        volatile rx_desc& d = rx_ring_[i];
        d.base = cpu_to_le32(dma_addr(dma_->rx_buf[i]));
        d.buf_length = cpu_to_le16(bcnt(PCNET32_BUF_SIZE));
        d.msg_length = 0;
        d.reserved = 0;
        cpu::barrier();
        d.status = cpu_to_le16(rmd::own);
    }
    for (unsigned i = 0; i < tx_ring_size; ++i) {
        volatile tx_desc& d = tx_ring_[i];
        d.status = 0;
        d.base = cpu_to_le32(dma_addr(dma_->tx_buf[i]));
        d.length = 0;
        d.misc = 0;
        d.reserved = 0;
    }
    rx_next_ = 0;
    tx_head_ = tx_tail_ = tx_count_ = 0;
    const init_block ib = make_init_block(promisc_ ? mode::prom : 0, PCNET32_RX_RING_ORDER,
                                          PCNET32_TX_RING_ORDER, dev_addr, ladrf_,
                                          dma_addr(dma_->rx_ring), dma_addr(dma_->tx_ring));
    const auto* src = reinterpret_cast<const uint32_t*>(&ib);
    auto* dst = reinterpret_cast<volatile uint32_t*>(init_);
    for (size_t i = 0; i < sizeof ib / 4; ++i) {
        dst[i] = src[i];
    }
    cpu::barrier();
}

// Bring-up ("Initialization Block", CSR0): with the card stopped, SWSTYLE,
// the init block's address, masks and features; INIT and wait for IDON;
// then STRT with interrupts enabled.
int pcnet32::start_chip() {
    csr_write(0, csr0::stop);
    bcr_write(bcr::swstyle, bcr::swstyle_pcnet_pci);
    uint32_t ib = dma_addr(&dma_->init);
    csr_write(1, static_cast<uint16_t>(ib));
    csr_write(2, static_cast<uint16_t>(ib >> 16));
    csr3_ = csr3::idonm | csr3::dxsuflo;
    csr_write(3, csr3_);
    csr_write(4, csr4_value);
    csr_write(0, csr0::init);
    uint32_t waited = 0;
    while (!(csr_read(0) & csr0::idon)) {
        if (waited++ >= init_timeout_us) {
            pr_err("%s: no IDON after INIT (CSR0 %04x)\n", name, csr_read(0));
            csr_write(0, csr0::stop);
            return -ETIMEDOUT;
        }
        udelay(1);
    }
    missed_last_ = csr_read(csr_missed_frames);
    csr_write(0, csr0::idon | csr0::strt | csr0::inea);
    return 0;
}

int pcnet32::open(eth_rx_fn rx, void* ctx) {
    if (open_) {
        return -EBUSY;
    }
    if (!rx) {
        return -EINVAL;
    }
    rx_ = rx;
    rx_ctx_ = ctx;
    init_rings();
    int err = request_irq(static_cast<unsigned>(irq), pcnet32_interrupt, IRQF_SHARED, name, this);
    if (err) {
        return err;
    }
    {
        cpu::irq_guard guard;
        err = start_chip();
        open_ = err == 0;
    }
    if (err) {
        free_irq(static_cast<unsigned>(irq), this);
    }
    return err;
}

void pcnet32::stop() {
    if (!open_) {
        return;
    }
    {
        cpu::irq_guard guard;
        update_missed();
        csr_write(0, csr0::stop);   // also clears INEA: the line goes quiet
        tx_reclaim();
        stats_.tx_dropped += tx_count_;
        tx_count_ = 0;
        open_ = false;
    }
    free_irq(static_cast<unsigned>(irq), this);
}

// A mode or filter change: the card reads them only at INIT, and CSR15 is
// writable only while stopped. Frames already received go up first, queued
// frames get a moment to leave (a full ring takes 40 ms at 10 Mbit/s); what
// is still queued after that is counted as dropped.
void pcnet32::restart() {
    cpu::irq_guard guard;
    poll(rx_ring_size);
    for (uint32_t waited = 0; waited < tx_drain_timeout_us; waited += 10) {
        tx_reclaim();
        if (tx_count_ == 0) {
            break;
        }
        udelay(10);
    }
    update_missed();
    csr_write(0, csr0::stop);
    stats_.tx_dropped += tx_count_;
    init_rings();
    if (start_chip() != 0) {
        open_ = false;
        free_irq(static_cast<unsigned>(irq), this);
    }
}

int pcnet32::xmit(const void* frame, size_t len) {
    if (len < ETH_HLEN || len > ETH_FRAME_LEN) {
        return -EINVAL;
    }
    cpu::irq_guard guard;
    if (!open_) {
        return -ENETDOWN;
    }
    if (tx_count_ == tx_ring_size) {
        tx_reclaim();
        if (tx_count_ == tx_ring_size) {
            ++stats_.tx_dropped;
            return -EBUSY;
        }
    }
    unsigned i = tx_head_;
    uint8_t* buf = dma_->tx_buf[i];
    size_t wire = len < ETH_ZLEN ? ETH_ZLEN : len;
    memcpy(buf, frame, len);
    memset(buf + len, 0, wire - len);   // padding, not stale data
    mips::dma_cache_wback(buf, wire);
    volatile tx_desc& d = tx_ring_[i];
    d.base = cpu_to_le32(dma_addr(buf));
    d.length = cpu_to_le16(bcnt(wire));
    d.misc = 0;
    cpu::barrier();
    d.status = cpu_to_le16(tmd::own | tmd::stp | tmd::enp);
    tx_len_[i] = static_cast<uint16_t>(len);
    tx_head_ = (i + 1) & tx_mask;
    ++tx_count_;
    cpu::barrier();
    csr_write(0, csr0::inea | csr0::tdmd);   // send now, not at the next ring poll
    return 0;
}

void pcnet32::tx_reclaim() {
    unsigned before = tx_count_;
    while (tx_count_ > 0) {
        volatile tx_desc& d = tx_ring_[tx_tail_];
        uint16_t status = le16_to_cpu(d.status);
        if (status & tmd::own) {
            break;
        }
        cpu::barrier();
        count_tx_done(stats_, status, le32_to_cpu(d.misc), tx_len_[tx_tail_]);
        tx_tail_ = (tx_tail_ + 1) & tx_mask;
        --tx_count_;
    }
    if (tx_count_ < before && hooks.tx_space) {
        hooks.tx_space(hooks.ctx);
    }
}

int pcnet32::poll(int budget) {
    cpu::irq_guard guard;
    polling_ = true;
    int work = 0;
    while (work < budget) {
        volatile rx_desc& d = rx_ring_[rx_next_];
        uint16_t status = le16_to_cpu(d.status);
        if (status & rmd::own) {
            break;
        }
        cpu::barrier();   // OWN seen clear before the rest is read
        if (rx_frame_ok(status)) {
            size_t len = rx_frame_len(le32_to_cpu(d.msg_length));
            const uint8_t* buf = dma_->rx_buf[rx_next_];
            if (len == 0 || len > ETH_FRAME_LEN) {
                ++stats_.rx_errors;
                ++stats_.rx_length_errors;
            } else {
                mips::dma_cache_inv(buf, len);
                ++stats_.rx_packets;
                stats_.rx_bytes += len;
                stats_.multicast += is_multicast(buf) ? 1 : 0;
                rx_(rx_ctx_, buf, len);
            }
        } else {
            count_rx_error(stats_, status);
        }
        d.msg_length = 0;
        d.buf_length = cpu_to_le16(bcnt(PCNET32_BUF_SIZE));
        cpu::barrier();   // address and length before ownership
        d.status = cpu_to_le16(rmd::own);
        rx_next_ = (rx_next_ + 1) & rx_mask;
        ++work;
    }
    polling_ = false;
    if (work < budget) {
        rx_irq_mask(false);   // napi_complete
    }
    if (restart_pending_) {
        restart_pending_ = false;
        restart();
    }
    return work;
}

// Called from the receive function, a restart would pull the ring from
// under the poll loop that called it: it waits for the loop to finish.
void pcnet32::reconfigure() {
    if (!open_) {
        return;
    }
    if (polling_) {
        restart_pending_ = true;
    } else {
        restart();
    }
}

void pcnet32::rx_irq_mask(bool masked) {
    uint16_t v = masked ? csr3_ | csr3::rintm : csr3_ & ~csr3::rintm;
    if (v != csr3_) {
        csr3_ = v;
        csr_write(3, v);
    }
}

// With the net core attached (hooks.rx_schedule) the poll runs later in
// NET_RX_SOFTIRQ, RINT masked until it completes. Without it (the wire
// self-test alone) the poll runs right here, at the end of the hard
// interrupt, napi_max_rounds rounds of PCNET32_NAPI_WEIGHT at most. RINT was
// acknowledged before the first round, and at most a ring's worth of frames
// was waiting then, so anything left over after the last round arrived
// later and set RINT again: unmasking it brings the interrupt straight back.
void pcnet32::napi_schedule() {
    if (hooks.rx_schedule) {
        hooks.rx_schedule(hooks.ctx);
        return;
    }
    for (int round = 0; round < napi_max_rounds; ++round) {
        if (poll(PCNET32_NAPI_WEIGHT) < PCNET32_NAPI_WEIGHT) {
            return;
        }
    }
    rx_irq_mask(false);
}

void pcnet32::update_missed() {
    uint16_t now = csr_read(csr_missed_frames);
    uint16_t delta = counter_delta(now, missed_last_);
    missed_last_ = now;
    stats_.rx_missed_errors += delta;
}

irqreturn pcnet32::interrupt() {
    uint16_t status = csr_read(0);
    if (!(status & csr0::intr) || !open_) {
        return irqreturn::none;
    }
    bool rx = status & csr0::rint;
    if (rx) {
        rx_irq_mask(true);   // napi_schedule_prep: poll owns receive now
    }
    // Acknowledge exactly what was seen (write one to clear), keep INEA.
    csr_write(0, (status & csr0::events) | csr0::inea);
    if (status & csr0::miss) {
        update_missed();
    }
    if ((status & csr0::merr) && merr_++ == 0) {
        pr_warn("%s: memory error: the card timed out as bus master\n", name);
    }
    if (status & csr0::babl) {   // transmitted past the longest legal frame
        ++babl_;
        ++stats_.tx_errors;
    }
    if (status & csr0::tint) {
        tx_reclaim();
    }
    if (rx) {
        napi_schedule();
    }
    return irqreturn::handled;
}

void pcnet32::set_promisc(bool on) {
    cpu::irq_guard guard;
    if (on == promisc_) {
        return;
    }
    promisc_ = on;
    reconfigure();
}

int pcnet32::set_multicast(const uint8_t (*addrs)[ETH_ALEN], size_t n) {
    uint8_t filter[8] = {};
    for (size_t i = 0; i < n; ++i) {
        if (!is_multicast(addrs[i])) {
            return -EINVAL;
        }
        ladrf_add(filter, addrs[i]);
    }
    cpu::irq_guard guard;
    if (memcmp(filter, ladrf_, sizeof filter) == 0) {
        return 0;
    }
    memcpy(ladrf_, filter, sizeof filter);
    reconfigure();
    return 0;
}

// BCR4 drives LED0; with LNKSTE (its reset value) the LED, and LEDOUT,
// show the link state.
bool pcnet32::link_up() {
    uint16_t v = bcr_read(bcr::lnkst);
    return (v & bcr::lnkst_lnkste) && (v & bcr::lnkst_ledout);
}

void pcnet32::get_stats(eth_stats& out) {
    cpu::irq_guard guard;
    if (open_) {
        update_missed();
    }
    out = stats_;
}

namespace {

int op_open(eth_hw& hw, eth_rx_fn rx, void* ctx) { return static_cast<pcnet32&>(hw).open(rx, ctx); }
void op_stop(eth_hw& hw) { static_cast<pcnet32&>(hw).stop(); }
int op_xmit(eth_hw& hw, const void* frame, size_t len) {
    return static_cast<pcnet32&>(hw).xmit(frame, len);
}
int op_poll(eth_hw& hw, int budget) { return static_cast<pcnet32&>(hw).poll(budget); }
void op_set_promisc(eth_hw& hw, bool on) { static_cast<pcnet32&>(hw).set_promisc(on); }
int op_set_multicast(eth_hw& hw, const uint8_t (*addrs)[ETH_ALEN], size_t n) {
    return static_cast<pcnet32&>(hw).set_multicast(addrs, n);
}
bool op_link_up(eth_hw& hw) { return static_cast<pcnet32&>(hw).link_up(); }
void op_get_stats(eth_hw& hw, eth_stats& out) { static_cast<pcnet32&>(hw).get_stats(out); }

}  // namespace

const eth_hw_ops pcnet32::ops_table{op_open,          op_stop,    op_xmit,     op_poll,
                                    op_set_promisc,   op_set_multicast, op_link_up,
                                    op_get_stats};

namespace {

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
        pr_warn("pcnet32: static buffers for %u cards only\n", PCNET32_MAX_DEVICES);
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
    // Rings, init block and buffers in one physically contiguous block from
    // the page allocator (KSEG0: the card sees physical = KSEG0 - 0x80000000).
    void* dma = reinterpret_cast<void*>(
        __get_free_pages(GFP_KERNEL | __GFP_ZERO, mm::get_order(sizeof(pcnet32_dma))));
    if (!dma) {
        pr_err("pcnet32: no memory for %u-byte rings\n", static_cast<unsigned>(sizeof(pcnet32_dma)));
        return -ENOMEM;
    }
    err = card.init(io, pdev.irq, *new (dma) pcnet32_dma{});
    if (err) {
        free_pages(reinterpret_cast<unsigned long>(dma), mm::get_order(sizeof(pcnet32_dma)));
    }
    if (err) {
        return err;
    }
    ++ncards;
    pdev.driver_data = &card;
    eth_hw_register(card);
    const uint8_t* m = card.dev_addr;
    pr_info("%s: %s (part %04x) at io 0x%lx, irq %d, MAC %02x:%02x:%02x:%02x:%02x:%02x, "
            "rings %u/%u, link %s\n",
            card.name, part_name(card.chip_part()), card.chip_part(),
            static_cast<unsigned long>(pdev.resource[0].start), card.irq, m[0], m[1], m[2], m[3],
            m[4], m[5], pcnet32::rx_ring_size, pcnet32::tx_ring_size,
            card.link_up() ? "up" : "down");
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
