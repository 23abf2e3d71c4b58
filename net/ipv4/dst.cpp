// The routes sockets keep (Linux's dst_entry, net/core/dst.c and
// sk_dst_check in net/core/sock.c, in small): a refcounted copy of a
// lookup's answer, trusted while no route or device has changed since
// (rt_genid) and its device is up with the same MTU; a path MTU learned
// from ICMP lowers it (RFC 1191).
#include "kernel/mm/slab.h"
#include "kernel/softirq.h"
#include "net/core/netdevice.h"
#include "net/ipv4/inet_sock.h"
#include "net/ipv4/route.h"

unsigned rt_genid = 1;

void rt_cache_flush() { __atomic_add_fetch(&rt_genid, 1, __ATOMIC_RELAXED); }

dst_entry* dst_alloc(const rtable& rt) {
    auto* dst = static_cast<dst_entry*>(kmalloc(sizeof(dst_entry), GFP_ATOMIC));
    if (!dst) {
        return nullptr;
    }
    *dst = {1, rt_genid, rt.dev ? rt.dev->mtu : 0, 0, rt};
    return dst;
}

void dst_hold(dst_entry* dst) { __atomic_add_fetch(&dst->refcnt, 1, __ATOMIC_RELAXED); }

void dst_release(dst_entry* dst) {
    if (dst && __atomic_sub_fetch(&dst->refcnt, 1, __ATOMIC_ACQ_REL) == 0) {
        kfree(dst);
    }
}

// The device is only looked at once the generation says it still exists:
// unregistering flushes its routes, which moves rt_genid on.
bool dst_valid(const dst_entry* dst) {
    return dst->genid == __atomic_load_n(&rt_genid, __ATOMIC_RELAXED) && dst->rt.dev &&
           (dst->rt.dev->flags & IFF_UP) && dst->rt.dev->mtu == dst->dev_mtu;
}

unsigned dst_mtu(const dst_entry* dst) {
    return dst->pmtu && dst->pmtu < dst->rt.rt_mtu ? dst->pmtu : dst->rt.rt_mtu;
}

void dst_update_pmtu(dst_entry* dst, unsigned mtu) {
    if (mtu >= IP_MIN_MTU_ROUTE && mtu < dst_mtu(dst)) {
        dst->pmtu = mtu;
    }
}

dst_entry* sk_dst_check(struct sock* sk) {
    inet_sock* inet = inet_sk(sk);
    bh_guard bh;
    dst_entry* dst = inet->sk_dst_cache;
    if (dst && !dst_valid(dst)) {
        inet->sk_dst_cache = nullptr;
        dst_release(dst);
        return nullptr;
    }
    if (dst) {
        dst_hold(dst);
    }
    return dst;
}

void sk_dst_set(struct sock* sk, dst_entry* dst) {
    inet_sock* inet = inet_sk(sk);
    dst_entry* old;
    {
        bh_guard bh;
        old = inet->sk_dst_cache;
        inet->sk_dst_cache = dst;
    }
    dst_release(old);
}

void sk_dst_reset(struct sock* sk) { sk_dst_set(sk, nullptr); }
