// Network devices and the core between drivers and protocols (Linux's
// include/linux/netdevice.h, net/core/dev.c).
//
// Receive: a driver hands frames up either from its interrupt handler with
// netif_rx() (queued on the backlog, bounded by netdev_max_backlog) or, the
// NAPI way, by calling napi_schedule() from the interrupt handler and
// netif_receive_skb() from its poll function, which net_rx_action() calls in
// NET_RX_SOFTIRQ within netdev_budget frames. netif_receive_skb() shows each
// frame to every tap on ptype_all and then to the handlers for its protocol
// (ptype_base[ntohs(type) & 15]), each getting a reference of its own.
//
// Transmit: dev_queue_xmit() shows the frame to the taps (a clone, as
// PACKET_OUTGOING) and gives it to the driver's ndo_start_xmit(); when the
// driver is busy or has stopped its queue (netif_stop_queue), frames wait
// in the device's queue (tx_queue_len) until netif_wake_queue() lets
// net_tx_action() (NET_TX_SOFTIRQ) send them.
//
// Contexts: one CPU. Device registration, dev_open/dev_close and the flag
// and address-list changes run in process context under rtnl_lock()
// (net/core/rtnetlink.h), which serializes configuring threads; they exclude the
// softirqs with local_bh_disable() and the interrupt handlers with
// cpu::irq_guard where those touch the same state. Drivers call
// netif_rx(), napi_schedule(), netif_wake_queue(), netif_carrier_on/off()
// and dev_kfree_skb_irq/_any() from their interrupt handlers; everything
// else from process or softirq context.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/list.h"
#include "kernel/notifier.h"
#include "net/core/if.h"
#include "net/core/if_arp.h"
#include "net/core/if_ether.h"
#include "net/core/skbuff.h"

struct net_device;
struct napi_struct;

constexpr unsigned MAX_ADDR_LEN = 32;             // longest hardware address
constexpr unsigned DEFAULT_TX_QUEUE_LEN = 1000;
constexpr int NAPI_POLL_WEIGHT = 64;
constexpr size_t NETDEV_ALIGN = 32;               // netdev_priv() alignment

// ndo_start_xmit() results.
enum netdev_tx_t : int {
    NETDEV_TX_OK = 0x00,    // taken (sent, queued in the hardware, or dropped and freed)
    NETDEV_TX_BUSY = 0x10,  // not taken: the core keeps the frame and retries
};
// dev_queue_xmit() results (besides -errno).
constexpr int NET_XMIT_SUCCESS = 0x00;
constexpr int NET_XMIT_DROP = 0x01;
constexpr int NET_XMIT_CN = 0x02;
// netif_rx() / netif_receive_skb() results.
constexpr int NET_RX_SUCCESS = 0;
constexpr int NET_RX_DROP = 1;

// Counters as Linux's struct net_device_stats (what ifconfig shows), plus
// rx_nohandler: frames no protocol wanted (also counted in rx_dropped).
struct net_device_stats {
    unsigned long rx_packets, tx_packets;
    unsigned long rx_bytes, tx_bytes;
    unsigned long rx_errors, tx_errors;
    unsigned long rx_dropped, tx_dropped;
    unsigned long multicast;
    unsigned long collisions;
    unsigned long rx_length_errors, rx_over_errors, rx_crc_errors, rx_frame_errors;
    unsigned long rx_fifo_errors, rx_missed_errors;
    unsigned long tx_aborted_errors, tx_carrier_errors, tx_fifo_errors;
    unsigned long tx_heartbeat_errors, tx_window_errors;
    unsigned long rx_compressed, tx_compressed;
    unsigned long rx_nohandler;
};

// What a driver implements. All may be nullptr except ndo_start_xmit.
struct net_device_ops {
    int (*ndo_init)(net_device* dev);          // in register_netdevice(); nonzero refuses
    void (*ndo_uninit)(net_device* dev);       // in unregister_netdevice()
    int (*ndo_open)(net_device* dev);          // dev_open(): start the hardware, napi_enable()
    int (*ndo_stop)(net_device* dev);          // dev_close(): napi_disable(), stop the hardware
    // Called with softirqs disabled. NETDEV_TX_OK: the frame is the
    // driver's (it frees it, e.g. dev_consume_skb_any() on completion).
    // NETDEV_TX_BUSY: the core keeps it; the driver should have stopped its
    // queue and wakes it when there is room again.
    netdev_tx_t (*ndo_start_xmit)(sk_buff* skb, net_device* dev);
    // flags (IFF_PROMISC, IFF_ALLMULTI) or the multicast list changed:
    // program the receive filter.
    void (*ndo_set_rx_mode)(net_device* dev);
    int (*ndo_change_mtu)(net_device* dev, int new_mtu);
    net_device_stats* (*ndo_get_stats)(net_device* dev);
};

