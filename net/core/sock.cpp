// struct sock and struct proto (Linux's net/core/sock.c): proto_register,
// sk_alloc/sk_free, buffer ownership and accounting, sock_queue_rcv_skb.
#include "net/core/sock.h"

#include <string.h>

#include "kernel/cpu.h"
#include "kernel/mm/slab.h"
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "kernel/trace.h"
#include "kernel/uapi/errno.h"

namespace {

list_head proto_list;
unsigned long socks_live;   // sk_alloc'ed, not yet freed

void __sk_free(struct sock* sk) {
    if (sk->sk_destruct) {
        sk->sk_destruct(sk);
    }
    skb_queue_purge(&sk->sk_receive_queue);
    skb_queue_purge(&sk->sk_error_queue);
    skb_queue_purge(&sk->sk_backlog);
    proto* prot = sk->sk_prot;
    {
        cpu::irq_guard guard;   // the last put may come from a softirq (sock_wfree)
        --prot->inuse;
        --socks_live;
    }
    if (prot->slab) {
        kmem_cache_free(prot->slab, sk);
    } else {
        kfree(sk);
    }
}

void sock_rfree(sk_buff* skb) {
    __atomic_sub_fetch(&skb->sk->sk_rmem_alloc, static_cast<int>(skb->truesize), __ATOMIC_RELAXED);
    sk_mem_uncharge(skb->sk, static_cast<int>(skb->truesize));
}

// A sent skb is freed: room in the send buffer, and the reference it held.
void sock_wfree(sk_buff* skb) {
    struct sock* sk = skb->sk;
    __atomic_sub_fetch(&sk->sk_wmem_alloc, static_cast<int>(skb->truesize), __ATOMIC_RELAXED);
    sk_mem_uncharge(sk, static_cast<int>(skb->truesize));
    if (!sock_flag(sk, SOCK_DEAD) && sk->sk_write_space) {
        sk->sk_write_space(sk);
    }
    sock_put(sk);
}

}  // namespace

void proto_list_init() { INIT_LIST_HEAD(&proto_list); }

int proto_register(proto* prot, int alloc_slab) {
    prot->slab = nullptr;
    if (alloc_slab) {
        prot->slab = kmem_cache_create(prot->name, prot->obj_size, 0, SLAB_HWCACHE_ALIGN, nullptr);
        if (!prot->slab) {
            pr_err("%s: Can't create sock SLAB cache!\n", prot->name);
            return -ENOBUFS;
        }
    }
    prot->inuse = 0;
    list_add(&prot->node, &proto_list);
    return 0;
}

void proto_unregister(proto* prot) {
    list_del(&prot->node);
    if (prot->slab) {
        kmem_cache_destroy(prot->slab);
        prot->slab = nullptr;
    }
}

void proto_for_each(void (*fn)(const proto& p, void* arg), void* arg) {
    for (proto& p : list_entries<proto, &proto::node>(&proto_list)) {
        fn(p, arg);
    }
}

struct sock* sk_alloc(int family, gfp_t gfp, proto* prot, int kern) {
    (void)kern;
    trace::scope t(trace::cat::socket, "sk_alloc");
    void* mem = prot->slab ? kmem_cache_zalloc(prot->slab, gfp) : kzalloc(prot->obj_size, gfp);
    if (!mem) {
        return nullptr;
    }
    auto* sk = static_cast<struct sock*>(mem);
    sk->sk_family = static_cast<uint16_t>(family);
    sk->sk_prot = prot;
    sk->sk_refcnt = 1;
    INIT_LIST_HEAD(&sk->sk_node);
    skb_queue_head_init(&sk->sk_receive_queue);
    skb_queue_head_init(&sk->sk_error_queue);
    skb_queue_head_init(&sk->sk_backlog);
    init_waitqueue_head(&sk->sk_lock_wq);
    cpu::irq_guard guard;
    ++prot->inuse;
    ++socks_live;
    return sk;
}

void sock_put(struct sock* sk) {
    if (__atomic_sub_fetch(&sk->sk_refcnt, 1, __ATOMIC_ACQ_REL) == 0) {
        __sk_free(sk);
    }
}

void sk_free(struct sock* sk) { sock_put(sk); }

unsigned long socks_allocated() { return socks_live; }

int sock_error(struct sock* sk) {
    int err = __atomic_exchange_n(&sk->sk_err, 0, __ATOMIC_RELAXED);
    return -err;
}

void sock_def_wakeup(struct sock* sk) {
    if (sk->sk_wq) {
        wake_up_all(sk->sk_wq);
    }
}

void sock_def_readable(struct sock* sk) { sock_def_wakeup(sk); }
void sock_def_error_report(struct sock* sk) { sock_def_wakeup(sk); }

void sock_def_write_space(struct sock* sk) {
    // Only when half the buffer is free again, so writers do not wake for
    // every freed frame (Linux's).
    if (sock_writeable(sk)) {
        sock_def_wakeup(sk);
    }
}

