#include "kernel/kallsyms.h"

extern "C" const uint32_t kallsyms_num;
extern "C" const uint32_t kallsyms_addresses[];
extern "C" const char* const kallsyms_names[];

const char* kallsyms_lookup(uintptr_t addr, uintptr_t* offset) {
    uint32_t lo = 0, hi = kallsyms_num;
    if (hi == 0 || addr < kallsyms_addresses[0]) {
        return nullptr;
    }
    while (hi - lo > 1) {   // the last symbol at or below addr
        uint32_t mid = (lo + hi) / 2;
        if (kallsyms_addresses[mid] <= addr) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    if (offset) {
        *offset = addr - kallsyms_addresses[lo];
    }
    return kallsyms_names[lo];
}
