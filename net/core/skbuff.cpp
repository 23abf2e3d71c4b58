#include "net/core/skbuff.h"

#include <string.h>

#include <initializer_list>
#include <new>

#include "kernel/cpu.h"
#include "kernel/mm/slab.h"
#include "kernel/preempt.h"
#include "kernel/printk.h"
#include "kernel/uapi/errno.h"
#include "net/core/netdevice.h"
#include "net/core/skb_fault.h"

namespace {

kmem_cache* skbuff_head_cache;
skb_counters counters;
unsigned fail_space, fail_times;   // skb_fail_allocations()

// Linux's should_fail(): the next allocation is refused on purpose.
bool should_fail() {
    if (!fail_times) {
        return false;
    }
    if (fail_space) {
        --fail_space;
        return false;
    }
    --fail_times;
    return true;
}

unsigned data_align() {
    unsigned line = cache_line_size();
    return line > SMP_CACHE_BYTES ? line : SMP_CACHE_BYTES;
}

// Linux's SKB_DATA_ALIGN: a whole number of cache lines.
size_t skb_data_align(size_t n) {
    size_t a = data_align();
    return (n + a - 1) / a * a;
}

// Counters change in interrupt handlers too.
void count(unsigned long& c) { __atomic_add_fetch(&c, 1, __ATOMIC_RELAXED); }

const char* dev_name_of(const sk_buff* skb) { return skb->dev ? skb->dev->name : "<NULL>"; }

void skb_over_panic(const sk_buff* skb, unsigned int sz, void* addr) {
    count(counters.bound_errors);
    pr_err("skb_over_panic (refused): text:%p len:%u put:%u head:%p data:%p tail:%#x end:%#x dev:%s\n",
           addr, skb->len, sz, skb->head, skb->data, static_cast<unsigned>(skb->tail - skb->head),
           skb_end_offset(skb), dev_name_of(skb));
}

void skb_under_panic(const sk_buff* skb, unsigned int sz, void* addr) {
    count(counters.bound_errors);
    pr_err("skb_under_panic (refused): text:%p len:%u push:%u head:%p data:%p tail:%#x end:%#x dev:%s\n",
           addr, skb->len, sz, skb->head, skb->data, static_cast<unsigned>(skb->tail - skb->head),
           skb_end_offset(skb), dev_name_of(skb));
}

// A data buffer of at least size bytes before its skb_shared_info; size is
// updated to what the caller may use.
uint8_t* alloc_data(size_t& size, gfp_t gfp) {
    size = skb_data_align(size);
    auto* data = static_cast<uint8_t*>(kmalloc(size + skb_data_align(sizeof(skb_shared_info)), gfp));
    if (!data) {
        return nullptr;
    }
    count(counters.data_allocated);
    if (reinterpret_cast<uintptr_t>(data) % data_align()) {
        static bool warned;
        if (!warned) {
            warned = true;
            pr_warn("skbuff: kmalloc gave %p, not on a %u-byte line: not DMA-safe\n", data, data_align());
        }
    }
    reinterpret_cast<skb_shared_info*>(data + size)->dataref = 1;
    return data;
}

void free_data(uint8_t* head) {
    kfree(head);
    count(counters.data_freed);
}

// skb_release_data(): the buffer goes with the last sk_buff using it.
void release_data(sk_buff* skb) {
    if (!skb->cloned || __atomic_sub_fetch(&skb_shinfo(skb)->dataref, 1, __ATOMIC_ACQ_REL) == 0) {
        free_data(skb->head);
    }
}

void release_head_state(sk_buff* skb) {
    if (skb->destructor) {
        if (in_hardirq()) {
            pr_warn("skbuff: destructor run in an interrupt handler (use dev_kfree_skb_any)\n");
        }
        skb->destructor(skb);
        skb->destructor = nullptr;
    }
    skb->sk = nullptr;
}

void free_head(sk_buff* skb) {
    skb->users = 0;  // a later kfree_skb of this pointer is recognized while the memory is not reused
    kmem_cache_free(skbuff_head_cache, skb);
    count(counters.heads_freed);
}

sk_buff* new_head(gfp_t gfp) {
    void* mem = skbuff_head_cache ? kmem_cache_alloc(skbuff_head_cache, gfp & ~__GFP_ZERO) : nullptr;
    if (!mem) {
        return nullptr;
    }
    count(counters.heads_allocated);
    return new (mem) sk_buff{};
}

void set_data(sk_buff* skb, uint8_t* data, size_t size) {
    skb->head = skb->data = skb->tail = data;
    skb->end = data + size;
    skb->truesize = static_cast<unsigned>(size + sizeof(sk_buff) + sizeof(skb_shared_info));
}

// The metadata a copy keeps (Linux's skb_copy_header / __copy_skb_header);
// not the socket, the references or the buffer.
void copy_header(sk_buff* n, const sk_buff* old) {
    n->dev = old->dev;
    n->tstamp = old->tstamp;
    memcpy(n->cb, old->cb, sizeof n->cb);
    n->protocol = old->protocol;
    n->mac_header = old->mac_header;
    n->network_header = old->network_header;
    n->transport_header = old->transport_header;
    n->mac_len = old->mac_len;
    n->pkt_type = old->pkt_type;
    n->ip_summed = old->ip_summed;
    n->csum = old->csum;
    n->csum_start = old->csum_start;
    n->csum_offset = old->csum_offset;
    n->priority = old->priority;
    n->mark = old->mark;
}

void shift_headers(sk_buff* skb, int by) {
    for (uint16_t* off : {&skb->mac_header, &skb->network_header, &skb->transport_header}) {
        if (*off != SKB_HEADER_UNSET) {
            *off = static_cast<uint16_t>(*off + by);
        }
    }
}

// skb_unref(): true when the caller held the last reference.
bool unref(sk_buff* skb) {
    int users = __atomic_load_n(&skb->users, __ATOMIC_ACQUIRE);
    if (users == 1) {
        return true;
    }
    if (users <= 0) {
        count(counters.bad_frees);
        pr_err("skbuff: free of an sk_buff already freed (%p)\n", static_cast<void*>(skb));
        return false;
    }
    return __atomic_sub_fetch(&skb->users, 1, __ATOMIC_ACQ_REL) == 0;
}

void free_skb(sk_buff* skb) {
    release_head_state(skb);
    release_data(skb);
    free_head(skb);
}

}  // namespace

