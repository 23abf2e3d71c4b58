// kernel/kallsyms.h for the host: the image's symbol table is made by the
// target's link, so a test installs its own (host_stub::symbols).
#include "kernel/kallsyms.h"
#include "tests/unit/host/host_stub.h"

namespace host_stub {
const symbol* symbols;
size_t nr_symbols;
}  // namespace host_stub

const char* kallsyms_lookup(uintptr_t addr, uintptr_t* offset) {
    for (size_t i = 0; i < host_stub::nr_symbols; ++i) {
        const host_stub::symbol& s = host_stub::symbols[i];
        if (addr >= s.start && addr < s.end) {
            *offset = addr - s.start;
            return s.name;
        }
    }
    return nullptr;
}
