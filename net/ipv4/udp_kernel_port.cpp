// The claimed-port table of udp_kernel_port.h: a handful of counters (a
// kernel has one or two such clients).
#include "net/ipv4/udp_kernel_port.h"

#include "kernel/cpu.h"
#include "net/core/skbuff.h"

namespace {

struct claim {
    uint16_t port;
    unsigned count;
};
constexpr unsigned MAX_CLAIMS = 4;
claim claims[MAX_CLAIMS];

claim* find(uint16_t port) {
    for (claim& c : claims) {
        if (c.count && c.port == port) {
            return &c;
        }
    }
    return nullptr;
}

}  // namespace

void udp_kernel_port_claim(uint16_t port) {
    cpu::irq_guard g;
    if (claim* c = find(port)) {
        ++c->count;
        return;
    }
    for (claim& c : claims) {
        if (!c.count) {
            c = {port, 1};
            return;
        }
    }
}

void udp_kernel_port_release(uint16_t port) {
    cpu::irq_guard g;
    if (claim* c = find(port)) {
        --c->count;
    }
}

bool udp_kernel_port_claimed(uint16_t port) {
    cpu::irq_guard g;
    return find(port) != nullptr;
}

bool udp_kernel_claims(const sk_buff* skb) {
    constexpr unsigned udp_header_len = 8;
    if (skb->len < udp_header_len) {
        return false;
    }
    uint16_t dport = static_cast<uint16_t>((skb->data[2] << 8) | skb->data[3]);
    return udp_kernel_port_claimed(dport);
}
