// The allocators' hooks for an address sanitizer, as Linux's generic KASAN
// (mm/kasan/common.c: kasan_poison_slab, kasan_slab_alloc, kasan_kmalloc,
// kasan_slab_free, kasan_alloc_pages, kasan_free_pages). In the host build
// under AddressSanitizer (the host-asan and fuzz presets) they mark free
// pages, free slab objects and the slack behind a kmalloc'ed size as
// unaddressable, so a use after free or an overflow inside the test arena is
// reported with its stack; everywhere else they compile to nothing.
#pragma once
#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define MIPSNET_KASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MIPSNET_KASAN 1
#endif
#endif

#ifdef MIPSNET_KASAN
#include <sanitizer/asan_interface.h>
inline void kasan_poison(const void* p, size_t n) { __asan_poison_memory_region(p, n); }
inline void kasan_unpoison(const void* p, size_t n) { __asan_unpoison_memory_region(p, n); }
// Reads and writes of the allocator's own words inside a free (poisoned)
// object, as Linux's slub.c is built without KASAN instrumentation.
#define kasan_allocator_access __attribute__((no_sanitize_address))
#else
inline void kasan_poison(const void*, size_t) {}
inline void kasan_unpoison(const void*, size_t) {}
#define kasan_allocator_access
#endif
