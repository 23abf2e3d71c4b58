// The CPU's name from CP0 PRId (MIPS32 PRA, the PRId register: company in
// bits 23:16, processor in 15:8, revision in 7:0), as Linux's
// arch/mips/kernel/cpu-probe.c names them. Pure table work, so it is unit
// tested on the host.
#pragma once
#include <stdint.h>

namespace mips {

// "MIPS 24Kc", or "unknown" for a company or processor not in the table.
const char* cpu_name(uint32_t prid);

}  // namespace mips
