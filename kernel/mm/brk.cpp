#include "kernel/mm/brk.h"

#include "kernel/syscalls.h"

namespace {
uintptr_t start_, current_, limit_;
}

namespace mm {
void brk_init(uintptr_t start, uintptr_t limit) {
    start_ = current_ = start;
    limit_ = limit;
}
uintptr_t brk_start() { return start_; }
uintptr_t brk_current() { return current_; }
uintptr_t brk_limit() { return limit_; }
}  // namespace mm

// Linux semantics: returns the new break, or the old one when the request
// cannot be met (libc turns that into ENOMEM).
long sys_brk(uintptr_t addr) {
    if (addr >= start_ && addr <= limit_) {
        current_ = addr;
    }
    return static_cast<long>(current_);
}

namespace {
size_t ram_total_;
}
namespace mm {
void set_ram_total(size_t bytes) { ram_total_ = bytes; }
size_t ram_total() { return ram_total_; }
}  // namespace mm
