#include "kernel/mm/slab.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/mm/kasan.h"
#include "kernel/mm/slub_debug.h"
#include "kernel/printk.h"
#include "kernel/timer.h"

using mm::page;
using mm::PAGE_SIZE;

struct kmem_cache {
    char name[32] = {};
    unsigned object_size = 0;   // as asked
    unsigned size = 0;          // stride between objects
    unsigned align = 0;
    unsigned offset = 0;        // of the free pointer and its check word in a free object
    unsigned order = 0;
    unsigned objects = 0;       // per slab
    slab_flags_t flags = SLAB_NONE;
    unsigned debug = 0;         // slub_debug's checks on this cache
    void (*ctor)(void*) = nullptr;
    mm::page_list lists[3] = {};
    unsigned long nr_slabs = 0;
    unsigned long active_objs = 0;
    bool builtin = false;       // a kmalloc cache or the cache of caches: never destroyed
    kmem_cache* next = nullptr; // slab_caches, in creation order
};

namespace {

// Which list a slab is on (page::on_list), by its state.
enum slab_list : uint8_t { partial = 0, full = 1, empty = 2 };

// ARCH_SLAB_MINALIGN: what a 64-bit load needs.
constexpr unsigned slab_min_align = 8;
constexpr unsigned slab_max_order = 3;
constexpr unsigned slab_min_objects = 8;
// A free object holds its successor and a check word: the successor mixed
// with the object's address and this key. An object whose check word fits
// is probably free, and a walk of its slab's free list says for sure, so a
// double free is caught at no cost to the common path.
constexpr uintptr_t free_key = static_cast<uintptr_t>(0x5a17c0de5a17c0deull);
constexpr unsigned free_words = 2;

constexpr size_t kmalloc_sizes[] = {16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192};
constexpr size_t nr_kmalloc = sizeof kmalloc_sizes / sizeof kmalloc_sizes[0];
static_assert(kmalloc_sizes[nr_kmalloc - 1] == KMALLOC_MAX_CACHE_SIZE);

// Static, so that they exist before there is anything to allocate them from;
// constinit, so that no constructor run at boot can wipe them.
constinit kmem_cache kmem_cache_boot;           // holds the descriptors of created caches
constinit kmem_cache kmalloc_caches[nr_kmalloc];
char kmalloc_names[nr_kmalloc][16];
kmem_cache* slab_caches;
bool slab_up;
unsigned cache_line = 32;
unsigned long slab_pages;
unsigned long large_pages;

constexpr size_t round_up(size_t n, size_t a) { return (n + a - 1) / a * a; }

uintptr_t* free_ptr(const kmem_cache* s, void* obj) {
    return reinterpret_cast<uintptr_t*>(static_cast<char*>(obj) + s->offset);
}

uintptr_t check_word(const void* obj, uintptr_t next) {
    return next ^ reinterpret_cast<uintptr_t>(obj) ^ free_key;
}

kasan_allocator_access void set_free(const kmem_cache* s, void* obj, void* next) {
    uintptr_t* fp = free_ptr(s, obj);
    fp[0] = reinterpret_cast<uintptr_t>(next);
    fp[1] = check_word(obj, fp[0]);
}

kasan_allocator_access bool looks_free(const kmem_cache* s, void* obj) {
    uintptr_t* fp = free_ptr(s, obj);
    return fp[1] == check_word(obj, fp[0]);
}

char* slab_base(const page* slab) { return static_cast<char*>(page_address(slab)); }

bool debugged(const kmem_cache* s) { return s->debug & (slub_debug::red_zone | slub_debug::poison); }

// A free object's successor and a popped object's cleared check word.
kasan_allocator_access void* free_next(const kmem_cache* s, void* obj) {
    return reinterpret_cast<void*>(free_ptr(s, obj)[0]);
}
kasan_allocator_access void clear_free(const kmem_cache* s, void* obj) { free_ptr(s, obj)[1] = 0; }

// Under an address sanitizer, free objects of a cache slub_debug does not
// check are unaddressable (slub_debug reads its poison in free ones).
void poison_object(const kmem_cache* s, void* obj) {
    if (!debugged(s)) {
        kasan_poison(obj, s->size);
    }
}

slub_debug::layout layout_of(const kmem_cache* s) {
    return {s->name, s->debug, s->object_size, s->offset, free_words * sizeof(uintptr_t), s->size};
}

// An object of slab: inside it, on an object boundary.
bool is_object_of(const kmem_cache* s, const page* slab, const void* p) {
    auto off = static_cast<size_t>(static_cast<const char*>(p) - slab_base(slab));
    return static_cast<const char*>(p) >= slab_base(slab) && off % s->size == 0 && off / s->size < s->objects;
}

kasan_allocator_access bool on_freelist(const kmem_cache* s, const page* slab, const void* obj) {
    unsigned steps = 0;
    for (void* p = slab->freelist; p && steps <= s->objects; ++steps) {
        if (p == obj) {
            return true;
        }
        p = free_next(s, p);
    }
    return false;
}

void move_slab(kmem_cache* s, page* slab) {
    slab_list want = slab->freelist == nullptr ? full : slab->inuse == 0 ? empty : partial;
    if (slab->on_list != want) {
        s->lists[slab->on_list].remove(slab);
        s->lists[want].push(slab);
        slab->on_list = want;
    }
}

// Picks the slab size: the smallest order (up to slab_max_order) that holds
// slab_min_objects with at most 1/8 left over; failing that, the order that
// wastes the least.
unsigned calculate_order(size_t size) {
    if (size > (PAGE_SIZE << slab_max_order) / 2) {
        return mm::get_order(size);
    }
    unsigned best = 0;
    size_t best_waste_per_mille = SIZE_MAX;
    for (unsigned order = 0; order <= slab_max_order; ++order) {
        size_t slab = PAGE_SIZE << order;
        size_t n = slab / size;
        if (n == 0) {
            continue;
        }
        size_t waste = slab - n * size;
        if (n >= slab_min_objects && waste * 8 <= slab) {
            return order;
        }
        size_t per_mille = waste * 1000 / slab;
        if (per_mille < best_waste_per_mille) {
            best = order;
            best_waste_per_mille = per_mille;
        }
    }
    return best;
}

bool setup_cache(kmem_cache* s, const char* name, size_t size, size_t align, slab_flags_t flags,
                 void (*ctor)(void*)) {
    if (!name || size == 0 || size > (PAGE_SIZE << (mm::MAX_ORDER - 1)) ||
        (align != 0 && !mm::is_power_of_2(align))) {
        pr_err("kmem_cache_create(%s): bad size %zu or align %zu\n", name ? name : "(null)", size, align);
        return false;
    }
    if ((flags & SLAB_HWCACHE_ALIGN) && align < cache_line) {
        align = cache_line;
    }
    if (align < slab_min_align) {
        align = slab_min_align;
    }
    *s = kmem_cache{};
    strncpy(s->name, name, sizeof s->name - 1);
    s->object_size = static_cast<unsigned>(size);
    s->align = static_cast<unsigned>(align);
    s->flags = flags;
    s->ctor = ctor;
    // With a constructor the free pointer must not overwrite the constructed
    // object, so it goes behind it (as SLUB does).
    size_t free_bytes = free_words * sizeof(uintptr_t);
    s->debug = slub_debug::flags_for(cmdline::get("slub_debug"), s->name);
    if (ctor) {
        s->debug &= ~slub_debug::poison;   // poison would undo the constructor (as Linux)
    }
    // A red zone or poison needs the whole object: the free pointer goes
    // behind it and a word of red zone (Linux's layout without the left pad).
    bool behind = ctor || (s->debug & (slub_debug::red_zone | slub_debug::poison));
    size_t red = (s->debug & slub_debug::red_zone) ? sizeof(uintptr_t) : 0;
    s->offset = behind ? static_cast<unsigned>(round_up(size + red, sizeof(uintptr_t))) : 0;
    size_t stride = behind ? s->offset + free_bytes : (size > free_bytes ? size : free_bytes);
    s->size = static_cast<unsigned>(round_up(stride, align));
    s->order = calculate_order(s->size);
    size_t objects = (PAGE_SIZE << s->order) / s->size;
    if (s->order >= mm::MAX_ORDER || objects == 0) {
        pr_err("kmem_cache_create(%s): objects of %u bytes do not fit a slab\n", name, s->size);
        return false;
    }
    s->objects = static_cast<unsigned>(objects > UINT16_MAX ? UINT16_MAX : objects);
    return true;
}

void link_cache(kmem_cache* s) {
    kmem_cache** pp = &slab_caches;
    while (*pp) {
        pp = &(*pp)->next;
    }
    s->next = nullptr;
    *pp = s;
}

bool unlink_cache(kmem_cache* s) {
    for (kmem_cache** pp = &slab_caches; *pp; pp = &(*pp)->next) {
        if (*pp == s) {
            *pp = s->next;
            return true;
        }
    }
    return false;
}

page* new_slab(kmem_cache* s, gfp_t gfp) {
    page* slab = alloc_pages(gfp & ~__GFP_ZERO, s->order);
    if (!slab) {
        return nullptr;
    }
    size_t pages = size_t{1} << s->order;
    for (size_t i = 1; i < pages; ++i) {
        slab[i].flags = mm::PG_slab | mm::PG_tail;
        slab[i].compound_head = slab;
    }
    slab->set(mm::PG_slab);
    slab->slab_cache = s;
    slab->inuse = 0;
    slab->objects = static_cast<uint16_t>(s->objects);
    char* base = slab_base(slab);
    void* next = nullptr;
    for (size_t i = s->objects; i-- > 0;) {
        void* obj = base + i * s->size;
        if (s->ctor) {
            s->ctor(obj);
        }
        if (debugged(s)) {
            slub_debug::mark_free(layout_of(s), obj);
        }
        set_free(s, obj, next);
        poison_object(s, obj);
        next = obj;
    }
    slab->freelist = next;
    slab->on_list = empty;
    s->lists[empty].push(slab);
    ++s->nr_slabs;
    slab_pages += pages;
    return slab;
}

void discard_slab(kmem_cache* s, page* slab) {
    s->lists[slab->on_list].remove(slab);
    size_t pages = size_t{1} << s->order;
    for (size_t i = 1; i < pages; ++i) {
        slab[i].flags = 0;
        slab[i].compound_head = nullptr;
    }
    slab->clear(mm::PG_slab);
    slab->slab_cache = nullptr;
    slab->freelist = nullptr;
    slab->inuse = slab->objects = 0;
    --s->nr_slabs;
    slab_pages -= pages;
    __free_pages(slab, s->order);
}

// Pops the first free object of slab; nullptr (and the slab set aside as
// full) when the free list was written after free.
void* take_object(kmem_cache* s, page* slab) {
    void* obj = slab->freelist;
    void* next = free_next(s, obj);
    if (!looks_free(s, obj) || (next && !is_object_of(s, slab, next))) {
        pr_err("kmem_cache_alloc(%s): free list of slab %p corrupted at %p (use after free?); "
               "its free objects are abandoned\n",
               s->name, slab_base(slab), obj);
        slab->freelist = nullptr;
        move_slab(s, slab);
        if (slab->inuse == 0) {
            discard_slab(s, slab);
        }
        return nullptr;
    }
    if (debugged(s)) {
        slub_debug::check_free(layout_of(s), obj, "alloc");
        slub_debug::mark_allocated(layout_of(s), obj);
    }
    slab->freelist = next;
    clear_free(s, obj);  // no longer looks free
    kasan_unpoison(obj, s->object_size);
    ++slab->inuse;
    ++s->active_objs;
    move_slab(s, slab);
    return obj;
}

void* slab_alloc(kmem_cache* s, gfp_t gfp) {
    cpu::irq_guard guard;
    for (;;) {
        page* slab = s->lists[partial].first;
        if (!slab) {
            slab = s->lists[empty].first;
        }
        if (!slab) {
            slab = new_slab(s, gfp);
        }
        if (!slab) {
            return nullptr;
        }
        if (void* obj = take_object(s, slab)) {
            return obj;
        }
    }
}

const char* bad_object(const kmem_cache* s, const page* slab, const void* obj) {
    if (!slab || !slab->has(mm::PG_slab)) {
        return "not a slab object";
    }
    if (slab->slab_cache != s) {
        return "from another cache";
    }
    if (!is_object_of(s, slab, obj)) {
        return "not the start of an object";
    }
    if (looks_free(s, const_cast<void*>(obj)) && on_freelist(s, slab, obj)) {
        return "already free (double free)";
    }
    return nullptr;
}

void slab_free(kmem_cache* s, page* slab, void* obj) {
    if (debugged(s)) {
        slub_debug::check_allocated(layout_of(s), obj, "free");
        slub_debug::mark_free(layout_of(s), obj);
    }
    set_free(s, obj, slab->freelist);
    poison_object(s, obj);
    slab->freelist = obj;
    --slab->inuse;
    --s->active_objs;
    bool keep_empty = s->lists[empty].empty();
    move_slab(s, slab);
    if (slab->inuse == 0 && !keep_empty) {
        discard_slab(s, slab);
    }
}

void free_checked(kmem_cache* s, const void* obj, const char* who) {
    cpu::irq_guard guard;
    page* slab = virt_to_head_page(obj);
    if (const char* why = bad_object(s, slab, obj)) {
        const char* owner = slab && slab->has(mm::PG_slab) ? slab->slab_cache->name : "-";
        pr_err("%s(%s): bad free of %p: %s (owner %s)\n", who, s ? s->name : "?", obj, why, owner);
        return;
    }
    slab_free(s, slab, const_cast<void*>(obj));
}

void* kmalloc_large(size_t size, gfp_t gfp) {
    unsigned order = mm::get_order(size);
    if (order >= mm::MAX_ORDER) {
        if (!(gfp & __GFP_NOWARN)) {
            pr_warn("kmalloc: %zu bytes is more than the page allocator's largest block\n", size);
        }
        return nullptr;
    }
    page* p = alloc_pages(gfp, order);
    if (!p) {
        return nullptr;
    }
    cpu::irq_guard guard;
    p->set(mm::PG_large_kmalloc);
    large_pages += size_t{1} << order;
    kasan_poison(static_cast<char*>(page_address(p)) + size, (PAGE_SIZE << order) - size);   // kasan_kmalloc_large
    return page_address(p);
}

}  // namespace

