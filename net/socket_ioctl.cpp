// ioctl on a socket (Linux's sock_ioctl and sock_do_ioctl): the family's
// own requests first, then the interface requests every socket answers.
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "net/core/dev_ioctl.h"
#include "net/core/sock.h"
#include "net/socket.h"

namespace {

constexpr unsigned SOCK_IOC_TYPE = 0x89;
bool is_socket_ioctl_cmd(unsigned cmd) { return ((cmd >> 8) & 0xff) == SOCK_IOC_TYPE; }

// An interface request through struct ifreq in the caller's memory.
long ifreq_ioctl(unsigned cmd, unsigned long arg) {
    auto* uifr = reinterpret_cast<ifreq*>(arg);
    ifreq ifr;
    if (copy_from_user(&ifr, uifr, sizeof ifr)) {
        return -EFAULT;
    }
    bool need_copyout = false;
    int err = dev_ioctl(cmd, &ifr, &need_copyout);
    if (!err && need_copyout && copy_to_user(uifr, &ifr, sizeof ifr)) {
        return -EFAULT;
    }
    return err;
}

}  // namespace

long sock_ioctl(file* f, unsigned cmd, unsigned long arg) {
    socket* sock = sock_from_file(f);
    if (cmd >= SIOCDEVPRIVATE && cmd <= SIOCDEVPRIVATE + 15) {
        return ifreq_ioctl(cmd, arg);
    }
    switch (cmd) {
    case SIOCGIFCONF:
        return dev_ifconf(reinterpret_cast<ifconf*>(arg));
    case SIOCGSTAMP:
        return sock->sk ? sock_get_timestamp(sock->sk, reinterpret_cast<uapi::timeval*>(arg)) : -EINVAL;
    default:
        break;
    }
    int err = sock->ops->ioctl(sock, cmd, arg);
    if (err != -ENOIOCTLCMD) {
        return err;
    }
    // Not the family's: hand it to the interfaces (Linux's sock_do_ioctl).
    if (!is_socket_ioctl_cmd(cmd)) {
        return -ENOTTY;
    }
    return ifreq_ioctl(cmd, arg);
}
