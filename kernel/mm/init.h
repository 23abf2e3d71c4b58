// Boot-time memory layout, as Linux's mem_init(): RAM past the kernel image
// is split between the apps' heap (the program break newlib's malloc moves)
// and the page allocator, which the slab caches and kmalloc sit on.
//
//   ram_start            kernel_start       kernel_end                      ram_end
//   | vectors, argv block | kernel image    | memmap... page allocator | memmap | app heap |
//
// Everything below the kernel image (the first megabyte on Malta: exception
// vectors and the loader's argv/envp block) is left alone. The app heap is
// carved off the top before the page allocator starts, so the two never
// overlap; its size is the `appheap=N` parameter in MiB (default: a quarter
// of RAM, at least 4 MiB), clamped so that the kernel keeps at least
// min_kernel_bytes. The bare parameter `mm_selftest` runs mm::selftest()
// right after.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/mm/initrd.h"

namespace mm {

constexpr size_t min_kernel_bytes = 2u << 20;

// Addresses from the link map (boot/kernel.ld), in the kernel's address space.
struct kernel_image {
    uintptr_t start;       // __kernel_start
    uintptr_t text_end;    // __text_end: code
    uintptr_t data_start;  // _sdata: read-only data (and tables) before it
    uintptr_t bss_start;   // __bss_start: initialised data before it
    uintptr_t end;         // _end: bss (with the boot stack) before it
};

// ram_start: where physical address 0 appears (KSEG0); ram_bytes: what the
// loader reported; rd: an initrd to keep out of the allocator (initrd.h),
// then mm::initrd(). Sets up mm::normal_zone(), the slab caches, the program
// break, and prints the "Memory:" line. False when nothing could be set up.
bool mem_init(uintptr_t ram_start, size_t ram_bytes, const kernel_image& image, initrd_range rd = {});

size_t app_heap_bytes();   // as carved at boot

}  // namespace mm