// Link-layer header construction (Linux's struct header_ops).
struct header_ops {
    // Pushes the header for a payload of len bytes of protocol type (host
    // order) to daddr from saddr (nullptr: dev_addr). Returns the header
    // length, or its negative when the destination is not known yet.
    int (*create)(sk_buff* skb, net_device* dev, uint16_t type, const void* daddr, const void* saddr,
                  unsigned int len);
    // The source hardware address of a received frame; its length.
    int (*parse)(const sk_buff* skb, uint8_t* haddr);
};

// A multicast address the receive filter should let through.
struct netdev_hw_addr {
    list_head list;
    uint8_t addr[MAX_ADDR_LEN];
    int refcount;  // dev_mc_add() calls not yet undone by dev_mc_del()
};

struct netdev_hw_addr_list {
    list_head list;
    int count = 0;
};

// The device's transmit queue (Linux's Qdisc, here always a FIFO).
struct Qdisc {
    sk_buff_head q;
    unsigned long drops;     // refused: queue full or device down
    unsigned long requeues;  // driver said NETDEV_TX_BUSY
};

// net_device::state bits.
constexpr unsigned long __LINK_STATE_START = 1u << 0;       // dev_open() done
constexpr unsigned long __LINK_STATE_NOCARRIER = 1u << 1;   // netif_carrier_off()
constexpr unsigned long __QUEUE_STATE_DRV_XOFF = 1u << 2;   // netif_stop_queue()
constexpr unsigned long __QDISC_STATE_SCHED = 1u << 3;      // on the output_queue

enum netdev_reg_state : uint8_t { NETREG_UNINITIALIZED, NETREG_REGISTERED, NETREG_UNREGISTERED };

// net_device::features (Linux's NETIF_F_*): what the device does itself.
constexpr uint32_t NETIF_F_HW_CSUM = 1u << 3;   // fills in CHECKSUM_PARTIAL sums (or, lo, needs none)

struct net_device {
    char name[IFNAMSIZ];                // "eth%d" is completed at registration
    int ifindex;                        // from 1, in registration order
    uint32_t features;                  // NETIF_F_*
    unsigned int flags;                 // IFF_*, as set; dev_get_flags() adds RUNNING/LOWER_UP
    unsigned int gflags;                // IFF_PROMISC/IFF_ALLMULTI the administrator asked for
    unsigned int mtu, min_mtu, max_mtu;
    uint16_t type;                      // ARPHRD_*
    uint16_t hard_header_len;           // link header bytes to leave room for
    uint8_t addr_len;
    uint8_t dev_addr[MAX_ADDR_LEN];
    uint8_t broadcast[MAX_ADDR_LEN];
    net_device_stats stats;
    const net_device_ops* netdev_ops;
    const struct header_ops* header_ops;  // "struct": the member has the type's name, as in Linux
    unsigned int tx_queue_len;          // 0: no queue, a busy driver drops
    unsigned int promiscuity;           // dev_set_promiscuity() users
    unsigned int allmulti;              // dev_set_allmulti() users
    netdev_hw_addr_list mc;
    unsigned long state;                // __LINK_STATE_* and queue bits; irq-safe helpers below
    unsigned long trans_start;          // jiffies of the last ndo_start_xmit()
    netdev_reg_state reg_state;
    int refcnt;                         // dev_hold() users
    list_head dev_list;                 // on init_net.dev_base_head
    list_head napi_list;
    Qdisc qdisc;
    list_head tx_sched;                 // on softnet_data::output_queue
    struct netfault_dev* netfault;      // netfault= faults on this device, or nullptr
};

// The driver's private area, behind the net_device (alloc_netdev).
inline void* netdev_priv(const net_device* dev) {
    constexpr size_t off = (sizeof(net_device) + NETDEV_ALIGN - 1) / NETDEV_ALIGN * NETDEV_ALIGN;
    return const_cast<char*>(reinterpret_cast<const char*>(dev)) + off;
}

// The one network namespace (Linux's init_net).
struct net {
    list_head dev_base_head;
    net_device* loopback_dev = nullptr;
    int ifindex = 0;  // last one given
};
extern net init_net;