unsigned cache_line_size() { return cache_line; }

namespace mm {
void set_cache_line_size(unsigned bytes) {
    if (mm::is_power_of_2(bytes) && bytes >= 16 && bytes <= 256) {
        cache_line = bytes;
    }
}
}  // namespace mm

void kmem_cache_init() {
    cpu::irq_guard guard;
    slab_caches = nullptr;
    slab_pages = large_pages = 0;
    setup_cache(&kmem_cache_boot, "kmem_cache", sizeof(kmem_cache), 0, SLAB_HWCACHE_ALIGN, nullptr);
    kmem_cache_boot.builtin = true;
    link_cache(&kmem_cache_boot);
    for (size_t i = 0; i < nr_kmalloc; ++i) {
        snprintf(kmalloc_names[i], sizeof kmalloc_names[i], "kmalloc-%zu", kmalloc_sizes[i]);
        // Natural alignment, which a kmalloc-N object has anyway while its
        // slot is N bytes, kept when slub_debug makes the slot longer (Linux
        // guarantees it for power-of-two sizes, commit 59bb47985c1d): the
        // promise that from kmalloc-32 up no object shares a cache line,
        // which DMA into sk_buff data relies on, holds with debugging too.
        size_t n = kmalloc_sizes[i];
        setup_cache(&kmalloc_caches[i], kmalloc_names[i], n, n & (~n + 1), SLAB_NONE, nullptr);
        kmalloc_caches[i].builtin = true;
        link_cache(&kmalloc_caches[i]);
    }
    slab_up = true;
}

