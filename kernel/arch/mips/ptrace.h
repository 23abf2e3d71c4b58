// The register frame saved by kernel/arch/mips/entry.S (offsets in regdef.h).
#pragma once
#include <stdint.h>

struct pt_regs {
    uint32_t pad0[4];            // o32 argument save area for the C++ callee
    uint32_t regs[32];
    uint32_t hi;
    uint32_t lo;
    uint32_t cp0_epc;
    uint32_t cp0_status;
    uint32_t cp0_cause;
    uint32_t cp0_badvaddr;
};
static_assert(sizeof(pt_regs) == 168, "must match PT_SIZE in regdef.h");
