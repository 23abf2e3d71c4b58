// Socket buffers: one packet and its metadata on its way through the stack,
// Linux's struct sk_buff (include/linux/skbuff.h, net/core/skbuff.c).
//
// The data buffer is linear (no page fragments):
//
//     head          data              tail             end
//      |  headroom   |  packet (len)    |   tailroom     | skb_shared_info
//
// A layer adds its header in front with skb_push(), strips it with
// skb_pull(), appends with skb_put(); alloc_skb() callers skb_reserve() the
// room for the headers to come. Every bound is checked: a put, push or
// reserve that does not fit is refused (pr_err, counted in skb_stats(),
// nothing changed, nullptr returned) where Linux would panic.
//
// Ownership: an sk_buff has a reference count (users). Whoever holds a
// reference either passes it on (to a queue, to the next layer) or drops it
// with kfree_skb() (the packet is being dropped) or consume_skb() (it was
// used). skb_get() takes another reference to the same sk_buff: a handler
// that sees skb_shared() must not change its fields (skb_share_check()).
// skb_clone() makes a second sk_buff over the same data buffer (counted in
// skb_shared_info::dataref): its fields are its own, the bytes are not, so a
// writer of a cloned buffer skb_cow()s or skb_unshare()s first.
//
// DMA: the data buffer [head, end) starts on a cache line and is a whole
// number of lines (both at least cache_line_size()), and no other object
// shares those lines, so a driver may write back or invalidate them around a
// DMA transfer into or out of it. skb_shared_info lies in lines of its own
// after end.
//
// sk_buff structures come from the "skbuff_head_cache" kmem_cache, data
// buffers from kmalloc(); all of it is irq-safe (kmalloc masks interrupts,
// the reference counts are atomic).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/list.h"
#include "kernel/mm/gfp.h"
#include "kernel/byteorder.h"
#include "net/core/checksum.h"
#include "net/core/if_packet.h"

struct net_device;
struct sock;

// MIPS 24K/34K D-cache lines are 32 bytes (Config1.DL); buffers are rounded
// to max(L1_CACHE_BYTES, cache_line_size()).
constexpr unsigned L1_CACHE_BYTES = 32;
constexpr unsigned SMP_CACHE_BYTES = L1_CACHE_BYTES;
// Headroom that dev_alloc_skb() and friends reserve (Linux: max(32,
// L1_CACHE_BYTES)): room for a link header to be pushed in front later.
constexpr unsigned NET_SKB_PAD = 32;
// Receive buffers start 2 bytes into a word, so that after the 14-byte
// Ethernet header the IP header is 4-byte aligned.
constexpr unsigned NET_IP_ALIGN = 2;

// sk_buff::ip_summed: what is known about the transport checksum.
constexpr uint8_t CHECKSUM_NONE = 0;         // nothing; software checks it
constexpr uint8_t CHECKSUM_UNNECESSARY = 1;  // the device (or loopback) vouches for it
constexpr uint8_t CHECKSUM_COMPLETE = 2;     // csum holds the sum of the packet
constexpr uint8_t CHECKSUM_PARTIAL = 3;      // to be filled in on the way out

// Offsets in sk_buff::*_header that were never set.
constexpr uint16_t SKB_HEADER_UNSET = 0xffff;

struct skb_shared_info {
    int dataref;  // sk_buffs sharing this data buffer (atomic)
};

struct sk_buff {
    list_head list;            // on one sk_buff_head at a time
    net_device* dev;           // arrived on / leaves through
    sock* sk;                  // owning socket, if any
    uint64_t tstamp;           // ns of ktime_get_ns() when it arrived; 0 if unset
    alignas(8) char cb[48];    // private to the layer holding it
    unsigned int len;          // bytes from data to tail
    unsigned int truesize;     // memory it costs: buffer and structure
    __be16 protocol;           // EtherType of the payload, network order
    uint16_t mac_header;       // offsets from head, SKB_HEADER_UNSET if not set
    uint16_t network_header;
    uint16_t transport_header;
    uint16_t mac_len;
    uint8_t pkt_type;          // PACKET_HOST...
    uint8_t ip_summed;         // CHECKSUM_*
    uint8_t cloned : 1;        // data buffer may be shared with a clone
    uint8_t nit_done : 1;      // already shown to the taps on the way out
    uint8_t free_consumed : 1; // dev_consume_skb_irq(): counted as consumed, not dropped
    uint8_t netfault_done : 1; // past the injected faults once (net/core/netfault.h)
    __wsum csum;
    uint16_t csum_start;       // CHECKSUM_PARTIAL: where the sum starts, from head...
    uint16_t csum_offset;      // ...and where in that it goes
    uint32_t priority;
    uint32_t mark;
    int users;                 // references (atomic)
    void (*destructor)(sk_buff* skb);  // when the last reference goes (socket accounting)
    uint8_t* head;
    uint8_t* data;
    uint8_t* tail;
    uint8_t* end;
};