bool slab_is_available() { return slab_up; }

kmem_cache* kmem_cache_create(const char* name, size_t size, size_t align, slab_flags_t flags,
                              void (*ctor)(void*)) {
    if (!slab_up) {
        pr_err("kmem_cache_create(%s): before kmem_cache_init()\n", name ? name : "(null)");
        return nullptr;
    }
    kmem_cache tmp;
    if (!setup_cache(&tmp, name, size, align, flags, ctor)) {
        return nullptr;
    }
    auto* s = static_cast<kmem_cache*>(kmem_cache_alloc(&kmem_cache_boot, GFP_KERNEL));
    if (!s) {
        pr_err("kmem_cache_create(%s): out of memory\n", tmp.name);
        return nullptr;
    }
    *s = tmp;
    cpu::irq_guard guard;
    link_cache(s);
    return s;
}

void kmem_cache_destroy(kmem_cache* s) {
    if (!s) {
        return;
    }
    cpu::irq_guard guard;
    if (s->builtin) {
        pr_err("kmem_cache_destroy(%s): a built-in cache\n", s->name);
        return;
    }
    if (s->active_objs) {
        pr_err("kmem_cache_destroy(%s): Slab cache still has objects (%lu)\n", s->name, s->active_objs);
        return;
    }
    if (!unlink_cache(s)) {
        pr_err("kmem_cache_destroy(%p): not a cache\n", static_cast<void*>(s));
        return;
    }
    for (mm::page_list& l : s->lists) {
        while (page* slab = l.first) {
            discard_slab(s, slab);  // inuse 0 everywhere; a full one had a broken free list
        }
    }
    kmem_cache_free(&kmem_cache_boot, s);
}

