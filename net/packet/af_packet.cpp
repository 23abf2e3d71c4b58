// Packet sockets (Linux's net/packet/af_packet.c): creation, binding to a
// device and protocol, the receive handlers on the device layer's lists,
// send, membership (promiscuous, multicast, all-multicast) and statistics.
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

constexpr unsigned VLAN_HLEN = 4;

// A membership taken with PACKET_ADD_MEMBERSHIP (Linux's packet_mclist),
// given back at DROP_MEMBERSHIP or when the socket closes.
struct packet_mclist {
    packet_mclist* next;
    int ifindex;
    int count;
    uint16_t type;
    uint16_t alen;
    uint8_t addr[MAX_ADDR_LEN];
};

struct packet_sock {
    sock sk;                       // first: sk_alloc() allocates obj_size
    unsigned tp_packets;           // queued since the last PACKET_STATISTICS
    unsigned tp_drops;             // dropped since then (atomic)
    packet_mclist* mclist;
    int ifindex;                   // bound device, 0 any, -1 when it went away
    __be16 num;                    // bound protocol, network order; 0 none
    bool running;                  // prot_hook is on a ptype list
    bool origdev;                  // PACKET_ORIGDEV
    packet_type prot_hook;
};

inline packet_sock* pkt_sk(struct sock* sk) { return reinterpret_cast<packet_sock*>(sk); }

// What packet_rcv leaves in skb->cb for recvmsg (Linux's packet_skb_cb).
struct packet_skb_cb {
    union {
        sockaddr_pkt pkt;
        sockaddr_ll ll;
    } sa;
    unsigned origlen;
};
static_assert(sizeof(packet_skb_cb) <= sizeof(sk_buff::cb));
inline packet_skb_cb* PACKET_SKB_CB(sk_buff* skb) { return reinterpret_cast<packet_skb_cb*>(skb->cb); }

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

// What Linux's packet_rcv_has_room and run_filter leave: no BPF here.
bool rcv_has_room(struct sock* sk) { return sk_rmem_alloc_get(sk) < sk->sk_rcvbuf; }

void count_drop(struct sock* sk) {
    __atomic_add_fetch(&pkt_sk(sk)->tp_drops, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&sk->sk_drops, 1, __ATOMIC_RELAXED);
}

}  // namespace

// The receive handler of SOCK_RAW and SOCK_DGRAM sockets (Linux's
// po->prot_hook.func, called by netif_receive_skb through deliver_skb).
// The skb may be shared with other handlers: it is restored before it is
// given back, and what is queued is a clone.
int packet_rcv(sk_buff* skb, net_device* dev, packet_type* pt, net_device* orig_dev) {
    trace::scope t(trace::cat::rx, "packet_rcv");
    if (skb->pkt_type == PACKET_LOOPBACK) {
        consume_skb(skb);
        return 0;
    }
    struct sock* sk = static_cast<struct sock*>(pt->af_packet_priv);
    packet_sock* po = pkt_sk(sk);
    skb->dev = dev;
    uint8_t* skb_head = skb->data;
    unsigned skb_len = skb->len;
    if (dev->header_ops) {
        // The device has a link header: SOCK_RAW sees it, SOCK_DGRAM
        // starts at the network header (outgoing frames still have theirs
        // at data).
        if (sk->sk_type != SOCK_DGRAM) {
            skb_push(skb, static_cast<unsigned>(skb->data - skb_mac_header(skb)));
        } else if (skb->pkt_type == PACKET_OUTGOING) {
            skb_pull(skb, static_cast<unsigned>(skb_network_offset(skb)));
        }
    }
    auto restore = [&] {
        if (skb_head != skb->data && skb_shared(skb)) {
            skb->data = skb_head;
            skb->len = skb_len;
        }
    };
    if (!rcv_has_room(sk)) {
        count_drop(sk);
        restore();
        kfree_skb(skb);
        return 0;
    }
    if (skb_shared(skb)) {
        sk_buff* nskb = skb_clone(skb, GFP_ATOMIC);
        if (!nskb) {
            count_drop(sk);
            restore();
            kfree_skb(skb);
            return 0;
        }
        if (skb_head != skb->data) {
            skb->data = skb_head;
            skb->len = skb_len;
        }
        consume_skb(skb);
        skb = nskb;
    }
    sockaddr_ll* sll = &PACKET_SKB_CB(skb)->sa.ll;
    memset(sll, 0, sizeof *sll);
    sll->sll_hatype = dev->type;
    sll->sll_pkttype = skb->pkt_type;
    sll->sll_ifindex = po->origdev ? orig_dev->ifindex : dev->ifindex;
    sll->sll_halen = static_cast<uint8_t>(dev_parse_header(skb, sll->sll_addr));
    PACKET_SKB_CB(skb)->origlen = skb->len;
    skb_set_owner_r(skb, sk);
    skb->dev = nullptr;
    {
        cpu::irq_guard guard;
        ++po->tp_packets;
        __skb_queue_tail(&sk->sk_receive_queue, skb);
    }
    sk->sk_data_ready(sk);
    return 0;
}

