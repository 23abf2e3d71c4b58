// Packet sockets' memberships (promiscuous, multicast, all-multicast,
// unicast), SOL_PACKET options and ioctls (Linux's packet_mc_add,
// packet_setsockopt, packet_getsockopt, packet_ioctl in net/packet/af_packet.c).
#include <string.h>

#include "kernel/cpu.h"
#include "kernel/mm/slab.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/core/sockios.h"
#include "net/packet/packet_internal.h"

// Memberships (Linux's packet_dev_mc): what a membership does to the device.
int packet_dev_mc(net_device* dev, const packet_mclist* i, int what) {
    switch (i->type) {
    case PACKET_MR_MULTICAST:
        if (i->alen != dev->addr_len) {
            return -EINVAL;
        }
        return what > 0 ? dev_mc_add(dev, i->addr) : dev_mc_del(dev, i->addr);
    case PACKET_MR_PROMISC:
        return dev_set_promiscuity(dev, what);
    case PACKET_MR_ALLMULTI:
        return dev_set_allmulti(dev, what);
    default:
        return 0;   // PACKET_MR_UNICAST: no secondary unicast filter here; as Linux, unknown types do nothing
    }
}

namespace {

bool mc_matches(const packet_mclist* ml, const packet_mreq& mreq) {
    return ml->ifindex == mreq.mr_ifindex && ml->type == mreq.mr_type && ml->alen == mreq.mr_alen &&
           memcmp(ml->addr, mreq.mr_address, ml->alen) == 0;
}

int packet_mc_add(struct sock* sk, const packet_mreq& mreq) {
    packet_sock* po = pkt_sk(sk);
    net_device* dev = __dev_get_by_index(mreq.mr_ifindex);
    if (!dev) {
        return -ENODEV;
    }
    if (mreq.mr_alen > dev->addr_len) {
        return -EINVAL;
    }
    for (packet_mclist* ml = po->mclist; ml; ml = ml->next) {
        if (mc_matches(ml, mreq)) {
            ++ml->count;   // counted: the device is changed once
            return 0;
        }
    }
    auto* i = static_cast<packet_mclist*>(kzalloc(sizeof(packet_mclist), GFP_KERNEL));
    if (!i) {
        return -ENOBUFS;
    }
    i->type = mreq.mr_type;
    i->ifindex = mreq.mr_ifindex;
    i->alen = mreq.mr_alen;
    memcpy(i->addr, mreq.mr_address, i->alen);
    i->count = 1;
    int err = packet_dev_mc(dev, i, 1);
    if (err) {
        kfree(i);
        return err;
    }
    i->next = po->mclist;
    po->mclist = i;
    return 0;
}

int packet_mc_drop(struct sock* sk, const packet_mreq& mreq) {
    packet_sock* po = pkt_sk(sk);
    for (packet_mclist** mlp = &po->mclist; *mlp; mlp = &(*mlp)->next) {
        packet_mclist* ml = *mlp;
        if (!mc_matches(ml, mreq)) {
            continue;
        }
        if (--ml->count == 0) {
            *mlp = ml->next;
            if (net_device* dev = __dev_get_by_index(ml->ifindex)) {
                packet_dev_mc(dev, ml, -1);
            }
            kfree(ml);
        }
        return 0;
    }
    return -EADDRNOTAVAIL;
}

}  // namespace

void packet_flush_mclist(struct sock* sk) {
    packet_sock* po = pkt_sk(sk);
    while (packet_mclist* ml = po->mclist) {
        po->mclist = ml->next;
        if (net_device* dev = __dev_get_by_index(ml->ifindex)) {
            packet_dev_mc(dev, ml, -ml->count);
        }
        kfree(ml);
    }
}

namespace {

// PF_INET's ioctl, from packet_register_inet_ioctl.
int (*inet_ioctl_hook)(socket* sock, unsigned cmd, unsigned long arg);

int get_int_opt(const void* optval, unsigned optlen, int* val) {
    if (optlen != sizeof(int)) {
        return -EINVAL;
    }
    return copy_from_user(val, optval, sizeof *val);
}

}  // namespace

