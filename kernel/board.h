// What the kernel asks of the board. board/malta implements it for the Malta
// (and QEMU's model of it); tests/unit/host/board_host.cpp for host tests.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace board {

const char* name();
void early_init();                        // polled console usable after this
void init();                              // interrupt controllers, console IRQ
void early_putc(char c);                  // polled, safe in panic and with IRQs off
void console_write(const char* s, size_t n);
int console_getc();                       // next received byte, or -1
uint32_t calibrate_cycles_hz();           // CP0 Count rate measured against a board clock
uint64_t read_persistent_clock();         // wall clock, seconds since 1970, 0 if none
[[noreturn]] void reset();
[[noreturn]] void poweroff();
[[noreturn]] void halt();

}  // namespace board
