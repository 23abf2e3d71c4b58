// Names for code addresses, for backtraces: the symbol table the build puts
// into the image (tools/kallsyms.py).
#pragma once
#include <stdint.h>

// The function containing addr and addr's offset in it; nullptr if unknown.
const char* kallsyms_lookup(uintptr_t addr, uintptr_t* offset);
