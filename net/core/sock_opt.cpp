// SOL_SOCKET options (Linux's sk_setsockopt / sk_getsockopt in
// net/core/sock.c), with MIPS's option numbers and o32's 32-bit timeval.
#include <string.h>

#include "kernel/jiffies.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/core/sock.h"

namespace {

constexpr int INT_MAX_VALUE = 0x7fffffff;

// SO_RCVTIMEO/SO_SNDTIMEO: a timeval into jiffies, rounding up (Linux's
// sock_set_timeout). Zero means no timeout, a negative second count a
// timeout of zero (it polls).
int sock_set_timeout(long* timeo_p, const void* optval, unsigned optlen) {
    uapi::timeval tv;
    if (optlen < sizeof tv) {
        return -EINVAL;
    }
    if (copy_from_user(&tv, optval, sizeof tv)) {
        return -EFAULT;
    }
    if (tv.tv_usec < 0 || tv.tv_usec >= static_cast<int32_t>(USEC_PER_SEC)) {
        return -EDOM;
    }
    if (tv.tv_sec < 0) {
        *timeo_p = 0;
        return 0;
    }
    long val = MAX_SCHEDULE_TIMEOUT;
    if ((tv.tv_sec || tv.tv_usec) && tv.tv_sec < static_cast<long>(MAX_SCHEDULE_TIMEOUT / HZ - 1)) {
        val = static_cast<long>(tv.tv_sec) * static_cast<long>(HZ) +
              static_cast<long>((static_cast<unsigned long>(tv.tv_usec) + USEC_PER_SEC / HZ - 1) /
                                (USEC_PER_SEC / HZ));
    }
    *timeo_p = val;
    return 0;
}

uapi::timeval sock_get_timeout(long timeo) {
    if (timeo == MAX_SCHEDULE_TIMEOUT) {
        return {0, 0};
    }
    return {static_cast<int32_t>(timeo / static_cast<long>(HZ)),
            static_cast<int32_t>((timeo % static_cast<long>(HZ)) * static_cast<long>(USEC_PER_SEC) /
                                 static_cast<long>(HZ))};
}

// SO_BINDTODEVICE: an interface name (not necessarily terminated), "" to
// unbind. Changing an existing binding needs CAP_NET_RAW (Linux's).
int sock_setbindtodevice(struct sock* sk, const void* optval, unsigned optlen) {
    char devname[IFNAMSIZ] = {};
    if (optlen > IFNAMSIZ - 1) {
        optlen = IFNAMSIZ - 1;
    }
    if (copy_from_user(devname, optval, optlen)) {
        return -EFAULT;
    }
    int index = 0;
    if (devname[0] != '\0') {
        net_device* dev = __dev_get_by_name(devname);
        if (!dev) {
            return -ENODEV;
        }
        index = dev->ifindex;
    }
    if (sk->sk_bound_dev_if && !capable(CAP_NET_RAW)) {
        return -EPERM;
    }
    sk->sk_bound_dev_if = index;
    return 0;
}

int clamp_buf(int val, int max) {
    unsigned v = static_cast<unsigned>(val);   // as Linux's min_t(u32, ...): negative is huge
    if (v > static_cast<unsigned>(max)) {
        v = static_cast<unsigned>(max);
    }
    int i = static_cast<int>(v);
    return i > INT_MAX_VALUE / 2 ? INT_MAX_VALUE / 2 : i;
}

}  // namespace

