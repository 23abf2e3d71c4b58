#include "drivers/net/pcnet32.h"

#include <string.h>

#include "drivers/net/mii.h"
#include "kernel/cpu.h"
#include "kernel/io.h"
#include "kernel/jiffies.h"
#include "kernel/printk.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/core/skbuff.h"

using namespace pcnet32_hw;

namespace {

constexpr unsigned rx_mask = pcnet32::rx_ring_size - 1;
constexpr unsigned tx_mask = pcnet32::tx_ring_size - 1;
// Enough poll rounds to pass every descriptor once: see napi_schedule().
constexpr int napi_max_rounds = pcnet32::rx_ring_size / PCNET32_NAPI_WEIGHT + 1;
constexpr uint32_t init_timeout_us = 100000;
// A restart lets queued frames leave first (a full ring takes 40 ms at
// 10 Mbit/s), then gives the card this long to say IDON.
constexpr unsigned tx_drain_ms = 50, init_timeout_ms = 100;

// Busy-waits about us microseconds by the CPU counter, and at most a
// thousand counter reads a microsecond (a counter that does not move, as
// on the host, cannot hang it).
void udelay(uint32_t us) {
    uint32_t start = cpu::cycles();
    uint32_t wait = static_cast<uint32_t>(static_cast<uint64_t>(cpu::cycles_hz()) * us / 1000000u);
    for (uint64_t spins = 0; cpu::cycles() - start < wait && spins < uint64_t{us} * 1000; ++spins) {
    }
}

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

int pcnet32::init(uintptr_t io_base, int irq_line) {
    io_ = io_base;
    irq = irq_line;
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
    phy_probe();
    rings_ = static_cast<pcnet32_rings*>(
        dma_alloc_coherent(sizeof(pcnet32_rings), &rings_dma_, GFP_KERNEL));
    if (!rings_) {
        pr_err("pcnet32: no memory for %u-byte rings\n", static_cast<unsigned>(sizeof(pcnet32_rings)));
        return -ENOMEM;
    }
    timer_setup(&restart_timer_, restart_timer_fn, 0);
    timer_setup(&tx_timer_, tx_timer_fn, 0);
    timer_setup(&link_timer_, link_timer_fn, 0);
    ops = &ops_table;
    driver = "pcnet32";
    return 0;
}

void pcnet32::release() {
    stop();
    dma_free_coherent(sizeof(pcnet32_rings), rings_, rings_dma_);
    rings_ = nullptr;
}

// A receive buffer: an skb with NET_IP_ALIGN reserved, so that the IP
// header after the 14-byte Ethernet header is word-aligned.
sk_buff* pcnet32::rx_alloc(unsigned len) {
    sk_buff* skb = __netdev_alloc_skb(nullptr, len + NET_IP_ALIGN, GFP_ATOMIC);
    if (skb) {
        skb_reserve(skb, NET_IP_ALIGN);
    }
    return skb;
}

// Gives every receive slot a mapped buffer; false when memory is short.
bool pcnet32::rx_fill() {
    for (unsigned i = 0; i < rx_ring_size; ++i) {
        if (rx_skb_[i]) {
            continue;
        }
        sk_buff* skb = rx_alloc(PCNET32_BUF_SIZE);
        dma_addr_t a = skb ? dma_map_single(skb->data, PCNET32_BUF_SIZE, DMA_FROM_DEVICE)
                           : DMA_MAPPING_ERROR;
        if (dma_mapping_error(a)) {
            kfree_skb(skb);
            return false;
        }
        rx_skb_[i] = skb;
        rx_dma_[i] = a;
    }
    return true;
}

void pcnet32::rx_free() {
    for (unsigned i = 0; i < rx_ring_size; ++i) {
        if (rx_skb_[i]) {
            dma_unmap_single(rx_dma_[i], PCNET32_BUF_SIZE, DMA_FROM_DEVICE);
            kfree_skb(rx_skb_[i]);
            rx_skb_[i] = nullptr;
        }
    }
}

// Every receive descriptor to the card with its buffer, the transmit ring
// empty, the init block with the current mode and filter. The card is
// stopped (it reads none of this until INIT).
void pcnet32::init_rings() {
    for (unsigned i = 0; i < rx_ring_size; ++i) {
        volatile rx_desc& d = rings_->rx_ring[i];
        const rx_desc card = rx_desc_for_card(rx_dma_[i], PCNET32_BUF_SIZE);
        d.base = card.base;
        d.buf_length = card.buf_length;
        d.msg_length = 0;
        d.reserved = 0;
        cpu::barrier();
        d.status = card.status;
    }
    for (unsigned i = 0; i < tx_ring_size; ++i) {
        volatile tx_desc& d = rings_->tx_ring[i];
        d.status = 0;
        d.base = 0;
        d.length = 0;
        d.misc = 0;
        d.reserved = 0;
    }
    rx_next_ = 0;
    tx_head_ = tx_tail_ = tx_count_ = 0;
    const dma_addr_t rx_ring = rings_dma_ + offsetof(pcnet32_rings, rx_ring);
    const dma_addr_t tx_ring = rings_dma_ + offsetof(pcnet32_rings, tx_ring);
    const init_block ib = make_init_block(promisc_ ? mode::prom : 0, PCNET32_RX_RING_ORDER,
                                          PCNET32_TX_RING_ORDER, dev_addr, ladrf_, rx_ring, tx_ring);
    const auto* src = reinterpret_cast<const uint32_t*>(&ib);
    auto* dst = reinterpret_cast<volatile uint32_t*>(&rings_->init);
    for (size_t i = 0; i < sizeof ib / 4; ++i) {
        dst[i] = src[i];
    }
    cpu::barrier();
}

// Bring-up ("Initialization Block", CSR0): with the card stopped, SWSTYLE,
// the init block's address, masks and features, then INIT. With
// irq_on_idon, IDON raises an interrupt (INEA, IDONM clear). RINTM is kept:
// it says whether a poll owns receive. TINTM is set: the ring starts empty.
void pcnet32::load_chip(bool irq_on_idon) {
    bcr_write(bcr::swstyle, bcr::swstyle_pcnet_pci);
    const dma_addr_t ib = rings_dma_ + offsetof(pcnet32_rings, init);
    csr_write(1, static_cast<uint16_t>(ib));
    csr_write(2, static_cast<uint16_t>(ib >> 16));
    csr3_ = static_cast<uint16_t>((csr3_ & (csr3::rintm | csr3::missm)) | csr3::dxsuflo | csr3::tintm |
                                  (irq_on_idon ? 0 : csr3::idonm));
    csr_write(3, csr3_);
    csr_write(4, csr4_value);
    csr_write(0, irq_on_idon ? csr0::init | csr0::inea : csr0::init);
}

// At open, in process context: INIT, then wait for IDON with interrupts on
// (the card's are still off), then STRT with interrupts enabled.
int pcnet32::start_chip() {
    csr_write(0, csr0::stop);
    csr3_ = 0;
    load_chip(false);
    uint32_t waited = 0;
    while (!(csr_read(0) & csr0::idon)) {
        if (waited >= init_timeout_us) {
            pr_err("%s: no IDON after INIT (CSR0 %04x)\n", name, csr_read(0));
            csr_write(0, csr0::stop);
            return -ETIMEDOUT;
        }
        udelay(10);
        waited += 10;
    }
    cpu::irq_guard guard;
    missed_last_ = csr_read(csr_missed_frames);
    state_ = hw_state::running;
    csr_write(0, csr0::idon | csr0::strt | csr0::inea);
    return 0;
}

int pcnet32::open() {
    if (state_ != hw_state::down) {
        return -EBUSY;
    }
    if (!hooks.rx) {
        return -EINVAL;
    }
    if (!rx_fill()) {
        rx_free();
        return -ENOMEM;
    }
    init_rings();
    int err = request_irq(static_cast<unsigned>(irq), pcnet32_interrupt, IRQF_SHARED, name, this);
    if (err) {
        rx_free();
        return err;
    }
    err = start_chip();
    if (err) {
        free_irq(static_cast<unsigned>(irq), this);
        rx_free();
        return err;
    }
    if (phy_ >= 0) {   // negotiate afresh; the watchdog reports the result
        mdio_write(mii::MII_BMCR, mdio_read(mii::MII_BMCR) | mii::BMCR_ANENABLE | mii::BMCR_ANRESTART);
        link_ = false;
        mod_timer(&link_timer_, jiffies + link_watch_interval);
    }
    return 0;
}

void pcnet32::stop() {
    {
        cpu::irq_guard guard;
        if (state_ == hw_state::down) {
            return;
        }
        update_missed();
        csr_write(0, csr0::stop);   // also clears INEA: the line goes quiet
        state_ = hw_state::down;
        del_timer(&restart_timer_);
        del_timer(&tx_timer_);
        del_timer(&link_timer_);
        tx_reclaim();
        tx_drop_all();
    }
    free_irq(static_cast<unsigned>(irq), this);
    rx_free();
}

// Frames still queued when the card is stopped never leave.
void pcnet32::tx_drop_all() {
    while (tx_count_ > 0) {
        dma_unmap_single(tx_dma_[tx_tail_], tx_map_len_[tx_tail_], DMA_TO_DEVICE);
        dev_kfree_skb_any(tx_skb_[tx_tail_]);
        tx_skb_[tx_tail_] = nullptr;
        ++stats_.tx_dropped;
        tx_tail_ = (tx_tail_ + 1) & tx_mask;
        --tx_count_;
    }
}

// A mode or filter change, or the card gone off: the card reads the init
// block only at INIT, and CSR15 is writable only while stopped. The queue
// stops now; the restart timer does the rest (restart_step). A change while
// the card is being initialised comes after it, once more.
void pcnet32::schedule_restart() {
    cpu::irq_guard guard;
    switch (state_) {
    case hw_state::down:
    case hw_state::draining:
        return;
    case hw_state::initializing:
        restart_again_ = true;
        return;
    case hw_state::running:
        break;
    }
    state_ = hw_state::draining;
    restart_deadline_ = jiffies + msecs_to_jiffies(tx_drain_ms);
    if (hooks.tx_stop) {
        hooks.tx_stop(hooks.ctx);
    }
    mod_timer(&restart_timer_, jiffies + 1);
}

void pcnet32::restart_timer_fn(timer_list* t) {
    from_timer(t, &pcnet32::restart_timer_)->restart_step();
}

// TIMER_SOFTIRQ, one tick at a time: never inside a poll, so the receive
// ring can be reset under it.
void pcnet32::restart_step() {
    cpu::irq_guard guard;
    if (state_ == hw_state::draining) {
        tx_reclaim();
        if (tx_count_ > 0 && time_before(jiffies, restart_deadline_)) {
            mod_timer(&restart_timer_, jiffies + 1);
            return;
        }
        reinit();
    } else if (state_ == hw_state::initializing) {
        if (csr_read(0) & csr0::idon) {
            finish_init();
        } else if (time_after_eq(jiffies, restart_deadline_)) {
            // Left stopped, the queue too, until the interface is taken
            // down (stop() frees what open() took) and up again.
            pr_err("%s: no IDON after INIT (CSR0 %04x): card left stopped\n", name, csr_read(0));
            csr_write(0, csr0::stop);
            restart_again_ = false;
        } else {
            mod_timer(&restart_timer_, jiffies + 1);
        }
    }
}

// Drained (or out of time): stop, drop what is still queued, give every
// receive descriptor back (frames the poll has not reached are lost and
// counted), INIT with the IDON interrupt on.
void pcnet32::reinit() {
    update_missed();
    csr_write(0, csr0::stop);
    tx_drop_all();
    for (unsigned n = 0; n < rx_ring_size; ++n) {
        if (!(le16_to_cpu(rings_->rx_ring[n].status) & rmd::own)) {
            ++stats_.rx_dropped;
        }
    }
    init_rings();
    load_chip(true);
    state_ = hw_state::initializing;
    restart_deadline_ = jiffies + msecs_to_jiffies(init_timeout_ms);
    mod_timer(&restart_timer_, jiffies + 1);
}

// IDON: start, IDON masked again, and let transmit go on.
void pcnet32::finish_init() {
    missed_last_ = csr_read(csr_missed_frames);
    csr3_ |= csr3::idonm;
    csr_write(3, csr3_);
    csr_write(0, csr0::idon | csr0::strt | csr0::inea);
    state_ = hw_state::running;
    del_timer(&restart_timer_);
    if (hooks.tx_wake) {
        hooks.tx_wake(hooks.ctx);
    }
    if (restart_again_) {
        restart_again_ = false;
        schedule_restart();
    }
}

int pcnet32::xmit(sk_buff* skb) {
    if (skb->len < ETH_HLEN || skb->len > ETH_FRAME_LEN) {
        return -EINVAL;
    }
    const unsigned len = skb->len;
    // The card's APAD_XMT (CSR4) pads runts on the wire; QEMU's model sends
    // the descriptor's bytes as they are, so pad here, with zeroes, never
    // with whatever the buffer held.
    if (__skb_put_padto(skb, ETH_ZLEN, false)) {
        return -ENOMEM;
    }
    dma_addr_t a = dma_map_single(skb->data, skb->len, DMA_TO_DEVICE);
    if (dma_mapping_error(a)) {
        return -ENOMEM;
    }
    tx_batch done;
    int err = 0;
    {
        cpu::irq_guard guard;
        err = xmit_locked(skb, a, len, done);
    }
    tx_free(done);
    if (err) {
        dma_unmap_single(a, skb->len, DMA_TO_DEVICE);
        return err;
    }
    tx_timer_arm();
    return 0;
}

// xmit's critical section: reclaim what the card has finished, then take
// the head descriptor. -EBUSY (queue stopped, TINT on) when the ring is
// full or the card is being initialised.
int pcnet32::xmit_locked(sk_buff* skb, dma_addr_t a, unsigned len, tx_batch& done) {
    if (state_ == hw_state::down) {
        return -ENETDOWN;
    }
    tx_reclaim(&done);
    if (state_ == hw_state::initializing || tx_count_ == tx_ring_size) {
        if (hooks.tx_stop) {
            hooks.tx_stop(hooks.ctx);   // restarting or full: woken when it is done
        }
        if (state_ != hw_state::initializing) {
            tx_irq_mask(false);
        }
        return -EBUSY;
    }
    unsigned i = tx_head_;
    tx_skb_[i] = skb;
    tx_dma_[i] = a;
    tx_map_len_[i] = static_cast<uint16_t>(skb->len);
    tx_len_[i] = static_cast<uint16_t>(len);
    volatile tx_desc& d = rings_->tx_ring[i];
    const tx_desc card = tx_desc_for_card(a, skb->len);
    d.base = card.base;
    d.length = card.length;
    d.misc = 0;
    cpu::barrier();   // address and length before ownership
    d.status = card.status;
    tx_head_ = (i + 1) & tx_mask;
    if (++tx_count_ == tx_ring_size) {
        if (hooks.tx_stop) {
            hooks.tx_stop(hooks.ctx);   // the last descriptor: in here, not after
        }
        tx_irq_mask(false);             // its completion must wake the queue
    }
    cpu::barrier();
    csr_write(0, csr0::inea | csr0::tdmd);   // send now, not at the next ring poll
    return 0;
}

// Interrupts masked by the caller. With done, the skbs are handed back for
// tx_free() after the critical section; without it (the interrupt handler,
// a restart) they go to dev_consume_skb_any.
void pcnet32::tx_reclaim(tx_batch* done) {
    unsigned freed = 0;
    bool failed = false;
    while (tx_count_ > 0) {
        unsigned i = tx_tail_;
        volatile tx_desc& d = rings_->tx_ring[i];
        uint16_t status = le16_to_cpu(d.status);
        if (status & tmd::own) {
            break;
        }
        cpu::barrier();   // OWN seen clear before the rest is read
        failed |= (status & tmd::err) != 0;
        count_tx_done(stats_, status, le32_to_cpu(d.misc), tx_len_[i]);
        dma_unmap_single(tx_dma_[i], tx_map_len_[i], DMA_TO_DEVICE);
        if (done) {
            done->skb[done->n++] = tx_skb_[i];
        } else {
            dev_consume_skb_any(tx_skb_[i]);
        }
        tx_skb_[i] = nullptr;
        tx_tail_ = (i + 1) & tx_mask;
        --tx_count_;
        ++freed;
    }
    if (failed) {
        // UFLO or BUFF turn the transmitter off, and with TINT masked no
        // interrupt says so: look now.
        check_running(csr_read(0));
    }
    if (freed && state_ == hw_state::running) {
        tx_irq_mask(true);
        if (hooks.tx_wake) {
            hooks.tx_wake(hooks.ctx);
        }
    }
}

void pcnet32::tx_free(tx_batch& done) {
    for (unsigned k = 0; k < done.n; ++k) {
        dev_consume_skb_any(done.skb[k]);
    }
    done.n = 0;
}

// CSR3 TINTM; interrupts masked by the caller.
void pcnet32::tx_irq_mask(bool masked) {
    uint16_t v = masked ? csr3_ | csr3::tintm : csr3_ & ~csr3::tintm;
    if (v != csr3_ && state_ != hw_state::down) {
        csr3_ = v;
        csr_write(3, v);
    }
}

// Frames still on the ring a tick after the last send are reclaimed then,
// so their sockets get their send-buffer space back when nothing else
// comes through the driver.
void pcnet32::tx_timer_arm() {
    if (!timer_pending(&tx_timer_)) {
        mod_timer(&tx_timer_, jiffies + 1);
    }
}

void pcnet32::tx_timer_fn(timer_list* t) {
    pcnet32* p = from_timer(t, &pcnet32::tx_timer_);
    tx_batch done;
    bool more;
    {
        cpu::irq_guard guard;
        if (p->state_ != hw_state::running) {
            return;
        }
        p->tx_reclaim(&done);
        more = p->tx_count_ > 0;
    }
    tx_free(done);
    if (more) {
        p->tx_timer_arm();
    }
}

// The frame in slot i (len bytes without FCS), as an skb for the stack:
// copied when short, else the ring's own buffer, replaced by a fresh one.
// nullptr (counted as rx_dropped) when memory is short: the slot keeps its
// buffer either way, the ring never has a hole.
sk_buff* pcnet32::rx_take(unsigned i, size_t len) {
    sk_buff* skb;
    if (len <= rx_copybreak) {
        skb = rx_alloc(static_cast<unsigned>(len));
        if (skb) {
            dma_sync_single_for_cpu(rx_dma_[i], len, DMA_FROM_DEVICE);
            skb_put_data(skb, rx_skb_[i]->data, static_cast<unsigned>(len));
            dma_sync_single_for_device(rx_dma_[i], len, DMA_FROM_DEVICE);
        }
    } else {
        sk_buff* fresh = rx_alloc(PCNET32_BUF_SIZE);
        dma_addr_t a = fresh ? dma_map_single(fresh->data, PCNET32_BUF_SIZE, DMA_FROM_DEVICE)
                             : DMA_MAPPING_ERROR;
        if (dma_mapping_error(a)) {
            kfree_skb(fresh);
            skb = nullptr;
        } else {
            skb = rx_skb_[i];
            dma_unmap_single(rx_dma_[i], PCNET32_BUF_SIZE, DMA_FROM_DEVICE);
            skb_put(skb, static_cast<unsigned>(len));
            rx_skb_[i] = fresh;
            rx_dma_[i] = a;
        }
    }
    if (!skb) {
        ++stats_.rx_dropped;
        return nullptr;
    }
    ++stats_.rx_packets;
    stats_.rx_bytes += len;
    stats_.multicast += is_multicast(skb->data) ? 1 : 0;
    return skb;
}

// One descriptor the card has handed back: false when there is none. The
// frame, if good, comes out in up; the descriptor goes back to the card.
bool pcnet32::rx_one(sk_buff*& up) {
    cpu::irq_guard guard;
    if (state_ == hw_state::down) {
        return false;
    }
    unsigned i = rx_next_;
    volatile rx_desc& d = rings_->rx_ring[i];
    uint16_t status = le16_to_cpu(d.status);
    if (status & rmd::own) {
        return false;
    }
    cpu::barrier();   // OWN seen clear before the rest is read
    up = nullptr;
    if (rx_frame_ok(status)) {
        size_t len = rx_frame_len(le32_to_cpu(d.msg_length));
        if (len == 0 || len > ETH_FRAME_LEN) {
            ++stats_.rx_errors;
            ++stats_.rx_length_errors;
        } else {
            up = rx_take(i, len);
        }
    } else {
        count_rx_error(stats_, status);
    }
    const rx_desc card = rx_desc_for_card(rx_dma_[i], PCNET32_BUF_SIZE);
    d.base = card.base;
    d.msg_length = 0;
    d.buf_length = card.buf_length;
    cpu::barrier();   // address and length before ownership
    d.status = card.status;
    rx_next_ = (i + 1) & rx_mask;
    return true;
}

// NAPI poll: the stack runs in hooks.rx with interrupts as the caller has
// them (on, in NET_RX_SOFTIRQ); only rx_one() masks them.
int pcnet32::poll(int budget) {
    tx_batch done;
    {
        cpu::irq_guard guard;
        if (state_ != hw_state::down) {
            update_missed();   // MISS is masked while polling: 16 bits must not wrap unseen
            tx_reclaim(&done);
        }
    }
    tx_free(done);
    int work = 0;
    while (work < budget) {
        sk_buff* skb = nullptr;
        if (!rx_one(skb)) {
            break;
        }
        ++work;
        if (skb) {
            hooks.rx(hooks.ctx, skb);
        }
    }
    if (work < budget && (!hooks.rx_complete || hooks.rx_complete(hooks.ctx, work))) {
        rx_irq_mask(false);   // a frame that came meanwhile set RINT: it interrupts now
    }
    return work;
}

// While the poll owns receive, the card's receive and missed-frame
// interrupts are masked (Linux's pcnet32_poll masks CSR3 likewise): with the
// ring full, every frame on the wire sets MISS, and an interrupt per frame
// would starve the lines behind IRQ 10 on the i8259s (the console's IRQ 4
// among them). The poll reads CSR112 instead, every round.
void pcnet32::rx_irq_mask(bool masked) {
    constexpr uint16_t napi_masks = csr3::rintm | csr3::missm;
    cpu::irq_guard guard;
    uint16_t v = masked ? csr3_ | napi_masks : csr3_ & ~napi_masks;
    if (v != csr3_ && state_ != hw_state::down) {
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
// later and set RINT again: the interrupt comes straight back.
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
}

void pcnet32::update_missed() {
    uint16_t now = csr_read(csr_missed_frames);
    uint16_t delta = counter_delta(now, missed_last_);
    missed_last_ = now;
    stats_.rx_missed_errors += delta;
}

// The card turns its receiver or transmitter off after some errors: a
// restart brings it back. Interrupts masked by the caller.
void pcnet32::check_running(uint16_t csr0_status) {
    constexpr uint16_t on = csr0::rxon | csr0::txon;
    if (state_ == hw_state::running && (csr0_status & on) != on) {
        pr_warn("%s: receiver or transmitter went off (CSR0 %04x): restarting\n", name, csr0_status);
        schedule_restart();
    }
}

irqreturn pcnet32::interrupt() {
    cpu::irq_guard guard;
    if (state_ == hw_state::down) {
        return irqreturn::none;
    }
    uint16_t status = csr_read(0);
    if (!(status & csr0::intr)) {
        return irqreturn::none;
    }
    bool rx = status & csr0::rint;
    if (rx && hooks.rx_schedule) {
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
    if ((status & csr0::tint) && !(csr3_ & csr3::tintm)) {
        tx_reclaim();   // the ring was full: this wakes the queue
    }
    if (state_ == hw_state::initializing && (status & csr0::idon)) {
        finish_init();
    } else {
        check_running(status);
    }
    if (rx) {
        napi_schedule();
    }
    return irqreturn::handled;
}

void pcnet32::set_promisc(bool on) {
    {
        cpu::irq_guard guard;
        if (on == promisc_) {
            return;
        }
        promisc_ = on;
    }
    schedule_restart();
}

int pcnet32::set_multicast(const uint8_t (*addrs)[ETH_ALEN], size_t n) {
    uint8_t filter[8] = {};
    for (size_t i = 0; i < n; ++i) {
        if (!is_multicast(addrs[i])) {
            return -EINVAL;
        }
        ladrf_add(filter, addrs[i]);
    }
    {
        cpu::irq_guard guard;
        if (memcmp(filter, ladrf_, sizeof filter) == 0) {
            return 0;
        }
        memcpy(ladrf_, filter, sizeof filter);
    }
    schedule_restart();
    return 0;
}

// The MII management frame through BCR33/BCR34 (Linux's mdio_read and
// mdio_write in drivers/net/ethernet/amd/pcnet32.c): one guard over the
// pair, or an interrupt's CSR access in between would move RAP.
uint16_t pcnet32::mdio_read(unsigned reg) {
    cpu::irq_guard guard;
    bcr_write(bcr::mii_addr, static_cast<uint16_t>((phy_ & 0x1f) << 5 | (reg & 0x1f)));
    return bcr_read(bcr::mii_data);
}

void pcnet32::mdio_write(unsigned reg, uint16_t v) {
    cpu::irq_guard guard;
    bcr_write(bcr::mii_addr, static_cast<uint16_t>((phy_ & 0x1f) << 5 | (reg & 0x1f)));
    bcr_write(bcr::mii_data, v);
}

// The first address whose PHY ID reads back, as Linux's pcnet32_probe1
// scans them; none on a chip without the port.
void pcnet32::phy_probe() {
    phy_ = -1;
    if (!pcnet32_hw::chip_has_mii(part_)) {
        return;
    }
    for (unsigned a = 0; a < mii::PHY_MAX_ADDR; ++a) {
        phy_ = static_cast<int>(a);
        uint16_t id1 = mdio_read(mii::MII_PHYSID1), id2 = mdio_read(mii::MII_PHYSID2);
        if (mii::phy_present(id1, id2)) {
            pr_info("pcnet32: PHY at address %u, ID %04x:%04x\n", a, id1, id2);
            return;
        }
    }
    phy_ = -1;
    pr_warn("pcnet32: chip %04x has an MII port but no PHY answers on it\n", part_);
}

// The link watchdog: a change goes to the net core (netif_carrier_on/off)
// with the negotiated mode on the console, as Linux's mii_check_media.
void pcnet32::link_timer_fn(timer_list* t) {
    pcnet32* p = from_timer(t, &pcnet32::link_timer_);
    if (p->state_ == hw_state::down) {
        return;
    }
    p->mdio_read(mii::MII_BMSR);   // latched low: the second read is now
    mii::link l = mii::resolve(p->mdio_read(mii::MII_BMSR), p->mdio_read(mii::MII_ADVERTISE),
                               p->mdio_read(mii::MII_LPA));
    if (l.up != p->link_) {
        p->link_ = l.up;
        if (l.up) {
            pr_info("%s: link up, %uMbps, %s-duplex\n", p->name, l.speed, l.full_duplex ? "full" : "half");
        } else {
            pr_info("%s: link down\n", p->name);
        }
        if (p->hooks.link_change) {
            p->hooks.link_change(p->hooks.ctx, l.up);
        }
    }
    mod_timer(&p->link_timer_, jiffies + link_watch_interval);
}

// With a PHY, its link status now. Without, BCR4: it drives LED0, and with
// LNKSTE (its reset value) the LED, and LEDOUT, show the link state.
bool pcnet32::link_up() {
    if (phy_ >= 0) {
        mdio_read(mii::MII_BMSR);   // latched low: the second read is now
        return mdio_read(mii::MII_BMSR) & mii::BMSR_LSTATUS;
    }
    uint16_t v = bcr_read(bcr::lnkst);
    return (v & bcr::lnkst_lnkste) && (v & bcr::lnkst_ledout);
}

// Transmit counters move at reclaim: reclaim first, so they are current.
void pcnet32::get_stats(eth_stats& out) {
    tx_batch done;
    {
        cpu::irq_guard guard;
        if (state_ != hw_state::down) {
            update_missed();
            if (state_ == hw_state::running) {
                tx_reclaim(&done);
            }
        }
        out = stats_;
    }
    tx_free(done);
}

namespace {

int op_open(eth_hw& hw) { return static_cast<pcnet32&>(hw).open(); }
void op_stop(eth_hw& hw) { static_cast<pcnet32&>(hw).stop(); }
int op_xmit(eth_hw& hw, sk_buff* skb) { return static_cast<pcnet32&>(hw).xmit(skb); }
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
