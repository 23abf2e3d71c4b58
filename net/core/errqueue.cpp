#include "net/core/errqueue.h"

#include "kernel/cpu.h"
#include "net/core/sock.h"
#include "kernel/uapi/errno.h"

int sock_queue_err_skb(struct sock* sk, sk_buff* skb) {
    if (sk_rmem_alloc_get(sk) + static_cast<int>(skb->truesize) > sk->sk_rcvbuf) {
        return -ENOMEM;
    }
    skb->dev = nullptr;
    skb_set_owner_r(skb, sk);
    skb_queue_tail(&sk->sk_error_queue, skb);
    if (!sock_flag(sk, SOCK_DEAD)) {
        sk->sk_error_report(sk);
    }
    return 0;
}

sk_buff* sock_dequeue_err_skb(struct sock* sk) {
    sk_buff* skb;
    int next_err = 0;
    {
        cpu::irq_guard guard;
        skb = __skb_dequeue(&sk->sk_error_queue);
        sk_buff* next = skb_peek(&sk->sk_error_queue);
        if (next) {
            next_err = static_cast<int>(SKB_EXT_ERR(next)->ee.ee_errno);
        }
    }
    sk->sk_err = next_err;
    if (next_err) {
        sk->sk_error_report(sk);
    }
    return skb;
}
