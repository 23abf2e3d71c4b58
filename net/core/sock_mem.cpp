// Protocol-wide socket memory accounting (Linux's net/core/sock.c:
// __sk_mem_raise_allocated, __sk_mem_reduce_allocated, and
// include/net/sock.h's sk_stream_moderate_sndbuf). Linux caches a
// per-socket reservation (sk_forward_alloc) to spare a shared atomic on
// many CPUs; on one CPU the shared counter is charged directly, in bytes,
// and compared in pages.
#include "net/core/sock.h"

namespace {

bool has_accounting(const struct sock* sk) { return sk->sk_prot && sk->sk_prot->memory_allocated; }

long allocated_bytes(const proto* prot) { return __atomic_load_n(prot->memory_allocated, __ATOMIC_RELAXED); }

void enter_pressure(struct sock* sk) {
    if (sk->sk_prot->enter_memory_pressure) {
        sk->sk_prot->enter_memory_pressure(sk);
    } else if (sk->sk_prot->memory_pressure) {
        *sk->sk_prot->memory_pressure = 1;
    }
}

void leave_pressure(struct sock* sk) {
    proto* prot = sk->sk_prot;
    if (!prot->memory_pressure || !*prot->memory_pressure) {
        return;
    }
    if (prot->leave_memory_pressure) {
        prot->leave_memory_pressure(sk);
    } else {
        *prot->memory_pressure = 0;
    }
}

// The socket's part of the protocol's memory is within an equal share of
// the hard limit among all its sockets (Linux's fair-share test).
bool within_fair_share(const struct sock* sk, int size) {
    const proto* prot = sk->sk_prot;
    unsigned long n = prot->sockets_allocated ? __atomic_load_n(prot->sockets_allocated, __ATOMIC_RELAXED) : 1;
    long mine = sk_mem_pages(sk_rmem_alloc_get(sk) + sk_wmem_alloc_get(sk) + size);
    return prot->sysctl_mem[2] > static_cast<long>(n ? n : 1) * mine;
}

// Below the protocol's per-socket minimum, a socket always gets memory:
// one segment each way keeps every connection alive (Linux's guarantee).
bool below_minimum(const struct sock* sk, sk_mem_kind kind) {
    const proto* prot = sk->sk_prot;
    if (kind == sk_mem_kind::recv) {
        return prot->sysctl_rmem && sk_rmem_alloc_get(sk) < prot->sysctl_rmem[0];
    }
    return prot->sysctl_wmem && sk_wmem_alloc_get(sk) < prot->sysctl_wmem[0];
}

}  // namespace

long sk_memory_allocated(const struct sock* sk) {
    return has_accounting(sk) ? sk_mem_pages(allocated_bytes(sk->sk_prot)) : 0;
}

bool sk_under_memory_pressure(const struct sock* sk) {
    return has_accounting(sk) && sk->sk_prot->memory_pressure && *sk->sk_prot->memory_pressure;
}

bool sk_mem_schedule(struct sock* sk, int size, sk_mem_kind kind) {
    if (!has_accounting(sk) || !sk->sk_prot->sysctl_mem) {
        return true;
    }
    const long* limit = sk->sk_prot->sysctl_mem;
    long pages = sk_mem_pages(allocated_bytes(sk->sk_prot) + size);
    if (pages <= limit[0]) {
        leave_pressure(sk);
        return true;
    }
    if (pages > limit[1]) {
        enter_pressure(sk);
    }
    if (pages <= limit[2] && !sk_under_memory_pressure(sk)) {
        return true;
    }
    if (below_minimum(sk, kind)) {
        return true;
    }
    return pages <= limit[2] && within_fair_share(sk, size);
}

void sk_mem_charge(struct sock* sk, int size) {
    if (has_accounting(sk)) {
        __atomic_add_fetch(sk->sk_prot->memory_allocated, size, __ATOMIC_RELAXED);
    }
}

void sk_mem_uncharge(struct sock* sk, int size) {
    if (!has_accounting(sk)) {
        return;
    }
    long now = __atomic_sub_fetch(sk->sk_prot->memory_allocated, size, __ATOMIC_RELAXED);
    if (sk->sk_prot->sysctl_mem && sk_under_memory_pressure(sk) && sk_mem_pages(now) < sk->sk_prot->sysctl_mem[0]) {
        leave_pressure(sk);
    }
}

void sk_stream_moderate_sndbuf(struct sock* sk) {
    if (sk->sk_userlocks & SOCK_SNDBUF_LOCK) {
        return;
    }
    int half = sk_wmem_alloc_get(sk) >> 1;
    int want = half > SOCK_MIN_SNDBUF ? half : SOCK_MIN_SNDBUF;
    if (want < sk->sk_sndbuf) {
        sk->sk_sndbuf = want;
    }
}