// for (net_device& dev : for_each_netdev()) ...
inline list_entries<net_device, &net_device::dev_list> for_each_netdev(net* n = &init_net) {
    return list_entries<net_device, &net_device::dev_list>(&n->dev_base_head);
}

// Devices -------------------------------------------------------------------

// A zeroed net_device with sizeof_priv private bytes, setup() run on it
// (ether_setup, loopback_setup...). name may hold one "%d". nullptr when
// out of memory or the name is too long.
net_device* alloc_netdev(size_t sizeof_priv, const char* name, void (*setup)(net_device* dev));
// After unregister (or instead of register). Refused (pr_err) while
// registered or held.
void free_netdev(net_device* dev);
// 0, or -EINVAL (bad name, no ndo_start_xmit, registered already), -EEXIST
// (name taken), -ENFILE (no free "eth%d"), or ndo_init's error.
// The caller holds the RTNL; register_netdev() takes it.
int register_netdevice(net_device* dev);
int register_netdev(net_device* dev);
// Closes it if up, drops what is queued for it, tells the notifiers.
// The caller holds the RTNL; unregister_netdev() takes it.
void unregister_netdevice(net_device* dev);
void unregister_netdev(net_device* dev);

inline void dev_hold(net_device* dev) {
    if (dev) {
        __atomic_add_fetch(&dev->refcnt, 1, __ATOMIC_RELAXED);
    }
}
inline void dev_put(net_device* dev) {
    if (dev) {
        __atomic_sub_fetch(&dev->refcnt, 1, __ATOMIC_RELAXED);
    }
}
// Held (dev_put() when done) / not held.
net_device* dev_get_by_name(const char* name);
net_device* __dev_get_by_name(const char* name);
net_device* dev_get_by_index(int ifindex);
net_device* __dev_get_by_index(int ifindex);

// 0 or -errno (ndo_open's, -ENODEV if not registered). Opening an open
// device is 0. This and the other configuration calls below (dev_close,
// dev_change_flags, dev_set_mtu) expect the caller to hold the RTNL.
int dev_open(net_device* dev);
int dev_close(net_device* dev);
// flags with IFF_RUNNING and IFF_LOWER_UP as the link is.
unsigned int dev_get_flags(const net_device* dev);
// The administrator's flags (SIOCSIFFLAGS): IFF_UP opens or closes, IFF_PROMISC
// and IFF_ALLMULTI take or give back one user each.
int dev_change_flags(net_device* dev, unsigned int flags);
// Counted, as Linux: the device is promiscuous while promiscuity > 0.
// inc may be negative. 0, or -EOVERFLOW (unchanged).
int dev_set_promiscuity(net_device* dev, int inc);
int dev_set_allmulti(net_device* dev, int inc);
void dev_set_rx_mode(net_device* dev);   // asks the driver to program its filter
// 0, or -EINVAL (outside min_mtu..max_mtu) or ndo_change_mtu's error.
int dev_set_mtu(net_device* dev, int new_mtu);
// The device's counters (ndo_get_stats if it has one).
const net_device_stats* dev_get_stats(net_device* dev);

// Multicast addresses (addr_len bytes) the device should receive; counted,
// so a group joined twice needs two dev_mc_del(). 0, -EINVAL (not a
// multicast address), -ENOMEM, -ENOENT (dev_mc_del of one not there).
int dev_mc_add(net_device* dev, const uint8_t* addr);
int dev_mc_del(net_device* dev, const uint8_t* addr);
inline int netdev_mc_count(const net_device* dev) { return dev->mc.count; }
inline bool netdev_mc_empty(const net_device* dev) { return dev->mc.count == 0; }
// for (netdev_hw_addr& ha : netdev_for_each_mc_addr(dev)) ...
inline list_entries<netdev_hw_addr, &netdev_hw_addr::list> netdev_for_each_mc_addr(net_device* dev) {
    return list_entries<netdev_hw_addr, &netdev_hw_addr::list>(&dev->mc.list);
}
void dev_mc_flush(net_device* dev);

// Headroom to reserve for dev's link header, rounded up to 16 bytes as
// Linux's LL_RESERVED_SPACE (HH_DATA_MOD), so that what follows stays aligned.
constexpr unsigned HH_DATA_MOD = 16;
inline unsigned LL_RESERVED_SPACE(const net_device* dev) {
    return (dev->hard_header_len & ~(HH_DATA_MOD - 1)) + HH_DATA_MOD;
}