// Allocation ----------------------------------------------------------------

// Creates skbuff_head_cache. Once at boot (net_dev_init); host tests again
// after each slab reset.
void skb_init();

// An empty sk_buff whose buffer holds at least size bytes, no headroom
// reserved. nullptr (counted) when memory is short.
sk_buff* alloc_skb(unsigned int size, gfp_t gfp);
// Receive buffers: length bytes after NET_SKB_PAD of headroom, dev set.
sk_buff* __netdev_alloc_skb(net_device* dev, unsigned int length, gfp_t gfp);
inline sk_buff* netdev_alloc_skb(net_device* dev, unsigned int length) {
    return __netdev_alloc_skb(dev, length, GFP_ATOMIC);
}
inline sk_buff* dev_alloc_skb(unsigned int length) { return netdev_alloc_skb(nullptr, length); }
// As netdev_alloc_skb() with NET_IP_ALIGN more headroom: what a driver
// hands to an Ethernet receiver.
sk_buff* netdev_alloc_skb_ip_align(net_device* dev, unsigned int length);

// Drops a reference; the last one frees. kfree_skb() counts a drop,
// consume_skb() a normal end. nullptr is ignored; a freed sk_buff is
// reported (pr_err) and ignored as long as its memory was not reused.
void kfree_skb(sk_buff* skb);
void consume_skb(sk_buff* skb);
inline sk_buff* skb_get(sk_buff* skb) {
    __atomic_add_fetch(&skb->users, 1, __ATOMIC_RELAXED);
    return skb;
}
inline bool skb_shared(const sk_buff* skb) {
    return __atomic_load_n(&skb->users, __ATOMIC_RELAXED) != 1;
}
// Runs the destructor and forgets the socket: the packet no longer counts
// against it (loopback, before handing it to the receive path).
void skb_orphan(sk_buff* skb);

// Clones and copies -----------------------------------------------------------

inline skb_shared_info* skb_shinfo(const sk_buff* skb) {
    return reinterpret_cast<skb_shared_info*>(skb->end);
}
// A new sk_buff over the same data (fields copied, no socket, one user).
sk_buff* skb_clone(sk_buff* skb, gfp_t gfp);
// A new sk_buff with a private copy of the data, headroom included.
sk_buff* skb_copy(const sk_buff* skb, gfp_t gfp);
// As skb_copy() with the given headroom and tailroom.
sk_buff* skb_copy_expand(const sk_buff* skb, unsigned int newheadroom, unsigned int newtailroom,
                         gfp_t gfp);
// The data buffer is shared with a clone.
inline bool skb_cloned(const sk_buff* skb) {
    return skb->cloned && __atomic_load_n(&skb_shinfo(skb)->dataref, __ATOMIC_RELAXED) != 1;
}
// Gives the sk_buff a private data buffer with nhead more bytes of headroom
// and ntail more of tailroom, contents and header offsets kept. 0, or
// -ENOMEM (nothing changed), -EINVAL if the sk_buff itself is shared.
int pskb_expand_head(sk_buff* skb, unsigned int nhead, unsigned int ntail, gfp_t gfp);
// Makes the data writable (private) with at least headroom bytes in front.
int skb_cow(sk_buff* skb, unsigned int headroom);
inline int skb_cow_head(sk_buff* skb, unsigned int headroom) { return skb_cow(skb, headroom); }
// If the data is shared with a clone: a private copy replaces skb (its
// reference is dropped). nullptr when the copy fails (skb dropped too).
sk_buff* skb_unshare(sk_buff* skb, gfp_t gfp);
// If the sk_buff is shared: a clone replaces skb (its reference is dropped).
// nullptr when the clone fails (skb dropped too).
sk_buff* skb_share_check(sk_buff* skb, gfp_t gfp);

// Data area -------------------------------------------------------------------

