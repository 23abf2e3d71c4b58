// The stream calls of inet_stream_ops (Linux has them in
// net/ipv4/af_inet.c): connect with its blocking and non-blocking forms,
// listen, accept.
#include "kernel/jiffies.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/fcntl.h"
#include "net/ipv4/inet_sock.h"
#include "net/ipv4/tcp.h"

namespace {
bool handshaking(const struct sock* sk) { return sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV; }

// Linux's inet_wait_for_connect: the lock let go while the handshake runs.
long inet_wait_for_connect(struct sock* sk, long timeo) {
    release_sock(sk);
    if (sk->sk_wq) {
        timeo = wait_event_interruptible_timeout(*sk->sk_wq, [sk] { return !handshaking(sk); }, timeo);
    }
    lock_sock(sk);
    return timeo;
}
}  // namespace

// Linux's __inet_stream_connect: EISCONN, EALREADY and EINPROGRESS as
// POSIX and Linux give them; AF_UNSPEC disconnects.
int inet_stream_connect(socket* sock, sockaddr* uaddr, int addr_len, int flags) {
    struct sock* sk = sock->sk;
    sock_lock_guard lock(sk);
    if (addr_len < static_cast<int>(sizeof(uaddr->sa_family))) {
        return -EINVAL;
    }
    if (uaddr->sa_family == AF_UNSPEC) {
        int err = sk->sk_prot->disconnect(sk, flags);
        sock->state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
        return err;
    }
    switch (sock->state) {
        case SS_CONNECTED:
            return -EISCONN;
        case SS_CONNECTING:
            if (handshaking(sk)) {
                if (flags & uapi::o_nonblock) {
                    return -EALREADY;
                }
                break;   // wait below
            }
            if (sk->sk_state == TCP_CLOSE) {
                // The attempt failed; POLLOUT said so. Report and start over.
                sock->state = SS_UNCONNECTED;
                int err = sock_error(sk);
                return err ? err : -ECONNABORTED;
            }
            sock->state = SS_CONNECTED;
            return -EISCONN;
        case SS_UNCONNECTED:
            if (sk->sk_state != TCP_CLOSE) {
                return -EISCONN;
            }
            if (int err = sk->sk_prot->connect(sk, uaddr, addr_len)) {
                return err;
            }
            sock->state = SS_CONNECTING;
            break;
        default:
            return -EINVAL;
    }
    long timeo = sock_sndtimeo(sk, flags & uapi::o_nonblock);
    if (handshaking(sk)) {
        if (!timeo) {
            return -EINPROGRESS;
        }
        timeo = inet_wait_for_connect(sk, timeo);
        if (handshaking(sk)) {
            return timeo ? -EINTR : -EINPROGRESS;   // SO_SNDTIMEO ran out: Linux's EINPROGRESS
        }
    }
    if (sk->sk_state == TCP_CLOSE) {
        int err = sock_error(sk);
        sock->state = SS_UNCONNECTED;
        return err ? err : -ECONNABORTED;
    }
    sock->state = SS_CONNECTED;
    return 0;
}

// Linux's inet_listen: a CLOSE sock becomes a listener; a listener's
// backlog may change.
int inet_listen(socket* sock, int backlog) {
    struct sock* sk = sock->sk;
    sock_lock_guard lock(sk);
    if (sock->state != SS_UNCONNECTED || sock->type != SOCK_STREAM) {
        return -EINVAL;
    }
    if (sk->sk_state == TCP_LISTEN) {
        tcp_sk(sk)->max_ack_backlog = static_cast<unsigned>(backlog < 0 ? 0 : backlog);
        return 0;
    }
    if (sk->sk_state != TCP_CLOSE) {
        return -EINVAL;
    }
    return inet_csk_listen_start(sk, backlog);
}

// Linux's inet_accept: the child from the accept queue grafted onto the
// new socket.
int inet_accept(socket* sock, socket* newsock, int flags, bool) {
    struct sock* sk = sock->sk;
    int err = 0;
    struct sock* child;
    {
        sock_lock_guard lock(sk);
        child = inet_csk_accept(sk, flags, &err);
    }
    if (!child) {
        return err;
    }
    lock_sock(child);
    child->sk_socket = newsock;
    child->sk_wq = &newsock->wq;
    newsock->sk = child;
    newsock->state = SS_CONNECTED;
    release_sock(child);
    return 0;
}
