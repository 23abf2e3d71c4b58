#pragma once
#include <stdint.h>

struct pt_regs;

namespace mips {
void trap_init();                       // vectors in place, BEV cleared
void show_regs(const pt_regs* regs);
void show_backtrace(uint32_t pc, uint32_t sp, uint32_t ra);
[[noreturn]] void die(const char* why, pt_regs* regs);
void set_counter_hz(uint32_t hz);
void cpu_irq_init();                    // irq_chip for the CPU lines IP0-IP7
void timer_init(unsigned hz);           // CP0 Compare tick on IP7
}  // namespace mips