void* kmem_cache_alloc(kmem_cache* s, gfp_t gfp) {
    if (!s || !slab_up) {
        return nullptr;
    }
    void* obj = slab_alloc(s, gfp);
    if (obj && (gfp & __GFP_ZERO)) {
        memset(obj, 0, s->object_size);
    }
    return obj;
}

void kmem_cache_free(kmem_cache* s, void* obj) {
    if (obj) {
        free_checked(s, obj, "kmem_cache_free");
    }
}

int kmem_cache_shrink(kmem_cache* s) {
    if (!s) {
        return 0;
    }
    cpu::irq_guard guard;
    while (page* slab = s->lists[empty].first) {
        discard_slab(s, slab);
    }
    return 0;
}

unsigned int kmem_cache_size(const kmem_cache* s) { return s ? s->object_size : 0; }

void* kmalloc(size_t size, gfp_t gfp) {
    if (size == 0) {
        return ZERO_SIZE_PTR;
    }
    if (size > KMALLOC_MAX_CACHE_SIZE) {
        return kmalloc_large(size, gfp);
    }
    if (!slab_up) {
        pr_err("kmalloc(%zu) before kmem_cache_init()\n", size);
        return nullptr;
    }
    kmem_cache* s = kmalloc_slab(size);
    void* obj = kmem_cache_alloc(s, gfp);
    if (obj && !debugged(s)) {
        kasan_poison(static_cast<char*>(obj) + size, s->object_size - size);   // kasan_kmalloc
    }
    return obj;
}

