// The seam between an Ethernet controller driver and the net core: an ops
// table (as Linux's net_device_ops), the controller's counters (names from
// Linux's rtnl_link_stats64) and a list of the controllers the probes found.
// The net core wraps each eth_hw in a net_device (eth_netdev.cpp); the
// wire self-test (eth_selftest.h) uses one directly instead.
//
// Frames cross it as sk_buffs: the driver receives into skb data buffers
// and transmits straight from them (DMA-mapped, kernel/dma.h).
//
// Receive is NAPI-shaped: the driver's interrupt handler masks its receive
// interrupt and schedules a poll; poll(budget) hands at most budget good
// frames to hooks.rx and, when it finished under budget, unmasks again.
// With the net core attached (eth_netdev.cpp sets hooks.rx_schedule) the
// poll runs in NET_RX_SOFTIRQ with interrupts on; without it (the wire
// self-test) the driver polls at the end of its interrupt handler.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "net/core/if_ether.h"


struct eth_stats {
    uint64_t rx_packets, tx_packets;
    uint64_t rx_bytes, tx_bytes;
    uint64_t rx_errors, tx_errors;
    // rx: no memory for an skb, or not yet polled when the card restarted;
    // tx: still queued when the card was stopped or restarted
    uint64_t rx_dropped, tx_dropped;
    uint64_t multicast;                  // multicast and broadcast frames received
    uint64_t collisions;
    uint64_t rx_length_errors, rx_over_errors, rx_crc_errors, rx_frame_errors;
    uint64_t rx_fifo_errors, rx_missed_errors;
    uint64_t tx_aborted_errors, tx_carrier_errors, tx_fifo_errors, tx_window_errors;
};

struct eth_hw;
struct sk_buff;

// How the user of a controller (the net core's glue, eth_netdev.cpp, or
// the wire self-test) hears from the driver. Set before open().
struct eth_hw_hooks {
    // Each good frame as an sk_buff: data at the destination MAC, len
    // without the FCS, dev unset. The receiver owns it. Called from the
    // poll, interrupts on (in NET_RX_SOFTIRQ) when rx_schedule is set.
    void (*rx)(void* ctx, sk_buff* skb);
    // From the interrupt handler, the receive interrupt masked: run the
    // poll soon (napi_schedule). Unset: the driver polls at the end of its
    // interrupt handler itself.
    void (*rx_schedule)(void* ctx);
    // The poll did less than its budget: napi_complete_done(); true if the
    // driver may unmask its receive interrupt. Unset: always true.
    bool (*rx_complete)(void* ctx, int work);
    // Inside the driver's critical section, when it takes its last transmit
    // descriptor (netif_stop_queue), and when it has room again after
    // reclaiming (netif_wake_queue): no completion can fall in between.
    void (*tx_stop)(void* ctx);
    void (*tx_wake)(void* ctx);
    void* ctx;
    // A PHY's link went up or down (the driver's link watchdog, timer
    // context): netif_carrier_on/off. Unset: nobody is told.
    void (*link_change)(void* ctx, bool up) = nullptr;
};

struct eth_hw_ops {
    int (*open)(eth_hw& hw);                            // 0 or -errno
    void (*stop)(eth_hw& hw);
    // Sends skb (ETH_HLEN..ETH_FRAME_LEN bytes, no FCS) from its own data
    // and frees it once sent: 0. -EBUSY: the ring is full, the skb is not
    // taken, tx_stop was called and tx_wake will follow. Other -errno
    // (-EINVAL bad length, -ENETDOWN not open, -ENOMEM): not taken either,
    // the caller frees it. Any context.
    int (*xmit)(eth_hw& hw, sk_buff* skb);
    int (*poll)(eth_hw& hw, int budget);                // frames handed up
    void (*set_promisc)(eth_hw& hw, bool on);
    // Exactly these multicast groups (plus broadcast), as far as the
    // controller's filter can tell them apart; -EINVAL for a unicast address.
    int (*set_multicast)(eth_hw& hw, const uint8_t (*addrs)[ETH_ALEN], size_t n);
    bool (*link_up)(eth_hw& hw);
    void (*get_stats)(eth_hw& hw, eth_stats& out);
};

struct eth_hw {
    char name[8];                  // "eth0", given by eth_hw_register()
    const char* driver;
    uint8_t dev_addr[ETH_ALEN];    // the MAC address
    int irq;
    const eth_hw_ops* ops;
    eth_hw* next;
    eth_hw_hooks hooks;
};

void eth_hw_register(eth_hw& hw);     // names it and adds it to the list
void eth_hw_unregister(eth_hw& hw);
eth_hw* eth_hw_first();
eth_hw* eth_hw_find(const char* name);
