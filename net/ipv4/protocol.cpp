// inet_protos[] and the raw hook.
#include "net/ipv4/protocol.h"

#include "kernel/softirq.h"
#include "net/ipv4/raw.h"

namespace {
const net_protocol* inet_protos[MAX_INET_PROTOS];
const raw_v4_hooks* raw_hooks;
}  // namespace

int inet_add_protocol(const net_protocol* prot, uint8_t protocol) {
    bh_guard bh;  // the receive softirq reads the table
    if (inet_protos[protocol]) {
        return -1;
    }
    inet_protos[protocol] = prot;
    return 0;
}

int inet_del_protocol(const net_protocol* prot, uint8_t protocol) {
    bh_guard bh;
    if (inet_protos[protocol] != prot) {
        return -1;
    }
    inet_protos[protocol] = nullptr;
    return 0;
}

const net_protocol* inet_protocol(uint8_t protocol) { return inet_protos[protocol]; }

void inet_protos_reset() {
    bh_guard bh;
    for (auto& p : inet_protos) {
        p = nullptr;
    }
    raw_hooks = nullptr;
}

void raw_v4_set_hooks(const raw_v4_hooks* hooks) {
    bh_guard bh;
    raw_hooks = hooks;
}

bool raw_local_deliver(sk_buff* skb, uint8_t protocol) {
    return raw_hooks && raw_hooks->deliver && raw_hooks->deliver(skb, protocol);
}

void raw_icmp_error(sk_buff* skb, uint8_t protocol, uint32_t info) {
    if (raw_hooks && raw_hooks->icmp_error) {
        raw_hooks->icmp_error(skb, protocol, info);
    }
}
