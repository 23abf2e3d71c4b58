// The congestion control registry and Reno (Linux's net/ipv4/tcp_cong.c).
// CUBIC is in tcp_cubic.cpp.
#include "net/ipv4/tcp_cong.h"

#include <string.h>

#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/uapi/errno.h"

namespace {

// Registration order (Linux's tcp_cong_list); the default is a pointer into
// it, as Linux's net->ipv4.tcp_congestion_control, not the list's head.
list_head tcp_cong_list;
const tcp_congestion_ops* default_ca = nullptr;

bool name_valid(const char* name) { return name[0] != '\0' && memchr(name, '\0', TCP_CA_NAME_MAX) != nullptr; }

tcp_congestion_ops* find_locked(const char* name) {
    for (tcp_congestion_ops& ca : list_entries<tcp_congestion_ops, &tcp_congestion_ops::list>(&tcp_cong_list)) {
        if (strncmp(ca.name, name, TCP_CA_NAME_MAX) == 0) {
            return &ca;
        }
    }
    return nullptr;
}

bool on_list(const tcp_congestion_ops* ca) {
    for (tcp_congestion_ops& c : list_entries<tcp_congestion_ops, &tcp_congestion_ops::list>(&tcp_cong_list)) {
        if (&c == ca) {
            return true;
        }
    }
    return false;
}

}  // namespace

// Linux's tcp_validate_congestion_control: ssthresh, undo_cwnd and
// cong_avoid are required. A name that is empty or fills all of name[]
// with no NUL cannot be looked up, so it is -EINVAL too.
int tcp_register_congestion_control(tcp_congestion_ops* ca) {
    if (!ca || !ca->ssthresh || !ca->undo_cwnd || !ca->cong_avoid || !name_valid(ca->name)) {
        pr_err("tcp: %.16s does not implement required ops\n", ca ? ca->name : "(null)");
        return -EINVAL;
    }
    cpu::irq_guard guard;
    if (find_locked(ca->name) || on_list(ca)) {
        pr_info("tcp: %s already registered\n", ca->name);
        return -EEXIST;
    }
    list_add_tail(&ca->list, &tcp_cong_list);
    if (!default_ca) {
        default_ca = ca;
    }
    return 0;
}

// Linux's modules hold a reference while a socket or the sysctl uses them,
// so the default cannot go away there. Here it can (tests): the first
// algorithm left becomes the default. Sockets still pointing at ca must have
// been moved off it by the caller.
void tcp_unregister_congestion_control(tcp_congestion_ops* ca) {
    cpu::irq_guard guard;
    if (!ca || !on_list(ca)) {
        return;
    }
    list_del(&ca->list);
    if (default_ca == ca) {
        default_ca = list_first_entry_or_null<tcp_congestion_ops, &tcp_congestion_ops::list>(&tcp_cong_list);
    }
}

void tcp_congestion_init() {
    if (!on_list(&tcp_reno)) {
        tcp_register_congestion_control(&tcp_reno);
    }
    if (!on_list(&cubictcp)) {
        tcp_register_congestion_control(&cubictcp);
    }
    default_ca = &cubictcp;   // Linux's CONFIG_DEFAULT_TCP_CONG
}

const tcp_congestion_ops* tcp_ca_find(const char* name) {
    if (!name) {
        return nullptr;
    }
    cpu::irq_guard guard;
    return find_locked(name);
}

int tcp_set_default_congestion_control(const char* name) {
    const tcp_congestion_ops* ca = tcp_ca_find(name);
    if (!ca) {
        return -ENOENT;
    }
    default_ca = ca;
    return 0;
}

const tcp_congestion_ops* tcp_default_congestion_control() { return default_ca; }

// Names that do not fit whole are left out; buf is always NUL-terminated.
size_t tcp_get_available_congestion_control(char* buf, size_t len) {
    if (!buf || len == 0) {
        return 0;
    }
    size_t off = 0;
    buf[0] = '\0';
    cpu::irq_guard guard;
    for (tcp_congestion_ops& ca : list_entries<tcp_congestion_ops, &tcp_congestion_ops::list>(&tcp_cong_list)) {
        size_t n = strnlen(ca.name, TCP_CA_NAME_MAX);
        size_t need = n + (off ? 1 : 0);
        if (off + need + 1 > len) {
            break;
        }
        if (off) {
            buf[off++] = ' ';
        }
        memcpy(buf + off, ca.name, n);
        off += n;
        buf[off] = '\0';
    }
    return off;
}

// Linux's tcp_set_congestion_control and tcp_reinit_congestion_control: the
// old algorithm releases its state, the new one starts from zeroed private
// state. Linux delays init until the connection is established; the caller
// here runs tcp_init_congestion_control again then, which starts over.
int tcp_set_congestion_control(tcp_cc_sock& tp, const char* name) {
    const tcp_congestion_ops* ca = tcp_ca_find(name);
    if (!ca) {
        return -ENOENT;
    }
    if (ca == tp.ca_ops) {
        return 0;
    }
    tcp_cleanup_congestion_control(tp);
    tp.ca_ops = ca;
    memset(tp.ca_priv, 0, sizeof tp.ca_priv);
    if (ca->init) {
        ca->init(tp);
    }
    return 0;
}

