// Fault injection at the driver boundary: drop, duplicate, reorder, corrupt
// and delay frames per device and direction, from netfault= on the command
// line, so loss recovery can be tested without a qdisc like Linux's
// net/sched/sch_netem.c. The pattern comes from a small PRNG whose start
// value is given, so a run repeats exactly.
#pragma once
#include <stdint.h>

#include "kernel/timer.h"
#include "net/core/if.h"
#include "net/core/skbuff.h"

struct net_device;

enum class netfault_dir : uint8_t { rx = 0, tx = 1 };
constexpr unsigned NETFAULT_DIRS = 2;
constexpr unsigned NETFAULT_MAX_DEVS = 4;
constexpr uint32_t NETFAULT_PPM = 1000000;  // rates are parts per million

// What netfault=IFNAME:... asks for.
struct netfault_config {
    char ifname[IFNAMSIZ];
    uint32_t drop, dup, reorder, corrupt;  // ppm
    unsigned delay_ms;
    uint32_t seed;
    bool dirs[NETFAULT_DIRS];
};

struct netfault_counters {
    unsigned long frames, drops, dups, reorders, corrupts, delayed;
};

// Hands a frame on past the faults. pass() runs in the caller's context
// and returns its verdict; pass_later() must be safe from a timer.
struct netfault_ops {
    int (*pass)(sk_buff* skb, net_device* dev);
    void (*pass_later)(sk_buff* skb, net_device* dev);
};

// One direction of one device: its PRNG, the frame held back for a
// reorder, the frames waiting out the delay, and their timers.
struct netfault_path {
    uint32_t prng;
    sk_buff* held;
    sk_buff_head delayq;
    timer_list reorder_timer;
    timer_list delay_timer;
    net_device* dev;
    const netfault_config* cfg;
    netfault_ops ops;  // of the last frame: what the timers release through
    netfault_dir dir;
    netfault_counters stats;
};

struct netfault_dev {
    netfault_config cfg;
    net_device* dev;  // attached while registered
    netfault_path path[NETFAULT_DIRS];
};

// Parses "IFNAME:drop=5%,dup=0.5%,reorder=2%,corrupt=1%,delay=20ms,seed=42,dir=rx".
// Bad items are reported (pr_err naming the token) and ignored; -EINVAL if
// no interface is named.
int netfault_parse(const char* spec, netfault_config* cfg);

// Forgets every configuration, then reads each netfault= of the command line.
void netfault_init();
// Adds or replaces the configuration of spec's interface; attaches it to
// the device of that name if there is one. 0 or -EINVAL / -ENOSPC.
int netfault_setup(const char* spec);
// From register_netdevice and unregister_netdevice.
void netfault_attach(net_device* dev);
void netfault_detach(net_device* dev);
// Frees every held or delayed frame of dev (dev_close, unregister).
void netfault_flush(net_device* dev);

// The hook: applies dev's faults to skb. Returns pass()'s verdict, or
// consumed_rc when the frame was dropped or is held.
int netfault_apply(net_device* dev, netfault_dir dir, sk_buff* skb, const netfault_ops& ops, int consumed_rc);

const netfault_dev* netfault_find(const char* ifname);
void netfault_proc_init();  // /proc/net/netfault

// xorshift32 (Marsaglia 2003): a uniform value in [0, NETFAULT_PPM).
uint32_t netfault_next(uint32_t* state);
