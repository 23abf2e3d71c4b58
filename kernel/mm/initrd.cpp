#include "kernel/mm/initrd.h"

#include <stdint.h>
#include <stdlib.h>

#include "kernel/cmdline.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/printk.h"

namespace mm {

namespace {

initrd_range reserved;

// memparse() of a value that may have been sign-extended to 64 bits by the
// loader (QEMU prints 0xffffffff87fe0000 for KSEG0's 0x87fe0000): the low
// word is the address, as an unsigned long on a 32-bit Linux takes it.
bool parse(const char* key, uintptr_t* out) {
    const char* s = cmdline::get(key);
    if (!s || !*s) {
        return false;
    }
    char* end;
    unsigned long long v = strtoull(s, &end, 0);
    if (end == s) {
        return false;
    }
    switch (*end) {
    case 'k': case 'K': v <<= 10; ++end; break;
    case 'm': case 'M': v <<= 20; ++end; break;
    default: break;
    }
    if (*end) {
        return false;
    }
    if ((v >> 32) == 0xffffffffu) {
        v &= 0xffffffffu;
    }
    if (v > UINTPTR_MAX) {
        return false;
    }
    *out = static_cast<uintptr_t>(v);
    return true;
}

}  // namespace

initrd_range initrd_from_cmdline(uintptr_t ram_start, uintptr_t ram_end, uintptr_t kernel_start,
                                 uintptr_t kernel_end, uintptr_t uncached) {
    bool has_start = cmdline::get("rd_start") != nullptr, has_size = cmdline::get("rd_size") != nullptr;
    if (!has_start && !has_size) {
        return {};
    }
    uintptr_t start = 0, size = 0;
    if (!parse("rd_start", &start) || !parse("rd_size", &size) || size == 0) {
        pr_err("initrd: rd_start=%s rd_size=%s: both must be numbers, the size above 0; initrd disabled\n",
               cmdline::get("rd_start") ? cmdline::get("rd_start") : "(none)",
               cmdline::get("rd_size") ? cmdline::get("rd_size") : "(none)");
        return {};
    }
    if (uncached && start >= uncached && start - uncached < ram_end - ram_start) {
        start = start - uncached + ram_start;
    }
    if (start & (PAGE_SIZE - 1)) {
        pr_err("initrd: start %#lx must be page aligned; initrd disabled\n", static_cast<unsigned long>(start));
        return {};
    }
    if (start < ram_start || start >= ram_end || size > ram_end - start) {
        pr_err("initrd: %#lx+%lu is not inside RAM %#lx-%#lx; initrd disabled\n",
               static_cast<unsigned long>(start), static_cast<unsigned long>(size),
               static_cast<unsigned long>(ram_start), static_cast<unsigned long>(ram_end));
        return {};
    }
    if (start < kernel_end && kernel_start < start + size) {
        pr_err("initrd: %#lx+%lu overlaps the kernel %#lx-%#lx; initrd disabled\n",
               static_cast<unsigned long>(start), static_cast<unsigned long>(size),
               static_cast<unsigned long>(kernel_start), static_cast<unsigned long>(kernel_end));
        return {};
    }
    return {start, start + size};
}

initrd_range initrd() { return reserved; }

void set_initrd(initrd_range r) { reserved = r; }

}  // namespace mm