// Linux's tcp_assign_congestion_control (the default when none was chosen)
// and tcp_init_congestion_control.
void tcp_init_congestion_control(tcp_cc_sock& tp) {
    if (!tp.ca_ops) {
        tp.ca_ops = tcp_default_congestion_control();
        memset(tp.ca_priv, 0, sizeof tp.ca_priv);
    }
    if (tp.ca_ops && tp.ca_ops->init) {
        tp.ca_ops->init(tp);
    }
}

void tcp_cleanup_congestion_control(tcp_cc_sock& tp) {
    if (tp.ca_ops && tp.ca_ops->release) {
        tp.ca_ops->release(tp);
    }
}

// Linux's tcp_set_ca_state (include/net/tcp.h): the algorithm sees the
// new state before it takes effect.
void tcp_set_ca_state(tcp_cc_sock& tp, tcp_ca_state s) {
    if (tp.ca_ops && tp.ca_ops->set_state) {
        tp.ca_ops->set_state(tp, s);
    }
    tp.ca_state = s;
}

void tcp_ca_event_notify(tcp_cc_sock& tp, tcp_ca_event ev) {
    if (tp.ca_ops && tp.ca_ops->cwnd_event) {
        tp.ca_ops->cwnd_event(tp, ev);
    }
}

bool tcp_in_slow_start(const tcp_cc_sock& tp) { return tp.snd_cwnd < tp.snd_ssthresh; }

// RFC 5681 3.1 with appropriate byte counting (RFC 3465) counted in
// segments, as Linux: cwnd grows by what the ACK covered, up to ssthresh;
// what is left over goes to congestion avoidance.
uint32_t tcp_slow_start(tcp_cc_sock& tp, uint32_t acked) {
    uint32_t room = tp.snd_ssthresh > tp.snd_cwnd ? tp.snd_ssthresh - tp.snd_cwnd : 0;
    uint32_t used = acked < room ? acked : room;
    uint32_t cwnd = tp.snd_cwnd + used;
    tp.snd_cwnd = cwnd < tp.snd_cwnd_clamp ? cwnd : tp.snd_cwnd_clamp;
    return acked - used;
}

// One segment more per w segments acknowledged (RFC 5681 3.1's
// cwnd += SMSS*SMSS/cwnd, counted in segments as Linux's tcp_cong_avoid_ai).
void tcp_cong_avoid_ai(tcp_cc_sock& tp, uint32_t w, uint32_t acked) {
    if (w == 0) {
        w = 1;   // never divide by a zero window
    }
    // Credit earned at a larger w is applied gently now.
    if (tp.snd_cwnd_cnt >= w) {
        tp.snd_cwnd_cnt = 0;
        tp.snd_cwnd++;
    }
    tp.snd_cwnd_cnt += acked;
    if (tp.snd_cwnd_cnt >= w) {
        uint32_t delta = tp.snd_cwnd_cnt / w;
        tp.snd_cwnd_cnt -= delta * w;
        tp.snd_cwnd += delta;
    }
    if (tp.snd_cwnd > tp.snd_cwnd_clamp) {
        tp.snd_cwnd = tp.snd_cwnd_clamp;
    }
}

// Linux's tcp_is_cwnd_limited: in slow start, growing is right while cwnd
// is under twice what is in flight (Linux uses max_packets_out, the most in
// flight lately; packets_out is the nearest field here).
bool tcp_is_cwnd_limited(const tcp_cc_sock& tp) {
    if (tp.is_cwnd_limited) {
        return true;
    }
    if (tcp_in_slow_start(tp)) {
        return tp.snd_cwnd < 2 * tp.packets_out;
    }
    return false;
}

// RFC 5681 3.1 equation (4), in segments: half the window, at least 2.
uint32_t tcp_reno_ssthresh(tcp_cc_sock& tp) {
    uint32_t half = tp.snd_cwnd >> 1;
    return half > 2 ? half : 2;
}

void tcp_reno_cong_avoid(tcp_cc_sock& tp, uint32_t ack, uint32_t acked) {
    (void)ack;
    if (!tcp_is_cwnd_limited(tp)) {
        return;
    }
    if (tcp_in_slow_start(tp)) {
        acked = tcp_slow_start(tp, acked);
        if (!acked) {
            return;
        }
    }
    tcp_cong_avoid_ai(tp, tp.snd_cwnd, acked);
}

uint32_t tcp_reno_undo_cwnd(tcp_cc_sock& tp) { return tp.snd_cwnd > tp.prior_cwnd ? tp.snd_cwnd : tp.prior_cwnd; }

tcp_congestion_ops tcp_reno = {
    .ssthresh = tcp_reno_ssthresh,
    .cong_avoid = tcp_reno_cong_avoid,
    .undo_cwnd = tcp_reno_undo_cwnd,
    .name = "reno",
};