void skb_init() {
    skbuff_head_cache = kmem_cache_create("skbuff_head_cache", sizeof(sk_buff), 0, SLAB_HWCACHE_ALIGN, nullptr);
    if (!skbuff_head_cache) {
        pr_err("skbuff: cannot create skbuff_head_cache\n");
    }
}

const skb_counters& skb_stats() { return counters; }

void skb_fail_allocations(unsigned space, unsigned times) {
    cpu::irq_guard irq;
    fail_space = space;
    fail_times = times;
}

sk_buff* alloc_skb(unsigned int size, gfp_t gfp) {
    bool refused;
    {
        cpu::irq_guard irq;
        refused = should_fail();
    }
    sk_buff* skb = refused ? nullptr : new_head(gfp);
    size_t bytes = size;
    uint8_t* data = skb ? alloc_data(bytes, gfp) : nullptr;
    if (!data) {
        if (skb) {
            free_head(skb);
        }
        count(counters.alloc_failures);
        return nullptr;
    }
    set_data(skb, data, bytes);
    skb->users = 1;
    skb->mac_header = SKB_HEADER_UNSET;
    skb->transport_header = SKB_HEADER_UNSET;
    return skb;
}

sk_buff* __netdev_alloc_skb(net_device* dev, unsigned int length, gfp_t gfp) {
    sk_buff* skb = alloc_skb(length + NET_SKB_PAD, gfp);
    if (skb) {
        skb_reserve(skb, NET_SKB_PAD);
        skb->dev = dev;
    }
    return skb;
}

sk_buff* netdev_alloc_skb_ip_align(net_device* dev, unsigned int length) {
    sk_buff* skb = netdev_alloc_skb(dev, length + NET_IP_ALIGN);
    if (skb) {
        skb_reserve(skb, NET_IP_ALIGN);
    }
    return skb;
}

void kfree_skb(sk_buff* skb) {
    if (skb && unref(skb)) {
        count(counters.dropped);
        free_skb(skb);
    }
}

void consume_skb(sk_buff* skb) {
    if (skb && unref(skb)) {
        count(counters.consumed);
        free_skb(skb);
    }
}

void skb_orphan(sk_buff* skb) {
    if (skb->destructor) {
        skb->destructor(skb);
        skb->destructor = nullptr;
    }
    skb->sk = nullptr;
}

sk_buff* skb_clone(sk_buff* skb, gfp_t gfp) {
    sk_buff* n = new_head(gfp);
    if (!n) {
        count(counters.alloc_failures);
        return nullptr;
    }
    copy_header(n, skb);
    n->len = skb->len;
    n->head = skb->head;
    n->data = skb->data;
    n->tail = skb->tail;
    n->end = skb->end;
    n->truesize = skb->truesize;
    n->users = 1;
    n->cloned = 1;
    n->nit_done = skb->nit_done;
    skb->cloned = 1;
    __atomic_add_fetch(&skb_shinfo(skb)->dataref, 1, __ATOMIC_RELAXED);
    count(counters.clones);
    return n;
}

