/* Thread context switch. arch_switch_context(prev_sp*, next_sp) saves the
 * callee-saved registers and the whole FPU state on prev's stack, stores the
 * stack pointer, and resumes next from its stack. The FPU state is saved in
 * full because a thread may be preempted in the middle of a floating-point
 * computation, where the caller-saved FP registers are live too. */
#include "kernel/arch/mips/regdef.h"

#define SW_SIZE     (12 * 4 + 16 * 8 + 8)   /* s0-s8, ra, gp, pad; 16 FP pairs; fcsr */
#define SW_FP       48
#define SW_FCSR     (48 + 128)

    .text
    .set noreorder
    .set noat

    .globl arch_switch_context
    .ent arch_switch_context
arch_switch_context:
    addiu   sp, sp, -SW_SIZE
    sw      s0, 0(sp)
    sw      s1, 4(sp)
    sw      s2, 8(sp)
    sw      s3, 12(sp)
    sw      s4, 16(sp)
    sw      s5, 20(sp)
    sw      s6, 24(sp)
    sw      s7, 28(sp)
    sw      fp, 32(sp)
    sw      ra, 36(sp)
    sw      gp, 40(sp)
    sdc1    $f0, SW_FP + 0(sp)
    sdc1    $f2, SW_FP + 8(sp)
    sdc1    $f4, SW_FP + 16(sp)
    sdc1    $f6, SW_FP + 24(sp)
    sdc1    $f8, SW_FP + 32(sp)
    sdc1    $f10, SW_FP + 40(sp)
    sdc1    $f12, SW_FP + 48(sp)
    sdc1    $f14, SW_FP + 56(sp)
    sdc1    $f16, SW_FP + 64(sp)
    sdc1    $f18, SW_FP + 72(sp)
    sdc1    $f20, SW_FP + 80(sp)
    sdc1    $f22, SW_FP + 88(sp)
    sdc1    $f24, SW_FP + 96(sp)
    sdc1    $f26, SW_FP + 104(sp)
    sdc1    $f28, SW_FP + 112(sp)
    sdc1    $f30, SW_FP + 120(sp)
    cfc1    t0, $31
    sw      t0, SW_FCSR(sp)
    sw      sp, 0(a0)

    move    sp, a1
    lw      t0, SW_FCSR(sp)
    ctc1    t0, $31
    ldc1    $f0, SW_FP + 0(sp)
    ldc1    $f2, SW_FP + 8(sp)
    ldc1    $f4, SW_FP + 16(sp)
    ldc1    $f6, SW_FP + 24(sp)
    ldc1    $f8, SW_FP + 32(sp)
    ldc1    $f10, SW_FP + 40(sp)
    ldc1    $f12, SW_FP + 48(sp)
    ldc1    $f14, SW_FP + 56(sp)
    ldc1    $f16, SW_FP + 64(sp)
    ldc1    $f18, SW_FP + 72(sp)
    ldc1    $f20, SW_FP + 80(sp)
    ldc1    $f22, SW_FP + 88(sp)
    ldc1    $f24, SW_FP + 96(sp)
    ldc1    $f26, SW_FP + 104(sp)
    ldc1    $f28, SW_FP + 112(sp)
    ldc1    $f30, SW_FP + 120(sp)
    lw      s0, 0(sp)
    lw      s1, 4(sp)
    lw      s2, 8(sp)
    lw      s3, 12(sp)
    lw      s4, 16(sp)
    lw      s5, 20(sp)
    lw      s6, 24(sp)
    lw      s7, 28(sp)
    lw      fp, 32(sp)
    lw      ra, 36(sp)
    lw      gp, 40(sp)
    jr      ra
    addiu   sp, sp, SW_SIZE
    .end arch_switch_context

/* A new thread's first "return" from arch_switch_context lands here with
 * s0 = entry, s1 = its argument (see context.cpp). */
    .globl thread_trampoline
    .ent thread_trampoline
thread_trampoline:
    move    a0, s1
    jalr    s0
    addiu   sp, sp, -16         /* o32 argument save area for the callee */
1:  b       1b                  /* entry never returns */
    nop
    .end thread_trampoline
