// Packet sockets (Linux's net/packet/af_packet.c): a socket's life
// (packet_create, packet_release), binding to a device and protocol, the
// proto_ops tables, the family, the device notifier and /proc/net/packet.
// Receiving, sending and options are in packet_rcv.cpp, packet_snd.cpp and
// packet_sockopt.cpp.
#include "net/packet/af_packet.h"

#include <string.h>

#include "kernel/cpu.h"
#include "kernel/fs/proc.h"
#include "kernel/mm/slab.h"
#include "kernel/notifier.h"
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/trace.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "net/core/net_procfs.h"
#include "net/core/netdevice.h"
#include "net/core/sock.h"
#include "net/packet/packet_internal.h"

namespace {

list_head packet_sklist;   // every packet socket (notifier, /proc/net/packet)

proto packet_proto = {
    .name = "PACKET",
    .obj_size = sizeof(packet_sock),
};

// The hook goes on its list; the list's reference keeps the sock
// (Linux's register_prot_hook). Process context.
void register_prot_hook(struct sock* sk) {
    packet_sock* po = pkt_sk(sk);
    if (!po->running) {
        dev_add_pack(&po->prot_hook);
        sock_hold(sk);
        po->running = true;
    }
}

// When this returns the handler is not running and will not run again.
void unregister_prot_hook(struct sock* sk) {
    packet_sock* po = pkt_sk(sk);
    if (po->running) {
        po->running = false;
        dev_remove_pack(&po->prot_hook);
        sock_put(sk);
    }
}

// Binding (Linux's packet_do_bind): the hook moves to the new device and
// protocol; a device that is down leaves it off (ENETDOWN reported).
int packet_do_bind(struct sock* sk, const char* name, int ifindex, __be16 proto) {
    packet_sock* po = pkt_sk(sk);
    net_device* dev = nullptr;
    if (name) {
        dev = __dev_get_by_name(name);
        if (!dev) {
            return -ENODEV;
        }
    } else if (ifindex) {
        dev = __dev_get_by_index(ifindex);
        if (!dev) {
            return -ENODEV;
        }
    }
    bool need_rehook = po->prot_hook.type != proto || po->prot_hook.dev != dev;
    if (need_rehook) {
        if (po->running) {
            po->num = 0;
            unregister_prot_hook(sk);
        }
        po->num = proto;
        po->prot_hook.type = proto;
        po->prot_hook.dev = dev;
        po->ifindex = dev ? dev->ifindex : 0;
    }
    if (proto == 0 || !need_rehook) {
        return 0;
    }
    if (!dev || (dev->flags & IFF_UP)) {
        register_prot_hook(sk);
    } else {
        sk->sk_err = ENETDOWN;
        if (!sock_flag(sk, SOCK_DEAD)) {
            sk->sk_error_report(sk);
        }
    }
    return 0;
}

int packet_bind(socket* sock, sockaddr* uaddr, int addr_len) {
    auto* sll = reinterpret_cast<sockaddr_ll*>(uaddr);
    if (addr_len < static_cast<int>(sizeof(sockaddr_ll))) {
        return -EINVAL;
    }
    if (sll->sll_family != AF_PACKET) {
        return -EINVAL;
    }
    struct sock* sk = sock->sk;
    return packet_do_bind(sk, nullptr, sll->sll_ifindex, sll->sll_protocol ? sll->sll_protocol : pkt_sk(sk)->num);
}

// SOCK_PACKET binds by device name, in a plain struct sockaddr.
int packet_bind_spkt(socket* sock, sockaddr* uaddr, int addr_len) {
    if (addr_len != static_cast<int>(sizeof(sockaddr))) {
        return -EINVAL;
    }
    char name[sizeof uaddr->sa_data + 1];
    memcpy(name, uaddr->sa_data, sizeof uaddr->sa_data);
    name[sizeof uaddr->sa_data] = '\0';
    return packet_do_bind(sock->sk, name, 0, 0);
}

int packet_getname(socket* sock, sockaddr* uaddr, int peer) {
    if (peer) {
        return -EOPNOTSUPP;
    }
    packet_sock* po = pkt_sk(sock->sk);
    auto* sll = reinterpret_cast<sockaddr_ll*>(uaddr);
    memset(sll, 0, sizeof *sll);
    sll->sll_family = AF_PACKET;
    sll->sll_ifindex = po->ifindex;
    sll->sll_protocol = po->num;
    net_device* dev = po->ifindex > 0 ? __dev_get_by_index(po->ifindex) : nullptr;
    if (dev) {
        sll->sll_hatype = dev->type;
        sll->sll_halen = dev->addr_len;
        memcpy(sll->sll_addr, dev->dev_addr, dev->addr_len < 8 ? dev->addr_len : 8);
    }
    return static_cast<int>(offsetof(sockaddr_ll, sll_addr)) + sll->sll_halen;
}

int packet_getname_spkt(socket* sock, sockaddr* uaddr, int peer) {
    if (peer) {
        return -EOPNOTSUPP;
    }
    uaddr->sa_family = AF_PACKET;
    memset(uaddr->sa_data, 0, sizeof uaddr->sa_data);
    int ifindex = pkt_sk(sock->sk)->ifindex;
    if (net_device* dev = ifindex > 0 ? __dev_get_by_index(ifindex) : nullptr) {
        strncpy(uaddr->sa_data, dev->name, sizeof uaddr->sa_data);
    }
    return sizeof(sockaddr);
}

int packet_release(socket* sock) {
    struct sock* sk = sock->sk;
    if (!sk) {
        return 0;
    }
    {
        cpu::irq_guard guard;
        list_del(&sk->sk_node);
    }
    unregister_prot_hook(sk);
    packet_flush_mclist(sk);
    pkt_sk(sk)->prot_hook.dev = nullptr;
    sock_orphan(sk);
    sock->sk = nullptr;
    skb_queue_purge(&sk->sk_receive_queue);
    sock_put(sk);
    return 0;
}

// Linux's packet_ops_spkt, entry for entry.
const proto_ops packet_ops_spkt = {
    .family = PF_PACKET,
    .release = packet_release,
    .bind = packet_bind_spkt,
    .connect = sock_no_connect,
    .socketpair = sock_no_socketpair,
    .accept = sock_no_accept,
    .getname = packet_getname_spkt,
    .poll = datagram_poll,
    .ioctl = packet_ioctl,
    .listen = sock_no_listen,
    .shutdown = sock_no_shutdown,
    .setsockopt = sock_no_setsockopt,
    .getsockopt = sock_no_getsockopt,
    .sendmsg = packet_sendmsg_spkt,
    .recvmsg = packet_recvmsg,
    .mmap = sock_no_mmap,
    .sendpage = sock_no_sendpage,
};

const proto_ops packet_ops = {
    .family = PF_PACKET,
    .release = packet_release,
    .bind = packet_bind,
    .connect = sock_no_connect,
    .socketpair = sock_no_socketpair,
    .accept = sock_no_accept,
    .getname = packet_getname,
    .poll = datagram_poll,
    .ioctl = packet_ioctl,
    .listen = sock_no_listen,
    .shutdown = sock_no_shutdown,
    .setsockopt = packet_setsockopt,
    .getsockopt = packet_getsockopt,
    .sendmsg = packet_sendmsg,
    .recvmsg = packet_recvmsg,
    .mmap = sock_no_mmap,
    .sendpage = sock_no_sendpage,
};

}  // namespace

