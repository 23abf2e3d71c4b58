// Exception dispatch: interrupts, syscalls, and the panic dump for anything
// unexpected (cause by name, EPC, BadVAddr, every register, a backtrace).
#include <string.h>

#include "kernel/arch/mips/cache.h"
#include "kernel/arch/mips/cp0.h"
#include "kernel/arch/mips/ptrace.h"
#include "kernel/arch/mips/traps.h"
#include "kernel/irq.h"
#include "kernel/profile.h"
#include "kernel/kallsyms.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched/sched.h"
#include "kernel/softirq.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"

extern "C" char except_vec_stub[], except_vec_stub_end[];
extern "C" char __kernel_start[], __text_end[];

namespace mips {

namespace {

// Vector offsets from EBase (MD00090 table 6.x): TLB refill, cache error
// (through KSEG1), general exception, interrupt with Cause.IV.
constexpr uintptr_t vec_tlb_refill = 0x000, vec_general = 0x180, vec_interrupt = 0x200;

void install_vector(uintptr_t offset) {
    size_t len = static_cast<size_t>(except_vec_stub_end - except_vec_stub);
    memcpy(reinterpret_cast<void*>(kseg0 + offset), except_vec_stub, len);
}

const char* const exc_names[32] = {
    "Int", "Mod", "TLBL", "TLBS", "AdEL", "AdES", "IBE", "DBE",
    "Sys", "Bp", "RI", "CpU", "Ov", "Tr", "MSAFPE", "FPE",
    "Imp16", "Imp17", "C2E", "TLBRI", "TLBXI", "MSADis", "MDMX", "WATCH",
    "MCheck", "Thread", "DSPDis", "GE", "Res28", "Res29", "CacheErr", "Res31",
};

const char* const exc_descr[32] = {
    "interrupt", "TLB modified", "TLB miss on load or fetch", "TLB miss on store",
    "address error on load or fetch", "address error on store", "bus error on fetch",
    "bus error on data", "syscall", "breakpoint", "reserved instruction",
    "coprocessor unusable", "integer overflow", "trap", "MSA FP", "floating point",
    "impl 16", "impl 17", "CP2", "TLB read inhibit", "TLB execute inhibit", "MSA disabled",
    "MDMX", "watch", "machine check", "thread", "DSP disabled", "guest", "reserved",
    "reserved", "cache error", "reserved",
};

const char* const reg_names[32] = {
    "zero", "at", "v0", "v1", "a0", "a1", "a2", "a3", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7",
    "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "t8", "t9", "k0", "k1", "gp", "sp", "s8", "ra",
};

void handle_syscall(pt_regs* regs) {
    // Return past the syscall instruction (apps never put it in a delay slot).
    regs->cp0_epc += 4;
    if (regs->cp0_status & st0::ie) {
        irq_enable();  // a syscall may block: run it with interrupts on
    }
    long nr = static_cast<long>(regs->regs[2]);
    syscall_args args{};
    for (int i = 0; i < 4; ++i) {
        args.a[i] = static_cast<long>(regs->regs[4 + i]);
    }
    // o32: arguments 5 and 6 sit on the caller's stack at 16($sp) and 20($sp).
    const long* usp = reinterpret_cast<const long*>(regs->regs[29]);
    if (access_ok(usp + 4, 2 * sizeof(long))) {
        args.a[4] = usp[4];
        args.a[5] = usp[5];
    }
    args.v1 = static_cast<long>(regs->regs[3]);  // pipe() returns its second fd in v1
    long ret = do_syscall(nr, args);
    irq_disable();
    regs->regs[3] = static_cast<uint32_t>(args.v1);
    // Linux o32 convention: v0 = result or positive errno, a3 = error flag.
    if (ret < 0 && ret >= -4095) {
        regs->regs[2] = static_cast<uint32_t>(-ret);
        regs->regs[7] = 1;
    } else {
        regs->regs[2] = static_cast<uint32_t>(ret);
        regs->regs[7] = 0;
    }
}

void handle_interrupt(pt_regs* regs) {
    uint32_t pending = (regs->cp0_cause & read_c0<cp0::status>() & 0xff00u) >> cause::ip_shift;
    if (pending & (1u << 7)) {
        profile_tick(regs->cp0_epc, regs->regs[31]);   // the tick samples what it interrupted
    }
    // Highest line first: the timer (IP7) before the i8259 cascade (IP2).
    for (int ip = 7; ip >= 0; --ip) {
        if (pending & (1u << ip)) {
            generic_handle_irq(MIPS_CPU_IRQ_BASE + static_cast<unsigned>(ip));
        }
    }
}

bool in_text(uint32_t pc) {
    return pc >= reinterpret_cast<uintptr_t>(__kernel_start) &&
           pc < reinterpret_cast<uintptr_t>(__text_end) && (pc & 3) == 0;
}

}  // namespace

void trap_init() {
    cache_probe();
    install_vector(vec_tlb_refill);
    install_vector(vec_general);
    install_vector(vec_interrupt);
    flush_icache_range(kseg0, kseg0 + 0x280);
    write_c0<cp0::cause>(read_c0<cp0::cause>() & ~cause::iv);
    write_c0<cp0::status>(read_c0<cp0::status>() & ~st0::bev);
}

void show_regs(const pt_regs* regs) {
    for (int i = 0; i < 32; i += 4) {
        klog::emergency("$%-2d %-4s: %08lx  %-4s: %08lx  %-4s: %08lx  %-4s: %08lx\n", i,
                        reg_names[i], static_cast<unsigned long>(regs->regs[i]),
                        reg_names[i + 1], static_cast<unsigned long>(regs->regs[i + 1]),
                        reg_names[i + 2], static_cast<unsigned long>(regs->regs[i + 2]),
                        reg_names[i + 3], static_cast<unsigned long>(regs->regs[i + 3]));
    }
    klog::emergency("Hi      : %08lx  Lo      : %08lx\n", static_cast<unsigned long>(regs->hi),
                    static_cast<unsigned long>(regs->lo));
    klog::emergency("epc     : %08lx\n", static_cast<unsigned long>(regs->cp0_epc));
    klog::emergency("ra      : %08lx\n", static_cast<unsigned long>(regs->regs[31]));
    klog::emergency("Status  : %08lx\n", static_cast<unsigned long>(regs->cp0_status));
    unsigned code = cause::exccode(regs->cp0_cause);
    klog::emergency("Cause   : %08lx (ExcCode %02x %s%s)\n",
                    static_cast<unsigned long>(regs->cp0_cause), code, exc_names[code],
                    (regs->cp0_cause & cause::bd) ? ", in branch delay slot" : "");
    klog::emergency("BadVA   : %08lx\n", static_cast<unsigned long>(regs->cp0_badvaddr));
    klog::emergency("PrId    : %08lx\n", static_cast<unsigned long>(read_c0<cp0::prid>()));
}

// Walk the stack by reading each function's prologue, as Linux's
// unwind_stack_by_address(): find "addiu sp,sp,-N" and "sw ra,off(sp)" above
// pc, then the caller's pc is the saved ra and its sp is sp + N. A leaf that
// saved no ra returns through the ra register of the frame.
void show_backtrace(uint32_t pc, uint32_t sp, uint32_t ra) {
    klog::emergency("Call Trace:\n");
    for (int depth = 0; depth < 24 && in_text(pc); ++depth) {
        uintptr_t off = 0;
        const char* name = kallsyms_lookup(pc, &off);
        klog::emergency("[<%08lx>] %s+0x%lx\n", static_cast<unsigned long>(pc), name ? name : "?",
                        static_cast<unsigned long>(off));
        int frame = 0;
        int ra_off = -1;
        for (uint32_t p = pc; p >= reinterpret_cast<uintptr_t>(__kernel_start) && pc - p < 4096;
             p -= 4) {
            uint32_t insn = *reinterpret_cast<const uint32_t*>(p);
            if ((insn & 0xffff0000u) == 0xafbf0000u && ra_off < 0) {   // sw ra, off(sp)
                ra_off = static_cast<int16_t>(insn & 0xffff);
            }
            if ((insn & 0xffff8000u) == 0x27bd8000u) {                 // addiu sp, sp, -N
                frame = -static_cast<int16_t>(insn & 0xffff);
                break;
            }
        }
        if (frame == 0) {
            break;
        }
        uint32_t next_pc = ra;
        if (ra_off >= 0) {
            if (!access_ok(reinterpret_cast<void*>(sp + ra_off), 4)) {
                break;
            }
            next_pc = *reinterpret_cast<const uint32_t*>(sp + static_cast<uint32_t>(ra_off));
        }
        if (next_pc == pc) {
            break;
        }
        pc = next_pc - 8;  // the jal and its delay slot: report the call site
        sp += static_cast<uint32_t>(frame);
        ra = 0;
    }
}

[[noreturn]] void die(const char* why, pt_regs* regs) {
    unsigned code = cause::exccode(regs->cp0_cause);
    klog::emergency("\n%s: %s (%s) at epc %08lx, BadVAddr %08lx\n", why, exc_names[code],
                    exc_descr[code], static_cast<unsigned long>(regs->cp0_epc),
                    static_cast<unsigned long>(regs->cp0_badvaddr));
    show_regs(regs);
    show_backtrace(regs->cp0_epc, regs->regs[29], regs->regs[31]);
    panic_stack_dumped();
    panic("Fatal exception %s in kernel", exc_names[code]);
}

}  // namespace mips

void dump_stack() {
    uint32_t pc, sp;
    asm volatile(".set push\n\t.set noreorder\n1:\tla %0, 1b\n\tmove %1, $sp\n\t.set pop"
                 : "=r"(pc), "=r"(sp));
    mips::show_backtrace(pc, sp, 0);
    asm volatile("" : : : "memory");  // no tail call: dump_stack must keep its frame
}

extern "C" void do_trap(pt_regs* regs) {
    using mips::exc;
    check_stack_pointer(reinterpret_cast<uintptr_t>(regs));
    switch (static_cast<exc>(mips::cause::exccode(regs->cp0_cause))) {
    case exc::interrupt:
        irq_enter();
        mips::handle_interrupt(regs);
        irq_exit();  // may run softirqs, interrupts enabled: this frame is saved
        preempt_schedule_irq();
        break;
    case exc::sys:
        mips::handle_syscall(regs);
        break;
    default:
        mips::die("Unhandled kernel exception", regs);
    }
}
