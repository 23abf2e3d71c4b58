// Datagram receive and poll (Linux's net/core/datagram.c): the next frame
// off a socket's receive queue, waiting for one within SO_RCVTIMEO, and
// the readiness mask poll() sees.
#include "kernel/cpu.h"
#include "kernel/fs/poll.h"
#include "kernel/uapi/errno.h"
#include "kernel/uaccess.h"
#include "net/core/sock.h"
#include "net/core/sockios.h"

namespace {

// Something for a reader to act on: a frame, an error, or the end.
bool rcv_ready(struct sock* sk) {
    return !skb_queue_empty(&sk->sk_receive_queue) || sk->sk_err || (sk->sk_shutdown & RCV_SHUTDOWN);
}

// The head of the queue, taken (or peeked, with a reference of its own).
sk_buff* try_recv(struct sock* sk, unsigned flags) {
    cpu::irq_guard guard;
    sk_buff* skb = skb_peek(&sk->sk_receive_queue);
    if (!skb) {
        return nullptr;
    }
    if (flags & MSG_PEEK) {
        return skb_get(skb);
    }
    __skb_unlink(skb, &sk->sk_receive_queue);
    return skb;
}

}  // namespace

int sk_wait_data(struct sock* sk, long* timeo) {
    *timeo = wait_event_interruptible_timeout(*sk_sleep(sk), [sk] { return rcv_ready(sk); }, *timeo);
    return 0;
}

sk_buff* skb_recv_datagram(struct sock* sk, unsigned flags, int* err) {
    long timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
    for (;;) {
        // A pending error comes first, even with frames queued (Linux's order).
        if ((*err = sock_error(sk)) != 0) {
            return nullptr;
        }
        if (sk_buff* skb = try_recv(sk, flags)) {
            return skb;
        }
        if (sk->sk_shutdown & RCV_SHUTDOWN) {
            *err = 0;
            return nullptr;
        }
        *err = -EAGAIN;
        if (!timeo) {
            return nullptr;
        }
        sk_wait_data(sk, &timeo);
        if (!timeo && !rcv_ready(sk)) {
            return nullptr;   // SO_RCVTIMEO ran out: EAGAIN
        }
    }
}

void skb_free_datagram(struct sock*, sk_buff* skb) { consume_skb(skb); }

int skb_copy_datagram_msg(const sk_buff* skb, int offset, msghdr* msg, int len) {
    if (offset < 0 || len < 0 || static_cast<unsigned>(offset + len) > skb->len) {
        return -EFAULT;
    }
    return memcpy_to_msg(msg, skb->data + offset, static_cast<size_t>(len));
}

int skb_copy_datagram_from_msg(sk_buff* skb, msghdr* msg, int len) {
    uint8_t* to = skb_put(skb, static_cast<unsigned>(len));
    if (!to) {
        return -EFAULT;
    }
    return memcpy_from_msg(to, msg, static_cast<size_t>(len));
}

poll_t datagram_poll(file* f, socket* sock, poll_table_struct* wait) {
    struct sock* sk = sock->sk;
    poll_wait(f, &sock->wq, wait);
    poll_t mask = 0;
    if (sk->sk_err || !skb_queue_empty(&sk->sk_error_queue)) {
        mask |= uapi::pollerr;
    }
    if (sk->sk_shutdown & RCV_SHUTDOWN) {
        mask |= uapi::pollrdhup | uapi::pollin | uapi::pollrdnorm;
    }
    if (sk->sk_shutdown == SHUTDOWN_MASK) {
        mask |= uapi::pollhup;
    }
    if (!skb_queue_empty(&sk->sk_receive_queue)) {
        mask |= uapi::pollin | uapi::pollrdnorm;
    }
    if (sock_writeable(sk)) {
        mask |= uapi::pollout | uapi::pollwrnorm | uapi::pollwrband;
    } else {
        sock->flags |= SOCKWQ_ASYNC_NOSPACE;
    }
    return mask;
}

int datagram_queue_ioctl(struct sock* sk, unsigned cmd, unsigned long arg) {
    int amount = 0;
    switch (cmd) {
    case SIOCOUTQ:
        amount = sk_wmem_alloc_get(sk);
        break;
    case SIOCINQ: {
        cpu::irq_guard guard;
        if (sk_buff* skb = skb_peek(&sk->sk_receive_queue)) {
            amount = static_cast<int>(skb->len);
        }
        break;
    }
    default:
        return -ENOIOCTLCMD;
    }
    return copy_to_user(reinterpret_cast<int*>(arg), &amount, sizeof amount);
}