// Linux's packet_create: sk_alloc(PF_PACKET, ..., &packet_proto), the
// ops by type, prot_hook.func = packet_rcv or packet_rcv_spkt, and with a
// protocol given, dev_add_pack(&po->prot_hook) on ptype_all (ETH_P_ALL)
// or ptype_base.
int packet_create(socket* sock, int protocol, int kern) {
    trace::scope t(trace::cat::socket, "packet_create");
    __be16 proto = static_cast<__be16>(protocol);   // weird, but documented: network order
    if (!kern && !capable(CAP_NET_RAW)) {
        return -EPERM;
    }
    if (sock->type != SOCK_DGRAM && sock->type != SOCK_RAW && sock->type != SOCK_PACKET) {
        return -ESOCKTNOSUPPORT;
    }
    sock->state = SS_UNCONNECTED;
    struct sock* sk = sk_alloc(PF_PACKET, GFP_KERNEL, &packet_proto, kern);
    if (!sk) {
        return -ENOBUFS;
    }
    sock->ops = sock->type == SOCK_PACKET ? &packet_ops_spkt : &packet_ops;
    sock_init_data(sock, sk);
    packet_sock* po = pkt_sk(sk);
    sk->sk_family = PF_PACKET;
    sk->sk_protocol = static_cast<uint16_t>(protocol);
    po->num = proto;
    INIT_LIST_HEAD(&po->prot_hook.list);
    po->prot_hook.func = sock->type == SOCK_PACKET ? packet_rcv_spkt : packet_rcv;
    po->prot_hook.af_packet_priv = sk;
    if (proto) {
        po->prot_hook.type = proto;
        register_prot_hook(sk);
    }
    cpu::irq_guard guard;
    list_add(&sk->sk_node, &packet_sklist);
    return 0;
}

