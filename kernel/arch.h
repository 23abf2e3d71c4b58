// What start_kernel() asks of the architecture (kernel/arch/mips/setup.cpp).
#pragma once
#include <stdint.h>

namespace arch {
void setup(uint32_t ram_bytes);   // vectors, caches, user-pointer range, RAM layout
// Whether the boot firmware's pointer p (envp and its strings) lies in RAM
// the kernel can read before its own setup.
bool firmware_pointer_ok(const void* p);
void time_init();                 // calibrate the counter, start the tick at HZ
}
