// The system console: output through the board's UART, input from its receive
// interrupt into a ring that reads of /dev/console drain.
#pragma once
#include <stddef.h>

#include "kernel/fs/fs.h"

namespace console {

void receive(char c);                   // from the UART interrupt
// At least one byte; blocks for it unless nonblock (then -EAGAIN).
long read(char* buf, size_t count, bool nonblock = false);
long write(const char* buf, size_t count);
size_t rx_available();
size_t rx_dropped();

}  // namespace console

extern const file_operations console_fops;   // /dev/console, and fds 0-2 of every app
