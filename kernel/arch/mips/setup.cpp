#include "kernel/arch.h"

#include <stdio.h>

#include "kernel/arch/mips/cache.h"
#include "kernel/arch/mips/cp0.h"
#include "kernel/arch/mips/cpu_name.h"
#include "kernel/arch/mips/traps.h"
#include "kernel/board.h"
#include "kernel/cmdline.h"
#include "kernel/profile.h"
#include "kernel/mm/init.h"
#include "kernel/mm/initrd.h"
#include "kernel/mm/slab.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"

extern "C" char __kernel_start[], __text_end[], _sdata[], __bss_start[], _end[];

namespace {
// QEMU Malta: 320 MHz CPU, Count every second cycle of a whole-ns period (6 ns).
constexpr uint32_t fallback_counter_hz = 166670000;
constexpr uintptr_t first_usable = mips::kseg0 + 0x1000;  // above the vectors page
}

namespace arch {

// KSEG0 or KSEG1 over the 256 MiB of low RAM, word-aligned or not.
bool firmware_pointer_ok(const void* p) {
    auto a = reinterpret_cast<uintptr_t>(p);
    constexpr uintptr_t ram = 256u << 20;
    return (a >= mips::kseg0 && a < mips::kseg0 + ram) || (a >= mips::kseg1 && a < mips::kseg1 + ram);
}

void setup(uint32_t ram_bytes) {
    mips::trap_init();
    mips::cpu_irq_init();
    const auto& c = mips::caches();
    char l2[48] = "no L2";
    if (c.l2.line) {
        snprintf(l2, sizeof l2, "L2 %u kB/%u B lines/%u-way", c.l2.size / 1024, c.l2.line,
                 c.l2.ways);
    }
    pr_info("CPU: caches I %u kB/%u B lines/%u-way, D %u kB/%u B lines/%u-way, %s\n",
            c.isize / 1024, c.iline, c.l1i.ways, c.dsize / 1024, c.dline, c.l1d.ways, l2);
    uint32_t prid = mips::read_c0<mips::cp0::prid>();
    pr_info("CPU0 revision is: %08lx (%s)\n", static_cast<unsigned long>(prid), mips::cpu_name(prid));
    if (ram_bytes == 0) {   // neither the firmware nor the loader said
        ram_bytes = 32u << 20;
    }
    uintptr_t ram_end = mips::kseg0 + ram_bytes;
    uaccess_set_range(first_usable, ram_end);
    // SLAB_HWCACHE_ALIGN follows the D-cache line, but never below 32 bytes:
    // QEMU's 16-byte lines would otherwise give layouts no board has.
    if (c.dline > 32) {
        mm::set_cache_line_size(c.dline);
    }
    auto addr = [](const char* sym) { return reinterpret_cast<uintptr_t>(sym); };
    mm::initrd_range rd = mm::initrd_from_cmdline(mips::kseg0, ram_end, addr(__kernel_start), addr(_end),
                                                  mips::kseg1);
    mm::mem_init(mips::kseg0, ram_bytes,
                 {addr(__kernel_start), addr(__text_end), addr(_sdata), addr(__bss_start), addr(_end)}, rd);
    profile_init(addr(__kernel_start), addr(__text_end));
}

void time_init() {
    long forced = cmdline::get_int("mips_hpt_frequency", 0);
    uint32_t hz = forced > 0 ? static_cast<uint32_t>(forced) : board::calibrate_cycles_hz();
    if (hz == 0) {
        hz = fallback_counter_hz;
        pr_warn("clocksource: no board timer to measure against, assuming %u Hz\n", hz);
    }
    mips::set_counter_hz(hz);
    ::time_init();
    uint64_t wall = board::read_persistent_clock();
    set_realtime_base(wall * 1000000000ull);
    mips::timer_init(HZ);
    pr_info("clocksource: MIPS counter at %u.%03u MHz, tick %u Hz\n", hz / 1000000,
            hz / 1000 % 1000, HZ);
}

}  // namespace arch
