// Each Ethernet controller the probes found (eth_hw) becomes a net_device:
// NAPI receive in NET_RX_SOFTIRQ, transmit through the core's queue.
#pragma once

struct eth_hw;
struct net_device;

// Registers the controller as a net_device with its name ("eth0") and MAC,
// and brings it up. nullptr on failure (logged).
net_device* eth_netdev_register(eth_hw& hw);
