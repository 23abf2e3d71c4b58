// The seam between an Ethernet controller driver and the net core: an ops
// table (as Linux's net_device_ops), the controller's counters (names from
// Linux's rtnl_link_stats64) and a list of the controllers the probes found.
// The net core will wrap each eth_hw in a net_device; until then the driver
// self-test (eth_selftest.h) is the only user.
//
// Receive is NAPI-shaped: the driver's interrupt handler masks its receive
// interrupt and schedules a poll; poll(budget) hands at most budget good
// frames to the rx function given to open() and, when it finished under
// budget, unmasks again. With the net core attached (eth_netdev.cpp sets
// hooks.rx_schedule) the poll runs in NET_RX_SOFTIRQ; without it (the wire
// self-test) the driver polls at the end of its interrupt handler.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "net/core/if_ether.h"


struct eth_stats {
    uint64_t rx_packets, tx_packets;
    uint64_t rx_bytes, tx_bytes;
    uint64_t rx_errors, tx_errors;
    uint64_t rx_dropped, tx_dropped;     // no buffer / ring full (xmit said -EBUSY)
    uint64_t multicast;                  // multicast and broadcast frames received
    uint64_t collisions;
    uint64_t rx_length_errors, rx_over_errors, rx_crc_errors, rx_frame_errors;
    uint64_t rx_fifo_errors, rx_missed_errors;
    uint64_t tx_aborted_errors, tx_carrier_errors, tx_fifo_errors, tx_window_errors;
};

// Called for each good frame (destination MAC first, FCS stripped). The
// buffer is the driver's: copy what must outlive the call.
using eth_rx_fn = void (*)(void* ctx, const uint8_t* frame, size_t len);

struct eth_hw;

struct eth_hw_ops {
    int (*open)(eth_hw& hw, eth_rx_fn rx, void* ctx);   // 0 or -errno
    void (*stop)(eth_hw& hw);
    // Copies frame (ETH_HLEN..ETH_FRAME_LEN bytes, no FCS) into a transmit
    // buffer: 0, -EBUSY when the ring is full, -EINVAL bad length,
    // -ENETDOWN when not open. Any context.
    int (*xmit)(eth_hw& hw, const void* frame, size_t len);
    int (*poll)(eth_hw& hw, int budget);                // frames handed up
    void (*set_promisc)(eth_hw& hw, bool on);
    // Exactly these multicast groups (plus broadcast), as far as the
    // controller's filter can tell them apart; -EINVAL for a unicast address.
    int (*set_multicast)(eth_hw& hw, const uint8_t (*addrs)[ETH_ALEN], size_t n);
    bool (*link_up)(eth_hw& hw);
    void (*get_stats)(eth_hw& hw, eth_stats& out);
};

// How the net core takes over the receive poll and hears about transmit
// room (drivers/net/eth_netdev.cpp). With rx_schedule unset, the driver
// polls at the end of its interrupt handler itself.
struct eth_hw_hooks {
    void (*rx_schedule)(void* ctx);   // from the irq handler, RX interrupt masked
    void (*tx_space)(void* ctx);      // transmit descriptors were reclaimed
    void* ctx;
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
