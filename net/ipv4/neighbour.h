// The neighbour cache for IPv4 over Ethernet: who has which link address,
// and the state machine that finds out (Linux's include/net/neighbour.h,
// net/core/neighbour.c, keyed here by IPv4 address and device only, as ARP
// is its one user).
//
// States (Linux's NUD_*): a lookup miss creates an entry INCOMPLETE,
// broadcasts a request (arp.cpp) and queues the packet (at most
// queue_len, oldest dropped first); after mcast_probes requests
// retrans_time apart without an answer it is FAILED and what waited is
// dropped, each packet answered with an ICMP host unreachable to its
// sender. An answer makes it REACHABLE for reachable_time; then STALE
// (still used, unconfirmed). Sending to a STALE entry moves it to DELAY
// and, if nothing confirms it within delay_probe_time, to PROBE: unicast
// requests (ucast_probes) to the known address, then FAILED. PERMANENT
// entries (static, arp -s) never change or expire; NOARP ones are not kept.
//
// The table is bounded (gc_thresh): creating an entry in a full table
// evicts the entry least recently updated that is not PERMANENT; a
// periodic collection frees FAILED and STALE entries unused for
// gc_staletime. All timers run on the timer wheel (TIMER_SOFTIRQ).
//
// Contexts: every function here expects softirqs excluded (softirq
// context, or bh_guard); the process-context entry points in arp.h take it.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/list.h"
#include "kernel/timer.h"
#include "net/core/skbuff.h"
#include "net/ipv4/in.h"

struct net_device;

enum : uint8_t {
    NUD_NONE = 0x00,
    NUD_INCOMPLETE = 0x01,
    NUD_REACHABLE = 0x02,
    NUD_STALE = 0x04,
    NUD_DELAY = 0x08,
    NUD_PROBE = 0x10,
    NUD_FAILED = 0x20,
    NUD_NOARP = 0x40,
    NUD_PERMANENT = 0x80,
};
constexpr uint8_t NUD_IN_TIMER = NUD_INCOMPLETE | NUD_REACHABLE | NUD_DELAY | NUD_PROBE;
constexpr uint8_t NUD_VALID = NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY;
constexpr uint8_t NUD_CONNECTED = NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE;

constexpr unsigned NEIGH_HA_LEN = 6;  // Ethernet (ARP here only runs on Ethernet devices)

struct neighbour {
    list_head node;            // on neigh_table::entries, oldest first
    net_device* dev;           // held (dev_hold) while the entry exists
    __be32 primary_key;        // the IPv4 address
    uint8_t ha[NEIGH_HA_LEN];  // its link address, valid in NUD_VALID states
    uint8_t nud_state;
    uint8_t probes;            // requests sent in this INCOMPLETE/PROBE round
    unsigned long confirmed;   // jiffies: last proof of reachability (a reply)
    unsigned long updated;     // jiffies: last state or address change
    unsigned long used;        // jiffies: last packet sent through it
    timer_list timer;
    sk_buff_head arp_queue;    // packets waiting for the address, IP header at data
};

// Linux's neigh_parms for ARP (net.ipv4.neigh.default.*), in jiffies.
struct neigh_parms {
    unsigned long reachable_time;    // REACHABLE lasts this long after a confirmation
    unsigned long retrans_time;      // between requests
    unsigned long delay_probe_time;  // DELAY before PROBE
    unsigned long gc_staletime;      // unused FAILED/STALE entries are freed after it
    unsigned long locktime;          // a second answer within it does not replace the first
    unsigned long gc_interval;       // periodic collection
    unsigned ucast_probes;           // PROBE: unicast requests before FAILED
    unsigned mcast_probes;           // INCOMPLETE: broadcast requests before FAILED
    unsigned queue_len;              // packets waiting per entry (Linux's unres_qlen)
    unsigned gc_thresh;              // entries at most
};
neigh_parms arp_default_parms();

// What the protocol does for the neighbour layer (Linux's neigh_ops).
struct neigh_ops {
    // Send a request for n->primary_key (broadcast, or unicast to n->ha
    // when unicast is true); skb is the first waiting packet, or nullptr.
    void (*solicit)(neighbour* n, sk_buff* skb, bool unicast);
    // A waiting packet is dropped because resolution failed: tell its
    // sender (the skb is freed by the caller afterwards).
    void (*error_report)(neighbour* n, sk_buff* skb);
};

struct neigh_table {
    list_head entries;
    unsigned entries_count;
    neigh_parms parms;
    const neigh_ops* ops;
    timer_list gc_timer;
    bool initialised;
};
extern neigh_table arp_tbl;

// Sets the table up empty with these parameters (boot; tests again after
// neigh_table_clear()).
void neigh_table_init(neigh_table* tbl, const neigh_parms& parms, const neigh_ops* ops);
// Frees every entry (timers stopped, queues dropped and counted).
void neigh_table_clear(neigh_table* tbl);

neighbour* neigh_lookup(neigh_table* tbl, __be32 key, const net_device* dev);
// The entry, created NUD_NONE if missing (evicting when full); nullptr when
// out of memory or nothing could be evicted.
neighbour* neigh_lookup_create(neigh_table* tbl, __be32 key, net_device* dev);

// Flags for neigh_update (Linux's NEIGH_UPDATE_F_*).
constexpr unsigned NEIGH_UPDATE_F_OVERRIDE = 1u << 0;  // a different address replaces a valid one
constexpr unsigned NEIGH_UPDATE_F_ADMIN = 1u << 1;     // administrator: may change PERMANENT entries
// Moves n to new_state with lladdr (nullptr: keep the known address).
// Becoming valid sends what waited. Returns 0, or -EPERM (a PERMANENT entry
// and not ADMIN), -EINVAL (a valid state without any address).
int neigh_update(neigh_table* tbl, neighbour* n, const uint8_t* lladdr, uint8_t new_state, unsigned flags);
// A request from the neighbour arrived for us (RFC 826: merge the sender):
// the entry is created or refreshed STALE with lladdr.
neighbour* neigh_event_ns(neigh_table* tbl, const uint8_t* lladdr, __be32 saddr, net_device* dev);
// Sends skb (IP header at data) to n: now if its address is known, else
// queued while resolving (a FAILED entry starts a new round of requests).
// Consumes skb. 0 (sent or queued), or -ENOBUFS (dropped, counted).
int neigh_resolve_output(neigh_table* tbl, neighbour* n, sk_buff* skb);
// Removes n (timers, queue): arp -d.
void neigh_remove(neigh_table* tbl, neighbour* n);
// Every entry of dev (device down or gone).
void neigh_ifdown(neigh_table* tbl, net_device* dev);
// Calls fn for every entry, oldest first.
void neigh_for_each(neigh_table* tbl, void (*fn)(const neighbour& n, void* arg), void* arg);
const char* neigh_state_name(uint8_t nud_state);

// Linux's neigh_event_send semantics for tests and /proc: the periodic
// collection, run by its timer.
void neigh_periodic_gc(neigh_table* tbl);