namespace {

const net_proto_family packet_family_ops = {
    .family = PF_PACKET,
    .create = packet_create,
};

// A bound device going down takes the hook off (ENETDOWN to the
// socket); going away also unbinds; coming up puts the hook back
// (Linux's packet_notifier).
int packet_notifier(notifier_block*, unsigned long msg, void* ptr) {
    net_device* dev = netdev_notifier_info_to_dev(ptr);
    for (sock& sk : list_entries<sock, &sock::sk_node>(&packet_sklist)) {
        packet_sock* po = pkt_sk(&sk);
        switch (msg) {
        case NETDEV_UNREGISTER:
            for (packet_mclist* ml = po->mclist; ml; ml = ml->next) {
                if (ml->ifindex == dev->ifindex) {
                    packet_dev_mc(dev, ml, -ml->count);
                    ml->ifindex = -1;   // gone with the device, as Linux's packet_dev_mclist_delete
                }
            }
            [[fallthrough]];
        case NETDEV_DOWN:
            if (dev->ifindex == po->ifindex) {
                if (po->running) {
                    unregister_prot_hook(&sk);
                    if (!sock_flag(&sk, SOCK_DEAD)) {
                        sk.sk_err = ENETDOWN;
                        sk.sk_error_report(&sk);
                    }
                }
                if (msg == NETDEV_UNREGISTER) {
                    po->ifindex = -1;
                    po->prot_hook.dev = nullptr;
                }
            }
            break;
        case NETDEV_UP:
            if (dev->ifindex == po->ifindex && po->num) {
                register_prot_hook(&sk);
            }
            break;
        default:
            break;
        }
    }
    return NOTIFY_DONE;
}

notifier_block packet_netdev_notifier = {.notifier_call = packet_notifier, .next = nullptr, .priority = 0};

// /proc/net/packet, Linux's columns.
int packet_seq_show(seq_file* m, void*) {
    seq_puts(m, "sk       RefCnt Type Proto  Iface R Rmem   User   Inode\n");
    cpu::irq_guard guard;
    for (sock& s : list_entries<sock, &sock::sk_node>(&packet_sklist)) {
        packet_sock* po = pkt_sk(&s);
        unsigned long ino = s.sk_socket ? SOCK_INODE(s.sk_socket)->i_ino : 0;
        seq_printf(m, "%08lx %-6d %-4d %04x   %-5d %1d %-6u %-6u %-6lu\n",
                   static_cast<unsigned long>(reinterpret_cast<uintptr_t>(&s)), s.sk_refcnt, s.sk_type,
                   ntohs(po->num), po->ifindex, po->running ? 1 : 0,
                   static_cast<unsigned>(sk_rmem_alloc_get(&s)), 0u, ino);
    }
    return 0;
}

}  // namespace

int packet_init() {
    INIT_LIST_HEAD(&packet_sklist);
    int rc = proto_register(&packet_proto, 0);
    if (rc) {
        return rc;
    }
    rc = sock_register(&packet_family_ops);
    if (rc) {
        proto_unregister(&packet_proto);
        return rc;
    }
    unregister_netdevice_notifier(&packet_netdev_notifier);   // host tests start over
    register_netdevice_notifier(&packet_netdev_notifier);
    if (proc_dir_entry* net = proc_net_dir()) {
        remove_proc_entry("packet", net);
        proc_create_single("packet", 0444, net, packet_seq_show);
    }
    return 0;
}