int sock_setsockopt(socket* sock, int, int optname, const void* optval, unsigned optlen) {
    struct sock* sk = sock->sk;
    if (optname == SO_BINDTODEVICE) {
        return sock_setbindtodevice(sk, optval, optlen);
    }
    if (optlen < sizeof(int)) {
        return -EINVAL;
    }
    int val;
    if (copy_from_user(&val, optval, sizeof val)) {
        return -EFAULT;
    }
    bool valbool = val != 0;
    switch (optname) {
    case SO_DEBUG:
        if (val && !capable(CAP_NET_ADMIN)) {
            return -EACCES;
        }
        sock_valbool_flag(sk, SOCK_DBG, valbool);
        return 0;
    case SO_REUSEADDR:
        sk->sk_reuse = valbool;
        return 0;
    case SO_REUSEPORT:
        sk->sk_reuseport = valbool;
        return 0;
    case SO_TYPE:
    case SO_PROTOCOL:
    case SO_DOMAIN:
    case SO_ERROR:
        return -ENOPROTOOPT;
    case SO_DONTROUTE:
        sock_valbool_flag(sk, SOCK_LOCALROUTE, valbool);
        return 0;
    case SO_BROADCAST:
        sock_valbool_flag(sk, SOCK_BROADCAST, valbool);
        return 0;
    case SO_SNDBUF: {
        // Hints, as in BSD: never an error, clamped, doubled for overhead.
        int v = clamp_buf(val, SK_WMEM_MAX);
        sk->sk_userlocks |= SOCK_SNDBUF_LOCK;
        sk->sk_sndbuf = v * 2 > SOCK_MIN_SNDBUF ? v * 2 : SOCK_MIN_SNDBUF;
        sk->sk_write_space(sk);
        return 0;
    }
    case SO_RCVBUF: {
        int v = clamp_buf(val, SK_RMEM_MAX);
        sk->sk_userlocks |= SOCK_RCVBUF_LOCK;
        sk->sk_rcvbuf = v * 2 > SOCK_MIN_RCVBUF ? v * 2 : SOCK_MIN_RCVBUF;
        return 0;
    }
    case SO_KEEPALIVE:
        // TCP arms its keepalive timer (Linux's sk_prot->keepalive).
        if (sk->sk_prot->keepalive) {
            sk->sk_prot->keepalive(sk, val != 0);
        }
        sock_valbool_flag(sk, SOCK_KEEPOPEN, val != 0);
        return 0;
    case SO_OOBINLINE:
    case SO_NO_CHECK:
        return 0;   // meaningless for the datagram families here; accepted as Linux does
    case SO_PRIORITY:
        if ((val >= 0 && val <= 6) || capable(CAP_NET_ADMIN)) {
            sk->sk_priority = static_cast<uint32_t>(val);
            return 0;
        }
        return -EPERM;
    case SO_LINGER: {
        if (optlen < sizeof(linger)) {
            return -EINVAL;
        }
        linger ling;
        if (copy_from_user(&ling, optval, sizeof ling)) {
            return -EFAULT;
        }
        sk->sk_linger = ling;
        return 0;
    }
    case SO_RCVLOWAT:
        sk->sk_rcvlowat = val ? val : 1;
        return 0;
    case SO_RCVTIMEO:
        return sock_set_timeout(&sk->sk_rcvtimeo, optval, optlen);
    case SO_SNDTIMEO:
        return sock_set_timeout(&sk->sk_sndtimeo, optval, optlen);
    case SO_TIMESTAMP:
    case SO_TIMESTAMPNS:
        // Linux's sock_set_timestamp: either one on, the other's format off.
        sock_valbool_flag(sk, SOCK_RCVTSTAMP, valbool);
        sock_valbool_flag(sk, SOCK_RCVTSTAMPNS, valbool && optname == SO_TIMESTAMPNS);
        return 0;
    case SO_MARK:
        if (!capable(CAP_NET_ADMIN)) {
            return -EPERM;
        }
        sk->sk_mark = static_cast<uint32_t>(val);
        return 0;
    case SO_RXQ_OVFL:
        sock_valbool_flag(sk, SOCK_RXQ_OVFL, valbool);
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

int sock_getsockopt(socket* sock, int, int optname, void* optval, int* optlen) {
    struct sock* sk = sock->sk;
    int len;
    if (copy_from_user(&len, optlen, sizeof len)) {
        return -EFAULT;
    }
    if (len < 0) {
        return -EINVAL;
    }
    union {
        int val;
        linger ling;
        uapi::timeval tm;
    } v;
    memset(&v, 0, sizeof v);
    int lv = sizeof(int);
    switch (optname) {
    case SO_DEBUG: v.val = sock_flag(sk, SOCK_DBG); break;
    case SO_DONTROUTE: v.val = sock_flag(sk, SOCK_LOCALROUTE); break;
    case SO_BROADCAST: v.val = sock_flag(sk, SOCK_BROADCAST); break;
    case SO_SNDBUF: v.val = sk->sk_sndbuf; break;
    case SO_RCVBUF: v.val = sk->sk_rcvbuf; break;
    case SO_REUSEADDR: v.val = sk->sk_reuse; break;
    case SO_REUSEPORT: v.val = sk->sk_reuseport; break;
    case SO_KEEPALIVE: v.val = sock_flag(sk, SOCK_KEEPOPEN); break;
    case SO_TYPE: v.val = sk->sk_type; break;
    case SO_PROTOCOL: v.val = sk->sk_protocol; break;
    case SO_DOMAIN: v.val = sk->sk_family; break;
    case SO_ERROR:
        v.val = -sock_error(sk);
        if (v.val == 0) {
            v.val = __atomic_exchange_n(&sk->sk_err_soft, 0, __ATOMIC_RELAXED);
        }
        break;
    case SO_OOBINLINE: v.val = 0; break;
    case SO_BINDTODEVICE: {
        // The name, Linux's sock_getbindtodevice: "" (length 0) when unbound.
        char devname[IFNAMSIZ] = {};
        size_t n = 0;
        if (sk->sk_bound_dev_if) {
            net_device* dev = __dev_get_by_index(sk->sk_bound_dev_if);
            if (!dev) {
                return -ENODEV;
            }
            strncpy(devname, dev->name, IFNAMSIZ - 1);
            n = strlen(devname) + 1;
        }
        if (static_cast<size_t>(len) < n) {
            return -EINVAL;
        }
        if (copy_to_user(optval, devname, n)) {
            return -EFAULT;
        }
        len = static_cast<int>(n);
        return copy_to_user(optlen, &len, sizeof len);
    }
    case SO_NO_CHECK: v.val = 0; break;
    case SO_PRIORITY: v.val = static_cast<int>(sk->sk_priority); break;
    case SO_LINGER:
        lv = sizeof v.ling;
        v.ling = sk->sk_linger;
        break;
    case SO_RCVTIMEO:
        lv = sizeof v.tm;
        v.tm = sock_get_timeout(sk->sk_rcvtimeo);
        break;
    case SO_SNDTIMEO:
        lv = sizeof v.tm;
        v.tm = sock_get_timeout(sk->sk_sndtimeo);
        break;
    case SO_RCVLOWAT: v.val = sk->sk_rcvlowat; break;
    case SO_SNDLOWAT: v.val = 1; break;
    case SO_TIMESTAMP: v.val = sock_flag(sk, SOCK_RCVTSTAMP) && !sock_flag(sk, SOCK_RCVTSTAMPNS); break;
    case SO_TIMESTAMPNS: v.val = sock_flag(sk, SOCK_RCVTSTAMPNS); break;
    case SO_ACCEPTCONN: v.val = 0; break;   // no listening sockets among these families
    case SO_MARK: v.val = static_cast<int>(sk->sk_mark); break;
    case SO_RXQ_OVFL: v.val = sock_flag(sk, SOCK_RXQ_OVFL); break;
    default:
        return -ENOPROTOOPT;
    }
    if (len > lv) {
        len = lv;
    }
    if (copy_to_user(optval, &v, static_cast<size_t>(len))) {
        return -EFAULT;
    }
    return copy_to_user(optlen, &len, sizeof len);
}

int sockopt_put(void* optval, int* optlen, int len, const void* val, size_t size) {
    if (len > static_cast<int>(size)) {
        len = static_cast<int>(size);
    }
    if (copy_to_user(optlen, &len, sizeof len) || copy_to_user(optval, val, static_cast<size_t>(len))) {
        return -EFAULT;
    }
    return 0;
}
