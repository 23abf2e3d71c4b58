// host-only: the pcnet32 driver against the simulated card
// (tests/unit/pcnet32_sim.h), every DMA access checked for ownership
// (tests/unit/host/dma_debug.h).
#include <string.h>

#include <vector>

#include "drivers/net/eth_netdev.h"
#include "drivers/net/pcnet32.h"
#include "kernel/timer.h"
#include "tests/unit/host/dma_debug.h"
#include "tests/unit/net_test_util.h"
#include "tests/unit/pcnet32_sim.h"

using namespace pcnet32_hw;

namespace {

constexpr uint8_t card_mac[ETH_ALEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
constexpr uint8_t other_mac[ETH_ALEN] = {0x52, 0x54, 0x00, 0x99, 0x99, 0x99};
constexpr uint8_t peer_mac[ETH_ALEN] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
constexpr int irq_line = 10;

// A frame to dst of len bytes (no FCS, at least 18), its sequence number
// in 14..17.
std::vector<uint8_t> frame(uint32_t seq, size_t len, const uint8_t* dst = card_mac) {
    CHECK_TRUE(len >= 18);
    std::vector<uint8_t> f(len);
    memcpy(f.data(), dst, ETH_ALEN);
    memcpy(f.data() + 6, peer_mac, ETH_ALEN);
    f[12] = 0x88;
    f[13] = 0xb5;
    for (size_t i = 14; i < len; ++i) {
        f[i] = static_cast<uint8_t>(seq * 7 + i);
    }
    memcpy(f.data() + 14, &seq, 4);
    return f;
}

uint32_t seq_of(const uint8_t* p) {
    uint32_t s;
    memcpy(&s, p + 14, 4);
    return s;
}

// What the driver's user (hooks) saw.
struct user {
    std::vector<sk_buff*> rx;
    bool rx_with_irqs_off = false;
    bool cpu_access_refused = false;
    int schedules = 0, completes = 0;
    int stops = 0, wakes = 0;
    bool stopped = false;
    bool stop_outside_lock = false;
};
user* u;

void hook_rx(void*, sk_buff* skb) {
    u->rx_with_irqs_off |= cpu::irqs_disabled();
    u->cpu_access_refused |= !dma_debug_check_cpu_access(skb->head, skb_end_offset(skb));
    u->rx.push_back(skb);
}
void hook_schedule(void*) { ++u->schedules; }
bool hook_complete(void*, int) {
    ++u->completes;
    return true;
}
void hook_stop(void*) {
    ++u->stops;
    u->stopped = true;
    u->stop_outside_lock |= !cpu::irqs_disabled();
}
void hook_wake(void*) {
    ++u->wakes;
    u->stopped = false;
}

sk_buff* tx_skb(const std::vector<uint8_t>& f) {
    sk_buff* skb = alloc_skb(static_cast<unsigned>(f.size()), GFP_ATOMIC);
    CHECK_TRUE(skb != nullptr);
    skb_put_data(skb, f.data(), static_cast<unsigned>(f.size()));
    return skb;
}

// One tick of the timer wheel (the restart's clock).
void tick() {
    cpu::irq_guard guard;
    irq_enter();
    do_timer(1);
    irq_exit();
}

}  // namespace

TEST_GROUP(pcnet32_ring) {
    net_test::leak_check leaks;
    pcnet32_sim* sim = nullptr;
    pcnet32* card = nullptr;
    user seen;

    void setup() override {
        net_test::setup();
        init_timers();
        leaks = net_test::leak_check{};
        dma_debug_reset();
        u = &seen;
        sim = new pcnet32_sim(card_mac);
        card = new pcnet32();
        strcpy(card->name, "eth0");
        LONGS_EQUAL(0, card->init(sim->base(), irq_line));
    }
    void teardown() override {
        card->release();
        for (sk_buff* skb : seen.rx) {
            kfree_skb(skb);
        }
        seen.rx.clear();
        seen.rx.shrink_to_fit();
        do_softirq();   // skbs freed from "interrupt context" go in NET_TX
        delete card;
        delete sim;
        leaks.verify();
        LONGS_EQUAL(0, dma_debug_mappings());
        LONGS_EQUAL(0, dma_debug_coherent());
        STRCMP_EQUAL("", dma_debug_last_error());
        net_test::teardown();
    }
    void open_with_hooks(bool napi = true) {
        card->hooks = {hook_rx, napi ? hook_schedule : nullptr, napi ? hook_complete : nullptr,
                       hook_stop, hook_wake, nullptr};
        LONGS_EQUAL(0, card->open());
    }
    // The card's line, as the interrupt controller would deliver it.
    void service() {
        for (int i = 0; i < 100 && sim->irq(); ++i) {
            net_test::in_irq_handler([&] { card->interrupt(); });
        }
        CHECK_FALSE(sim->irq());
    }
    // Polls as NET_RX_SOFTIRQ would, until the driver completes.
    int poll_all(int budget = PCNET32_NAPI_WEIGHT) {
        int total = 0;
        for (int round = 0; round < 1000; ++round) {
            int n = card->poll(budget);
            total += n;
            if (n < budget) {
                break;
            }
        }
        return total;
    }
    eth_stats stats() {
        eth_stats s{};
        card->get_stats(s);
        return s;
    }
    void check_clean() {
        CHECK_TRUE(sim->errors.empty());
        LONGS_EQUAL(0, dma_debug_errors());
        CHECK_FALSE(seen.rx_with_irqs_off);
        CHECK_FALSE(seen.cpu_access_refused);
    }
};

TEST(pcnet32_ring, open_programs_the_card_as_the_data_sheet_says) {
    MEMCMP_EQUAL(card_mac, card->dev_addr, ETH_ALEN);
    LONGS_EQUAL(0x2621, card->chip_part());
    CHECK_TRUE(sim->dwio());
    open_with_hooks();
    CHECK_TRUE(sim->running());
    LONGS_EQUAL(1, sim->inits);
    LONGS_EQUAL(2, sim->bcr(20));
    // TINTM: completions raise no interrupt while the ring has room.
    LONGS_EQUAL(csr3::idonm | csr3::dxsuflo | csr3::tintm, sim->csr(3));
    LONGS_EQUAL(csr4_value, sim->csr(4));
    CHECK_TRUE(sim->csr(4) & 0x0800);              // APAD_XMT
    CHECK_TRUE(sim->csr(0) & csr0::inea);
    CHECK_FALSE(sim->promisc());
    CHECK_TRUE(card->link_up());
    card->stop();
    CHECK_FALSE(sim->running());
    check_clean();
}

TEST(pcnet32_ring, receive_wraps_the_ring_several_times_in_order) {
    open_with_hooks();
    uint32_t seq = 0;
    const size_t lens[] = {60, 199, 200, 201, 590, 1514};
    for (int batch = 0; batch < 9; ++batch) {
        for (int i = 0; i < 50; ++i, ++seq) {
            CHECK_TRUE(sim->receive(frame(seq, lens[seq % 6])));
        }
        service();
        LONGS_EQUAL(50, poll_all());
    }
    LONGS_EQUAL(450, seen.rx.size());
    for (uint32_t i = 0; i < seen.rx.size(); ++i) {
        sk_buff* skb = seen.rx[i];
        LONGS_EQUAL(lens[i % 6], skb->len);
        LONGS_EQUAL(i, seq_of(skb->data));
        std::vector<uint8_t> want = frame(i, skb->len);
        MEMCMP_EQUAL(want.data(), skb->data, skb->len);
        LONGS_EQUAL(0, (reinterpret_cast<uintptr_t>(skb->data) + ETH_HLEN) % 4);   // NET_IP_ALIGN
        // Longer than rx_copybreak: the ring's own 1536-byte buffer.
        CHECK_EQUAL(skb->len > PCNET32_RX_COPYBREAK, skb->len + skb_tailroom(skb) >= PCNET32_BUF_SIZE);
    }
    eth_stats s = stats();
    LONGS_EQUAL(450, s.rx_packets);
    LONGS_EQUAL(0, s.rx_errors + s.rx_dropped + s.rx_missed_errors);
    LONGS_EQUAL(pcnet32::rx_ring_size, dma_debug_mappings());   // every slot has a buffer
    check_clean();
}

TEST(pcnet32_ring, copybreak_zero_hands_up_every_buffer_and_big_copies_every_frame) {
    card->rx_copybreak = 0;
    open_with_hooks();
    CHECK_TRUE(sim->receive(frame(1, 60)));
    service();
    LONGS_EQUAL(1, poll_all());
    CHECK_TRUE(seen.rx[0]->len + skb_tailroom(seen.rx[0]) >= PCNET32_BUF_SIZE);
    card->rx_copybreak = ETH_FRAME_LEN;
    CHECK_TRUE(sim->receive(frame(2, 1514)));
    service();
    LONGS_EQUAL(1, poll_all());
    LONGS_EQUAL(1514, seen.rx[1]->len);
    CHECK_TRUE(skb_tailroom(seen.rx[1]) < 64);
    check_clean();
}

TEST(pcnet32_ring, a_burst_larger_than_the_budget_keeps_rint_masked_until_done) {
    open_with_hooks();
    for (uint32_t i = 0; i < 100; ++i) {
        CHECK_TRUE(sim->receive(frame(i, 64)));
    }
    service();
    LONGS_EQUAL(1, seen.schedules);
    CHECK_TRUE(sim->csr(3) & csr3::rintm);      // the receive interrupt masked by the poll
    CHECK_FALSE(sim->csr(3) & csr3::bablm);
    for (int round = 0; round < 6; ++round) {
        LONGS_EQUAL(PCNET32_NAPI_WEIGHT, card->poll(PCNET32_NAPI_WEIGHT));
        LONGS_EQUAL(0, seen.completes);
        CHECK_TRUE(sim->csr(3) & csr3::rintm);
    }
    LONGS_EQUAL(4, card->poll(PCNET32_NAPI_WEIGHT));
    LONGS_EQUAL(1, seen.completes);
    CHECK_FALSE(sim->csr(3) & csr3::rintm);
    LONGS_EQUAL(100, seen.rx.size());
    // A frame that came while masked interrupts as soon as RINT is unmasked.
    CHECK_TRUE(sim->receive(frame(100, 64)));
    CHECK_TRUE(sim->irq());
    service();
    LONGS_EQUAL(2, seen.schedules);
    check_clean();
}

TEST(pcnet32_ring, receive_errors_are_counted_by_kind_and_dropped) {
    open_with_hooks();
    const uint16_t bits[] = {rmd::fram, rmd::oflo, rmd::crc, rmd::buff, rmd::crc | rmd::fram};
    uint32_t seq = 0;
    for (uint16_t bit : bits) {
        pcnet32_sim::rx_opts o;
        o.err = bit;
        std::vector<uint8_t> f = frame(seq++, 100);
        CHECK_TRUE(sim->receive(f.data(), f.size(), o));
    }
    service();
    LONGS_EQUAL(5, poll_all());
    LONGS_EQUAL(0, seen.rx.size());
    eth_stats s = stats();
    LONGS_EQUAL(5, s.rx_errors);
    LONGS_EQUAL(2, s.rx_frame_errors);
    LONGS_EQUAL(1, s.rx_over_errors);
    LONGS_EQUAL(2, s.rx_crc_errors);
    LONGS_EQUAL(1, s.rx_fifo_errors);
    LONGS_EQUAL(0, s.rx_packets);
    // The descriptors went back: a whole ring's worth still arrives.
    for (uint32_t i = 0; i < pcnet32::rx_ring_size; ++i) {
        CHECK_TRUE(sim->receive(frame(seq++, 300)));
    }
    service();
    LONGS_EQUAL(pcnet32::rx_ring_size, poll_all());
    LONGS_EQUAL(pcnet32::rx_ring_size, seen.rx.size());
    check_clean();
}

TEST(pcnet32_ring, impossible_lengths_are_length_errors) {
    open_with_hooks();
    for (int mcnt : {0, 17, int{ETH_FRAME_LEN + ETH_FCS_LEN + 1}, 4095}) {
        pcnet32_sim::rx_opts o;
        o.mcnt = mcnt;
        std::vector<uint8_t> f = frame(1, 100);
        CHECK_TRUE(sim->receive(f.data(), f.size(), o));
    }
    // Longer than a buffer: STP on one descriptor, ENP on the next.
    CHECK_TRUE(sim->receive(frame(2, 1600)));
    service();
    LONGS_EQUAL(6, poll_all());
    LONGS_EQUAL(0, seen.rx.size());
    eth_stats s = stats();
    LONGS_EQUAL(5, s.rx_length_errors);
    LONGS_EQUAL(5, s.rx_errors);
    CHECK_TRUE(sim->receive(frame(3, 1514)));
    service();
    LONGS_EQUAL(1, poll_all());
    LONGS_EQUAL(1, seen.rx.size());
    check_clean();
}

TEST(pcnet32_ring, a_full_ring_misses_counts_and_recovers_by_itself) {
    open_with_hooks();
    uint32_t seq = 0;
    for (unsigned i = 0; i < pcnet32::rx_ring_size; ++i) {
        CHECK_TRUE(sim->receive(frame(seq++, 80)));
    }
    for (int i = 0; i < 10; ++i) {
        CHECK_FALSE(sim->receive(frame(seq++, 80)));   // no descriptor: MISS
    }
    LONGS_EQUAL(10, sim->csr(csr_missed_frames));
    service();
    LONGS_EQUAL(10, stats().rx_missed_errors);
    LONGS_EQUAL(pcnet32::rx_ring_size, poll_all());
    CHECK_TRUE(sim->receive(frame(seq++, 80)));
    service();
    LONGS_EQUAL(1, poll_all());
    LONGS_EQUAL(pcnet32::rx_ring_size + 1, seen.rx.size());
    LONGS_EQUAL(10, stats().rx_missed_errors);
    check_clean();
}

// With the poll scheduled, a full ring must not interrupt once per missed
// frame (that storm starved the console behind IRQ 10), and the missed
// count still comes right, however many frames: the poll reads CSR112.
TEST(pcnet32_ring, misses_while_the_poll_owns_receive_raise_no_interrupt_and_are_counted) {
    open_with_hooks();
    uint32_t seq = 0;
    CHECK_TRUE(sim->receive(frame(seq++, 80)));
    service();                                   // RINT: the poll is scheduled
    CHECK_TRUE(sim->csr(3) & csr3::missm);
    for (unsigned i = 1; i < pcnet32::rx_ring_size; ++i) {
        CHECK_TRUE(sim->receive(frame(seq++, 80)));
    }
    for (int i = 0; i < 40000; ++i) {
        CHECK_FALSE(sim->receive(frame(seq++, 80)));
        CHECK_FALSE(sim->irq());
    }
    LONGS_EQUAL(PCNET32_NAPI_WEIGHT, card->poll(PCNET32_NAPI_WEIGHT));
    LONGS_EQUAL(40000, stats().rx_missed_errors);
    for (int i = 0; i < 40000; ++i) {              // past 65535 in CSR112
        sim->receive(frame(seq++, 80));
    }
    LONGS_EQUAL(pcnet32::rx_ring_size, poll_all());   // 112 left, and 16 that came into freed slots
    CHECK_FALSE(sim->csr(3) & (csr3::rintm | csr3::missm));
    LONGS_EQUAL(80000 - PCNET32_NAPI_WEIGHT, stats().rx_missed_errors);
    check_clean();
}

TEST(pcnet32_ring, no_memory_for_a_fresh_buffer_drops_the_frame_and_keeps_the_old_one) {
    open_with_hooks();
    // Take every free page and kmalloc object the big buffers come from.
    static void* hog[1 << 15];
    size_t n = 0;
    while (n < sizeof hog / sizeof hog[0] && (hog[n] = kmalloc(1600, GFP_ATOMIC)) != nullptr) {
        ++n;
    }
    CHECK_TRUE(sim->receive(frame(1, 1000)));
    service();
    LONGS_EQUAL(1, poll_all());
    LONGS_EQUAL(0, seen.rx.size());
    LONGS_EQUAL(1, stats().rx_dropped);
    for (size_t i = 0; i < n; ++i) {
        kfree(hog[i]);
    }
    LONGS_EQUAL(pcnet32::rx_ring_size, dma_debug_mappings());   // no hole in the ring
    for (uint32_t i = 0; i < pcnet32::rx_ring_size + 2; ++i) {
        CHECK_TRUE(sim->receive(frame(10 + i, 1000)));
        service();
        LONGS_EQUAL(1, poll_all());
    }
    LONGS_EQUAL(pcnet32::rx_ring_size + 2, seen.rx.size());
    check_clean();
}

TEST(pcnet32_ring, transmit_wraps_the_ring_from_the_skb_data_and_frees_each_skb) {
    open_with_hooks();
    for (uint32_t i = 0; i < 100; ++i) {
        LONGS_EQUAL(0, card->xmit(tx_skb(frame(i, 60 + i * 14))));
        service();
    }
    LONGS_EQUAL(100, sim->sent.size());
    for (uint32_t i = 0; i < 100; ++i) {
        std::vector<uint8_t> want = frame(i, 60 + i * 14);
        CHECK_TRUE(want == sim->sent[i]);
    }
    LONGS_EQUAL(100, stats().tx_packets);
    LONGS_EQUAL(0, seen.stops);
    LONGS_EQUAL(0, dma_debug_mappings() - pcnet32::rx_ring_size);   // all unmapped
    check_clean();
}

TEST(pcnet32_ring, completions_raise_no_interrupt_and_are_reclaimed_by_xmit_poll_and_the_timer) {
    open_with_hooks();
    size_t heads = skb_heads_in_use();
    for (uint32_t i = 0; i < 10; ++i) {
        LONGS_EQUAL(0, card->xmit(tx_skb(frame(i, 100))));
        CHECK_FALSE(sim->irq());                 // sent at once, TINT masked
    }
    LONGS_EQUAL(10, sim->sent.size());
    // Each xmit reclaimed the frames before it: only the last is held.
    LONGS_EQUAL(heads + 1, skb_heads_in_use());
    LONGS_EQUAL(0, card->xmit(tx_skb(frame(10, 100))));
    LONGS_EQUAL(heads + 1, skb_heads_in_use());
    card->poll(PCNET32_NAPI_WEIGHT);             // a poll reclaims too
    LONGS_EQUAL(heads, skb_heads_in_use());
    LONGS_EQUAL(0, card->xmit(tx_skb(frame(11, 100))));
    LONGS_EQUAL(heads + 1, skb_heads_in_use());
    tick();                                      // and the timer, a tick after the last send
    LONGS_EQUAL(heads, skb_heads_in_use());
    LONGS_EQUAL(12, sim->sent.size());
    CHECK_TRUE(sim->csr(3) & csr3::tintm);
    LONGS_EQUAL(0, seen.stops);
    check_clean();
}

TEST(pcnet32_ring, runts_are_padded_with_zeroes_not_old_bytes) {
    open_with_hooks();
    sk_buff* skb = alloc_skb(128, GFP_ATOMIC);
    memset(skb->data, 0xaa, 128);   // what the buffer held before
    std::vector<uint8_t> arp = frame(5, 42);
    skb_put_data(skb, arp.data(), 42);
    LONGS_EQUAL(0, card->xmit(skb));
    service();
    LONGS_EQUAL(1, sim->sent.size());
    LONGS_EQUAL(ETH_ZLEN, sim->sent[0].size());
    MEMCMP_EQUAL(arp.data(), sim->sent[0].data(), 42);
    for (size_t i = 42; i < ETH_ZLEN; ++i) {
        LONGS_EQUAL(0, sim->sent[0][i]);
    }
    LONGS_EQUAL(42, stats().tx_bytes);
    std::vector<uint8_t> tiny(card_mac, card_mac + ETH_ALEN);   // shorter than a header
    sk_buff* bad = tx_skb(tiny);
    LONGS_EQUAL(-EINVAL, card->xmit(bad));   // not taken
    kfree_skb(bad);
    check_clean();
}

TEST(pcnet32_ring, the_last_descriptor_stops_the_queue_inside_and_reclaim_wakes_it) {
    sim->tx_auto = false;
    open_with_hooks();
    for (uint32_t i = 0; i < pcnet32::tx_ring_size; ++i) {
        LONGS_EQUAL(0, card->xmit(tx_skb(frame(i, 100))));
        LONGS_EQUAL(i + 1 == pcnet32::tx_ring_size ? 1 : 0, seen.stops);
    }
    CHECK_TRUE(seen.stopped);
    CHECK_FALSE(seen.stop_outside_lock);   // in the driver's critical section
    CHECK_FALSE(sim->csr(3) & csr3::tintm);  // full: a completion must interrupt
    sk_buff* extra = tx_skb(frame(99, 100));
    LONGS_EQUAL(-EBUSY, card->xmit(extra));   // not taken, stopped again
    CHECK_TRUE(seen.stopped);
    // The TX-done interrupt comes after the stop, whenever that is: the
    // wake-up cannot be lost.
    LONGS_EQUAL(5, sim->transmit(5));
    service();
    CHECK_FALSE(seen.stopped);
    LONGS_EQUAL(1, seen.wakes);
    CHECK_TRUE(sim->csr(3) & csr3::tintm);   // room again: masked again
    LONGS_EQUAL(0, card->xmit(extra));
    sim->transmit();
    service();
    LONGS_EQUAL(pcnet32::tx_ring_size + 1, sim->sent.size());
    LONGS_EQUAL(pcnet32::tx_ring_size + 1, stats().tx_packets);
    LONGS_EQUAL(0, stats().tx_dropped);
    check_clean();
}

TEST(pcnet32_ring, transmit_errors_are_counted_and_stop_drops_what_is_queued) {
    sim->tx_auto = false;
    open_with_hooks();
    sim->tx_fail = 2;
    sim->tx_fail_misc = tmd::lcar | tmd::rtry;
    for (uint32_t i = 0; i < 6; ++i) {
        LONGS_EQUAL(0, card->xmit(tx_skb(frame(i, 100))));
    }
    sim->transmit(4);
    service();
    eth_stats s = stats();
    LONGS_EQUAL(2, s.tx_errors);
    LONGS_EQUAL(2, s.tx_carrier_errors);
    LONGS_EQUAL(2, s.tx_aborted_errors);
    LONGS_EQUAL(2, s.tx_packets);
    card->stop();   // two still on the ring
    LONGS_EQUAL(2, stats().tx_dropped);
    check_clean();
}

TEST(pcnet32_ring, promisc_change_restarts_without_waiting_masked) {
    sim->tx_auto = false;
    open_with_hooks();
    CHECK_FALSE(sim->receive(frame(1, 60, other_mac)));
    LONGS_EQUAL(1, sim->filtered);
    LONGS_EQUAL(0, card->xmit(tx_skb(frame(2, 100))));
    card->set_promisc(true);
    // Nothing waited: the restart is pending, the queue stopped, the card
    // still running with its frame queued.
    CHECK_TRUE(card->restarting());
    CHECK_TRUE(seen.stopped);
    CHECK_TRUE(sim->running());
    CHECK_TRUE(host_stub::irqs_on);
    tick();
    LONGS_EQUAL(1, sim->inits);          // the transmit ring drains first
    sim->transmit();
    service();
    LONGS_EQUAL(1, sim->sent.size());
    CHECK_TRUE(seen.stopped);           // reclaim does not wake mid-restart
    tick();                             // drained: stop, INIT with IDON unmasked
    LONGS_EQUAL(2, sim->inits);
    CHECK_FALSE(sim->csr(3) & csr3::idonm);
    CHECK_TRUE(sim->irq());             // IDON
    service();
    CHECK_FALSE(card->restarting());
    CHECK_TRUE(sim->running());
    CHECK_TRUE(sim->promisc());
    CHECK_TRUE(sim->csr(3) & csr3::idonm);
    CHECK_FALSE(seen.stopped);
    CHECK_TRUE(sim->receive(frame(3, 60, other_mac)));
    service();
    LONGS_EQUAL(1, poll_all());
    LONGS_EQUAL(1, seen.rx.size());
    check_clean();
}

TEST(pcnet32_ring, multicast_filter_change_reaches_the_card_after_restart) {
    open_with_hooks();
    const uint8_t group[1][ETH_ALEN] = {{0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}};
    CHECK_FALSE(sim->receive(frame(1, 60, group[0])));
    LONGS_EQUAL(0, card->set_multicast(group, 1));
    const uint8_t unicast[1][ETH_ALEN] = {{0x02, 0, 0, 0, 0, 1}};
    LONGS_EQUAL(-EINVAL, card->set_multicast(unicast, 1));
    for (int i = 0; i < 3 && card->restarting(); ++i) {
        tick();
        service();
    }
    CHECK_FALSE(card->restarting());
    unsigned idx = ladrf_index(group[0]);
    CHECK_TRUE(sim->ladrf()[idx >> 3] & (1u << (idx & 7)));
    CHECK_TRUE(sim->receive(frame(2, 60, group[0])));
    service();
    LONGS_EQUAL(1, poll_all());
    LONGS_EQUAL(1, stats().multicast);
    check_clean();
}

TEST(pcnet32_ring, frames_the_poll_had_not_reached_at_a_restart_are_counted) {
    open_with_hooks();
    for (uint32_t i = 0; i < 3; ++i) {
        CHECK_TRUE(sim->receive(frame(i, 100)));
    }
    card->set_promisc(true);
    tick();
    service();
    CHECK_FALSE(card->restarting());
    LONGS_EQUAL(3, stats().rx_dropped);
    LONGS_EQUAL(0, poll_all());   // the ring starts over, all the card's
    CHECK_TRUE(sim->receive(frame(9, 100)));
    service();
    LONGS_EQUAL(1, poll_all());
    LONGS_EQUAL(9, seq_of(seen.rx[0]->data));
    check_clean();
}

TEST(pcnet32_ring, transmitter_off_after_an_error_restarts_the_card) {
    open_with_hooks();
    sim->tx_fail = 1;
    sim->tx_fail_misc = tmd::uflo;
    sim->tx_fail_off = true;
    LONGS_EQUAL(0, card->xmit(tx_skb(frame(1, 100))));
    CHECK_FALSE(sim->csr(0) & csr0::txon);
    CHECK_FALSE(sim->irq());   // TINT masked: the reclaim timer finds it
    tick();
    CHECK_TRUE(card->restarting());
    LONGS_EQUAL(1, stats().tx_fifo_errors);
    STRCMP_CONTAINS("restarting", host_stub::console.c_str());
    tick();
    service();
    CHECK_FALSE(card->restarting());
    CHECK_TRUE(sim->csr(0) & csr0::txon);
    LONGS_EQUAL(0, card->xmit(tx_skb(frame(2, 100))));
    service();
    LONGS_EQUAL(1, sim->sent.size());
    LONGS_EQUAL(2, seq_of(sim->sent[0].data()));
    check_clean();
}

TEST(pcnet32_ring, without_the_net_core_the_interrupt_handler_polls_itself) {
    open_with_hooks(false);
    for (uint32_t i = 0; i < 40; ++i) {
        CHECK_TRUE(sim->receive(frame(i, 100)));
    }
    service();
    LONGS_EQUAL(40, seen.rx.size());
    CHECK_FALSE(sim->csr(3) & csr3::rintm);
    seen.rx_with_irqs_off = false;   // the self-test's way: in the hard interrupt
    check_clean();
}

// Through eth_netdev and the net core: NAPI in NET_RX_SOFTIRQ with
// interrupts on, and dev_queue_xmit through ring-full periods.
TEST_GROUP(pcnet32_netdev) {
    net_test::leak_check leaks;
    pcnet32_sim* sim = nullptr;
    pcnet32* card = nullptr;
    net_device* dev = nullptr;
    packet_type pt{};

    void setup() override {
        net_test::setup();
        init_timers();
        leaks = net_test::leak_check{};
        dma_debug_reset();
        sim = new pcnet32_sim(card_mac);
        card = new pcnet32();
        LONGS_EQUAL(0, card->init(sim->base(), irq_line));
        strcpy(card->name, "eth0");
        dev = eth_netdev_register(*card);
        CHECK_TRUE(dev != nullptr);
        CHECK_TRUE(netif_running(dev));
        pt.type = htons(0x88b5);
        pt.func = rx_check;
        dev_add_pack(&pt);
        irqs_off_in_rx = false;
        delivered = 0;
    }
    void teardown() override {
        dev_remove_pack(&pt);
        dev_close(dev);
        unregister_netdev(dev);
        free_netdev(dev);
        card->release();
        do_softirq();
        delete card;
        delete sim;
        leaks.verify();
        LONGS_EQUAL(0, dma_debug_mappings());
        LONGS_EQUAL(0, dma_debug_coherent());
        STRCMP_EQUAL("", dma_debug_last_error());
        net_test::teardown();
    }
    static inline bool irqs_off_in_rx;
    static inline unsigned delivered;
    static int rx_check(sk_buff* skb, net_device*, packet_type*, net_device*) {
        irqs_off_in_rx |= cpu::irqs_disabled();
        CHECK_TRUE(dma_debug_check_cpu_access(skb->head, skb_end_offset(skb)));
        ++delivered;
        consume_skb(skb);
        return NET_RX_SUCCESS;
    }
    void service() {
        for (int i = 0; i < 100 && sim->irq(); ++i) {
            net_test::in_irq_handler([&] { card->interrupt(); });
        }
    }
};

TEST(pcnet32_netdev, receive_runs_in_net_rx_softirq_with_interrupts_on) {
    for (uint32_t i = 0; i < 120; ++i) {
        CHECK_TRUE(sim->receive(frame(i, i % 2 ? 1000 : 90)));
    }
    service();   // irq_exit runs NET_RX_SOFTIRQ: netdev_budget covers them all
    LONGS_EQUAL(120, delivered);
    CHECK_FALSE(irqs_off_in_rx);
    CHECK_FALSE(sim->csr(3) & csr3::rintm);
    CHECK_TRUE(sim->errors.empty());
    LONGS_EQUAL(0, dma_debug_errors());
}

TEST(pcnet32_netdev, every_frame_leaves_in_order_through_full_rings) {
    sim->tx_auto = false;
    const unsigned total = 200;
    for (uint32_t i = 0; i < total; ++i) {
        sk_buff* skb = tx_skb(frame(i, 60 + i));
        skb->dev = dev;
        skb->protocol = htons(0x88b5);
        LONGS_EQUAL(NET_XMIT_SUCCESS, dev_queue_xmit(skb));
    }
    CHECK_TRUE(netif_queue_stopped(dev));
    for (int round = 0; round < 100 && sim->sent.size() < total; ++round) {
        sim->transmit(7);   // completions in small bursts
        service();
        do_softirq();
    }
    LONGS_EQUAL(total, sim->sent.size());
    for (uint32_t i = 0; i < total; ++i) {
        LONGS_EQUAL(i, seq_of(sim->sent[i].data()));
    }
    CHECK_FALSE(netif_queue_stopped(dev));
    CHECK_TRUE(sim->errors.empty());
    LONGS_EQUAL(0, dma_debug_errors());
}