sk_buff* skb_copy_expand(const sk_buff* skb, unsigned int newheadroom, unsigned int newtailroom, gfp_t gfp) {
    sk_buff* n = alloc_skb(newheadroom + skb->len + newtailroom, gfp);
    if (!n) {
        return nullptr;
    }
    skb_reserve(n, static_cast<int>(newheadroom));
    skb_put(n, skb->len);
    // The old headroom's bytes too, as far as they fit: a copy keeps its
    // link header in front of data.
    unsigned old_head = skb_headroom(skb);
    unsigned keep = old_head < newheadroom ? old_head : newheadroom;
    memcpy(n->data - keep, skb->data - keep, keep + skb->len);
    copy_header(n, skb);
    shift_headers(n, static_cast<int>(newheadroom) - static_cast<int>(old_head));
    count(counters.copies);
    return n;
}

sk_buff* skb_copy(const sk_buff* skb, gfp_t gfp) {
    return skb_copy_expand(skb, skb_headroom(skb), skb_tailroom(skb), gfp);
}

int pskb_expand_head(sk_buff* skb, unsigned int nhead, unsigned int ntail, gfp_t gfp) {
    if (skb_shared(skb)) {
        pr_err("skbuff: pskb_expand_head on a shared sk_buff refused\n");
        return -EINVAL;
    }
    size_t size = skb_end_offset(skb) + size_t{nhead} + ntail;
    uint8_t* data = alloc_data(size, gfp);
    if (!data) {
        count(counters.alloc_failures);
        return -ENOMEM;
    }
    memcpy(data + nhead, skb->head, static_cast<size_t>(skb->tail - skb->head));
    unsigned data_off = skb_headroom(skb) + nhead;
    unsigned len = skb->len;
    release_data(skb);
    skb->head = data;
    skb->end = data + size;
    skb->data = data + data_off;
    skb->tail = skb->data + len;
    skb->truesize = static_cast<unsigned>(size + sizeof(sk_buff) + sizeof(skb_shared_info));
    skb->cloned = 0;
    shift_headers(skb, static_cast<int>(nhead));
    return 0;
}

int skb_cow(sk_buff* skb, unsigned int headroom) {
    unsigned have = skb_headroom(skb);
    unsigned delta = headroom > have ? headroom - have : 0;
    if (delta || skb_cloned(skb)) {
        delta = (delta + NET_SKB_PAD - 1) / NET_SKB_PAD * NET_SKB_PAD;
        return pskb_expand_head(skb, delta, 0, GFP_ATOMIC);
    }
    return 0;
}

sk_buff* skb_unshare(sk_buff* skb, gfp_t gfp) {
    if (!skb_cloned(skb)) {
        return skb;
    }
    sk_buff* n = skb_copy(skb, gfp);
    if (n) {
        consume_skb(skb);
    } else {
        kfree_skb(skb);
    }
    return n;
}

sk_buff* skb_share_check(sk_buff* skb, gfp_t gfp) {
    if (!skb_shared(skb)) {
        return skb;
    }
    sk_buff* n = skb_clone(skb, gfp);
    if (n) {
        consume_skb(skb);
    } else {
        kfree_skb(skb);
    }
    return n;
}

uint8_t* skb_put(sk_buff* skb, unsigned int len) {
    if (len > skb_tailroom(skb)) {
        skb_over_panic(skb, len, __builtin_return_address(0));
        return nullptr;
    }
    uint8_t* old = skb->tail;
    skb->tail += len;
    skb->len += len;
    return old;
}

void* skb_put_data(sk_buff* skb, const void* data, unsigned int len) {
    uint8_t* p = skb_put(skb, len);
    if (p) {
        memcpy(p, data, len);
    }
    return p;
}

void* skb_put_zero(sk_buff* skb, unsigned int len) {
    uint8_t* p = skb_put(skb, len);
    if (p) {
        memset(p, 0, len);
    }
    return p;
}

uint8_t* skb_push(sk_buff* skb, unsigned int len) {
    if (len > skb_headroom(skb)) {
        skb_under_panic(skb, len, __builtin_return_address(0));
        return nullptr;
    }
    skb->data -= len;
    skb->len += len;
    return skb->data;
}

uint8_t* skb_pull(sk_buff* skb, unsigned int len) {
    if (len > skb->len) {
        return nullptr;
    }
    skb->len -= len;
    skb->data += len;
    return skb->data;
}

