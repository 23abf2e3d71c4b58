// The system console: output through the board's UART, input from its receive
// interrupt into a ring that read(0, ...) drains.
#pragma once
#include <stddef.h>

namespace console {

void receive(char c);                   // from the UART interrupt
long read(char* buf, size_t count);     // blocks until at least one byte
long write(const char* buf, size_t count);
size_t rx_available();
size_t rx_dropped();

}  // namespace console
