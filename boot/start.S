/* Entry from QEMU's -kernel loader or YAMON: a0=argc, a1=argv, a2=envp,
 * a3=RAM size in bytes. Runs in KSEG0 with BEV set and interrupts off. */
#include "kernel/arch/mips/regdef.h"

    .section .text.start, "ax"
    .set noreorder
    .globl _start
    .ent _start
_start:
    /* Kernel mode, interrupts off, leave EXL/ERL; CU0 for CP0 access,
     * CU1 because the toolchain is hard-float; FR=0 for o32. */
    mfc0    t0, CP0_STATUS
    li      t1, ~(ST0_IE | ST0_EXL | ST0_ERL | ST0_KSU | ST0_FR)
    and     t0, t0, t1
    li      t1, ST0_CU0 | ST0_CU1
    or      t0, t0, t1
    mtc0    t0, CP0_STATUS
    ehb

    la      gp, _gp
    la      sp, boot_stack_top

    /* Clear .sbss and .bss (the boot stack lives there: no calls before). */
    la      t0, __bss_start
    la      t1, __bss_end
1:  beq     t0, t1, 2f
    nop
    sw      zero, 0(t0)
    b       1b
    addiu   t0, t0, 4
2:
    jal     start_kernel            /* a0..a3 untouched so far */
    nop
3:  wait
    b       3b
    nop
    .end _start
    .set reorder

    .section .bss.boot_stack, "aw", @nobits
    .balign 16
    .globl boot_stack_bottom
boot_stack_bottom:
    .space 16384
    .globl boot_stack_top
boot_stack_top:
