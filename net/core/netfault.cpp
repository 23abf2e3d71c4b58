// The faults themselves, applied where the driver meets the stack, in the
// order Linux's net/sched/sch_netem.c netem_enqueue applies them: loss,
// corruption, duplication, reordering, delay.
#include "net/core/netfault.h"

#include "kernel/cpu.h"
#include "kernel/jiffies.h"
#include "net/core/if_ether.h"
#include "net/core/netdevice.h"

namespace {

// A frame held for a reorder waits at most this long for the next one.
constexpr unsigned REORDER_HOLD_MS = 10;

// When a delayed frame is due, kept where the frame's layer keeps its
// private data (Linux's qdisc_skb_cb at this point of the path).
struct netfault_cb {
    unsigned long due;
};
netfault_cb* cb(sk_buff* skb) { return reinterpret_cast<netfault_cb*>(skb->cb); }

bool roll(netfault_path& p, uint32_t rate) { return rate && netfault_next(&p.prng) < rate; }

const netfault_config& cfg_of(const netfault_path& p) { return *p.cfg; }
const netfault_ops& ops_of(const netfault_path& p) { return p.ops; }

// Flips one bit past the Ethernet header of a private copy, so the IP or
// transport checksum sees it (checksums the device would fill in are done
// first, as a wire would corrupt the finished frame).
sk_buff* corrupt(netfault_path& p, sk_buff* skb) {
    if (skb_cloned(skb) || skb_shared(skb)) {
        sk_buff* n = skb_copy(skb, GFP_ATOMIC);
        if (!n) {
            return skb;
        }
        consume_skb(skb);
        skb = n;
    }
    if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb)) {
        return skb;
    }
    uint8_t* start = (skb_mac_header_was_set(skb) ? skb_mac_header(skb) : skb->data) + ETH_HLEN;
    if (start < skb->data || start >= skb_tail_pointer(skb)) {
        return skb;  // no payload to hit
    }
    auto bits = static_cast<uint32_t>(skb_tail_pointer(skb) - start) * 8;
    uint32_t bit = static_cast<uint32_t>((uint64_t{netfault_next(&p.prng)} << 32 | netfault_next(&p.prng)) % bits);
    start[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    skb->ip_summed = CHECKSUM_NONE;  // received: nothing vouches for it now
    ++p.stats.corrupts;
    return skb;
}

void delay_queue(netfault_path& p, sk_buff* skb) {
    cb(skb)->due = jiffies + msecs_to_jiffies(cfg_of(p).delay_ms);
    ++p.stats.delayed;
    cpu::irq_guard guard;
    __skb_queue_tail(&p.delayq, skb);
    if (!timer_pending(&p.delay_timer)) {
        mod_timer(&p.delay_timer, cb(skb)->due);
    }
}

// On its way now (returns pass()'s verdict) or after the delay.
int emit_now(netfault_path& p, sk_buff* skb, const netfault_ops& ops, int consumed_rc) {
    skb->netfault_done = 1;  // copies too: past the faults once only
    if (cfg_of(p).delay_ms) {
        delay_queue(p, skb);
        return consumed_rc;
    }
    return ops.pass(skb, p.dev);
}

void emit_later(netfault_path& p, sk_buff* skb, const netfault_ops& ops) {
    skb->netfault_done = 1;
    if (cfg_of(p).delay_ms) {
        delay_queue(p, skb);
    } else {
        ops.pass_later(skb, p.dev);
    }
}

sk_buff* take_held(netfault_path& p) {
    cpu::irq_guard guard;
    sk_buff* skb = p.held;
    p.held = nullptr;
    return skb;
}

void reorder_expire(timer_list* t) {
    netfault_path* p = from_timer(t, &netfault_path::reorder_timer);
    if (sk_buff* skb = take_held(*p)) {
        emit_later(*p, skb, ops_of(*p));
    }
}

