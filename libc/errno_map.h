#pragma once

// newlib's errno for a Linux MIPS errno value returned by the kernel.
int errno_from_linux(long linux_errno);