kmem_cache* kmalloc_slab(size_t size) {
    if (!slab_up) {
        return nullptr;
    }
    for (kmem_cache& c : kmalloc_caches) {
        if (size <= c.object_size) {
            return &c;
        }
    }
    return nullptr;
}

void* kmalloc_array(size_t n, size_t size, gfp_t gfp) {
    if (size != 0 && n > SIZE_MAX / size) {
        return nullptr;
    }
    return kmalloc(n * size, gfp);
}

void kfree(const void* obj) {
    if (!obj || obj == ZERO_SIZE_PTR) {
        return;
    }
    page* p = virt_to_head_page(obj);
    if (p && p->has(mm::PG_slab)) {
        free_checked(p->slab_cache, obj, "kfree");
        return;
    }
    {
        cpu::irq_guard guard;
        if (p && p->has(mm::PG_large_kmalloc) && p->has(mm::PG_head) && obj == page_address(p)) {
            p->clear(mm::PG_large_kmalloc);
            large_pages -= size_t{1} << p->order;
            __free_pages(p, p->order);
            return;
        }
    }
    pr_err("kfree: bad free of %p: not from kmalloc\n", obj);
}

size_t ksize(const void* obj) {
    if (!obj || obj == ZERO_SIZE_PTR) {
        return 0;
    }
    cpu::irq_guard guard;
    page* p = virt_to_head_page(obj);
    // The caller may use all it is told of (Linux's ksize unpoisons it too).
    if (p && p->has(mm::PG_slab)) {
        size_t n = is_object_of(p->slab_cache, p, obj) ? p->slab_cache->object_size : 0;
        kasan_unpoison(obj, n);
        return n;
    }
    if (p && p->has(mm::PG_large_kmalloc) && obj == page_address(p)) {
        kasan_unpoison(obj, PAGE_SIZE << p->order);
        return PAGE_SIZE << p->order;
    }
    return 0;
}