void sock_init_data(socket* sock, struct sock* sk) {
    sk->sk_rcvbuf = SK_RMEM_DEFAULT;
    sk->sk_sndbuf = SK_WMEM_DEFAULT;
    sk->sk_state = TCP_CLOSE;
    sk->sk_socket = sock;
    if (sock) {
        sk->sk_type = static_cast<uint16_t>(sock->type);
        sk->sk_wq = &sock->wq;
        sock->sk = sk;
    } else {
        sk->sk_wq = nullptr;
    }
    sk->sk_rcvlowat = 1;
    sk->sk_rcvtimeo = MAX_SCHEDULE_TIMEOUT;
    sk->sk_sndtimeo = MAX_SCHEDULE_TIMEOUT;
    sk->sk_stamp = 0;
    sk->sk_data_ready = sock_def_readable;
    sk->sk_write_space = sock_def_write_space;
    sk->sk_state_change = sock_def_wakeup;
    sk->sk_error_report = sock_def_error_report;
}

void sock_orphan(struct sock* sk) {
    cpu::irq_guard guard;
    sock_set_flag(sk, SOCK_DEAD);
    sk->sk_socket = nullptr;
    sk->sk_wq = nullptr;
}

void sk_common_release(struct sock* sk) {
    if (sk->sk_prot->destroy) {
        sk->sk_prot->destroy(sk);
    }
    if (sk->sk_prot->unhash) {
        sk->sk_prot->unhash(sk);
    }
    sock_orphan(sk);
    skb_queue_purge(&sk->sk_receive_queue);
    skb_queue_purge(&sk->sk_error_queue);
    sock_put(sk);
}

void skb_set_owner_r(sk_buff* skb, struct sock* sk) {
    skb_orphan(skb);
    skb->sk = sk;
    skb->destructor = sock_rfree;
    __atomic_add_fetch(&sk->sk_rmem_alloc, static_cast<int>(skb->truesize), __ATOMIC_RELAXED);
    sk_mem_charge(sk, static_cast<int>(skb->truesize));
}

void skb_set_owner_w(sk_buff* skb, struct sock* sk) {
    skb_orphan(skb);
    sock_hold(sk);
    skb->sk = sk;
    skb->destructor = sock_wfree;
    __atomic_add_fetch(&sk->sk_wmem_alloc, static_cast<int>(skb->truesize), __ATOMIC_RELAXED);
    sk_mem_charge(sk, static_cast<int>(skb->truesize));
}

int sock_queue_rcv_skb(struct sock* sk, sk_buff* skb) {
    if (sk_rmem_alloc_get(sk) >= sk->sk_rcvbuf) {
        __atomic_add_fetch(&sk->sk_drops, 1, __ATOMIC_RELAXED);
        return -ENOMEM;
    }
    skb->dev = nullptr;
    skb_set_owner_r(skb, sk);
    skb_queue_tail(&sk->sk_receive_queue, skb);
    if (!sock_flag(sk, SOCK_DEAD)) {
        sk->sk_data_ready(sk);
    }
    return 0;
}

sk_buff* sock_wmalloc(struct sock* sk, unsigned long size, int force, gfp_t gfp) {
    if (force || sk_wmem_alloc_get(sk) < sk->sk_sndbuf) {
        sk_buff* skb = alloc_skb(static_cast<unsigned>(size), gfp);
        if (skb) {
            skb_set_owner_w(skb, sk);
            return skb;
        }
    }
    return nullptr;
}

sk_buff* sock_alloc_send_skb(struct sock* sk, unsigned long size, int noblock, int* err) {
    long timeo = sock_sndtimeo(sk, noblock);
    for (;;) {
        if ((*err = sock_error(sk)) != 0) {
            return nullptr;
        }
        if (sk->sk_shutdown & SEND_SHUTDOWN) {
            *err = -EPIPE;
            return nullptr;
        }
        if (sk_wmem_alloc_get(sk) < sk->sk_sndbuf) {
            break;
        }
        if (sk->sk_socket) {
            sk->sk_socket->flags |= SOCKWQ_ASYNC_NOSPACE;
        }
        *err = -EAGAIN;
        if (!timeo) {
            return nullptr;
        }
        long left = wait_event_interruptible_timeout(
            *sk_sleep(sk),
            [sk] {
                return sk_wmem_alloc_get(sk) < sk->sk_sndbuf || sk->sk_err ||
                       (sk->sk_shutdown & SEND_SHUTDOWN);
            },
            timeo);
        timeo = left;
    }
    sk_buff* skb = alloc_skb(static_cast<unsigned>(size), GFP_KERNEL);
    if (!skb) {
        *err = -ENOBUFS;
        return nullptr;
    }
    skb_set_owner_w(skb, sk);
    *err = 0;
    return skb;
}

int sock_get_timestamp(struct sock* sk, uapi::timeval* userstamp) {
    if (!sock_flag(sk, SOCK_TSTAMP_SET)) {
        return -ENOENT;   // Linux's answer before any frame was read
    }
    uint64_t ns = sk->sk_stamp;
    uapi::timeval tv{static_cast<int32_t>(ns / 1000000000u), static_cast<int32_t>(ns / 1000u % 1000000u)};
    return copy_to_user(userstamp, &tv, sizeof tv);
}