int packet_setsockopt(socket* sock, int level, int optname, const void* optval, unsigned optlen) {
    struct sock* sk = sock->sk;
    packet_sock* po = pkt_sk(sk);
    if (level != SOL_PACKET) {
        return -ENOPROTOOPT;
    }
    switch (optname) {
    case PACKET_ADD_MEMBERSHIP:
    case PACKET_DROP_MEMBERSHIP: {
        packet_mreq mreq{};
        unsigned len = optlen;
        if (len < sizeof(packet_mreq)) {
            return -EINVAL;
        }
        if (len > sizeof mreq) {
            len = sizeof mreq;
        }
        if (copy_from_user(&mreq, optval, len)) {
            return -EFAULT;
        }
        if (len < mreq.mr_alen + offsetof(packet_mreq, mr_address)) {
            return -EINVAL;
        }
        return optname == PACKET_ADD_MEMBERSHIP ? packet_mc_add(sk, mreq) : packet_mc_drop(sk, mreq);
    }
    case PACKET_ORIGDEV: {
        int val;
        int err = get_int_opt(optval, optlen, &val);
        if (!err) {
            po->origdev = val != 0;
        }
        return err;
    }
    case PACKET_IGNORE_OUTGOING: {
        int val;
        int err = get_int_opt(optval, optlen, &val);
        if (err) {
            return err;
        }
        if (val < 0 || val > 1) {
            return -EINVAL;
        }
        po->prot_hook.ignore_outgoing = val != 0;
        return 0;
    }
    default:
        return -ENOPROTOOPT;
    }
}

int packet_getsockopt(socket* sock, int level, int optname, void* optval, int* optlen) {
    struct sock* sk = sock->sk;
    packet_sock* po = pkt_sk(sk);
    if (level != SOL_PACKET) {
        return -ENOPROTOOPT;
    }
    int len;
    if (copy_from_user(&len, optlen, sizeof len)) {
        return -EFAULT;
    }
    if (len < 0) {
        return -EINVAL;
    }
    union {
        tpacket_stats st;
        int val;
    } v{};
    int lv = sizeof(int);
    switch (optname) {
    case PACKET_STATISTICS: {
        // Read and reset together (Linux's): packets counts the drops too.
        unsigned drops = __atomic_exchange_n(&po->tp_drops, 0, __ATOMIC_RELAXED);
        {
            cpu::irq_guard guard;
            v.st.tp_packets = po->tp_packets;
            po->tp_packets = 0;
        }
        v.st.tp_drops = drops;
        v.st.tp_packets += drops;
        lv = sizeof v.st;
        break;
    }
    case PACKET_ORIGDEV: v.val = po->origdev; break;
    case PACKET_IGNORE_OUTGOING: v.val = po->prot_hook.ignore_outgoing; break;
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

void packet_register_inet_ioctl(int (*ioctl)(socket* sock, unsigned cmd, unsigned long arg)) {
    inet_ioctl_hook = ioctl;
}

int packet_ioctl(socket* sock, unsigned cmd, unsigned long arg) {
    struct sock* sk = sock->sk;
    int amount = 0;
    switch (cmd) {
    case SIOCOUTQ:
        amount = sk_wmem_alloc_get(sk);
        return copy_to_user(reinterpret_cast<int*>(arg), &amount, sizeof amount);
    case SIOCINQ: {
        {
            cpu::irq_guard guard;
            if (sk_buff* skb = skb_peek(&sk->sk_receive_queue)) {
                amount = static_cast<int>(skb->len);
            }
        }
        return copy_to_user(reinterpret_cast<int*>(arg), &amount, sizeof amount);
    }
    default:
        // The IPv4 address and route ioctls work on a packet socket too.
        if (inet_ioctl_hook) {
            return inet_ioctl_hook(sock, cmd, arg);
        }
        return -ENOIOCTLCMD;
    }
}