// Everything due goes, in the order it came; the timer is set again for
// the first frame still waiting.
void delay_expire(timer_list* t) {
    netfault_path* p = from_timer(t, &netfault_path::delay_timer);
    for (;;) {
        sk_buff* skb;
        {
            cpu::irq_guard guard;
            skb = skb_peek(&p->delayq);
            if (!skb) {
                return;
            }
            if (time_before(jiffies, cb(skb)->due)) {
                mod_timer(&p->delay_timer, cb(skb)->due);
                return;
            }
            __skb_unlink(skb, &p->delayq);
        }
        ops_of(*p).pass_later(skb, p->dev);
    }
}

}  // namespace

namespace netfault_internal {
netfault_dev table[NETFAULT_MAX_DEVS];
bool used[NETFAULT_MAX_DEVS];

void path_init(netfault_path& p, netfault_dir dir, const netfault_config* cfg) {
    p = netfault_path{};
    p.dir = dir;
    p.cfg = cfg;
    uint32_t seed = cfg->seed;
    // Both directions from one number, yet with patterns of their own.
    uint32_t s = seed * 0x9e3779b9u + (static_cast<uint32_t>(dir) + 1) * 0x85ebca6bu;
    p.prng = s ? s : 1;
    __skb_queue_head_init(&p.delayq);
    timer_setup(&p.reorder_timer, reorder_expire, 0);
    timer_setup(&p.delay_timer, delay_expire, 0);
}
}  // namespace netfault_internal

uint32_t netfault_next(uint32_t* state) {
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return static_cast<uint32_t>((uint64_t{x} * NETFAULT_PPM) >> 32);
}

int netfault_apply(net_device* dev, netfault_dir dir, sk_buff* skb, const netfault_ops& ops, int consumed_rc) {
    netfault_dev* nf = dev->netfault;
    if (!nf || !nf->cfg.dirs[static_cast<unsigned>(dir)]) {
        return ops.pass(skb, dev);
    }
    netfault_path& p = nf->path[static_cast<unsigned>(dir)];
    p.ops = ops;
    const netfault_config& c = nf->cfg;
    ++p.stats.frames;
    if (roll(p, c.drop)) {
        ++p.stats.drops;
        kfree_skb(skb);
        return consumed_rc;
    }
    if (roll(p, c.corrupt)) {
        skb = corrupt(p, skb);
    }
    if (!p.held && roll(p, c.reorder)) {
        // Held until the next frame has gone (Linux's netem sends the
        // reordered one first; here the one held back goes second).
        ++p.stats.reorders;
        p.held = skb;
        mod_timer(&p.reorder_timer, jiffies + msecs_to_jiffies(REORDER_HOLD_MS) + 1);
        return consumed_rc;
    }
    sk_buff* dup = roll(p, c.dup) ? skb_copy(skb, GFP_ATOMIC) : nullptr;
    if (dup) {
        ++p.stats.dups;
    }
    sk_buff* held = p.held ? take_held(p) : nullptr;
    if (held) {
        del_timer(&p.reorder_timer);
    }
    int rc = emit_now(p, skb, ops, consumed_rc);
    if (dup) {
        emit_later(p, dup, ops);
    }
    if (held) {
        emit_later(p, held, ops);
    }
    return rc;
}

void netfault_flush(net_device* dev) {
    netfault_dev* nf = dev->netfault;
    if (!nf) {
        return;
    }
    for (netfault_path& p : nf->path) {
        del_timer_sync(&p.reorder_timer);
        del_timer_sync(&p.delay_timer);
        sk_buff_head doomed;
        __skb_queue_head_init(&doomed);
        {
            cpu::irq_guard guard;
            if (p.held) {
                __skb_queue_tail(&doomed, p.held);
                p.held = nullptr;
            }
            skb_queue_splice_tail_init(&p.delayq, &doomed);
        }
        __skb_queue_purge(&doomed);
    }
}
