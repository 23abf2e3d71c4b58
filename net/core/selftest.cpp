#include "net/core/selftest.h"

#include <string.h>

#include "kernel/cpu.h"
#include "kernel/mm/slab.h"
#include "kernel/printk.h"
#include "kernel/sched/sched.h"
#include "kernel/time.h"
#include "net/core/netdevice.h"
#include "net/ethernet/etherdevice.h"

namespace {

// IEEE 802 "Local Experimental Ethertype 1": nobody else's.
constexpr uint16_t ETH_P_SELFTEST = 0x88b5;
constexpr unsigned big_lengths[] = {4096, 9000, 32768, 65000};

struct tally {
    unsigned received, bad_sum, bad_len, bad_type, tapped;
    unsigned expect_len;
};
tally t;

int selftest_rcv(sk_buff* skb, net_device*, packet_type*, net_device*) {
    ++t.received;
    if (skb->len != t.expect_len) {
        ++t.bad_len;
    }
    if (skb->pkt_type != PACKET_HOST || skb->protocol != htons(ETH_P_SELFTEST)) {
        ++t.bad_type;
    }
    if (skb->len >= 2 && ip_compute_csum(skb->data, static_cast<int>(skb->len)) != 0) {
        ++t.bad_sum;
    }
    consume_skb(skb);
    return NET_RX_SUCCESS;
}

int tap_rcv(sk_buff* skb, net_device*, packet_type*, net_device*) {
    ++t.tapped;
    consume_skb(skb);
    return NET_RX_SUCCESS;
}

// A payload of len bytes whose Internet checksum is zero: pattern bytes,
// then the complement of their sum in the first two (RFC 1071: a buffer
// with its checksum included sums to 0).
sk_buff* make_frame(net_device* lo, unsigned len, unsigned seed) {
    sk_buff* skb = alloc_skb(len + NET_SKB_PAD + ETH_HLEN, GFP_KERNEL);
    if (!skb) {
        return nullptr;
    }
    skb_reserve(skb, NET_SKB_PAD + ETH_HLEN);
    uint8_t* p = skb_put(skb, len);
    for (unsigned i = 0; i < len; ++i) {
        p[i] = static_cast<uint8_t>(seed + i * 7);
    }
    if (len >= 2) {
        p[0] = p[1] = 0;
        __sum16 c = ip_compute_csum(p, static_cast<int>(len));
        memcpy(p, &c, 2);
    }
    dev_hard_header(skb, lo, ETH_P_SELFTEST, nullptr, nullptr, len);
    skb->dev = lo;
    return skb;
}

bool send(net_device* lo, unsigned len, unsigned seed) {
    sk_buff* skb = make_frame(lo, len, seed);
    if (!skb) {
        pr_err("net: selftest: no memory for a %u-byte frame\n", len);
        return false;
    }
    unsigned before = t.received;
    t.expect_len = len;
    dev_queue_xmit(skb);  // delivered before it returns: its bh_enable runs NET_RX
    if (t.received != before + 1) {
        pr_err("net: selftest: %u-byte frame not received\n", len);
        return false;
    }
    return true;
}

bool check_buffers() {
    sk_buff* skb = netdev_alloc_skb_ip_align(nullptr, 1514);
    if (!skb) {
        return false;
    }
    bool ok = reinterpret_cast<uintptr_t>(skb->head) % cache_line_size() == 0 &&
              skb_end_offset(skb) % cache_line_size() == 0 &&
              reinterpret_cast<uintptr_t>(skb->data + ETH_HLEN) % 4 == 0;
    sk_buff* c = skb_clone(skb, GFP_KERNEL);
    ok = ok && c && skb_cloned(skb) && skb_shinfo(skb)->dataref == 2;
    kfree_skb(c);
    ok = ok && !skb_cloned(skb);
    kfree_skb(skb);
    if (!ok) {
        pr_err("net: selftest: receive buffer not line-aligned or clone count wrong\n");
    }
    return ok;
}

void print_timing(net_device* lo) {
    constexpr unsigned rounds = 200;
    uint32_t start = cpu::cycles();
    for (unsigned i = 0; i < rounds; ++i) {
        send(lo, 64, i);
    }
    uint32_t rt = (cpu::cycles() - start) / rounds;
    static uint8_t buf[1500];
    start = cpu::cycles();
    volatile __wsum sink = 0;
    for (unsigned i = 0; i < rounds; ++i) {
        sink = csum_partial(buf, sizeof buf, sink);
    }
    uint32_t per = (cpu::cycles() - start) / rounds;
    (void)sink;
    uint64_t rt_ns = cycles_to_ns(rt);
    uint64_t mbs = per ? uint64_t{sizeof buf} * cpu::cycles_hz() / per / 1000000 : 0;
    pr_info("net: selftest timing: lo round trip (64 B) %u counter ticks (%lu ns), csum_partial 1500 B "
            "%u ticks (%lu MB/s)\n",
            static_cast<unsigned>(rt), static_cast<unsigned long>(rt_ns), static_cast<unsigned>(per),
            static_cast<unsigned long>(mbs));
}

}  // namespace

bool net_selftest() {
    net_device* lo = init_net.loopback_dev;
    if (!lo || !netif_running(lo)) {
        pr_err("net: selftest: no loopback device up\n");
        return false;
    }
    t = tally{};
    unsigned long heads = skb_heads_in_use(), data = skb_data_in_use();
    packet_type pt{};
    pt.type = htons(ETH_P_SELFTEST);
    pt.func = selftest_rcv;
    packet_type tap{};
    tap.type = htons(ETH_P_ALL);
    tap.func = tap_rcv;
    tap.dev = lo;
    dev_add_pack(&pt);
    dev_add_pack(&tap);
    bool ok = check_buffers();
    unsigned frames = 0;
    for (unsigned len = 1; ok && len <= ETH_DATA_LEN; ++len, ++frames) {
        ok = send(lo, len, len);
    }
    for (unsigned len : big_lengths) {
        ok = ok && send(lo, len, len);
        ++frames;
    }
    if (ok) {
        print_timing(lo);
    }
    dev_remove_pack(&tap);
    dev_remove_pack(&pt);
    if (ok && (t.bad_len || t.bad_sum || t.bad_type || t.tapped != 2 * t.received)) {
        pr_err("net: selftest: %u frames: %u bad length, %u bad checksum, %u bad type, %u tapped\n",
               t.received, t.bad_len, t.bad_sum, t.bad_type, t.tapped);
        ok = false;
    }
    if (ok && (skb_heads_in_use() != heads || skb_data_in_use() != data)) {
        pr_err("net: selftest: %lu sk_buffs and %lu buffers not freed\n", skb_heads_in_use() - heads,
               skb_data_in_use() - data);
        ok = false;
    }
    if (ok) {
        pr_info("net: selftest passed (%u frames over lo, 1..%u and up to %u bytes, checksums verified, "
                "every sk_buff freed)\n",
                frames, ETH_DATA_LEN, big_lengths[3]);
    }
    return ok;
}

void net_selftest_start() {
    if (!kthread_run([](void*) { net_selftest(); }, nullptr, "net_selftest", DEFAULT_PRIO)) {
        pr_err("net: selftest: cannot start its thread\n");
    }
}
