#include "tests/fuzz/stack.h"

#include <stdlib.h>

#include "kernel/sched/sched.h"
#include "net/core/skb_fault.h"
#include "tests/unit/socket_test_util.h"

namespace fuzz {

namespace {
socket_test::env* stack;
}

void init_stack() {
    if (stack) {
        return;
    }
    sched_init();   // the fuzzer's thread is the idle task, as in the unit tests
    stack = new socket_test::env;
    stack->setup();
    stack->ip.know(ipv4_test::peer_ip, ipv4_test::peer_mac);
    stack->ip.know(ipv4_test::gw_ip, ipv4_test::gw_mac);
}

net_device* eth() { return stack->ip.eth; }

namespace {
sk_buff* frame_skb(const uint8_t* frame, size_t len) {
    if (len < ETH_HLEN || len > 65535) {
        return nullptr;
    }
    sk_buff* skb = netdev_alloc_skb_ip_align(eth(), static_cast<unsigned>(len));
    if (!skb) {
        return nullptr;
    }
    skb_put_data(skb, frame, static_cast<unsigned>(len));
    skb->protocol = eth_type_trans(skb, eth());
    return skb;
}
}  // namespace

void receive_irq(const uint8_t* frame, size_t len) {
    if (sk_buff* skb = frame_skb(frame, len)) {
        net_test::in_irq_handler([&] { netif_rx(skb); });
    }
}

void receive_napi(const uint8_t* frame, size_t len) {
    if (sk_buff* skb = frame_skb(frame, len)) {
        bh_guard bh;
        netif_receive_skb(skb);
    }
}

void advance_ms(unsigned ms) { ipv4_test::advance_ms(ms); }

unsigned drain_sent() {
    unsigned n = 0;
    auto* priv = net_test::priv_of(eth());
    while (sk_buff* skb = __skb_dequeue(&priv->sent)) {
        consume_skb(skb);
        ++n;
    }
    return n;
}

void fail_allocations(reader& in) {
    unsigned space = in.u8() % 8;
    skb_fail_allocations(space, in.u8() % 4);
}

void allocations_back() { skb_fail_allocations(0, 0); }

unsigned check_every(unsigned fallback) {
    const char* v = getenv("MIPSNET_FUZZ_CHECK_EVERY");
    int n = v ? atoi(v) : 0;
    return n > 0 ? static_cast<unsigned>(n) : fallback;
}

uint8_t reader::u8() {
    if (!n_) {
        return 0;
    }
    --n_;
    return *p_++;
}

uint16_t reader::u16() { return static_cast<uint16_t>(u8() << 8 | u8()); }
uint32_t reader::u32() { return static_cast<uint32_t>(u16()) << 16 | u16(); }

size_t reader::take(size_t len, const uint8_t** out) {
    size_t k = len < n_ ? len : n_;
    *out = p_;
    p_ += k;
    n_ -= k;
    return k;
}

}  // namespace fuzz