void get_slabinfo(const kmem_cache* s, slabinfo* info) {
    cpu::irq_guard guard;
    unsigned long empty_slabs = 0;
    for (const page* p = s->lists[empty].first; p; p = p->next) {
        ++empty_slabs;
    }
    *info = slabinfo{s->name,
                     s->active_objs,
                     s->nr_slabs * s->objects,
                     s->nr_slabs - empty_slabs,
                     s->nr_slabs,
                     s->object_size,
                     s->size,
                     s->objects,
                     s->order};
}

void kmem_cache_for_each(void (*fn)(const slabinfo& info, void* arg), void* arg) {
    // Caches are only created and destroyed in process context, never by
    // fn itself: the walk needs no lock beyond each get_slabinfo().
    for (const kmem_cache* s = slab_caches; s; s = s->next) {
        slabinfo info;
        get_slabinfo(s, &info);
        fn(info, arg);
    }
}

namespace {
struct text_sink {
    char* buf;
    size_t len;
    size_t used;
    [[gnu::format(printf, 2, 3)]] void add(const char* fmt, ...);
};

void text_sink::add(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t room = used < len ? len - used : 0;
    int n = vsnprintf(room ? buf + used : nullptr, room, fmt, ap);
    va_end(ap);
    if (n > 0) {
        used += static_cast<size_t>(n);
    }
}
}  // namespace

size_t slabinfo_show(char* buf, size_t len) {
    text_sink out{buf, len, 0};
    if (len) {
        buf[0] = '\0';
    }
    out.add("slabinfo - version: 2.1\n"
            "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
            " : tunables <limit> <batchcount> <sharedfactor>"
            " : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
    kmem_cache_for_each(
        [](const slabinfo& i, void* arg) {
            static_cast<text_sink*>(arg)->add(
                "%-17s %6lu %6lu %6u %4u %4u : tunables %4u %4u %4u : slabdata %6lu %6lu %6u\n", i.name,
                i.active_objs, i.num_objs, i.objsize, i.objects_per_slab, 1u << i.cache_order, 0u, 0u, 0u,
                i.active_slabs, i.num_slabs, 0u);
        },
        &out);
    return out.used;
}

unsigned long nr_slab_pages() { return slab_pages; }

unsigned long nr_kmalloc_large_pages() { return large_pages; }

// slub_debug's scan (Linux's validate_slab_cache): every object of every
// debugged cache checked as what it is, free or allocated. The number of
// bad objects found.
unsigned long kmem_cache_validate() {
    unsigned long before = slub_debug::errors();
    for (kmem_cache* s = slab_caches; s; s = s->next) {
        if (!debugged(s)) {
            continue;
        }
        slub_debug::layout l = layout_of(s);
        for (mm::page_list& list : s->lists) {
            cpu::irq_guard guard;   // a slab is not changed under the walk
            for (page* slab = list.first; slab; slab = slab->next) {
                for (unsigned i = 0; i < s->objects; ++i) {
                    void* obj = slab_base(slab) + i * s->size;
                    if (looks_free(s, obj) && on_freelist(s, slab, obj)) {
                        slub_debug::check_free(l, obj, "scan");
                    } else {
                        slub_debug::check_allocated(l, obj, "scan");
                    }
                }
            }
        }
    }
    return slub_debug::errors() - before;
}

namespace {
timer_list validate_timer;
unsigned long validate_period;

void validate_fn(timer_list*) {
    kmem_cache_validate();
    mod_timer(&validate_timer, jiffies + validate_period);
}
}  // namespace

void kmem_cache_start_validation() {
    bool any = false;
    for (kmem_cache* s = slab_caches; s; s = s->next) {
        any |= debugged(s);
    }
    if (!any) {
        return;
    }
    long secs = cmdline::get_int("slub_debug_scan", 10);
    validate_period = static_cast<unsigned long>(secs > 0 ? secs : 10) * HZ;
    timer_setup(&validate_timer, validate_fn, 0);
    mod_timer(&validate_timer, jiffies + validate_period);
    pr_info("slub_debug: %s; every slab checked each %lu s\n", cmdline::get("slub_debug")[0] ? cmdline::get("slub_debug") : "FZP",
            validate_period / HZ);
}
