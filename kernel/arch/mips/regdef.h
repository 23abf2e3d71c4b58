// MIPS o32 register names and CP0 registers for the assembly files.
// Register numbers: MIPS32 Architecture for Programmers Vol. I, table 2.x;
// CP0 register numbers: Vol. III, chapter 9.
#pragma once
#define zero $0
#define AT   $1
#define v0   $2
#define v1   $3
#define a0   $4
#define a1   $5
#define a2   $6
#define a3   $7
#define t0   $8
#define t1   $9
#define t2   $10
#define t3   $11
#define t4   $12
#define t5   $13
#define t6   $14
#define t7   $15
#define s0   $16
#define s1   $17
#define s2   $18
#define s3   $19
#define s4   $20
#define s5   $21
#define s6   $22
#define s7   $23
#define t8   $24
#define t9   $25
#define k0   $26
#define k1   $27
#define gp   $28
#define sp   $29
#define fp   $30
#define ra   $31

#define CP0_BADVADDR $8
#define CP0_COUNT    $9
#define CP0_COMPARE  $11
#define CP0_STATUS   $12
#define CP0_CAUSE    $13
#define CP0_EPC      $14

#define ST0_IE   0x00000001
#define ST0_EXL  0x00000002
#define ST0_ERL  0x00000004
#define ST0_KSU  0x00000018
#define ST0_BEV  0x00400000
#define ST0_FR   0x04000000
#define ST0_CU0  0x10000000
#define ST0_CU1  0x20000000

/* struct pt_regs (kernel/arch/mips/ptrace.h): 16 bytes of o32 argument
 * save area, then $0..$31, hi, lo, EPC, Status, Cause, BadVAddr. */
#define PT_R0       16
#define PT_REG(n)   (16 + 4 * (n))
#define PT_HI       144
#define PT_LO       148
#define PT_EPC      152
#define PT_STATUS   156
#define PT_CAUSE    160
#define PT_BVADDR   164
#define PT_SIZE     168
