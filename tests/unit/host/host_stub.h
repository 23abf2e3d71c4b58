// Knobs of the host stand-ins for the CPU and the board.
#pragma once
#include <stdint.h>

#include <string>

namespace host_stub {
extern uint32_t cycles;
extern uint32_t cycles_hz;
extern bool irqs_on;
extern unsigned waits;
extern void (*on_wait)();      // what "an interrupt" does while a caller waits
extern std::string console;    // everything written to the console
extern int resets, poweroffs, halts;
}  // namespace host_stub
