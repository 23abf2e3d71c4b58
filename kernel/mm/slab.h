// Object caches and kmalloc, as Linux's include/linux/slab.h.
//
// A kmem_cache hands out objects of one size from slabs: blocks of 2^order
// pages from the page allocator, cut into objects, the free ones chained
// through a free list inside them. The slab's state lives in the struct page
// of its first page (page_alloc.h), so kfree() finds an object's cache from
// its address. Each cache keeps its slabs on partial/full/empty lists and
// returns a slab to the page allocator when it empties, keeping one empty
// slab so that an alloc/free pair at a slab boundary does not thrash.
//
// Every call masks interrupts: interrupt handlers allocate with GFP_ATOMIC.
// Nothing sleeps and nothing panics: out of memory is nullptr.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/mm/gfp.h"
#include "kernel/mm/page_alloc.h"

struct kmem_cache;

enum slab_flags_t : unsigned {
    SLAB_NONE = 0,
    SLAB_HWCACHE_ALIGN = 1u << 0,  // objects start on a D-cache line (cache_line_size())
};

// D-cache line size: 32 until the architecture says otherwise
// (mm::set_cache_line_size() from arch setup, from Config1).
unsigned cache_line_size();
namespace mm {
void set_cache_line_size(unsigned bytes);
}

// size: object bytes; align: 0 or a power of two (objects are at least 8-byte
// aligned); ctor: run once per object when its slab is created, so an object
// comes back from kmem_cache_alloc() as it was left at kmem_cache_free().
// nullptr (and pr_err) on a bad argument or no memory.
kmem_cache* kmem_cache_create(const char* name, size_t size, size_t align, slab_flags_t flags,
                              void (*ctor)(void*));
// Refused (pr_err) while the cache still has objects out.
void kmem_cache_destroy(kmem_cache* s);
void* kmem_cache_alloc(kmem_cache* s, gfp_t gfp);
inline void* kmem_cache_zalloc(kmem_cache* s, gfp_t gfp) { return kmem_cache_alloc(s, gfp | __GFP_ZERO); }
// Refuses (pr_err, nothing changed) a pointer that is not an object of s, or
// an object already free. nullptr is ignored.
void kmem_cache_free(kmem_cache* s, void* obj);
int kmem_cache_shrink(kmem_cache* s);       // give back the kept empty slab
unsigned int kmem_cache_size(const kmem_cache* s);

// Sizes served by the kmalloc-N caches; larger ones take whole pages.
constexpr size_t KMALLOC_MAX_CACHE_SIZE = 2 * mm::PAGE_SIZE;
// kmalloc(0): a unique non-NULL pointer that faults when used (Linux's).
inline void* const ZERO_SIZE_PTR = reinterpret_cast<void*>(16);

// Memory from kmalloc-N is aligned to the largest power of two dividing N
// (at least 8): from kmalloc-32 up, an object never shares a 32-byte cache
// line with another. DMA buffers on boards with longer lines want a cache of
// their own with SLAB_HWCACHE_ALIGN.
[[gnu::malloc]] void* kmalloc(size_t size, gfp_t gfp);
inline void* kzalloc(size_t size, gfp_t gfp) { return kmalloc(size, gfp | __GFP_ZERO); }
void* kmalloc_array(size_t n, size_t size, gfp_t gfp);   // nullptr when n * size overflows
inline void* kcalloc(size_t n, size_t size, gfp_t gfp) { return kmalloc_array(n, size, gfp | __GFP_ZERO); }
// The kmalloc-N cache serving size bytes; nullptr past KMALLOC_MAX_CACHE_SIZE.
kmem_cache* kmalloc_slab(size_t size);
// Refuses (pr_err) a pointer kmalloc() did not return; nullptr and
// ZERO_SIZE_PTR are ignored.
void kfree(const void* obj);
size_t ksize(const void* obj);   // usable bytes, 0 for anything not from kmalloc()

// Sets up the kmalloc caches and the cache of kmem_caches over
// mm::normal_zone(). Once at boot; host tests call it again after resetting
// the zone, which forgets every cache.
void kmem_cache_init();
bool slab_is_available();

// Statistics, as /proc/slabinfo (Linux's struct slabinfo, plus the name).
struct slabinfo {
    const char* name;
    unsigned long active_objs;   // handed out
    unsigned long num_objs;      // in all slabs
    unsigned long active_slabs;  // holding at least one object
    unsigned long num_slabs;
    unsigned int objsize;        // as asked
    unsigned int size;           // per object, with alignment and free pointer
    unsigned int objects_per_slab;
    unsigned int cache_order;    // a slab is 2^cache_order pages
};
void get_slabinfo(const kmem_cache* s, slabinfo* info);
// Calls fn for every cache, in creation order (the kmalloc caches first).
void kmem_cache_for_each(void (*fn)(const slabinfo& info, void* arg), void* arg);
// The text of /proc/slabinfo (version 2.1) into buf, NUL-terminated,
// truncated at len; returns the length it needed.
size_t slabinfo_show(char* buf, size_t len);
// slub_debug (kernel/mm/slub_debug.h): every object of the debugged caches
// checked now; the number of corruptions found.
unsigned long kmem_cache_validate();
// Arms the periodic check (slub_debug_scan=SECONDS, default 10) when a
// cache is debugged: after the timers are up.
void kmem_cache_start_validation();
unsigned long nr_slab_pages();            // pages held by slabs
unsigned long nr_kmalloc_large_pages();   // pages held by kmalloc() past the size classes
