// An initrd the boot loader put in RAM beside the kernel: QEMU's -initrd,
// U-Boot's bootm with a ramdisk image, each saying where on the command line
// as rd_start=ADDR rd_size=BYTES (Linux's arch/mips/kernel/setup.c,
// rd_start_early/rd_size_early and init_initrd). It must be an uncompressed
// newc cpio archive: its files are unpacked over the built-in root
// filesystem and, like those, served in place, so its pages stay reserved
// (Linux frees initrd memory after copying; nothing here copies).
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace mm {

struct initrd_range {
    uintptr_t start = 0;
    uintptr_t end = 0;
    bool empty() const { return end <= start; }
    size_t bytes() const { return empty() ? 0 : end - start; }
};

// rd_start= and rd_size= from the command line, checked as init_initrd does:
// both present, start page aligned, the whole image inside RAM
// [ram_start, ram_end) and clear of the kernel [kernel_start, kernel_end).
// uncached: where the same RAM appears uncached (MIPS's KSEG1, which
// U-Boot's bootm gives as rd_start), 0 for none; such an address is taken
// at its ram_start equivalent. Anything else is reported and ignored (an
// empty range).
initrd_range initrd_from_cmdline(uintptr_t ram_start, uintptr_t ram_end, uintptr_t kernel_start,
                                 uintptr_t kernel_end, uintptr_t uncached = 0);

// What mem_init() reserved, for populate_rootfs() later in the boot.
initrd_range initrd();
void set_initrd(initrd_range r);

}  // namespace mm
