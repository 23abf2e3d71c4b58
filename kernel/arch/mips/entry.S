/* Exception entry and exit. Every exception, interrupt and syscall arrives
 * here through the stubs copied to the vector addresses (traps.cpp). The full
 * register set goes into a struct pt_regs on the current stack; EXL is then
 * cleared (interrupts stay masked) so that the C++ handler may fault, block or
 * switch threads, and the frame is restored by ret_from_exception. */
#include "kernel/arch/mips/regdef.h"

    .text
    .set noreorder
    .set noat

/* Copied to 0x80000000 (TLB refill), 0x80000180 (general) and 0x80000200
 * (interrupt): k0 is the only register we may touch before saving. */
    .globl except_vec_stub
    .globl except_vec_stub_end
except_vec_stub:
    lui     k0, %hi(handle_exception)
    addiu   k0, k0, %lo(handle_exception)
    jr      k0
    nop
except_vec_stub_end:

    .globl handle_exception
    .ent handle_exception
handle_exception:
    move    k1, sp
    addiu   sp, sp, -PT_SIZE
    sw      k1, PT_REG(29)(sp)
    sw      zero, PT_REG(0)(sp)
    sw      $1, PT_REG(1)(sp)
    sw      $2, PT_REG(2)(sp)
    sw      $3, PT_REG(3)(sp)
    sw      $4, PT_REG(4)(sp)
    sw      $5, PT_REG(5)(sp)
    sw      $6, PT_REG(6)(sp)
    sw      $7, PT_REG(7)(sp)
    sw      $8, PT_REG(8)(sp)
    sw      $9, PT_REG(9)(sp)
    sw      $10, PT_REG(10)(sp)
    sw      $11, PT_REG(11)(sp)
    sw      $12, PT_REG(12)(sp)
    sw      $13, PT_REG(13)(sp)
    sw      $14, PT_REG(14)(sp)
    sw      $15, PT_REG(15)(sp)
    sw      $16, PT_REG(16)(sp)
    sw      $17, PT_REG(17)(sp)
    sw      $18, PT_REG(18)(sp)
    sw      $19, PT_REG(19)(sp)
    sw      $20, PT_REG(20)(sp)
    sw      $21, PT_REG(21)(sp)
    sw      $22, PT_REG(22)(sp)
    sw      $23, PT_REG(23)(sp)
    sw      $24, PT_REG(24)(sp)
    sw      $25, PT_REG(25)(sp)
    sw      zero, PT_REG(26)(sp)
    sw      zero, PT_REG(27)(sp)
    sw      $28, PT_REG(28)(sp)
    sw      $30, PT_REG(30)(sp)
    sw      $31, PT_REG(31)(sp)
    mfhi    k0
    sw      k0, PT_HI(sp)
    mflo    k0
    sw      k0, PT_LO(sp)
    mfc0    k0, CP0_EPC
    sw      k0, PT_EPC(sp)
    mfc0    k1, CP0_CAUSE
    sw      k1, PT_CAUSE(sp)
    mfc0    k1, CP0_BADVADDR
    sw      k1, PT_BVADDR(sp)
    mfc0    k0, CP0_STATUS
    sw      k0, PT_STATUS(sp)
    li      k1, ~(ST0_IE | ST0_EXL | ST0_ERL | ST0_KSU)
    and     k0, k0, k1
    mtc0    k0, CP0_STATUS
    ehb
    la      gp, _gp
    move    a0, sp
    jal     do_trap
    nop
    .end handle_exception

/* Also the first return of a new thread (kernel/arch/mips/switch.S). */
    .globl ret_from_exception
    .ent ret_from_exception
ret_from_exception:
    di
    ehb
    lw      t0, PT_HI(sp)
    mthi    t0
    lw      t0, PT_LO(sp)
    mtlo    t0
    /* The saved Status, but the interrupt mask (IM) as it is now: a handler
     * may have enabled or disabled a line. EXL masks interrupts until eret. */
    lw      t0, PT_STATUS(sp)
    mfc0    t1, CP0_STATUS
    li      t2, 0xff00
    and     t1, t1, t2
    nor     t2, zero, t2
    and     t0, t0, t2
    or      t0, t0, t1
    ori     t0, t0, ST0_EXL
    mtc0    t0, CP0_STATUS
    ehb
    lw      t0, PT_EPC(sp)
    mtc0    t0, CP0_EPC
    lw      $1, PT_REG(1)(sp)
    lw      $2, PT_REG(2)(sp)
    lw      $3, PT_REG(3)(sp)
    lw      $4, PT_REG(4)(sp)
    lw      $5, PT_REG(5)(sp)
    lw      $6, PT_REG(6)(sp)
    lw      $7, PT_REG(7)(sp)
    lw      $8, PT_REG(8)(sp)
    lw      $9, PT_REG(9)(sp)
    lw      $10, PT_REG(10)(sp)
    lw      $11, PT_REG(11)(sp)
    lw      $12, PT_REG(12)(sp)
    lw      $13, PT_REG(13)(sp)
    lw      $14, PT_REG(14)(sp)
    lw      $15, PT_REG(15)(sp)
    lw      $16, PT_REG(16)(sp)
    lw      $17, PT_REG(17)(sp)
    lw      $18, PT_REG(18)(sp)
    lw      $19, PT_REG(19)(sp)
    lw      $20, PT_REG(20)(sp)
    lw      $21, PT_REG(21)(sp)
    lw      $22, PT_REG(22)(sp)
    lw      $23, PT_REG(23)(sp)
    lw      $24, PT_REG(24)(sp)
    lw      $25, PT_REG(25)(sp)
    lw      $28, PT_REG(28)(sp)
    lw      $30, PT_REG(30)(sp)
    lw      $31, PT_REG(31)(sp)
    lw      sp, PT_REG(29)(sp)
    eret
    .end ret_from_exception
