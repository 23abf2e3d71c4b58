// What start_kernel() asks of the architecture (kernel/arch/mips/setup.cpp).
#pragma once
#include <stdint.h>

namespace arch {
void setup(uint32_t ram_bytes);   // vectors, caches, user-pointer range, RAM layout
void time_init();                 // calibrate the counter, start the tick at HZ
}