// SOCK_PACKET's handler (Linux's packet_rcv_spkt): every frame with its
// link header, the device named in a sockaddr_pkt.
int packet_rcv_spkt(sk_buff* skb, net_device* dev, packet_type* pt, net_device*) {
    trace::scope t(trace::cat::rx, "packet_rcv_spkt");
    struct sock* sk = static_cast<struct sock*>(pt->af_packet_priv);
    if (skb->pkt_type == PACKET_LOOPBACK) {
        kfree_skb(skb);
        return 0;
    }
    skb = skb_share_check(skb, GFP_ATOMIC);
    if (!skb) {
        return 0;
    }
    sockaddr_pkt* spkt = &PACKET_SKB_CB(skb)->sa.pkt;
    skb_push(skb, static_cast<unsigned>(skb->data - skb_mac_header(skb)));
    memset(spkt, 0, sizeof *spkt);
    spkt->spkt_family = dev->type;
    strncpy(reinterpret_cast<char*>(spkt->spkt_device), dev->name, sizeof spkt->spkt_device - 1);
    spkt->spkt_protocol = skb->protocol;
    if (sock_queue_rcv_skb(sk, skb) == 0) {
        return 0;
    }
    kfree_skb(skb);
    return 0;
}

namespace {

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

// NET_XMIT_CN is success for the sender; the other codes are ENOBUFS.
int net_xmit_errno(int e) { return e != NET_XMIT_CN ? -ENOBUFS : 0; }

int xmit_result(int err) {
    if (err > 0) {
        err = net_xmit_errno(err);
    }
    return err;
}

// An Ethernet frame is at least its header (Linux's dev_validate_header
// without CAP_SYS_RAWIO's padding).
bool dev_validate_header(const net_device* dev, unsigned len) { return len >= dev->hard_header_len; }

bool is_vlan_frame(const sk_buff* skb, const net_device* dev) {
    return dev->type == ARPHRD_ETHER && skb->len >= ETH_HLEN &&
           reinterpret_cast<const ethhdr*>(skb->data)->h_proto == htons(ETH_P_8021Q);
}

// SOCK_RAW and SOCK_DGRAM send (Linux's packet_snd).
int packet_snd(socket* sock, msghdr* msg, size_t len) {
    struct sock* sk = sock->sk;
    packet_sock* po = pkt_sk(sk);
    auto* saddr = static_cast<sockaddr_ll*>(msg->msg_name);
    __be16 proto;
    const uint8_t* addr = nullptr;
    net_device* dev;
    if (!saddr) {
        dev = po->ifindex > 0 ? __dev_get_by_index(po->ifindex) : nullptr;
        proto = po->num;
    } else {
        if (msg->msg_namelen < static_cast<int>(sizeof(sockaddr_ll))) {
            return -EINVAL;
        }
        if (msg->msg_namelen < saddr->sll_halen + static_cast<int>(offsetof(sockaddr_ll, sll_addr))) {
            return -EINVAL;
        }
        proto = saddr->sll_protocol;
        dev = __dev_get_by_index(saddr->sll_ifindex);
        if (sock->type == SOCK_DGRAM) {
            if (dev && msg->msg_namelen < dev->addr_len + static_cast<int>(offsetof(sockaddr_ll, sll_addr))) {
                return -EINVAL;
            }
            addr = saddr->sll_addr;
        }
    }
    if (!dev) {
        return -ENXIO;
    }
    if (!(dev->flags & IFF_UP)) {
        return -ENETDOWN;
    }
    unsigned reserve = sock->type == SOCK_RAW ? dev->hard_header_len : 0;
    if (len > dev->mtu + reserve + VLAN_HLEN) {
        return -EMSGSIZE;
    }
    int err;
    unsigned hlen = LL_RESERVED_SPACE(dev);
    sk_buff* skb = sock_alloc_send_skb(sk, hlen + len, msg->msg_flags & MSG_DONTWAIT, &err);
    if (!skb) {
        return err;
    }
    skb_reserve(skb, static_cast<int>(hlen - reserve));
    skb_set_network_header(skb, static_cast<int>(reserve));
    if (sock->type == SOCK_DGRAM) {
        skb_reset_network_header(skb);
        int offset = dev_hard_header(skb, dev, ntohs(proto), addr, nullptr, static_cast<unsigned>(len));
        if (offset < 0) {
            kfree_skb(skb);
            return -EINVAL;
        }
    }
    if (skb_copy_datagram_from_msg(skb, msg, static_cast<int>(len))) {
        kfree_skb(skb);
        return -EFAULT;
    }
    if (sock->type == SOCK_RAW) {
        if (!dev_validate_header(dev, static_cast<unsigned>(len))) {
            kfree_skb(skb);
            return -EINVAL;
        }
        if (len > dev->mtu + reserve && !is_vlan_frame(skb, dev)) {
            kfree_skb(skb);
            return -EMSGSIZE;
        }
    }
    skb->protocol = proto;
    skb->dev = dev;
    skb->priority = sk->sk_priority;
    skb->mark = sk->sk_mark;
    err = xmit_result(dev_queue_xmit(skb));
    return err ? err : static_cast<int>(len);
}

int packet_sendmsg(socket* sock, msghdr* msg, size_t len) { return packet_snd(sock, msg, len); }

// SOCK_PACKET send (Linux's packet_sendmsg_spkt): the device by name in a
// sockaddr_pkt, the whole frame from the caller.
int packet_sendmsg_spkt(socket* sock, msghdr* msg, size_t len) {
    struct sock* sk = sock->sk;
    auto* saddr = static_cast<sockaddr_pkt*>(msg->msg_name);
    __be16 proto = 0;
    if (!saddr) {
        return -ENOTCONN;   // SOCK_PACKET must be sent giving an address
    }
    if (msg->msg_namelen < static_cast<int>(sizeof(sockaddr))) {
        return -EINVAL;
    }
    if (msg->msg_namelen == static_cast<int>(sizeof(sockaddr_pkt))) {
        proto = saddr->spkt_protocol;
    }
    saddr->spkt_device[sizeof saddr->spkt_device - 1] = 0;
    net_device* dev = __dev_get_by_name(reinterpret_cast<const char*>(saddr->spkt_device));
    if (!dev) {
        return -ENODEV;
    }
    if (!(dev->flags & IFF_UP)) {
        return -ENETDOWN;
    }
    if (len > dev->mtu + dev->hard_header_len + VLAN_HLEN) {
        return -EMSGSIZE;
    }
    unsigned reserved = LL_RESERVED_SPACE(dev);
    sk_buff* skb = sock_wmalloc(sk, len + reserved, 0, GFP_KERNEL);
    if (!skb) {
        return -ENOBUFS;
    }
    unsigned hhlen = dev->header_ops ? dev->hard_header_len : 0;
    skb_reserve(skb, static_cast<int>(reserved - hhlen));
    skb_set_network_header(skb, static_cast<int>(hhlen));
    if (skb_copy_datagram_from_msg(skb, msg, static_cast<int>(len))) {
        kfree_skb(skb);
        return -EFAULT;
    }
    if (!dev_validate_header(dev, static_cast<unsigned>(len))) {
        kfree_skb(skb);
        return -EINVAL;
    }
    if (len > dev->mtu + dev->hard_header_len && !is_vlan_frame(skb, dev)) {
        kfree_skb(skb);
        return -EMSGSIZE;
    }
    skb->protocol = proto;
    skb->dev = dev;
    skb->priority = sk->sk_priority;
    skb->mark = sk->sk_mark;
    dev_queue_xmit(skb);
    return static_cast<int>(len);
}

// Linux's packet_recvmsg: one frame, cut to the buffer (MSG_TRUNC says
// so, and with MSG_TRUNC in flags the whole length is returned), its
// sockaddr_ll (or sockaddr_pkt) as the source address.
int packet_recvmsg(socket* sock, msghdr* msg, size_t len, int flags) {
    struct sock* sk = sock->sk;
    if (static_cast<unsigned>(flags) & ~(MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC | MSG_ERRQUEUE)) {
        return -EINVAL;
    }
    if (static_cast<unsigned>(flags) & MSG_ERRQUEUE) {
        return -EAGAIN;   // no error queue: nothing there (Linux: sock_recv_errqueue)
    }
    int err;
    sk_buff* skb = skb_recv_datagram(sk, static_cast<unsigned>(flags), &err);
    if (!skb) {
        return err;
    }
    size_t copied = skb->len;
    if (copied > len) {
        copied = len;
        msg->msg_flags |= MSG_TRUNC;
    }
    err = skb_copy_datagram_msg(skb, 0, msg, static_cast<int>(copied));
    if (err) {
        skb_free_datagram(sk, skb);
        return err;
    }
    if (sock->type != SOCK_PACKET) {
        sockaddr_ll* sll = &PACKET_SKB_CB(skb)->sa.ll;
        sll->sll_family = AF_PACKET;
        sll->sll_protocol = skb->protocol;
    }
    sock_recv_timestamp(msg, sk, skb);
    if (msg->msg_name) {
        if (sock->type == SOCK_PACKET) {
            msg->msg_namelen = sizeof(sockaddr_pkt);
            memcpy(msg->msg_name, &PACKET_SKB_CB(skb)->sa.pkt, sizeof(sockaddr_pkt));
        } else {
            sockaddr_ll* sll = &PACKET_SKB_CB(skb)->sa.ll;
            msg->msg_namelen = static_cast<int>(offsetof(sockaddr_ll, sll_addr)) + sll->sll_halen;
            memcpy(msg->msg_name, sll, sizeof *sll);
        }
    }
    err = static_cast<int>((static_cast<unsigned>(flags) & MSG_TRUNC) ? skb->len : copied);
    skb_free_datagram(sk, skb);
    return err;
}

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

int get_int_opt(const void* optval, unsigned optlen, int* val) {
    if (optlen != sizeof(int)) {
        return -EINVAL;
    }
    return copy_from_user(val, optval, sizeof *val);
}

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
        if (packet_inet_ioctl) {
            return packet_inet_ioctl(sock, cmd, arg);
        }
        return -ENOIOCTLCMD;
    }
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

int (*packet_inet_ioctl)(socket* sock, unsigned cmd, unsigned long arg);

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
