// Slab debugging, as Linux's slub_debug (mm/slub.c, Documentation/mm/slub.rst):
// on the caches it names, a red zone behind every object and poison in every
// free one, checked when an object is allocated and freed and by a periodic
// scan of every slab. What it finds is reported (the cache, the object, the
// first bad byte, the bytes around it, a backtrace), counted, and the pattern
// restored, so that the system goes on and one corruption is told once.
//
//   slub_debug            F, Z and P on every cache
//   slub_debug=ZP         these checks on every cache
//   slub_debug=Z,kmalloc-64,skbuff_head_cache   on the caches named
// F: consistency checks (the free pointer of a free object), Z: red zones,
// P: poisoning (0x6b, 0xa5 at the end, in free objects: a write after free).
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace slub_debug {

enum flag : unsigned {
    consistency = 1u << 0,   // F
    red_zone = 1u << 1,      // Z
    poison = 1u << 2,        // P
};

// Linux's patterns (include/linux/poison.h).
constexpr uint8_t POISON_FREE = 0x6b;
constexpr uint8_t POISON_END = 0xa5;
constexpr uint8_t SLUB_RED_INACTIVE = 0xbb;
constexpr uint8_t SLUB_RED_ACTIVE = 0xcc;

// The flags spec gives the cache called name (0: none).
unsigned flags_for(const char* spec, const char* name);

// Where things are in one object slot of a debugged cache: the object,
// the red zone after it up to the free pointer words, those, and more red
// zone to the end of the slot.
struct layout {
    const char* cache;
    unsigned flags;
    unsigned object_size;
    unsigned free_off;
    unsigned free_bytes;
    unsigned size;
};

// A fresh or freed object: poisoned, its red zone inactive (before the free
// pointer is written).
void mark_free(const layout& l, void* obj);
// An object handed out: the red zone active (the free pointer words, which
// the allocator clears, excepted), poison left as Linux does.
void mark_allocated(const layout& l, void* obj);
// Checks what mark_free/mark_allocated left; false (reported, restored)
// when something wrote over it. when: "alloc", "free" or "scan".
bool check_free(const layout& l, void* obj, const char* when);
bool check_allocated(const layout& l, void* obj, const char* when);

unsigned long errors();   // corruptions found since boot

}  // namespace slub_debug