inline unsigned int skb_headroom(const sk_buff* skb) { return static_cast<unsigned>(skb->data - skb->head); }
inline unsigned int skb_tailroom(const sk_buff* skb) { return static_cast<unsigned>(skb->end - skb->tail); }
inline unsigned int skb_headlen(const sk_buff* skb) { return skb->len; }
inline unsigned int skb_end_offset(const sk_buff* skb) { return static_cast<unsigned>(skb->end - skb->head); }
inline uint8_t* skb_tail_pointer(const sk_buff* skb) { return skb->tail; }

// Appends len bytes: their address, or nullptr (refused) past end.
uint8_t* skb_put(sk_buff* skb, unsigned int len);
void* skb_put_data(sk_buff* skb, const void* data, unsigned int len);
void* skb_put_zero(sk_buff* skb, unsigned int len);
// Prepends len bytes: the new data, or nullptr (refused) before head.
uint8_t* skb_push(sk_buff* skb, unsigned int len);
// Removes len bytes from the front: the new data, or nullptr (nothing
// changed) when fewer than len are there. Not an error: protocols use it
// to test.
uint8_t* skb_pull(sk_buff* skb, unsigned int len);
inline bool pskb_may_pull(const sk_buff* skb, unsigned int len) { return len <= skb->len; }
// Moves data and tail by len on an empty sk_buff (headroom for headers to
// come); refused past end.
void skb_reserve(sk_buff* skb, int len);
// Cuts the packet to len bytes (no-op when already shorter).
void skb_trim(sk_buff* skb, unsigned int len);
inline int pskb_trim(sk_buff* skb, unsigned int len) {
    skb_trim(skb, len);
    return 0;
}
// Zero-pads the packet to len bytes, growing the buffer if needed. On
// failure the sk_buff is freed (as Linux) and -ENOMEM returned.
int skb_put_padto(sk_buff* skb, unsigned int len);
// The same; on failure the sk_buff is freed only if free_on_error.
int __skb_put_padto(sk_buff* skb, unsigned int len, bool free_on_error);
// Copies len bytes from offset into the packet (from data) to to: 0, or
// -EFAULT when the range is outside the packet.
int skb_copy_bits(const sk_buff* skb, int offset, void* to, int len);
// csum_partial() of len packet bytes from offset, added to csum.
__wsum skb_checksum(const sk_buff* skb, int offset, int len, __wsum csum);
// CHECKSUM_PARTIAL done in software (Linux's skb_checksum_help): the sum
// from csum_start to the end, folded into csum_start + csum_offset (which
// holds the pseudo-header's sum), ip_summed CHECKSUM_NONE. 0, or -ENOMEM
// when a shared buffer could not be made private.
int skb_checksum_help(sk_buff* skb);
// Marks skb CHECKSUM_PARTIAL: the sum from start (a pointer into its data)
// goes off octets after it (Linux's skb_partial_csum_set).
inline void skb_partial_csum_set(sk_buff* skb, const uint8_t* start, uint16_t off) {
    skb->ip_summed = CHECKSUM_PARTIAL;
    skb->csum_start = static_cast<uint16_t>(start - skb->head);
    skb->csum_offset = off;
}

// Header positions ------------------------------------------------------------

inline uint8_t* skb_mac_header(const sk_buff* skb) { return skb->head + skb->mac_header; }
inline bool skb_mac_header_was_set(const sk_buff* skb) { return skb->mac_header != SKB_HEADER_UNSET; }
inline void skb_reset_mac_header(sk_buff* skb) { skb->mac_header = static_cast<uint16_t>(skb->data - skb->head); }
inline void skb_set_mac_header(sk_buff* skb, int offset) {
    skb_reset_mac_header(skb);
    skb->mac_header = static_cast<uint16_t>(skb->mac_header + offset);
}
inline int skb_mac_offset(const sk_buff* skb) { return static_cast<int>(skb_mac_header(skb) - skb->data); }

inline uint8_t* skb_network_header(const sk_buff* skb) { return skb->head + skb->network_header; }
inline void skb_reset_network_header(sk_buff* skb) {
    skb->network_header = static_cast<uint16_t>(skb->data - skb->head);
}
inline void skb_set_network_header(sk_buff* skb, int offset) {
    skb_reset_network_header(skb);
    skb->network_header = static_cast<uint16_t>(skb->network_header + offset);
}
inline int skb_network_offset(const sk_buff* skb) { return static_cast<int>(skb_network_header(skb) - skb->data); }