// Link-layer header through dev->header_ops (nothing pushed without them).
inline int dev_hard_header(sk_buff* skb, net_device* dev, uint16_t type, const void* daddr, const void* saddr,
                           unsigned int len) {
    if (!dev->header_ops || !dev->header_ops->create) {
        return 0;
    }
    return dev->header_ops->create(skb, dev, type, daddr, saddr, len);
}
inline int dev_parse_header(const sk_buff* skb, uint8_t* haddr) {
    if (!skb->dev || !skb->dev->header_ops || !skb->dev->header_ops->parse) {
        return 0;
    }
    return skb->dev->header_ops->parse(skb, haddr);
}

// Link state, from the driver (any context; NETDEV_CHANGE goes to the
// notifiers unless called from a hard interrupt handler).
inline bool netif_running(const net_device* dev) { return dev->state & __LINK_STATE_START; }
inline bool netif_carrier_ok(const net_device* dev) { return !(dev->state & __LINK_STATE_NOCARRIER); }
void netif_carrier_on(net_device* dev);
void netif_carrier_off(net_device* dev);

// Transmit queue control, from the driver (any context).
void netif_start_queue(net_device* dev);   // may send; no reschedule
void netif_stop_queue(net_device* dev);    // no room: hold frames in the queue
void netif_wake_queue(net_device* dev);    // room again: send what waits (NET_TX_SOFTIRQ)
inline bool netif_queue_stopped(const net_device* dev) { return dev->state & __QUEUE_STATE_DRV_XOFF; }

// Device events (Linux's NETDEV_*), to register_netdevice_notifier() blocks,
// with a netdev_notifier_info* as data.
enum netdev_cmd : unsigned long {
    NETDEV_UP = 1,
    NETDEV_DOWN = 2,
    NETDEV_CHANGE = 4,        // carrier or flags
    NETDEV_REGISTER = 5,
    NETDEV_UNREGISTER = 6,
    NETDEV_CHANGEMTU = 7,
    NETDEV_CHANGEADDR = 8,
    NETDEV_GOING_DOWN = 10,
};
struct netdev_notifier_info {
    net_device* dev;
};
inline net_device* netdev_notifier_info_to_dev(const void* ptr) {
    return static_cast<const netdev_notifier_info*>(ptr)->dev;
}
// Registering replays NETDEV_REGISTER and NETDEV_UP for the devices there,
// under the RTNL (it takes it: the caller must not hold it).
int register_netdevice_notifier(notifier_block* nb);
int unregister_netdevice_notifier(notifier_block* nb);
int call_netdevice_notifiers(netdev_cmd event, net_device* dev);

// Receive -------------------------------------------------------------------

// A protocol handler (Linux's struct packet_type). type is network order;
// htons(ETH_P_ALL) makes it a tap that sees every frame, received and sent.
// dev limits it to one device. func gets its own reference to the skb (it
// must free it) and returns NET_RX_SUCCESS or NET_RX_DROP; the skb may be
// shared with other handlers, see skb_share_check().
struct packet_type {
    __be16 type;
    bool ignore_outgoing;     // a tap that does not want PACKET_OUTGOING
    net_device* dev;          // nullptr: every device
    int (*func)(sk_buff* skb, net_device* dev, packet_type* pt, net_device* orig_dev);
    void* af_packet_priv;     // the packet socket it belongs to, if any
    list_head list;
};

// Added at the front of its list, as Linux (the newest tap runs first).
// From process context; never from a handler.
void dev_add_pack(packet_type* pt);
// When it returns, the handler is not running and will not be called again.
void dev_remove_pack(packet_type* pt);

// Queues a received frame on the backlog (any context; from an interrupt
// handler typically). NET_RX_DROP when the backlog is full (the skb is freed
// and counted in softnet_data::dropped and dev->stats.rx_dropped).
int netif_rx(sk_buff* skb);
// Delivers a frame now (softirq context: a NAPI poll function). Consumes
// the reference. NET_RX_DROP when nobody wanted it.
int netif_receive_skb(sk_buff* skb);

// NAPI --------------------------------------------------------------------

constexpr unsigned long NAPI_STATE_SCHED = 1u << 0;    // scheduled or being polled (or disabled)
constexpr unsigned long NAPI_STATE_MISSED = 1u << 1;   // napi_schedule() while scheduled
constexpr unsigned long NAPI_STATE_DISABLE = 1u << 2;  // napi_disable() pending

