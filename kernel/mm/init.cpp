#include "kernel/mm/init.h"

#include "kernel/cmdline.h"
#include "kernel/mm/brk.h"
#include "kernel/mm/initrd.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/mm/selftest.h"
#include "kernel/mm/slab.h"
#include "kernel/printk.h"

namespace mm {

namespace {

size_t heap_bytes;

unsigned long kib(size_t bytes) { return static_cast<unsigned long>(bytes / 1024); }

// appheap=N (MiB), or the default; clamped to what the kernel can spare.
size_t choose_app_heap(size_t ram_bytes, size_t avail) {
    constexpr size_t mib = 1u << 20;
    size_t want = ram_bytes / 4 < 4 * mib ? 4 * mib : ram_bytes / 4;
    long asked = cmdline::get_int("appheap", -1);
    if (asked >= 0) {
        want = static_cast<size_t>(asked) > SIZE_MAX / mib ? SIZE_MAX : static_cast<size_t>(asked) * mib;
    } else if (cmdline::get("appheap")) {
        pr_warn("mm: appheap=%s is not a number of MiB; using %lu MiB\n", cmdline::get("appheap"),
                static_cast<unsigned long>(want / mib));
    }
    size_t most = avail > min_kernel_bytes ? avail - min_kernel_bytes : 0;
    most &= ~(PAGE_SIZE - 1);
    if (want > most) {
        pr_warn("mm: app heap of %lu MiB does not fit beside the kernel; %luK instead\n",
                static_cast<unsigned long>(want / mib), kib(most));
        want = most;
    }
    return want;
}

void print_memory_line(size_t ram_bytes, const kernel_image& k) {
    size_t available = normal_zone().managed_pages() * PAGE_SIZE;
    size_t reserved = ram_bytes - available - heap_bytes;
    pr_info("Memory: %luK/%luK available (%luK kernel code, %luK rwdata, %luK rodata, %luK bss, "
            "%luK reserved, %luK app heap)\n",
            kib(available), kib(ram_bytes), kib(k.text_end - k.start), kib(k.bss_start - k.data_start),
            kib(k.data_start - k.text_end), kib(k.end - k.bss_start), kib(reserved), kib(heap_bytes));
}

// [start, end) into the zone, less the initrd's pages (a hole, so never
// handed out: its files are served in place). An initrd below the kernel
// lies outside the range anyway.
bool add_ram(zone& z, uintptr_t start, uintptr_t end, initrd_range rd) {
    set_initrd(rd);
    uintptr_t lo = rd.start & ~(PAGE_SIZE - 1), hi = (rd.end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (rd.empty() || hi <= start || lo >= end) {
        return z.add_range(start, end);
    }
    bool ok = (lo <= start || z.add_range(start, lo)) && (hi >= end || z.add_range(hi, end));
    pr_info("initrd: %#lx-%#lx (%luK) reserved\n", static_cast<unsigned long>(rd.start),
            static_cast<unsigned long>(rd.end), kib(hi - lo));
    return ok && (lo > start || hi < end);
}

}  // namespace

bool mem_init(uintptr_t ram_start, size_t ram_bytes, const kernel_image& image, initrd_range rd) {
    set_ram_total(ram_bytes);
    uintptr_t ram_end = ram_start + ram_bytes;
    uintptr_t free_start = (image.end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    zone& z = normal_zone();
    if (free_start >= ram_end || !add_ram(z, free_start, ram_end, rd)) {
        pr_emerg("mm: no RAM past the kernel (%#lx-%#lx)\n", static_cast<unsigned long>(free_start),
                 static_cast<unsigned long>(ram_end));
        return false;
    }
    heap_bytes = choose_app_heap(ram_bytes, ram_end - free_start);
    auto heap = reinterpret_cast<uintptr_t>(heap_bytes ? z.alloc_early(heap_bytes) : nullptr);
    if (!heap) {
        heap_bytes = 0;
        heap = ram_end;  // an empty break: every sbrk() fails with ENOMEM
    }
    brk_init(heap, heap + heap_bytes);
    if (!z.init("Normal")) {
        return false;
    }
    kmem_cache_init();
    pr_info("mm: page allocator %#lx-%#lx, %lu pages, memmap %luK, atomic reserve %lu pages\n",
            static_cast<unsigned long>(z.zone_start_pfn() << PAGE_SHIFT),
            static_cast<unsigned long>(z.zone_end_pfn() << PAGE_SHIFT),
            static_cast<unsigned long>(z.managed_pages()), kib(z.memmap_bytes()),
            static_cast<unsigned long>(z.min_free_pages()));
    pr_info("mm: app heap %#lx-%#lx (%luK)\n", static_cast<unsigned long>(heap),
            static_cast<unsigned long>(heap + heap_bytes), kib(heap_bytes));
    print_memory_line(ram_bytes, image);
    if (cmdline::get("mm_selftest")) {
        selftest(20000);
    }
    return true;
}

size_t app_heap_bytes() { return heap_bytes; }

}  // namespace mm