void skb_reserve(sk_buff* skb, int len) {
    bool fits = len >= 0 ? static_cast<unsigned>(len) <= skb_tailroom(skb)
                         : static_cast<unsigned>(-len) <= skb_headroom(skb);
    if (!fits) {
        skb_over_panic(skb, static_cast<unsigned>(len), __builtin_return_address(0));
        return;
    }
    skb->data += len;
    skb->tail += len;
}

void skb_trim(sk_buff* skb, unsigned int len) {
    if (skb->len > len) {
        skb->len = len;
        skb->tail = skb->data + len;
    }
}

int __skb_put_padto(sk_buff* skb, unsigned int len, bool free_on_error) {
    if (skb->len >= len) {
        return 0;
    }
    unsigned pad = len - skb->len;
    if (pad > skb_tailroom(skb) || skb_cloned(skb)) {
        unsigned more = pad > skb_tailroom(skb) ? pad - skb_tailroom(skb) : 0;
        if (pskb_expand_head(skb, 0, more, GFP_ATOMIC) != 0) {
            if (free_on_error) {
                kfree_skb(skb);
            }
            return -ENOMEM;
        }
    }
    skb_put_zero(skb, pad);
    return 0;
}

int skb_put_padto(sk_buff* skb, unsigned int len) { return __skb_put_padto(skb, len, true); }

int skb_copy_bits(const sk_buff* skb, int offset, void* to, int len) {
    if (offset < 0 || len < 0 || static_cast<unsigned>(offset) + static_cast<unsigned>(len) > skb->len) {
        return -EFAULT;
    }
    memcpy(to, skb->data + offset, static_cast<size_t>(len));
    return 0;
}

__wsum skb_checksum(const sk_buff* skb, int offset, int len, __wsum csum) {
    if (offset < 0 || len < 0 || static_cast<unsigned>(offset) + static_cast<unsigned>(len) > skb->len) {
        pr_err("skbuff: skb_checksum outside the packet (offset %d len %d of %u)\n", offset, len, skb->len);
        return csum;
    }
    return csum_partial(skb->data + offset, len, csum);
}

void skb_queue_splice_tail_init(sk_buff_head* from, sk_buff_head* to) {
    if (skb_queue_empty(from)) {
        return;
    }
    list_head* first = from->list.next;
    list_head* last = from->list.prev;
    list_head* at = to->list.prev;
    first->prev = at;
    at->next = first;
    last->next = &to->list;
    to->list.prev = last;
    to->qlen += from->qlen;
    __skb_queue_head_init(from);
}

void __skb_queue_purge(sk_buff_head* q) {
    while (sk_buff* skb = __skb_dequeue(q)) {
        kfree_skb(skb);
    }
}

void skb_queue_tail(sk_buff_head* q, sk_buff* skb) {
    cpu::irq_guard guard;
    __skb_queue_tail(q, skb);
}

void skb_queue_head(sk_buff_head* q, sk_buff* skb) {
    cpu::irq_guard guard;
    __skb_queue_head(q, skb);
}

sk_buff* skb_dequeue(sk_buff_head* q) {
    cpu::irq_guard guard;
    return __skb_dequeue(q);
}

sk_buff* skb_dequeue_tail(sk_buff_head* q) {
    cpu::irq_guard guard;
    return __skb_dequeue_tail(q);
}

void skb_unlink(sk_buff* skb, sk_buff_head* q) {
    cpu::irq_guard guard;
    __skb_unlink(skb, q);
}

void skb_queue_purge(sk_buff_head* q) {
    while (sk_buff* skb = skb_dequeue(q)) {
        kfree_skb(skb);
    }
}

int skb_checksum_help(sk_buff* skb) {
    if (skb->ip_summed != CHECKSUM_PARTIAL) {
        return 0;
    }
    if (skb_cloned(skb) && pskb_expand_head(skb, 0, 0, GFP_ATOMIC)) {
        return -ENOMEM;   // a clone shares the bytes the sum is written into
    }
    int start = static_cast<int>(skb->csum_start) - static_cast<int>(skb->data - skb->head);
    auto* field = reinterpret_cast<__sum16*>(skb->head + skb->csum_start + skb->csum_offset);
    __wsum sum = skb_checksum(skb, start, static_cast<int>(skb->len) - start, 0);
    __sum16 folded = csum_fold(sum);
    *field = folded ? folded : 0xffff;   // RFC 768: a computed zero is sent as all ones
    skb->ip_summed = CHECKSUM_NONE;
    return 0;
}