struct napi_struct {
    list_head poll_list;   // on softnet_data::poll_list while scheduled
    unsigned long state;
    int weight;            // most frames one poll may hand up
    // Returns the frames handed up (<= budget). Below budget it must call
    // napi_complete_done() first (and re-enable the device's interrupt if
    // that returns true); at budget it stays scheduled and is polled again.
    int (*poll)(napi_struct* napi, int budget);
    net_device* dev;
    list_head dev_list;    // on dev->napi_list
};

// The instance starts disabled: napi_enable() it in ndo_open.
void netif_napi_add(net_device* dev, napi_struct* napi, int (*poll)(napi_struct*, int),
                    int weight = NAPI_POLL_WEIGHT);
void netif_napi_del(napi_struct* napi);
void napi_enable(napi_struct* napi);
// Process context: takes it off the poll list; napi_schedule() is ignored
// until napi_enable().
void napi_disable(napi_struct* napi);
// From the interrupt handler (which then masks the device's interrupt):
// true if this call scheduled it.
bool napi_schedule_prep(napi_struct* napi);
void __napi_schedule(napi_struct* napi);
inline bool napi_schedule(napi_struct* napi) {
    if (napi_schedule_prep(napi)) {
        __napi_schedule(napi);
        return true;
    }
    return false;
}
// From poll, when it found less work than its budget. false when an
// interrupt asked for another poll meanwhile (it stays scheduled, leave
// the device's interrupt masked).
bool napi_complete_done(napi_struct* napi, int work_done);
inline bool napi_complete(napi_struct* napi) { return napi_complete_done(napi, 0); }
inline sk_buff* napi_alloc_skb(napi_struct* napi, unsigned int length) {
    return netdev_alloc_skb_ip_align(napi->dev, length);
}

// Transmit ------------------------------------------------------------------

// Sends skb through skb->dev (set, with its link header pushed). Consumes
// the reference. NET_XMIT_SUCCESS (sent or queued), NET_XMIT_DROP (queue
// full), -ENETDOWN (device not up), -EINVAL (no device).
int dev_queue_xmit(sk_buff* skb);

// Freeing from a driver. In an interrupt handler (or with interrupts
// masked) the last reference is not freed there but put on the softnet
// completion queue and freed by net_tx_action(), so that socket destructors
// never run in an interrupt handler (Linux's rule). _any picks the way by
// context; _irq always defers. consume: sent; kfree: dropped.
void dev_kfree_skb_irq(sk_buff* skb);
void dev_consume_skb_irq(sk_buff* skb);
void dev_kfree_skb_any(sk_buff* skb);
void dev_consume_skb_any(sk_buff* skb);
inline void dev_kfree_skb(sk_buff* skb) { consume_skb(skb); }

// Softirqs and their state ------------------------------------------------

struct softnet_data {
    list_head poll_list;            // napi instances to poll
    sk_buff_head input_pkt_queue;   // netif_rx() backlog (irq-safe)
    sk_buff_head process_queue;     // taken from input_pkt_queue, being delivered
    napi_struct backlog;            // polls the two queues (process_backlog)
    list_head output_queue;         // devices whose queue wants a run
    sk_buff_head completion_queue;  // dev_kfree_skb_irq() frees (irq-safe)
    // /proc/net/softnet_stat
    unsigned long processed;        // frames through netif_receive_skb()
    unsigned long dropped;          // netif_rx() backlog full
    unsigned long time_squeeze;     // net_rx_action() left work for later
};
softnet_data* this_softnet_data();

extern int netdev_max_backlog;     // 1000: frames on the netif_rx() backlog
extern int netdev_budget;          // 300: frames per net_rx_action()
extern unsigned long netdev_budget_jiffies;  // 2: time per net_rx_action()
extern int dev_tx_weight;          // 64: frames per device per net_tx_action()

void net_rx_action();   // NET_RX_SOFTIRQ
void net_tx_action();   // NET_TX_SOFTIRQ

// Linux's subsys_initcall(net_dev_init): slab cache, lists, backlog NAPI,
// softirqs, then the loopback device (up). Host tests call it again to
// start from nothing: every device, handler and queued frame is forgotten.
void net_dev_init();

// Loopback (net/core/loopback.cpp) ------------------------------------------

void loopback_setup(net_device* dev);
// Registers and opens "lo" as init_net.loopback_dev; 0 or -errno.
int loopback_net_init();
