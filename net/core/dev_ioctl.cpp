// Interface ioctls (Linux's net/core/dev_ioctl.c): flags, MTU, hardware
// address, index and name, multicast lists, queue length, and the
// SIOCGIFCONF listing. Reading is open to all; changing needs
// CAP_NET_ADMIN.
#include "net/core/dev_ioctl.h"

#include <string.h>

#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/core/rtnetlink.h"
#include "net/socket.h"

namespace {

gifconf_func_t gifconf_list[NPROTO];

int dev_ifname(ifreq* ifr) {
    net_device* dev = __dev_get_by_index(ifr->ifr_ifindex);
    if (!dev) {
        return -ENODEV;
    }
    strncpy(ifr->ifr_name, dev->name, IFNAMSIZ);
    ifr->ifr_name[IFNAMSIZ - 1] = '\0';
    return 0;
}

// What anyone may read.
int dev_ifsioc_locked(net_device* dev, ifreq* ifr, unsigned cmd) {
    switch (cmd) {
    case SIOCGIFFLAGS:
        ifr->ifr_flags = static_cast<short>(dev_get_flags(dev));
        return 0;
    case SIOCGIFMETRIC:
        ifr->ifr_metric = 0;
        return 0;
    case SIOCGIFMTU:
        ifr->ifr_mtu = static_cast<int>(dev->mtu);
        return 0;
    case SIOCGIFMAP:
        memset(&ifr->ifr_map, 0, sizeof ifr->ifr_map);
        return 0;
    case SIOCGIFINDEX:
        ifr->ifr_ifindex = dev->ifindex;
        return 0;
    case SIOCGIFTXQLEN:
        ifr->ifr_qlen = static_cast<int>(dev->tx_queue_len);
        return 0;
    case SIOCGIFHWADDR:
        memset(ifr->ifr_hwaddr.sa_data, 0, sizeof ifr->ifr_hwaddr.sa_data);
        memcpy(ifr->ifr_hwaddr.sa_data, dev->dev_addr,
               dev->addr_len < sizeof ifr->ifr_hwaddr.sa_data ? dev->addr_len : sizeof ifr->ifr_hwaddr.sa_data);
        ifr->ifr_hwaddr.sa_family = dev->type;
        return 0;
    default:
        return -ENOTTY;
    }
}

// What changes the device.
int dev_ifsioc(net_device* dev, ifreq* ifr, unsigned cmd) {
    switch (cmd) {
    case SIOCSIFFLAGS:
        return dev_change_flags(dev, static_cast<unsigned short>(ifr->ifr_flags));
    case SIOCSIFMETRIC:
        return -EOPNOTSUPP;
    case SIOCSIFMTU:
        return dev_set_mtu(dev, ifr->ifr_mtu);
    case SIOCSIFHWADDR:
    case SIOCSIFNAME:
    case SIOCSIFMAP:
        return -EOPNOTSUPP;   // no driver here can change its address or resources
    case SIOCADDMULTI:
    case SIOCDELMULTI: {
        const net_device_ops* ops = dev->netdev_ops;
        if (!ops || !ops->ndo_set_rx_mode || ifr->ifr_hwaddr.sa_family != AF_UNSPEC) {
            return -EINVAL;
        }
        const auto* addr = reinterpret_cast<const uint8_t*>(ifr->ifr_hwaddr.sa_data);
        return cmd == SIOCADDMULTI ? dev_mc_add(dev, addr) : dev_mc_del(dev, addr);
    }
    case SIOCSIFTXQLEN:
        if (ifr->ifr_qlen < 0) {
            return -EINVAL;
        }
        dev->tx_queue_len = static_cast<unsigned>(ifr->ifr_qlen);
        return 0;
    default:
        return -ENOTTY;
    }
}

}  // namespace

int dev_ioctl(unsigned cmd, ifreq* ifr, bool* need_copyout) {
    *need_copyout = true;
    if (cmd == SIOCGIFNAME) {
        return dev_ifname(ifr);
    }
    ifr->ifr_name[IFNAMSIZ - 1] = '\0';
    // "eth0:1" names an alias address; the device is the part before ':'.
    char* colon = strchr(ifr->ifr_name, ':');
    if (colon) {
        *colon = '\0';
    }
    int ret;
    switch (cmd) {
    case SIOCGIFHWADDR:
    case SIOCGIFFLAGS:
    case SIOCGIFMETRIC:
    case SIOCGIFMTU:
    case SIOCGIFMAP:
    case SIOCGIFINDEX:
    case SIOCGIFTXQLEN: {
        net_device* dev = __dev_get_by_name(ifr->ifr_name);
        ret = dev ? dev_ifsioc_locked(dev, ifr, cmd) : -ENODEV;
        break;
    }
    case SIOCSIFNAME:
    case SIOCSIFMAP:
    case SIOCSIFTXQLEN:
    case SIOCSIFFLAGS:
    case SIOCSIFMETRIC:
    case SIOCSIFMTU:
    case SIOCSIFHWADDR:
    case SIOCADDMULTI:
    case SIOCDELMULTI: {
        if (!capable(CAP_NET_ADMIN)) {
            return -EPERM;
        }
        rtnl_guard rtnl;
        net_device* dev = __dev_get_by_name(ifr->ifr_name);
        ret = dev ? dev_ifsioc(dev, ifr, cmd) : -ENODEV;
        *need_copyout = cmd == SIOCSIFNAME;
        break;
    }
    default:
        return -ENOTTY;
    }
    if (colon) {
        *colon = ':';
    }
    return ret;
}

void register_gifconf(int family, gifconf_func_t gifconf) {
    if (family >= 0 && family < NPROTO) {
        gifconf_list[family] = gifconf;
    }
}

// SIOCGIFCONF (Linux 2.6's dev_ifconf): one ifreq per address, from every
// family that registered a lister; with a null buffer, the length needed.
int dev_ifconf(ifconf* uifc) {
    ifconf ifc;
    if (copy_from_user(&ifc, uifc, sizeof ifc)) {
        return -EFAULT;
    }
    char* pos = ifc.ifc_buf;
    int len = ifc.ifc_len;
    if (pos && (len < 0 || !access_ok(pos, static_cast<size_t>(len)))) {
        return -EFAULT;
    }
    int total = 0;
    for (net_device& dev : for_each_netdev()) {
        for (gifconf_func_t fn : gifconf_list) {
            if (!fn) {
                continue;
            }
            int done = pos ? fn(&dev, pos + total, len - total) : fn(&dev, nullptr, 0);
            if (done < 0) {
                return -EFAULT;
            }
            total += done;
        }
    }
    ifc.ifc_len = total;
    return copy_to_user(uifc, &ifc, sizeof ifc);
}
