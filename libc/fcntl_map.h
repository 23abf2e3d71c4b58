// newlib's open/fcntl flags and commands (sys/_default_fcntl.h) to the Linux
// MIPS values the kernel takes (kernel/uapi/fcntl.h) and back. They differ
// in almost every bit: newlib's O_NONBLOCK is 0x4000, Linux MIPS's 0x80.
#pragma once

unsigned open_flags_to_linux(int flags);
int open_flags_from_linux(unsigned long flags);
// The Linux command, or -1 when the kernel has none (file locks).
long fcntl_cmd_to_linux(int cmd);
