// panic(): print why, then halt or reboot as panic= on the command line says
// (Linux semantics: 0 halts, N > 0 reboots after N seconds, N < 0 at once).
#pragma once

[[noreturn, gnu::format(printf, 1, 2)]] void panic(const char* fmt, ...);

// Set by the trap code once it has printed the registers and the backtrace
// of the faulting context, so that panic() does not print a second one.
void panic_stack_dumped();

// The architecture's register dump and backtrace for the current context,
// printed by panic() (kernel/arch/mips/traps.cpp on the target).
void dump_stack();