inline uint8_t* skb_transport_header(const sk_buff* skb) { return skb->head + skb->transport_header; }
inline bool skb_transport_header_was_set(const sk_buff* skb) {
    return skb->transport_header != SKB_HEADER_UNSET;
}
inline void skb_reset_transport_header(sk_buff* skb) {
    skb->transport_header = static_cast<uint16_t>(skb->data - skb->head);
}
inline void skb_set_transport_header(sk_buff* skb, int offset) {
    skb_reset_transport_header(skb);
    skb->transport_header = static_cast<uint16_t>(skb->transport_header + offset);
}
inline int skb_transport_offset(const sk_buff* skb) {
    return static_cast<int>(skb_transport_header(skb) - skb->data);
}
inline void skb_reset_mac_len(sk_buff* skb) {
    skb->mac_len = skb_mac_header_was_set(skb) ? static_cast<uint16_t>(skb->network_header - skb->mac_header) : 0;
}

// Queues ----------------------------------------------------------------------
//
// skb_queue_tail() and friends mask interrupts around the change, so a
// queue may be shared with an interrupt handler; the __ forms are for
// queues whose owner already excludes everyone else.

struct sk_buff_head {
    list_head list;
    uint32_t qlen = 0;
};

inline void __skb_queue_head_init(sk_buff_head* q) {
    INIT_LIST_HEAD(&q->list);
    q->qlen = 0;
}
inline void skb_queue_head_init(sk_buff_head* q) { __skb_queue_head_init(q); }
inline bool skb_queue_empty(const sk_buff_head* q) { return list_empty(&q->list); }
inline uint32_t skb_queue_len(const sk_buff_head* q) { return q->qlen; }
inline sk_buff* skb_peek(sk_buff_head* q) { return list_first_entry_or_null<sk_buff, &sk_buff::list>(&q->list); }
inline sk_buff* skb_peek_tail(sk_buff_head* q) {
    return skb_queue_empty(q) ? nullptr : container_of(q->list.prev, &sk_buff::list);
}
// for (sk_buff& skb : skb_queue_walk(q)): safe against unlinking the current one.
inline list_entries<sk_buff, &sk_buff::list> skb_queue_walk(sk_buff_head* q) {
    return list_entries<sk_buff, &sk_buff::list>(&q->list);
}

inline void __skb_queue_tail(sk_buff_head* q, sk_buff* skb) {
    list_add_tail(&skb->list, &q->list);
    ++q->qlen;
}
inline void __skb_queue_head(sk_buff_head* q, sk_buff* skb) {
    list_add(&skb->list, &q->list);
    ++q->qlen;
}
inline void __skb_unlink(sk_buff* skb, sk_buff_head* q) {
    list_del(&skb->list);
    --q->qlen;
}
inline sk_buff* __skb_dequeue(sk_buff_head* q) {
    sk_buff* skb = skb_peek(q);
    if (skb) {
        __skb_unlink(skb, q);
    }
    return skb;
}
inline sk_buff* __skb_dequeue_tail(sk_buff_head* q) {
    sk_buff* skb = skb_peek_tail(q);
    if (skb) {
        __skb_unlink(skb, q);
    }
    return skb;
}
// Moves every buffer of from to the tail of to; from is left empty.
void skb_queue_splice_tail_init(sk_buff_head* from, sk_buff_head* to);
void __skb_queue_purge(sk_buff_head* q);   // kfree_skb() of each

void skb_queue_tail(sk_buff_head* q, sk_buff* skb);
void skb_queue_head(sk_buff_head* q, sk_buff* skb);
sk_buff* skb_dequeue(sk_buff_head* q);
sk_buff* skb_dequeue_tail(sk_buff_head* q);
void skb_unlink(sk_buff* skb, sk_buff_head* q);
void skb_queue_purge(sk_buff_head* q);

// Accounting ------------------------------------------------------------------

struct skb_counters {
    unsigned long heads_allocated, heads_freed;   // sk_buff structures
    unsigned long data_allocated, data_freed;     // data buffers
    unsigned long clones, copies;
    unsigned long dropped, consumed;              // last references: kfree_skb / consume_skb
    unsigned long alloc_failures;
    unsigned long bound_errors;                   // refused put/push/reserve (skb_over/under_panic)
    unsigned long bad_frees;                      // kfree_skb of a freed sk_buff
};
const skb_counters& skb_stats();
inline unsigned long skb_heads_in_use() { return skb_stats().heads_allocated - skb_stats().heads_freed; }
inline unsigned long skb_data_in_use() { return skb_stats().data_allocated - skb_stats().data_freed; }