void sock_recv_timestamp(msghdr* msg, struct sock* sk, const sk_buff* skb) {
    // The frame's receive time in wall-clock terms: skb->tstamp is monotonic.
    uint64_t mono = skb->tstamp ? skb->tstamp : ktime_get_ns();
    uint64_t real = mono + (ktime_get_real_ns() - ktime_get_ns());
    sk->sk_stamp = real;
    sock_set_flag(sk, SOCK_TSTAMP_SET);
    if (!msg || !sock_flag(sk, SOCK_RCVTSTAMP)) {
        return;
    }
    auto sec = static_cast<int32_t>(real / 1000000000u);
    auto ns = static_cast<int32_t>(real % 1000000000u);
    if (sock_flag(sk, SOCK_RCVTSTAMPNS)) {
        uapi::timespec ts{sec, ns};
        put_cmsg(msg, SOL_SOCKET, SCM_TIMESTAMPNS, sizeof ts, &ts);
    } else {
        uapi::timeval tv{sec, ns / 1000};
        put_cmsg(msg, SOL_SOCKET, SCM_TIMESTAMP, sizeof tv, &tv);
    }
}

// proto_ops defaults: what a family without the operation answers.

int sock_no_bind(socket*, sockaddr*, int) { return -EOPNOTSUPP; }
int sock_no_connect(socket*, sockaddr*, int, int) { return -EOPNOTSUPP; }
int sock_no_socketpair(socket*, socket*) { return -EOPNOTSUPP; }
int sock_no_accept(socket*, socket*, int, bool) { return -EOPNOTSUPP; }
int sock_no_getname(socket*, sockaddr*, int) { return -EOPNOTSUPP; }
int sock_no_ioctl(socket*, unsigned, unsigned long) { return -EOPNOTSUPP; }
int sock_no_listen(socket*, int) { return -EOPNOTSUPP; }
int sock_no_shutdown(socket*, int) { return -EOPNOTSUPP; }
int sock_no_setsockopt(socket*, int, int, const void*, unsigned) { return -EOPNOTSUPP; }
int sock_no_getsockopt(socket*, int, int, void*, int*) { return -EOPNOTSUPP; }
int sock_no_sendmsg(socket*, msghdr*, size_t) { return -EOPNOTSUPP; }
int sock_no_recvmsg(socket*, msghdr*, size_t, int) { return -EOPNOTSUPP; }
int sock_no_mmap(file*, socket*, void*) { return -ENODEV; }
long sock_no_sendpage(socket*, void*, int, size_t, int) { return -EOPNOTSUPP; }

int sock_common_setsockopt(socket* sock, int level, int optname, const void* optval, unsigned optlen) {
    struct sock* sk = sock->sk;
    if (!sk->sk_prot->setsockopt) {
        return -ENOPROTOOPT;
    }
    return sk->sk_prot->setsockopt(sk, level, optname, optval, optlen);
}

int sock_common_getsockopt(socket* sock, int level, int optname, void* optval, int* optlen) {
    struct sock* sk = sock->sk;
    if (!sk->sk_prot->getsockopt) {
        return -ENOPROTOOPT;
    }
    return sk->sk_prot->getsockopt(sk, level, optname, optval, optlen);
}

int sock_common_recvmsg(socket* sock, msghdr* msg, size_t size, int flags) {
    struct sock* sk = sock->sk;
    int addr_len = 0;
    int err = sk->sk_prot->recvmsg(sk, msg, size, flags, &addr_len);
    if (err >= 0) {
        msg->msg_namelen = addr_len;
    }
    return err;
}

void lock_sock(struct sock* sk) {
    for (;;) {
        {
            bh_guard bh;
            if (!sk->sk_lock_owned) {
                sk->sk_lock_owned = true;
                return;
            }
        }
        wait_event(sk->sk_lock_wq, [sk] { return !sk->sk_lock_owned; });
    }
}

void release_sock(struct sock* sk) {
    bh_guard bh;
    // Linux's __release_sock: what arrived while we held it, in order,
    // handed over with the lock still ours so nothing overtakes it.
    while (sk_buff* skb = __skb_dequeue(&sk->sk_backlog)) {
        sk->sk_backlog_len -= skb->truesize;
        if (sk->sk_prot->backlog_rcv) {
            sk->sk_prot->backlog_rcv(sk, skb);
        } else {
            kfree_skb(skb);
        }
    }
    sk->sk_lock_owned = false;
    wake_up(&sk->sk_lock_wq);
}

int sk_add_backlog(struct sock* sk, sk_buff* skb, unsigned limit) {
    if (sk->sk_backlog_len + skb->truesize > limit) {
        __atomic_add_fetch(&sk->sk_drops, 1, __ATOMIC_RELAXED);
        return -ENOBUFS;
    }
    sk->sk_backlog_len += skb->truesize;
    __skb_queue_tail(&sk->sk_backlog, skb);
    return 0;
}
