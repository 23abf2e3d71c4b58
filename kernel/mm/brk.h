// The program break newlib's sbrk() moves: one region of RAM handed to the
// apps' malloc, apart from what the kernel allocates for itself.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace mm {
void brk_init(uintptr_t start, uintptr_t limit);
uintptr_t brk_start();
uintptr_t brk_current();
uintptr_t brk_limit();
}  // namespace mm

namespace mm {
void set_ram_total(size_t bytes);   // what the loader reported
size_t ram_total();
}  // namespace mm
