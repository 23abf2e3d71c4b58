// The boot firmware's environment (Linux's arch/mips/fw/lib/cmdline.c,
// fw_getenv): YAMON, and QEMU's Malta loader after it, hand the kernel
// envp in a2, either as name, value pairs of strings (YAMON) or as
// "name=value" strings; both end at a null pointer. Read once at boot,
// before anything else may reuse the firmware's memory.
#pragma once
#include <stdint.h>

// envp as the loader gave it; plausible() says whether a pointer from the
// firmware may be read (on MIPS: inside KSEG0/KSEG1 RAM), so a loader that
// passes garbage in a2 leaves an empty environment, not a fault.
void fw_init_env(char** envp, bool (*plausible)(const void*));
// The value of name, or nullptr.
const char* fw_getenv(const char* name);
// A number (decimal, or hex after 0x) from name, or fallback when absent or
// not a number.
unsigned long fw_getenvl(const char* name, unsigned long fallback);

// RAM in bytes as Malta's firmware says (Linux's malta-memory.c):
// "ememsize" when set, else "memsize", else the loader's a3 (fallback),
// capped at the 256 MiB KSEG0 reaches below the board's I/O hole; 0 when
// none of them says.
uint32_t fw_memsize(uint32_t fallback);
// The console's baud rate from "modetty0" ("38400n8r"), or fallback when
// absent or not one a 16550 is set to.
unsigned fw_console_baud(unsigned fallback);
